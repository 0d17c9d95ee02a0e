"""One measured run, in its own process: ``python -m benchmarks.child '<json spec>'``.

The spec names a task of benchmarks/tasks.py, its tool, its keyword arguments and where to
save the answer. A task returning a fourth value (the median of repeats it timed itself)
reports that as ``work_s``. The tool's libraries are imported before the timer starts (``work_s`` is
what a notebook user waits for); the answer is converted and saved after it stops. The last
line of stdout is JSON: ``work_s``, ``rows``, ``input_mb``.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> None:
    spec: dict[str, Any] = json.loads(argv[0])
    from benchmarks import tasks

    for module in tasks.TOOL_IMPORTS[spec["tool"]] + tasks.TASK_IMPORTS.get(spec["task"], ()):
        importlib.import_module(module)
    task = tasks.TASKS[spec["task"]]
    t0 = time.perf_counter()
    result = task(**spec["args"])
    work = time.perf_counter() - t0
    answer, rows, input_mb = result[:3]
    if len(result) > 3:  # a task that times its own repeats (in-process repeated queries)
        work = result[3]
    if spec.get("answer") and answer is not None:
        # Saved with the tool's own writer: importing another library here would add to the
        # run's peak RSS. The runner reads either form (harness.load_answer).
        if hasattr(answer, "write_parquet"):
            answer.write_parquet(spec["answer"] + ".parquet")
        else:
            answer.to_pickle(spec["answer"] + ".pkl")
    out = {"work_s": work, "rows": rows, "input_mb": input_mb, "peak_rss_mb": own_peak_rss_mb()}
    print(json.dumps(out), flush=True)


def own_peak_rss_mb() -> float:
    """This process's peak RSS (``VmHWM``), counted from its own ``exec``.

    ``ru_maxrss`` from ``wait4`` is not enough on Linux: at ``exec`` the kernel folds the
    forked copy of the parent's memory high-water mark into the child's, so a small child
    of a large runner reports the runner's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main(sys.argv[1:])

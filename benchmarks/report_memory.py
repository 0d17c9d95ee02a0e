"""Where the report's memory goes: the peak RSS of each query it runs, in one fresh process.

    .venv/bin/python -m benchmarks.report_memory --warehouse WH [--out DIR] [--top 15]

Runs ``coldstart report --warehouse WH --out DIR --quiet`` in this process with
``Session.query`` and ``Session.sql`` wrapped: before each call the process's high-water mark
is reset (``/proc/self/clear_refs`` ← ``5``, Linux) and after it ``VmHWM`` is read, so each
line is that call's own peak — DuckDB's buffers and the result frame together — beside the
resident memory before it, the time and the result's rows and in-memory size. A streamed read
(``Session.query_batches``, Fig 6) is one ``batches`` step from its first batch to its last,
the caller's work between batches included; its frame size is the largest batch's. The steps
between queries (analysis, drawing, rendering) are reported the same way, as ``between``
rows named after the query they follow. The whole run's peak is the largest of these (the
resets make ``VmHWM`` at the end only the last step's). A diagnostic, not a benchmark row:
``python -m benchmarks --only report`` measures the report itself.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass
class Step:
    """One query (or the work between two queries) and its own memory peak."""

    kind: str  # "query", "sql", "batches" or "between"
    name: str
    seconds: float
    rss_before_mb: float
    peak_mb: float
    rows: int
    frame_mb: float


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    CLEAR_REFS.write_text("5")


class Recorder:
    """Wraps the session's two entry points; keeps one :class:`Step` per call and gap."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._gap_start = time.perf_counter()
        self._gap_rss = _status("VmRSS")
        self._last = "start"
        _reset_peak()

    def _close_gap(self) -> None:
        self.steps.append(
            Step(
                "between",
                f"after {self._last}",
                time.perf_counter() - self._gap_start,
                self._gap_rss,
                _status("VmHWM"),
                0,
                0.0,
            )
        )

    def wrap(self, kind: str, fn: Any) -> Any:
        def wrapped(session: Any, name: str, /, **params: Any) -> Any:
            self._close_gap()
            label = name if kind == "query" else " ".join(name.split())[:60]
            if params:
                label += " " + ",".join(f"{k}={v}" for k, v in sorted(params.items()))
            before = _status("VmRSS")
            _reset_peak()
            t0 = time.perf_counter()
            df = fn(session, name, **params)
            seconds = time.perf_counter() - t0
            peak = _status("VmHWM")
            self.steps.append(
                Step(kind, label, seconds, before, peak, df.height, df.estimated_size() / 2**20)
            )
            self._last = label
            self._gap_start, self._gap_rss = time.perf_counter(), _status("VmRSS")
            _reset_peak()
            return df

        return wrapped

    def wrap_batches(self, fn: Any) -> Any:
        """``Session.query_batches`` (Fig 6's streamed read): one step from the first batch
        to the last, so it includes the analysis the caller does between batches."""

        def wrapped(session: Any, name: str, /, **params: Any) -> Any:
            self._close_gap()
            label = name + " " + ",".join(f"{k}={v}" for k, v in sorted(params.items()))
            before = _status("VmRSS")
            _reset_peak()
            t0 = time.perf_counter()
            rows, size = 0, 0.0
            for batch in fn(session, name, **params):
                rows, size = rows + batch.height, max(size, batch.estimated_size() / 2**20)
                yield batch
            self.steps.append(
                Step(
                    "batches", label, time.perf_counter() - t0, before, _status("VmHWM"), rows, size
                )
            )
            self._last = label
            self._gap_start, self._gap_rss = time.perf_counter(), _status("VmRSS")
            _reset_peak()

        return wrapped

    def finish(self) -> None:
        self._close_gap()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--out", type=Path, help="report folder (default: a temporary one)")
    ap.add_argument("--top", type=int, default=15, help="steps to print, largest peak first")
    ap.add_argument("--json", type=Path, help="also write every step here")
    args = ap.parse_args(argv)

    from coldstart.cli import main as cli_main
    from coldstart.query.session import Session

    rec = Recorder()
    Session.query = rec.wrap("query", Session.query)  # type: ignore[method-assign]
    Session.sql = rec.wrap("sql", Session.sql)  # type: ignore[method-assign]
    Session.query_batches = rec.wrap_batches(Session.query_batches)  # type: ignore[method-assign]
    out = args.out or Path(tempfile.mkdtemp(prefix="report-memory-"))
    sys.argv = ["coldstart", "report", "--quiet", "--warehouse", str(args.warehouse), "--out"]
    sys.argv.append(str(out))
    t0 = time.perf_counter()
    try:
        cli_main()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    rec.finish()
    total = time.perf_counter() - t0
    peak = max(s.peak_mb for s in rec.steps)
    print(f"report: {total:.1f} s, {len(rec.steps)} steps, peak RSS {peak:,.0f} MB (VmHWM)")
    head = ("kind", "step", "s", "before MB", "peak MB", "rows", "frame MB")
    print("{:<8} {:<62} {:>6} {:>9} {:>8} {:>9} {:>8}".format(*head))
    for s in sorted(rec.steps, key=lambda s: -s.peak_mb)[: args.top]:
        print(
            f"{s.kind:<8} {s.name[:62]:<62} {s.seconds:6.2f} {s.rss_before_mb:9.0f} "
            f"{s.peak_mb:8.0f} {s.rows:9,} {s.frame_mb:8.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in rec.steps], indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])

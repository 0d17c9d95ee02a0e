"""Ingest benchmark (issue 3): throughput and peak RSS per table, beside simple baselines.

    .venv/bin/python benchmarks/ingest_bench.py [--preset medium] [--runs 3] [--write-readme]
    .venv/bin/python benchmarks/ingest_bench.py --encoding      # requestID encodings only

For each table it ingests only that table's files of a synthetic trace (generated once into
``benchmarks/.work/<preset>``) into a fresh warehouse, in a child process so peak RSS is that
run's own, and reports the median of ``--runs`` runs. Beside it:

* ``pandas``: ``pd.read_csv`` per file, as in the dataset authors' notebook (pandas is not a
  project dependency: it is used if importable, e.g. ``PYTHONPATH=/path/to/pandas``);
* ``polars``: the one-line conversion ``pl.scan_csv(files).sink_parquet(out)`` (long tables;
  for the per-minute tables, whose files each have their own columns, file by file);
* ``duckdb``: ``COPY (SELECT * FROM read_csv(files)) TO out (FORMAT parquet)`` (long tables).

``--tables`` also takes ``requests_merged`` (the request rows with one part per region, i.e.
parts of the release's size, where per-file costs no longer dominate) and
``timeseries_real_width`` (per-minute files as wide as the release's Region 2: memory grows
with width, and the presets below ``large`` are narrower).

``--tables all`` ingests every table in one process (as ``coldstart ingest`` does): its peak
RSS, not the per-table ones, is what the < 1 GB promise is about.

``--tools`` also takes ``coldstart-nowrite`` and ``coldstart-noderive``: the same ingest with
the derived columns computed but not written, or neither (``benchmarks/derived_off.py``), to
measure what they cost; and ``coldstart-nofingerprint``: without the content fingerprints of
files on disk (``benchmarks/integrity_off.py``).

The baselines do none of the derived columns, validation or wide→long work; they show what
"just convert it" costs. Nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TABLE_DIRS = {
    "cold_starts": "cold_start",
    "requests": "per_request",
    "timeseries": "quantiles",
    "functions": "runtime_triggerType",
}


def ensure_trace(preset: str) -> Path:
    dest = WORK / preset
    dataset = dest / "cold_start_dataset"
    if not dataset.exists():
        from coldstart.synth import generate

        print(f"generating the {preset} synthetic trace into {dest} …", file=sys.stderr)
        generate(dest, preset=preset, seed=0)
    return dataset


# "requests_merged": the same request rows, one part per region (header once, then every
# part's rows) — parts of the release's size (R1: 468 MB here; the release's parts are
# 100–1,000× the synthetic ones), so per-file costs stop dominating.
MERGED = "requests_merged"


def merged_requests(dataset: Path) -> Path:
    """A copy of ``dataset``'s per-request table with one part per region (built once)."""
    out = dataset.parent.parent / f"{dataset.parent.name}-merged" / "cold_start_dataset"
    done = out / ".complete"
    if done.exists():
        return out
    for region_dir in sorted((dataset / TABLE_DIRS["requests"]).iterdir()):
        parts = sorted(region_dir.glob("*.csv"))
        target = out / TABLE_DIRS["requests"] / region_dir.name / "part-00000-merged-c000.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as dst:
            for i, part in enumerate(parts):
                with part.open("rb") as src:
                    header = src.readline()
                    if i == 0:
                        dst.write(header)
                    shutil.copyfileobj(src, dst)
    done.touch()
    return out


# "timeseries_real_width": per-minute files of the release's Region 2 width (2,420 funcIDs ×
# 1,440 minutes, ~50 % of cells filled, ≈ 15.7 MB each; 43 metric folders × 2 days) — the
# synthetic presets below `large` are narrower, and memory grows with width. Random values:
# for throughput and memory, not for analysis.
REAL_WIDTH = "timeseries_real_width"
REAL_WIDTH_FUNCS = 2420


def real_width_series(dataset: Path) -> Path:
    """A per-minute tree of real-width files with ``dataset``'s metric folders (built once)."""
    import numpy as np

    out = WORK / "real-width" / "cold_start_dataset"
    done = out / ".complete"
    if done.exists():
        return out
    rng = np.random.default_rng(0)
    funcs = [
        f"{a}---{b}---pool{c}-300-128"
        for a, b, c in rng.integers(1, 10**6, (REAL_WIDTH_FUNCS, 3)) % [10**6, 10**6, 60]
    ]
    folders = sorted(p.name for p in (dataset / TABLE_DIRS["timeseries"] / "R2").iterdir())
    header = "day,time," + ",".join(funcs) + "\n"
    for day in (0, 1):
        times = day * 86_400 + 60 * np.arange(1440)
        bodies = {}  # one body per kind and day, shared by the folders (formatting is slow)
        for count in (False, True):
            filled = rng.random((1440, REAL_WIDTH_FUNCS)) < 0.5
            if count:
                text = rng.integers(0, 50, filled.shape).astype(str)
            else:
                text = np.char.mod("%.6g", np.round(rng.random(filled.shape) * 10, 6))
            cells = np.where(filled, text, "")
            bodies[count] = "".join(
                f"{day},{t}," + ",".join(row) + "\n" for t, row in zip(times, cells, strict=True)
            )
        for folder in folders:
            count = folder in ("requests", "num_pods", "num_cold_starts")
            target = out / TABLE_DIRS["timeseries"] / "R2" / folder / f"day_{day}.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(header + bodies[count])
    done.touch()
    return out


# "all": every table in one ingest, as `coldstart ingest` runs it. Its peak RSS is the one the
# < 1 GB promise is about: the per-minute merges run after the long tables, on top of what
# those left in the allocators (the per-table rows above cannot show that; v4 as first merged
# peaked at 1.21 GB on `medium` this way, each table alone well under 1 GB).
ALL = "all"


def source_of(dataset: Path, table: str) -> tuple[Path, str]:
    """(folder to ingest, warehouse table) of a benchmarked table."""
    if table == ALL:
        return dataset, ALL
    if table == MERGED:
        return merged_requests(dataset) / TABLE_DIRS["requests"], "requests"
    if table == REAL_WIDTH:
        return real_width_series(dataset) / TABLE_DIRS["timeseries"], "timeseries"
    return dataset / TABLE_DIRS[table], table


def csv_files(dataset: Path, table: str) -> list[Path]:
    return sorted(source_of(dataset, table)[0].rglob("*.csv"))


CHILD = {
    "coldstart": """
from coldstart.ingest import ingest
from coldstart.ingest.malloc import keep_freed_memory
keep_freed_memory()  # as `coldstart ingest` does
r = ingest([{src!r}], warehouse={out!r}, tables={tables!r})
print(json.dumps({{"rows": int(r.quality.rows["rows"].sum())}}))
""",
    # Attribution (benchmarks/derived_off.py): the same ingest with derived columns computed
    # but not written, or neither computed nor written.
    "coldstart-off": """
import sys
sys.path.insert(0, {root!r})
from benchmarks import derived_off, integrity_off
(integrity_off if {mode!r} == "nofingerprint" else derived_off).apply({mode!r})
from coldstart.ingest import ingest
from coldstart.ingest.malloc import keep_freed_memory
keep_freed_memory()  # as `coldstart ingest` does
r = ingest([{src!r}], warehouse={out!r}, tables={tables!r})
print(json.dumps({{"rows": int(r.quality.rows["rows"].sum())}}))
""",
    "pandas": """
import sys
if {pandas_path!r}:
    sys.path.insert(0, {pandas_path!r})
import pandas as pd
rows = 0
for f in FILES:
    rows += len(pd.read_csv(f))
print(json.dumps({{"rows": rows}}))
""",
    "polars": """
import polars as pl
target = {out!r} + "/out.parquet"
pl.scan_csv(FILES).sink_parquet(target, mkdir=True)
print(json.dumps({{"rows": pl.scan_parquet(target).select(pl.len()).collect().item()}}))
""",
    # The per-minute files each have their own columns: the one-line conversion, file by file.
    "polars-wide": """
import polars as pl
import pyarrow.parquet as pq
rows = 0
for i, f in enumerate(FILES):
    target = {out!r} + f"/{{i}}.parquet"
    pl.scan_csv(f).sink_parquet(target, mkdir=True)
    rows += pq.read_metadata(target).num_rows
print(json.dumps({{"rows": rows}}))
""",
    "duckdb": """
import duckdb, os
os.makedirs({out!r}, exist_ok=True)
target = {out!r} + "/out.parquet"
con = duckdb.connect()
con.read_csv(FILES).write_parquet(target, compression="zstd")
print(json.dumps({{"rows": con.read_parquet(target).count("*").fetchall()[0][0]}}))
""",
}


def run_child(code: str) -> tuple[float, float, dict]:
    """Run ``code`` in a fresh interpreter; (seconds, peak RSS in MB, its JSON output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "import json\n" + code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "2")},
    )
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    # ru_maxrss of children is the max over all children so far: run each measurement in its
    # own grandchild to get a per-run figure.
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(after, before) / 1024, json.loads(proc.stdout.strip().splitlines()[-1])


def one_run(
    tool: str, table: str, dataset: Path, files: list[str], pandas_path: str, baseline: str
) -> tuple[float, float, float, int]:
    """One run in a fresh grandchild: (seconds, peak RSS MB, CPU seconds, rows)."""
    out = tempfile.mkdtemp(prefix=f"bench-{tool}-", dir=WORK)
    src_dir, wh_table = source_of(dataset, table)
    src = str(src_dir)
    files_json = Path(out) / "files.json"
    files_json.write_text(json.dumps(files))
    template = "coldstart" if tool == "coldstart-before" else tool
    if template == "polars" and wh_table == "timeseries":
        template = "polars-wide"
    if tool in ("coldstart-nowrite", "coldstart-noderive", "coldstart-nofingerprint"):
        template = "coldstart-off"
    code = f"FILES = json.load(open({str(files_json)!r}))\n" + CHILD[template].format(
        src=src,
        out=out,
        table=wh_table,
        tables=None if wh_table == ALL else [wh_table],
        pandas_path=pandas_path,
        root=str(HERE.parent),
        mode=tool.removeprefix("coldstart-"),
    )
    script = Path(out) / "child.py"
    script.write_text("import json\n" + code)
    # "coldstart-before": the same ingest from another checkout (e.g. a git worktree of the
    # previous commit), first on the path, to compare before/after in one session.
    env = f"dict(os.environ, PYTHONPATH={baseline!r})" if tool == "coldstart-before" else "None"
    wrapper = (
        "import subprocess, sys, json, resource, os\n"
        f"p = subprocess.run([sys.executable, {str(script)!r}],"
        f" capture_output=True, text=True, env={env})\n"
        "assert p.returncode == 0, p.stderr\n"
        "r = json.loads(p.stdout.strip().splitlines()[-1])\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "r['rss'] = u.ru_maxrss / 1024\n"
        "r['cpu'] = u.ru_utime + u.ru_stime\n"
        "print(json.dumps(r))\n"
    )
    dt, _, res = run_child(wrapper)
    shutil.rmtree(out, ignore_errors=True)
    return dt, res["rss"], res["cpu"], res["rows"]


def applies(tool: str, table: str, pandas_path: str) -> bool:
    if table == ALL:
        return tool.startswith("coldstart")  # the baselines have no whole-release form here
    if tool == "duckdb" and table in ("timeseries", REAL_WIDTH, "functions"):
        return False  # polars' per-file conversion stands for the one-liners on wide files
    if tool == "polars" and table == "functions":
        return False  # one small file
    if tool == "pandas":
        probe = f"import sys; sys.path.insert(0, {pandas_path!r}); import pandas"
        if subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, check=False
        ).returncode:
            return False
    return True


def measure_table(
    tools: list[str],
    table: str,
    dataset: Path,
    runs: int,
    pandas_path: str = "",
    baseline: str = "",
) -> list[dict]:
    """Runs of every tool on one table, interleaved (tool A, tool B, tool A, …) so that a
    change in the machine's load hits all tools alike; medians per tool."""
    files = [str(f) for f in csv_files(dataset, table)]
    tools = [t for t in tools if applies(t, table, pandas_path)]
    if not files or not tools:
        return []
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    got: dict[str, list[tuple[float, float, float, int]]] = {t: [] for t in tools}
    for _ in range(runs):
        for tool in tools:
            got[tool].append(one_run(tool, table, dataset, files, pandas_path, baseline))
    out = []
    for tool in tools:
        t = statistics.median(r[0] for r in got[tool])
        cpu = statistics.median(r[2] for r in got[tool])
        rows = got[tool][-1][3]
        out.append(
            {
                "tool": tool,
                "table": table,
                "files": len(files),
                "csv_mb": round(mb, 1),
                "rows_out": rows,
                "seconds": round(t, 2),
                "mb_per_s": round(mb / t, 1),
                "rows_per_s": int(rows / t),
                "cpu_s": round(cpu, 2),
                "mb_per_cpu_s": round(mb / cpu, 1),
                "peak_rss_mb": round(max(r[1] for r in got[tool])),
            }
        )
    return out


def encoding_table() -> str:
    """requestID encodings on 1 M random hashes: bytes/row and read time (the schema's choice)."""
    import io

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 1_000_000
    raw = np.random.default_rng(1).bytes(32 * n)
    hexs = raw.hex()
    arrays = {
        "string (64 hex chars), dict": (
            pa.array([hexs[i * 64 : i * 64 + 64] for i in range(n)]),
            True,
        ),
        "string, no dict": (pa.array([hexs[i * 64 : i * 64 + 64] for i in range(n)]), False),
        "BYTE_ARRAY binary, no dict": (
            pa.array([raw[i * 32 : i * 32 + 32] for i in range(n)], pa.binary()),
            False,
        ),
        "FIXED_LEN_BYTE_ARRAY(32)": (
            pa.array([raw[i * 32 : i * 32 + 32] for i in range(n)], pa.binary(32)),
            False,
        ),
    }
    lines = ["| encoding | bytes/row | read 1 M rows |", "|---|---:|---:|"]
    for name, (arr, use_dict) in arrays.items():
        buf = io.BytesIO()
        pq.write_table(
            pa.table({"requestID": arr}), buf, compression="zstd", use_dictionary=use_dict
        )
        reads = []
        for _ in range(3):
            buf.seek(0)
            t = time.perf_counter()
            pq.read_table(buf)
            reads.append(time.perf_counter() - t)
        lines.append(
            f"| {name} | {len(buf.getvalue()) / n:.1f} | {statistics.median(reads):.2f} s |"
        )
    return "\n".join(lines)


def markdown(results: list[dict], preset: str, runs: int) -> str:
    cols = [
        "table",
        "tool",
        "files",
        "csv_mb",
        "rows_out",
        "seconds",
        "mb_per_s",
        "rows_per_s",
        "cpu_s",
        "mb_per_cpu_s",
        "peak_rss_mb",
    ]
    out = [
        "## Ingest (issue 3)",
        "",
        f"`.venv/bin/python benchmarks/ingest_bench.py --preset {preset} --runs {runs} "
        "--timeseries-runs N --pandas-path DIR --write-readme` on this machine (2 cores, "
        "POLARS_MAX_THREADS=2); synthetic trace; seconds = median of the runs (each a fresh "
        "process, start-up included), peak RSS = max over runs. `coldstart` includes derived "
        "columns, validation, the wide→long time series and the atomic publish; "
        "`polars`/`duckdb` are plain one-line"
        " CSV→Parquet conversions; `pandas` only reads (`pd.read_csv` per file).",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for r in results:
        out.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
    out.append("")
    return "\n".join(out)


def write_readme(section: str) -> None:
    from benchmarks.readme import replace_block

    replace_block("<!-- ingest-bench:start -->", "<!-- ingest-bench:end -->", section)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="medium")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--timeseries-runs", type=int, default=1, help="runs for the (slow) per-minute tables"
    )
    ap.add_argument("--tables", default="cold_starts,requests,timeseries,functions")
    ap.add_argument("--tools", default="coldstart,polars,duckdb,pandas")
    ap.add_argument("--encoding", action="store_true", help="only the requestID encodings")
    ap.add_argument(
        "--pandas-path", default="", help="folder holding pandas (not a project dependency)"
    )
    ap.add_argument(
        "--baseline-src",
        default="",
        help="another checkout of the project: adds a 'coldstart-before' tool run from it",
    )
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    if args.encoding:
        print(encoding_table())
        return
    WORK.mkdir(parents=True, exist_ok=True)
    dataset = ensure_trace(args.preset)
    results = []
    tools = args.tools.split(",")
    if args.baseline_src:
        tools.insert(1, "coldstart-before")
    for table in args.tables.split(","):
        runs = args.timeseries_runs if table in ("timeseries", REAL_WIDTH, ALL) else args.runs
        print(f"{table}: load average {os.getloadavg()}", file=sys.stderr, flush=True)
        for r in measure_table(tools, table, dataset, runs, args.pandas_path, args.baseline_src):
            print(json.dumps(r), flush=True)
            results.append(r)
    section = markdown(results, args.preset, args.runs)
    print(section)
    if args.write_readme:
        write_readme(section + "\n### requestID encodings\n\n" + encoding_table() + "\n")


if __name__ == "__main__":
    main()

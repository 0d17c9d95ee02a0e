"""Spark against DuckDB on the breakdown queries: whole process, and per query after start-up.

    python -m benchmarks.spark_bench WAREHOUSE [--runs 3] [--out FILE] [--write-readme PRESET]

Each engine runs in a fresh child process (so one's JVM or caches never help the other):
the child opens the warehouse (for Spark: starts a local[2] SparkSession — its JVM is part of
what a user pays), runs every breakdown query once as warm-up, then ``--runs`` times, and
reports start-up seconds, per-query medians, the whole process's wall time and its peak
memory — the Python process's own peak RSS plus, for Spark, the JVM's (both VmHWM: the
child's ``getrusage`` would fold in this runner's peak at ``exec``, see
benchmarks/child.py). The machine may be shared: quote medians, and the load average printed
beside them. ``--write-readme PRESET`` saves the results as
``benchmarks/results/spark-PRESET.json`` and rewrites the Spark table of benchmarks/README.md
(between its ``spark-bench`` markers; ``python -m benchmarks --write-readme`` re-renders it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.child import own_peak_rss_mb
from benchmarks.settings import HERE

BREAKDOWNS: dict[str, dict[str, object]] = {
    "cold_starts_by_region": {},
    "cold_starts_by_pool_size": {},
    "cold_starts_by_runtime": {},
    "cold_starts_by_trigger": {},
    "cold_starts_hourly": {},
    "groups_proportions": {},
    "utility_ratio_by_runtime": {},
    "region_summary": {},
}


def _jvm_peak_mb(spark: object) -> float:
    pid = spark._jvm.java.lang.ProcessHandle.current().pid()  # type: ignore[attr-defined]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(engine: str, warehouse: str, runs: int) -> dict[str, object]:
    """One engine's measurements (runs in its own process)."""
    t0 = time.perf_counter()
    import coldstart

    session = coldstart.open(warehouse, engine=engine)
    started = time.perf_counter() - t0
    per_query: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    for name, params in BREAKDOWNS.items():
        session.query(name, **params)  # warm-up
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            frame = session.query(name, **params)
            times.append(time.perf_counter() - t)
        per_query[name] = times
        rows[name] = frame.height
    jvm_mb = _jvm_peak_mb(session.spark) if engine == "spark" else 0.0
    session.close()
    python_mb = own_peak_rss_mb()
    return {
        "engine": engine,
        "start_s": started,
        "median_s": {k: statistics.median(v) for k, v in per_query.items()},
        "rows": rows,
        "python_peak_mb": python_mb,
        "jvm_peak_mb": jvm_mb,
    }


START, END = "<!-- spark-bench:start -->", "<!-- spark-bench:end -->"


def results_file(preset: str) -> Path:
    return HERE / "results" / f"spark-{preset}.json"


def section(preset: str, run: dict[str, Any]) -> str:
    """The README's Spark table for one saved run (``results_file``)."""
    duck, spark = run["results"]
    loads = [x for r in run["results"] for x in r["load_avg"]]
    lines = [
        f"Measured on the synthetic **`{preset}`** preset ({run['warehouse_mb']:,.0f} MB of "
        f"Parquet), {run['runs']} timed run(s) after 1 warm-up, medians; {run['started']}, commit "
        f"{run['commit']}, {run['versions']}. Load average (1 min) during the runs: "
        f"{min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores.",
        "",
        "| | DuckDB s | Spark s | Spark / DuckDB |",
        "|---|---:|---:|---:|",
    ]
    rows = [("whole process (open + queries)", "process_s"), ("start-up (open)", "start_s")]
    for label, key in rows:
        d, s = duck[key], spark[key]
        lines.append(f"| {label} | {d:.2f} | {s:.1f} | {s / d:.0f}× |")
    for name in duck["median_s"]:
        d, s = duck["median_s"][name], spark["median_s"][name]
        lines.append(f"| `{name}` | {d:.3f} | {s:.2f} | {s / d:.0f}× |")
    spark_mb = spark["python_peak_mb"] + spark["jvm_peak_mb"]
    lines.append(
        f"| peak memory (VmHWM) | {duck['python_peak_mb']:,.0f} MB | "
        f"{spark['python_peak_mb']:,.0f} MB Python + {spark['jvm_peak_mb']:,.0f} MB JVM | "
        f"{spark_mb / duck['python_peak_mb']:.1f}× |"
    )
    return "\n".join(lines)


def write_readme(preset: str) -> None:
    """Re-render the README's Spark table from ``results_file(preset)``."""
    from benchmarks.readme import replace_block

    replace_block(START, END, section(preset, json.loads(results_file(preset).read_text())))


def _run_info(warehouse: str, runs: int) -> dict[str, Any]:
    import datetime

    import duckdb
    import pyspark

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        check=False,
        capture_output=True,
        text=True,
        cwd=HERE,
    ).stdout.strip()
    size = sum(f.stat().st_size for f in Path(warehouse).rglob("*.parquet"))
    return {
        "warehouse_mb": size / 1e6,
        "runs": runs,
        "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "?",
        "versions": f"duckdb {duckdb.__version__}, pyspark {pyspark.__version__}",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--write-readme",
        metavar="PRESET",
        help="save the results as results/spark-PRESET.json and rewrite the README's table",
    )
    parser.add_argument("--child", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.warehouse, args.runs)))
        return
    info = _run_info(args.warehouse, args.runs)
    results = []
    for engine in ("duckdb", "spark"):
        load_before = os.getloadavg()[0]
        t = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.spark_bench",
                args.warehouse,
                "--runs",
                str(args.runs),
                "--child",
                engine,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["process_s"] = time.perf_counter() - t
        result["load_avg"] = [load_before, os.getloadavg()[0]]
        results.append(result)
    duck, spark = results
    print(f"warehouse {args.warehouse}; {args.runs} runs after 1 warm-up, medians")
    print(f"{'':28} {'duckdb s':>9} {'spark s':>9} {'spark/duckdb':>12}")
    for key, label in (("process_s", "whole process"), ("start_s", "start-up (open)")):
        print(f"{label:28} {duck[key]:9.2f} {spark[key]:9.2f} {spark[key] / duck[key]:11.1f}x")
    for name in BREAKDOWNS:
        d, s = duck["median_s"][name], spark["median_s"][name]
        print(f"{name:28} {d:9.3f} {s:9.3f} {s / d:11.1f}x")
    print(
        f"peak memory MB: duckdb {duck['python_peak_mb']:.0f}; spark python "
        f"{spark['python_peak_mb']:.0f} + JVM {spark['jvm_peak_mb']:.0f}"
    )
    print(
        f"load average (1 min) before/after: duckdb {duck['load_avg']}, spark {spark['load_avg']}"
    )
    if duck["rows"] != spark["rows"]:
        raise SystemExit(f"row counts differ: {duck['rows']} vs {spark['rows']}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    if args.write_readme:
        results_file(args.write_readme).write_text(
            json.dumps({**info, "results": results}, indent=2) + "\n"
        )
        write_readme(args.write_readme)


if __name__ == "__main__":
    main()

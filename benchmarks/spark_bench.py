"""Spark against DuckDB on the breakdown queries: whole process, and per query after start-up.

    python -m benchmarks.spark_bench WAREHOUSE [--runs 3] [--out FILE]

Each engine runs in a fresh child process (so one's JVM or caches never help the other):
the child opens the warehouse (for Spark: starts a local[2] SparkSession — its JVM is part of
what a user pays), runs every breakdown query once as warm-up, then ``--runs`` times, and
reports start-up seconds, per-query medians, the whole process's wall time and its peak
memory — the Python process's peak RSS plus, for Spark, the JVM's (VmHWM). The machine may
be shared: quote medians, and the load average printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

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
    python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine,
        "start_s": started,
        "median_s": {k: statistics.median(v) for k, v in per_query.items()},
        "rows": rows,
        "python_peak_mb": python_mb,
        "jvm_peak_mb": jvm_mb,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.warehouse, args.runs)))
        return
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


if __name__ == "__main__":
    main()

"""Where a session's time goes, step by step, against the bare DuckDB script, in one process.

``python -m benchmarks.session_overhead --warehouse WH [--bench by_runtime] [--repeats 25]``

The runner's whole-process rows say *whether* ``coldstart.open(wh).query(name)`` keeps up with
a plain DuckDB script; this says *where* any difference comes from. Each step is timed
``--repeats`` times after one warm-up, in this process (libraries imported, files in the page
cache), and the median is printed in milliseconds:

* ``open``: ``coldstart.open(wh)`` + close, against ``duckdb.connect()`` + close;
* ``views``: open and create the views and macros the query needs (session: ``_prepare``, with
  the schema check of each table's view), against the bare script's statements;
* ``query``: open, views, the query into polars, close — the runner's own tasks
  (``tasks.query_coldstart`` against ``tasks.query_duckdb``).

The bare statements are the runner's (:func:`benchmarks.__main__.bare_script`), so both sides
run the same SQL over the same files. An attribution tool, not a benchmark row: nothing is
written; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple


class Step(NamedTuple):
    """One step's median time for the session and for the bare script, in milliseconds."""

    name: str
    session_ms: float
    bare_ms: float


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` over ``repeats`` calls, after one unmeasured call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def measure(warehouse: Path, bench: str, repeats: int) -> list[Step]:
    import duckdb

    import coldstart
    from benchmarks import tasks
    from benchmarks.__main__ import bare_script

    name = tasks.QUERIES[bench][0]
    bare = bare_script(warehouse, bench)

    def session_open() -> None:
        coldstart.open(warehouse).close()

    def bare_open() -> None:
        duckdb.connect().close()

    def session_views() -> None:
        with coldstart.open(warehouse) as s:
            s._prepare(s.named(name).sql)

    def bare_con() -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        for statement in bare["statements"]:
            con.execute(statement)
        return con

    def bare_views() -> None:
        bare_con().close()

    def session_query() -> None:
        tasks.query_coldstart(str(warehouse), bench)

    def bare_query() -> None:
        tasks.query_duckdb(bench, **bare)

    return [
        Step("open", median_ms(session_open, repeats), median_ms(bare_open, repeats)),
        Step("views", median_ms(session_views, repeats), median_ms(bare_views, repeats)),
        Step("query", median_ms(session_query, repeats), median_ms(bare_query, repeats)),
    ]


def main(argv: list[str]) -> int:
    from benchmarks.tasks import QUERIES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--bench", default="by_runtime", choices=sorted(QUERIES))
    ap.add_argument("--repeats", type=int, default=25)
    args = ap.parse_args(argv)
    steps = measure(args.warehouse.resolve(), args.bench, args.repeats)
    print(f"{args.bench} on {args.warehouse}: medians of {args.repeats}, in one process")
    print("| step (cumulative) | session ms | bare DuckDB ms | session − bare ms | ratio |")
    print("|---|---:|---:|---:|---:|")
    for s in steps:
        diff = s.session_ms - s.bare_ms
        print(
            f"| {s.name} | {s.session_ms:.1f} | {s.bare_ms:.1f} | {diff:+.1f} | "
            f"{s.session_ms / s.bare_ms:.2f}× |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What each measured run does: coldstart's side, and the plain conversions beside it.

Every task takes keyword arguments from the runner (JSON-safe) and returns
``(answer, rows, input_mb)``; the child process times it and saves the answer. The
researcher workflows (pandas, Dask) live in benchmarks/reference.py; here are coldstart and
the one-line CSV→Parquet conversions of ingest_bench.py (the same lines, reused so both
benchmarks measure the same baseline).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import TABLE_DIRS

# (answer, rows, input MB), or with a fourth value: the median of repeats the task timed.
Result = tuple[Any, ...]

# Imports each tool needs, done before the timer starts (a notebook has them loaded already).
# benchmarks.reference (numpy) is imported by the tasks that use it, so that the whole-process
# times of coldstart and the bare DuckDB script carry no import neither of them needs.
# Every DuckDB-based tool turns its result into polars the way coldstart's session does,
# `pl.DataFrame(relation)` through the Arrow C stream interface: no pyarrow (`.pl()` would
# import it, ≈ 70 MB of RSS with NumPy), so the pairs compare the queries, not the conversion.
TOOL_IMPORTS: dict[str, tuple[str, ...]] = {
    "coldstart": ("polars", "duckdb", "coldstart.query.session"),
    "catalog": ("polars", "duckdb", "coldstart.query.session"),
    "pandas": ("pandas", "numpy"),
    "dask": ("pandas", "numpy", "dask.dataframe"),
    "polars": ("polars",),
    "cli": ("polars", "duckdb", "coldstart.query", "coldstart.cli"),
    "duckdb": ("duckdb", "polars"),
}
TASK_IMPORTS: dict[str, tuple[str, ...]] = {"ingest_coldstart": ("coldstart.ingest",)}
# In-process repeated queries: timed repeats after one untimed run.
REPEATS = 7


def table_files(dataset: str, table: str) -> list[str]:
    return sorted(str(p) for p in (Path(dataset) / TABLE_DIRS[table]).rglob("*.csv"))


def all_files(dataset: str) -> list[str]:
    return sorted(str(p) for p in Path(dataset).rglob("*.csv"))


# --- ingest ---------------------------------------------------------------------------------


def ingest_coldstart(dataset: str, out: str, tables: list[str] | None) -> Result:
    """coldstart's ingest of some tables (all if None) into a fresh warehouse ``out``."""
    from benchmarks import reference
    from coldstart.ingest import ingest
    from coldstart.ingest.malloc import keep_freed_memory

    keep_freed_memory()  # as `coldstart ingest` does
    r = ingest([dataset], warehouse=out, tables=tables)
    rows = r.quality.rows
    if tables:
        rows = rows.filter(rows["table"].is_in(tables))
    files = [f for t in (tables or TABLE_DIRS) for f in table_files(dataset, t)]
    return None, int(rows["rows"].sum()), reference.csv_mb(files)


def ingest_polars(dataset: str, out: str, tables: list[str]) -> Result:
    """The one-line conversion: ``pl.scan_csv(files).sink_parquet(out)`` (long tables)."""
    import polars as pl

    from benchmarks import reference

    (table,) = tables
    files = table_files(dataset, table)
    target = Path(out) / "out.parquet"
    pl.scan_csv(files).sink_parquet(target, mkdir=True)
    rows = pl.scan_parquet(target).select(pl.len()).collect().item()
    return None, int(rows), reference.csv_mb(files)


def ingest_duckdb(dataset: str, out: str, tables: list[str]) -> Result:
    """The one-line conversion in DuckDB: ``read_csv(files).write_parquet(out)``."""
    import duckdb

    from benchmarks import reference

    (table,) = tables
    files = table_files(dataset, table)
    Path(out).mkdir(parents=True, exist_ok=True)
    target = str(Path(out) / "out.parquet")
    con = duckdb.connect()
    con.read_csv(files).write_parquet(target, compression="zstd")
    rows = con.read_parquet(target).count("*").fetchall()[0][0]
    return None, int(rows), reference.csv_mb(files)


def ingest_pandas(dataset: str, out: str, tables: list[str] | None) -> Result:
    """The notebook's loading: ``pd.read_csv`` of every file.

    Long tables are concatenated into one frame as the notebook does (that is its memory);
    the wide per-minute files are read one at a time and dropped (keeping all of them would
    not fit anywhere), so their figure is a lower bound of any pandas analysis of them.
    """
    import pandas as pd

    from benchmarks import reference

    rows = 0
    files_all: list[str] = []
    for table in tables or list(TABLE_DIRS):
        files = table_files(dataset, table)
        files_all += files
        if table in ("cold_starts", "requests"):
            frames = [pd.read_csv(f) for f in files]
            if frames:
                rows += len(pd.concat(frames, ignore_index=True))
            del frames
        else:
            for f in files:
                rows += len(pd.read_csv(f))
    return None, rows, reference.csv_mb(files_all)


# --- queries --------------------------------------------------------------------------------

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "by_region": ("cold_starts_by_region", {}),
    "by_runtime": ("cold_starts_by_runtime", {"region": "R2"}),
    "by_trigger": ("cold_starts_by_trigger", {"region": "R2"}),
    "utility_ratio": ("pod_utility_ratio", {}),
    "request_cdf": ("requests_cdf", {}),
}


def query_coldstart(warehouse: str, bench: str) -> Result:
    """A named query on the warehouse: ``coldstart.open(wh).query(name, **params)``."""
    import coldstart

    name, params = QUERIES[bench]
    with coldstart.open(warehouse) as s:
        df = s.query(name, **params)
    return df, _rows(bench, df), 0.0


def query_catalog(catalog: str, bench: str) -> Result:
    """The same named query's SQL on ``duckdb.connect(catalog)`` (``coldstart catalog``)."""
    import duckdb
    import polars as pl

    from coldstart.query.library import load_library
    from coldstart.query.session import bind_params

    name, params = QUERIES[bench]
    q = load_library().queries[name]
    con = duckdb.connect(catalog, read_only=True)
    df = pl.DataFrame(con.sql(q.sql, params=bind_params(q, params)))
    con.close()
    return df, _rows(bench, df), 0.0


def query_duckdb(bench: str, statements: list[str], sql: str, params: dict[str, Any]) -> Result:
    """The bare engine: the same SQL in a plain DuckDB script, no coldstart imported.

    ``statements`` (from the runner, :func:`benchmarks.__main__.bare_script`) are what a
    DuckDB user writes by hand: a view per table over ``read_parquet('<wh>/<table>/**/
    *.parquet', hive_partitioning = true)`` and the library's view definitions the query uses.
    """
    import duckdb
    import polars as pl

    con = duckdb.connect()
    for statement in statements:
        con.execute(statement)
    df = pl.DataFrame(con.sql(sql, params=params or None))
    con.close()
    return df, _rows(bench, df), 0.0


def repeat_coldstart(warehouse: str, bench: str) -> Result:
    """The named query repeated in one session: the median of REPEATS runs after a first."""
    import coldstart

    name, params = QUERIES[bench]
    with coldstart.open(warehouse) as s:
        df = s.query(name, **params)
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            df = s.query(name, **params)
            times.append(time.perf_counter() - t0)
    return df, _rows(bench, df), 0.0, statistics.median(times)


def repeat_duckdb(bench: str, statements: list[str], sql: str, params: dict[str, Any]) -> Result:
    """The bare script's query repeated on one connection, timed like :func:`repeat_coldstart`."""
    import duckdb
    import polars as pl

    con = duckdb.connect()
    for statement in statements:
        con.execute(statement)
    df = pl.DataFrame(con.sql(sql, params=params or None))
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        df = pl.DataFrame(con.sql(sql, params=params or None))
        times.append(time.perf_counter() - t0)
    con.close()
    return df, _rows(bench, df), 0.0, statistics.median(times)


def floor_duckdb() -> Result:
    """The least any DuckDB-based process pays to answer: connect, a one-row query, into polars.

    No file is read, so this is the floor under every query row: against pandas, no DuckDB
    tool can be faster than pandas' time over this one (the readme quotes that bound).
    """
    import duckdb
    import polars as pl

    con = duckdb.connect()
    df = pl.DataFrame(con.sql("SELECT 42 AS answer"))
    con.close()
    return df, df.height, 0.0


def _rows(bench: str, df: Any) -> int:
    """Rows of the answer; for the CDF, the requests it covers (its rate is requests/s)."""
    if bench == "request_cdf":
        return int(df["n"][0]) if df.height else 0
    return df.height


def query_pandas(dataset: str, bench: str) -> Result:
    from benchmarks import reference

    df = getattr(reference, PANDAS_QUERIES[bench])(Path(dataset))
    mb = _input_mb(dataset, bench)
    return df, len(df), mb


# The pandas workflow of each breakdown: a function of benchmarks/reference.py.
PANDAS_QUERIES: dict[str, str] = {
    "by_region": "by_region",
    "by_runtime": "by_runtime",
    "by_trigger": "by_trigger",
    "utility_ratio": "utility_ratio",
}


def _input_mb(dataset: str, bench: str) -> float:
    from benchmarks import reference

    root = Path(dataset)
    if bench == "utility_ratio":
        return reference.csv_mb(reference.request_files(root))
    regions = ("R2",) if bench != "by_region" else reference.REGIONS
    files = [f for r in regions for f in reference.cold_start_files(root, r)]
    return reference.csv_mb(files)


def cdf_dask(dataset: str) -> Result:
    """The authors' Dask way (benchmarks/reference.py): read every request, sort, quantiles."""
    from benchmarks import reference

    df = reference.request_cdf_dask(Path(dataset))
    files = reference.request_files(Path(dataset))
    return df, int(df["n"].iloc[0]), reference.csv_mb(files)


def cli(argv: list[str], out: str) -> Result:
    """``coldstart <argv> <out>`` in this process (so its peak RSS is measured); files out."""
    import sys

    from coldstart.cli import main

    sys.argv = ["coldstart", *argv, out]
    try:
        main()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    produced = [p for p in Path(out).rglob("*") if p.is_file()]
    return None, len(produced), 0.0


TASKS: dict[str, Callable[..., Result]] = {
    "cli": cli,
    "ingest_coldstart": ingest_coldstart,
    "ingest_polars": ingest_polars,
    "ingest_duckdb": ingest_duckdb,
    "ingest_pandas": ingest_pandas,
    "query_coldstart": query_coldstart,
    "query_catalog": query_catalog,
    "query_duckdb": query_duckdb,
    "query_pandas": query_pandas,
    "repeat_coldstart": repeat_coldstart,
    "repeat_duckdb": repeat_duckdb,
    "floor_duckdb": floor_duckdb,
    "cdf_dask": cdf_dask,
}


def describe(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True)

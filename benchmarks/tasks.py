"""What each measured run does: coldstart's side, and the plain conversions beside it.

Every task takes keyword arguments from the runner (JSON-safe) and returns
``(answer, rows, input_mb)``; the child process times it and saves the answer. The
researcher workflows (pandas, Dask) live in benchmarks/reference.py; here are coldstart and
the one-line CSV→Parquet conversions of ingest_bench.py (the same lines, reused so both
benchmarks measure the same baseline).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import reference
from benchmarks.ingest_bench import TABLE_DIRS

Result = tuple[Any, int, float]

# Imports each tool needs, done before the timer starts (a notebook has them loaded already).
TOOL_IMPORTS: dict[str, tuple[str, ...]] = {
    "coldstart": ("polars", "duckdb", "coldstart.query", "coldstart.ingest"),
    "catalog": ("polars", "duckdb", "coldstart.query"),
    "pandas": ("pandas", "numpy"),
    "dask": ("pandas", "numpy", "dask.dataframe"),
    "polars": ("polars",),
    "cli": ("polars", "duckdb", "coldstart.query", "coldstart.cli"),
    "duckdb": ("duckdb",),
}


def table_files(dataset: str, table: str) -> list[str]:
    return sorted(str(p) for p in (Path(dataset) / TABLE_DIRS[table]).rglob("*.csv"))


def all_files(dataset: str) -> list[str]:
    return sorted(str(p) for p in Path(dataset).rglob("*.csv"))


# --- ingest ---------------------------------------------------------------------------------


def ingest_coldstart(dataset: str, out: str, tables: list[str] | None) -> Result:
    """coldstart's ingest of some tables (all if None) into a fresh warehouse ``out``."""
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

    (table,) = tables
    files = table_files(dataset, table)
    target = Path(out) / "out.parquet"
    pl.scan_csv(files).sink_parquet(target, mkdir=True)
    rows = pl.scan_parquet(target).select(pl.len()).collect().item()
    return None, int(rows), reference.csv_mb(files)


def ingest_duckdb(dataset: str, out: str, tables: list[str]) -> Result:
    """The one-line conversion in DuckDB: ``read_csv(files).write_parquet(out)``."""
    import duckdb

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
}

PANDAS_QUERIES: dict[str, Callable[[Path], Any]] = {
    "by_region": reference.by_region,
    "by_runtime": reference.by_runtime,
    "by_trigger": reference.by_trigger,
    "utility_ratio": reference.utility_ratio,
}


def query_coldstart(warehouse: str, bench: str) -> Result:
    """A named query on the warehouse: ``coldstart.open(wh).query(name, **params)``."""
    import coldstart

    name, params = QUERIES[bench]
    with coldstart.open(warehouse) as s:
        df = s.query(name, **params)
    return df, df.height, 0.0


def query_catalog(catalog: str, bench: str) -> Result:
    """The same named query's SQL on ``duckdb.connect(catalog)`` (``coldstart catalog``).

    The catalog's views read the warehouse with DuckDB's own ``read_parquet``; the session
    instead scans pyarrow datasets on a connection without file access (its safety model).
    Measuring both shows what that choice costs.
    """
    import duckdb

    from coldstart.query.library import load_library
    from coldstart.query.session import bind_params

    name, params = QUERIES[bench]
    q = load_library().queries[name]
    con = duckdb.connect(catalog, read_only=True)
    df = con.sql(q.sql, params=bind_params(q, params)).pl()
    con.close()
    return df, df.height, 0.0


def query_pandas(dataset: str, bench: str) -> Result:
    df = PANDAS_QUERIES[bench](Path(dataset))
    mb = _input_mb(dataset, bench)
    return df, len(df), mb


def _input_mb(dataset: str, bench: str) -> float:
    root = Path(dataset)
    if bench == "utility_ratio":
        return reference.csv_mb(reference.request_files(root))
    regions = ("R2",) if bench != "by_region" else reference.REGIONS
    files = [f for r in regions for f in reference.cold_start_files(root, r)]
    return reference.csv_mb(files)


CDF_SQL = """
WITH v AS (
    SELECT
        list_sort(list(totalCost_worker)) AS xs,
        count(totalCost_worker) AS n,
        min(totalCost_worker) AS mn,
        max(totalCost_worker) AS mx,
        avg(totalCost_worker) AS mean
    FROM requests
    WHERE totalCost_worker IS NOT NULL
),
h AS (
    SELECT t.p, (v.n - 1) * t.p AS h, v.*
    FROM v, unnest($probs) AS t(p)
),
k AS (
    SELECT *, CAST(floor(h) AS BIGINT) AS lo FROM h
)
SELECT
    p,
    xs[lo + 1] + (h - lo) * (xs[least(lo + 2, n)] - xs[lo + 1]) AS x,
    n,
    mn AS "min",
    mx AS "max",
    mean
FROM k
ORDER BY p
"""


def cdf_coldstart(warehouse: str) -> Result:
    """The exact request-level CDF of totalCost_worker, one DuckDB query over the warehouse.

    There is no named query for it (the figures use log-binned histograms, which would not
    compare exactly with the Dask answer), so this is ad-hoc SQL through the same session:
    sort the values once, then interpolate linearly at each probability (NumPy's default).
    DuckDB's ``quantile_cont(x, [list])`` gives the same answer but selects each quantile
    separately: 999 of them took 13 s on `medium` against 1.8 s for one sort.
    """
    import coldstart

    with coldstart.open(warehouse) as s:
        df = s.sql(CDF_SQL, probs=reference.CDF_PROBS)
    return df, int(df["n"][0]) if df.height else 0, 0.0


def cdf_catalog(catalog: str) -> Result:
    """The CDF SQL of :func:`cdf_coldstart` on the ``coldstart catalog`` file."""
    import duckdb

    con = duckdb.connect(catalog, read_only=True)
    df = con.sql(CDF_SQL, params={"probs": reference.CDF_PROBS}).pl()
    con.close()
    return df, int(df["n"][0]) if df.height else 0, 0.0


def cdf_dask(dataset: str) -> Result:
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
    "query_pandas": query_pandas,
    "cdf_coldstart": cdf_coldstart,
    "cdf_catalog": cdf_catalog,
    "cdf_dask": cdf_dask,
}


def describe(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True)

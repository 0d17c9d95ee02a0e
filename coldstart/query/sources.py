"""The warehouse tables as DuckDB views named ``_wh_<table>``, which the base views read.

Every mode reads the Parquet files with DuckDB's own reader (``read_parquet`` with Hive
partitioning): it pushes column selection and the filters (on the partition keys
``region``, ``metric`` and the requests' ``day``, and on the row groups' statistics) into the
scan, reads row groups in parallel and never materialises what a query
does not need. The files are named by a glob with one level per partition key
(``requests/region=*/day=*/[!_.]*.parquet``, :func:`table_glob`), so opening a session lists no
files — DuckDB expands the glob when a query runs — and bookkeeping files (``_``/``.``) are
never read. The path enters SQL only as a literal quoted by DuckDB itself
(``duckdb.ConstantExpression``), never by string formatting.

* :func:`create_parquet_views` — sessions and ``coldstart catalog``: ``read_parquet`` views over
  an absolute glob. A session's connection is sandboxed to the warehouse folder (see
  :mod:`coldstart.query.session` for what that does and does not protect); the catalog file
  works in any DuckDB client, and moving the warehouse means re-running ``coldstart catalog``.
* :func:`create_empty_view` — a table the warehouse lacks (and the doc checker's empty
  warehouse): an empty view with the table's exact schema, so every view still binds.

Partition columns get the types of ``coldstart.warehouse`` (``day`` SMALLINT) in every mode.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from coldstart import warehouse
from coldstart.errors import InputError
from coldstart.query.library import SOURCE_PREFIX

if TYPE_CHECKING:
    import pyarrow as pa

# A data file's name: not bookkeeping (``_manifest``…) and not hidden (``.tmp``…).
DATA_FILE = "[!_.]*.parquet"


def source_name(table: str) -> str:
    return f"{SOURCE_PREFIX}{table}"


def full_columns(table: str) -> tuple[warehouse.Column, ...]:
    """File columns then partition columns — the order DuckDB's Hive readers produce."""
    spec = warehouse.TABLES[table]
    return (*spec.columns, *spec.partitions)


def full_schema(table: str) -> pa.Schema:
    """:func:`full_columns` as an Arrow schema (for tests and writers; imports pyarrow)."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, c.type.arrow()) for c in full_columns(table)])


def relative_glob(table: str) -> str:
    """``region=*/day=*/[!_.]*.parquet`` (requests): every data file of a table, below its
    folder."""
    levels = [f"{p}=*" for p in warehouse.TABLES[table].partition_names]
    return "/".join([*levels, DATA_FILE])


def table_glob(root: Path, table: str) -> str:
    """The absolute glob of a table's data files (what ``read_parquet`` is given)."""
    return str(warehouse.table_dir(Path(root).resolve(), table) / relative_glob(table))


def has_data(root: Path, table: str) -> bool:
    """Whether the table has at least one data file (stops at the first one found)."""
    base = warehouse.table_dir(root, table)
    if not base.is_dir():
        return False
    return next(itertools.islice(base.glob(relative_glob(table)), 1), None) is not None


def present_tables(root: Path) -> list[str]:
    """Warehouse tables with at least one published Parquet file."""
    return [t for t in warehouse.TABLES if has_data(root, t)]


def create_parquet_views(con: duckdb.DuckDBPyConnection, root: Path, tables: list[str]) -> None:
    """``_wh_<table>`` as a view over ``read_parquet(<glob>)`` (see the module docstring)."""
    for table in tables:
        spec = warehouse.TABLES[table]
        literal = str(duckdb.ConstantExpression(table_glob(root, table)))
        hive_types = ", ".join(f"'{c.name}': '{c.type.duckdb}'" for c in spec.partitions)
        con.execute(
            f"CREATE VIEW {source_name(table)} AS SELECT * FROM read_parquet({literal}, "
            f"hive_partitioning = true, hive_types = {{{hive_types}}})"
        )
        _check_columns(con, root, table)


def _check_columns(con: duckdb.DuckDBPyConnection, root: Path, table: str) -> None:
    """Files of an older schema (version 5's cold starts have no function groups) fail here,
    saying what to do, not at the first query that names a column they lack. Binding the view
    reads one file's footer."""
    described = con.execute(f"SELECT * FROM {source_name(table)} LIMIT 0").description or []
    got = {d[0] for d in described}
    missing = [c.name for c in full_columns(table) if c.name not in got]
    if missing:
        raise InputError(
            f"{root}: its {table} files have no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''} (written by an older coldstart); this coldstart "
            f"reads warehouse schema version {warehouse.SCHEMA_VERSION}: rebuild it with "
            "`coldstart ingest --force <release folder or zips>`"
        )


def create_empty_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """An empty, typed view for a table the warehouse lacks."""
    cols = ", ".join(f"CAST(NULL AS {c.type.duckdb}) AS {c.name}" for c in full_columns(table))
    con.execute(f"CREATE VIEW {source_name(table)} AS SELECT {cols} WHERE false")

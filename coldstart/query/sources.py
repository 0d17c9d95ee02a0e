"""The warehouse tables as DuckDB relations named ``_wh_<table>``, which the base views read.

Three ways to provide them, one per use:

* :func:`register_datasets` (sessions): each table is a pyarrow dataset over its Parquet files,
  registered on a connection that has **no file-system access at all**
  (``enable_external_access = false``, configuration locked). DuckDB pushes column selection
  and filters — including the Hive partition columns ``region``/``day``/``metric`` — into the
  dataset scan, so queries read only the files and columns they need; and nothing run on the
  connection (``COPY … TO``, ``ATTACH``, ``INSTALL``) can write into the warehouse or anywhere
  else. The warehouse path never enters SQL text.
* :func:`create_parquet_views` (``coldstart catalog``): persistent views over
  ``read_parquet(<absolute glob>)``, so the catalog file works in any DuckDB client. The path is
  rendered as a SQL literal by DuckDB's own quoting (``duckdb.ConstantExpression``), never by
  string formatting; moving the warehouse means re-running ``coldstart catalog``.
* :func:`register_empty` (a table the warehouse lacks, and the doc checker): an empty relation
  with the table's exact schema, so every view still binds.

Partition columns get the types of ``coldstart.warehouse`` (``day`` SMALLINT) in every mode.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from coldstart import warehouse
from coldstart.query.library import SOURCE_PREFIX


def source_name(table: str) -> str:
    return f"{SOURCE_PREFIX}{table}"


def full_schema(table: str) -> pa.Schema:
    """File columns then partition columns — the order DuckDB's Hive readers produce."""
    spec = warehouse.TABLES[table]
    fields = [pa.field(c.name, c.type) for c in (*spec.columns, *spec.partitions)]
    return pa.schema(fields)


def present_tables(root: Path) -> list[str]:
    """Warehouse tables with at least one published Parquet file."""
    return [t for t in warehouse.TABLES if warehouse.data_files(root, t)]


def register_datasets(con: duckdb.DuckDBPyConnection, root: Path, tables: list[str]) -> None:
    """Register each table as an Arrow dataset (see the module docstring for why)."""
    for table in tables:
        spec = warehouse.TABLES[table]
        partitioning = ds.partitioning(
            pa.schema([pa.field(c.name, c.type) for c in spec.partitions]), flavor="hive"
        )
        files = [str(p) for p in warehouse.data_files(root, table)]
        dataset = ds.dataset(
            files,
            schema=full_schema(table),
            format="parquet",
            partitioning=partitioning,
            partition_base_dir=str(warehouse.table_dir(root, table)),
        )
        con.register(source_name(table), dataset)


def register_empty(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """An empty relation with the table's schema, for a table the warehouse does not have."""
    con.register(source_name(table), full_schema(table).empty_table())


def create_parquet_views(con: duckdb.DuckDBPyConnection, root: Path, tables: list[str]) -> None:
    """Persistent ``read_parquet`` views over an absolute glob (for the catalog file)."""
    for table in tables:
        spec = warehouse.TABLES[table]
        glob = str(warehouse.table_dir(root.resolve(), table) / "**" / "*.parquet")
        literal = str(duckdb.ConstantExpression(glob))
        hive_types = ", ".join(f"'{c.name}': '{_duck_type(c.type)}'" for c in spec.partitions)
        con.execute(
            f"CREATE VIEW {source_name(table)} AS SELECT * FROM read_parquet({literal}, "
            f"hive_partitioning = true, hive_types = {{{hive_types}}})"
        )


def create_empty_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """A persistent, empty, typed view for a table the warehouse lacks (catalog file)."""
    cols = ", ".join(f"CAST(NULL AS {_duck_type(f.type)}) AS {f.name}" for f in full_schema(table))
    con.execute(f"CREATE VIEW {source_name(table)} AS SELECT {cols} WHERE false")


def _duck_type(t: pa.DataType) -> str:
    """DuckDB spelling of the warehouse's Arrow types (only those the schema uses)."""
    if pa.types.is_fixed_size_binary(t) or pa.types.is_binary(t):
        return "BLOB"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _duck_type(t.value_type) + "[]"
    names = {
        pa.string(): "VARCHAR",
        pa.large_string(): "VARCHAR",
        pa.float64(): "DOUBLE",
        pa.int8(): "TINYINT",
        pa.int16(): "SMALLINT",
        pa.int32(): "INTEGER",
        pa.int64(): "BIGINT",
        pa.bool_(): "BOOLEAN",
    }
    return names[t]

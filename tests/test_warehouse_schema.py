"""The warehouse schema in coldstart/warehouse.py is the truth: files and docs must match it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _ingest_fixtures import write_tree

from coldstart import warehouse
from coldstart.config import resolve_warehouse
from coldstart.ingest import ingest

DOCS = Path(__file__).resolve().parent.parent / "docs" / "warehouse.md"


def test_docs_agree_with_code() -> None:
    assert DOCS.read_text() == warehouse.render_markdown(), (
        "docs/warehouse.md is stale: run `python -m coldstart.warehouse > docs/warehouse.md`"
    )


def test_every_written_file_matches_the_schema(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    seen = set()
    for name, table in warehouse.TABLES.items():
        files = warehouse.data_files(wh, name)
        assert files, name
        for f in files:
            schema = pq.read_schema(f)
            assert schema.remove_metadata() == table.arrow_schema(), f
            keys = warehouse.parse_partition_path(f.relative_to(wh / name))
            assert list(keys) == table.partition_names, f
            meta = pq.ParquetFile(f).metadata
            expected = "SNAPPY" if name == "cold_starts" else "ZSTD"
            for i in range(meta.num_columns):
                assert meta.row_group(0).column(i).compression == expected, (f, i)
            seen.add(name)
    assert seen == set(warehouse.TABLES)
    pf_schema = pq.ParquetFile(warehouse.data_files(wh, "cold_starts")[0]).schema
    rid = pf_schema.column(pf_schema.names.index("requestID"))
    assert rid.physical_type == "FIXED_LEN_BYTE_ARRAY"


def test_no_float_encoded_ints() -> None:
    ints = {
        "day",
        "clusterName",
        "funcName",
        "userID",
        "cpu_limit",
        "mem_limit",
        "cpu_request",
        "requests",
        "num_pods",
        "num_cold_starts",
        "hour",
        "time_minute",
    }
    for table in warehouse.TABLES.values():
        for c in (*table.partitions, *table.columns):
            if c.name in ints:
                assert pa.types.is_integer(c.type.arrow()), (table.name, c.name)


def test_engines_read_it(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    glob = warehouse.parquet_glob(wh, "cold_starts")
    n = duckdb.execute(
        "select count(*), count(distinct hex(requestID)) "
        "from read_parquet(?, hive_partitioning=true)",
        [glob],
    ).fetchone()
    assert n == (3, 3)
    df = pl.scan_parquet(warehouse.parquet_glob(wh, "timeseries"), hive_partitioning=True)
    got = df.filter(pl.col("metric") == "cpu_usage", pl.col("day") == 0).collect()
    assert got.height == 3


def test_partition_paths() -> None:
    root = Path("/w")
    assert warehouse.partition_dir(root, "timeseries", region="R1", metric="cpu_usage") == (
        Path("/w/timeseries/region=R1/metric=cpu_usage")
    )
    with pytest.raises(ValueError, match="partitioned by"):  # the day is a column since v4
        warehouse.partition_dir(root, "timeseries", region="R1", metric="cpu_usage", day=3)
    assert warehouse.partition_dir(root, "cold_starts", region="R1") == (
        Path("/w/cold_starts/region=R1")
    )
    with pytest.raises(ValueError, match="partitioned by"):  # a column since v5
        warehouse.partition_dir(root, "cold_starts", region="R1", day=0)
    with pytest.raises(ValueError, match="partitioned by"):
        warehouse.partition_dir(root, "requests", region="R1")


def test_warehouse_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COLDSTART_WAREHOUSE", raising=False)
    assert resolve_warehouse() == Path("data/warehouse")
    monkeypatch.setenv("COLDSTART_WAREHOUSE", str(tmp_path))
    assert resolve_warehouse() == tmp_path
    assert resolve_warehouse(tmp_path / "x") == tmp_path / "x"
    monkeypatch.setenv("COLDSTART_WAREHOUSE", "")
    assert resolve_warehouse() == Path("data/warehouse")

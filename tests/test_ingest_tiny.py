"""Ingest of hand-written release files; every expected value worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from _ingest_fixtures import RID_A, RID_B, RID_C, write_tree, write_zips

from coldstart.ingest import check, ingest


def _read(wh: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(wh / table / "**" / "*.parquet", hive_partitioning=True)


@pytest.fixture(scope="module")
def tiny_wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tiny")
    src = write_tree(tmp / "src")
    ingest([src], warehouse=tmp / "wh", workers=2)
    return tmp / "wh"


def test_cold_starts_derived_columns(tiny_wh: Path) -> None:
    df = _read(tiny_wh, "cold_starts").sort("time")
    assert df["day"].to_list() == [0, 0, 1]
    assert df["region"].to_list() == ["R2"] * 3
    assert df["funcID"].to_list() == ["400---418---pool22-300-128", "7---9---pool24-600-512", None]
    assert df["poolName"].to_list() == ["pool22-300-128", "pool24-600-512", None]
    assert df["cpu_limit"].to_list() == [300, 600, None]
    assert df["mem_limit"].to_list() == [128, 512, None]
    assert df["pool_size"].to_list() == ["small", "large", None]
    # R2 has a function table: 123 for the first funcID (table wins over the map's 100);
    # 7---9---pool24-600-512 is listed with 300, the same as the map.
    assert df["cpu_request"].to_list() == [123, 300, None]
    assert df["time_minute"].to_list() == [51900, 86340, 86400]
    assert df["hour"].to_list() == [14, 23, 24]
    assert df["clusterName"].to_list() == [2, 1, 3]
    assert [b.hex() for b in df["requestID"]] == [RID_A, RID_B, RID_C]
    assert df["podID"].to_list()[2] == "garbage-pod"
    assert df.schema["clusterName"] == pl.Int8
    assert df.schema["funcName"] == pl.Int64


def test_requests_rows(tiny_wh: Path) -> None:
    df = _read(tiny_wh, "requests").sort("time_worker")
    assert df["day"].to_list() == [30, 30]
    assert df["time_minute"].to_list() == [2592000, 2592060]
    assert df["time_frontend"].to_list() == [2592000.25, None]
    assert df["requestBodySize"].to_list() == [327.0, None]
    assert df["funcID"].to_list() == ["400---418---pool22-300-128", None]  # empty podID
    assert df["podID"].to_list() == ["pool22-300-128-0000000001", None]
    assert df["memory_usage"].to_list() == [64.5, 128.0]


def test_functions_table(tiny_wh: Path) -> None:
    df = _read(tiny_wh, "functions").sort("funcID")
    assert df["funcID"].to_list() == ["400---418---pool22-300-128", "7---9---pool24-600-512"]
    assert df["funcName"].to_list() == [400, 7]
    assert df["userID"].to_list() == [418, 9]
    assert df["cpu_limit"].to_list() == [300, 600]
    assert df["pool_size"].to_list() == ["small", "large"]
    assert df["cpu_request"].to_list() == [123, 300]
    assert df["runtime_group"].to_list() == ["Python3", "other"]
    assert df["triggers"].to_list() == [["APIG-S", "TIMER-A"], ["unknown-A", "unknown-S"]]
    assert df["trigger_types"].to_list() == [["APIG", "TIMER"], ["unknown", "unknown"]]
    assert df["invocation_types"].to_list() == [["S", "A"], ["A", "S"]]
    assert df["trigger_group"].to_list() == ["TIMER-A", "unknown"]
    assert df["region"].to_list() == ["R2", "R2"]


def test_timeseries_wide_to_long(tiny_wh: Path) -> None:
    df = _read(tiny_wh, "timeseries").sort("funcID", "time")
    assert df["metric"].unique().to_list() == ["cpu_usage"]
    rows = df.select("funcID", "time", "avg", "std").rows()
    assert rows == [
        ("400---418---pool22-300-128", 0, 0.5, 0.1),
        ("400---418---pool22-300-128", 120, None, 0.2),
        ("7---9---pool24-600-512", 60, 0.25, None),
    ]
    assert df["quantile_050"].null_count() == 3  # no file for it: missing, not zero


def test_counts_side_by_side_as_ints(tiny_wh: Path) -> None:
    df = _read(tiny_wh, "counts").sort("funcID", "time")
    assert df.schema["requests"] == pl.Int64
    assert df.schema["num_pods"] == pl.Int32
    assert df.select("funcID", "time", "requests", "num_pods", "num_cold_starts").rows() == [
        ("400---418---pool22-300-128", 0, 3, 1, 0),
        ("400---418---pool22-300-128", 120, 0, 2, 0),
        ("7---9---pool24-600-512", 60, 1, 0, 0),
    ]


def test_quality_summary_counts(tiny_wh: Path) -> None:
    q = check(tiny_wh)
    issues = {(t, i): n for t, _, i, n, _ in q.issues.iter_rows()}
    assert issues[("cold_starts", "podID_unparseable")] == 1
    assert issues[("cold_starts", "components_mismatch")] == 1  # 0.5·3 + 0.4 = 1.9 ≠ 2.0
    assert issues[("requests", "podID_empty")] == 1
    totals = {(t, r): n for t, r, _, n in q.totals.iter_rows()}
    assert totals == {
        ("cold_starts", "R2"): 3,
        ("requests", "R2"): 2,
        ("functions", "R2"): 2,
        ("timeseries", "R2"): 3,
        ("counts", "R2"): 3,
    }
    nulls = {(t, c): n for t, _, c, _, n in q.nulls.iter_rows()}
    assert nulls[("cold_starts", "poolName")] == 1
    assert nulls[("requests", "time_frontend")] == 1
    assert nulls[("requests", "requestBodySize")] == 1
    assert "requests" in q.caveats["table"].to_list()


def test_zips_read_in_place_give_identical_tables(tmp_path: Path, tiny_wh: Path) -> None:
    src = write_zips(tmp_path / "zips")
    result = ingest([src], warehouse=tmp_path / "wh")
    assert result.ingested == 7
    assert not (tmp_path / "zips" / "cold_start_dataset" / "cold_start" / "R2").exists()
    for table in ("cold_starts", "requests", "functions", "timeseries", "counts"):
        a = _read(tiny_wh, table)
        b = _read(tmp_path / "wh", table)
        keys = [c for c in a.columns if a.schema[c] != pl.List(pl.String)]
        assert a.sort(keys).equals(b.sort(keys)), table


def test_same_files_from_zip_after_folder_are_skipped(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "a")], warehouse=wh)
    again = ingest([write_zips(tmp_path / "b")], warehouse=wh)
    assert again.ingested == 0
    assert again.skipped == 7


def test_single_csv_and_subfolder_sources(tmp_path: Path) -> None:
    base = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    r1 = ingest([base / "cold_start" / "R2" / "day_0.csv"], warehouse=wh)
    assert r1.ingested == 1
    r2 = ingest([base / "quantiles"], warehouse=wh, tables=["timeseries"])
    assert r2.ingested == 4
    assert math.isclose(_read(wh, "timeseries")["avg"].sum(), 0.75)


def test_filters_tables_and_regions(tmp_path: Path) -> None:
    base = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    r = ingest([base], warehouse=wh, tables=["cold_starts"])
    assert r.ingested == 1
    assert sorted(p.name for p in wh.iterdir() if not p.name.startswith("_")) == ["cold_starts"]
    r = ingest([base], warehouse=tmp_path / "wh2", regions=["R1"])
    # only the function table (Region 2 by definition) is region-less in the path… and it is R2
    assert r.ingested == 0

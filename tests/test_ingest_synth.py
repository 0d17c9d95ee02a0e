"""Ingest of the synthetic `tiny` trace, from folders and from zips, cross-checked row by row
against an independent reader (Python's csv module, none of the code under test)."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from coldstart import release
from coldstart.ingest import ingest

synth = pytest.importorskip("coldstart.synth")

REGIONS = ["R2", "R5"]
DAYS = 2
# Metrics whose folder names prefix one another (totalCost_avg, totalCost_cold_start_avg,
# totalCost_frontend_avg) and one more: the cases where a folder's metric and statistic could
# be split wrongly. All 16 would be 652 per-minute files per trace through the same code; the
# 163 folder names of the release are checked on the full `tiny` trace (test_synth_format.py).
METRICS = ["totalCost", "totalCost_cold_start", "totalCost_frontend", "cpu_usage"]


@pytest.fixture(scope="module")
def trace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("synth")
    kw = {"preset": "tiny", "seed": 0, "regions": REGIONS, "days": DAYS, "metrics": METRICS}
    synth.generate(tmp / "dir", **kw)
    synth.generate(tmp / "zip", as_zip=True, **kw)
    ingest([tmp / "dir" / "cold_start_dataset"], warehouse=tmp / "wh_dir")
    ingest([tmp / "zip" / "cold_start_dataset"], warehouse=tmp / "wh_zip")
    return {"src": tmp / "dir" / "cold_start_dataset", "dir": tmp / "wh_dir", "zip": tmp / "wh_zip"}


def _read(wh: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(wh / table / "**" / "*.parquet", hive_partitioning=True)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("table", ["cold_starts", "requests", "timeseries", "counts", "functions"])
def test_folder_and_zip_give_identical_tables(trace: dict[str, Path], table: str) -> None:
    a, b = _read(trace["dir"], table), _read(trace["zip"], table)
    keys = [c for c in a.columns if not isinstance(a.schema[c], pl.List)]
    assert a.height > 0
    assert a.sort(keys).equals(b.sort(keys))


def _pool(pod: str) -> tuple[str | None, int | None, int | None]:
    parts = pod.split("-")
    if len(parts) == 4 and parts[0].startswith("pool") and all(p.isdigit() for p in parts[1:]):
        return "-".join(parts[:3]), int(parts[1]), int(parts[2])
    return None, None, None


def test_cold_starts_row_by_row(trace: dict[str, Path]) -> None:
    expected = []
    for region in REGIONS:
        for f in sorted((trace["src"] / "cold_start" / region).glob("*.csv")):
            for r in _rows(f):
                pool, cpu, mem = _pool(r["podID"])
                fid = f"{r['funcName']}---{r['userID']}---{pool}" if pool else None
                expected.append(
                    (
                        region,
                        int(r["day"]),
                        float(r["time"]),
                        r["requestID"],
                        r["podID"] or None,
                        fid,
                        cpu,
                        mem,
                        float(r["totalCost_cold_start"]),
                    )
                )
    got = _read(trace["dir"], "cold_starts").select(
        "region",
        "day",
        "time",
        pl.col("requestID").bin.encode("hex"),
        "podID",
        "funcID",
        "cpu_limit",
        "mem_limit",
        "totalCost_cold_start",
    )
    assert sorted(got.rows(), key=str) == sorted(expected, key=str)


def test_requests_row_by_row(trace: dict[str, Path]) -> None:
    expected = Counter()
    for region in REGIONS:
        for f in (trace["src"] / "per_request" / region).glob("*.csv"):
            for r in _rows(f):
                bs = r["requestBodySize"]
                body = None if bs in ("", "nan", "NaN") else float(bs)
                expected[
                    (region, r["requestID"], float(r["time_worker"]), r["podID"] or None, body)
                ] += 1
    got = _read(trace["dir"], "requests").select(
        "region", pl.col("requestID").bin.encode("hex"), "time_worker", "podID", "requestBodySize"
    )
    assert Counter(got.rows()) == expected


def _wide_cells(trace: dict[str, Path]) -> tuple[dict, dict]:
    stats: dict[tuple, float] = {}
    counts: dict[tuple, int] = {}
    for region in REGIONS:
        for folder in (trace["src"] / "quantiles" / region).iterdir():
            metric, stat = release.split_series_folder(folder.name)
            for f in folder.glob("*.csv"):
                for r in _rows(f):
                    day, t = int(float(r.pop("day"))), int(float(r.pop("time")))
                    for fid, v in r.items():
                        if v == "" or math.isnan(float(v)):
                            continue
                        if stat is None:
                            counts[(region, day, fid, t, metric)] = int(float(v))
                        else:
                            stats[(region, metric, day, fid, t, stat)] = float(v)
    return stats, counts


def test_timeseries_and_counts_cell_by_cell(trace: dict[str, Path]) -> None:
    stats, counts = _wide_cells(trace)
    ts = (
        _read(trace["dir"], "timeseries")
        .unpivot(index=["region", "metric", "day", "funcID", "time"], variable_name="stat")
        .drop_nulls("value")
    )
    got_stats = {
        (r, m, d, f, t, s): v
        for r, m, d, f, t, s, v in ts.select(
            "region", "metric", "day", "funcID", "time", "stat", "value"
        ).iter_rows()
    }
    assert got_stats == stats
    cs = _read(trace["dir"], "counts").unpivot(
        index=["region", "day", "funcID", "time"], variable_name="series"
    )
    got_counts = {(r, d, f, t, s): v for r, d, f, t, s, v in cs.iter_rows() if v != 0}
    assert got_counts == {k: v for k, v in counts.items() if v != 0}


def test_functions_row_by_row(trace: dict[str, Path]) -> None:
    rows = _rows(trace["src"] / release.FUNCTION_FILE)
    got = _read(trace["dir"], "functions").sort("funcID")
    assert got["funcID"].to_list() == sorted(r["funcID"] for r in rows)
    by_id = {r["funcID"]: r for r in rows}
    for fid, req, rt, trig in got.select(
        "funcID", "cpu_request", "runtime", "trigger_field"
    ).iter_rows():
        assert (req, rt, trig) == (
            int(float(by_id[fid]["cpu_request"])),
            by_id[fid]["runtime"],
            by_id[fid]["triggerType-invocationType"],
        )

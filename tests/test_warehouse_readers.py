"""The compacted warehouse (per-minute tables since layout v4, cold starts since v5) read by
polars, pandas (pyarrow) and DuckDB: each gives the rows the manifest counts and the ones
worked out by hand below.

Input (two funcIDs A < B in string order, two days, two metrics):

* cpu_usage_avg day 0: A@0 = 0.5, B@60 = 0.25 (the row of minute 120 is empty)
* cpu_usage_std day 0: A@0 = 0.1, A@120 = 0.2
* cpu_usage_avg day 1: A@86400 = 0.75
* memory_usage_avg day 0: B@60 = 64
* requests day 0: A@0 = 3, B@60 = 1; day 1: A@86460 = 2

* cold starts R2: day_0.csv holds two rows of day 0 (t = 51937.425, 86399.999) and one of day
  1 (t = 86400), day_1.csv one of day 1 (t = 90000)

So ``cold_starts/region=R2`` is one file of 4 rows: day_0.csv's, then day_1.csv's, one row
group per (file, day) — days 0, 1, 1 — and ``timeseries/region=R2/metric=cpu_usage`` holds 4 rows (avg and std side by side, NULL where
a statistic had no value), ``…/metric=memory_usage`` 1, and ``counts/region=R2`` 3 (num_pods and
num_cold_starts 0: NaN there means none). Spark is covered by the scale-out tests.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from _ingest_fixtures import COLD_HEADER, COLD_ROWS, csv_text

from coldstart.ingest import ingest
from coldstart.warehouse import MANIFEST_FILE

A = "400---418---pool22-300-128"
B = "7---9---pool24-600-512"

FILES = {
    "quantiles/R2/cpu_usage_avg/day_0.csv": f"day,time,{A},{B}\n0,0,0.5,\n0,60,,0.25\n0,120,,\n",
    "quantiles/R2/cpu_usage_std/day_0.csv": f"day,time,{A}\n0,0,0.1\n0,120,0.2\n",
    "quantiles/R2/cpu_usage_avg/day_1.csv": f"day,time,{A}\n1,86400,0.75\n",
    "quantiles/R2/memory_usage_avg/day_0.csv": f"day,time,{B}\n0,60,64.0\n",
    "quantiles/R2/requests/day_0.csv": f"day,time,{A},{B}\n0,0,3.0,\n0,60,,1.0\n",
    "quantiles/R2/requests/day_1.csv": f"day,time,{A}\n1,86460,2.0\n",
    "cold_start/R2/day_0.csv": csv_text(COLD_HEADER, COLD_ROWS),
    "cold_start/R2/day_1.csv": csv_text(
        COLD_HEADER, [COLD_ROWS[2].replace("1,86400.0,3,", "1,90000.0,4,")]
    ),
}

# (region, metric, day, funcID, time, avg, std)
SERIES = [
    ("R2", "cpu_usage", 0, A, 0, 0.5, 0.1),
    ("R2", "cpu_usage", 0, A, 120, None, 0.2),
    ("R2", "cpu_usage", 0, B, 60, 0.25, None),
    ("R2", "cpu_usage", 1, A, 86400, 0.75, None),
    ("R2", "memory_usage", 0, B, 60, 64.0, None),
]
# (region, day, funcID, time, requests, num_pods, num_cold_starts)
COUNTS = [
    ("R2", 0, A, 0, 3, 0, 0),
    ("R2", 0, B, 60, 1, 0, 0),
    ("R2", 1, A, 86460, 2, 0, 0),
]
# (region, day, time, clusterName, totalCost_cold_start), in file order
COLD = [
    ("R2", 0, 51937.425, 2, 0.91109),
    ("R2", 0, 86399.999, 1, 2.0),
    ("R2", 1, 86400.0, 3, 1.0),
    ("R2", 1, 90000.0, 4, 1.0),
]
COLD_COLS = ["region", "day", "time", "clusterName", "totalCost_cold_start"]
SERIES_COLS = ["region", "metric", "day", "funcID", "time", "avg", "std"]
COUNT_COLS = ["region", "day", "funcID", "time", "requests", "num_pods", "num_cold_starts"]


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for rel, text in FILES.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    root = tmp_path_factory.mktemp("wh") / "wh"
    ingest([src], warehouse=root)
    return root


def _rows(records: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Sorted, NaN as None (pandas reads NULL doubles as NaN), numbers as Python numbers."""

    def norm(v: object) -> object:
        if isinstance(v, float) and math.isnan(v):
            return None
        return v.item() if hasattr(v, "item") else v

    return sorted((tuple(norm(v) for v in r) for r in records), key=repr)


def _manifest_rows(wh: Path, table: str) -> int:
    files = json.loads((wh / MANIFEST_FILE).read_text())["files"]
    return sum(n for rel, n in files.items() if rel.startswith(f"{table}/"))


def test_a_folder_is_one_file_with_a_row_group_per_day_in_order(wh: Path) -> None:
    folders = {
        p.parent.relative_to(wh).as_posix(): p
        for p in wh.glob("*/**/*.parquet")
        if p.name[0] != "_"
    }
    assert sorted(folders) == [
        "cold_starts/region=R2",
        "counts/region=R2",
        "timeseries/region=R2/metric=cpu_usage",
        "timeseries/region=R2/metric=memory_usage",
    ]
    meta = pq.read_metadata(folders["timeseries/region=R2/metric=cpu_usage"])
    days = []
    for rg in range(meta.num_row_groups):
        stats = meta.row_group(rg).column(0).statistics  # day, the first column
        assert stats.min == stats.max
        days.append(stats.min)
    assert days == [0, 1]


def test_cold_starts_are_one_file_per_region_a_row_group_per_source_day(wh: Path) -> None:
    (part,) = (wh / "cold_starts" / "region=R2").glob("*.parquet")
    meta = pq.read_metadata(part)
    assert meta.schema.column(0).path == "day" and meta.num_rows == 4
    days = []
    for rg in range(meta.num_row_groups):
        stats = meta.row_group(rg).column(0).statistics
        assert stats.min == stats.max
        days.append(stats.min)
    assert days == [0, 1, 1]  # day_0.csv's two days, then day_1.csv's
    manifest = json.loads((wh / MANIFEST_FILE).read_text())["sources"]
    rel = part.relative_to(wh).as_posix()
    ranges = sorted(e["part_rows"][rel] for e in manifest.values() if e["table"] == "cold_starts")
    assert ranges == [[0, 3], [3, 4]]


@pytest.mark.parametrize("reader", ["polars", "pandas", "duckdb"])
def test_each_reader_gives_the_hand_worked_rows(wh: Path, reader: str) -> None:
    got = {}
    for table, cols in (
        ("timeseries", SERIES_COLS),
        ("counts", COUNT_COLS),
        ("cold_starts", COLD_COLS),
    ):
        if reader == "polars":
            frame = pl.read_parquet(wh / table / "**" / "*.parquet", hive_partitioning=True)
            records = frame.select(cols).rows()
        elif reader == "pandas":
            frame = pd.read_parquet(wh / table, engine="pyarrow")
            records = list(frame[cols].astype(object).itertuples(index=False, name=None))
            records = [
                tuple(
                    str(v) if k in ("region", "metric") else v for k, v in zip(cols, r, strict=True)
                )
                for r in records
            ]
        else:
            glob = str(wh / table / "**" / "*.parquet")
            rel = duckdb.sql(
                f"SELECT {', '.join(cols)} FROM read_parquet($glob, hive_partitioning = true)",
                params={"glob": glob},
            )
            records = rel.fetchall()
        assert len(records) == _manifest_rows(wh, table), (reader, table)
        got[table] = _rows(records)
    assert got["timeseries"] == _rows(SERIES)
    assert got["counts"] == _rows(COUNTS)
    assert got["cold_starts"] == _rows(COLD)


@pytest.mark.parametrize(
    ("table", "frame", "version"),
    [
        ("counts", {"funcID": [A], "time": [0]}, "version 3 or older"),
        ("cold_starts", {"funcID": [A], "time": [0.0]}, "version 4 or older"),
    ],
)
def test_an_older_layout_is_refused_by_the_session_in_one_line(
    tmp_path: Path, table: str, frame: dict, version: str
) -> None:
    """A file in a day= folder (per-minute files as version 3 wrote them, cold starts as
    version 4 did) would be skipped by this version's globs: opening the warehouse says so and
    how to rebuild, instead of answering from part of it."""
    import coldstart
    from coldstart.errors import InputError

    old = tmp_path / "wh" / table / "region=R2" / "day=0"
    old.mkdir(parents=True)
    pl.DataFrame(frame).write_parquet(old / "part-0.parquet")
    with pytest.raises(InputError) as err:
        coldstart.open(tmp_path / "wh")
    message = str(err.value)
    assert f"{table} files are in day= folders" in message and version in message
    assert "--force" in message and "\n" not in message


def test_check_counts_rows_per_day_from_the_row_groups(wh: Path) -> None:
    """`coldstart check` (and the ingest's summary) still gives rows per day, one file per
    (folder, day) it has rows of, and agrees with the manifest."""
    from coldstart.ingest import check

    q = check(wh)
    assert q.mismatches == []
    got = q.rows.filter(pl.col("table").is_in(["timeseries", "counts", "cold_starts"])).sort(
        "table", "metric", "day", nulls_last=True
    )
    assert got.select("table", "metric", "day", "files", "rows").rows() == [
        ("cold_starts", None, 0, 1, 2),
        ("cold_starts", None, 1, 1, 2),
        ("counts", None, 0, 1, 2),
        ("counts", None, 1, 1, 1),
        ("timeseries", "cpu_usage", 0, 1, 3),
        ("timeseries", "cpu_usage", 1, 1, 1),
        ("timeseries", "memory_usage", 0, 1, 1),
    ]

"""The cold starts carry their function's attributes (warehouse version 6): cpu_request,
runtime, runtime_group and trigger_group, from the function table the warehouse holds — also
when that table arrives or changes after the cold starts were ingested.

The tiny release tree of ``_ingest_fixtures``: R2 cold starts of funcID F400 (pool 300-128;
the function table says cpu_request 123, the published limit map 100), F7 (pool 600-512; 300
in both) and one row whose podID does not parse (no funcID)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from _ingest_fixtures import (
    COLD_HEADER,
    COLD_ROWS,
    FUNC_HEADER,
    FUNC_ROWS,
    csv_text,
    files,
    write_tree,
)

from coldstart.errors import InputError
from coldstart.ingest import check, ingest
from coldstart.query import Session

F400 = "400---418---pool22-300-128"
F7 = "7---9---pool24-600-512"
FUNCTIONS = "runtime_triggerType/df_funcID_runtime_triggerType.csv"
COLUMNS = ["funcID", "cpu_request", "runtime", "runtime_group", "trigger_group"]


def _cold_starts(wh: Path) -> pl.DataFrame:
    """The cold starts' attribute columns, in the order the warehouse holds them."""
    return pl.read_parquet(wh / "cold_starts" / "**" / "*.parquet", columns=COLUMNS)


def _function_groups(wh: Path) -> dict[str, tuple[str, str, str]]:
    fn = pl.read_parquet(wh / "functions" / "**" / "*.parquet")
    return {
        r["funcID"]: (r["runtime"], r["runtime_group"], r["trigger_group"])
        for r in fn.iter_rows(named=True)
    }


def _without_functions() -> dict[str, str]:
    return {k: v for k, v in files().items() if k != FUNCTIONS}


def test_cold_starts_carry_the_function_tables_values(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    got = _cold_starts(wh)
    groups = _function_groups(wh)
    assert got.rows() == [
        (F400, 123, *groups[F400]),  # the function table's cpu_request, not the map's 100
        (F7, 300, *groups[F7]),
        (None, None, None, None, None),  # garbage podID: no funcID, no limit, nothing known
    ]
    assert groups[F400][:2] == ("Python3", "Python3") and groups[F7][:2] == ("Go1.x", "other")


def test_a_function_table_ingested_later_updates_the_cold_starts(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src", _without_functions())
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    assert _cold_starts(wh).rows() == [
        (F400, 100, None, None, None),  # the published limit map, no groups
        (F7, 300, None, None, None),
        (None, None, None, None, None),
    ]
    (src / FUNCTIONS).parent.mkdir(parents=True)
    (src / FUNCTIONS).write_text(csv_text(FUNC_HEADER, FUNC_ROWS))
    r = ingest([src], warehouse=wh)
    assert r.ingested == 1  # the function table only: the cold starts were rewritten anyway
    groups = _function_groups(wh)
    assert _cold_starts(wh).rows() == [
        (F400, 123, *groups[F400]),
        (F7, 300, *groups[F7]),
        (None, None, None, None, None),
    ]
    q = check(wh)
    assert q.mismatches == [] and q.rows.filter(table="cold_starts")["rows"].sum() == 3
    with Session(wh) as s:
        by_runtime = s.query("cold_starts_by_runtime")
    assert dict(zip(by_runtime["runtime"], by_runtime["cold_starts"], strict=True)) == {
        "Python3": 1,
        "Go1.x": 1,
        None: 1,
    }
    # The per-request rows keep the limit map's 100 for F400, and the ingest says so, once.
    (note,) = [n for n in r.notes if "cpu_request" in n]
    assert "1 per-request source of R2" in note and "--force" in note and "\n" not in note
    req = pl.read_parquet(wh / "requests" / "**" / "*.parquet", hive_partitioning=False)
    assert req.filter(pl.col("funcID") == F400)["cpu_request"].to_list() == [100]
    part = src / "per_request" / "R2" / "part-00000-x-c000.csv"
    r = ingest([part], warehouse=wh, force=True)  # what the note says to do
    req = pl.read_parquet(wh / "requests" / "**" / "*.parquet", hive_partitioning=False)
    assert req.filter(pl.col("funcID") == F400)["cpu_request"].to_list() == [123]
    assert not [n for n in r.notes if "cpu_request" in n]


def test_a_changed_function_table_rewrites_the_groups(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    changed = [FUNC_ROWS[0].replace("Python3", "Java"), FUNC_ROWS[1]]
    (src / FUNCTIONS).write_text(csv_text(FUNC_HEADER, changed))
    r = ingest([src], warehouse=wh)
    assert r.ingested == 1
    assert _cold_starts(wh)["runtime"].to_list() == ["Java", "Go1.x", None]
    # Same cpu_request values as before: nothing to say about the per-request rows.
    assert not [n for n in r.notes if "cpu_request" in n]


def test_a_new_day_appended_later_is_attributed_too(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    day2 = [COLD_ROWS[0].replace("0,51937.425", "2,190000.0")]
    (src / "cold_start" / "R2" / "day_2.csv").write_text(csv_text(COLD_HEADER, day2))
    ingest([src], warehouse=wh)
    days = pl.read_parquet(wh / "cold_starts" / "**" / "*.parquet", columns=["day", *COLUMNS])
    assert days.height == 4 and len(list((wh / "cold_starts").rglob("*.parquet"))) == 2
    (new,) = days.filter(day=2).drop("day").rows()  # appended as a file of its own
    assert new == (F400, 123, *_function_groups(wh)[F400])


def test_a_version_5_warehouse_is_refused_by_the_session_in_one_line(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    for f in (wh / "cold_starts").rglob("*.parquet"):  # as version 5 wrote them
        table = pq.read_table(f)
        pq.write_table(table.drop_columns(["runtime", "runtime_group", "trigger_group"]), f)
    with Session(wh) as s, pytest.raises(InputError) as err:
        s.query("cold_starts_by_region")
    message = str(err.value)
    assert "cold_starts files have no runtime, runtime_group, trigger_group columns" in message
    assert "coldstart ingest --force" in message and "\n" not in message

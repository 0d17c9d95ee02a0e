"""The cold-start table's few files per region (layout v5): what each kind of ingest writes.

Hand-made sources: day N's file of R2 holds one cold start at t = N·86400 + 10 (cluster N+1),
so a row's day, time and source are known; day_0.csv of the fixtures (three rows, two days) is
not used here.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from _ingest_fixtures import COLD_HEADER, COLD_ROWS, csv_text

from coldstart.errors import InputError
from coldstart.ingest import check, cold_starts, ingest
from coldstart.warehouse import MANIFEST_FILE

R2 = Path("cold_starts") / "region=R2"


def _row(day: int, t: float, cluster: int) -> str:
    """COLD_ROWS[0] moved to ``day`` / ``t`` with ``cluster`` as its clusterName."""
    return COLD_ROWS[0].replace("0,51937.425,2,", f"{day},{t},{cluster},", 1)


def _day_file(src: Path, day: int, rows: list[str] | None = None) -> Path:
    p = src / "cold_start" / "R2" / f"day_{day}.csv"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(csv_text(COLD_HEADER, rows or [_row(day, day * 86400 + 10, day + 1)]))
    return p


def _files(wh: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((wh / R2).glob("*.parquet"))}


def _rows(wh: Path) -> list[tuple[int, float, int]]:
    """(day, time, clusterName) in file order, the files by their first day (their names are
    the ingest's id, in no order)."""
    frames = [
        pl.read_parquet(p, hive_partitioning=False).select("day", "time", "clusterName")
        for p in (wh / R2).glob("*.parquet")
    ]
    return [r for f in sorted(frames, key=lambda f: f["day"][0]) for r in f.rows()]


def _ranges(wh: Path) -> dict[str, dict[str, list[int]]]:
    """Source file name → its part_rows (file name → [start, stop])."""
    sources = json.loads((wh / MANIFEST_FILE).read_text())["sources"]
    return {
        Path(key).name: {Path(rel).name: rng for rel, rng in e.get("part_rows", {}).items()}
        for key, e in sources.items()
        if e["table"] == "cold_starts"
    }


def test_later_days_are_a_new_file_and_the_published_one_stays_byte_for_byte(
    tmp_path: Path,
) -> None:
    src, wh = tmp_path / "src", tmp_path / "wh"
    for d in (0, 1):
        _day_file(src, d)
    ingest([src], warehouse=wh)
    (first,) = _files(wh).items()
    assert _rows(wh) == [(0, 10.0, 1), (1, 86410.0, 2)]
    assert _ranges(wh) == {"day_0.csv": {first[0]: [0, 1]}, "day_1.csv": {first[0]: [1, 2]}}
    _day_file(src, 2)
    assert ingest([src], warehouse=wh).ingested == 1
    files = _files(wh)
    assert len(files) == 2 and files[first[0]] == first[1]  # kept as it was
    (second,) = set(files) - {first[0]}
    assert _rows(wh) == [(0, 10.0, 1), (1, 86410.0, 2), (2, 172810.0, 3)]
    assert _ranges(wh)["day_2.csv"] == {second: [0, 1]}
    assert check(wh).mismatches == []
    assert not list((wh / "cold_starts").rglob("*day=*"))  # no staged day was published


def test_an_earlier_day_or_a_reingest_rewrites_the_region_in_day_order(tmp_path: Path) -> None:
    src, wh = tmp_path / "src", tmp_path / "wh"
    _day_file(src, 1)
    _day_file(src, 3)
    ingest([src], warehouse=wh)
    _day_file(src, 2)  # before a published day: the region is written anew
    ingest([src], warehouse=wh)
    assert len(_files(wh)) == 1
    assert _rows(wh) == [(1, 86410.0, 2), (2, 172810.0, 3), (3, 259210.0, 4)]
    # day_2.csv re-downloaded with a second row: its rows are replaced, the others moved
    _day_file(src, 2, [_row(2, 172810.0, 3), _row(2, 172820.0, 7)])
    assert ingest([src], warehouse=wh).ingested == 1
    (name,) = _files(wh)
    assert _rows(wh) == [(1, 86410.0, 2), (2, 172810.0, 3), (2, 172820.0, 7), (3, 259210.0, 4)]
    assert _ranges(wh) == {
        "day_1.csv": {name: [0, 1]},
        "day_2.csv": {name: [1, 3]},
        "day_3.csv": {name: [3, 4]},
    }
    meta = pq.read_metadata(wh / R2 / name)  # one row group per source day
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1, 2, 1]
    assert check(wh).mismatches == []


def test_a_source_emptied_with_replace_leaves_the_region_files(tmp_path: Path) -> None:
    src, wh = tmp_path / "src", tmp_path / "wh"
    _day_file(src, 0)
    day1 = _day_file(src, 1)
    ingest([src], warehouse=wh)
    day1.write_text(COLD_HEADER + "\n")
    ingest([src], warehouse=wh, replace=True)
    assert _rows(wh) == [(0, 10.0, 1)]
    assert _ranges(wh)["day_1.csv"] == {}
    assert check(wh).mismatches == []


def test_a_region_at_the_file_limit_is_rewritten_as_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cold_starts, "MAX_FOLDER_FILES", 2)
    src, wh = tmp_path / "src", tmp_path / "wh"
    counts = []
    for d in range(4):
        _day_file(src, d)
        ingest([src], warehouse=wh)
        counts.append(len(_files(wh)))
    assert counts == [1, 2, 1, 2]  # appended while under the limit, then rewritten
    assert [r[0] for r in _rows(wh)] == [0, 1, 2, 3]
    assert check(wh).mismatches == []


def test_a_range_changed_outside_coldstart_is_refused_before_anything_is_published(
    tmp_path: Path,
) -> None:
    src, wh = tmp_path / "src", tmp_path / "wh"
    _day_file(src, 1)
    ingest([src], warehouse=wh)
    m = json.loads((wh / MANIFEST_FILE).read_text())
    for e in m["sources"].values():
        for rng in e.get("part_rows", {}).values():
            rng[1] = 5  # the file has 1 row
    (wh / MANIFEST_FILE).write_text(json.dumps(m))
    before = _files(wh)
    _day_file(src, 0)
    with pytest.raises(InputError, match=r"places .*day_1\.csv at rows 0–5 .* has 1"):
        ingest([src], warehouse=wh)
    assert _files(wh) == before


def test_a_version_4_layout_is_rebuilt_with_force(tmp_path: Path) -> None:
    """A real version-4 warehouse (cold starts in day= folders, no day column) is refused in
    one line, and --force rebuilds it: the day= folders are gone, the rows are the same."""
    src, wh = tmp_path / "src", tmp_path / "wh"
    _day_file(src, 0)
    _day_file(src, 1)
    ingest([src], warehouse=wh)
    want = _rows(wh)
    (part,) = (wh / R2).glob("*.parquet")
    table = pq.ParquetFile(part).read()
    for d in (0, 1):  # what version 4 wrote: one file per day, the day in the folder name
        old = wh / R2 / f"day={d}" / "part-0.parquet"
        old.parent.mkdir()
        rows = table.filter(pl.Series(table["day"].to_pylist()).eq(d).to_arrow())
        pq.write_table(rows.drop_columns(["day"]), old)
    part.unlink()
    m = json.loads((wh / MANIFEST_FILE).read_text())
    m["schema_version"] = 4
    (wh / MANIFEST_FILE).write_text(json.dumps(m))
    with pytest.raises(Exception, match="version 4") as err:
        ingest([src], warehouse=wh)
    assert "--force" in str(err.value) and "\n" not in str(err.value)
    ingest([src], warehouse=wh, force=True)
    assert not list((wh / "cold_starts").rglob("day=*"))
    assert _rows(wh) == want
    assert check(wh).mismatches == []

"""Incremental re-runs, --force, and the atomic publish (failures injected mid-ingest)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from _ingest_fixtures import COLD_HEADER, COLD_ROWS, csv_text, files, tree_snapshot, write_tree

from coldstart.errors import UsageError
from coldstart.ingest import check, ingest, parts, publish, recover_warehouse
from coldstart.warehouse import JOURNAL_FILE, MANIFEST_FILE, SCHEMA_VERSION


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    before = tree_snapshot(wh)
    again = ingest([src], warehouse=wh)
    assert again.ingested == 0
    assert again.skipped == 7
    assert tree_snapshot(wh) == before


def test_new_and_changed_files_are_picked_up(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    day1 = src / "cold_start" / "R2" / "day_1.csv"
    day1.write_text(csv_text(COLD_HEADER, [COLD_ROWS[0].replace("0,51937.425", "1,90000.0")]))
    r = ingest([src], warehouse=wh)
    assert r.ingested == 1
    day0 = src / "cold_start" / "R2" / "day_0.csv"
    day0.write_text(csv_text(COLD_HEADER, COLD_ROWS[:1]))  # fewer rows: the file changed
    r = ingest([src], warehouse=wh, replace=True)  # fewer rows are refused without --replace
    assert r.ingested == 1
    df = pl.read_parquet(wh / "cold_starts" / "**" / "*.parquet", hive_partitioning=True)
    assert sorted(df["time"].to_list()) == [51937.425, 90000.0]
    # day_0.csv no longer has a day-1 row: the region is one file again, in day order, with
    # day_0.csv's one row then day_1.csv's, and the manifest places each source there
    (part,) = (wh / "cold_starts" / "region=R2").glob("*.parquet")
    got = pl.read_parquet(part, hive_partitioning=False)
    assert got.select("day", "time").rows() == [(0, 51937.425), (1, 90000.0)]
    assert check(wh).mismatches == []
    assert not list((wh / "cold_starts").rglob("*day=*"))


def test_force_reingests_same_result(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    # A per-minute partition's file is named after the ingest that wrote it: compare folders.
    before = {str(p.parent.relative_to(wh)): pl.read_parquet(p) for p in wh.rglob("*.parquet")}
    r = ingest([src], warehouse=wh, force=True)
    assert r.ingested == 7
    after = {str(p.parent.relative_to(wh)): pl.read_parquet(p) for p in wh.rglob("*.parquet")}
    assert after.keys() == before.keys()
    for k, frame in before.items():
        assert after[k].equals(frame), k


def test_statistics_arriving_later_are_merged(tmp_path: Path) -> None:
    content = files()
    wh = tmp_path / "wh"
    avg_only = {k: v for k, v in content.items() if k.endswith("cpu_usage_avg/day_0.csv")}
    std_only = {k: v for k, v in content.items() if k.endswith("cpu_usage_std/day_0.csv")}
    ingest([write_tree(tmp_path / "a", avg_only)], warehouse=wh)
    ingest([write_tree(tmp_path / "b", std_only)], warehouse=wh)
    df = pl.read_parquet(wh / "timeseries" / "**" / "*.parquet").sort("funcID", "time")
    assert df.select("time", "avg", "std").rows() == [
        (0, 0.5, 0.1),
        (120, None, 0.2),
        (60, 0.25, None),
    ]


def _fail_after(n: int, real):  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > n:
            raise RuntimeError("injected failure")
        return real(*args, **kwargs)

    return wrapper


@pytest.fixture
def populated(tmp_path: Path) -> tuple[Path, Path]:
    """A warehouse holding cold starts only, and a source tree with everything."""
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh, tables=["cold_starts"])
    day1 = src / "cold_start" / "R2" / "day_0.csv"
    # changed (as many rows, none of day 1 now): replaces a part and deletes another
    day1.write_text(csv_text(COLD_HEADER, [*COLD_ROWS[:2], COLD_ROWS[0].replace("51937.4", "5")]))
    return src, wh


def test_writer_failure_mid_ingest_leaves_warehouse_byte_identical(
    populated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, wh = populated
    before = tree_snapshot(wh)
    monkeypatch.setattr(parts.PartWriter, "write", _fail_after(1, parts.PartWriter.write))
    with pytest.raises(RuntimeError, match="injected"):
        ingest([src], warehouse=wh, workers=1)
    assert tree_snapshot(wh) == before


def test_failure_while_publishing_rolls_back(
    populated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, wh = populated
    before = tree_snapshot(wh)
    monkeypatch.setattr(publish, "_move_in", _fail_after(3, publish._move_in))
    with pytest.raises(RuntimeError, match="injected"):
        ingest([src], warehouse=wh)
    assert tree_snapshot(wh) == before


def test_killed_while_publishing_is_rolled_back_by_next_run(
    populated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, wh = populated
    before = tree_snapshot(wh)
    # Simulate a hard kill: the in-process rollback never runs, the journal stays behind.
    monkeypatch.setattr(publish, "_move_in", _fail_after(3, publish._move_in))
    monkeypatch.setattr(publish, "rollback", lambda root, journal: None)
    monkeypatch.setattr(publish.Transaction, "abort", lambda self: None)
    with pytest.raises(RuntimeError):
        ingest([src], warehouse=wh)
    assert (wh / JOURNAL_FILE).exists()
    assert tree_snapshot(wh) != before
    monkeypatch.undo()
    broken = tree_snapshot(wh)
    q = check(wh)  # read-only: reports the interrupted publish, changes nothing
    assert q.interrupted is not None and "interrupted while publishing" in q.interrupted
    assert tree_snapshot(wh) == broken
    note = recover_warehouse(wh)
    assert note is not None and "rolled back" in note
    assert tree_snapshot(wh) == before


def test_killed_after_commit_point_keeps_the_new_state(
    populated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, wh = populated
    monkeypatch.setattr(publish, "finish", _fail_after(0, publish.finish))
    with pytest.raises(RuntimeError):
        ingest([src], warehouse=wh)
    monkeypatch.undo()
    r = ingest([src], warehouse=wh)
    assert r.recovered is not None
    assert "completed" in r.recovered
    assert r.ingested == 0  # everything was committed by the killed run
    assert not (wh / JOURNAL_FILE).exists()
    manifest = json.loads((wh / MANIFEST_FILE).read_text())
    assert len(manifest["sources"]) == 7


def _warehouse_of_version(tmp_path: Path, version: int) -> tuple[Path, Path]:
    """(source tree, warehouse) with the manifest claiming ``version``."""
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    m = json.loads((wh / MANIFEST_FILE).read_text())
    m["schema_version"] = version
    (wh / MANIFEST_FILE).write_text(json.dumps(m))
    return src, wh


def test_schema_version_mismatch_needs_force(tmp_path: Path) -> None:
    src, wh = _warehouse_of_version(tmp_path, 0)
    with pytest.raises(UsageError, match="--force"):
        ingest([src], warehouse=wh)
    r = ingest([src], warehouse=wh, force=True)
    assert r.ingested == 7
    assert json.loads((wh / MANIFEST_FILE).read_text())["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_an_older_warehouse_is_refused_with_one_line_saying_to_force(
    tmp_path: Path, version: int
) -> None:
    """Versions 1-3 kept a per-minute file per day folder, 1-4 a cold-start file per day
    folder, and 5 wrote cold starts without the function groups; extending one would leave
    days invisible to today's readers or files they cannot read: refused, naming the version
    and --force."""
    src, wh = _warehouse_of_version(tmp_path, version)
    day1 = src / "cold_start" / "R2" / "day_1.csv"
    day1.write_text(csv_text(COLD_HEADER, [COLD_ROWS[0].replace("0,51937.425", "1,90000.0")]))
    with pytest.raises(UsageError) as err:
        ingest([src], warehouse=wh)
    expected = f"schema version {version}, this coldstart writes version {SCHEMA_VERSION} (since"
    assert expected in str(err.value)
    assert "--force" in str(err.value) and "\n" not in str(err.value)
    r = ingest([src], warehouse=wh, force=True)
    assert r.ingested == 8
    assert json.loads((wh / MANIFEST_FILE).read_text())["schema_version"] == SCHEMA_VERSION

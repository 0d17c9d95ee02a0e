"""Merged per-minute days go straight into their folder's staged files (coldstart.ingest.compact's
FolderStream): nothing waits in memory for the publish, a folder is rewritten one day at a
time, and the warehouse is the one the publish-time compaction gives."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from _ingest_fixtures import write_tree
from test_ingest_fastpaths import _random_tree, _tables

from coldstart.ingest import compact, ingest, results, run, timeseries


def _three_days(seed: int) -> dict[str, str]:
    tree = _random_tree(seed)
    for rel in [r for r in tree if r.endswith("/day_1.csv")]:
        lines = tree[rel].splitlines(keepends=True)
        body = "".join(
            f"2,{172_800 + 60 * m}," + line.split(",", 2)[2] for m, line in enumerate(lines[1:])
        )
        tree[rel.replace("day_1", "day_2")] = lines[0] + body
    return tree


def _days_per_row_group(folder: Path) -> list[list[int]]:
    out = []
    for f in sorted(folder.glob("*.parquet")):
        meta = pq.read_metadata(f)
        col = [meta.schema.column(i).path for i in range(meta.num_columns)].index("day")
        out.append(
            [meta.row_group(g).column(col).statistics.min for g in range(meta.num_row_groups)]
        )
    return out


def test_days_are_written_as_they_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_tree(tmp_path / "src", _three_days(7))
    held: list[int] = []
    real = run._compact_series

    def spy(root, ctx, txn, state):  # type: ignore[no-untyped-def]
        held.append(sum(not m.streamed for m in state.merged.values()))
        staged = sorted(p.relative_to(txn.new).as_posix() for p in txn.new.rglob("*.parquet"))
        held.append(sum(p.startswith(("timeseries/", "counts/")) for p in staged))
        return real(root, ctx, txn, state)

    monkeypatch.setattr(run, "_compact_series", spy)
    ingest([src], warehouse=tmp_path / "streamed")
    # at the publish no merged day is held, and both folders' files are staged already
    assert held == [0, 2]
    for folder in ("timeseries/region=R2/metric=cpu_usage", "counts/region=R2"):
        assert _days_per_row_group(tmp_path / "streamed" / folder) == [[0, 1, 2]]
    # the same rows as compacting everything at the publish
    monkeypatch.setattr(compact.FolderStream, "offer", lambda *a: False)
    ingest([src], warehouse=tmp_path / "at_publish")
    mine, other = _tables(tmp_path / "streamed"), _tables(tmp_path / "at_publish")
    assert mine.keys() == other.keys() and len(mine) == 2
    for rel, frame in mine.items():
        assert frame.equals(other[rel]), rel
        assert frame["day"].to_list() == sorted(frame["day"].to_list())


def test_adding_a_day_rewrites_the_folder_one_day_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _three_days(8)
    first = {k: v for k, v in tree.items() if "/day_1.csv" not in k}
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "a", first)], warehouse=wh)
    writes: list[tuple[str, list[int]]] = []  # (folder, the days one call materialises)
    real_copy, real_write = compact._FolderFiles.copy_groups, compact._FolderFiles.write_segment

    def copy(self, located):  # type: ignore[no-untyped-def]
        days = {
            pq.ParquetFile(f).metadata.row_group(g).column(0).statistics.min for f, g in located
        }
        writes.append((self._folder, sorted(days)))
        return real_copy(self, located)

    def write(self, seg):  # type: ignore[no-untyped-def]
        writes.append((self._folder, [seg.day]))
        return real_write(self, seg)

    monkeypatch.setattr(compact._FolderFiles, "copy_groups", copy)
    monkeypatch.setattr(compact._FolderFiles, "write_segment", write)
    ingest([write_tree(tmp_path / "all", tree)], warehouse=wh)  # day 1 is new: 0 and 2 copied
    for folder in ("timeseries/region=R2/metric=cpu_usage", "counts/region=R2"):
        assert [d for f, d in writes if f == folder] == [[0], [1], [2]]
        assert _days_per_row_group(wh / folder) == [[0, 1, 2]]
    monkeypatch.undo()
    ingest([tmp_path / "all"], warehouse=tmp_path / "once")
    mine, other = _tables(wh), _tables(tmp_path / "once")
    for rel, frame in mine.items():
        assert frame.equals(other[rel]), rel


def test_a_spilled_day_is_read_back_slice_by_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_tree(tmp_path / "src", _random_tree(9))
    monkeypatch.setattr(results, "MEMORY_BUDGET_BYTES", 0)  # every merged day to scratch
    monkeypatch.setattr(timeseries, "MERGE_SLICE_ROWS", 25)
    read: list[int] = []
    real = compact.Segment.batches

    def spy(self):  # type: ignore[no-untyped-def]
        for t in real(self):
            read.append(t.num_rows)
            yield t

    monkeypatch.setattr(compact.Segment, "batches", spy)
    ingest([src], warehouse=tmp_path / "wh")
    assert len(read) > 4 and max(read) <= 25  # never a whole day at once
    ts = pl.read_parquet(tmp_path / "wh" / "timeseries", hive_partitioning=True)
    assert sum(read) == ts.height + pl.read_parquet(tmp_path / "wh" / "counts").height


def test_late_cells_of_a_streamed_day_are_added_to_it(tmp_path: Path) -> None:
    # day_1 files with day-0 rows for minutes day 0 lacks: merged after day 0 was streamed
    tree = _random_tree(10)
    header = tree["quantiles/R2/requests/day_1.csv"].splitlines()[0]
    for rel in [r for r in tree if r.endswith("/day_1.csv")]:
        n = tree[rel].splitlines()[0].count(",") - 1
        tree[rel] += "".join(f"0,{60 * m}," + ",".join(["2.0"] * n) + "\n" for m in (40, 41))
    ingest([write_tree(tmp_path / "src", tree)], warehouse=tmp_path / "wh")
    counts = pl.read_parquet(tmp_path / "wh" / "counts")
    day0 = counts.filter(pl.col("day") == 0)
    late = day0.filter(pl.col("time") >= 2400).sort("funcID", "time")
    funcs = sorted(header.split(",")[2:])
    assert late["funcID"].to_list() == [f for f in funcs for _ in (0, 1)]
    assert late["time"].to_list() == [2400, 2460] * len(funcs)
    assert set(late["requests"].to_list()) == {2}
    assert day0.filter(pl.col("time") < 2400).height > 0  # the streamed cells are kept
    assert _days_per_row_group(tmp_path / "wh" / "counts/region=R2") == [[0, 1]]


def test_a_later_day_is_appended_in_a_new_file_until_the_folder_has_too_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _three_days(11)
    wh = tmp_path / "wh"
    folders = ("timeseries/region=R2/metric=cpu_usage", "counts/region=R2")
    for day in (0, 1, 2):
        part = {k: v for k, v in tree.items() if "/day_" not in k or f"/day_{day}." in k}
        monkeypatch.setattr(compact, "MAX_FOLDER_FILES", 2)
        before = {f: (wh / f).read_bytes() for f in _files(wh)}
        ingest([write_tree(tmp_path / f"d{day}", part)], warehouse=wh)
        after = _files(wh)
        if day == 1:  # appended: day 0's file kept byte for byte, day 1 in a new one
            assert set(before) < set(after)
            assert all((wh / f).read_bytes() == b for f, b in before.items())
            for folder in folders:
                assert sorted(_days_per_row_group(wh / folder)) == [[0], [1]]
        if day == 2:  # a third file would pass MAX_FOLDER_FILES: rewritten as one
            assert not set(before) & set(after)
            for folder in folders:
                assert _days_per_row_group(wh / folder) == [[0, 1, 2]]
    ingest([write_tree(tmp_path / "all", tree)], warehouse=tmp_path / "once")
    mine, other = _tables(wh), _tables(tmp_path / "once")
    assert mine.keys() == other.keys()
    for rel, frame in mine.items():
        assert frame.equals(other[rel]), rel


def _files(wh: Path) -> list[str]:
    return sorted(
        p.relative_to(wh).as_posix()
        for name in ("timeseries", "counts")
        for p in (wh / name).rglob("*.parquet")
        if wh.exists()
    )

"""Per-minute files merged batch by batch (coldstart.ingest.series_batches): the warehouse is
the one a single merge of everything gives, files with rows of another day included, and the
scratch space holds one batch of pieces at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ingest_fixtures import write_tree
from test_ingest_fastpaths import _random_tree, assert_same_series_tables

from coldstart.errors import InputError
from coldstart.ingest import ingest, run
from coldstart.ingest.series_batches import SeriesMerge, day_hint


def _with_spill(tree: dict[str, str], minutes: range) -> dict[str, str]:
    """Day-0 rows appended to each day_1.csv (as if the file ran past midnight the other way):
    their pieces reach day 0's partitions after those were merged."""
    out = dict(tree)
    for rel, text in tree.items():
        if rel.endswith("/day_1.csv"):
            n_funcs = text.splitlines()[0].count(",") - 1
            extra = "".join(f"0,{60 * m}," + ",".join(["3.0"] * n_funcs) + "\n" for m in minutes)
            out[rel] = text + extra
    return out


def test_day_hint() -> None:
    assert day_hint("day_13.csv") == 13
    assert day_hint("day_13_copy.csv") is None
    assert day_hint("part-0.csv") is None


@pytest.mark.parametrize("seed", [1, 2])
def test_batches_give_what_one_merge_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # _random_tree's day 0 covers minutes 0–19: minutes 30–32 come only from the day_1 files.
    src = write_tree(tmp_path / "src", _with_spill(_random_tree(seed), range(30, 33)))
    combined = []
    real_combine = SeriesMerge.combine

    def spy(self: SeriesMerge, item):  # type: ignore[no-untyped-def]
        combined.append(item[0])
        return real_combine(self, item)

    monkeypatch.setattr(SeriesMerge, "combine", spy)
    ingest([src], warehouse=tmp_path / "batches")
    assert sorted(k[0] for k in combined) == ["counts", "timeseries"]  # the late pieces
    monkeypatch.setattr(run, "day_hint", lambda _name: None)  # one batch, merged at the end
    ingest([src], warehouse=tmp_path / "one")
    assert_same_series_tables(tmp_path / "batches", tmp_path / "one", ties_free=False)


def test_a_cell_given_twice_is_an_error_when_it_comes_late(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src", _with_spill(_random_tree(3), range(18, 22)))
    with pytest.raises(InputError, match=r"two files give (cpu_usage_\w+|requests) for R2 day 0"):
        ingest([src], warehouse=tmp_path / "wh")
    assert not (tmp_path / "wh").exists()


def test_scratch_holds_one_batch_of_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = _random_tree(5)
    for rel in [r for r in tree if r.endswith("/day_1.csv")]:  # a third day, like the second
        tree[rel.replace("day_1", "day_2")] = tree[rel].replace("\n1,", "\n2,")
    src = write_tree(tmp_path / "src", tree)
    seen: list[int] = []
    real_merge = SeriesMerge.merge

    def spy(self: SeriesMerge, item):  # type: ignore[no-untyped-def]
        seen.append(len(list(self.ctx.scratch.rglob("*.arrow"))))
        return real_merge(self, item)

    monkeypatch.setattr(SeriesMerge, "merge", spy)
    result = ingest([src], warehouse=tmp_path / "wh")
    assert result.ingested == 13  # 4 series × 3 days + the function table
    # 12 pieces in all; at any merge only the current day's 4 (or fewer) are there
    assert len(seen) == 6 and max(seen) <= 4

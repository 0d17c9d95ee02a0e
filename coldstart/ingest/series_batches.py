"""The per-minute files loaded and merged day by day, so their scratch space stays small.

Phase 1 of the per-minute ingest turns each wide file into long pieces in scratch space; phase 2
merges the pieces of a partition (table, region, metric, day) into one Parquet file. Done for
all files and then all partitions, the scratch held every piece of the ingest at once: about
the CSV's own size for files as full as the release's (1.29 GB of pieces for 1.24 GB of
real-width CSV), ≈ 400 GB for the whole release. Here the files go in batches of one region
and day (from their names, ``day_N.csv``), and after each batch the partitions of that region
and day are merged and their pieces deleted: the scratch holds about one batch.

A file may hold rows of other days than its name says. Its pieces for a partition still to be
merged simply join it; a piece for a partition already merged is kept and, at the end,
combined into that partition's staged file (:func:`coldstart.ingest.timeseries.combine_late`),
so the result is the same as merging everything at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coldstart import release
from coldstart.ingest.loaders import LoadContext, SourceResult
from coldstart.ingest.timeseries import (
    Piece,
    combine_late,
    group_cells,
    group_pieces,
    merge_group,
)

GroupKey = tuple[str, str, str | None, int]  # (table, region, metric or None, day)
_DAY_NAME = re.compile(r"^day_(\d+)\.csv$")


def day_hint(basename: str) -> int | None:
    """The day a per-minute file's name gives (``day_13.csv`` → 13), None for another name."""
    m = _DAY_NAME.match(basename)
    return int(m[1]) if m else None


def expected_groups(plans: list[Any]) -> set[GroupKey]:
    """The partitions the planned files should fill, from their folders and names (what the
    merge progress bar counts)."""
    out: set[GroupKey] = set()
    for p in plans:
        s = p.source
        metric, stat = release.split_series_folder(s.series)
        day = day_hint(s.basename)
        if day is not None:
            table = "counts" if stat is None else "timeseries"
            out.add((table, s.region or "_", None if stat is None else metric, day))
    return out


@dataclass
class SeriesMerge:
    """Bookkeeping across batches: staged partition per group, pieces that came late."""

    root: Path
    ctx: LoadContext
    merged: dict[GroupKey, str] = field(default_factory=dict)  # group → staged relative path
    pending: dict[GroupKey, dict[str, list[Piece]]] = field(default_factory=dict)
    late: dict[GroupKey, dict[str, list[Piece]]] = field(default_factory=dict)

    def add(self, results: list[SourceResult]) -> None:
        """File a batch's pieces: pending for their partition, or late if it is merged."""
        for key, pieces in group_pieces(results).items():
            target = self.late if key in self.merged else self.pending
            for column, ps in pieces.items():
                target.setdefault(key, {}).setdefault(column, []).extend(ps)

    def take(self, ready: Callable[[GroupKey], bool]) -> list[tuple[GroupKey, dict]]:
        """The pending partitions ``ready`` selects, in a stable order, removed from pending."""
        keys = sorted((k for k in self.pending if ready(k)), key=_order)
        return [(k, self.pending.pop(k)) for k in keys]

    def take_late(self) -> list[tuple[GroupKey, dict]]:
        """The pieces that came after their partition was merged, to combine into it."""
        items = sorted(self.late.items(), key=lambda kv: _order(kv[0]))
        self.late = {}
        return items

    def merge(self, item: tuple[GroupKey, dict[str, list[Piece]]]) -> str:
        (table, region, metric, day), pieces = item
        rel, _ = merge_group(
            self.root, self.ctx, table, region=region, metric=metric, day=day, pieces=pieces
        )
        _drop(pieces)
        return rel

    def combine(self, item: tuple[GroupKey, dict[str, list[Piece]]]) -> str:
        (table, region, metric, day), pieces = item
        rel = self.merged[item[0]]
        combine_late(self.ctx, table, rel, metric=metric, region=region, day=day, pieces=pieces)
        _drop(pieces)
        return rel


def cells(item: tuple[GroupKey, dict[str, list[Piece]]]) -> int:
    return group_cells(item[1])


def _order(key: GroupKey) -> tuple[str, str, str, int]:
    table, region, metric, day = key
    return (table, region, metric or "", day)


def _drop(pieces: dict[str, list[Piece]]) -> None:
    """Scratch pieces are deleted once merged: the point of merging batch by batch."""
    for ps in pieces.values():
        for p in ps:
            p.path.unlink(missing_ok=True)

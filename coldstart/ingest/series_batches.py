"""The per-minute files loaded and merged day by day, so their scratch space stays small.

Phase 1 of the per-minute ingest turns each wide file into long pieces (in memory, or in
scratch space past the ingest's memory budget); phase 2 merges the pieces of a partition
(table, region, metric, day) into one day's segment, which the publish compacts into its
folder's files (coldstart.ingest.compact). Done for
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
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coldstart import release
from coldstart.ingest.compact import FolderStream
from coldstart.ingest.results import GroupKey, LoadContext, SourceResult
from coldstart.ingest.timeseries import (
    MergedPartition,
    Piece,
    combine_late,
    group_cells,
    group_pieces,
    merge_group,
)

_DAY_NAME = re.compile(r"^day_(\d+)\.csv$")

Pieces = dict[str, list[Piece]]  # value column → its pieces
Work = tuple[GroupKey, Pieces]  # one partition's merge


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
            out.add(GroupKey(table, s.region or "_", None if stat is None else metric, day))
    return out


@dataclass
class SeriesMerge:
    """Bookkeeping across batches: the staged file of each merged partition, the columns to
    drop from published partitions (their sources are re-ingested), pieces that came late."""

    root: Path
    ctx: LoadContext
    drops: dict[GroupKey, frozenset[str]] = field(default_factory=dict)
    merged: dict[GroupKey, MergedPartition] = field(default_factory=dict)
    pending: dict[GroupKey, Pieces] = field(default_factory=dict)
    late: dict[GroupKey, Pieces] = field(default_factory=dict)
    # Per folder, its staged files written as its days are merged (coldstart.ingest.compact)
    streams: dict[str, FolderStream] = field(default_factory=dict)
    streaming: bool = True  # until close_streams()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, results: list[SourceResult]) -> None:
        """File a batch's pieces: pending for their partition, or late if it is merged."""
        for key, pieces in group_pieces(results).items():
            target = self.late if key in self.merged else self.pending
            for column, ps in pieces.items():
                target.setdefault(key, {}).setdefault(column, []).extend(ps)

    def take_region_day(self, region: str, day: int) -> list[Work]:
        """The pending partitions of one region and day (a batch's own), removed from pending."""
        return self._take(lambda k: k.region == region and k.day == day)

    def take_rest(self) -> list[Work]:
        """Every pending partition, and the published ones that only lose columns."""
        for key in self.drops:
            if key not in self.merged:
                self.pending.setdefault(key, {})
        return self._take(lambda _k: True)

    def _take(self, ready: Any) -> list[Work]:
        keys = sorted((k for k in self.pending if ready(k)), key=GroupKey.order)
        return [(k, self.pending.pop(k)) for k in keys]

    def take_late(self) -> list[Work]:
        """The pieces that came after their partition was merged, to combine into it."""
        items = sorted(self.late.items(), key=lambda kv: kv[0].order())
        self.late = {}
        return items

    def merge(self, item: Work) -> MergedPartition:
        """Merge one partition and, if its day comes after the folder's last, write it into the
        folder's staged files at once (nothing is held until the publish)."""
        key, pieces = item
        out = merge_group(self.root, self.ctx, key, pieces, self.drops.get(key, frozenset()))
        _drop(pieces)
        if self.streaming and self.stream(key).offer(key.day, out.segment):
            return MergedPartition(None, streamed=True)
        return out

    def stream(self, key: GroupKey) -> FolderStream:
        with self._lock:
            s = self.streams.get(key.folder)
            if s is None:
                s = self.streams[key.folder] = FolderStream(
                    self.root, self.ctx, key.table, key.folder
                )
            return s

    def close_streams(self) -> None:
        """The batches are done: every streamed folder gets its published days after the last
        merged one, and later merges (out of order) are held for the publish."""
        self.streaming = False
        for s in self.streams.values():
            s.close()

    def combine(self, item: Work) -> MergedPartition:
        key, pieces = item
        done = self.merged[key]
        segment = done.segment
        if done.streamed:  # read back from the folder's staged files
            segment = self.streams[key.folder].day_segment(key.day)
        if segment is None:  # merged empty, then cells came: a merge of its own after all
            pending = {c: list(ps) for c, ps in pieces.items()}
            return self.merge((key, pending))
        out = combine_late(self.ctx, key, segment, pieces)
        _drop(pieces)
        return out


def cells(item: Work) -> int:
    return group_cells(item[1])


def _drop(pieces: Pieces) -> None:
    """Scratch pieces are deleted once merged: the point of merging batch by batch."""
    for ps in pieces.values():
        for p in ps:
            p.discard()

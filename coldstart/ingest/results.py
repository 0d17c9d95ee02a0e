"""What loading a source gives the orchestrator: named types shared by the loaders, the
per-minute merge and the manifest.

* :class:`LoadContext` — where loaders stage output and how strict they are.
* :class:`SourceResult` — one source's outcome: rows, counters, staged outputs, and what it
  holds (content fingerprint, rows per day) for the rules of :mod:`coldstart.ingest.identity`.
* :class:`GroupKey` — one per-minute partition; :class:`PieceRef` — a source's cells of one
  column of one partition, waiting in scratch space for the merge.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl

from coldstart.ingest.sources import Source
from coldstart.warehouse import parse_partition_path

if TYPE_CHECKING:
    from coldstart.ingest.attributes import FunctionAttributes


class MemoryBudget:
    """Bytes of the per-minute ingest's intermediate data (pieces, merged days) held in memory
    instead of scratch files, shared by the loader threads.

    Writing each file's cells to a scratch file and reading them back cost ≈ 1.5 ms per
    per-minute file (≈ 40 % of the tiny trace's ingest); in memory they cost nothing. Past the
    budget they go to scratch as before, so memory stays bounded at the release's density
    (≈ 2.6 GB of cells per region-day).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> bool:
        """Reserve ``n`` bytes if they fit; False: spill to scratch."""
        with self._lock:
            if self.used + n > self.limit:
                return False
            self.used += n
            return True

    def give_back(self, n: int) -> None:
        with self._lock:
            self.used -= n


# In-memory per-minute data (see MemoryBudget): with the long tables' ≈ 0.75 GB worst case
# behind it and a big merge's ≈ 400 MB beside it, peak RSS stays under 1 GB. Measured on
# `medium`'s Region 2 (`coldstart ingest --regions R2`, one run each, 2 cores): 160 MB
# 185–190 s at 949–1,019 MB peak RSS, 96 MB 196 s at 837 MB, 64 MB 220 s at 815 MB; the whole
# `medium` ingest peaked at 1,104 MB with 160 MB, hence 96. Those are single runs: the same code
# and input spread ±8 % between runs (Region 2 at 96 MB: 831–970 MB over four runs; the whole
# `medium` ingest 1,009–1,010 MB, on another machine), so the margin under 1 GB is thin.
MEMORY_BUDGET_BYTES = 96 * 2**20


@dataclass
class LoadContext:
    """What every loader needs: where to stage output and how strict to be."""

    staging: Path  # mirrors the warehouse tree; published at commit
    scratch: Path  # intermediate files (per-minute pieces), never published
    skip_bad_rows: bool = False
    # The function table the warehouse holds after this ingest: the cold starts' attributes
    # at their publish, and (as funcID → cpu_request) what the per-request loaders join.
    functions: FunctionAttributes | None = None
    function_requests: pl.DataFrame | None = None  # funcID, cpu_request (Int32)
    function_region: str = "R2"
    batch: str = "0"  # this ingest's id: names the per-minute partition files it writes
    rebuild: bool = False  # a forced rebuild: published files are all being deleted
    compiled: dict[tuple[str, bool], Any] = field(default_factory=dict)  # loaders._compiled
    made_dirs: set[Path] = field(default_factory=set)  # scratch folders already created
    memory: MemoryBudget = field(default_factory=lambda: MemoryBudget(MEMORY_BUDGET_BYTES))
    headers: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    # Per published per-minute folder: which row groups of which files hold which day.
    published_days: dict[str, Any] = field(default_factory=dict)

    def intern(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """One shared tuple per distinct per-minute header (the merge maps each one once)."""
        return self.headers.setdefault(names, names)


class GroupKey(NamedTuple):
    """One per-minute partition: ``timeseries`` (with its metric) or ``counts`` (metric None)."""

    table: str
    region: str
    metric: str | None
    day: int

    @property
    def partition(self) -> str:
        """Its logical name, as the manifest's ``pieces`` record it
        (``timeseries/region=R2/metric=cpu_usage/day=0``): one day of one folder. Since
        warehouse version 4 the day is a column of the folder's files, not a folder."""
        return f"{self.folder}/day={self.day}"

    @property
    def folder(self) -> str:
        """The Hive folder holding its rows (``timeseries/region=R2/metric=cpu_usage``)."""
        # A string, not partition_dir(): asked once per piece (≈ 25 k times for the release).
        if self.table == "timeseries":
            return f"timeseries/region={self.region}/metric={self.metric}"
        return f"{self.table}/region={self.region}"

    @classmethod
    def of_partition(cls, partition: str) -> GroupKey:
        table = partition.split("/", 1)[0]
        keys = parse_partition_path(Path(partition))
        return cls(table, keys["region"], keys.get("metric"), int(keys["day"]))

    def order(self) -> tuple[str, str, str, int]:
        return (self.table, self.region, self.metric or "", self.day)


@dataclass(frozen=True)
class PieceRef:
    """A source's cells of one value column (``avg``, ``requests``, …) of one partition."""

    group: GroupKey
    column: str
    piece: Any  # coldstart.ingest.timeseries.Piece

    def record(self) -> dict[str, Any]:
        """As the manifest keeps it (which columns of which partitions a source filled)."""
        return {"partition": self.group.partition, "column": self.column, "cells": self.piece.cells}


@dataclass
class SourceResult:
    """One source's outcome, recorded in the manifest and the quality summary."""

    source: Source
    table: str
    key: str
    rows_read: int = 0
    rows_written: int = 0
    bad_rows: int = 0
    examples: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)  # staged files, relative to the warehouse
    # This source's rows in each of its outputs, as [start, stop) row indexes (a shared pack
    # part holds several sources' rows: see coldstart.ingest.packs).
    part_rows: dict[str, list[int]] = field(default_factory=dict)
    pieces: list[PieceRef] = field(default_factory=list)  # per-minute cells in scratch
    content: str | None = None  # "crc32:<hex>" of the file's bytes, if read to the end
    rows_by_day: dict[int, int] = field(default_factory=dict)  # from the data's day column

    def count(self, name: str, n: int) -> None:
        self.counters[name] = self.counters.get(name, 0) + int(n)

    @property
    def main_day(self) -> int | None:
        """The day most of its rows carry: the day the file is of, whatever its name says (on a
        tie, the name's day if it is one of them, else the smallest)."""
        if not self.rows_by_day:
            return None
        named = _DAY_NAME.match(self.source.basename)
        hint = int(named[1]) if named else None
        return min(self.rows_by_day, key=lambda d: (-self.rows_by_day[d], d != hint, d))


_DAY_NAME = re.compile(r"^day_(\d+)\.csv$")

"""The per-minute tables' few, large files: merged days held as segments, then compacted.

Since warehouse version 4 a per-minute folder (``timeseries/region=R2/metric=cpu_usage``,
``counts/region=R2``) holds all its days in a few files, ``day`` being a column: one row group
per day (or per slice of a big day), rows sorted by day, funcID, time. That is 85 folders of a
few files for the whole release instead of one file per (region, metric, day) — ~2,600 files
of a few kB to a few MB on the synthetic trace, which every reader had to list and open.

The ingest merges day by day (:func:`coldstart.ingest.timeseries.merge_group`), region-day by
region-day, so a folder's merged days arrive in day order. Each merge yields a
:class:`Segment` (the day's rows, in memory while the ingest's
:class:`~coldstart.ingest.results.MemoryBudget` lasts, else in a scratch file) that its
folder's :class:`FolderStream` writes at once into the folder's new staged files, behind the
published days before it (copied row group by row group), and frees: nothing merged waits for
the publish. (Held until then, the merged days took the whole budget after the first
region-day, so every later file's cells spilled to scratch, and on `medium` the ingest peaked
at 1.21 GB.) A folder whose new days all come after its published ones keeps its files and
gets a new one (while it has fewer than :data:`MAX_FOLDER_FILES`). A day that comes out of
order (cells of a day already written, a file not named ``day_N.csv``, a re-ingest's dropped
columns) is held as before, and :func:`compact_folder` stages the folder once more at the
publish from the streamed files and those days. All of it goes through the same transaction
as everything else (coldstart.ingest.publish): a crash leaves the old files or the new ones,
never both counted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from coldstart.errors import InputError
from coldstart.ingest.parts import PartWriter, to_arrow
from coldstart.ingest.results import LoadContext, MemoryBudget
from coldstart.warehouse import TABLES

# Rows per compacted file before the next day starts a new one: ≈ 100–300 MB at the
# release's density (12 columns, many NULL statistics, zstd).
TARGET_FILE_ROWS = 8_000_000
# A folder whose new days all come after its published ones keeps its files and gets the new
# days in new files (adding day 30 writes day 30, not the month again) while it has fewer
# than this many files; the ingest that would pass it rewrites the folder whole.
MAX_FOLDER_FILES = 8


@dataclass(eq=False)
class Segment:
    """One day's merged rows of one per-minute folder, in the table's exact schema."""

    table: str
    day: int
    rows: int = 0
    tables: list[pa.Table] = field(default_factory=list)  # in memory
    # or spilled to this scratch file (Arrow IPC, zstd: spilled days wait for the publish, so
    # the scratch holds about the per-minute tables' compressed size)
    path: Path | None = None
    budget: MemoryBudget | None = None
    held: int = 0  # bytes reserved from the budget
    # or already written into this ingest's staged files of its folder (a streamed day that a
    # late file adds to: see FolderStream), as (file, row group)
    located: list[tuple[Path, int]] = field(default_factory=list)

    def batches(self) -> Iterator[pa.Table]:
        """Its rows, as the slices they were written in (each a row group when compacted), one
        slice at a time: a spilled day is never read whole."""
        if self.path is not None:
            with pa.OSFile(str(self.path)) as fh, pa.ipc.open_file(fh) as reader:
                for i in range(reader.num_record_batches):
                    yield pa.Table.from_batches([reader.get_batch(i)])
            return
        if self.located:
            for f, rg in self.located:
                yield pq.ParquetFile(f).read_row_group(rg)
            return
        yield from list(self.tables)

    def frame(self) -> pl.DataFrame:
        """Its rows without the day column (what a merge works on)."""
        parts = list(self.batches())
        data = pa.concat_tables(parts) if parts else TABLES[self.table].arrow_schema().empty_table()
        out = pl.from_arrow(data.drop_columns(["day"]))
        assert isinstance(out, pl.DataFrame)
        return out

    def discard(self) -> None:
        if self.budget is not None and self.held:
            self.budget.give_back(self.held)
        self.tables, self.held, self.located = [], 0, []
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class SegmentWriter:
    """Collects a day's merged slices (polars frames without ``day``) into a :class:`Segment`:
    in memory while the budget lasts, else in a scratch file."""

    def __init__(self, ctx: LoadContext, table: str, day: int, name: str) -> None:
        self.segment = Segment(table, day, budget=ctx.memory)
        self._spill = ctx.scratch / "segments" / f"{name}.arrow"
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._spec = TABLES[table]

    @property
    def rows(self) -> int:
        return self.segment.rows

    def write(self, frame: pl.DataFrame) -> None:
        frame = frame.with_columns(pl.lit(self.segment.day, dtype=pl.Int16).alias("day"))
        data = to_arrow(frame, self._spec)
        seg = self.segment
        seg.rows += data.num_rows
        if self._writer is None and seg.budget is not None and seg.budget.take(data.nbytes):
            seg.tables.append(data)
            seg.held += data.nbytes
            return
        if self._writer is None:  # spill: what is held goes to the file first
            self._spill.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pa.ipc.new_file(
                str(self._spill), data.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")
            )
            for t in seg.tables:
                self._writer.write_table(t)
            if seg.budget is not None:
                seg.budget.give_back(seg.held)
            seg.tables, seg.held, seg.path = [], 0, self._spill
        self._writer.write_table(data)

    def close(self) -> Segment:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        return self.segment


@dataclass(frozen=True)
class DayGroups:
    """Which row groups of a folder's published files hold which day (from their footers)."""

    by_day: dict[int, list[tuple[Path, int]]]


def published_days(ctx: LoadContext, root: Path, folder: str) -> DayGroups:
    """The published files of ``folder`` by day (read once per ingest and folder). Every row
    group holds one day (the compaction writes them so); its day is its statistics' min."""
    cached = ctx.published_days.get(folder)
    if cached is not None:
        return cached
    files = [] if ctx.rebuild else sorted((root / folder).glob("[!_.]*.parquet"))
    out = day_groups(files)
    ctx.published_days[folder] = out
    return out


def day_groups(files: list[Path]) -> DayGroups:
    """The row groups of ``files`` by day, from their footers (one day per row group)."""
    by_day: dict[int, list[tuple[Path, int]]] = {}
    for f in files:
        meta = pq.read_metadata(f)
        col = next((i for i in range(meta.num_columns) if meta.schema.column(i).path == "day"), -1)
        for rg in range(meta.num_row_groups):
            stats = meta.row_group(rg).column(col).statistics if col >= 0 else None
            if stats is None or not stats.has_min_max or stats.min != stats.max:
                raise InputError(
                    f"{f}: row group {rg} does not hold one day (this coldstart writes one "
                    "day per row group): the warehouse was changed outside coldstart; "
                    "rebuild it with `coldstart ingest --force`"
                )
            by_day.setdefault(int(stats.min), []).append((f, rg))
    return DayGroups(by_day)


def read_published_day(groups: DayGroups, day: int, table: str) -> pl.DataFrame | None:
    """A published day's rows without the day column (None: the folder has no such day)."""
    located = groups.by_day.get(day)
    if not located:
        return None
    parts = [pq.ParquetFile(f).read_row_group(rg) for f, rg in located]
    out = pl.from_arrow(pa.concat_tables(parts).drop_columns(["day"]))
    assert isinstance(out, pl.DataFrame)
    return out


@dataclass(frozen=True)
class Compacted:
    """A folder written anew: the staged files (relative to the warehouse) and their rows, and
    the published files they replace."""

    written: dict[str, int]
    replaced: list[str]


class _FolderFiles:
    """A folder's new staged files, day after day: a new file once one holds about
    TARGET_FILE_ROWS rows (a day is never split across files), named after the ingest."""

    def __init__(self, ctx: LoadContext, table: str, folder: str, first_index: int = 0) -> None:
        self._ctx, self._folder, self._spec = ctx, folder, TABLES[table]
        self.index = first_index
        self.written: dict[str, int] = {}  # closed files (relative to staging) → rows
        self.paths: list[Path] = []  # every file written, in order
        self._writer: PartWriter | None = None

    def start_day(self) -> PartWriter:
        if self._writer is not None and self._writer.rows >= TARGET_FILE_ROWS:
            self._close()
        if self._writer is None:
            path = self._ctx.staging / self._folder / f"part-{self._ctx.batch}-{self.index}.parquet"
            self._writer = PartWriter(path, self._spec)
            self.paths.append(path)
            self.index += 1
        return self._writer

    def copy_groups(self, located: list[tuple[Path, int]]) -> None:
        """Copy row groups (of one day) as they are, one at a time."""
        writer = self.start_day()
        schema = self._spec.arrow_schema()
        for f, rg in located:
            writer.write_arrow(pq.ParquetFile(f).read_row_group(rg).cast(schema))

    def write_segment(self, seg: Segment) -> None:
        writer = self.start_day()
        for t in seg.batches():
            writer.write_arrow(t)
        seg.discard()

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            if self._writer.rows:
                self.written[_rel(self._writer.path, self._ctx)] = self._writer.rows
            self._writer = None

    def close(self) -> None:
        self._close()


def _old_files(root: Path, ctx: LoadContext, folder: str, groups: DayGroups) -> list[str]:
    """The published files an ingest that rewrites ``folder`` replaces."""
    old = {f for located in groups.by_day.values() for f, _ in located}
    if not ctx.rebuild:  # files of a day none of whose row groups are known (e.g. empty files)
        old |= set((root / folder).glob("[!_.]*.parquet"))
    return [f.relative_to(root).as_posix() for f in sorted(old)]


class FolderStream:
    """One per-minute folder written into staging while the ingest merges it, day by day.

    The ingest merges region-day by region-day, so a folder's merged days arrive in day order.
    Each one is written at once behind the published days before it (copied row group by row
    group) and freed: no merged day waits in memory or scratch for the publish, and the
    folder is read and written once. A day that comes out of order (a file holding rows of a
    day already written, files not named ``day_N.csv``, a published day only losing columns)
    is refused by :meth:`offer`; the publish then compacts the folder once more from the
    streamed files and those days (:func:`compact_folder` with ``streamed``).
    """

    def __init__(self, root: Path, ctx: LoadContext, table: str, folder: str) -> None:
        self.root, self.ctx, self.table, self.folder = root, ctx, table, folder
        self._published = published_days(ctx, root, folder)
        self._files = _FolderFiles(ctx, table, folder)
        self._last: int | None = None  # the last day written (or skipped)
        self._lock = threading.Lock()
        self.closed = False
        self.groups = DayGroups({})  # once closed: the folder's days (kept or staged) by day
        # Appending: the published files stay as they are, only new days are written.
        self.appending = False

    def offer(self, day: int, segment: Segment | None) -> bool:
        """Write ``day`` (``segment`` None or empty: the day is now empty) if it comes after
        every day written so far; False (nothing written): the caller keeps the segment."""
        with self._lock:
            if self.closed or (self._last is not None and day <= self._last):
                return False
            if self._last is None:
                self.appending = self._can_append(day)
            if not self.appending:
                self._copy_published(below=day)
            if segment is not None and segment.rows:
                self._files.write_segment(segment)
            elif segment is not None:
                segment.discard()
            self._last = day
            return True

    def _can_append(self, first_day: int) -> bool:
        """The ingest's first day for this folder comes after all its published days, whose
        files (day-ordered, as this module writes them) are fewer than MAX_FOLDER_FILES."""
        by_day = self._published.by_day
        if not by_day or first_day <= max(by_day):
            return False
        files = sorted({f for located in by_day.values() for f, _ in located})
        return len(files) + 1 <= MAX_FOLDER_FILES and files == self._old_paths()

    def _old_paths(self) -> list[Path]:
        return [
            self.root / rel for rel in _old_files(self.root, self.ctx, self.folder, self._published)
        ]

    def _copy_published(self, below: int | None) -> None:
        for d in sorted(self._published.by_day):
            if (self._last is None or d > self._last) and (below is None or d < below):
                self._files.copy_groups(self._published.by_day[d])

    def close(self) -> None:
        """Copy the published days after the last one written; the files are then readable."""
        with self._lock:
            if self.closed:
                return
            if not self.appending:
                self._copy_published(below=None)
            self._files.close()
            self.closed = True
            staged = day_groups([p for p in self._files.paths if p.exists()])
            if self.appending:  # the kept files' days, then the new ones (all later)
                staged = DayGroups({**self._published.by_day, **staged.by_day})
            self.groups = staged

    @property
    def written(self) -> dict[str, int]:
        return self._files.written

    @property
    def next_index(self) -> int:
        return self._files.index

    def staged_paths(self) -> set[Path]:
        """The files this stream wrote (what a second compaction deletes from staging)."""
        return set(self._files.paths)

    def day_segment(self, day: int) -> Segment | None:
        """A streamed day as a segment (read from the closed staged files), None if absent."""
        located = self.groups.by_day.get(day)
        if not located:
            return None
        rows = sum(pq.ParquetFile(f).metadata.row_group(rg).num_rows for f, rg in located)
        return Segment(self.table, day, rows=rows, located=list(located))

    def replaced(self, *, rewritten: bool = False) -> list[str]:
        """The published files the folder's new files replace: none when appending, unless
        ``rewritten`` (compacted once more, the kept files' days included)."""
        if self.appending and not rewritten:
            return []
        return _old_files(self.root, self.ctx, self.folder, self._published)


def compact_folder(
    root: Path,
    ctx: LoadContext,
    table: str,
    folder: str,
    segments: dict[int, Segment | None],
    streamed: FolderStream | None = None,
) -> Compacted:
    """Stage ``folder`` anew: its published days (or, with ``streamed``, the days this ingest
    already streamed into staging, the published ones among them) not in ``segments``, then
    every day's rows in day order; ``segments[day]`` None (or empty) means that day is now
    empty. Files of at most about TARGET_FILE_ROWS rows (a day is never split across files),
    named after the ingest. The streamed files are deleted once rewritten."""
    if streamed is not None:
        streamed.close()
        groups = streamed.groups
        replaced = streamed.replaced(rewritten=True)
    else:
        groups = published_days(ctx, root, folder)
        replaced = _old_files(root, ctx, folder, groups)
    days = sorted(
        {d for d in groups.by_day if d not in segments}
        | {d for d, s in segments.items() if s is not None and s.rows}
    )
    files = _FolderFiles(ctx, table, folder, streamed.next_index if streamed else 0)
    try:
        for day in days:
            seg = segments.get(day)
            if seg is not None:
                files.write_segment(seg)
            else:
                files.copy_groups(groups.by_day[day])
    finally:
        files.close()
    if streamed is not None:  # its staged files are rewritten now (published ones: at commit)
        for f in streamed.staged_paths():
            f.unlink(missing_ok=True)
    return Compacted(files.written, replaced)


def _rel(path: Path, ctx: LoadContext) -> str:
    return path.relative_to(ctx.staging).as_posix()

"""The per-minute tables' few, large files: merged days held as segments, then compacted.

Since warehouse version 4 a per-minute folder (``timeseries/region=R2/metric=cpu_usage``,
``counts/region=R2``) holds all its days in a few files, ``day`` being a column: one row group
per day (or per slice of a big day), rows sorted by day, funcID, time. That is 85 folders of a
few files for the whole release instead of one file per (region, metric, day) — ~2,600 files
of a few kB to a few MB on the synthetic trace, which every reader had to list and open.

The ingest still merges day by day (:func:`coldstart.ingest.timeseries.merge_group`): each
merge yields a :class:`Segment`, the day's rows held in memory while the ingest's
:class:`~coldstart.ingest.results.MemoryBudget` lasts, else in a scratch file. At publish,
:func:`compact_folder` writes each touched folder anew into staging — its published days that
this ingest did not touch, copied row group by row group, and the new segments, in day order —
and lists the old files for deletion. Both go through the same transaction as everything else
(coldstart.ingest.publish): a crash leaves the old files or the new ones, never both counted.

The cost: a folder touched by an ingest is rewritten whole (≈ its size in I/O; bounded per
file by :data:`TARGET_FILE_ROWS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import feather

from coldstart.errors import InputError
from coldstart.ingest.parts import PartWriter, to_arrow
from coldstart.ingest.results import LoadContext, MemoryBudget
from coldstart.warehouse import TABLES

# Rows per compacted file before the next day starts a new one: ≈ 100–300 MB at the
# release's density (12 columns, many NULL statistics, zstd).
TARGET_FILE_ROWS = 8_000_000


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

    def batches(self) -> list[pa.Table]:
        """Its rows, as the slices they were written in (each a row group when compacted)."""
        if self.path is not None:
            return [feather.read_table(self.path, memory_map=False)]
        return list(self.tables)

    def frame(self) -> pl.DataFrame:
        """Its rows without the day column (what a merge works on)."""
        parts = self.batches()
        data = pa.concat_tables(parts) if parts else TABLES[self.table].arrow_schema().empty_table()
        out = pl.from_arrow(data.drop_columns(["day"]))
        assert isinstance(out, pl.DataFrame)
        return out

    def discard(self) -> None:
        if self.budget is not None and self.held:
            self.budget.give_back(self.held)
        self.tables, self.held = [], 0
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
    by_day: dict[int, list[tuple[Path, int]]] = {}
    if not ctx.rebuild:
        for f in sorted((root / folder).glob("[!_.]*.parquet")):
            meta = pq.read_metadata(f)
            col = next(
                (i for i in range(meta.num_columns) if meta.schema.column(i).path == "day"), -1
            )
            for rg in range(meta.num_row_groups):
                stats = meta.row_group(rg).column(col).statistics if col >= 0 else None
                if stats is None or not stats.has_min_max or stats.min != stats.max:
                    raise InputError(
                        f"{f}: row group {rg} does not hold one day (this coldstart writes one "
                        "day per row group): the warehouse was changed outside coldstart; "
                        "rebuild it with `coldstart ingest --force`"
                    )
                by_day.setdefault(int(stats.min), []).append((f, rg))
    out = DayGroups(by_day)
    ctx.published_days[folder] = out
    return out


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


def compact_folder(
    root: Path,
    ctx: LoadContext,
    table: str,
    folder: str,
    segments: dict[int, Segment | None],
) -> Compacted:
    """Stage ``folder`` anew: its published days not in ``segments``, then every day's rows in
    day order; ``segments[day]`` None (or empty) means that day is now empty. Files of at most
    about TARGET_FILE_ROWS rows (a day is never split across files), named after the ingest."""
    groups = published_days(ctx, root, folder)
    old_files = sorted({f for located in groups.by_day.values() for f, _ in located})
    if not ctx.rebuild:  # files of a day none of whose row groups are known (e.g. empty files)
        old_files = sorted({*old_files, *(root / folder).glob("[!_.]*.parquet")})
    days = sorted(
        {d for d in groups.by_day if d not in segments}
        | {d for d, s in segments.items() if s is not None and s.rows}
    )
    spec = TABLES[table]
    written: dict[str, int] = {}
    writer: PartWriter | None = None
    index = 0
    try:
        for day in days:
            if writer is not None and writer.rows >= TARGET_FILE_ROWS:
                writer.close()
                written[_rel(writer.path, ctx)] = writer.rows
                writer = None
            if writer is None:
                path = ctx.staging / folder / f"part-{ctx.batch}-{index}.parquet"
                writer = PartWriter(path, spec)
                index += 1
            seg = segments.get(day)
            if seg is not None:
                for t in seg.batches():
                    writer.write_arrow(t)
                seg.discard()
            else:
                for f, rg in groups.by_day[day]:
                    writer.write_arrow(
                        pq.ParquetFile(f).read_row_group(rg).cast(spec.arrow_schema())
                    )
        if writer is not None:
            writer.close()
            written[_rel(writer.path, ctx)] = writer.rows
    finally:
        if writer is not None:
            writer.close()
    replaced = [f.relative_to(root).as_posix() for f in old_files]
    return Compacted(written, replaced)


def _rel(path: Path, ctx: LoadContext) -> str:
    return path.relative_to(ctx.staging).as_posix()

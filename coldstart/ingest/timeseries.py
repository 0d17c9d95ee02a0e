"""Per-minute tables: wide release files → long warehouse rows.

The release has one CSV per (region, metric folder, day) with one column per funcID (2,400+
columns). Phase 1 (:func:`load_wide`, one source at a time, in parallel) keeps a file's
non-empty cells: read sparsely (:mod:`coldstart.ingest.wide_cells`, only the cells with text are
parsed) when the file has the plain shape, else parsed whole with an explicit Float64 schema and
searched with NumPy (DuckDB UNPIVOT or one frame per column were 40–400× slower) — writing small
long "pieces"
(funcID, time, value) to scratch space. Phase 2 (:func:`merge_group`) joins the pieces of one
(region, metric, day) so all statistics of a metric sit side by side, merges them with what
the warehouse already holds for that partition, and stages one file.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl
import pyarrow as pa
from pyarrow import feather

from coldstart import release
from coldstart.errors import BadRowError, InputError
from coldstart.ingest import wide_cells
from coldstart.ingest.compact import (
    Segment,
    SegmentWriter,
    published_days,
    read_published_day,
)
from coldstart.ingest.csvread import ReadStats, iter_blocks
from coldstart.ingest.results import GroupKey, LoadContext, MemoryBudget, PieceRef, SourceResult
from coldstart.ingest.sources import Source, content_of
from coldstart.warehouse import TABLES

_KEYS = ["funcID", "time"]


@dataclass(eq=False)
class Piece:
    """One column's non-empty cells of one file and day: NumPy arrays in memory, or a scratch
    file when the ingest's :class:`~coldstart.ingest.results.MemoryBudget` is spent.

    The cells are (f, time, value): ``f`` indexes the file's funcID columns (``names``, sorted;
    one shared tuple per distinct header), so pieces carry no strings per cell and the merge
    maps funcIDs once per header. ``minutes``: the file's minutes of that day, sorted.
    """

    path: Path | None  # set once spilled to scratch (the arrays below are then dropped)
    unique_times: bool  # no minute twice in the file's rows of that day
    cells: int = 0  # rows of the piece (what its merge will hold in memory: ~12 bytes each)
    f: np.ndarray | None = None
    time: np.ndarray | None = None
    value: np.ndarray | None = None
    names: tuple[str, ...] = ()
    minutes: np.ndarray | None = None
    budget: MemoryBudget | None = None  # what the arrays were reserved from

    @property
    def nbytes(self) -> int:
        arrays = (self.f, self.time, self.value, self.minutes)
        return sum(a.nbytes for a in arrays if a is not None)

    def spill(self, path: Path) -> None:
        """Write the cells to ``path`` (Arrow IPC, lz4) and drop them from memory (the names
        and minutes stay: small, and shared)."""
        table = pa.table({"f": self.f, "time": self.time, "value": self.value})
        feather.write_feather(table, path, compression="lz4")
        self.path, self.f, self.time, self.value = path, None, None, None

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(f, time, value)."""
        if self.path is None:
            assert self.f is not None
            assert self.time is not None
            assert self.value is not None
            return self.f, self.time, self.value
        t = feather.read_table(self.path, memory_map=False)
        return t["f"].to_numpy(), t["time"].to_numpy(), t["value"].to_numpy()

    def read_meta(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The file's funcID columns and its minutes of that day (what the merge needs to lay
        out its grid)."""
        assert self.minutes is not None
        return self.names, self.minutes

    def frame(self) -> pl.DataFrame:
        """(funcID, time, value), as the general merge joins them."""
        f, time, value = self.arrays()
        funcs = pl.Series("funcID", self.names, dtype=pl.String)
        return pl.DataFrame(
            {"funcID": funcs.gather(f), "time": pl.Series(time), "value": pl.Series(value)}
        )

    def discard(self) -> None:
        """Free it (memory back to the budget, or its scratch file deleted)."""
        if self.path is None and self.budget is not None:
            self.budget.give_back(self.nbytes)
        self.f = self.time = self.value = None
        self.budget = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def load_wide(
    source: Source, header: list[str], fh: IO[bytes], key: str, ctx: LoadContext
) -> SourceResult:
    """Phase 1: one wide per-minute CSV → long pieces, one per day, in scratch space."""
    if source.series is None:  # pragma: no cover - the runner checks this first
        raise InputError(f"{source.display}: per-minute file outside a metric folder")
    metric, stat = release.split_series_folder(source.series)
    is_count = stat is None
    funcs = header[2:]
    dupes = sorted(c for c, n in Counter(funcs).items() if n > 1)
    if dupes:
        raise InputError(f"{source.display}: duplicate columns in the header: {', '.join(dupes)}")
    stats = ReadStats()
    result = SourceResult(source=source, table="timeseries", key=key)
    cells = None
    fh_read = fh  # the source's own stream (its content fingerprint), whatever fh becomes
    if source.size <= wide_cells.MAX_BYTES:
        body = fh.read(wide_cells.MAX_BYTES + 1)
        if len(body) <= wide_cells.MAX_BYTES:
            cells = wide_cells.read_cells(body, len(header))
            fh = io.BytesIO(body)  # in case the validating reader has to take it after all
        else:  # it grew since it was listed: the block-wise way, from what was read on
            fh = _Joined(body, fh)
    count_max = _COUNT_MAX[metric] if is_count else None
    got = _from_cells(cells, count_max) if cells is not None else None
    if got is None:
        got = _from_blocks(source, header, fh, count_max, ctx, stats)
    result.rows_read = got.n_rows if got is not None else stats.rows_read
    result.content = content_of(fh_read, source)
    if stats.blank_lines:
        result.count("blank_lines", stats.blank_lines)
    if got is None or got.n_rows == 0:  # no data lines
        result.bad_rows, result.examples = stats.bad_rows, stats.examples
        return result
    _refuse_repeated_minutes(got, funcs, source.display)
    got, names_sorted = _by_name(got, funcs)
    days, times = got.days, got.times
    if len(days) and days[0] == days[-1] and (days == days[0]).all():  # one day (~2 µs)
        result.rows_by_day = {int(days[0]): len(days)}
    else:
        day_values, day_rows = np.unique(days, return_counts=True)
        result.rows_by_day = dict(zip(day_values.tolist(), day_rows.tolist(), strict=True))
    result.count("time_not_minute", int((times % 60 != 0).sum()))
    result.count("day_column_mismatch", int((days != times // release.SECONDS_PER_DAY).sum()))
    names = ctx.intern(tuple(names_sorted))  # one tuple per distinct header: the merge caches
    column = stat if stat is not None else metric
    table = "counts" if is_count else "timeseries"
    group_metric = None if is_count else metric
    one_day = len(days) == 0 or bool((days == days[0]).all())
    cell_days = None if one_day else days[got.r]
    for day in [days[0]] if one_day and len(days) else np.unique(days):
        if one_day:
            f_idx, r_idx, values = got.f, got.r, got.values
            day_times = times
        else:
            m = cell_days == day
            f_idx, r_idx, values = got.f[m], got.r[m], got.values[m]
            day_times = times[days == day]
        if len(day_times) < 2 or (day_times[1:] > day_times[:-1]).all():  # the usual case
            minutes, unique = day_times, True
        else:
            minutes = np.unique(day_times)
            unique = len(minutes) == len(day_times)
        # NumPy arrays, no polars query and no Parquet writer set-up per file (thousands of
        # them): held in memory while the budget lasts, else an Arrow IPC scratch file.
        piece = Piece(
            None,
            unique,
            len(values),
            f=f_idx.astype(np.int32),
            time=times[r_idx],
            value=values,
            names=names,
            minutes=minutes.astype(np.int32, copy=False),
        )
        if not ctx.memory.take(piece.nbytes):
            path = ctx.scratch / table / source.region / (group_metric or "_") / str(day)
            tag = hashlib.sha1(key.encode()).hexdigest()[:12]
            path = path / f"{column}-{tag}.arrow"
            if path.parent not in ctx.made_dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                ctx.made_dirs.add(path.parent)
            piece.spill(path)
        else:
            piece.budget = ctx.memory
        group = GroupKey(table, source.region, group_metric, int(day))
        result.pieces.append(PieceRef(group, column, piece))
        result.rows_written += piece.cells
    result.count("cells", result.rows_written)
    result.count("minutes", len(times))
    result.bad_rows, result.examples = stats.bad_rows, stats.examples
    return result


class _Joined(io.RawIOBase):
    """Bytes already read, then the rest of the stream (for :func:`iter_blocks`)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest = head, rest

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        if self._head:
            out, self._head = (self._head, b"") if n < 0 else (self._head[:n], self._head[n:])
            return out
        return self._rest.read(n)

    def readable(self) -> bool:
        return True


@dataclass(frozen=True)
class _Long:
    """A wide file's rows (day, time per kept row) and its cells with a value, funcID-major:
    f (index into the funcID columns), r (row), values."""

    n_rows: int  # data lines read
    days: np.ndarray  # int16
    times: np.ndarray  # int32
    f: np.ndarray
    r: np.ndarray
    values: np.ndarray
    lines: np.ndarray | None = None  # each kept row's line in the file; None: row + 2

    def line(self, row: int) -> int:
        return int(self.lines[row]) if self.lines is not None else row + 2


def _refuse_repeated_minutes(got: _Long, funcs: list[str], display: str) -> None:
    """Two rows of one file for the same day and minute, both with a value for one funcID,
    would give that (funcID, minute) two values: InputError naming both lines."""
    key = (got.days.astype(np.int64) << 32) | (got.times.astype(np.int64) & 0xFFFFFFFF)
    if len(key) < 2 or (key[1:] > key[:-1]).all():  # the usual case: rows in order (~5 µs)
        return
    if len(np.unique(key)) == len(key):
        return
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    for i in np.flatnonzero(ranked[1:] == ranked[:-1]):  # rare: a minute given twice
        a, b = sorted((int(order[i]), int(order[i + 1])))
        both = np.intersect1d(got.f[got.r == a], got.f[got.r == b])
        if len(both):
            raise InputError(
                f"{display}, lines {got.line(a)} and {got.line(b)}: both give day "
                f"{int(got.days[a])}, time {int(got.times[a])} a value for the same funcID "
                f"({funcs[int(both[0])][:80]}); a per-minute file has one row per minute"
            )


def _by_name(got: _Long, funcs: list[str]) -> tuple[_Long, list[str]]:
    """The cells numbered by the file's funcIDs in name order, funcID-major, rows in order.

    The merge numbers cells on a grid of sorted funcIDs; pieces already in that order (the
    usual case: minutes in order in the file) need no sort there, where big partitions are
    merged one at a time. Sorting here runs in parallel over files, and on small integers
    NumPy's stable sort is a radix sort (10× faster than on int64).
    """
    names = sorted(funcs)  # str order, as the merge's
    if names == funcs:
        rank = None
    else:
        position = {n: i for i, n in enumerate(names)}
        rank = np.array([position[n] for n in funcs], dtype=np.int64)
    f = got.f if rank is None else rank[got.f]
    small = f.astype(np.uint16) if len(funcs) < 2**16 else f
    # Both readers give each funcID's cells in row order, so funcIDs in order = sorted.
    if len(small) > 1 and not (small[1:] >= small[:-1]).all():
        order = np.argsort(small, kind="stable")  # rows stay in order within a funcID
        return _Long(
            got.n_rows, got.days, got.times, f[order], got.r[order], got.values[order], got.lines
        ), names
    return _Long(got.n_rows, got.days, got.times, f, got.r, got.values, got.lines), names


# day and time are stored as Int16 and Int32: a value outside (inf, 1e12) would wrap around.
_KEY_RANGES = {
    "day": (np.iinfo(np.int16).min, np.iinfo(np.int16).max),
    "time": (np.iinfo(np.int32).min, np.iinfo(np.int32).max),
}


def _count_max(column: str) -> float:
    """The largest count its warehouse column holds exactly (Int32, or Int64 within float64's
    2**53: the release writes counts as floats)."""
    arrow_type = next(c.type.arrow() for c in TABLES["counts"].columns if c.name == column)
    return float(min(np.iinfo(arrow_type.to_pandas_dtype()).max, 2**53))


_COUNT_MAX = {c: _count_max(c) for c in release.COUNT_SERIES}


def _not_count(values: np.ndarray, hi: float) -> np.ndarray:
    """Values that are not a whole count from 0 to ``hi`` (inf and 1e20 included)."""
    with np.errstate(invalid="ignore"):
        return ~((values >= 0) & (values <= hi)) | (values != np.floor(values))


def _not_key(values: np.ndarray, col: str) -> np.ndarray:
    """Rows whose day or time is not a whole number its column can hold (NaN included)."""
    lo, hi = _KEY_RANGES[col]
    with np.errstate(invalid="ignore"):
        return ~((values >= lo) & (values <= hi)) | (values != np.floor(values))


def _from_cells(cells: wide_cells.Cells, count_max: float | None) -> _Long | None:
    """The sparse reading, if every row is good; None → the validating way (which names or
    skips the bad rows exactly as for any file)."""
    n = cells.n_rows
    key_cols = cells.cols < 2
    if np.count_nonzero(key_cols) != 2 * n:
        return None  # an empty day or time
    day_f = cells.values[cells.cols == 0]
    time_f = cells.values[cells.cols == 1]
    for col, values in (("day", day_f), ("time", time_f)):
        if _not_key(values, col).any():
            return None
    value = ~key_cols & ~np.isnan(cells.values)  # NaN written as text is "no value", as empty
    f = cells.cols[value] - 2
    r = cells.rows[value]
    v = cells.values[value]
    if count_max is not None and _not_count(v, count_max).any():
        return None
    return _Long(n, day_f.astype(np.int16), time_f.astype(np.int32), f, r, v)  # row-major


def _from_blocks(
    source: Source,
    header: list[str],
    fh: IO[bytes],
    count_max: float | None,
    ctx: LoadContext,
    stats: ReadStats,
) -> _Long | None:
    """The validating reading: blocks through csvread, bad rows named or skipped and counted."""
    funcs = header[2:]
    schema: dict[str, pl.DataType] = dict.fromkeys(header, pl.Float64)
    blocks = list(
        iter_blocks(
            fh, source.display, header, schema, skip_bad_rows=ctx.skip_bad_rows, stats=stats
        )
    )
    if not blocks:
        return None
    # One conversion of the whole frame to a (rows × columns) float matrix; everything after
    # is NumPy. (Per-column polars expressions over 2,400 columns cost more than the parse.)
    full = np.concatenate([b.to_numpy() for b in blocks]) if len(blocks) > 1 else None
    full = blocks[0].to_numpy() if full is None else full
    lines = full[:, -1].astype(np.int64)
    day_f, time_f = full[:, 0], full[:, 1]
    keep = np.ones(len(full), dtype=bool)
    for col, values in (("day", day_f), ("time", time_f)):
        bad = _not_key(values, col)
        for i in np.flatnonzero(bad & keep):
            lo, hi = _KEY_RANGES[col]
            reason = (
                f"{source.display}, line {lines[i]}, column {col}: {float(values[i])!r} is not "
                f"a whole number from {lo} to {hi}"
            )
            if not ctx.skip_bad_rows:
                raise BadRowError(reason)
            stats.skipped(reason)
        keep &= ~bad
    mat = full[:, 2:-1].T  # funcs × rows
    present = ~np.isnan(mat)
    if count_max is not None:
        wrong = present & _not_count(mat, count_max)
        for f_i, r_i in zip(*np.nonzero(wrong & keep), strict=True):
            reason = (
                f"{source.display}, line {lines[r_i]}, column {funcs[f_i]}: "
                f"{float(mat[f_i, r_i])!r} is not a whole count from 0 to {count_max:.0f}"
            )
            if not ctx.skip_bad_rows:
                raise BadRowError(reason)
            stats.skipped(reason)
        keep &= ~wrong.any(axis=0)
    if not keep.all():
        mat, present, day_f, time_f = mat[:, keep], present[:, keep], day_f[keep], time_f[keep]
    f_idx, r_idx = np.nonzero(present)  # funcID-major
    return _Long(
        stats.rows_read,
        day_f.astype(np.int16),
        time_f.astype(np.int32),
        f_idx,
        r_idx,
        mat[f_idx, r_idx],
        lines[keep] if not keep.all() else lines,
    )


def value_columns(table: str) -> tuple[str, ...]:
    return release.STATS if table == "timeseries" else release.COUNT_SERIES


def merge_group(
    warehouse: Path,
    ctx: LoadContext,
    group: GroupKey,
    pieces: dict[str, list[Piece]],
    drop: frozenset[str] = frozenset(),
) -> MergedPartition:
    """Phase 2: one day of one folder (a logical partition): what is published there, without
    the ``drop`` columns (their sources are re-ingested), plus the new pieces, as a
    :class:`~coldstart.ingest.compact.Segment` that the publish compacts into the folder's
    files (coldstart.ingest.compact).

    New cells add to the published ones: a cell the partition already holds is an error, as a
    cell two new files give (a file with rows of another day adds them to that day's partition;
    it never replaces what other files put there).
    """
    table = group.table
    cols = value_columns(table)
    published = read_published_day(published_days(ctx, warehouse, group.folder), group.day, table)
    if published is None:  # the usual case: a new partition, one piece per column
        seg = _merge_dense(ctx, table, pieces, group)
        if seg is not None:
            return MergedPartition(seg)
    frames: list[pl.DataFrame] = []
    old = _as_float(published, table) if published is not None else None
    if old is not None:
        old = old.drop([c for c in drop if c in old.columns])
    for col, paths in sorted(pieces.items()):
        new = _cells_of(paths, col, group)
        if old is not None and col in old.columns:
            had = old.filter(_present(table, col)).select(*_KEYS, col)
            both = pl.concat([new, had.with_columns(pl.col(col).cast(pl.Float64))])
            if had.height and both.select(pl.struct(_KEYS).is_duplicated().any()).item():
                _two_files(group, col, before=True)
            new = both
            old = old.drop(col)
        frames.append(new)
    if old is not None:
        rest = [c for c in cols if c in old.columns]
        if rest:
            old = old.filter(pl.any_horizontal([_present(table, c) for c in rest]))
            if old.height:
                frames.append(old.select(*_KEYS, *rest))
    if not frames:  # every column dropped and nothing new: the partition goes
        return MergedPartition(None)
    merged = reduce(
        lambda a, b: a.join(b, on=_KEYS, how="full", coalesce=True, nulls_equal=False), frames
    )
    missing = [c for c in cols if c not in merged.columns]
    fill = 0 if table == "counts" else None
    merged = merged.with_columns(pl.lit(fill, dtype=pl.Float64).alias(c) for c in missing)
    if table == "counts":
        merged = merged.with_columns(pl.col(list(cols)).fill_null(0))
    merged = merged.sort(_KEYS)
    if merged.height == 0:
        return MergedPartition(None)
    return MergedPartition(_segment_of(ctx, group, merged))


def _segment_of(ctx: LoadContext, group: GroupKey, frame: pl.DataFrame) -> Segment:
    writer = SegmentWriter(ctx, group.table, group.day, _segment_name(group))
    writer.write(frame)
    return writer.close()


def _segment_name(group: GroupKey) -> str:
    return hashlib.sha1(group.partition.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class MergedPartition:
    """A merge's outcome: the day's rows (None: that day of the folder is now empty), or
    ``streamed``: already written into the folder's staged files (coldstart.ingest.compact's
    FolderStream), nothing held."""

    segment: Segment | None
    streamed: bool = False


def _present(table: str, col: str) -> pl.Expr:
    """A cell with a value: non-NULL, and for counts non-zero (0 is how "none" is stored)."""
    return (pl.col(col) != 0) if table == "counts" else pl.col(col).is_not_null()


def _as_float(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(list(value_columns(table))).cast(pl.Float64))


def combine_late(
    ctx: LoadContext, group: GroupKey, done: Segment, pieces: dict[str, list[Piece]]
) -> MergedPartition:
    """Add pieces that arrived after their partition was merged in this ingest (a file with rows
    of another day than its name's: see coldstart.ingest.series_batches) to its segment.

    Like any merge, these cells add to the column's cells; a cell given twice is an error.
    """
    table = group.table
    cols = value_columns(table)
    merged = _as_float(done.frame(), table)
    for col, paths in sorted(pieces.items()):
        new = _cells_of(paths, col, group).rename({col: "__new"})
        merged = merged.join(new, on=_KEYS, how="full", coalesce=True)
        if merged.select((_present(table, col) & pl.col("__new").is_not_null()).any()).item():
            _two_files(group, col)
        merged = merged.with_columns(pl.coalesce("__new", col).alias(col)).drop("__new")
    if table == "counts":
        merged = merged.with_columns(pl.col(list(cols)).fill_null(0))
    done.discard()
    return MergedPartition(_segment_of(ctx, group, merged.sort(_KEYS)))


def _cells_of(paths: list[Piece], col: str, group: GroupKey) -> pl.DataFrame:
    """(funcID, time, ``col``) from one column's pieces; a cell two files give is an error."""
    f = pl.concat([p.frame() for p in paths]).rename({"value": col})
    if len(paths) > 1 and f.select(pl.struct(_KEYS).is_duplicated().any()).item():
        _two_files(group, col)
    return f


def _two_files(group: GroupKey, col: str, *, before: bool = False) -> None:
    what = f"{group.metric + '_' if group.metric else ''}{col}"
    where = "a file ingested before and one ingested now" if before else "two files"
    raise InputError(
        f"{where} give {what} for {group.region} day {group.day} (the same funcID and minute): "
        "ingest only one copy of each day"
    )


# Output rows per row group of a dense merge. A Region 2 partition of the release has up to
# 2,420 funcIDs × 1,440 minutes = 3.5 M rows of 12 columns; built whole it took 1.1 GB (two
# merges at once: over 2 GB). In slices of ~250 k rows the merge holds its inputs (12 bytes per
# cell) and one slice.
MERGE_SLICE_ROWS = 250_000


def _merge_dense(
    ctx: LoadContext,
    table: str,
    pieces: dict[str, list[Piece]],
    group: GroupKey,
) -> Segment | None:
    """All columns of a new partition side by side, without joins, in slices; returns its
    segment, or None → use the joins.

    Cells are numbered on the grid (sorted funcIDs × sorted minutes): each column's cells,
    sorted by that number, say which output rows it fills, and the output rows of a range of
    funcIDs are the union of the columns' cells in that range, already in (funcID, time) order.
    Equal to the full outer joins (NULL where a column has no value) when no file repeats a
    minute; otherwise returns None and the joins decide.
    """
    if any(not p.unique_times for ps in pieces.values() for p in ps):
        return None
    meta = {p: p.read_meta() for ps in pieces.values() for p in ps}
    funcs = sorted(set().union(*(names for names, _ in meta.values())))  # str order = polars'
    index = {n: i for i, n in enumerate(funcs)}
    times = np.unique(np.concatenate([t for _, t in meta.values()]))  # the files' minutes
    n_times = len(times)
    key_type = np.int32 if len(funcs) * n_times < 2**31 else np.int64
    time_index = _time_index(times)
    # Per column: its cells' grid numbers, sorted, and their values (the pieces are dropped).
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    maps: dict[int, np.ndarray] = {}  # funcID map per distinct header (pieces share them)
    for col, ps in sorted(pieces.items()):
        keys, values = [], []
        for p in ps:
            f, time, value = p.arrays()
            names = meta[p][0]
            to_global = maps.get(id(names))
            if to_global is None:
                to_global = maps[id(names)] = np.array([index[n] for n in names], dtype=key_type)
            k = to_global[f] * key_type(n_times)
            k += time_index(time).astype(key_type, copy=False)
            keys.append(k)
            values.append(value)
            del f, time, value
            p.discard()  # its cells live on as (key, value): not held twice while merging
        key = np.concatenate(keys) if len(keys) > 1 else keys[0]
        value = np.concatenate(values) if len(values) > 1 else values[0]
        del keys, values
        if len(key) > 1 and not (key[1:] > key[:-1]).all():  # not already in grid order
            order = np.argsort(key, kind="stable")
            key, value = key[order], value[order]
        if len(key) > 1 and (key[1:] == key[:-1]).any():
            _two_files(group, col)
        columns[col] = (key, value)
    is_count = table == "counts"
    fill = 0.0 if is_count else None
    all_funcs = pl.Series("funcID", funcs, dtype=pl.String)
    funcs_per_slice = max(1, MERGE_SLICE_ROWS // max(n_times, 1))
    writer = SegmentWriter(ctx, table, group.day, _segment_name(group))
    try:
        for g0 in range(0, len(funcs), funcs_per_slice):
            lo, hi = g0 * n_times, min(g0 + funcs_per_slice, len(funcs)) * n_times
            parts = {}
            for col, (key, value) in columns.items():
                a, b = np.searchsorted(key, [lo, hi])
                parts[col] = (key[a:b], value[a:b])
            occupied = np.zeros(hi - lo, dtype=bool)
            for k, _ in parts.values():
                occupied[k - lo] = True
            out = np.flatnonzero(occupied)
            if not len(out):
                continue
            rank = np.cumsum(occupied, dtype=np.int64) - 1  # a grid cell's output row
            data: dict[str, pl.Series] = {
                "funcID": all_funcs.gather((out + lo) // n_times),
                "time": pl.Series("time", times[(out + lo) % n_times]),
            }
            for col in value_columns(table):
                if col not in parts:
                    data[col] = pl.repeat(fill, len(out), dtype=pl.Float64, eager=True).alias(col)
                    continue
                k, v = parts[col]
                filled = np.full(len(out), 0.0 if is_count else np.nan)
                filled[rank[k - lo]] = v
                data[col] = pl.Series(col, filled, nan_to_null=not is_count)
            writer.write(pl.DataFrame(data))
    finally:
        segment = writer.close()
    return segment


def _time_index(times: np.ndarray):  # type: ignore[no-untyped-def]
    """A function mapping times (all in ``times``, sorted) to their positions: a lookup array
    over the span (a day is at most 86,400 s) — 10× a binary search per cell."""
    if not len(times) or int(times[-1]) - int(times[0]) > 10 * 86_400:
        return lambda t: np.searchsorted(times, t)
    first = int(times[0])
    lookup = np.zeros(int(times[-1]) - first + 1, dtype=np.int32)
    lookup[times - first] = np.arange(len(times), dtype=np.int32)
    return lambda t: lookup[t - first]


def _empty_schema(table: str) -> dict[str, pl.DataType]:
    return {"funcID": pl.String, "time": pl.Int32} | dict.fromkeys(value_columns(table), pl.Float64)


def group_cells(pieces: dict[str, list[Piece]]) -> int:
    """Cells of a partition's pieces: the size of its merge."""
    return sum(p.cells for ps in pieces.values() for p in ps)


def group_pieces(results: Iterable[SourceResult]) -> dict[GroupKey, dict[str, list[Piece]]]:
    """{partition: {column: [pieces]}} over phase-1 results."""
    groups: dict[GroupKey, dict[str, list[Piece]]] = {}
    for r in results:
        for ref in r.pieces:
            groups.setdefault(ref.group, {}).setdefault(ref.column, []).append(ref.piece)
    return groups

"""Per-minute tables: wide release files → long warehouse rows.

The release has one CSV per (region, metric folder, day) with one column per funcID (2,400+
columns). Phase 1 (:func:`load_wide`, one source at a time, in parallel) reads a file with an
explicit Float64 schema and keeps its non-NaN cells with NumPy — the measured fast path (DuckDB
UNPIVOT or one frame per column are 40–400× slower) — writing small long "pieces"
(funcID, time, value) to scratch space. Phase 2 (:func:`merge_group`) joins the pieces of one
(region, metric, day) so all statistics of a metric sit side by side, merges them with what
the warehouse already holds for that partition, and stages one file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from functools import reduce
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

from coldstart import release
from coldstart.errors import InputError
from coldstart.ingest.csvread import ReadStats, iter_blocks
from coldstart.ingest.loaders import LoadContext, SourceResult
from coldstart.ingest.parts import write_frame
from coldstart.ingest.sources import Source
from coldstart.warehouse import TABLES, partition_dir

GROUP_FILE = "part-0.parquet"
_KEYS = ["funcID", "time"]


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
    schema: dict[str, pl.DataType] = dict.fromkeys(header, pl.Float64)
    stats = ReadStats()
    result = SourceResult(source=source, table="timeseries", key=key)
    blocks = list(
        iter_blocks(
            fh, source.display, header, schema, skip_bad_rows=ctx.skip_bad_rows, stats=stats
        )
    )
    result.rows_read = stats.rows_read
    if not blocks:
        result.bad_rows, result.examples = stats.bad_rows, stats.examples
        return result
    # One conversion of the whole frame to a (rows × columns) float matrix; everything after
    # is NumPy. (Per-column polars expressions over 2,400 columns cost more than the parse.)
    full = np.concatenate([b.to_numpy() for b in blocks]) if len(blocks) > 1 else None
    full = blocks[0].to_numpy() if full is None else full
    lines = full[:, -1].astype(np.int64)
    day_f, time_f = full[:, 0], full[:, 1]
    keep = np.ones(len(full), dtype=bool)
    for col, values in (("day", day_f), ("time", time_f)):
        bad = np.isnan(values) | (values != np.floor(values))
        for i in np.flatnonzero(bad & keep):
            reason = (
                f"{source.display}, line {lines[i]}, column {col}: {float(values[i])!r} is not "
                "a whole number"
            )
            if not ctx.skip_bad_rows:
                raise InputError(reason)
            stats.skipped(reason)
        keep &= ~bad
    mat = full[:, 2:-1].T  # funcs × rows
    present = ~np.isnan(mat)
    if is_count:
        wrong = present & ((mat != np.floor(mat)) | (mat < 0))
        for f_i, r_i in zip(*np.nonzero(wrong & keep), strict=True):
            reason = (
                f"{source.display}, line {lines[r_i]}, column {funcs[f_i]}: "
                f"{float(mat[f_i, r_i])!r} is not a whole, non-negative count"
            )
            if not ctx.skip_bad_rows:
                raise InputError(reason)
            stats.skipped(reason)
        keep &= ~wrong.any(axis=0)
    if not keep.all():
        mat, present, day_f, time_f = mat[:, keep], present[:, keep], day_f[keep], time_f[keep]
    days = day_f.astype(np.int16)
    times = time_f.astype(np.int32)
    result.count("time_not_minute", int((times % 60 != 0).sum()))
    result.count("day_column_mismatch", int((days != times // release.SECONDS_PER_DAY).sum()))
    names = pl.Series("funcID", funcs, dtype=pl.String)
    column = stat if stat is not None else metric
    tag = hashlib.sha1(key.encode()).hexdigest()[:12]
    for day in np.unique(days):
        rows = days == day
        sub, sub_present = mat[:, rows], present[:, rows]
        f_idx, r_idx = np.nonzero(sub_present)  # funcID-major, so pieces come out sorted
        piece = pl.DataFrame(
            {
                "funcID": names.gather(f_idx),
                "time": times[rows][r_idx],
                "value": sub[f_idx, r_idx],
            }
        )
        table = "counts" if is_count else "timeseries"
        group_metric = None if is_count else metric
        path = (
            ctx.scratch
            / table
            / source.region
            / (group_metric or "_")
            / str(day)
            / (f"{column}-{tag}.parquet")
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        piece.write_parquet(path, compression="lz4", statistics=False)
        result.pieces.append((table, column, group_metric, int(day), path))
        result.rows_written += piece.height
    result.count("cells", result.rows_written)
    result.count("minutes", len(times))
    result.bad_rows, result.examples = stats.bad_rows, stats.examples
    return result


def value_columns(table: str) -> tuple[str, ...]:
    return release.STATS if table == "timeseries" else release.COUNT_SERIES


def merge_group(
    warehouse: Path,
    ctx: LoadContext,
    table: str,
    *,
    region: str,
    metric: str | None,
    day: int,
    pieces: dict[str, list[Path]],
) -> tuple[str, int]:
    """Phase 2: stage one partition file with the new pieces merged into what is published.

    A column that has new pieces replaces the published column wholesale (its source was
    re-ingested); other published columns are kept. Returns (relative path, rows).
    """
    spec = TABLES[table]
    keys = {"region": region, "day": day} | ({"metric": metric} if table == "timeseries" else {})
    rel = partition_dir(Path(), table, **keys) / GROUP_FILE
    cols = value_columns(table)
    frames: list[pl.DataFrame] = []
    for col, paths in sorted(pieces.items()):
        f = pl.concat([pl.read_parquet(p) for p in paths]).rename({"value": col})
        if len(paths) > 1 and f.select(pl.struct(_KEYS).is_duplicated().any()).item():
            raise InputError(
                f"two files give {metric + '_' if metric else ''}{col} for {region} day {day}: "
                "ingest only one copy of each day"
            )
        frames.append(f)
    published = warehouse / rel
    if published.exists():
        old = pl.read_parquet(published).drop([c for c in pieces if c in cols])
        rest = [c for c in cols if c in old.columns]
        if rest:
            present = pl.any_horizontal(
                [(pl.col(c) != 0) if table == "counts" else pl.col(c).is_not_null() for c in rest]
            )
            old = old.filter(present)
            if old.height:
                frames.append(old)
    merged = reduce(
        lambda a, b: a.join(b, on=_KEYS, how="full", coalesce=True, nulls_equal=False), frames
    )
    missing = [c for c in cols if c not in merged.columns]
    fill = 0 if table == "counts" else None
    merged = merged.with_columns(pl.lit(fill, dtype=pl.Float64).alias(c) for c in missing)
    if table == "counts":
        merged = merged.with_columns(pl.col(list(cols)).fill_null(0))
    merged = merged.sort(_KEYS)
    rows = write_frame(ctx.staging / rel, merged, spec)
    return rel.as_posix(), rows


def group_pieces(
    results: Iterable[SourceResult],
) -> dict[tuple[str, str, str | None, int], dict[str, list[Path]]]:
    """{(table, region, metric, day): {column: [piece paths]}} over phase-1 results."""
    groups: dict[tuple[str, str, str | None, int], dict[str, list[Path]]] = {}
    for r in results:
        for table, column, metric, day, path in r.pieces:
            region = r.source.region or "_"
            groups.setdefault((table, region, metric, day), {}).setdefault(column, []).append(path)
    return groups

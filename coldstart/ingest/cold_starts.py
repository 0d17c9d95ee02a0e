"""The cold-start table's few files per region (warehouse version 5).

A cold-start source (one release file, ``cold_start/R2/day_5.csv``) is loaded into staged
one-day parts in ``cold_starts/region=R2/_day=5/`` (hidden from readers), as before version 5
it was published in ``day=5/``. At the publish, each region this ingest touched gets its few
files (:func:`publish_region`): the sources one after another in (main day, key) order, each
source's rows in its file's order, one row group per (source, day) — the day is a column, so a
reader's day filter still skips whole row groups — and a new file once one holds about
:data:`~coldstart.ingest.compact.TARGET_FILE_ROWS` rows (a source is never split across files).
The manifest records each source's rows in its file as ``part_rows`` ([start, stop), as for
request packs), so ``coldstart check`` can compare them with the footers, and a re-ingested
source's old rows are left out of the rewrite without reading its CSV again.

Each row gets its function's attributes as it is written (:mod:`coldstart.ingest.attributes`:
cpu_request and the runtime and trigger groups, from the function table the warehouse holds
after this ingest); the staged parts have no group columns. An ingest that changes the
function table rewrites its region's cold starts even without a cold-start source.

If every new day comes after the region's published ones, no published source is re-ingested
and the region has fewer than :data:`~coldstart.ingest.compact.MAX_FOLDER_FILES` files, the
published files stay and the new sources get a file of their own (adding day 30 writes day
30, not the month again). Otherwise the region is written anew from its published files (row
group by row group: memory holds one day, not the region) and the staged days, and the old
files are deleted at commit — in the ingest's one transaction, like everything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from coldstart.errors import InputError
from coldstart.ingest.attributes import FunctionAttributes, attribute_cold_starts
from coldstart.ingest.compact import MAX_FOLDER_FILES, TARGET_FILE_ROWS
from coldstart.ingest.manifest import Manifest
from coldstart.ingest.parts import PartWriter
from coldstart.ingest.publish import Transaction
from coldstart.ingest.results import LoadContext, SourceResult
from coldstart.warehouse import TABLES, partition_dir

TABLE = "cold_starts"


@dataclass
class _Unit:
    """One source's rows, in the order they are written: a published range or staged days."""

    key: str
    day: int
    published: tuple[Path, int, int] | None = None  # (file, start, stop)
    staged: list[Path] = field(default_factory=list)  # one file per day, in day order

    def batches(self) -> Iterator[pa.Table]:
        """One day (or row group) at a time, as stored (published: the table's schema;
        staged: :data:`~coldstart.ingest.attributes.STAGED_COLD_STARTS`'s)."""
        if self.published is not None:
            path, start, stop = self.published
            pf = pq.ParquetFile(path)
            at = 0
            for rg in range(pf.metadata.num_row_groups):
                n = pf.metadata.row_group(rg).num_rows
                lo, hi = max(start, at), min(stop, at + n)
                if lo < hi:
                    yield pf.read_row_group(rg).slice(lo - at, hi - lo)
                at += n
            return
        for path in self.staged:
            yield pq.ParquetFile(path).read()


def publish_cold_starts(
    root: Path,
    ctx: LoadContext,
    txn: Transaction,
    manifest: Manifest,
    results: list[SourceResult],
    *,
    refresh: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Write the region files of every region with a cold-start source in ``results`` (their
    outputs and ``part_rows`` become the region files'; so do the published sources' entries
    when a region is rewritten); the staged one-day parts are deleted. The regions in
    ``refresh`` (a changed function table's) are rewritten even without a new source."""
    by_region: dict[str, list[SourceResult]] = {region: [] for region in refresh}
    for r in results:
        if r.table == TABLE:
            by_region.setdefault(r.source.region or "", []).append(r)
    for region, rs in sorted(by_region.items()):
        publish_region(root, ctx, txn, manifest, region, rs, rewrite=region in refresh)


def publish_region(
    root: Path,
    ctx: LoadContext,
    txn: Transaction,
    manifest: Manifest,
    region: str,
    results: list[SourceResult],
    *,
    rewrite: bool = False,
) -> None:
    """One region's cold-start files; ``rewrite``: write the published rows again too (with
    the attributes of the current function table), never append."""
    folder = partition_dir(Path(), TABLE, region=region)
    redone = {r.key for r in results}
    kept = {
        key: entry
        for key, entry in manifest.sources.items()
        if entry.get("table") == TABLE
        and entry.get("region") == region
        and key not in redone
        and entry.get("part_rows")
    }
    published = [] if ctx.rebuild else sorted((root / folder).glob("[!_.]*.parquet"))
    footers = {f: pq.read_metadata(f) for f in published}  # read once: rows and day stats
    rows_of = {f: meta.num_rows for f, meta in footers.items()}
    old_units = [_published_unit(root, key, entry, rows_of) for key, entry in kept.items()]
    new_units = [
        _Unit(
            r.key,
            r.main_day if r.main_day is not None else 0,
            staged=[ctx.staging / rel for rel in sorted(r.outputs, key=_staged_day)],
        )
        for r in results
        if r.rows_written
    ]
    new_days = [d for r in results for d, n in r.rows_by_day.items() if n]
    replaced_rows = any(manifest.sources.get(k, {}).get("part_rows") for k in redone)
    append = (
        not rewrite
        and bool(published)
        and not replaced_rows
        and bool(new_days)
        and min(new_days) > _last_day(footers)
        and len(published) + 1 <= MAX_FOLDER_FILES
        and {u.published[0] for u in old_units if u.published} == set(published)
    )
    units = new_units if append else [*old_units, *new_units]
    units.sort(key=lambda u: (u.day, u.key))
    functions = ctx.functions if region == ctx.function_region else None
    placed = _write(ctx, folder, units, functions)
    for r in results:
        staged = list(r.outputs)
        r.outputs, r.part_rows = [], {}
        if r.key in placed:
            rel, start, stop = placed[r.key]
            r.outputs, r.part_rows = [rel], {rel: [start, stop]}
        for rel in staged:
            (ctx.staging / rel).unlink(missing_ok=True)
    if append:
        return
    for key, entry in kept.items():
        if key in placed:
            rel, start, stop = placed[key]
            entry["outputs"], entry["part_rows"] = [rel], {rel: [start, stop]}
        else:  # no rows (cannot come from this coldstart's files, but stays consistent)
            entry["outputs"] = []
            entry.pop("part_rows", None)
    for f in published:
        txn.delete(f.relative_to(root).as_posix())


def _staged_day(rel: str) -> int:
    """The day of a staged one-day part (``…/_day=5/part-….parquet``)."""
    return int(Path(rel).parent.name.partition("=")[2])


def _published_unit(root: Path, key: str, entry: dict, rows_of: dict[Path, int]) -> _Unit:
    ranges = entry["part_rows"]
    if len(ranges) != 1:
        raise InputError(
            f"the manifest places {key} in {len(ranges)} cold-start files (this coldstart "
            "writes a source into one): the warehouse was changed outside coldstart; rebuild "
            "it with `coldstart ingest --force`"
        )
    ((rel, (start, stop)),) = ranges.items()
    path = root / rel
    if path not in rows_of or not 0 <= start <= stop <= rows_of[path]:
        raise InputError(
            f"{path}: the manifest places {key} at rows {start}–{stop} of this file, which "
            f"{'has ' + format(rows_of[path], ',') if path in rows_of else 'is missing'}: the "
            "warehouse was changed outside coldstart; rebuild it with `coldstart ingest --force`"
        )
    return _Unit(key, int(entry.get("day") or 0), published=(path, start, stop))


def _last_day(footers: dict[Path, pq.FileMetaData]) -> int:
    """The last day in the files of ``footers``, from the day column's row-group statistics."""
    last = -1
    for f, meta in footers.items():
        col = next(i for i in range(meta.num_columns) if meta.schema.column(i).path == "day")
        for rg in range(meta.num_row_groups):
            stats = meta.row_group(rg).column(col).statistics
            if stats is None or not stats.has_min_max:
                raise InputError(
                    f"{f}: row group {rg} has no day statistics (this coldstart writes them): "
                    "the warehouse was changed outside coldstart; rebuild it with "
                    "`coldstart ingest --force`"
                )
            last = max(last, int(stats.max))
    return last


def _write(
    ctx: LoadContext, folder: Path, units: list[_Unit], functions: FunctionAttributes | None
) -> dict[str, tuple[str, int, int]]:
    """Write ``units`` in order into new staged files of ``folder``, attributed with
    ``functions``; each source's file and rows [start, stop) there."""
    placed: dict[str, tuple[str, int, int]] = {}
    writer: PartWriter | None = None
    rel = ""
    index = 0
    try:
        for unit in units:
            if writer is None or writer.rows >= TARGET_FILE_ROWS:
                if writer is not None:
                    writer.close()
                rel = (folder / f"part-{ctx.batch}-{index}.parquet").as_posix()
                writer = PartWriter(ctx.staging / rel, TABLES[TABLE])
                index += 1
            start = writer.rows
            for batch in unit.batches():
                writer.write_arrow(attribute_cold_starts(batch, functions))
            if writer.rows > start:
                placed[unit.key] = (rel, start, writer.rows)
    finally:
        if writer is not None:
            writer.close()
    return placed

"""The ingest itself, as its steps: plan → load → merge → publish.

1. **plan** (:mod:`coldstart.ingest.plan`): each source's table and logical name; what the
   manifest already holds is skipped.
2. **load**: the function table first (the other loaders join it), then the long tables
   (:mod:`coldstart.ingest.loaders`, small request parts in :mod:`coldstart.ingest.packs`),
   then the per-minute files region-day by region-day (:mod:`coldstart.ingest.timeseries`),
   on the threads of :mod:`coldstart.ingest.schedule`. Everything is written to staging.
3. **admit** (:mod:`coldstart.ingest.identity`): every loaded source is checked against what
   the warehouse and this ingest already hold — identical bytes are skipped, a second source
   for a filled region-day or a re-ingest with fewer rows is refused — before anything of it
   is merged or published.
4. **merge**: each per-minute batch's days, with what is published there (adding to it).
5. **publish** (:mod:`coldstart.ingest.publish`): every cold-start region and per-minute
   folder touched written as a few files (:mod:`coldstart.ingest.cold_starts`,
   :mod:`coldstart.ingest.compact`), the manifest's entries and file row
   counts (:mod:`coldstart.ingest.manifest`), then one atomic commit. Any error before the commit
   leaves the warehouse byte-for-byte as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from coldstart import provenance, release
from coldstart.config import resolve_warehouse
from coldstart.errors import BadRowError, ColdstartError, InputError, OutputError, UsageError
from coldstart.ingest.attributes import FunctionAttributes, requests_note
from coldstart.ingest.cold_starts import TABLE as COLD
from coldstart.ingest.cold_starts import publish_cold_starts
from coldstart.ingest.compact import Segment, compact_folder
from coldstart.ingest.csvread import BLOCK_BYTES, read_header
from coldstart.ingest.identity import Guard
from coldstart.ingest.loaders import load_functions, load_long
from coldstart.ingest.malloc import release_free_memory
from coldstart.ingest.manifest import Manifest, entry_for, entry_pieces, load_manifest
from coldstart.ingest.packs import Pack, carry_over, form_packs, load_pack
from coldstart.ingest.plan import (
    IDENTICAL,
    TODO,
    Planned,
    check_choice,
    check_header,
    detect_table,
    plan_sources,
)
from coldstart.ingest.publish import Transaction, WarehouseLock, recover
from coldstart.ingest.quality import CheckResult, check
from coldstart.ingest.results import GroupKey, LoadContext, SourceResult
from coldstart.ingest.schedule import run_bounded, run_parallel
from coldstart.ingest.series_batches import SeriesMerge, day_hint, expected_groups
from coldstart.ingest.series_batches import cells as series_cells
from coldstart.ingest.sources import discover
from coldstart.ingest.timeseries import load_wide
from coldstart.progress import NullProgress, ProgressSink
from coldstart.warehouse import (
    FUNCTIONS_REGION,
    INGEST_TABLES,
    LOCK_FILE,
    SCHEMA_VERSION,
    STAGING_DIR,
    TABLES,
    data_files,
)

__all__ = ["IngestResult", "detect_table", "ingest"]

DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
# The long tables load on two threads per worker. A thread holds the GIL for part of every
# file (the Python between polars, NumPy and pyarrow calls) and waits on its file; a second
# thread per core fills those gaps (cold starts, `medium`, 2 cores: 1.5 → 1.8 cores busy,
# ≈ +15 % throughput). The per-minute tables keep one thread per worker: their files are wide.
LONG_TABLE_THREADS_PER_WORKER = 2
# ...but a file of several blocks holds ≈ 15 blocks' worth of memory while it loads (read-ahead,
# parsed, derived, being written: ≈ 240 MB at 16 MB blocks), and already keeps more than one
# core busy on its own (read-ahead and writer threads). At most one such file per worker loads
# at a time; smaller files fill the other threads. Worst case on 2 cores: 2 × 240 MB + 2 small
# files × 60 MB + ≈ 150 MB of libraries ≈ 0.75 GB.
BIG_FILE_BYTES = BLOCK_BYTES // 4
# One merge of a per-minute partition holds ~12 bytes per cell of its pieces (a Region 2
# partition of the release: 10 statistics × 2,420 funcIDs × 1,440 minutes, up to 35 M cells,
# ~400 MB with its output slices). Partitions above this size merge one at a time.
BIG_MERGE_CELLS = 4_000_000

_NOT_PUBLISHED = "nothing was published: the warehouse is as it was"
_AFTER_BAD_ROW = (
    f"{_NOT_PUBLISHED}; fix or remove that file (or use --skip-bad-rows to skip and count "
    "malformed rows) and re-run: files already ingested are skipped"
)


@dataclass
class IngestResult:
    """What an ingest did: one row per source found, plus the warehouse's quality summary."""

    warehouse: Path
    sources: pl.DataFrame  # key, table, region, file, status, note
    quality: CheckResult
    recovered: str | None = None

    @property
    def ingested(self) -> int:
        return int((self.sources["status"] == "ingested").sum())

    @property
    def skipped(self) -> int:
        return int((self.sources["status"] == "skipped").sum())

    @property
    def notes(self) -> list[str]:
        """One line per source not ingested for a reason worth saying (same content as …)."""
        return self.sources["note"].drop_nulls().to_list()


@dataclass(frozen=True)
class _Options:
    skip_bad_rows: bool
    force: bool
    replace: bool
    workers: int


def ingest(
    sources: Sequence[str | Path] | str | Path,
    warehouse: str | Path | None = None,
    *,
    tables: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    force: bool = False,
    replace: bool = False,
    skip_bad_rows: bool = False,
    progress: ProgressSink | None = None,
    workers: int = DEFAULT_WORKERS,
) -> IngestResult:
    """Ingest release files (folders, CSVs, zips) into the warehouse, atomically.

    ``tables`` restricts to some of cold_starts, requests, timeseries, functions; ``regions``
    to some of R1…R5. Sources already in the manifest are skipped unless ``force``. Malformed
    rows raise a BadRowError naming file and line unless ``skip_bad_rows``, which drops and
    counts them. A re-ingested source with fewer rows than before is refused unless ``replace``
    (or ``force``); a second, different source for a region-day already filled is refused
    unless ``force``; a source with the same bytes as one already held is skipped (see
    :mod:`coldstart.ingest.identity`). On any error nothing is published. ``workers``: cores to
    use (the long tables run ``LONG_TABLE_THREADS_PER_WORKER`` threads per worker).
    """
    if isinstance(sources, (str, Path)):
        sources = [sources]
    if not sources:
        raise UsageError("no sources given: pass the release folder, zips or CSV files")
    tables = check_choice(tables, INGEST_TABLES, "--tables")
    regions = check_choice(regions, release.REGIONS, "--regions")
    root = resolve_warehouse(warehouse)
    progress = progress or NullProgress()
    options = _Options(skip_bad_rows, force, replace, workers)
    found = discover(sources)
    existed = root.exists()
    with WarehouseLock(root):
        try:
            recovered = recover(root)
            manifest = load_manifest(root, force=force)
            plans = plan_sources(found, manifest, tables, regions, force)
            _execute(root, plans, manifest, options, progress)
        except ColdstartError as exc:
            if not existed:
                _remove_new_warehouse(root)
            if isinstance(exc, BadRowError):
                raise BadRowError(f"{exc} ({_AFTER_BAD_ROW})") from None
            if isinstance(exc, InputError):
                raise InputError(f"{exc} ({_NOT_PUBLISHED})") from None
            raise
        except OSError as exc:
            if not existed:
                _remove_new_warehouse(root)
            raise OutputError(
                f"{root}: cannot write the warehouse: {exc}. Nothing was published."
            ) from None
        except BaseException:
            if not existed:
                _remove_new_warehouse(root)
            raise
    return IngestResult(
        warehouse=root, sources=_summary(plans), quality=check(root), recovered=recovered
    )


def _summary(plans: list[Planned]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "key": p.key,
                "table": p.table,
                "region": p.source.region,
                "file": p.source.display,
                "status": "ingested" if p.status == TODO else p.status,
                "note": p.note,
            }
            for p in plans
        ],
        schema=dict.fromkeys(("key", "table", "region", "file", "status", "note"), pl.String),
    )


def _remove_new_warehouse(root: Path) -> None:
    """A warehouse this ingest created and failed to fill is removed, leaving no trace."""
    leftovers = {p.name for p in root.iterdir()} if root.exists() else set()
    if leftovers <= {LOCK_FILE, STAGING_DIR}:
        shutil.rmtree(root, ignore_errors=True)


def _execute(
    root: Path,
    plans: list[Planned],
    manifest: Manifest,
    options: _Options,
    progress: ProgressSink,
) -> None:
    todo = [p for p in plans if p.status == TODO]
    rebuild = manifest.schema_version != SCHEMA_VERSION  # forced rebuild of an old warehouse
    if not todo and not rebuild:
        return
    txn = Transaction(root)
    try:
        ctx = LoadContext(
            staging=txn.new,
            scratch=txn.scratch,
            skip_bad_rows=options.skip_bad_rows,
            function_region=FUNCTIONS_REGION,
            batch=txn.txn,
        )
        if rebuild:
            ctx.rebuild = True
            for name in TABLES:
                for f in data_files(root, name):
                    txn.delete(f.relative_to(root).as_posix())
            manifest = Manifest()
        guard = Guard(
            manifest, {p.key for p in todo if p.key}, force=options.force, replace=options.replace
        )
        by_key = {p.key: p for p in todo}
        tasks = {
            table: progress.add_task(f"{table:<12}", total=n)
            for table in INGEST_TABLES
            if (n := sum(p.table == table for p in todo))
        }

        def done(p: Planned) -> None:
            progress.advance(tasks[p.table or ""])

        # load (and admit) the function table, the long tables, the per-minute files
        functions = run_parallel([p for p in todo if p.table == "functions"], _loader(ctx), 1, done)
        functions = _admit(guard, functions, by_key, ctx)
        before, ctx.functions = _function_tables(root, functions, ctx)
        ctx.function_requests = ctx.functions.requests if ctx.functions else None
        by_size = sorted(todo, key=lambda p: -p.source.size)  # big first: threads busy to the end
        long = _load_long_tables(
            [p for p in by_size if p.table in ("cold_starts", "requests")],
            ctx,
            options,
            progress,
            tasks,
        )
        long = _admit(guard, long, by_key, ctx)
        # A region's few cold-start files are staged now, before the per-minute merges: they
        # read a day at a time, but pyarrow's pool keeps what they read, and at the end of the
        # ingest that came on top of the merges' high-water mark (medium: 1.09 GB).
        # A changed function table: its region's cold starts are written again with its values.
        refresh = {r.source.region or ctx.function_region for r in functions}
        publish_cold_starts(root, ctx, txn, manifest, long, refresh=refresh)
        release_free_memory()  # the long tables' leftovers must not add to the merges' peak
        series, merges = _load_series(
            root,
            ctx,
            [p for p in by_size if p.table == "timeseries"],
            _series_drops(manifest, set(by_key)),
            guard,
            by_key,
            options.workers,
            progress,
            done,
        )
        # publish
        _replace_outputs(root, txn, manifest, [*functions, *(r for r in long if r.table != COLD)])
        _compact_series(root, ctx, txn, merges)
        for r in [*functions, *long, *series]:
            outputs = [] if r.table == "timeseries" else r.outputs
            manifest.sources[r.key] = entry_for(r, outputs)
            if r.rows_read == 0:  # a cut-off download or extraction looks like this: say so
                by_key[r.key].note = (
                    f"{r.source.display}: no data rows (empty file); recorded with 0 rows, "
                    "a changed copy under this name is ingested on a later run"
                )
        if functions and ctx.functions is not None and not ctx.functions.same_requests(before):
            _note_stale_requests(manifest, functions, by_key, ctx.function_region)
        _record_files(root, txn, manifest)
        provenance.stage_record(root, txn.new, manifest.sources)  # synthetic or release
        txn.commit(manifest.to_json())
    except BaseException:
        txn.abort()
        raise


def _loader(ctx: LoadContext) -> Callable[[Planned], SourceResult]:
    return lambda p: _load_one(p, ctx)


def _load_one(plan: Planned, ctx: LoadContext) -> SourceResult:
    s = plan.source
    assert plan.table is not None
    assert plan.key is not None
    with s.open() as fh:
        header = read_header(fh, s.display)
        if not header:
            return SourceResult(source=s, table=plan.table, key=plan.key)
        table = check_header(s, plan.table, header)
        if table == "functions":
            return load_functions(s, fh, plan.key, ctx)
        if table == "timeseries":
            return load_wide(s, header, fh, plan.key, ctx)
        return load_long(s, table, fh, plan.key, ctx)


def _admit(
    guard: Guard, results: list[SourceResult], by_key: dict[str | None, Planned], ctx: LoadContext
) -> list[SourceResult]:
    """The results the guard lets through (in key order, so the outcome does not depend on
    thread timing); a skipped one's staged files and pieces are deleted, its plan says why."""
    kept = []
    for r in sorted(results, key=lambda r: r.key):
        note = guard.admit(r)
        if note is None:
            kept.append(r)
            continue
        plan = by_key[r.key]
        plan.status, plan.note = IDENTICAL, note
        _discard(r, results, ctx)
    return kept


def _discard(r: SourceResult, results: list[SourceResult], ctx: LoadContext) -> None:
    """Take a skipped source's rows out of staging: its own files and pieces are deleted, a
    pack part it shares is rewritten with the other sources' rows (their ranges updated)."""
    for rel in r.outputs:
        staged = ctx.staging / rel
        others = [o for o in results if o is not r and rel in o.part_rows]
        if not others:
            staged.unlink(missing_ok=True)
            continue
        rewritten = staged.with_name(staged.name + ".tmp")
        kept = {o.key: o.part_rows[rel] for o in others}
        ranges = carry_over(staged, rewritten, r.table, kept)
        os.replace(rewritten, staged)
        for o in others:
            o.part_rows[rel] = ranges[o.key]
    for ref in r.pieces:
        ref.piece.discard()
    r.outputs, r.part_rows, r.pieces = [], {}, []


def _note_stale_requests(
    manifest: Manifest, functions: list[SourceResult], by_key: dict[str, Planned], region: str
) -> None:
    """Say which per-request sources keep the cpu_request of an earlier function table."""
    kept = [
        key
        for key, entry in manifest.sources.items()
        if entry.get("table") == "requests" and entry.get("region") == region and key not in by_key
    ]
    if kept:
        plan = by_key[functions[0].key]
        plan.note = "; ".join(filter(None, [plan.note, requests_note(region, len(kept))]))


def _function_tables(
    root: Path, staged: list[SourceResult], ctx: LoadContext
) -> tuple[FunctionAttributes | None, FunctionAttributes | None]:
    """The function table published before this ingest and the one the warehouse holds after
    it (the one staged now, else the published one)."""
    published = FunctionAttributes.read([] if ctx.rebuild else data_files(root, "functions"))
    files = [ctx.staging / o for r in staged for o in r.outputs]
    return published, FunctionAttributes.read(files) if files else published


def _load_long_tables(
    plans: list[Planned],
    ctx: LoadContext,
    options: _Options,
    progress: ProgressSink,
    tasks: dict[str, int],
) -> list[SourceResult]:
    """Cold starts and requests: small request parts in packs, everything else one by one;
    big work first (packs are about as big as a block)."""
    by_key = {p.key: p for p in plans}
    packs, alone = form_packs((p.table, p.source, p.key) for p in plans)
    work: list[Planned | Pack] = [*packs, *(by_key[c.key] for c in alone)]
    work.sort(key=lambda w: -(w.size if isinstance(w, Pack) else w.source.size))

    def load(item: Planned | Pack) -> list[SourceResult]:
        if isinstance(item, Planned):
            return [_load_one(item, ctx)]
        got = load_pack(item, ctx, lambda s, header: check_header(s, item.table, header))
        if got is not None:
            return got
        # Not plain (load_pack staged nothing): one by one, which names the bad rows or skips
        # and counts them.
        return [_load_one(by_key[m.key], ctx) for m in item.members]

    out: list[SourceResult] = []
    for got in run_bounded(
        work,
        load,
        threads=options.workers * LONG_TABLE_THREADS_PER_WORKER,
        is_big=lambda w: isinstance(w, Planned) and w.source.size > BIG_FILE_BYTES,
        big_slots=options.workers,
        on_done=lambda w: progress.advance(
            tasks[w.table or ""], len(w.members) if isinstance(w, Pack) else 1
        ),
    ):
        out += got
    return out


def _replace_outputs(
    root: Path, txn: Transaction, manifest: Manifest, results: list[SourceResult]
) -> None:
    """Delete the published files that re-ingested long-table sources no longer write.

    A part shared by a pack (see coldstart.ingest.packs) is deleted only if all the sources in
    it were re-ingested; otherwise it is rewritten with the rows of the others, whose manifest
    entries get their new row ranges.
    """
    redone = {r.key for r in results}
    losing: set[str] = set()
    for r in results:
        old = manifest.sources.get(r.key, {})
        for rel in set(old.get("outputs", [])) - set(r.outputs):
            if rel in old.get("part_rows", {}):
                losing.add(rel)
            else:
                txn.delete(rel)
    for rel in sorted(losing):
        kept = {
            key: entry["part_rows"][rel]
            for key, entry in manifest.sources.items()
            if key not in redone and rel in entry.get("part_rows", {})
        }
        if not kept:
            txn.delete(rel)
            continue
        table = next(manifest.sources[k]["table"] for k in kept)
        for key, rows in carry_over(root / rel, txn.new / rel, table, kept).items():
            manifest.sources[key]["part_rows"][rel] = rows


def _series_drops(manifest: Manifest, replacing: set[str]) -> dict[GroupKey, frozenset[str]]:
    """The published per-minute columns whose cells all come from sources re-ingested now:
    dropped before the merge adds the new cells. A column that also holds cells of a source
    not re-ingested cannot be split by source: InputError (re-ingest them together)."""
    holders: dict[tuple[str, str], set[str]] = {}
    for key, entry in manifest.sources.items():
        if entry.get("table") == "timeseries":
            for piece in entry_pieces(key, entry):
                holders.setdefault((piece.partition, piece.column), set()).add(key)
    drops: dict[GroupKey, set[str]] = {}
    for (partition, column), keys in sorted(holders.items()):
        redone = keys & replacing
        if not redone:
            continue
        others = keys - replacing
        if others:
            raise InputError(
                f"{partition} column {column} holds cells of {min(redone)}, re-ingested now, "
                f"and of {min(others)}, which is not: give both files to re-ingest them together"
            )
        drops.setdefault(GroupKey.of_partition(partition), set()).add(column)
    return {k: frozenset(v) for k, v in drops.items()}


def _load_series(
    root: Path,
    ctx: LoadContext,
    plans: list[Planned],
    drops: dict[GroupKey, frozenset[str]],
    guard: Guard,
    by_key: dict[str | None, Planned],
    workers: int,
    progress: ProgressSink,
    done: Callable[[Planned], None],
) -> tuple[list[SourceResult], SeriesMerge]:
    """Load the per-minute files region by region and day by day, admitting each batch and
    merging its partitions before the next (coldstart.ingest.series_batches), each merged day
    written into its folder's staged files as it comes; returns the results and the merges."""
    state = SeriesMerge(root, ctx, drops=drops)
    if not plans and not drops:
        return [], state
    gtask = progress.add_task("merge series", total=len(expected_groups(plans)) or len(drops))
    batches: dict[tuple[str, int | None], list[Planned]] = {}
    for p in plans:
        batches.setdefault((p.source.region or "_", day_hint(p.source.basename)), []).append(p)

    def run_merges(items: list, fn: Callable) -> None:  # type: ignore[type-arg]
        outs = run_bounded(
            items,
            fn,
            threads=workers,
            is_big=lambda item: series_cells(item) > BIG_MERGE_CELLS,
            big_slots=1,
            on_done=lambda _: progress.advance(gtask),
        )
        for (key, _), out in zip(items, outs, strict=True):
            state.merged[key] = out

    results: list[SourceResult] = []
    for region, day in sorted(batches, key=lambda b: (b[1] is None, b[0], b[1] or 0)):
        batch = sorted(batches[(region, day)], key=lambda p: -p.source.size)  # big first
        got = _admit(guard, run_parallel(batch, _loader(ctx), workers, done), by_key, ctx)
        results += got
        state.add(got)
        if day is not None:
            run_merges(state.take_region_day(region, day), state.merge)
            release_free_memory()  # a region-day's merges are freed before the next loads
    state.close_streams()  # from here on, merges come out of day order: held for the publish
    run_merges(state.take_rest(), state.merge)  # days no file is named after
    run_merges(state.take_late(), state.combine)
    return results, state


def _compact_series(root: Path, ctx: LoadContext, txn: Transaction, state: SeriesMerge) -> None:
    """Every per-minute folder this ingest touched, staged anew as a few files (its untouched
    days copied, the merged ones in their place: coldstart.ingest.compact); its published
    files are deleted at commit. A folder whose days were all streamed in day order while
    merging is staged already; one with days merged out of order is compacted once more."""
    folders: dict[tuple[str, str], dict[int, Segment | None]] = {}
    for key, m in state.merged.items():
        held = folders.setdefault((key.table, key.folder), {})
        if not m.streamed:
            held[key.day] = m.segment
    for (table, folder), segments in sorted(folders.items()):
        stream = state.streams.get(folder)
        if stream is not None and not segments:
            replaced = stream.replaced()
        else:
            replaced = compact_folder(root, ctx, table, folder, segments, stream).replaced
        for rel in replaced:
            txn.delete(rel)


def _record_files(root: Path, txn: Transaction, manifest: Manifest) -> None:
    """The manifest's row count of every data file after this publish, and the per-minute
    sources' outputs (their partitions' files, which merges rename)."""
    files = dict(manifest.files) if manifest.files is not None else _scan_rows(root)
    for rel in txn.deletes:
        files.pop(rel, None)
    for rel in txn.staged():
        files[rel] = pq.read_metadata(txn.new / rel).num_rows
    manifest.files = dict(sorted(files.items()))
    current: dict[str, list[str]] = {}
    for rel in files:
        if rel.startswith(("timeseries/", "counts/")):
            current.setdefault(rel.rsplit("/", 1)[0], []).append(rel)
    for key, entry in manifest.sources.items():
        if entry.get("table") == "timeseries":
            folders = {GroupKey.of_partition(p.partition).folder for p in entry_pieces(key, entry)}
            entry["outputs"] = sorted(rel for f in folders for rel in current.get(f, []))


def _scan_rows(root: Path) -> dict[str, int]:
    """Rows of every published data file, from the footers (a manifest of coldstart 0.2 does
    not list them)."""
    return {
        f.relative_to(root).as_posix(): pq.read_metadata(f).num_rows
        for name in TABLES
        for f in data_files(root, name)
    }

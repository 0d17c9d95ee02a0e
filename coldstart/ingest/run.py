"""The ingest itself: plan sources, load them in parallel, merge, publish, summarise."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from coldstart import release
from coldstart.config import resolve_warehouse
from coldstart.errors import ColdstartError, InputError, OutputError, UsageError
from coldstart.ingest.csvread import BLOCK_BYTES, read_header
from coldstart.ingest.loaders import (
    EXPECTED_COLUMNS,
    LoadContext,
    SourceResult,
    load_functions,
    load_long,
)
from coldstart.ingest.malloc import keep_freed_memory
from coldstart.ingest.manifest import Manifest, load_manifest
from coldstart.ingest.packs import Pack, carry_over, form_packs, load_pack
from coldstart.ingest.publish import Transaction, WarehouseLock, recover
from coldstart.ingest.quality import CheckResult, check
from coldstart.ingest.series_batches import (
    GroupKey,
    SeriesMerge,
    day_hint,
    expected_groups,
)
from coldstart.ingest.series_batches import cells as series_cells
from coldstart.ingest.sources import Source, discover
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

_AFTER_FAILURE = (
    "Nothing was published: the warehouse is as it was. Fix or remove that file (or use "
    "--skip-bad-rows to skip malformed rows) and re-run; files already ingested are skipped."
)


@dataclass
class IngestResult:
    """What an ingest did: one row per source found, plus the warehouse's quality summary."""

    warehouse: Path
    sources: pl.DataFrame  # key, table, region, file, status, rows_read, rows_written, bad_rows
    quality: CheckResult
    recovered: str | None = None

    @property
    def ingested(self) -> int:
        return int((self.sources["status"] == "ingested").sum())

    @property
    def skipped(self) -> int:
        return int((self.sources["status"] == "skipped").sum())


@dataclass
class _Planned:
    source: Source
    table: str | None
    key: str | None
    status: str  # "todo", "skipped" (already in the warehouse), "filtered", "duplicate", "empty"


def _check_choice(
    values: Sequence[str] | None, allowed: Iterable[str], option: str
) -> list[str] | None:
    if values is None:
        return None
    allowed = list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise UsageError(
            f"{option}: unknown value {unknown[0]!r}; choose from {', '.join(allowed)}"
        )
    return list(values)


def detect_table(header: list[str], display: str) -> str:
    """The ingest table a CSV belongs to, from its header; InputError naming both otherwise."""
    for table, cols in EXPECTED_COLUMNS.items():
        if header == list(cols):
            return table
    if header[:2] == list(release.TIMESERIES_KEY_COLUMNS):
        return "timeseries"
    expected = "\n".join(f"    {t}: {','.join(c)}" for t, c in EXPECTED_COLUMNS.items())
    found = ",".join(header[:20]) + (f",… ({len(header)} columns)" if len(header) > 20 else "")
    raise InputError(
        f"{display}: the header matches no table of the release.\n  found: {found}\n"
        f"  expected one of:\n{expected}\n    timeseries: day,time,<funcID>,…"
    )


def _plan(
    found: list[Source],
    manifest: Manifest,
    tables: list[str] | None,
    regions: list[str] | None,
    force: bool,
) -> list[_Planned]:
    plans: list[_Planned] = []
    seen: set[str] = set()
    for s in found:
        if regions is not None and s.region is not None and s.region not in regions:
            plans.append(_Planned(s, s.table, None, "filtered"))
            continue
        table = s.table
        if table is None:
            with s.open() as fh:
                header = read_header(fh, s.display)
            if not header:
                plans.append(_Planned(s, None, None, "empty"))
                continue
            table = detect_table(header, s.display)
        if tables is not None and table not in tables:
            plans.append(_Planned(s, table, None, "filtered"))
            continue
        if s.region is None:
            raise InputError(
                f"{s.display}: cannot tell which region this file is from: keep it under a "
                "folder (or zip) named R1…R5, e.g. cold_start/R1/day_0.csv"
            )
        if regions is not None and s.region not in regions:
            plans.append(_Planned(s, table, None, "filtered"))
            continue
        if table == "timeseries" and s.series is None:
            raise InputError(
                f"{s.display}: a per-minute file must sit in its metric folder (e.g. "
                "quantiles/R1/cpu_usage_avg/day_0.csv) so its metric is known"
            )
        key = s.key(table)
        if key in seen:
            plans.append(_Planned(s, table, key, "duplicate"))
            continue
        seen.add(key)
        status = "todo" if force or not manifest.is_current(key, s) else "skipped"
        plans.append(_Planned(s, table, key, status))
    return plans


def _check_header(source: Source, planned: str, header: list[str]) -> str:
    """The header's table, which must be the one the file was planned as (from its folder)."""
    table = detect_table(header, source.display)
    if table != planned:
        raise InputError(
            f"{source.display}: its folder says {planned} but its header is that of {table}"
        )
    return table


def _load_one(plan: _Planned, ctx: LoadContext) -> SourceResult:
    s = plan.source
    assert plan.table is not None
    assert plan.key is not None
    with s.open() as fh:
        header = read_header(fh, s.display)
        if not header:
            return SourceResult(source=s, table=plan.table, key=plan.key)
        table = _check_header(s, plan.table, header)
        if table == "functions":
            return load_functions(s, fh, plan.key, ctx)
        if table == "timeseries":
            return load_wide(s, header, fh, plan.key, ctx)
        return load_long(s, table, fh, plan.key, ctx)


def _function_requests(
    root: Path, staged: list[SourceResult], ctx: LoadContext
) -> pl.DataFrame | None:
    """funcID → cpu_request from the function table staged now, else the published one."""
    files = [ctx.staging / o for r in staged for o in r.outputs]
    if not files:
        files = data_files(root, "functions")
    if not files:
        return None
    # One row per funcID (the last wins, should the table list one twice), so the loaders'
    # join by funcID can never multiply rows.
    return (
        pl.concat([pl.read_parquet(f, columns=["funcID", "cpu_request"]) for f in files])
        .drop_nulls()
        .unique("funcID", keep="last", maintain_order=True)
    )


def _run_parallel(
    items: list[Any], fn: Callable[[Any], Any], workers: int, on_done: Callable[[Any], None]
) -> list[Any]:
    """Run ``fn`` over ``items`` on ``workers`` threads; the first error cancels the rest."""
    if workers <= 1 or len(items) <= 1:
        out = []
        for it in items:
            out.append(fn(it))
            on_done(it)
        return out
    results: list[Any] = [None] * len(items)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: list[Future[Any]] = [pool.submit(fn, it) for it in items]
        try:
            for i, fut in enumerate(futures):
                results[i] = fut.result()
                on_done(items[i])
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return results


def _run_bounded(
    items: list[Any],
    fn: Callable[[Any], Any],
    *,
    threads: int,
    is_big: Callable[[Any], bool],
    big_slots: int,
    on_done: Callable[[Any], None],
) -> list[Any]:
    """Like :func:`_run_parallel`, but at most ``big_slots`` big items run at once, and a thread
    takes small work rather than wait for a big slot. Results in the order of ``items``; the
    first error stops the threads (each finishes the item it is on) and is raised here."""
    if threads <= 1 or len(items) <= 1:
        return _run_parallel(items, fn, 1, on_done)
    bigs = deque(i for i, it in enumerate(items) if is_big(it))
    smalls = deque(i for i, it in enumerate(items) if not is_big(it))
    lock = threading.Lock()
    slots = threading.Semaphore(big_slots)
    stop = threading.Event()
    finished: queue.SimpleQueue[tuple[int, BaseException | None]] = queue.SimpleQueue()
    results: list[Any] = [None] * len(items)

    def take() -> tuple[int | None, bool]:
        with lock:
            if bigs and slots.acquire(blocking=False):
                return bigs.popleft(), True
            if smalls:
                return smalls.popleft(), False
            if not bigs:
                return None, False
        slots.acquire()  # only big work is left: wait for a slot
        with lock:
            if bigs:
                return bigs.popleft(), True
        slots.release()
        return None, False

    def work() -> None:
        while not stop.is_set():
            i, big = take()
            if i is None:
                return
            try:
                results[i] = fn(items[i])
            except BaseException as exc:  # handed to the caller's thread
                stop.set()
                finished.put((i, exc))
                return
            finally:
                if big:
                    slots.release()
            finished.put((i, None))

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ingest") as pool:
        for _ in range(threads):
            pool.submit(work)
        try:
            for _ in items:
                while True:
                    try:
                        i, exc = finished.get(timeout=0.2)  # a timeout keeps Ctrl-C responsive
                        break
                    except queue.Empty:
                        continue
                if exc is not None:
                    raise exc
                on_done(items[i])
        finally:
            stop.set()
    return results


def ingest(
    sources: Sequence[str | Path] | str | Path,
    warehouse: str | Path | None = None,
    *,
    tables: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    force: bool = False,
    skip_bad_rows: bool = False,
    progress: ProgressSink | None = None,
    workers: int = DEFAULT_WORKERS,
) -> IngestResult:
    """Ingest release files (folders, CSVs, zips) into the warehouse, atomically.

    ``tables`` restricts to some of cold_starts, requests, timeseries, functions; ``regions``
    to some of R1…R5. Sources already in the manifest are skipped unless ``force``. Malformed
    rows raise an InputError naming file and line unless ``skip_bad_rows``, which drops and
    counts them. On any error nothing is published. ``workers``: cores to use (the long tables
    run ``LONG_TABLE_THREADS_PER_WORKER`` threads per worker).
    """
    if isinstance(sources, (str, Path)):
        sources = [sources]
    if not sources:
        raise UsageError("no sources given: pass the release folder, zips or CSV files")
    tables = _check_choice(tables, INGEST_TABLES, "--tables")
    regions = _check_choice(regions, release.REGIONS, "--regions")
    root = resolve_warehouse(warehouse)
    progress = progress or NullProgress()
    keep_freed_memory()  # see coldstart.ingest.malloc: ~10-25 % less time on the wide files
    found = discover(sources)
    existed = root.exists()
    with WarehouseLock(root):
        try:
            recovered = recover(root)
            manifest = load_manifest(root, force=force)
            plans = _plan(found, manifest, tables, regions, force)
            _execute(
                root,
                plans,
                manifest,
                skip_bad_rows=skip_bad_rows,
                progress=progress,
                workers=workers,
            )
        except ColdstartError as exc:
            if not existed:
                _remove_new_warehouse(root)
            if isinstance(exc, InputError):
                raise InputError(f"{exc}\n{_AFTER_FAILURE}") from None
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
    table = pl.DataFrame(
        [
            {
                "key": p.key,
                "table": p.table,
                "region": p.source.region,
                "file": p.source.display,
                "status": "ingested" if p.status == "todo" else p.status,
            }
            for p in plans
        ],
        schema={
            "key": pl.String,
            "table": pl.String,
            "region": pl.String,
            "file": pl.String,
            "status": pl.String,
        },
    )
    return IngestResult(warehouse=root, sources=table, quality=check(root), recovered=recovered)


def _remove_new_warehouse(root: Path) -> None:
    """A warehouse this ingest created and failed to fill is removed, leaving no trace."""
    leftovers = {p.name for p in root.iterdir()} if root.exists() else set()
    if leftovers <= {LOCK_FILE, STAGING_DIR}:
        shutil.rmtree(root, ignore_errors=True)


def _execute(
    root: Path,
    plans: list[_Planned],
    manifest: Manifest,
    *,
    skip_bad_rows: bool,
    progress: ProgressSink,
    workers: int,
) -> None:
    todo = [p for p in plans if p.status == "todo"]
    rebuild = manifest.schema_version != SCHEMA_VERSION  # forced rebuild of an old warehouse
    if not todo and not rebuild:
        return
    txn = Transaction(root)
    try:
        ctx = LoadContext(
            staging=txn.new,
            scratch=txn.scratch,
            skip_bad_rows=skip_bad_rows,
            function_region=FUNCTIONS_REGION,
        )
        if rebuild:
            for name in TABLES:
                for f in data_files(root, name):
                    txn.delete(f.relative_to(root).as_posix())
            manifest = Manifest()
        tasks: dict[str, int] = {}
        for table in INGEST_TABLES:
            n = sum(p.table == table for p in todo)
            if n:
                tasks[table] = progress.add_task(f"{table:<12}", total=n)

        def done(p: _Planned) -> None:
            progress.advance(tasks[p.table or ""])

        fn_plans = [p for p in todo if p.table == "functions"]
        results = _run_parallel(fn_plans, lambda p: _load_one(p, ctx), 1, done)
        ctx.function_requests = _function_requests(root, results, ctx)
        # Big files first keeps every thread busy until the end.
        by_size = sorted(todo, key=lambda p: -p.source.size)
        long = _long_work([p for p in by_size if p.table in ("cold_starts", "requests")])
        for got in _run_bounded(
            long,
            lambda item: _load_long_item(item, ctx),
            threads=workers * LONG_TABLE_THREADS_PER_WORKER,
            is_big=lambda item: isinstance(item, _Planned) and item.source.size > BIG_FILE_BYTES,
            big_slots=workers,
            on_done=lambda item: progress.advance(
                tasks[item.table or ""], len(item.members) if isinstance(item, Pack) else 1
            ),
        ):
            results += got
        wide = [p for p in by_size if p.table == "timeseries"]
        got, merged = _load_series(root, ctx, wide, workers=workers, progress=progress, done=done)
        results += got

        _replace_outputs(root, txn, manifest, [r for r in results if r.table != "timeseries"])
        for r in results:
            outputs = r.outputs
            if r.table == "timeseries":
                outputs = sorted({merged[(t, r.source.region, m, d)] for t, _, m, d, _ in r.pieces})
            manifest.sources[r.key] = {
                "table": r.table,
                "region": r.source.region,
                "container": str(r.source.container),
                "member": r.source.member,
                "size": r.source.size,
                "stamp": r.source.stamp,
                "rows_read": r.rows_read,
                "rows_written": r.rows_written,
                "bad_rows": r.bad_rows,
                "bad_row_examples": r.examples,
                "counters": r.counters,
                "outputs": outputs,
                **({"part_rows": r.part_rows} if r.part_rows else {}),
            }
        txn.commit(manifest.to_json())
    except BaseException:
        txn.abort()
        raise


def _long_work(plans: list[_Planned]) -> list[_Planned | Pack]:
    """The long tables' work: small request parts in packs, everything else one by one; big
    work first (packs are about as big as a block)."""
    by_key = {p.key: p for p in plans}
    packs, alone = form_packs((p.table or "", p.source, p.key or "") for p in plans)
    work: list[_Planned | Pack] = [*packs, *(by_key[key] for _, _, key in alone)]
    return sorted(work, key=lambda w: -(w.size if isinstance(w, Pack) else w.source.size))


def _load_long_item(item: _Planned | Pack, ctx: LoadContext) -> list[SourceResult]:
    if isinstance(item, _Planned):
        return [_load_one(item, ctx)]
    got = load_pack(item, ctx, lambda s, header: _check_header(s, item.table, header))
    if got is not None:
        return got
    # Not plain (load_pack staged nothing): one by one, which names the bad rows or skips and
    # counts them.
    return [_load_one(_Planned(s, item.table, key, "todo"), ctx) for s, key in item.members]


def _replace_outputs(
    root: Path, txn: Transaction, manifest: Manifest, results: list[SourceResult]
) -> None:
    """Delete the published files that re-ingested sources no longer write, at commit.

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


def _load_series(
    root: Path,
    ctx: LoadContext,
    plans: list[_Planned],
    *,
    workers: int,
    progress: ProgressSink,
    done: Callable[[_Planned], None],
) -> tuple[list[SourceResult], dict[GroupKey, str]]:
    """Load the per-minute files region by region and day by day, merging each batch's
    partitions before the next (coldstart.ingest.series_batches); returns the results and the
    staged file of every partition."""
    if not plans:
        return [], {}
    state = SeriesMerge(root, ctx)
    gtask = progress.add_task("merge series", total=len(expected_groups(plans)))
    batches: dict[tuple[str, int | None], list[_Planned]] = {}
    for p in plans:
        batches.setdefault((p.source.region or "_", day_hint(p.source.basename)), []).append(p)

    def run_merges(items: list[Any], fn: Callable[[Any], str]) -> None:
        rels = _run_bounded(
            items,
            fn,
            threads=workers,
            is_big=lambda item: series_cells(item) > BIG_MERGE_CELLS,
            big_slots=1,
            on_done=lambda _: progress.advance(gtask),
        )
        for (key, _), rel in zip(items, rels, strict=True):
            state.merged[key] = rel

    results: list[SourceResult] = []
    for region, day in sorted(batches, key=lambda b: (b[1] is None, b[0], b[1] or 0)):
        batch = sorted(batches[(region, day)], key=lambda p: -p.source.size)  # big first
        got = _run_parallel(batch, lambda p: _load_one(p, ctx), workers, done)
        results += got
        state.add(got)
        if day is not None:
            run_merges(state.take(lambda k, r=region, d=day: k[1] == r and k[3] == d), state.merge)
    run_merges(state.take(lambda _: True), state.merge)  # days no file is named after
    run_merges(state.take_late(), state.combine)
    return results, state.merged

"""Orchestrate a synthetic release: regions in parallel, atomic publish, optional zips.

The tree is built under a hidden staging folder inside DEST and renamed into place only when
complete, so an interrupted run, a full disk or an unwritable DEST never leaves a
half-written ``cold_start_dataset`` that looks finished.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from coldstart import provenance, release
from coldstart.errors import OutputError, UsageError
from coldstart.progress import NullProgress, ProgressSink
from coldstart.synth import calibration as cal
from coldstart.synth.metrics import resolve_metrics
from coldstart.synth.population import build_population
from coldstart.synth.presets import Preset, get_preset
from coldstart.synth.simulate import RegionSimulator
from coldstart.synth.writer import RegionWriter

DATASET_DIR = "cold_start_dataset"
MANIFEST = "synth_manifest.json"
GENERATOR_VERSION = 2  # 2: all 16 metrics, the real trace's shape (issue 14)
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


@dataclass
class SynthSummary:
    dest: str
    dataset: str
    preset: str
    seed: int
    regions: list[str]
    days: int
    as_zip: bool
    metrics: list[str] = field(default_factory=lambda: list(release.METRICS))
    generator_version: int = GENERATOR_VERSION
    per_region: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def cold_starts(self) -> int:
        return sum(r["cold_starts"] for r in self.per_region.values())

    @property
    def request_rows(self) -> int:
        return sum(r["request_rows"] for r in self.per_region.values())


def _validate(regions: Sequence[str] | None, days: int | None) -> tuple[list[str], int]:
    regs = list(regions) if regions else list(release.REGIONS)
    bad = [r for r in regs if r not in release.REGIONS]
    if bad:
        raise UsageError(f"unknown region {bad[0]!r}; valid regions: {', '.join(release.REGIONS)}")
    if len(set(regs)) != len(regs):
        raise UsageError(f"region listed twice in {','.join(regs)}")
    n_days = release.N_DAYS if days is None else int(days)
    if not 1 <= n_days <= release.N_DAYS:
        raise UsageError(f"--days must be between 1 and {release.N_DAYS}, got {n_days}")
    return regs, n_days


def generate_region(
    root: Path,
    region: str,
    preset: Preset,
    seed: int,
    n_days: int,
    progress_q: queue.SimpleQueue[tuple[str, int]] | None = None,
    cancel: threading.Event | None = None,
    metrics: tuple[str, ...] = release.METRICS,
) -> dict[str, int]:
    """Simulate and write one region (runs in a worker thread).

    Reports one step per day on ``progress_q``; stops at the next chunk once ``cancel`` is set.
    """
    ridx = release.REGIONS.index(region)
    rng = np.random.default_rng(np.random.SeedSequence([seed, ridx]))
    prof = cal.REGION_PROFILES[region]
    pop = build_population(
        region, preset.functions[region], preset.day_requests * prof.request_share, n_days, rng
    )
    request_day = n_days - 1
    sim = RegionSimulator(
        pop,
        rng,
        n_days,
        pod_serial0=(ridx + 1) * 10**8 + int(rng.integers(0, 10**7)),
        metrics=metrics,
        field_seed=(seed, ridx, 7),
        request_day=request_day,
    )
    writer = RegionWriter(root, pop, preset.request_parts, rng, metrics)
    for day in range(n_days):
        writer.open_day(day)
        for m0 in range(
            day * release.MINUTES_PER_DAY, (day + 1) * release.MINUTES_PER_DAY, preset.chunk_minutes
        ):
            if cancel is not None and cancel.is_set():
                raise _CancelledError
            res = sim.run_chunk(m0, m0 + preset.chunk_minutes)
            writer.write_chunk(day, res, request_day=day == request_day)
            del res  # else the next chunk is simulated while this one is still held
        writer.close_day()
        if progress_q is not None:
            progress_q.put((region, 1))
    writer.write_requests()
    if region == "R2":
        writer.write_function_table()
    if progress_q is not None:
        progress_q.put((region, 1))  # type: ignore[attr-defined]
    return {"functions": pop.n, "pods": sim.next_pod - sim.pod_serial0, **writer.counts}


def generate(
    dest: str | os.PathLike[str],
    preset: str = "tiny",
    seed: int = 0,
    regions: Sequence[str] | None = None,
    days: int | None = None,
    as_zip: bool = False,
    force: bool = False,
    progress: ProgressSink | None = None,
    workers: int | None = None,
    metrics: Sequence[str] | None = None,
) -> SynthSummary:
    """Write a synthetic, release-shaped trace to ``dest/cold_start_dataset``.

    Same arguments, same bytes. ``days`` < 31 writes days 0..days-1 and puts the request
    table on the last of them (the release's request table is its last day, day 30).
    ``metrics`` restricts the per-minute statistics to those metrics (``[]``: the three count
    series only), for speed; the events and every other file are the same bytes as with all
    16 metrics.
    """
    p = get_preset(preset)
    metric_list = resolve_metrics(None if metrics is None else list(metrics))
    regs, n_days = _validate(regions, days)
    dest_path = Path(dest)
    progress = progress or NullProgress()
    if dest_path.exists() and not dest_path.is_dir():
        raise OutputError(f"{dest_path} exists and is not a directory")
    if dest_path.is_dir() and any(dest_path.iterdir()) and not force:
        raise OutputError(f"{dest_path} is not empty; pass --force to replace its synthetic trace")
    try:
        dest_path.mkdir(parents=True, exist_ok=True)
        staging = dest_path / f".synth-staging-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        root = staging / DATASET_DIR
        root.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"cannot write to {dest_path}: {exc.strerror or exc}") from None
    provenance.write_marker(root, generator_version=GENERATOR_VERSION, preset=p.name, seed=seed)

    summary = SynthSummary(
        dest=str(dest_path),
        dataset=str(dest_path / DATASET_DIR),
        preset=p.name,
        seed=seed,
        regions=regs,
        days=n_days,
        as_zip=as_zip,
        metrics=list(metric_list),
    )
    try:
        summary.per_region = _run_regions(
            root, regs, p, seed, n_days, progress, workers, metric_list
        )
        if as_zip:
            task = progress.add_task("zipping", total=len(regs) * 3 + 1)
            _zip_tree(root, regs, seed, lambda: progress.advance(task))
        _publish(staging, dest_path, summary)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"writing the synthetic trace under {dest_path} failed: {exc}; nothing was published"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _run_regions(
    root: Path,
    regs: list[str],
    p: Preset,
    seed: int,
    n_days: int,
    progress: ProgressSink,
    workers: int | None,
    metrics: tuple[str, ...],
) -> dict[str, dict[str, int]]:
    tasks = {r: progress.add_task(f"synth {r}", total=n_days + 1) for r in regs}
    # Biggest regions first so two workers finish together.
    order = sorted(regs, key=lambda r: -p.functions[r] * (1 + cal.REGION_PROFILES[r].request_share))
    n_workers = min(len(regs), workers or os.cpu_count() or 1)
    # Threads, not processes: numpy and polars release the GIL for the heavy parts, and
    # threads need no __main__ guard in user scripts or notebooks.
    q: queue.SimpleQueue[tuple[str, int]] = queue.SimpleQueue()
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=n_workers)
    try:
        futs = {
            r: pool.submit(generate_region, root, r, p, seed, n_days, q, cancel, metrics)
            for r in order
        }
        pending = set(futs.values())
        while pending:
            try:
                region, step = q.get(timeout=0.2)
                progress.advance(tasks[region], step)
            except queue.Empty:
                pass
            pending = {f for f in pending if not f.done()}
            failed = [f for f in futs.values() if f.done() and f.exception() is not None]
            if failed:
                raise failed[0].exception()  # type: ignore[misc]
        while not q.empty():
            region, step = q.get()
            progress.advance(tasks[region], step)
        return {r: futs[r].result() for r in regs}
    finally:
        cancel.set()  # on error or Ctrl-C, the other regions stop at their next chunk
        pool.shutdown(wait=True, cancel_futures=True)


class _CancelledError(Exception):
    """Raised inside a region worker when another region failed or the user interrupted."""


def _zip_tree(root: Path, regs: list[str], seed: int, tick: object) -> None:
    """Replace the folders by the zip files users download, members in the release's shape."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 99]))

    def write_zip(zpath: Path, members: list[tuple[Path, str]]) -> None:
        with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for src, arc in members:
                info = zipfile.ZipInfo(arc, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with open(src, "rb") as fh, zf.open(info, "w") as out:
                    shutil.copyfileobj(fh, out, 1 << 20)
            provenance.add_marker_to_zip(zf, root)  # a zip copied alone still says so

    for r in regs:
        cs = root / "cold_start" / r
        files = sorted(cs.glob("day_*.csv"), key=lambda x: int(x.stem.split("_")[1]))
        perm = rng.permutation(len(files))  # the release's members are not in sorted order
        write_zip(
            root / "cold_start" / f"{r}.zip", [(files[i], f"{r}/{files[i].name}") for i in perm]
        )
        shutil.rmtree(cs)
        tick()  # type: ignore[operator]

        pr = root / "per_request" / r
        parts = sorted(pr.glob("part-*.csv"))
        n_zips = min(len(parts), {"R1": 20, "R2": 10, "R3": 5, "R4": 2, "R5": 1}[r])
        for group in np.array_split(np.arange(len(parts)), n_zips):
            folder = f"{r}_{group[0]:05d}_{group[-1]:05d}"
            write_zip(
                root / "per_request" / f"{folder}.zip",
                [(parts[i], f"{folder}/{parts[i].name}") for i in group],
            )
        shutil.rmtree(pr)
        tick()  # type: ignore[operator]

        qd = root / "quantiles" / r
        members = sorted(qd.rglob("*.csv"))
        write_zip(
            root / "quantiles" / f"{r}.zip",
            [(m, f"{r}/{m.relative_to(qd).as_posix()}") for m in members],
        )
        shutil.rmtree(qd)
        tick()  # type: ignore[operator]
    ft = root / release.FUNCTION_FILE
    if ft.exists():
        write_zip(root / "runtime_triggerType.zip", [(ft, release.FUNCTION_FILE)])
        shutil.rmtree(ft.parent)
    tick()  # type: ignore[operator]


def _publish(staging: Path, dest: Path, summary: SynthSummary) -> None:
    """Swap the finished tree into place; an older synthetic trace is replaced only now."""
    target = dest / DATASET_DIR
    (staging / MANIFEST).write_text(json.dumps(asdict(summary), indent=2) + "\n")
    old = dest / f".synth-old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    (staging / DATASET_DIR).rename(target)
    (staging / MANIFEST).replace(dest / MANIFEST)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)

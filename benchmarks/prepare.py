"""Preparation, kept apart from measuring: the synthetic traces and the warehouse.

``python -m benchmarks.prepare --presets tiny,small,medium`` generates what is missing into
``<data>/<preset>/trace/cold_start_dataset`` and ``<data>/<preset>/warehouse``, where
``<data>`` is the cache folder (``--cache`` / ``BENCH_CACHE_DIR``, e.g. a ``/work/cache``
shared with other users) or else ``benchmarks/.work`` (git-ignored); the runner calls it too.
Traces are generated once and reused: the generator writes into a staging folder and renames
it into place, so an existing ``cold_start_dataset`` is always complete, and the ingest
publishes its warehouse atomically. A cache's warehouse is never replaced by a measured
ingest (others may be reading it); a ``READY`` file marks a preset's data as complete.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from benchmarks.settings import Settings, from_env


def trace(preset: str, settings: Settings) -> Path:
    """The release folder of ``preset`` (seed from settings), generated on first use."""
    if settings.dataset is not None:
        return settings.dataset
    dest = settings.data_dir / preset / "trace"
    dataset = dest / "cold_start_dataset"
    if not dataset.exists():
        from coldstart.synth import generate

        print(f"generating the {preset} synthetic trace into {dest} …", flush=True)
        t0 = time.perf_counter()
        generate(dest, preset=preset, seed=settings.seed, force=True)
        print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    return dataset


def warehouse_path(preset: str, settings: Settings) -> Path:
    return settings.data_dir / preset / "warehouse"


def warehouse(preset: str, settings: Settings) -> Path:
    """The warehouse of ``preset``: kept from the measured ingest, or ingested now."""
    wh = warehouse_path(preset, settings)
    if not (wh / "cold_starts").exists():
        from coldstart.ingest import ingest

        print(f"ingesting {preset} into {wh} …", flush=True)
        shutil.rmtree(wh, ignore_errors=True)
        ingest([trace(preset, settings)], warehouse=wh)
    return wh


def catalog(preset: str, settings: Settings) -> Path:
    """``coldstart catalog`` of the preset's warehouse (views only; rewritten each time).

    Written in the work dir, never the cache: the file is the runner's own.
    """
    from coldstart.query.catalog import write_catalog

    dest = settings.work_dir / preset / "catalog.duckdb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    return write_catalog(dest, warehouse(preset, settings))


def keep_warehouse(src: Path, preset: str, settings: Settings) -> Path:
    """Move a measured ingest's output into place as the preset's warehouse.

    With a cache the cache's warehouse stays (others may be reading it) and the measured
    output is dropped, unless the cache has none yet.
    """
    wh = warehouse_path(preset, settings)
    if settings.cache_dir is not None and (wh / "cold_starts").exists():
        shutil.rmtree(src, ignore_errors=True)
        return wh
    shutil.rmtree(wh, ignore_errors=True)
    wh.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(src), wh)
    return wh


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Generate the benchmark traces and warehouses.")
    ap.add_argument("--presets", default=None, help="comma list (default: $BENCH_PRESETS)")
    ap.add_argument("--warehouse", action="store_true", help="also ingest each into a warehouse")
    ap.add_argument("--cache", type=Path, help="data folder (env BENCH_CACHE_DIR)")
    args = ap.parse_args(argv)
    settings = from_env()
    if args.cache:
        settings = settings.with_(cache_dir=args.cache.resolve())
    presets = args.presets.split(",") if args.presets else list(settings.presets)
    for p in presets:
        print(trace(p, settings))
        if args.warehouse:
            print(warehouse(p, settings))
            (settings.data_dir / p / "READY").touch()


if __name__ == "__main__":
    main(sys.argv[1:])

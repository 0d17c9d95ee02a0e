"""Benchmark settings, read from environment variables in one place (polars-benchmark style).

Every knob has an environment variable so that ``make bench`` can be tuned without editing
code; the command-line options of ``python -m benchmarks`` override them. Keeping them here
means the runner, the child processes and the plotting script agree on paths and defaults.

==========================  =========================================  ====================
variable                    meaning                                    default
==========================  =========================================  ====================
``BENCH_PRESETS``           synthetic presets to measure, comma list   ``medium``
``BENCH_RUNS``              timed runs per measurement (after warm-up) ``3``
``BENCH_WARMUP``            warm-up runs per measurement               ``1``
``BENCH_SLOW_RUNS``         runs for the slow all-tables ingests       ``1``
``BENCH_WORK_DIR``          traces, warehouses, scratch (git-ignored)  ``benchmarks/.work``
``BENCH_CACHE_DIR``         prepared traces and warehouses, shared     the work dir
``BENCH_INGEST_BASELINE``   ``0``: no pandas run beside ingest_all     ``1``
``BENCH_SKIP``              ``bench:tool`` pairs not to run, comma list (none)
``BENCH_RESULTS_DIR``       timings file, answers, summary             ``benchmarks/results``
``BENCH_SEED``              synthetic trace seed                       ``0``
``POLARS_MAX_THREADS``      passed to every child                      ``2``
==========================  =========================================  ====================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# DuckDB's connect and a one-row query into polars, reading no file (tasks.floor_duckdb): the
# floor under every query row, measured with the queries group and quoted by the readme.
FLOOR_BENCH = "engine_floor"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r}: expected an integer") from None


@dataclass(frozen=True)
class Settings:
    """All knobs of one benchmark run (environment first, then command-line overrides)."""

    presets: tuple[str, ...] = ("medium",)
    runs: int = 3
    warmup: int = 1
    slow_runs: int = 1
    seed: int = 0
    work_dir: Path = HERE / ".work"
    results_dir: Path = HERE / "results"
    polars_threads: str = "2"
    # Which groups of measurements to run (see benchmarks/__main__.py for the names).
    only: tuple[str, ...] = field(default_factory=tuple)
    # Release folder to use instead of generating a preset (the smoke test passes `tiny`'s).
    dataset: Path | None = None
    # Prepared data shared with other users (e.g. /work/cache): `<cache>/<preset>/trace/
    # cold_start_dataset` and `<cache>/<preset>/warehouse`. Read as they are; a measured
    # ingest never replaces them (others may be reading). None: the work dir, same layout.
    cache_dir: Path | None = None
    # pandas reading every file beside the whole-release ingest; off for the largest traces,
    # where it takes longer than everything else together (and is no target).
    ingest_baseline: bool = True
    # (bench, tool) pairs left out, e.g. ("utility_ratio", "pandas") on `large`, where pandas
    # would hold the whole request table (≈ 3× its 5.4 GB of CSV) in memory.
    skip: frozenset[tuple[str, str]] = frozenset()

    @property
    def data_dir(self) -> Path:
        """Where each preset's trace and warehouse live (the cache, else the work dir)."""
        return self.cache_dir or self.work_dir

    @property
    def timings_file(self) -> Path:
        """One row per measured run: the only input of benchmarks/plot.py."""
        return self.results_dir / "timings.csv"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def from_env() -> Settings:
    """Settings from the ``BENCH_*`` variables (see the module docstring)."""
    presets = tuple(
        p.strip() for p in os.environ.get("BENCH_PRESETS", "medium").split(",") if p.strip()
    )
    work = Path(os.environ.get("BENCH_WORK_DIR") or HERE / ".work")
    results = Path(os.environ.get("BENCH_RESULTS_DIR") or HERE / "results")
    cache = os.environ.get("BENCH_CACHE_DIR")
    return Settings(
        presets=presets or ("medium",),
        runs=max(1, _env_int("BENCH_RUNS", 3)),
        warmup=max(0, _env_int("BENCH_WARMUP", 1)),
        slow_runs=max(1, _env_int("BENCH_SLOW_RUNS", 1)),
        seed=_env_int("BENCH_SEED", 0),
        work_dir=work.resolve(),
        results_dir=results.resolve(),
        polars_threads=os.environ.get("POLARS_MAX_THREADS", "2"),
        cache_dir=Path(cache).resolve() if cache else None,
        ingest_baseline=os.environ.get("BENCH_INGEST_BASELINE", "1") != "0",
        skip=parse_skip(os.environ.get("BENCH_SKIP", "")),
    )


def parse_skip(text: str) -> frozenset[tuple[str, str]]:
    """``"utility_ratio:pandas,request_cdf:dask"`` → the (bench, tool) pairs to leave out."""
    pairs = set()
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        bench, sep, tool = item.partition(":")
        if not sep or not bench or not tool:
            raise SystemExit(f"skip {item!r}: expected bench:tool, e.g. utility_ratio:pandas")
        pairs.add((bench, tool))
    return frozenset(pairs)

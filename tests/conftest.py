"""Shared fixtures: synthetic traces and warehouses built once per test session.

Under pytest-xdist the workers share one copy of each (built under a file lock in the
session's common temp folder), so the suite pays for each preset and ingest once.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from coldstart.synth import generate


def shared_dir(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    build: Callable[[Path], None],
) -> Path:
    """A folder built once per run by ``build(folder)``, shared by all xdist workers."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: the parent folder is common to all workers of this run
        base = base.parent
    root = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            build(root)
            (root / "DONE").write_text("ok\n")
    return root


def _shared_trace(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, **kw: object
) -> Path:
    root = shared_dir(
        tmp_path_factory, worker_id, f"synth-{name}", lambda d: generate(d, force=True, **kw)
    )  # type: ignore[arg-type]
    return root / "cold_start_dataset"


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """xdist's worker id, or 'master' when running without xdist."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


@pytest.fixture(scope="session")
def tiny_release(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The `tiny` synthetic release as extracted folders (seed 0)."""
    return _shared_trace(tmp_path_factory, worker_id, "tiny", preset="tiny", seed=0)


@pytest.fixture(scope="session")
def tiny_zip_release(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The same `tiny` trace as the zip files users download (per-minute statistics of one
    metric: the layout test reads cpu_usage's; every other member is the same bytes)."""
    return _shared_trace(
        tmp_path_factory,
        worker_id,
        "tiny-zip",
        preset="tiny",
        seed=0,
        as_zip=True,
        metrics=["cpu_usage"],
    )


def warehouse_sources(release_dir: Path) -> list[Path]:
    """The parts of a synthetic release the shared warehouses ingest: everything but the
    per-minute folders of metrics no query reads (coldstart.demo.DEMO_METRICS, checked by
    tests/test_demo_metrics.py). All 16 metrics are 25,000 files in `tiny`, ~75 s of ingest
    for folders nothing reads; their format is tested on the CSVs (test_synth_format.py)."""
    from coldstart import release
    from coldstart.demo import DEMO_METRICS

    keep = set(release.COUNT_SERIES) | {f"{m}_{s}" for m in DEMO_METRICS for s in release.STATS}
    parts = [p for p in sorted(release_dir.iterdir()) if p.is_dir() and p.name != "quantiles"]
    series = [
        folder
        for region in sorted((release_dir / "quantiles").iterdir())
        for folder in sorted(region.iterdir())
        if folder.name in keep
    ]
    return parts + series


@pytest.fixture(scope="session")
def synth_calibration(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict:
    """The calibration seeds of the synthetic generator, generated once per run and measured
    (see coldstart.synth.calibration_table)."""
    import json

    from coldstart.synth import calibration_table as ct

    def build(root: Path) -> None:
        per_seed, largest = ct.measure_seeds(root)
        (root / "results.json").write_text(json.dumps(ct.results(per_seed, largest)))

    root = shared_dir(tmp_path_factory, worker_id, "synth-calibration", build)
    return json.loads((root / "results.json").read_text())


@pytest.fixture(scope="session")
def tiny_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_release: Path
) -> Path:
    """The `tiny` synthetic release ingested into a warehouse (all tables; the per-minute
    folders of the metrics queries read), once per run."""
    from coldstart.ingest import ingest

    def build(root: Path) -> None:
        ingest(warehouse_sources(tiny_release), root / "warehouse", force=True)

    return shared_dir(tmp_path_factory, worker_id, "tiny-warehouse", build) / "warehouse"


@pytest.fixture(scope="session")
def cold_starts_only_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_warehouse: Path
) -> Path:
    """Only the cold starts and the function table of the tiny warehouse: no requests (as if
    per_request/ were not downloaded) and no per-minute data. A warehouse table is just its
    folder of Parquet files, so copying two of them is a valid (and cheap) warehouse."""

    def build(root: Path) -> None:
        for table in ("cold_starts", "functions"):
            shutil.copytree(tiny_warehouse / table, root / "warehouse" / table, dirs_exist_ok=True)

    return shared_dir(tmp_path_factory, worker_id, "wh-cold-starts-only", build) / "warehouse"

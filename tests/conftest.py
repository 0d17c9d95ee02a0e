"""Shared fixtures: synthetic traces generated once per test session.

Under pytest-xdist the workers share one copy (generated under a file lock in the
session's common temp folder), so the suite pays for each preset once.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from coldstart.synth import generate


def _shared_trace(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, **kw: object
) -> Path:
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: the parent folder is common to all workers of this run
        base = base.parent
    root = base / f"synth-{name}"
    with open(base / f"synth-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            generate(root, force=True, **kw)  # type: ignore[arg-type]
            (root / "DONE").write_text("ok\n")
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
    """The same `tiny` trace as the zip files users download."""
    return _shared_trace(
        tmp_path_factory, worker_id, "tiny-zip", preset="tiny", seed=0, as_zip=True
    )


@pytest.fixture(scope="session")
def small_release(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The `small` (demo) synthetic release, for calibration checks (seed 0)."""
    return _shared_trace(tmp_path_factory, worker_id, "small", preset="small", seed=0)


@pytest.fixture(scope="session")
def tiny_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_release: Path
) -> Path:
    """The `tiny` synthetic release ingested into a warehouse (all tables), once per run."""
    from coldstart.ingest import ingest

    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        base = base.parent
    root = base / "tiny-warehouse"
    with open(base / "tiny-warehouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            ingest([tiny_release], root / "warehouse", force=True)
            (root / "DONE").write_text("ok\n")
    return root / "warehouse"

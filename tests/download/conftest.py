"""Fixtures for the download tests: synthetic release zips served by a local fake Drive.

The zips (the `tiny` preset, Region 2, 5 days: a 1.7 MB quantile zip with 215 members) are
generated once per run; every test gets fresh servers, so faults and byte counts never leak
between tests. Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import shared_dir

from coldstart.synth import generate
from download.fakedrive import FakeDrive, Servers

FUNCTIONS_NAME = "runtime_triggerType/df_funcID_runtime_triggerType.csv"


@dataclass(frozen=True)
class Release:
    """Release name -> bytes of the synthetic files, and the Drive ids we give them."""

    files: dict[str, bytes]
    ids: dict[str, str]  # release name -> drive id


def _build(folder: Path) -> None:
    generate(folder, preset="tiny", regions=["R2"], days=5, as_zip=True, force=True, seed=3)


@pytest.fixture(scope="session")
def release_files(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Release:
    root = shared_dir(tmp_path_factory, worker_id, "download-synth", _build) / "cold_start_dataset"
    files = {
        "cold_start/R2.zip": (root / "cold_start" / "R2.zip").read_bytes(),
        "quantiles/R2.zip": (root / "quantiles" / "R2.zip").read_bytes(),
    }
    for z in sorted((root / "per_request").glob("*.zip")):
        files[f"per_request/R2/{z.name}"] = z.read_bytes()
    with zipfile.ZipFile(root / "runtime_triggerType.zip") as zf:
        files[FUNCTIONS_NAME] = zf.read(FUNCTIONS_NAME)
    ids = {name: f"id{i:02d}-{name.replace('/', '-')}" for i, name in enumerate(files)}
    return Release(files=files, ids=ids)


def write_file_list(path: Path, release: Release, template: str, sizes: dict | None = None) -> Path:
    """A file list in the packaged format, pointing at the fake Drive."""
    tables = {"cold_start": "cold_starts", "per_request": "requests", "quantiles": "timeseries"}
    lines = [
        "# test file list",
        f"# download_url: {template}",
        "region,table,part,drive_id,name,size_bytes,name_source,readme_commit",
    ]
    parts: dict[str, int] = {}
    for name, drive_id in release.ids.items():
        table = tables.get(name.split("/")[0], "functions")
        parts[table] = parts.get(table, 0) + 1
        size = (sizes or {}).get(name, "")
        lines.append(f"R2,{table},{parts[table]},{drive_id},{name},{size},test,0")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def drive(release_files: Release) -> Iterator[FakeDrive]:
    fake = FakeDrive(
        files=dict(release_files.files),
        by_id={i: n for n, i in release_files.ids.items()},
    )
    servers = Servers(fake)
    try:
        yield fake
    finally:
        servers.close()


@pytest.fixture
def file_list(tmp_path: Path, release_files: Release, drive: FakeDrive) -> Path:
    return write_file_list(tmp_path / "files.csv", release_files, drive.link_template)

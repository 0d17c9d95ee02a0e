"""Fixtures of the report tests: the `tiny` trace ingested once per session, reports of it.

Warehouses are shared by the xdist workers (built under a file lock in the session's common
temp folder, as tests/conftest.py does for the synthetic traces). Every report test module is
in the xdist group "report", so one worker builds each report once and the other worker stays
free for the rest of the suite.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from coldstart.ingest import ingest
from coldstart.report import ReportResult, write_report


def _shared(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def _shared_warehouse(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    release: Path,
    **kw: Any,
) -> Path:
    base = _shared(tmp_path_factory, worker_id, name)
    root = base / f"report-wh-{name}"
    with open(base / f"report-wh-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            ingest([release], root / "warehouse", force=True, **kw)
            (root / "DONE").write_text("ok\n")
    return root / "warehouse"


@pytest.fixture(scope="session")
def report_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_release: Path
) -> Path:
    """The `tiny` synthetic release ingested into a warehouse (all tables)."""
    return _shared_warehouse(tmp_path_factory, worker_id, "tiny", tiny_release)


@pytest.fixture(scope="session")
def no_requests_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_release: Path
) -> Path:
    """The `tiny` release without the per-request table (as if per_request/ were not
    downloaded): the utility-ratio section must say so and be skipped."""
    return _shared_warehouse(
        tmp_path_factory,
        worker_id,
        "no-requests",
        tiny_release,
        tables=["cold_starts", "timeseries", "functions"],
    )


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory: pytest.TempPathFactory, report_warehouse: Path) -> ReportResult:
    """The full report of the tiny warehouse, written once per worker."""
    return write_report(report_warehouse, tmp_path_factory.mktemp("report") / "out")


@pytest.fixture(scope="session")
def no_requests_report(
    tmp_path_factory: pytest.TempPathFactory, no_requests_warehouse: Path
) -> ReportResult:
    """The report of the warehouse without requests."""
    return write_report(no_requests_warehouse, tmp_path_factory.mktemp("report-noreq") / "out")


@pytest.fixture(scope="session")
def scan(report_warehouse: Path) -> Callable[[str], pl.LazyFrame]:
    """``scan("cold_starts")``: a warehouse table read directly with polars (no SQL), for
    computing expected values independently of the query layer."""

    def _scan(table: str) -> pl.LazyFrame:
        return pl.scan_parquet(
            report_warehouse / table / "**" / "*.parquet", hive_partitioning=True
        )

    return _scan

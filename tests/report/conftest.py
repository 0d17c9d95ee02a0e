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

#: Low-resolution figures for the reports only checked for structure (PNG encoding is half the
#: cost of a report); the browser test's report keeps the default, since people look at it.
FAST_DPI = 40


def _shared_warehouse(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    prefix: str,
    release: Path,
    **kw: Any,
) -> Path:
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: the parent folder is common to all workers of this run
        base = base.parent
    root = base / prefix
    with open(base / f"{prefix}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            ingest([release], root / "warehouse", **kw)
            (root / "DONE").write_text("ok\n")
    return root / "warehouse"


@pytest.fixture(scope="session")
def report_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_release: Path
) -> Path:
    """The `tiny` synthetic release ingested into a warehouse (all tables).

    Same folder, lock and marker as ``tiny_warehouse`` in tests/figures/conftest.py, so the
    suite ingests the tiny trace once for both.
    """
    return _shared_warehouse(tmp_path_factory, worker_id, "figures-wh-tiny", tiny_release)


@pytest.fixture(scope="session")
def partial_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_release: Path
) -> Path:
    """The `tiny` release with only the cold starts and the function table: no requests (as
    if per_request/ were not downloaded) and no per-minute data. Same folder and lock as
    ``cold_starts_only_warehouse`` in tests/figures/conftest.py."""
    return _shared_warehouse(
        tmp_path_factory,
        worker_id,
        "figures-wh-cs-only",
        tiny_release,
        tables=["cold_starts", "functions"],
    )


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory: pytest.TempPathFactory, report_warehouse: Path) -> ReportResult:
    """The full report of the tiny warehouse, written once per worker."""
    return write_report(report_warehouse, tmp_path_factory.mktemp("report") / "out")


@pytest.fixture(scope="session")
def partial_report(
    tmp_path_factory: pytest.TempPathFactory, partial_warehouse: Path
) -> ReportResult:
    """The report of the warehouse with cold starts and functions only."""
    return write_report(
        partial_warehouse, tmp_path_factory.mktemp("report-partial") / "out", dpi=FAST_DPI
    )


@pytest.fixture(scope="session")
def scan(report_warehouse: Path) -> Callable[[str], pl.LazyFrame]:
    """``scan("cold_starts")``: a warehouse table read directly with polars (no SQL), for
    computing expected values independently of the query layer."""

    def _scan(table: str) -> pl.LazyFrame:
        return pl.scan_parquet(
            report_warehouse / table / "**" / "*.parquet", hive_partitioning=True
        )

    return _scan

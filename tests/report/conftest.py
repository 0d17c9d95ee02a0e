"""Fixtures of the report tests: reports of the `tiny` trace's warehouse.

The full warehouse is tests/conftest.py's ``tiny_warehouse`` (ingested once per run). The
partial one is a copy of two of its tables, built once per run under a file lock in the
session's common temp folder. Every report test module is in the xdist group "report", so one
worker builds each report once and the other worker stays free for the rest of the suite.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from coldstart.report import ReportResult, write_report

#: Low-resolution figures for the reports only checked for structure (PNG encoding is half the
#: cost of a report); the browser test's report keeps the default, since people look at it.
FAST_DPI = 40


@pytest.fixture(scope="session")
def report_warehouse(tiny_warehouse: Path) -> Path:
    """The `tiny` synthetic release ingested into a warehouse (all tables)."""
    return tiny_warehouse


@pytest.fixture(scope="session")
def partial_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_warehouse: Path
) -> Path:
    """Only the cold starts and the function table of the tiny warehouse: no requests (as if
    per_request/ were not downloaded) and no per-minute data. A warehouse table is just its
    folder of Parquet files, so copying two of them is a valid (and cheap) warehouse."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: the parent folder is common to all workers of this run
        base = base.parent
    root = base / "report-wh-partial"
    with open(base / "report-wh-partial.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            for table in ("cold_starts", "functions"):
                shutil.copytree(
                    tiny_warehouse / table, root / "warehouse" / table, dirs_exist_ok=True
                )
            (root / "DONE").write_text("ok\n")
    return root / "warehouse"


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

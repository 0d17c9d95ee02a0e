"""Fixtures of the report tests: reports of the `tiny` trace's warehouse.

The full warehouse is tests/conftest.py's ``tiny_warehouse`` (ingested once per run). The
partial one is a copy of two of its tables, built once per run under a file lock in the
session's common temp folder. Every report test module is in the xdist group "report", so one
worker builds each report once and the other worker stays free for the rest of the suite.
"""

from __future__ import annotations

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
def partial_warehouse(cold_starts_only_warehouse: Path) -> Path:
    """No requests and no per-minute data (tests/conftest.py's cold-starts-only copy)."""
    return cold_starts_only_warehouse


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

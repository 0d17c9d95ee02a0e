"""Fixtures of the report tests: reports of the `tiny` trace's warehouse.

The full report is the one ``coldstart demo --preset tiny`` writes: the demo runs once, through
the CLI, and its trace, warehouse and report are what these tests read (the demo's trace is the
suite's `tiny` trace, seed 0, with the per-minute statistics of the metrics the report reads,
the same as tests/conftest.py's ``tiny_warehouse`` ingests). A report draws sixteen figures,
≈25 s here, so the suite draws this one once instead of once for the demo test and once for
the report tests. The partial warehouse is a copy of two tables of ``tiny_warehouse``, built
once per run under a file lock in the session's common temp folder. Every report test module
is in the xdist group "report", so one worker builds each report once and the other worker
stays free for the rest of the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from coldstart.demo import DemoResult
from coldstart.report import ReportResult, write_report

#: Low-resolution figures for the reports only checked for structure: smaller files (the
#: drawing, not the resolution, is what costs time: 13.6 s at 40 dpi against 13.9 s at 150
#: for the sixteen figures); the demo's report keeps the default, since people look at it.
FAST_DPI = 40


@dataclass
class DemoRun:
    """One ``coldstart demo`` run: what it printed and what ``run_demo`` returned inside it."""

    output: str
    result: DemoResult


@pytest.fixture(scope="session")
def tiny_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """``coldstart demo --out DIR --preset tiny`` through typer's CliRunner, once per worker
    (all report tests run on one: the xdist group "report")."""
    from typer.testing import CliRunner

    import coldstart.demo
    from coldstart.cli import app

    returned: list[DemoResult] = []
    real = coldstart.demo.run_demo

    def run_demo(*args: object, **kwargs: object) -> DemoResult:
        returned.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return returned[-1]

    out = tmp_path_factory.mktemp("demo") / "demo"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(coldstart.demo, "run_demo", run_demo)
        result = CliRunner().invoke(app, ["demo", "--out", str(out), "--preset", "tiny"])
    assert result.exit_code == 0, result.output
    (demo,) = returned
    return DemoRun(result.output, demo)


@pytest.fixture(scope="session")
def report_warehouse(tiny_demo: DemoRun) -> Path:
    """The demo's warehouse: the `tiny` synthetic release ingested (all tables)."""
    return tiny_demo.result.warehouse


@pytest.fixture(scope="session")
def partial_warehouse(cold_starts_only_warehouse: Path) -> Path:
    """No requests and no per-minute data (tests/conftest.py's cold-starts-only copy)."""
    return cold_starts_only_warehouse


@pytest.fixture(scope="session")
def tiny_report(tiny_demo: DemoRun) -> ReportResult:
    """The full report of the tiny warehouse: the demo's."""
    return tiny_demo.result.report


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

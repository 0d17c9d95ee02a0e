"""`coldstart report` and `coldstart demo` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldstart.cli import app
from coldstart.demo import DEMO_METRICS
from coldstart.release import COUNT_SERIES, STATS

from .conftest import FAST_DPI, DemoRun

pytestmark = pytest.mark.xdist_group("report")
runner = CliRunner()


def test_report_writes_html_and_markdown(
    partial_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    out = tmp_path / "rep"
    result = runner.invoke(
        app,
        [
            "report",
            "--warehouse",
            str(partial_warehouse),
            "--out",
            str(out),
            "--regions",
            "R3",
            "--dpi",
            str(FAST_DPI),
            "--open",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"report:   {out / 'report.html'}" in result.output
    assert f"markdown: {out / 'report.md'}" in result.output
    assert (
        "skipped (no data): The regions at a glance; Peaks, troughs and the holiday; "
        "Region 2 by runtime and trigger; Pod utility ratio" in result.output
    )
    assert (out / "report.html").stat().st_size > 10_000
    assert (out / "report_files" / "fig10.png").is_file()
    assert opened == [(out / "report.html").resolve().as_uri()]


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_report_without_warehouse_is_one_line(tmp_path: Path, make: str) -> None:
    wh = tmp_path / "wh"
    if make == "empty":
        wh.mkdir()
    result = runner.invoke(app, ["report", "--warehouse", str(wh), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "coldstart demo" in lines[0] and "Traceback" not in result.output


def test_report_unwritable_out(report_warehouse: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(
        app, ["report", "--warehouse", str(report_warehouse), "--out", str(blocker / "r")]
    )
    assert result.exit_code == 1
    assert result.output.strip() == f"error: --out: cannot create {blocker / 'r'}: Not a directory"


def test_report_bad_region(report_warehouse: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "--warehouse", str(report_warehouse), "--regions", "R1,X"]
    )
    assert result.exit_code == 2
    assert "--regions: unknown region 'X'" in result.output


def test_report_help_lists_options() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    for option in ("--warehouse", "--out", "--regions", "--open", "--quiet"):
        assert option in result.output


@pytest.mark.slow
def test_demo_generates_ingests_and_reports(tiny_demo: DemoRun) -> None:
    """The demo (conftest's one run of `coldstart demo --preset tiny`): three steps announced,
    where each product is, the warehouse behind the report, rows ingested."""
    out = tiny_demo.result.out
    for i, step in enumerate(("synthetic trace", "ingest", "report"), 1):
        assert f"[{i}/3] {step}" in tiny_demo.output
    assert f"synthetic release: {out / 'synth' / 'cold_start_dataset'}" in tiny_demo.output
    assert f"warehouse:         {out / 'warehouse'}" in tiny_demo.output
    assert f"report:            {out / 'report' / 'report.html'}" in tiny_demo.output
    assert "per-minute statistics of 4 of the release's 16 metrics" in tiny_demo.output
    rows = next(ln for ln in tiny_demo.output.splitlines() if ln.startswith("rows:"))
    assert "cold_starts=" in rows and "requests=" in rows and "timeseries=" in rows
    html = (out / "report" / "report.html").read_text(encoding="utf-8")
    assert str((out / "warehouse").resolve()) in html
    assert (out / "report" / "report.md").is_file()
    assert sorted(
        p.name for p in (out / "synth" / "cold_start_dataset" / "quantiles" / "R1").iterdir()
    ) == sorted([*(f"{m}_{s}" for m in DEMO_METRICS for s in STATS), *COUNT_SERIES])


def test_demo_unwritable_out_fails_at_once(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["demo", "--out", str(blocker), "--quiet"])
    assert result.exit_code == 1
    assert "--out" in result.output and "not a directory" in result.output


def test_check_says_where_the_rows_came_from(report_warehouse: Path) -> None:
    result = runner.invoke(app, ["check", "--warehouse", str(report_warehouse)])
    assert result.exit_code == 0, result.output
    assert "provenance: Synthetic data — not the Huawei trace" in result.output
    assert "preset 'tiny', seed 0" in result.output

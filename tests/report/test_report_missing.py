"""Missing data: a section without its tables says so and is skipped; --regions filters."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from coldstart.report import ReportResult, build_report

from .conftest import FAST_DPI

pytestmark = pytest.mark.xdist_group("report")


def test_sections_without_their_tables_are_skipped(partial_report: ReportResult) -> None:
    report = partial_report.report
    html = partial_report.paths.html.read_text(encoding="utf-8").replace("&#x27;", "'")
    markdown = partial_report.paths.markdown.read_text(encoding="utf-8")
    expected = {
        "utility": ("'requests'", "per_request/"),
        "regions": ("'counts'", "quantiles/"),
        "temporal": ("'counts'", "quantiles/"),
    }
    for section_id, words in expected.items():
        section = report.section(section_id)
        assert section.skipped, section_id
        assert section.skipped_reason.startswith("Skipped: this section needs the warehouse")
        assert all(w in section.skipped_reason for w in words), section.skipped_reason
        assert not section.figures and not section.tables and not section.findings
        assert section.skipped_reason in html
        assert f"> {section.skipped_reason}" in markdown
    assert html.count("(skipped: no data)") == len(expected)
    shown = [s for s in report.sections if s.id not in expected]
    assert [s.id for s in shown] == ["distributions", "components", "region2"]
    assert all(not s.skipped and s.findings for s in shown)
    # Region 2 without per-minute counts: Figs 8 and 14 say which table they need, the rest
    # of the section is there
    region2 = report.section("region2")
    assert region2.table("proportions_trigger") is None
    assert region2.table("cold_starts_by_runtime") is not None
    skipped = {f.fig_id: f.skipped_reason for f in region2.figures if f.skipped}
    assert set(skipped) == {"fig08", "fig14"}
    assert all("'counts'" in (r or "") for r in skipped.values())
    # what was ingested says there is no request table
    assert set(report.ingested.frame["table"]) == {"cold_starts", "functions"}


def test_regions_filter_tables_and_skip_region2(report_warehouse: Path) -> None:
    report = build_report(report_warehouse, regions=["R1", "R3"], dpi=FAST_DPI)
    for section_id in ("region2", "utility"):
        assert report.section(section_id).skipped
    assert "--regions R1,R3" in report.section("region2").skipped_reason
    summary = report.section("regions").table("region_summary")
    assert summary is not None
    assert summary.frame["region"].to_list() == ["R1", "R3"]
    paper = report.section("distributions").table("paper_distributions")
    assert paper is not None
    r2 = paper.frame.filter(pl.col("id") == "fig10a.median_s.r2")
    assert r2["verdict"].to_list() == ["not measured"]  # R2 is not in the selection
    r1 = paper.frame.filter(pl.col("id") == "fig10a.median_s.r1")
    assert r1["verdict"].item() in ("agrees", "differs")
    assert set(report.ingested.frame["region"].str.split(", ").explode()) <= {"R1", "R3"}

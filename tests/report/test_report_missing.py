"""Missing data: a section without its tables says so and is skipped; --regions filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from coldstart.report import ReportResult, build_report

pytestmark = pytest.mark.xdist_group("report")


def test_without_requests_the_utility_section_is_skipped(no_requests_report: ReportResult) -> None:
    report = no_requests_report.report
    utility = report.section("utility")
    assert utility.skipped
    assert "'requests'" in utility.skipped_reason and "per_request/" in utility.skipped_reason
    assert not utility.figures and not utility.tables and not utility.findings
    others = [s for s in report.sections if s.id != "utility"]
    assert all(not s.skipped for s in others), [s.skipped_reason for s in others]
    html = no_requests_report.paths.html.read_text(encoding="utf-8")
    assert "(skipped: no data)" in html
    assert utility.skipped_reason in html.replace("&#x27;", "'")
    markdown = no_requests_report.paths.markdown.read_text(encoding="utf-8")
    assert f"> {utility.skipped_reason}" in markdown
    # what was ingested says there is no request table
    assert "requests" not in report.ingested.frame["table"].to_list()


def test_regions_filter_tables_and_skip_region2(no_requests_warehouse: Path) -> None:
    report = build_report(no_requests_warehouse, regions=["R1", "R3"])
    for section_id in ("region2", "utility"):
        section = report.section(section_id)
        assert section.skipped
    assert "--regions R1,R3" in report.section("region2").skipped_reason
    summary = report.section("regions").table("region_summary")
    assert summary is not None
    assert summary.frame["region"].to_list() == ["R1", "R3"]
    text = report.section("distributions").finding("median_cold_start_range")
    assert text is not None and "R2" not in text.text
    assert set(report.ingested.frame["region"].str.split(", ").explode()) <= {"R1", "R3"}

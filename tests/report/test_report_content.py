"""The report of the tiny trace: every section, figure, table and caveat, in HTML and Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import coldstart
import coldstart.query
from coldstart.report import SECTION_IDS, SECTIONS, ReportResult, render_html
from coldstart.report.render_html import png_size

pytestmark = pytest.mark.xdist_group("report")


class _Collect(HTMLParser):
    """Tags and attributes of the page, to check structure without a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collect()
    parser.feed(html)
    return parser.tags


def test_every_section_has_findings_figures_tables_and_caveats(tiny_report: ReportResult) -> None:
    report = tiny_report.report
    assert [s.id for s in report.sections] == list(SECTION_IDS)
    for spec, section in zip(SECTIONS, report.sections, strict=True):
        assert not section.skipped, (section.id, section.skipped_reason)
        assert [f.fig_id for f in section.figures] == list(spec.figures)
        for fig in section.figures:
            assert fig.png is not None, (fig.fig_id, fig.skipped_reason)
            width, height = png_size(fig.png)
            assert width > 100 and height > 100
            assert fig.caption
        assert section.tables and all(t.frame.height > 0 for t in section.tables), section.id
        assert section.findings, section.id
        assert section.caveats, section.id


def test_tables_are_the_query_results(tiny_report: ReportResult, report_warehouse: Path) -> None:
    report = tiny_report.report
    with coldstart.query.open(report_warehouse) as session:
        summary = session.query("region_summary")
        by_region = session.query("cold_starts_by_region")
        by_runtime = session.query("cold_starts_by_runtime", region="R2")
    assert_frame_equal(report.section("regions").table("region_summary").frame, summary)
    assert_frame_equal(report.section("distributions").table("cold_start_times").frame, by_region)
    assert_frame_equal(report.section("region2").table("cold_starts_by_runtime").frame, by_runtime)


def test_caveats_name_the_data_limits(tiny_report: ReportResult) -> None:
    utility = " ".join(tiny_report.report.section("utility").caveats)
    assert "day 30 only" in utility
    assert "top 100 pods" in utility and "subsample" in utility
    region2 = " ".join(tiny_report.report.section("region2").caveats)
    assert "Region 2 only" in region2 and "assumption" in region2
    assert "1 ms" in " ".join(tiny_report.report.section("distributions").caveats)


def test_html_is_self_contained(tiny_report: ReportResult) -> None:
    html = tiny_report.paths.html.read_text(encoding="utf-8")
    tags = _tags(html)
    assert not [t for t, _ in tags if t in ("script", "link", "iframe", "object", "embed")]
    images = [a for t, a in tags if t == "img"]
    n_figures = sum(len(s.figures) for s in tiny_report.report.sections)
    assert len(images) == n_figures
    assert all((a["src"] or "").startswith("data:image/png;base64,") for a in images)
    # nothing that a browser would fetch: no http(s) or protocol-relative URL in any attribute
    for _, attrs in tags:
        for value in attrs.values():
            assert not re.match(r"\s*(https?:)?//", value or ""), value
    assert "Content-Security-Policy" in html
    assert "@media print" in html


def test_html_header_and_table_of_contents(tiny_report: ReportResult) -> None:
    html = tiny_report.paths.html.read_text(encoding="utf-8")
    report = tiny_report.report
    assert str(report.warehouse) in html
    assert f"coldstart {coldstart.__version__}" in html
    assert report.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC") in html
    tags = _tags(html)
    toc_links = [a["href"] for t, a in tags if t == "a" and (a.get("href") or "").startswith("#")]
    section_ids = [a["id"] for t, a in tags if t == "section"]
    assert toc_links == [f"#{s}" for s in SECTION_IDS]
    assert section_ids == list(SECTION_IDS)
    # what was ingested, from the quality summary
    ingested = report.ingested.frame
    assert set(ingested["table"]) == {
        "cold_starts",
        "counts",
        "functions",
        "requests",
        "timeseries",
    }
    assert ingested.filter(pl.col("table") == "requests")["days"].item() == "30"
    assert "covers day 30 only" in html


def test_findings_appear_in_html_and_markdown(tiny_report: ReportResult) -> None:
    html = tiny_report.paths.html.read_text(encoding="utf-8")
    markdown = tiny_report.paths.markdown.read_text(encoding="utf-8")
    for section in tiny_report.report.sections:
        assert f"## {section.title}" in markdown
        for finding in section.findings:
            assert f'data-finding="{finding.key}"' in html
            assert finding.text in markdown


def test_markdown_links_its_figure_files(tiny_report: ReportResult) -> None:
    markdown = tiny_report.paths.markdown.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(links) == sum(len(s.figures) for s in tiny_report.report.sections)
    for link in links:
        path = tiny_report.paths.out / link
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", link
    # pipe tables: header, alignment row, one row per region
    assert "| region | requests | functions | pods | cold starts |" in markdown


def test_rendering_is_deterministic(tiny_report: ReportResult) -> None:
    assert render_html(tiny_report.report) == render_html(tiny_report.report)

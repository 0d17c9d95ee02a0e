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


def test_every_data_figure_is_in_the_report(tiny_report: ReportResult) -> None:
    from coldstart.frames import figure_ids

    shown = [f.fig_id for s in tiny_report.report.sections for f in s.figures]
    assert sorted(shown) == figure_ids()  # 1 and 3-17, each once
    html = tiny_report.paths.html.read_text(encoding="utf-8")
    for fid in figure_ids():
        assert f'data-figure="{fid}"' in html


def test_synthetic_data_is_labelled_on_every_page(tiny_report: ReportResult) -> None:
    from coldstart.provenance import SYNTHETIC_LINE

    report = tiny_report.report
    assert report.synthetic_banner and SYNTHETIC_LINE in report.synthetic_banner
    assert "preset 'tiny'" in report.synthetic_banner and "seed 0" in report.synthetic_banner
    assert SYNTHETIC_LINE in report.title
    html = tiny_report.paths.html.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None and SYNTHETIC_LINE in title.group(1)
    # every section of the page and of the Markdown carries the line
    for chunk in html.split('<section class="report-section"')[1:]:
        assert 'class="synthetic"' in chunk.split("</h2>", 1)[1][:600]
    markdown = tiny_report.paths.markdown.read_text(encoding="utf-8")
    head, *sections = markdown.split("\n## ")
    assert SYNTHETIC_LINE in head.split("\n", 3)[2]
    for part in sections:
        if part.startswith("Contents"):
            continue
        assert f"> **{report.synthetic_banner}**" in part.split("\n\n", 2)[1], part[:80]


def test_reproducibility_table_opens_the_report(tiny_report: ReportResult) -> None:
    from coldstart.frames import FIGURES

    repro = tiny_report.report.reproducibility
    assert repro is not None
    frame = repro.frame
    assert frame["fig_id"].to_list() == list(FIGURES)
    assert frame["grade"].to_list() == [s.grade for s in FIGURES.values()]
    # every figure with a paper number is compared, and the counts add up per section table
    paper_rows = pl.concat(
        [
            t.frame
            for s in tiny_report.report.sections
            for t in s.tables
            if t.key.startswith("paper_")
        ]
    )
    for row in frame.iter_rows(named=True):
        part = paper_rows.filter(pl.col("fig_id") == row["fig_id"])
        assert row["agrees"] == (part["verdict"] == "agrees").sum(), row["fig_id"]
        assert row["differs"] == (part["verdict"] == "differs").sum(), row["fig_id"]
    assert frame["compared"].sum() > 100
    html = tiny_report.paths.html.read_text(encoding="utf-8")
    assert html.index('data-table="reproducibility"') < html.index('data-table="ingested"')
    assert html.index('data-table="reproducibility"') < html.index("<section")


def test_paper_values_and_verdicts_come_from_the_paper_table(tiny_report: ReportResult) -> None:
    from coldstart import paper

    rows = pl.concat(
        [
            t.frame
            for s in tiny_report.report.sections
            for t in s.tables
            if t.key.startswith("paper_")
        ]
    )
    for row in rows.iter_rows(named=True):
        number = paper.number(row["id"])
        assert row["paper"] == number.value and row["tolerance"] == number.describe_tolerance()
        if row["measured"] is None:
            assert row["verdict"] == "not measured"
        else:
            assert row["verdict"] == ("agrees" if number.agrees(row["measured"]) else "differs")


def test_provenance_absent_on_release_shaped_csvs(tmp_path: Path) -> None:
    """A warehouse ingested from hand-made release-format CSVs is not called synthetic."""
    from _ingest_fixtures import write_tree

    from coldstart import provenance
    from coldstart.ingest import ingest

    release = write_tree(tmp_path / "release")
    ingest([release], warehouse=tmp_path / "wh", progress=None)
    origin = provenance.read(tmp_path / "wh")
    assert origin.recorded and origin.kind == "release" and not origin.is_synthetic
    assert origin.banner() is None
    assert "release files" in origin.label()
    with coldstart.open(tmp_path / "wh") as session:
        assert "release files" in repr(session) and "ynthetic" not in repr(session)


def test_provenance_of_a_synthetic_trace(report_warehouse: Path) -> None:
    from coldstart import provenance

    origin = provenance.read(report_warehouse)
    assert origin.kind == "synthetic"
    ((trace, containers),) = origin.synthetic
    assert (trace.preset, trace.seed) == ("tiny", 0) and trace.generator_version >= 1
    assert containers
    with coldstart.open(report_warehouse) as session:
        assert provenance.SYNTHETIC_LINE in repr(session)

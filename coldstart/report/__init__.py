"""The report: the paper's questions answered from a warehouse, in one page.

``coldstart report`` and ``coldstart demo`` call :func:`write_report`::

    from coldstart.report import write_report
    result = write_report("data/warehouse", "reports")
    result.paths.html          # reports/report.html: self-contained, opens offline
    result.paths.markdown      # reports/report.md, figures in reports/report_files/
    result.report.sections     # what was shown (findings, tables with their DataFrames)

Modules: ``build`` (sections from the figures' frames, coldstart.frames, and their drawings,
coldstart.plots), ``sentences`` (the findings of coldstart.frames.findings and the paper's
claims of coldstart.frames.paper_check, written out), ``render_html`` / ``render_markdown``
(layout only), ``rasterise`` (PNG bytes), ``output`` (atomic write that never removes a file
it did not write), ``fmt`` (number formatting shared by tables and sentences), ``model`` (the
dataclasses). No analysis lives here: numbers come from coldstart.frames.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coldstart.progress import ProgressSink
from coldstart.report.build import (
    DEFAULT_DPI,
    REPORT_MEMORY_LIMIT,
    SECTION_IDS,
    SECTIONS,
    all_findings,
    build_from_session,
    build_report,
    check_regions,
)
from coldstart.report.model import Report
from coldstart.report.output import ReportPaths, prepare_out, write_atomically
from coldstart.report.render_html import render_html
from coldstart.report.render_markdown import render_markdown

DEFAULT_OUT = Path("reports")


@dataclass
class ReportResult:
    """A written report: where it is, what it holds and how long it took."""

    paths: ReportPaths
    report: Report
    seconds: float


def write_report(
    warehouse: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] = DEFAULT_OUT,
    *,
    regions: Sequence[str] | None = None,
    dpi: int = DEFAULT_DPI,
    progress: ProgressSink | None = None,
) -> ReportResult:
    """Build the report of ``warehouse`` and write it into ``out``, atomically.

    Checks cheap things first — the regions, that the warehouse exists and is not empty, that
    ``out`` can be written — so a mistake fails in a second with one clear line, not after
    the figures are drawn.
    """
    import coldstart.query

    t0 = time.perf_counter()
    region_sel = check_regions(regions)
    with coldstart.query.open(warehouse, memory_limit=REPORT_MEMORY_LIMIT) as session:
        prepare_out(out)
        report = build_from_session(session, regions=region_sel, dpi=dpi, progress=progress)
    images = {f.filename: f.png for s in report.sections for f in s.figures if f.png is not None}
    paths = write_atomically(
        out,
        html=lambda: render_html(report),
        markdown=lambda files_dir: render_markdown(report, files_dir),
        images=images,
    )
    return ReportResult(paths, report, time.perf_counter() - t0)


__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_OUT",
    "SECTIONS",
    "SECTION_IDS",
    "Report",
    "ReportPaths",
    "ReportResult",
    "all_findings",
    "build_report",
    "render_html",
    "render_markdown",
    "write_report",
]

"""What a report is made of, independent of how it is rendered (HTML or Markdown).

The builder (:mod:`coldstart.report.build`) fills these from the figures' frames
(:mod:`coldstart.frames`) and drawings (:mod:`coldstart.plots`); the renderers only lay them
out. Keeping the raw DataFrames next to the formatted cells lets tests check the numbers a
reader sees against the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from coldstart.report import fmt


@dataclass(frozen=True)
class Column:
    """One column of a table: where its values come from and how to show them."""

    name: str  # column of the DataFrame
    header: str  # what the reader sees
    unit: str = "text"  # a fmt.UNITS key: text, count, s, share, ratio, …
    doc: str = ""  # one line on what the column means (tooltip in HTML)


@dataclass
class Table:
    """The numbers behind a figure: a query result (or a figure's data) with its columns."""

    key: str  # stable id, e.g. "cold_starts_by_region"
    title: str
    source: str  # where the numbers come from, e.g. "query cold_starts_by_region"
    columns: list[Column]
    frame: pl.DataFrame
    note: str = ""

    def cells(self) -> list[list[str]]:
        """Formatted rows, in the order of ``columns``."""
        return [
            [fmt.value(row[c.name], c.unit) for c in self.columns]
            for row in self.frame.iter_rows(named=True)
        ]


@dataclass
class FigureBlock:
    """One paper figure as an image (PNG bytes), or why it could not be drawn."""

    fig_id: str
    title: str
    caption: str = ""
    png: bytes | None = None
    skipped_reason: str | None = None

    @property
    def skipped(self) -> bool:
        return self.png is None

    @property
    def filename(self) -> str:
        return f"{self.fig_id}.png"


@dataclass
class Finding:
    """A sentence computed from the data, with the values it states (checked by the tests)."""

    key: str
    text: str
    values: dict[str, Any] = field(default_factory=dict)
    verdict: str | None = None  # for a paper claim: agrees / differs


@dataclass
class Section:
    """One section of the report, following the paper; ``skipped_reason`` if it has no data."""

    id: str
    title: str
    intro: str
    findings: list[Finding] = field(default_factory=list)
    figures: list[FigureBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    skipped_reason: str | None = None

    @property
    def skipped(self) -> bool:
        return self.skipped_reason is not None

    def finding(self, key: str) -> Finding | None:
        return next((f for f in self.findings if f.key == key), None)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


@dataclass
class Report:
    """A whole report: header facts, the ingested-data summary and the sections in order."""

    title: str
    warehouse: Path
    generated_at: datetime
    version: str
    regions: tuple[str, ...] | None
    ingested: Table
    data_notes: list[str]
    sections: list[Section]
    timings: dict[str, float] = field(default_factory=dict)
    provenance: str = ""  # where the warehouse's rows came from (coldstart.provenance)
    synthetic_banner: str | None = None  # set on synthetic data: shown on every page
    reproducibility: Table | None = None  # per figure: grade, paper numbers compared, agree

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

"""The frames layer: a Session → each figure's named polars DataFrames.

The layers of the figures, each a package::

    coldstart.frames   queries (through the Session) + coldstart.analysis → DataFrames
    coldstart.plots    DataFrames → matplotlib Figures and captions (no queries)
    coldstart.report   frames + figures + findings → HTML / Markdown (computes nothing)

Besides the figures' frames, ``frames.findings`` selects the values the report's sentences
state and ``frames.paper_check`` sets the paper's numbers beside this warehouse's.

Use::

    import coldstart
    from coldstart import frames, plots

    with coldstart.open("data/warehouse") as session:
        ff = frames.build("fig10", session, regions=("R1", "R2"))
        ff["lognormal_fit"]                 # a DataFrame behind the figure
        fig = plots.draw(ff)                # the matplotlib Figure
        plots.caption(ff)                   # what it shows, with the options used

A warehouse without a table a figure needs raises :class:`coldstart.errors.MissingTableError`.
"""

from __future__ import annotations

from coldstart.frames.cache import CachedSession
from coldstart.frames.model import ALL, NOT_IN_TABLE, FigureFrames
from coldstart.frames.options import TABLE_SOURCES, FigureOptions, check_regions
from coldstart.frames.specs import (
    FIGURES,
    FigureSpec,
    build,
    figure_ids,
    missing_tables,
    options,
    resolve_ids,
)

__all__ = [
    "ALL",
    "FIGURES",
    "NOT_IN_TABLE",
    "TABLE_SOURCES",
    "CachedSession",
    "FigureFrames",
    "FigureOptions",
    "FigureSpec",
    "build",
    "check_regions",
    "figure_ids",
    "missing_tables",
    "options",
    "resolve_ids",
]

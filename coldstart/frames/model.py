"""What the frames layer hands on: each figure's named DataFrames, and small helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from coldstart.analysis import ecdf
from coldstart.frames.options import FigureOptions

#: Label of functions the function table does not list (shown rather than guessed).
NOT_IN_TABLE = "not in function table"
#: The pooled curve of the Region 2 breakdowns (Figs 15–17).
ALL = "all"


@dataclass
class FigureFrames:
    """A figure's data: named polars DataFrames, the options they were computed with, and —
    for a Region 2 figure whose region the selection leaves out — why there is nothing."""

    fig_id: str
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    options: FigureOptions = field(default_factory=FigureOptions)
    excluded: str | None = None

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def get(self, name: str) -> pl.DataFrame:
        """The frame, or an empty one (a section table over an excluded figure)."""
        return self.frames.get(name, pl.DataFrame())


def keep_regions(df: pl.DataFrame, opts: FigureOptions) -> pl.DataFrame:
    """Rows of the selected regions (several-region selections are filtered in polars)."""
    if opts.regions is None or "region" not in df.columns:
        return df
    return df.filter(pl.col("region").is_in(list(opts.regions)))


def positive_ecdf(df: pl.DataFrame, value: str, by: Sequence[str] = ()) -> pl.DataFrame:
    """ECDF over all values (zeros in the denominator) with the x ≤ 0 points removed.

    Zeros cannot sit on a log axis, but they still count: the curve starts at their share.
    """
    return ecdf.ecdf(df, value, by).filter(pl.col("x") > 0)


def label_null(df: pl.DataFrame, column: str) -> pl.DataFrame:
    return df.with_columns(pl.col(column).fill_null(NOT_IN_TABLE))


def one_row(df: pl.DataFrame, **where: Any) -> dict[str, Any] | None:
    """The first row matching ``where`` as a dict, or None."""
    part = df
    for k, v in where.items():
        if k not in part.columns:
            return None
        part = part.filter(pl.col(k) == v)
    return part.row(0, named=True) if part.height else None

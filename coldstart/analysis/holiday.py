"""Holiday normalisation of Fig 7: daily series per region, scaled to 1 at their maximum.

The holiday calendar is the paper's [T]: day 13 is the last working day before the week-long
holiday, which starts on day 14; day 24 is the first working day after it (Fig 7 caption; §4.2
says day 23 — paper_catalog §20.1). The caption is vague about the normalisation window; every
region reaches exactly 1.0 inside days 10–25 in the figure, so the default normalises each
region by its own maximum over the plotted window (``normalise_over="window"``);
``"all"`` uses the maximum over all days instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

LAST_WORKDAY = 13
HOLIDAY_FIRST_DAY = 14
FIRST_WORKDAY_AFTER = 24
DEFAULT_WINDOW = (10, 25)

NormaliseOver = Literal["window", "all"]


def normalise_daily(
    daily: pl.DataFrame,
    values: Sequence[str],
    *,
    window: tuple[int, int] = DEFAULT_WINDOW,
    normalise_over: NormaliseOver = "window",
    by: str = "region",
) -> pl.DataFrame:
    """``by, day, *values`` → the rows of days in ``window`` (inclusive), each value / its max.

    A region whose maximum is 0 or missing keeps NULLs rather than dividing by zero.
    """
    lo, hi = window
    in_window = pl.col("day").is_between(lo, hi)
    scope = daily.filter(in_window) if normalise_over == "window" else daily
    if normalise_over not in ("window", "all"):
        raise ValueError(f"normalise_over must be 'window' or 'all', not {normalise_over!r}")
    maxima = scope.group_by(by).agg([pl.col(v).max().alias(f"_max_{v}") for v in values])
    return (
        daily.filter(in_window)
        .join(maxima, on=by, how="left")
        .with_columns(
            [
                pl.when(pl.col(f"_max_{v}") > 0)
                .then(pl.col(v) / pl.col(f"_max_{v}"))
                .otherwise(None)
                .alias(v)
                for v in values
            ]
        )
        .select(by, "day", *values)
        .sort(by, "day")
    )

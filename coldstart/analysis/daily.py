"""Per-function daily request totals and the "requests per day" of Fig 3a / Fig 6a.

The caption of Fig 3a ("sum of requests on median day") has two readings (paper_catalog §Fig 3a,
§20.9), selectable with ``reading``:

* ``"median_over_days"`` (default): each function's median over all days of its daily totals,
  days without requests counting as 0;
* ``"median_day"``: the region's median day (by region-total requests) and each function's
  total on that day.

Zero medians fall off a log axis; they are kept in the frame and dropped by the plot.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

Reading = Literal["median_over_days", "median_day"]
DEFAULT_READING: Reading = "median_over_days"


def median_daily_requests(
    daily: pl.DataFrame,
    *,
    reading: Reading = DEFAULT_READING,
    days: int | None = None,
) -> pl.DataFrame:
    """From ``region, funcID, day, requests`` rows to ``region, funcID, requests_per_day``.

    Days missing for a function (no requests) count as 0; the number of days is ``days`` or,
    when None, the number of distinct days the region has data for.
    """
    if daily.height == 0:
        return pl.DataFrame(
            schema={"region": pl.String, "funcID": pl.String, "requests_per_day": pl.Float64}
        )
    if reading == "median_day":
        totals = daily.group_by("region", "day").agg(pl.col("requests").sum())
        # Lower median: a day that exists, for an even number of days.
        med_day = (
            totals.sort("region", "requests", "day")
            .group_by("region", maintain_order=True)
            .agg(pl.col("day").get((pl.len() - 1) // 2).alias("median_day"))
        )
        funcs = daily.select("region", "funcID").unique()
        on_day = daily.join(med_day, left_on=["region", "day"], right_on=["region", "median_day"])
        return (
            funcs.join(
                on_day.select("region", "funcID", "requests"), on=["region", "funcID"], how="left"
            )
            .with_columns(
                pl.col("requests").fill_null(0).cast(pl.Float64).alias("requests_per_day")
            )
            .select("region", "funcID", "requests_per_day")
            .sort("region", "funcID")
        )
    if reading != "median_over_days":
        raise ValueError(f"reading must be 'median_over_days' or 'median_day', not {reading!r}")
    n_days = (
        daily.group_by("region").agg(pl.col("day").n_unique().alias("n_days"))
        if days is None
        else daily.select("region").unique().with_columns(pl.lit(days).alias("n_days"))
    )
    nd = dict(n_days.iter_rows())
    per_func = daily.group_by("region", "funcID").agg(pl.col("requests").cast(pl.Float64))
    out_region, out_func, out_med = [], [], []
    for region, funcid, values in per_func.iter_rows():
        padded = np.zeros(max(int(nd[region]), len(values)))
        padded[: len(values)] = values
        out_region.append(region)
        out_func.append(funcid)
        out_med.append(float(np.median(padded)))
    return pl.DataFrame(
        {"region": out_region, "funcID": out_func, "requests_per_day": out_med},
        schema={"region": pl.String, "funcID": pl.String, "requests_per_day": pl.Float64},
    ).sort("region", "funcID")

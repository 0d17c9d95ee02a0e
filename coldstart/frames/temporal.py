"""Frames of the time-pattern figures: Fig 5 (daily peaks), Fig 6 (peak-to-trough), Fig 7."""

from __future__ import annotations

from typing import Any

import polars as pl

from coldstart import release
from coldstart.analysis import holiday, peak_trough, peaks
from coldstart.frames.model import keep_regions
from coldstart.frames.options import FigureOptions

#: Functions listed in the report's table of the highest peak-to-trough ratios.
TOP_RATIOS = 10


def fig05(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Region-total requests per minute (normalised, smoothed) and each day's largest peak."""
    lo, hi = opts.days or (0, 2)
    per_minute = keep_regions(
        session.query("requests_per_minute", region=opts.one_region, day_from=lo, day_to=hi),
        opts,
    )
    result = peaks.daily_peaks(
        per_minute,
        window_minutes=opts.smoothing_minutes,
        prominence=opts.peak_prominence,
        first_day=lo,
        last_day=hi,
    )
    return {
        "series": result.series,
        "peaks": result.peaks,
        "flatness": flat_regions(result.series),
    }


#: A region's panel looks flat when 90 % of its smoothed minutes sit below this share of its
#: maximum: a few burst minutes set the scale and the daily cycle is squashed at the bottom.
FLAT_BELOW = 0.1


def flat_regions(series: pl.DataFrame) -> pl.DataFrame:
    """Per region, whether its normalised, smoothed requests per minute stay below
    :data:`FLAT_BELOW` of their maximum in 90 % of the minutes (Fig 5 then says why).

    Columns: region, p90 (90th percentile of the normalised smoothed series), flat (bool).
    """
    if series.is_empty():
        return pl.DataFrame(schema={"region": pl.String, "p90": pl.Float64, "flat": pl.Boolean})
    return (
        series.group_by("region")
        .agg(pl.col("smoothed").quantile(0.9, "linear").alias("p90"))
        .with_columns((pl.col("p90") < FLAT_BELOW).alias("flat"))
        .sort("region")
    )


#: Days of function-minutes read per query for Fig 6: DuckDB sorts each read (by function
#: and time) in memory, ~140 bytes a row, so reads stay a few days long.
DAYS_PER_READ = 4
#: Functions handed to the peak-to-trough analysis at a time (it copies its input once).
FUNCTIONS_PER_PASS = 200


def _ratios_of_region(session: Any, region: str, opts: FigureOptions) -> pl.DataFrame:
    """Peak-to-trough ratios of one region's functions.

    The active function-minutes of a region are ~10^7 rows on the full release: read whole,
    DuckDB's sort of them alone took more than a gigabyte. They are read a few days at a
    time, kept compact (funcID as a category, time and requests as 32-bit integers: 12 bytes
    a row), ordered once in polars, and analysed a batch of functions at a time.
    """
    name = "requests_per_function_minute"
    reads = []
    for first in range(0, release.N_DAYS, DAYS_PER_READ):
        last = min(first + DAYS_PER_READ, release.N_DAYS) - 1
        params = {"region": region, "day_from": first, "day_to": last}
        batches = (
            session.query_batches(name, **params)
            if hasattr(session, "query_batches")
            else [session.query(name, **params)]  # e.g. the Spark session
        )
        for batch in batches:
            reads.append(
                batch.select(
                    pl.col("funcID").cast(pl.Categorical),
                    pl.col("time").cast(pl.Int32),
                    pl.col("requests").cast(pl.Int32),
                )
            )
    if not reads:
        return _ratios(_NO_MINUTES, opts)
    rows = pl.concat(reads, how="vertical_relaxed")
    del reads
    # Each function's rows together (one integer key; the analysis orders a function by time).
    rows = rows.sort(pl.col("funcID").to_physical(), maintain_order=True)
    codes = rows["funcID"].to_physical()
    starts = [0, *(codes.ne(codes.shift(1)).arg_true().to_list()[1:]), rows.height]
    parts = []
    for i in range(0, len(starts) - 1, FUNCTIONS_PER_PASS):
        lo, hi = starts[i], starts[min(i + FUNCTIONS_PER_PASS, len(starts) - 1)]
        chunk = rows.slice(lo, hi - lo).select(
            pl.lit(region).alias("region"),
            pl.col("funcID").cast(pl.String),
            pl.col("time").cast(pl.Int64),
            pl.col("requests").cast(pl.Int64),
        )
        parts.append(_ratios(chunk, opts))
    if not parts:
        return _ratios(_NO_MINUTES, opts)
    return pl.concat(parts, how="vertical_relaxed").sort("funcID")


def _ratios(rows: pl.DataFrame, opts: FigureOptions) -> pl.DataFrame:
    return peak_trough.peak_to_trough_by_function(
        rows,
        window=opts.peak_trough_window,
        trough_floor=opts.trough_floor,
        zero_fill=opts.peak_trough_zero_fill,
    )


_NO_MINUTES = pl.DataFrame(
    schema={"region": pl.String, "funcID": pl.String, "time": pl.Int64, "requests": pl.Int64}
)


def fig06(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Peak-to-trough ratio per function beside its median requests/day and cold starts."""
    region = opts.one_region
    # One region at a time: on the full release the active function-minutes of all regions
    # together would be ~10^8 rows; per region they stay a fraction of that.
    parts = [_ratios_of_region(session, r, opts) for r in opts.regions or release.REGIONS]
    ratios = pl.concat(parts, how="vertical_relaxed")
    per_function = session.query("requests_per_function", region=region).select(
        "region", "funcID", pl.col("median_daily_requests").alias("requests_per_day")
    )
    cold = session.query("requests_vs_cold_starts", region=region).select(
        "region", "funcID", "cold_starts"
    )
    table = (
        ratios.join(per_function, on=["region", "funcID"], how="left")
        .join(cold, on=["region", "funcID"], how="left")
        .with_columns(pl.col("requests_per_day").fill_null(0), pl.col("cold_starts").fill_null(0))
    )
    summary = table.group_by("region").agg(
        pl.len().alias("functions"),
        pl.col("ratio").max().alias("max_ratio"),
        pl.col("ratio").median().alias("median_ratio"),
        (pl.col("ratio") == 1).mean().alias("share_flat"),
        pl.col("ratio")
        .filter(pl.col("requests_per_day") >= 1e7)
        .max()
        .alias("max_ratio_above_1e7_per_day"),
    )
    return {
        "ratios": table,
        "top": table.sort("ratio", descending=True).head(TOP_RATIOS),
        "summary": summary.sort("region"),
    }


def fig07(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Daily pods and CPU per region, normalised to the maximum over the window; the pods
    also as a region × day table (the report's)."""
    window = opts.days or holiday.DEFAULT_WINDOW
    daily = keep_regions(session.query("region_daily", region=opts.one_region), opts)
    norm = holiday.normalise_daily(
        daily,
        ["pods", "cpu_mean", "cpu_pod_weighted"],
        window=window,
        normalise_over=opts.normalise_over,
    )
    wide = (
        norm.sort("region", "day").pivot(on="day", index="region", values="pods")
        if norm.height
        else pl.DataFrame()
    )
    return {"daily": daily, "normalised": norm, "pods_by_day": wide}

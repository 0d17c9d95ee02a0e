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


#: Rows per batch of Fig 6's read of every active function-minute of a region.
BATCH_ROWS = 500_000


def _ratios_of_region(session: Any, region: str, opts: FigureOptions) -> pl.DataFrame:
    """Peak-to-trough ratios of one region's functions, streamed.

    The active function-minutes of a region are ~10^7 rows on the full release. The query
    returns them ordered by function and time, so they are read in batches and every batch's
    complete functions are analysed at once; only the last function of a batch, which may go
    on in the next one, is carried over. Python never holds more than a batch (DuckDB's sort
    spills beyond the session's memory limit). Holding a region whole, as an earlier version
    did, peaked at ≈1 GB on `medium`.
    """
    name = "requests_per_function_minute"
    params = {"region": region, "day_from": 0, "day_to": release.N_DAYS - 1}
    batches = (
        session.query_batches(name, rows=BATCH_ROWS, **params)
        if hasattr(session, "query_batches")
        else [session.query(name, **params)]  # e.g. the Spark session
    )
    parts: list[pl.DataFrame] = []
    carry: pl.DataFrame | None = None
    for batch in batches:
        rows = batch.select(
            pl.lit(region).alias("region"),
            pl.col("funcID").cast(pl.String),
            pl.col("time").cast(pl.Int64),
            pl.col("requests").cast(pl.Int64),
        )
        if carry is not None:
            rows = pl.concat([carry, rows], how="vertical_relaxed")
        if rows.is_empty():
            continue
        # The query orders by funcID: the last function's rows are the batch's tail.
        tail = int((rows["funcID"] == rows["funcID"][-1]).sum())
        carry = rows.tail(tail)
        if rows.height > tail:
            parts.append(_ratios(rows.head(rows.height - tail), opts))
    if carry is not None and carry.height:
        parts.append(_ratios(carry, opts))
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

"""Frames of the region-level figures: Fig 1 (sizes), Fig 3 (region CDFs), Fig 4 (users)."""

from __future__ import annotations

from typing import Any

import polars as pl

from coldstart.analysis import daily as daily_analysis
from coldstart.frames.model import keep_regions, positive_ecdf
from coldstart.frames.options import FigureOptions


def fig01(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """region_summary: functions, requests, pods and cold starts per region."""
    return {"region_summary": keep_regions(session.query("region_summary"), opts)}


def fig03(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Median requests per day per function and its ECDF; per-minute execution time and CPU
    usage ECDFs (log-binned by the query)."""
    region = opts.one_region
    per_day = keep_regions(session.query("requests_per_function_day", region=region), opts)
    medians = daily_analysis.median_daily_requests(per_day, reading=opts.median_reading)
    data = {
        "requests_per_day": medians,
        "requests_per_day_cdf": positive_ecdf(medians, "requests_per_day", ["region"]),
    }
    for metric, key in (("totalCost", "execution_time_cdf"), ("cpu_usage", "cpu_usage_cdf")):
        hist = session.query(
            "timeseries_log_histogram",
            metric=metric,
            bins_per_decade=opts.bins_per_decade,
            region=region,
        )
        # The query's cdf counts values ≤ 0 (NULL bin) too; they have no place on a log axis.
        data[key] = (
            keep_regions(hist, opts)
            .filter(pl.col("bin").is_not_null())
            .select(
                "region",
                pl.col("upper").alias("x"),
                "cdf",
                pl.col("cells").sum().over("region").alias("n"),
            )
        )
    return data


def fig04(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Functions and requests per user, and their ECDFs per region."""
    users = keep_regions(session.query("requests_per_user", region=opts.one_region), opts)
    summary = (
        users.group_by("region")
        .agg(
            pl.len().alias("users"),
            (pl.col("functions") == 1).mean().alias("single_function_share"),
            (pl.col("requests") > 1000).mean().alias("above_1000_share"),
        )
        .sort("region")
    )
    return {
        "users": users,
        "summary": summary,
        "functions_cdf": positive_ecdf(users, "functions", ["region"]),
        "requests_cdf": positive_ecdf(users, "requests", ["region"]),
    }

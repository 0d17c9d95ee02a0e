"""Frames of Fig 10: cold-start time and inter-arrival CDFs, and the fitted models."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from coldstart.analysis import fits
from coldstart.frames.model import keep_regions, positive_ecdf
from coldstart.frames.options import FigureOptions

#: Points on the fitted model's CDF curve (log-spaced over the data's range).
FIT_CURVE_POINTS = 400


def _fit_curve(pooled: pl.DataFrame, fit: fits.FitResult | None) -> pl.DataFrame:
    """The fitted CDF on a log grid spanning the pooled data (what the plot draws)."""
    if fit is None or pooled.height == 0:
        return pl.DataFrame(schema={"x": pl.Float64, "cdf": pl.Float64})
    xs = pooled["x"].to_numpy()
    lo, hi = max(float(xs[xs > 0].min()), 1e-9), float(xs.max())
    grid = np.logspace(np.log10(lo), np.log10(hi), FIT_CURVE_POINTS)
    return pl.DataFrame({"x": grid, "cdf": fit.frozen_distribution().cdf(grid)})


def fig10(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Per-region and pooled ECDFs of the cold-start time and of the gaps between a region's
    consecutive cold starts; LogNormal and Weibull fits (tables and curves); the per-region
    summaries the report tabulates."""
    region = opts.one_region
    values = keep_regions(session.query("cold_starts_times", region=region), opts)
    iats = keep_regions(session.query("cold_starts_inter_arrival", region=region), opts).select(
        "region", "iat_s"
    )
    cs_pooled = positive_ecdf(values, "total_s")
    iat_pooled = positive_ecdf(iats, "iat_s")
    fit_opts = {"max_samples": opts.fit_max_samples, "seed": opts.seed}
    ln_table, ln = (
        fits.fits_by_region(values, "total_s", "lognormal", **fit_opts)
        if values.height
        else (pl.DataFrame(), {})
    )
    wb_table, wb = (
        fits.fits_by_region(iats, "iat_s", "weibull", zero_policy=opts.iat_zero_policy, **fit_opts)
        if iats.height
        else (pl.DataFrame(), {})
    )
    zero = iats.group_by("region").agg((pl.col("iat_s") == 0).mean().alias("zero_share"))
    return {
        "cold_start_cdf": positive_ecdf(values, "total_s", ["region"]),
        "cold_start_pooled_cdf": cs_pooled,
        "iat_cdf": positive_ecdf(iats, "iat_s", ["region"]),
        "iat_pooled_cdf": iat_pooled,
        "iat_zero_share": pl.concat(
            [
                zero.sort("region"),
                pl.DataFrame(
                    {
                        "region": ["all"],
                        "zero_share": [float((iats["iat_s"] == 0).mean()) if iats.height else None],
                    }
                ),
            ],
            how="vertical_relaxed",
        ),
        "lognormal_fit": ln_table,
        "weibull_fit": wb_table,
        "lognormal_curve": _fit_curve(cs_pooled, ln.get("all")),
        "weibull_curve": _fit_curve(iat_pooled, wb.get("all")),
        "by_region": keep_regions(session.query("cold_starts_by_region"), opts),
        "iat_summary": keep_regions(session.query("cold_starts_inter_arrival_summary"), opts),
    }

"""Frames of Fig 10: cold-start time and inter-arrival CDFs, and the fitted models."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from coldstart.analysis import ecdf, fits
from coldstart.frames.model import keep_regions, positive_ecdf
from coldstart.frames.options import FigureOptions

#: Points on the fitted model's CDF curve (log-spaced over the data's range).
FIT_CURVE_POINTS = 400
#: Bins per decade of the inter-arrival histogram: 0.23 % wide, so below 0.43 s every bin
#: holds one millisecond value, and the Weibull fit from it equals the fit to every gap
#: (within 1e-4 relative in shape and scale; tests/figures/test_analysis.py).
IAT_BINS_PER_DECADE = 1000


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
    summaries the report tabulates.

    The gaps come as a fine histogram (one per cold start would be 11.9 M rows on the full
    release): their ECDFs are exact at each bin's largest gap, and the Weibull is fitted to
    every gap through the histogram (coldstart.analysis.fits.fit_weibull_histogram).
    """
    region = opts.one_region
    values = keep_regions(session.query("cold_starts_times", region=region), opts)
    iat_hist = keep_regions(
        session.query(
            "cold_starts_inter_arrival_histogram",
            region=region,
            bins_per_decade=IAT_BINS_PER_DECADE,
        ),
        opts,
    )
    cs_pooled = positive_ecdf(values, "total_s")
    iat_pooled = ecdf.ecdf_from_histogram(iat_hist)
    fit_opts = {"max_samples": opts.fit_max_samples, "seed": opts.seed}
    ln_table, ln = (
        fits.fits_by_region(values, "total_s", "lognormal", **fit_opts)
        if values.height
        else (pl.DataFrame(), {})
    )
    wb_table, wb = (
        fits.weibull_fits_by_region(iat_hist, zero_policy=opts.iat_zero_policy)
        if iat_hist.height
        else (pl.DataFrame(), {})
    )
    zero = iat_hist.group_by("region").agg(
        (pl.col("n").filter(pl.col("bin").is_null()).sum() / pl.col("n").sum()).alias("zero_share")
    )
    n_all = iat_hist["n"].sum()
    zero_all = iat_hist.filter(pl.col("bin").is_null())["n"].sum()
    return {
        "cold_start_cdf": positive_ecdf(values, "total_s", ["region"]),
        "cold_start_pooled_cdf": cs_pooled,
        "iat_cdf": ecdf.ecdf_from_histogram(iat_hist, ["region"]),
        "iat_pooled_cdf": iat_pooled,
        "iat_zero_share": pl.concat(
            [
                zero.sort("region"),
                pl.DataFrame(
                    {"region": ["all"], "zero_share": [zero_all / n_all if n_all else None]}
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

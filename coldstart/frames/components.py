"""Frames of the cold-start component figures: Fig 11 (hourly), Fig 12 (Spearman), Fig 13."""

from __future__ import annotations

from typing import Any

import polars as pl

from coldstart.analysis import density
from coldstart.analysis.correlation import spearman_by_group
from coldstart.frames.model import keep_regions
from coldstart.frames.options import FigureOptions

#: Fig 12's variables, in the paper's order: (column in the per-minute frame, label).
CORRELATION_VARIABLES = (
    ("mean_s", "cold start time"),
    ("deploy_code_s", "deploy code time"),
    ("deploy_dependency_s", "deploy dep. time"),
    ("scheduling_s", "scheduling time"),
    ("pod_allocation_s", "pod alloc. time"),
    ("cold_starts", "number of cold starts"),
)
COMPONENTS = ("pod_allocation", "deploy_code", "deploy_dependency", "scheduling")

_SPEARMAN_SCHEMA = {
    "region": pl.String,
    "var_x": pl.String,
    "var_y": pl.String,
    "rho": pl.Float64,
    "p_value": pl.Float64,
    "n": pl.Int64,
}


def fig11(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Hourly mean of each component and hourly count per region; the per-region means."""
    hourly = keep_regions(session.query("cold_starts_hourly", region=opts.one_region), opts)
    return {
        "hourly": hourly,
        "by_region": keep_regions(session.query("cold_starts_by_region"), opts),
    }


def fig12(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Spearman ρ between the per-minute means and count (long), and the row of the mean
    cold-start time per region (wide, the report's table)."""
    per_minute = keep_regions(session.query("cold_starts_per_minute", region=opts.one_region), opts)
    cols = [c for c, _ in CORRELATION_VARIABLES]
    matrices = (
        spearman_by_group(per_minute, cols, by="region")
        if per_minute.height
        else pl.DataFrame(schema=_SPEARMAN_SCHEMA)
    )
    pick = matrices.filter(pl.col("var_x") == "mean_s").sort("region", "var_y")
    wanted = ("cold_starts", *[f"{c}_s" for c in COMPONENTS])
    wide = (
        pick.pivot(on="var_y", index="region", values="rho").select(
            "region", *[c for c in wanted if c in pick["var_y"]]
        )
        if pick.height
        else pl.DataFrame()
    )
    return {"spearman": matrices, "spearman_mean": wide}


def fig13(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Log-binned densities (violins) and quartiles of each component by pool size and
    region (zeros excluded by the query's binning); the query's medians by pool size."""
    hist = session.query(
        "cold_starts_histogram", bins_per_decade=opts.bins_per_decade, region=opts.one_region
    )
    hist = keep_regions(hist.filter(pl.col("bin").is_not_null()), opts)
    binned = (
        hist.filter(pl.col("pool_size").is_not_null())
        .group_by("region", "pool_size", "component", "bin")
        .agg(pl.col("n").sum())
        .sort("region", "pool_size", "component", "bin")
    )
    stats = density.violin_stats(
        binned, ["region", "pool_size", "component"], bins_per_decade=opts.bins_per_decade
    )
    rows = [
        {
            "region": k[0],
            "pool_size": k[1],
            "component": k[2],
            "n": v["n"],
            "q25_s": v["quantiles"][0],  # type: ignore[index]
            "median_s": v["median"],
            "q75_s": v["quantiles"][2],  # type: ignore[index]
            "mean_s": v["mean"],
            "min_s": v["min"],
            "max_s": v["max"],
            "coords": list(v["coords"]),  # type: ignore[call-overload]
            "vals": list(v["vals"]),  # type: ignore[call-overload]
        }
        for k, v in stats.items()
    ]
    schema = {
        "region": pl.String,
        "pool_size": pl.String,
        "component": pl.String,
        "n": pl.Int64,
        "q25_s": pl.Float64,
        "median_s": pl.Float64,
        "q75_s": pl.Float64,
        "mean_s": pl.Float64,
        "min_s": pl.Float64,
        "max_s": pl.Float64,
        "coords": pl.List(pl.Float64),
        "vals": pl.List(pl.Float64),
    }
    violins = pl.DataFrame(rows, schema=schema)
    return {
        "binned": binned,
        "violins": violins,
        "quartiles": violins.drop("coords", "vals", "mean_s", "min_s", "max_s"),
        "by_pool_size": keep_regions(session.query("cold_starts_by_pool_size"), opts),
    }

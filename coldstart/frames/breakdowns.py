"""Frames of the Region 2 component and utility breakdowns: Figs 15, 16 and 17."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from coldstart.analysis import ecdf
from coldstart.frames.model import ALL, positive_ecdf
from coldstart.frames.options import FigureOptions

#: Groups the paper leaves out of Figs 15–17.
NOT_SHOWN = ("unknown",)


def _group_curves(
    hist: pl.DataFrame, group_col: str, opts: FigureOptions, exclude: Iterable[str]
) -> pl.DataFrame:
    per_group = hist.filter(
        pl.col(group_col).is_not_null() & ~pl.col(group_col).is_in(list(exclude))
    ).rename({group_col: "group"})
    curves = ecdf.ecdf_from_bins(
        per_group, ["group", "component"], bins_per_decade=opts.bins_per_decade
    )
    all_curves = ecdf.ecdf_from_bins(
        hist, ["component"], bins_per_decade=opts.bins_per_decade
    ).with_columns(pl.lit(ALL).alias("group"))
    return pl.concat([curves, all_curves.select(curves.columns)], how="vertical_relaxed")


def _component_cdfs(session: Any, opts: FigureOptions, by: str) -> dict[str, pl.DataFrame]:
    region = opts.function_region
    group_col = "runtime" if by == "runtime" else "trigger_group"
    hist = session.query(
        "cold_starts_histogram", bins_per_decade=opts.bins_per_decade, region=region
    ).filter(pl.col("bin").is_not_null())
    query = "cold_starts_by_runtime" if by == "runtime" else "cold_starts_by_trigger"
    return {
        "cdf": _group_curves(hist, group_col, opts, exclude=NOT_SHOWN),
        "by_group": session.query(query, region=region),
    }


def fig15(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """ECDFs of cold-start time and each component per runtime and for all; the runtime
    summary (cold_starts_by_runtime)."""
    return _component_cdfs(session, opts, "runtime")


def fig16(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """As Fig 15, per trigger group (cold_starts_by_trigger)."""
    return _component_cdfs(session, opts, "trigger")


def fig17(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Utility ratio per cold-started pod; its ECDF per runtime and per trigger group with
    'all'; the per-group summaries."""
    region = opts.function_region
    params = {"region": region, "keep_alive_s": opts.keep_alive_s, "censor_s": opts.censor_s}
    pods = session.query("pod_utility_ratio", **params).filter(pl.col("utility_ratio") > 0)
    pooled = positive_ecdf(pods, "utility_ratio").with_columns(pl.lit(ALL).alias("group"))

    def by(col: str) -> pl.DataFrame:
        part = pods.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(list(NOT_SHOWN)))
        curves = positive_ecdf(part.rename({col: "group"}), "utility_ratio", ["group"])
        return pl.concat([curves, pooled.select(curves.columns)], how="vertical_relaxed")

    return {
        "pods": pods,
        "by_runtime_cdf": by("runtime"),
        "by_trigger_cdf": by("trigger_group"),
        "by_runtime": session.query("utility_ratio_by_runtime", **params),
        "by_trigger": session.query("utility_ratio_by_trigger", **params),
    }

"""Frames of the Region 2 breakdowns: Fig 8 (pods by group), Fig 9 (triggers by runtime),
Fig 14 (requests vs cold starts per function).

Only the function region has runtime and trigger; when a region selection leaves it out these
builders are not called (see :mod:`coldstart.frames.specs`).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from coldstart.frames.model import label_null
from coldstart.frames.options import FigureOptions

GROUPINGS = ("trigger", "runtime", "resource")
_MEASURES = (
    ("pods", "pods_share"),
    ("cold starts", "cold_starts_share"),
    ("functions", "functions_share"),
)


def fig08(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Hourly running pods per group (stacks) and shares of pods, cold starts and functions,
    for the trigger, runtime and resource groupings; the shares also as the query returns
    them (``proportions_<grouping>``) for the report's tables."""
    region = opts.function_region
    hourly_parts, prop_parts = [], []
    data: dict[str, pl.DataFrame] = {}
    for kind in GROUPINGS:
        h = session.query("groups_pods_hourly", region=region, grouping=kind)
        hourly_parts.append(
            label_null(h, "group_name").select(
                pl.lit(kind).alias("kind"), pl.col("group_name").alias("group"), "hour", "pods"
            )
        )
        p = label_null(
            session.query("groups_proportions", region=region, grouping=kind), "group_name"
        )
        data[f"proportions_{kind}"] = p
        for measure, col in _MEASURES:
            prop_parts.append(
                p.select(
                    pl.lit(kind).alias("kind"),
                    pl.col("group_name").alias("group"),
                    pl.lit(measure).alias("measure"),
                    pl.col(col).fill_null(0.0).cast(pl.Float64).alias("share"),
                )
            )
    data["hourly"] = pl.concat(hourly_parts, how="vertical_relaxed")
    data["proportions"] = pl.concat(prop_parts, how="vertical_relaxed")
    return data


def fig09(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Each runtime's functions split by trigger group (long, and runtime × group wide)."""
    region = opts.function_region
    shares = session.query("groups_trigger_by_runtime", region=region).filter(
        pl.col("runtime").is_not_null() & (pl.col("runtime") != "unknown")
    )
    wide = (
        shares.sort("trigger_group")
        .pivot(on="trigger_group", index="runtime", values="share")
        .sort("runtime")
        if shares.height
        else pl.DataFrame()
    )
    return {"shares": shares, "mix": wide}


def fig14(session: Any, opts: FigureOptions) -> dict[str, pl.DataFrame]:
    """Requests and cold starts per function over the trace, with its trigger group."""
    region = opts.function_region
    funcs = label_null(session.query("requests_vs_cold_starts", region=region), "trigger_group")
    return {"functions": funcs}

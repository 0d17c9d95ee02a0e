"""Region 2 breakdowns by trigger, runtime and resources: Fig 8, Fig 9 and Fig 14.

Only Region 2 has the function table (runtime and trigger), so these figures take the region
as a label, not as data to filter.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib.figure import Figure

from coldstart.plots import style

#: Fig 8 panel kinds: (column in the inputs, panel label, stack order, palette).
GROUP_KINDS = {
    "trigger": ("trigger", style.TRIGGER_GROUPS, style.TRIGGER_COLORS),
    "runtime": ("runtime", style.RUNTIME_GROUP_STACK, style.RUNTIME_COLORS),
    "resource": ("CPU-memory", style.RESOURCE_GROUP_STACK, style.RESOURCE_COLORS),
}
#: Fig 8d–f bar order along x, as the paper draws them (alphabetical, 'other' last).
BAR_ORDER = {
    "trigger": ("APIG-S", "OBS-A", "TIMER-A", "other A", "other S", "unknown", "workflow-S"),
    "runtime": ("Custom", "Java", "Node.js", "Python2", "Python3", "http", "other"),
    "resource": ("300-128", "400-256", "600-512", "1000-1024", "other"),
}
MEASURES = ("pods", "cold starts", "functions")
MEASURE_HATCH = {"pods": "", "cold starts": "//", "functions": ".."}
#: Fig 14 guides: total requests over 31 days equivalent to a mean inter-arrival time.
REQUESTS_31D_GUIDES = {"1d": 31.0, "1h": 744.0, "1m": 44_640.0, "1s": 2_678_400.0}


def plot_pods_by_group(
    hourly: pl.DataFrame, proportions: pl.DataFrame, *, region: str = "R2"
) -> Figure:
    """Fig 8: (a–c) running pods per hour as stacked areas, (d–f) proportions as grouped bars.

    ``hourly``: kind (trigger/runtime/resource), group, hour, pods (hourly mean).
    ``proportions``: kind, group, measure (pods / cold starts / functions), share (0–1).
    Stack orders and colours are the paper's (bottom → top as drawn).
    """
    fig = style.new_figure(12.0, 8.5)
    axes = fig.subplots(2, 3)
    for col, (kind, (label, order, palette)) in enumerate(GROUP_KINDS.items()):
        ax = axes[0, col]
        ax.set_title(f"({'abc'[col]}) running pods by {label}", fontsize=10)
        h = hourly.filter(pl.col("kind") == kind) if hourly.height else hourly
        if h.height == 0:
            style.no_data(ax)
        else:
            groups = style.ordered(h["group"].unique().to_list(), order)
            wide = (
                h.pivot(on="group", index="hour", values="pods", aggregate_function="sum")
                .sort("hour")
                .fill_null(0.0)
            )
            days = wide["hour"].to_numpy() / 24.0
            ys = [wide[g].to_numpy() if g in wide.columns else np.zeros(days.size) for g in groups]
            names = [style.resource_label(g) for g in groups] if kind == "resource" else groups
            ax.stackplot(
                days,
                *ys,
                labels=names,
                colors=[style.color_for(g, palette, i) for i, g in enumerate(groups)],
                linewidth=0,
            )
            ax.set_xlim(float(days.min()), float(days.max()))
            ax.set_xlabel("time (days)")
            ax.set_ylabel("running pods (hourly mean)")
            ax.grid(True, alpha=0.3)
            # Headroom above the stack holds the legend, so it never covers the areas.
            top = float(np.max(np.sum(ys, axis=0))) if ys else 1.0
            ax.set_ylim(0, max(top, 1e-9) * 1.6)
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles[::-1], labels[::-1], fontsize=7, loc="upper left", ncols=2,
                      columnspacing=0.8, handlelength=1.2, handletextpad=0.4)  # fmt: skip
        ax = axes[1, col]
        ax.set_title(f"({'def'[col]}) proportions by {label}", fontsize=10)
        p = proportions.filter(pl.col("kind") == kind) if proportions.height else proportions
        if p.height == 0:
            style.no_data(ax)
            continue
        groups = style.ordered(p["group"].unique().to_list(), BAR_ORDER[kind])
        x = np.arange(len(groups))
        width = 0.8 / len(MEASURES)
        for i, measure in enumerate(MEASURES):
            m = p.filter(pl.col("measure") == measure)
            share = dict(zip(m["group"].to_list(), m["share"].to_list(), strict=True))
            ax.bar(
                x + (i - 1) * width,
                [share.get(g, 0.0) for g in groups],
                width,
                color=[style.color_for(g, palette, j) for j, g in enumerate(groups)],
                hatch=MEASURE_HATCH[measure],
                edgecolor="black",
                linewidth=0.5,
                label=measure,
                gid=f"bars:{measure}",
            )
        ticks = [style.resource_label(g) for g in groups] if kind == "resource" else groups
        ax.set_xticks(x, ticks, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("proportion")
        ax.set_ylim(0, 1.25)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.grid(True, axis="y", alpha=0.3)
        legend = ax.legend(fontsize=7, loc="upper center", ncols=3)  # above the 1.0 line
        for handle in legend.legend_handles:
            handle.set_facecolor("white")  # type: ignore[union-attr]
    fig.suptitle(f"Fig 8 — {region}: pods, cold starts and functions by group", fontsize=11)
    return fig


def plot_triggers_by_runtime(shares: pl.DataFrame, *, region: str = "R2") -> Figure:
    """Fig 9: per runtime, the share of its functions in each trigger group (100 % stacked).

    ``shares``: runtime, trigger_group, share (0–1, summing to 1 per runtime), functions.
    """
    fig = style.new_figure(8.0, 4.5)
    ax = fig.add_subplot()
    ax.set_title(f"Fig 9 — {region}: trigger groups by runtime (functions)", fontsize=10)
    if shares.height == 0:
        style.no_data(ax)
        return fig
    runtimes = style.ordered(shares["runtime"].unique().to_list(), style.RUNTIMES)
    groups = style.ordered(shares["trigger_group"].unique().to_list(), style.TRIGGER_GROUPS)
    x = np.arange(len(runtimes))
    bottom = np.zeros(len(runtimes))
    for i, g in enumerate(groups):
        m = shares.filter(pl.col("trigger_group") == g)
        share = dict(zip(m["runtime"].to_list(), m["share"].to_list(), strict=True))
        vals = np.array([share.get(r, 0.0) for r in runtimes])
        ax.bar(
            x,
            vals,
            0.7,
            bottom=bottom,
            label=g,
            color=style.color_for(g, style.TRIGGER_COLORS, i),
            edgecolor="white",
            linewidth=0.5,
            gid=f"stack:{g}",
        )
        bottom += vals
    totals = shares.group_by("runtime").agg(pl.col("functions").sum())
    n = dict(zip(totals["runtime"].to_list(), totals["functions"].to_list(), strict=True))
    ax.set_xticks(x, [f"{r}\n(n={n.get(r, 0)})" for r in runtimes], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of the runtime's functions")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1],
        labels[::-1],
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        title="trigger",
    )
    return fig


def plot_requests_vs_cold_starts(functions: pl.DataFrame, *, region: str = "R2") -> Figure:
    """Fig 14: per function, total requests (x) vs cold starts (y), log–log, by trigger group.

    ``functions``: funcID, requests, cold_starts, trigger_group. The red diagonal is "1 request
    = 1 cold start"; dashed verticals mark the request totals equivalent to a mean
    inter-arrival time of 1 day, 1 hour, 1 minute and 1 second over 31 days. Functions with
    0 requests or 0 cold starts cannot sit on log axes and are counted in the title.
    """
    fig = style.new_figure(7.5, 5.5)
    ax = fig.add_subplot()
    shown = functions.filter((pl.col("requests") > 0) & (pl.col("cold_starts") > 0))
    hidden = functions.height - shown.height
    ax.set_title(
        f"Fig 14 — {region}: requests vs cold starts per function"
        + (f"\n({hidden} functions with 0 requests or 0 cold starts not shown)" if hidden else ""),
        fontsize=10,
    )
    if shown.height == 0:
        style.no_data(ax)
        return fig
    groups = style.ordered(shown["trigger_group"].unique().to_list(), style.TRIGGER_GROUPS)
    for i, g in enumerate(groups):
        part = shown.filter(pl.col("trigger_group") == g)
        ax.scatter(
            part["requests"],
            part["cold_starts"],
            s=14,
            alpha=0.75,
            label=g,
            color=style.color_for(g, style.TRIGGER_COLORS, i),
            edgecolor="none",
            gid=f"points:{g}",
            zorder=3,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    lo = 0.5
    # Wide enough for every guide (1 s ≈ 2.7e6 requests over 31 days), as in the paper.
    hi = max(
        float(shown["requests"].max()) * 3,
        float(shown["cold_starts"].max()) * 3,
        max(REQUESTS_31D_GUIDES.values()) * 2,
    )
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, max(float(shown["cold_starts"].max()) * 3, 10))
    ax.plot(
        [lo, hi],
        [lo, hi],
        color=style.GUIDE_COLOR,
        linewidth=1.2,
        label="1 request = 1 cold start",
        gid="diagonal",
        zorder=2,
    )
    style.vertical_guides(ax, REQUESTS_31D_GUIDES, color="#555555")
    ax.set_xlabel("requests (whole trace)")
    ax.set_ylabel("cold starts (whole trace)")
    ax.grid(True, which="major", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if handles:  # beside the panel: the scatter can fill any corner
        ax.legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  title="trigger")  # fmt: skip
    return fig

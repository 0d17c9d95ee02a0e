"""Region-level figures: Fig 1 (size of each region), Fig 3 (region CDFs), Fig 4 (users).

Inputs are per-region CDF curves (``region, x, cdf`` from :mod:`coldstart.analysis.ecdf`) and
small per-region tables; every curve is drawn exactly at the frame's points.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coldstart.plots import style

#: Fig 3a guides: requests per day equivalent to a mean inter-arrival time (86 400 s / IAT).
REQUESTS_PER_DAY_GUIDES = {
    "1d": 1.0,
    "12h": 2.0,
    "3h": 8.0,
    "1h": 24.0,
    "30m": 48.0,
    "1m": 1440.0,
    "1s": 86400.0,
    "1ms": 8.64e7,
}


def region_cdf_panel(
    ax: Axes,
    curves: pl.DataFrame,
    *,
    xlabel: str,
    title: str,
    legend: bool = True,
) -> None:
    """One CDF line per region (paper colours and line styles), log x; 'no data' if empty."""
    ax.set_title(title, fontsize=10)
    if curves.height == 0:
        style.no_data(ax)
        return
    for region in style.ordered(curves["region"].unique().to_list(), style.REGIONS):
        part = curves.filter(pl.col("region") == region).sort("x")
        style.step_cdf(
            ax,
            part["x"].to_numpy(),
            part["cdf"].to_numpy(),
            color=style.color_for(region, style.REGION_COLORS),
            linestyle=style.REGION_LINESTYLES.get(region, "-"),
            linewidth=1.6,
            label=region,
            gid=f"cdf:{region}",
        )
    style.cdf_axes(ax, xlabel)
    if legend and ax.figure is not None:
        style.legend_outside(ax.figure, ax)  # type: ignore[arg-type]


def plot_region_sizes(sizes: pl.DataFrame) -> Figure:
    """Fig 1: functions (x, log) vs requests over the trace (y, log); bubble area ∝ pods.

    ``sizes``: region, functions, requests, pods. Regions with no functions or requests cannot
    sit on log axes and are listed in the title instead.
    """
    fig = style.new_figure(6.0, 4.5)
    ax = fig.add_subplot()
    ax.set_title("Fig 1 — size of each region (bubble area ∝ pods)", fontsize=10)
    shown = sizes.filter((pl.col("functions") > 0) & (pl.col("requests") > 0))
    if shown.height == 0:
        style.no_data(ax)
        return fig
    max_pods = max(float(shown["pods"].max() or 0), 1.0)
    scale = 3000.0 / max_pods  # points² for the largest region

    for row in shown.sort("region").iter_rows(named=True):
        ax.scatter(
            row["functions"],
            row["requests"],
            s=max(row["pods"] * scale, 8.0),
            color=style.color_for(row["region"], style.REGION_COLORS),
            alpha=0.6,
            edgecolor="black",
            linewidth=0.6,
            gid=f"bubble:{row['region']}",
            zorder=3,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    _pad_log_limits(ax, shown["functions"].to_numpy(), shown["requests"].to_numpy())
    _label_bubbles(ax, shown.sort("region"), scale)
    ax.set_xlabel("number of functions")
    ax.set_ylabel("number of requests (whole trace)")
    ax.grid(True, which="major", alpha=0.3)
    missing = sizes.filter((pl.col("functions") <= 0) | (pl.col("requests") <= 0))
    if missing.height:
        ax.set_title(
            ax.get_title() + f"\n(no requests: {', '.join(missing['region'].to_list())})",
            fontsize=10,
        )
    return fig


#: Where a bubble's label may go, in order of preference: right, left, above, below, and the
#: four diagonals (unit offsets, scaled by the bubble's radius plus a gap).
_LABEL_SPOTS = (
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
    (0.8, 0.8, "left", "bottom"),
    (-0.8, 0.8, "right", "bottom"),
    (0.8, -0.8, "left", "top"),
    (-0.8, -0.8, "right", "top"),
)
_LABEL_PT = 8.0


def _label_bubbles(ax: Axes, rows: pl.DataFrame, scale: float) -> None:
    """Label each bubble beside it, at the first spot that overlaps neither another bubble nor
    a label already placed (bubbles of similar regions overlap, so labels inside collide)."""
    to_px = ax.figure.dpi / 72.0  # type: ignore[union-attr]
    xy = np.column_stack([rows["functions"].to_numpy(), rows["requests"].to_numpy()])
    centres = ax.transData.transform(xy.astype(float))
    radii = [np.sqrt(max(p * scale, 8.0)) / 2 * to_px for p in rows["pods"].to_list()]
    placed: list[tuple[float, float, float, float]] = []

    def free(box: tuple[float, float, float, float], own: int) -> bool:
        x0, y0, x1, y1 = box
        for j, ((cx, cy), r) in enumerate(zip(centres, radii, strict=True)):
            nx, ny = min(max(cx, x0), x1), min(max(cy, y0), y1)  # nearest point of the box
            if j != own and (nx - cx) ** 2 + (ny - cy) ** 2 < r**2:
                return False
        return all(x1 < a0 or x0 > a1 or y1 < b0 or y0 > b1 for a0, b0, a1, b1 in placed)

    for i, row in enumerate(rows.iter_rows(named=True)):
        text = f"{row['region']}: {_short(row['pods'])} pods"
        w, h = 0.6 * _LABEL_PT * len(text) * to_px, 1.4 * _LABEL_PT * to_px
        (cx, cy), gap = centres[i], radii[i] + 3 * to_px
        choice = _LABEL_SPOTS[0]
        for spot in _LABEL_SPOTS:
            dx, dy, ha, va = spot
            x = cx + dx * gap - {"left": 0, "center": w / 2, "right": w}[ha]
            y = cy + dy * gap - {"bottom": 0, "center": h / 2, "top": h}[va]
            if free((x, y, x + w, y + h), i):
                choice = spot
                placed.append((x, y, x + w, y + h))
                break
        dx, dy, ha, va = choice
        ax.annotate(
            text,
            (row["functions"], row["requests"]),
            xytext=(dx * gap / to_px, dy * gap / to_px),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=_LABEL_PT,
            zorder=4,
            gid=f"label:{row['region']}",
        )


def _short(n: float) -> str:
    """12345 → '12k', 2100000 → '2.1M': bubble labels that fit inside the bubble."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= div:
            v = n / div
            return f"{v:.1f}{suffix}" if v < 10 else f"{v:.0f}{suffix}"
    return f"{n:.0f}"


def _pad_log_limits(ax: Axes, xs: np.ndarray, ys: np.ndarray) -> None:
    """Limits half a decade beyond the data so bubbles are not cut at the frame."""
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    ax.set_xlim(
        10 ** (np.floor(np.log10(xs.min()) - 0.5)), 10 ** (np.ceil(np.log10(xs.max()) + 0.5))
    )
    ax.set_ylim(
        10 ** (np.floor(np.log10(ys.min()) - 0.5)), 10 ** (np.ceil(np.log10(ys.max()) + 0.5))
    )


def plot_region_cdfs(
    requests_per_day: pl.DataFrame,
    execution_time: pl.DataFrame,
    cpu_usage: pl.DataFrame,
    *,
    reading_label: str = "median over days",
) -> Figure:
    """Fig 3: CDFs per region of (a) requests per day per function, (b) mean execution time
    per minute, (c) mean CPU usage per minute. Each input: ``region, x, cdf``.

    Panel (a) carries the paper's dashed guides at the request rates equivalent to a mean
    inter-arrival time of 1 day … 1 ms.
    """
    fig = style.new_figure(12.0, 4.0)
    axes = fig.subplots(1, 3)
    region_cdf_panel(
        axes[0],
        requests_per_day,
        xlabel=f"requests per day per function ({reading_label})",
        title="(a) requests per day",
    )
    if requests_per_day.height:
        axes[0].set_xlim(0.5, max(1e4, float(requests_per_day["x"].max()) * 3))
        style.vertical_guides(axes[0], REQUESTS_PER_DAY_GUIDES)
    region_cdf_panel(
        axes[1],
        execution_time,
        xlabel="mean execution time per minute (s)",
        title="(b) execution time",
        legend=False,
    )
    region_cdf_panel(
        axes[2],
        cpu_usage,
        xlabel="mean CPU usage per minute (cores)",
        title="(c) CPU usage",
        legend=False,
    )
    if cpu_usage.height:
        # At least the paper's 0.01–10 cores, so the axis keeps several labelled decades.
        axes[2].set_xlim(
            min(0.01, float(cpu_usage["x"].min())), max(10.0, float(cpu_usage["x"].max()))
        )
    fig.suptitle("Fig 3 — region statistics", fontsize=11)
    return fig


def plot_user_cdfs(functions_per_user: pl.DataFrame, requests_per_user: pl.DataFrame) -> Figure:
    """Fig 4: CDFs per region of (a) functions per user, (b) requests per user (whole trace)."""
    fig = style.new_figure(10.0, 3.8)
    axes = fig.subplots(1, 2)
    region_cdf_panel(
        axes[0], functions_per_user, xlabel="functions per user", title="(a) functions per user"
    )
    region_cdf_panel(
        axes[1],
        requests_per_user,
        xlabel="requests per user (whole trace)",
        title="(b) requests per user",
        legend=False,
    )
    fig.suptitle("Fig 4 — per-user concentration", fontsize=11)
    return fig

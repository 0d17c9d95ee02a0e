"""Region 2 breakdowns by runtime and trigger: Fig 15/16 (component CDFs), Fig 17 (utility)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coldstart.plots import style

#: Fig 15/16 panels, in the paper's order.
CDF_COMPONENTS = ("total", "pod_allocation", "deploy_code", "deploy_dependency", "scheduling")
ALL = "all"


def _group_cdfs(
    ax: Axes,
    curves: pl.DataFrame,
    order: Sequence[str],
    palette: dict[str, str],
    *,
    xlabel: str,
    title: str,
    all_style: str = "-",
    legend: bool = True,
) -> None:
    ax.set_title(title, fontsize=10)
    if curves.height == 0:
        style.no_data(ax)
        return
    groups = style.ordered(curves["group"].unique().to_list(), [*order, ALL])
    for i, g in enumerate(groups):
        part = curves.filter(pl.col("group") == g).sort("x")
        style.step_cdf(
            ax,
            part["x"].to_numpy(),
            part["cdf"].to_numpy(),
            color=style.color_for(g, palette, i),
            linewidth=2.2 if g == ALL else 1.3,
            linestyle=all_style if g == ALL else "-",
            label=g,
            gid=f"cdf:{g}",
        )
    style.cdf_axes(ax, xlabel)
    if legend:
        ax.legend(fontsize=7, loc="lower right")


def plot_component_cdfs(
    curves: pl.DataFrame,
    *,
    by: str,
    region: str = "R2",
    figure_label: str = "Fig 15",
) -> Figure:
    """Fig 15 (``by="runtime"``) / Fig 16 (``by="trigger"``): ECDFs of cold-start time and
    each component per group, plus 'all', zeros removed (log x).

    ``curves``: group, component, x, cdf (component in :data:`CDF_COMPONENTS`).
    """
    order, palette = (
        (style.RUNTIMES, style.RUNTIME_COLORS)
        if by == "runtime"
        else (style.TRIGGER_GROUPS, style.TRIGGER_COLORS)
    )
    fig = style.new_figure(12.0, 7.0)
    grid = fig.subplots(2, 3)
    axes = list(grid.ravel()[: len(CDF_COMPONENTS)])
    legend_ax = grid.ravel()[-1]
    legend_ax.set_axis_off()
    for i, (ax, comp) in enumerate(zip(axes, CDF_COMPONENTS, strict=True)):
        part = curves.filter(pl.col("component") == comp) if curves.height else curves
        name = style.COMPONENT_LABELS[comp]
        _group_cdfs(
            ax,
            part,
            order,
            palette,
            xlabel=f"{name} (s)" + ("" if comp == "total" else ", zeros removed"),
            title=f"({'abcde'[i]}) {name}",
            legend=False,
            all_style="-" if by == "runtime" else ":",
        )
        if i % 3:
            ax.set_ylabel("")
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        # The sixth cell of the grid holds the legend: beside the curves, never on them.
        legend_ax.legend(handles, labels, loc="center", fontsize=9, title=by, ncols=2)
    fig.suptitle(f"{figure_label} — {region}: cold-start time and components by {by}", fontsize=11)
    return fig


def plot_utility_ratio(
    by_runtime: pl.DataFrame,
    by_trigger: pl.DataFrame,
    *,
    region: str = "R2",
    keep_alive_s: float = 60.0,
) -> Figure:
    """Fig 17: ECDF of the pod utility ratio (useful lifetime / cold-start time) per (a) runtime
    and (b) trigger group, with 'all' (log x); a dotted line marks ratio 1.

    Inputs: group, x, cdf (x = utility ratio; ratios ≤ 0 cannot sit on the log axis and are
    dropped by the caller).
    """
    fig = style.new_figure(11.0, 5.4)
    axes = fig.subplots(1, 2, sharey=True)
    _group_cdfs(
        axes[0],
        by_runtime,
        style.RUNTIMES,
        style.RUNTIME_COLORS,
        xlabel="pod utility ratio",
        title="(a) by runtime",
        legend=False,
    )
    _group_cdfs(
        axes[1],
        by_trigger,
        style.TRIGGER_GROUPS,
        style.TRIGGER_COLORS,
        xlabel="pod utility ratio",
        title="(b) by trigger",
        all_style=":",
        legend=False,
    )
    for ax in axes:
        if ax.get_xscale() == "log":
            ax.axvline(1.0, color="#555555", linestyle=":", linewidth=1.0, gid="ratio1")
    axes[1].set_ylabel("")
    for ax, title in zip(axes, ("runtime", "trigger"), strict=True):
        # Below each panel: the curves of a runtime can cross any corner of the panel.
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            ax.legend(handles, labels, fontsize=8, title=title, loc="upper center",
                      bbox_to_anchor=(0.5, -0.2), ncols=5, frameon=False)  # fmt: skip
    fig.suptitle(
        f"Fig 17 — {region}: pod utility ratio = (lifetime − {keep_alive_s:g} s keep-alive) / "
        "cold-start time",
        fontsize=11,
    )
    return fig

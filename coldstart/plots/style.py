"""One consistent look for every figure: colours, line styles, axes helpers, "no data" panels.

Each region, runtime, trigger group, resource group, pool size and cold-start component has
exactly one colour here, used by every figure that shows it, so a reader can carry the legend
from one figure to the next. Region colours and line styles follow the paper's Fig 3 (R1 blue
solid, R2 red dashed, R3 green dash-dot, R4 cyan dotted, R5 purple solid); component colours
follow Fig 11 (code blue, dependency orange, scheduling green, pod allocation red).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

REGIONS = ("R1", "R2", "R3", "R4", "R5")
REGION_COLORS = {
    "R1": "#1f77b4",
    "R2": "#d62728",
    "R3": "#2ca02c",
    "R4": "#17becf",
    "R5": "#9467bd",
}
REGION_LINESTYLES = {"R1": "-", "R2": "--", "R3": "-.", "R4": ":", "R5": "-"}

#: The nine named runtimes (Figs 9, 15, 17a), the Fig 8b group 'other', 'unknown' and 'all'.
RUNTIMES = ("C#", "Custom", "Go1.x", "Java", "Node.js", "PHP7.3", "Python2", "Python3", "http")
RUNTIME_COLORS = {
    "C#": "#8c564b",
    "Custom": "#e377c2",
    "Go1.x": "#17becf",
    "Java": "#ff7f0e",
    "Node.js": "#2ca02c",
    "PHP7.3": "#7f7f7f",
    "Python2": "#9467bd",
    "Python3": "#1f77b4",
    "http": "#d62728",
    "other": "#bcbd22",
    "unknown": "#c7c7c7",
    "all": "#f2c218",
    "not in function table": "#000000",
}
#: Fig 8b's seven runtime groups, bottom → top of its stack.
RUNTIME_GROUP_STACK = ("Python2", "http", "other", "Java", "Node.js", "Python3", "Custom")

#: The paper's seven trigger groups, bottom → top of the Fig 8a / Fig 9 stacks.
TRIGGER_GROUPS = ("TIMER-A", "other A", "other S", "APIG-S", "unknown", "workflow-S", "OBS-A")
TRIGGER_COLORS = {
    "TIMER-A": "#1f77b4",
    "other A": "#ff7f0e",
    "other S": "#2ca02c",
    "APIG-S": "#d62728",
    "unknown": "#9a9a9a",
    "workflow-S": "#9467bd",
    "OBS-A": "#8c564b",
    "all": "#222222",
    "not in function table": "#bcbd22",
}

#: Fig 8c/8f CPU-memory groups, bottom → top of the Fig 8c stack.
RESOURCE_GROUP_STACK = ("400-256", "600-512", "other", "1000-1024", "300-128")
RESOURCE_COLORS = {
    "300-128": "#1f77b4",
    "400-256": "#ff7f0e",
    "600-512": "#2ca02c",
    "1000-1024": "#d62728",
    "other": "#9467bd",
}

POOL_SIZE_COLORS = {"small": "#1f77b4", "large": "#ff7f0e"}

#: Cold-start components in the paper's order, with labels (Fig 11 stack bottom → top).
COMPONENTS = ("deploy_code", "deploy_dependency", "scheduling", "pod_allocation")
COMPONENT_LABELS = {
    "total": "cold start time",
    "deploy_code": "deploy code",
    "deploy_dependency": "deploy dependency",
    "scheduling": "scheduling",
    "pod_allocation": "pod allocation",
}
COMPONENT_COLORS = {
    "deploy_code": "#1f77b4",
    "deploy_dependency": "#ff7f0e",
    "scheduling": "#2ca02c",
    "pod_allocation": "#d62728",
    "total": "#333333",
}
COUNT_COLOR = "#9467bd"
GUIDE_COLOR = "#d62728"
FALLBACK_COLORS = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")

#: Functions the function table does not list (the synthetic trace injects a few).
NOT_IN_TABLE = "not in function table"

HOLIDAY_LINES = {13: "Last workday", 24: "First workday"}


def resource_label(group: str) -> str:
    """``300-128`` → ``300 mCPU / 128 MB`` (a legend states its units); others unchanged."""
    parts = group.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{parts[0]} mCPU / {parts[1]} MB"
    return group


def color_for(name: str, palette: dict[str, str], index: int = 0) -> str:
    """The palette's colour for ``name``; an unlisted name gets a stable fallback colour."""
    return palette.get(name, FALLBACK_COLORS[index % len(FALLBACK_COLORS)])


def ordered(present: Iterable[str], order: Sequence[str]) -> list[str]:
    """``present`` values in the paper's ``order``, unknown values last (sorted)."""
    present = list(dict.fromkeys(present))
    known = [v for v in order if v in present]
    return known + sorted(v for v in present if v not in order)


def new_figure(width: float, height: float) -> Figure:
    """A Figure not attached to pyplot (no global state; safe under Agg and in threads)."""
    return Figure(figsize=(width, height), layout="constrained")


def legend_outside(fig: Figure, ax: Axes, *, ncols: int = 8, title: str | None = None) -> None:
    """One legend for the figure, below its panels, from ``ax``'s labelled artists: a legend
    outside the axes can never cover data, whatever the data (constrained layout makes room)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(ncols, len(handles)),
                   fontsize=8, title=title, frameon=False)  # fmt: skip


def no_data(ax: Axes, message: str = "no data") -> None:
    """Mark an empty panel explicitly, so an empty result never looks like a blank image."""
    wrapped = "\n".join(textwrap.fill(line, 60) for line in message.splitlines())
    ax.text(
        0.5,
        0.5,
        wrapped,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=11,
        color="#555555",
    )
    ax.set_xticks([])
    ax.set_yticks([])


def no_data_figure(title: str, message: str) -> Figure:
    """A one-panel figure that says why there is nothing to show."""
    fig = new_figure(6, 3)
    ax = fig.add_subplot()
    no_data(ax, f"no data\n{message}")
    ax.set_title(title)
    return fig


def cdf_axes(ax: Axes, xlabel: str, *, ylabel: str = "CDF") -> None:
    """Log x, linear 0–1 y, light grid: the paper's CDF panels."""
    ax.set_xscale("log")
    # Minor tick labels appear when a log axis spans less than a decade and then overlap.
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)


def step_cdf(ax: Axes, x: np.ndarray, cdf: np.ndarray, **kw: object) -> None:
    """Draw an ECDF as a post-step curve (the value holds until the next point)."""
    ax.step(x, cdf, where="post", **kw)  # type: ignore[arg-type]


def vertical_guides(
    ax: Axes,
    guides: dict[str, float],
    *,
    color: str = GUIDE_COLOR,
    y_text: float = 0.98,
) -> None:
    """Dashed vertical lines with small labels at the top (e.g. equivalent inter-arrival times)."""
    lo, hi = ax.get_xlim()
    for label, x in guides.items():
        if not lo <= x <= hi:
            continue
        ax.axvline(x, color=color, linestyle="--", linewidth=0.8, alpha=0.7, gid="guide")
        ax.text(
            x,
            y_text,
            label,
            rotation=90,
            ha="right",
            va="top",
            fontsize=7,
            color=color,
            transform=ax.get_xaxis_transform(),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
        )


# --- legibility -----------------------------------------------------------------------------------

#: Width of the report's text column in a 1280 px browser window (template.html: body
#: max-width 1100 px minus 2 × 2 rem padding at 15 px), the width figures are scaled to.
DISPLAY_WIDTH_PX = 1040
#: The smallest text a reader should meet in a figure, at its displayed size.
MIN_TEXT_PX = 9.0
#: Kept above the minimum so rounding and hinting never take a text below it.
_TEXT_MARGIN = 1.06


def displayed_px(font_pt: float, fig_width_in: float, dpi: float) -> float:
    """Height in CSS px of a ``font_pt`` text once the figure is shown in the report column:
    a figure wider than the column is scaled down to it, a narrower one is shown as is."""
    natural_px = fig_width_in * dpi
    scale = min(1.0, DISPLAY_WIDTH_PX / natural_px)
    return font_pt / 72.0 * dpi * scale


def min_font_pt(fig_width_in: float, dpi: float = 150.0) -> float:
    """The smallest font size (pt) that stays ≥ :data:`MIN_TEXT_PX` at the displayed width."""
    return MIN_TEXT_PX * _TEXT_MARGIN / displayed_px(1.0, fig_width_in, dpi)


def legible(fig: Figure, dpi: float = 150.0) -> Figure:
    """Raise every text (titles, labels, ticks, legends, annotations) to :func:`min_font_pt`.

    Plotting modules pick sizes that look right at full size; the report shows figures
    scaled into a 1040 px column, where a 7 pt label of a 16 in wide figure is 6 px. Doing it
    once here, after drawing, keeps that rule in one place.
    """
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

    floor = min_font_pt(float(fig.get_figwidth()), dpi)
    for ax in fig.axes:
        for axis in ("x", "y"):
            default = FontProperties(size=mpl.rcParams[f"{axis}tick.labelsize"])
            ticks = ax.xaxis.get_major_ticks() if axis == "x" else ax.yaxis.get_major_ticks()
            size = ticks[0].label1.get_fontsize() if ticks else default.get_size_in_points()
            if size < floor:
                ax.tick_params(axis=axis, which="both", labelsize=floor)
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < floor:
            text.set_fontsize(floor)
    return fig


def stamp(fig: Figure, line: str | None) -> Figure:
    """Put ``line`` (e.g. "Synthetic data — not the Huawei trace") under the figure's title,
    so an image copied out of the report or written by ``coldstart plot`` still says it."""
    if not line:
        return fig
    title = fig.get_suptitle()
    size = max(min_font_pt(float(fig.get_figwidth())), 8.0)
    fig.suptitle(f"{title}\n{line}" if title else line, fontsize=max(size, 10.0))
    return fig

"""Cold-start components: Fig 11 (hourly stacks), Fig 12 (Spearman), Fig 13 (split violins)."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from coldstart.frames.components import CORRELATION_VARIABLES
from coldstart.plots import style

#: Fig 11's left axis in the paper: 0–7 s (it grows when an hour's mean exceeds it).
PAPER_YMAX_S = 7.0
#: Fig 13 panels, in the paper's order.
VIOLIN_COMPONENTS = ("total", "pod_allocation", "deploy_code", "deploy_dependency", "scheduling")


def plot_hourly_components(hourly: pl.DataFrame, *, ymax_s: float | None = PAPER_YMAX_S) -> Figure:
    """Fig 11: per region, stacked hourly means of the four components (left, s) and the
    hourly number of cold starts (right, dashed).

    ``hourly``: region, hour, cold_starts and the component means deploy_code_s,
    deploy_dependency_s, scheduling_s, pod_allocation_s (zeros included, so the stack height is
    the mean cold-start time). The left axis is 0–``ymax_s`` like the paper (None: automatic;
    it also grows when the data exceed it).
    """
    regions = style.ordered(hourly["region"].unique().to_list(), style.REGIONS)
    fig = style.new_figure(12.0, 1.0 + 2.0 * max(len(regions), 1))
    if not regions:
        ax = fig.add_subplot()
        style.no_data(ax)
        ax.set_title("Fig 11 — hourly cold-start components")
        return fig
    axes = fig.subplots(len(regions), 1, sharex=True, squeeze=False)[:, 0]
    count_lines: list[Line2D] = []
    for ax, region in zip(axes, regions, strict=True):
        h = hourly.filter(pl.col("region") == region).sort("hour")
        # Hours without cold starts are gaps in the paper's areas; keep them as zeros here.
        grid = np.arange(int(h["hour"].min()), int(h["hour"].max()) + 1)
        full = pl.DataFrame({"hour": grid}).join(h, on="hour", how="left").fill_null(0)
        days = full["hour"].to_numpy() / 24.0
        ys = [full[f"{c}_s"].to_numpy() for c in style.COMPONENTS]
        ax.stackplot(
            days,
            *ys,
            labels=[style.COMPONENT_LABELS[c] for c in style.COMPONENTS],
            colors=[style.COMPONENT_COLORS[c] for c in style.COMPONENTS],
            linewidth=0,
        )
        top = float(np.max(np.sum(ys, axis=0))) if days.size else 0.0
        ax.set_ylim(0, max(ymax_s, top * 1.05) if ymax_s is not None else top * 1.1 or 1.0)
        ax.set_ylabel(f"{region}\nmean time (s)", fontsize=9)
        ax.grid(True, alpha=0.3)
        twin = ax.twinx()
        (line,) = twin.plot(
            days,
            full["cold_starts"].to_numpy(),
            color=style.COUNT_COLOR,
            linestyle="--",
            linewidth=0.9,
            label="cold starts / hour",
            gid="count",
        )
        count_lines.append(line)
        # The paper's right axes (3e4 for R1 … 5e2 for R3) fit the full release; scale to the
        # data instead, so the count stays readable on any subset or synthetic trace.
        twin.set_ylim(0, max(float(full["cold_starts"].max() or 0) * 1.1, 1.0))
        twin.set_ylabel("cold starts / hour", fontsize=8, color=style.COUNT_COLOR)
        ax.set_xlim(float(days.min()), float(days.max()))
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(count_lines[0])
    labels.append("cold starts / hour (right axis)")
    # Below the panels, never on the data (above them it would cover the title).
    fig.legend(handles, labels, fontsize=8, loc="outside lower center", ncols=5)
    axes[-1].set_xlabel("time (days)")
    fig.suptitle("Fig 11 — hourly mean cold-start time by component, and hourly count", fontsize=11)
    return fig


def plot_spearman(matrices: pl.DataFrame, *, alpha: float = 0.05) -> Figure:
    """Fig 12: one 6×6 Spearman heat-map per region (coolwarm, −1…1), ρ printed in each cell
    with an asterisk where p < ``alpha``.

    ``matrices``: region, var_x, var_y, rho, p_value (long form, all pairs), with var_x/var_y
    the column names of :data:`CORRELATION_VARIABLES`.
    """
    regions = style.ordered(matrices["region"].unique().to_list(), style.REGIONS)
    ncols = min(max(len(regions), 1), 3)
    nrows = -(-max(len(regions), 1) // ncols)
    fig = style.new_figure(3.6 * ncols + 1.2, 3.9 * nrows + 0.6)
    if not regions:
        ax = fig.add_subplot()
        style.no_data(ax)
        ax.set_title("Fig 12 — Spearman correlations")
        return fig
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = list(grid.ravel()[: len(regions)])
    for spare in grid.ravel()[len(regions) :]:
        spare.set_axis_off()
    names = [c for c, _ in CORRELATION_VARIABLES]
    labels = [lab for _, lab in CORRELATION_VARIABLES]
    image = None
    for ax, region in zip(axes, regions, strict=True):
        m = matrices.filter(pl.col("region") == region)
        rho = np.full((len(names), len(names)), np.nan)
        pv = np.full_like(rho, np.nan)
        for row in m.iter_rows(named=True):
            if row["var_x"] in names and row["var_y"] in names:
                i, j = names.index(row["var_x"]), names.index(row["var_y"])
                rho[i, j], pv[i, j] = row["rho"], row["p_value"]
        image = ax.imshow(rho, cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
        for i in range(len(names)):
            for j in range(len(names)):
                if np.isnan(rho[i, j]):
                    text = "n/a"
                else:
                    star = "*" if pv[i, j] < alpha else ""
                    text = f"{rho[i, j]:.1f}{star}"
                dark = not np.isnan(rho[i, j]) and abs(rho[i, j]) > 0.6
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    gid="cell",
                    color="white" if dark else "black",
                )
        k = axes.index(ax)
        first_col = k % ncols == 0
        # x labels only where no panel sits below (they would run into its title)
        bottom = k + ncols >= len(axes)
        ax.set_xticks(
            range(len(names)), labels if bottom else [], rotation=60, ha="right", fontsize=7
        )
        ax.set_yticks(range(len(names)), labels if first_col else [], fontsize=7)
        n = int(m["n"].max()) if "n" in m.columns and m.height else 0
        ax.set_title(f"{region} (n = {n:,} minutes)", fontsize=9)
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.6, label="Spearman ρ")
    fig.suptitle(f"Fig 12 — Spearman correlations of per-minute means (* p < {alpha})", fontsize=11)
    return fig


def plot_pool_size_violins(
    stats: dict[tuple[object, ...], dict[str, object]],
) -> Figure:
    """Fig 13: split violins per region, small pools left (blue) and large right (orange),
    one panel per component, log y, dashed quartiles.

    ``stats``: keys (region, pool_size, component), values as
    :func:`coldstart.analysis.density.violin_stats` returns (zeros already excluded).
    """
    regions = style.ordered({str(k[0]) for k in stats}, style.REGIONS)
    fig = style.new_figure(9.0, 13.0)
    axes = fig.subplots(len(VIOLIN_COMPONENTS), 1, sharex=True)
    for ax, comp in zip(axes, VIOLIN_COMPONENTS, strict=True):
        label = style.COMPONENT_LABELS[comp] + (" (zeros removed)" if comp != "total" else "")
        ax.set_ylabel(f"{label} (s)", fontsize=8)
        drawn = False
        for side, size in (("low", "small"), ("high", "large")):
            keys = [(r, size, comp) for r in regions if (r, size, comp) in stats]
            if not keys:
                continue
            positions = [regions.index(str(k[0])) for k in keys]
            parts = ax.violin(
                [stats[k] for k in keys],
                positions=positions,
                widths=0.85,
                side=side,
                showextrema=False,
                showmedians=False,
                facecolor=style.POOL_SIZE_COLORS[size],
            )
            for body in parts["bodies"]:
                body.set_alpha(0.75)
                body.set_edgecolor("black")
                body.set_linewidth(0.4)
                body.set_gid(f"violin:{size}")
            if "cquantiles" in parts:
                parts["cquantiles"].set_linestyle("--")
                parts["cquantiles"].set_color("black")
                parts["cquantiles"].set_linewidth(0.8)
            drawn = True
        if not drawn:
            style.no_data(ax)
            continue
        ax.set_yscale("log")
        ax.grid(True, axis="y", which="major", alpha=0.3)
    axes[-1].set_xticks(range(len(regions)), regions)
    axes[-1].set_xlabel("region")
    fig.legend(  # outside the panels: the violins reach every corner
        [
            Patch(color=style.POOL_SIZE_COLORS["small"]),
            Patch(color=style.POOL_SIZE_COLORS["large"]),
        ],
        ["small pools (≤ 400 mCPU and ≤ 256 MB), left halves", "large pools, right halves"],
        fontsize=9,
        loc="outside lower center",
        ncols=2,
        frameon=False,
    )
    fig.suptitle("Fig 13 — cold-start time and components by pool size", fontsize=11)
    return fig

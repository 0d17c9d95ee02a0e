"""Time patterns: Fig 5 (daily peaks), Fig 6 (peak-to-trough ratios), Fig 7 (holiday)."""

from __future__ import annotations

import math

import polars as pl
from matplotlib.figure import Figure

from coldstart.analysis.peaks import DailyPeaks
from coldstart.plots import style

PEAK_COLOR = "#d62728"
SERIES_COLOR = "#1f77b4"
SMOOTH_COLOR = "#ff7f0e"
#: Fig 7b says why it is flat when every normalised value stays above this.
FLAT_ABOVE = 0.95


def plot_daily_peaks(peaks: DailyPeaks, *, window_minutes: int | None = None) -> Figure:
    """Fig 5: per region, normalised requests per minute (dots), smoothed curve, daily peaks.

    One stacked panel per region; y ticks are hidden as in the paper (only phase matters). The
    red line and dot mark the largest peak in each day; a hollow dot marks a day without any
    ``find_peaks`` peak (its maximum is shown instead).
    """
    regions = style.ordered(peaks.series["region"].unique().to_list(), style.REGIONS)
    fig = style.new_figure(8.0, 1.5 + 1.4 * max(len(regions), 1))
    if not regions:
        ax = fig.add_subplot()
        style.no_data(ax)
        ax.set_title("Fig 5 — daily peaks")
        return fig
    axes = fig.subplots(len(regions), 1, sharex=True, squeeze=False)[:, 0]
    for ax, region in zip(axes, regions, strict=True):
        s = peaks.series.filter(pl.col("region") == region)
        p = peaks.peaks.filter(pl.col("region") == region)
        ax.plot(
            s["day_frac"],
            s["normalised"],
            ".",
            markersize=1.5,
            color=SERIES_COLOR,
            alpha=0.5,
            label="requests/min (normalised)",
            gid="series",
        )
        ax.plot(
            s["day_frac"],
            s["smoothed"],
            "-",
            color=SMOOTH_COLOR,
            linewidth=1.4,
            label="smoothed" + (f" ({window_minutes} min)" if window_minutes else ""),
            gid="smoothed",
        )
        for row in p.iter_rows(named=True):
            ax.axvline(row["day_frac"], color=PEAK_COLOR, linewidth=1.0, gid="peakline")
            ax.plot(
                row["day_frac"],
                row["value"],
                "o",
                color=PEAK_COLOR,
                markersize=5,
                markerfacecolor=PEAK_COLOR if row["from_find_peaks"] else "white",
                gid="peak",
            )
        ax.set_yticks([])
        ax.set_ylabel(
            region,
            rotation=0,
            labelpad=14,
            fontsize=10,
            color=style.color_for(region, style.REGION_COLORS),
        )
        ax.set_xlim(float(s["day_frac"].min()), float(s["day_frac"].max()))
    axes[-1].set_xlabel("time (days since trace start)")
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=len(handles), fontsize=8,
                   markerscale=4, frameon=False)  # fmt: skip
    fig.suptitle("Fig 5 — normalised requests per minute and daily peaks", fontsize=11)
    return fig


def plot_peak_to_trough(ratios: pl.DataFrame) -> Figure:
    """Fig 6: peak-to-trough ratio (y, log) vs (a) median requests/day, (b) total cold starts.

    ``ratios``: region, funcID, ratio, requests_per_day, cold_starts. Points with a zero x fall
    off the log axis (their count is stated in the panel title).
    """
    fig = style.new_figure(11.0, 4.2)
    axes = fig.subplots(1, 2, sharey=True)
    panels = (
        ("requests_per_day", "median requests per day", "(a) requests"),
        ("cold_starts", "cold starts (whole trace)", "(b) cold starts"),
    )
    for ax, (col, xlabel, title) in zip(axes, panels, strict=True):
        shown = ratios.filter(pl.col(col) > 0)
        hidden = ratios.height - shown.height
        ax.set_title(title + (f" — {hidden} with 0 not shown" if hidden else ""), fontsize=10)
        if shown.height == 0:
            style.no_data(ax)
            continue
        for region in style.ordered(shown["region"].unique().to_list(), style.REGIONS):
            part = shown.filter(pl.col("region") == region)
            ax.scatter(
                part[col],
                part["ratio"],
                s=12,
                alpha=0.7,
                label=region,
                color=style.color_for(region, style.REGION_COLORS),
                edgecolor="none",
                gid=f"points:{region}",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("peak-to-trough ratio")
    if ratios.height:
        axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle("Fig 6 — peak-to-trough ratio per function", fontsize=11)
    return fig


def plot_holiday(
    normalised: pl.DataFrame,
    *,
    cpu_column: str = "cpu_mean",
    holiday_lines: dict[int, str] | None = None,
) -> Figure:
    """Fig 7: (a) allocated pods and (b) mean CPU usage per day, each region scaled to max 1.

    ``normalised``: region, day, pods, ``cpu_column`` (already normalised, e.g. by
    :func:`coldstart.analysis.holiday.normalise_daily`). Dashed lines mark day 13 ("Last
    workday") and day 24 ("First workday").
    """
    lines = style.HOLIDAY_LINES if holiday_lines is None else holiday_lines
    fig = style.new_figure(11.0, 4.0)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (col, title) in zip(
        axes, (("pods", "(a) allocated pods"), (cpu_column, "(b) mean CPU usage")), strict=True
    ):
        ax.set_title(title, fontsize=10, pad=14)
        data = normalised.filter(pl.col(col).is_not_null()) if normalised.height else normalised
        if data.height == 0:
            style.no_data(ax)
            continue
        for region in style.ordered(data["region"].unique().to_list(), style.REGIONS):
            part = data.filter(pl.col("region") == region).sort("day")
            ax.plot(
                part["day"],
                part[col],
                marker="o",
                markersize=3,
                label=region,
                color=style.color_for(region, style.REGION_COLORS),
                linestyle=style.REGION_LINESTYLES.get(region, "-"),
                gid=f"line:{region}",
            )
        ax.grid(True, alpha=0.3)
        ax.set_xlabel("day")
    # The paper's y range is 0.4–1; extend it (never clip) when a region dips lower.
    values = [
        v
        for col in ("pods", cpu_column)
        if col in normalised.columns
        for v in normalised[col].drop_nulls().to_list()
    ]
    low = min([0.4, *[math.floor(v * 10) / 10 for v in values]])
    for ax in axes:
        ax.set_ylim(low, 1.02)
        for day, label in lines.items():
            ax.axvline(day, color="#555555", linestyle="--", linewidth=1.0, gid="holiday")
            # Above the frame, so the label never hides the curves that peak on these days.
            ax.text(
                day,
                1.01,
                label,
                fontsize=7,
                va="bottom",
                ha="center",
                color="#555555",
                transform=ax.get_xaxis_transform(),
            )
    cpu = normalised[cpu_column].drop_nulls() if cpu_column in normalised.columns else None
    if cpu is not None and cpu.len() and float(cpu.min()) >= FLAT_ABOVE:  # type: ignore[arg-type]
        # A flat line needs saying: the CPU usage per pod hardly changes from day to day.
        axes[1].text(
            0.5,
            0.08,
            f"flat: every region's daily mean CPU stays within {1 - float(cpu.min()):.0%} "  # type: ignore[arg-type]
            "of its maximum\n(an intensive quantity: per-minute means per function, unweighted)",
            ha="center",
            va="bottom",
            transform=axes[1].transAxes,
            fontsize=8,
            color="#555555",
            gid="flat-note",
        )
    axes[0].set_ylabel("normalised to the region's maximum")
    if normalised.height:
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", fontsize=8)
    fig.suptitle("Fig 7 — holiday effect", fontsize=11)
    return fig

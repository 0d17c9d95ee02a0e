"""A figure is ``draw(frames)`` plus ``caption(frames)``: the paper's figures from their frames.

Nothing here runs a query or an analysis: each drawer reads the named DataFrames of one
:class:`~coldstart.frames.FigureFrames` and hands them to a plotting module; each caption says
what is drawn, with the options the frames were computed with.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from matplotlib.figure import Figure

from coldstart.analysis import density, holiday
from coldstart.analysis.peaks import DailyPeaks
from coldstart.frames import NOT_IN_TABLE, FigureFrames
from coldstart.frames.model import one_row
from coldstart.plots import (
    breakdowns,
    components,
    distributions,
    region2,
    regions,
    style,
    temporal,
)


def _fig01(ff: FigureFrames) -> Figure:
    return regions.plot_region_sizes(ff["region_summary"])


def _fig03(ff: FigureFrames) -> Figure:
    return regions.plot_region_cdfs(
        ff["requests_per_day_cdf"],
        ff["execution_time_cdf"],
        ff["cpu_usage_cdf"],
        reading_label=ff.options.median_reading.replace("_", " "),
    )


def _fig04(ff: FigureFrames) -> Figure:
    return regions.plot_user_cdfs(ff["functions_cdf"], ff["requests_cdf"])


def _fig05(ff: FigureFrames) -> Figure:
    return temporal.plot_daily_peaks(
        DailyPeaks(ff["series"], ff["peaks"]), window_minutes=ff.options.smoothing_minutes
    )


def _fig06(ff: FigureFrames) -> Figure:
    return temporal.plot_peak_to_trough(ff["ratios"])


def _fig07(ff: FigureFrames) -> Figure:
    return temporal.plot_holiday(ff["normalised"], cpu_column=ff.options.cpu_reading)


def _fig08(ff: FigureFrames) -> Figure:
    return region2.plot_pods_by_group(
        ff["hourly"], ff["proportions"], region=ff.options.function_region
    )


def _fig09(ff: FigureFrames) -> Figure:
    return region2.plot_triggers_by_runtime(ff["shares"], region=ff.options.function_region)


def _fit_label(fit_table: pl.DataFrame, name: str) -> str | None:
    fit = one_row(fit_table, group="all")
    if fit is None:
        return None
    return (
        f"{name} fit: mean {fit['mean_s']:.2f} s, sd {fit['sd_s']:.2f} s\n"
        f"(KS D = {fit['ks_statistic']:.3f})"
    )


def _fig10(ff: FigureFrames) -> Figure:
    zero = one_row(ff["iat_zero_share"], region="all")
    return distributions.plot_cold_start_distributions(
        ff["cold_start_cdf"],
        ff["cold_start_pooled_cdf"],
        ff["lognormal_curve"],
        _fit_label(ff["lognormal_fit"], "LogNormal"),
        ff["iat_cdf"],
        ff["iat_pooled_cdf"],
        ff["weibull_curve"],
        _fit_label(ff["weibull_fit"], "Weibull"),
        iat_zero_share=zero["zero_share"] if zero else None,
    )


def _fig11(ff: FigureFrames) -> Figure:
    return components.plot_hourly_components(ff["hourly"])


def _fig12(ff: FigureFrames) -> Figure:
    return components.plot_spearman(ff["spearman"], alpha=ff.options.alpha)


def _fig13(ff: FigureFrames) -> Figure:
    stats = {
        (r["region"], r["pool_size"], r["component"]): {
            "coords": r["coords"],
            "vals": r["vals"],
            "mean": r["mean_s"],
            "median": r["median_s"],
            "min": r["min_s"],
            "max": r["max_s"],
            "quantiles": [r["q25_s"], r["median_s"], r["q75_s"]],
            "n": r["n"],
        }
        for r in ff["violins"].iter_rows(named=True)
    }
    return components.plot_pool_size_violins(stats)  # type: ignore[arg-type]


def _fig14(ff: FigureFrames) -> Figure:
    return region2.plot_requests_vs_cold_starts(ff["functions"], region=ff.options.function_region)


def _fig15_16(by: str, label: str) -> Callable[[FigureFrames], Figure]:
    def draw_it(ff: FigureFrames) -> Figure:
        return breakdowns.plot_component_cdfs(
            ff["cdf"], by=by, region=ff.options.function_region, figure_label=label
        )

    return draw_it


def _fig17(ff: FigureFrames) -> Figure:
    return breakdowns.plot_utility_ratio(
        ff["by_runtime_cdf"],
        ff["by_trigger_cdf"],
        region=ff.options.function_region,
        keep_alive_s=ff.options.keep_alive_s,
    )


DRAWERS: dict[str, Callable[[FigureFrames], Figure]] = {
    "fig01": _fig01,
    "fig03": _fig03,
    "fig04": _fig04,
    "fig05": _fig05,
    "fig06": _fig06,
    "fig07": _fig07,
    "fig08": _fig08,
    "fig09": _fig09,
    "fig10": _fig10,
    "fig11": _fig11,
    "fig12": _fig12,
    "fig13": _fig13,
    "fig14": _fig14,
    "fig15": _fig15_16("runtime", "Fig 15"),
    "fig16": _fig15_16("trigger", "Fig 16"),
    "fig17": _fig17,
}


def draw(ff: FigureFrames, *, stamp: str | None = None) -> Figure:
    """The figure of these frames; a "no data" figure that says why for an excluded one.

    ``stamp``: a line put under the title (the report and ``coldstart plot`` pass
    "Synthetic data — not the Huawei trace" for a synthetic warehouse). Every text is then
    raised to the size that stays legible once the figure is scaled into the report's column
    (:func:`coldstart.plots.style.legible`).
    """
    label = f"Fig {int(ff.fig_id.removeprefix('fig'))}"
    fig = style.no_data_figure(label, ff.excluded) if ff.excluded else DRAWERS[ff.fig_id](ff)
    return style.legible(style.stamp(fig, stamp))


# --- captions -----------------------------------------------------------------------------------


def _cap_fig10(ff: FigureFrames) -> str:
    parts = []
    o = ff.options
    ln, wb = one_row(ff["lognormal_fit"], group="all"), one_row(ff["weibull_fit"], group="all")
    if ln:
        parts.append(
            f"LogNormal fit (regions pooled): mean {ln['mean_s']:.2f} s, sd {ln['sd_s']:.2f} s "
            f"(paper: 3.24 s, 7.10 s), KS D = {ln['ks_statistic']:.3f}"
        )
    if wb:
        parts.append(
            f"Weibull fit of inter-arrival times: mean {wb['mean_s']:.2f} s, sd "
            f"{wb['sd_s']:.2f} s (paper: 1.25 s, 3.66 s), KS D = {wb['ks_statistic']:.3f}; "
            f"{wb['zero_share']:.1%} of gaps are 0 at the release's 1 ms resolution "
            f"({o.iat_zero_policy} for the fit)"
        )
    return (
        "CDFs of cold-start time and of the gaps between a region's consecutive cold starts "
        "(all functions and clusters), per region and pooled, with fitted models"
        + ("; " + "; ".join(parts) if parts else "")
        + "."
    )


def _cap_fig11(ff: FigureFrames) -> str:
    hourly = ff["hourly"]
    top = 0.0
    if hourly.height:
        stack = sum(pl.col(f"{c}_s") for c in style.COMPONENTS)
        top = float(hourly.select(stack.max()).item() or 0.0)
    axis = (
        "left axis 0–7 s as in the paper"
        if top <= components.PAPER_YMAX_S * 1.05
        else "left axis 0–7 s as in the paper, extended in the regions where an hour's mean "
        f"exceeds it (up to {top * 1.05:.1f} s)"
    )
    return (
        "Per region and hour: mean deploy-code, deploy-dependency, scheduling and pod-"
        f"allocation time (stacked, zeros included, so the top is the mean cold-start time; "
        f"{axis}) and the number of cold starts (dashed, right axis, scaled to each region)."
        + _thin_stacks(hourly)
    )


#: A region's Fig 11 stack reads as a flat band when its largest hourly mean stays below this
#: share of the paper's 0–7 s axis.
THIN_STACK = 0.1


def _thin_stacks(hourly: pl.DataFrame) -> str:
    """A note naming the regions whose stacked hourly means hug the bottom of the 0–7 s axis."""
    if hourly.is_empty():
        return ""
    stack = sum(pl.col(f"{c}_s") for c in style.COMPONENTS)
    tops = hourly.group_by("region").agg(stack.max().alias("top")).sort("region")
    limit = THIN_STACK * components.PAPER_YMAX_S
    thin = [(r, t) for r, t in tops.iter_rows() if t is not None and t < limit]
    if not thin:
        return ""
    names = ", ".join(f"{r} (≤ {t:.2f} s)" for r, t in thin)
    return (
        f" The hourly means of {names} stay below {limit:.1f} s, so on the paper's axis "
        f"{'its stack is' if len(thin) == 1 else 'their stacks are'} a thin band at the bottom."
    )


def caption(ff: FigureFrames) -> str:
    """What the figure shows, with the options its frames were computed with."""
    o = ff.options
    if ff.excluded:
        return ff.excluded[0].upper() + ff.excluded[1:] + "."
    if ff.fig_id in ("fig10", "fig11"):  # these state values their frames hold
        return _cap_fig10(ff) if ff.fig_id == "fig10" else _cap_fig11(ff)
    region = o.function_region
    lo, hi = o.days or (0, 2)
    window = o.days or holiday.DEFAULT_WINDOW
    gaps = "minutes (gaps as 0)" if o.peak_trough_zero_fill else "active minutes (gaps dropped)"
    reading = o.median_reading.replace("_", " ")
    captions = {
        "fig01": (
            "Size of each region: functions with ≥ 1 request (x), requests over the trace (y) "
            "and pods (bubble area; distinct cold-started podIDs, a proxy that misses pods "
            "alive at t = 0)."
        ),
        "fig03": (
            f"CDFs per region of (a) requests per day per function ({reading}; zero medians "
            "fall off the log axis but count), (b) per-minute mean execution time and (c) "
            "per-minute mean CPU usage over all (function, minute) cells, unweighted "
            f"(log-binned, {o.bins_per_decade} bins per decade)."
        ),
        "fig04": "CDFs per region of functions per user and requests per user over the trace.",
        "fig05": (
            f"Region-total requests per minute, days {lo}–{hi}, min–max normalised per region "
            f"(dots); centred {o.smoothing_minutes}-min rolling mean (line); largest "
            f"find_peaks peak (prominence ≥ {o.peak_prominence}) in each day (red; a hollow "
            "dot: no find_peaks peak that day, its maximum instead). y: no ticks, each panel "
            "runs from its region's minimum to its maximum."
        ),
        "fig06": (
            f"Peak-to-trough ratio per function: centred rolling mean over "
            f"{o.peak_trough_window} {gaps}, max find_peaks peak / min trough (floored at "
            f"{o.trough_floor:g} request/min); ratio 1 without peaks. x: (a) median requests "
            "per day, (b) cold starts over the trace."
        ),
        "fig07": (
            f"Daily mean allocated pods and {o.cpu_reading.replace('_', ' ')} per region, days "
            f"{window[0]}–{window[1]}, each divided by its maximum over "
            f"{'that window' if o.normalise_over == 'window' else 'all days'}. Dashed: day "
            f"{holiday.LAST_WORKDAY} (last workday before the holiday) and day "
            f"{holiday.FIRST_WORKDAY_AFTER} (first workday after it)."
        ),
        "fig08": (
            f"{region}: (a–c) mean running pods per hour, stacked by trigger group, runtime "
            "group and CPU-memory group; (d–f) each group's share of mean running pods, cold "
            "starts and functions. Trigger groups of functions with several triggers follow an "
            f"inferred rule (any TIMER-A → TIMER-A). '{NOT_IN_TABLE}': funcIDs the function "
            "table does not list."
        ),
        "fig09": (
            f"{region}: share of each runtime's functions per trigger group (100 % stacked; "
            "'unknown' runtime not shown)."
        ),
        "fig12": (
            "Spearman correlations, per region, between the per-minute means of cold-start "
            "time and its components and the per-minute number of cold starts (minutes with "
            f"≥ 1 cold start); * marks p < {o.alpha}."
        ),
        "fig13": (
            "Cold-start time and components per region, small pools (≤ 400 mCPU and ≤ 256 MB, "
            "left) vs large (right); log scale, zeros removed; dashed lines: quartiles. "
            f"Outlines are log-binned densities ({o.bins_per_decade} bins per decade, smoothed "
            f"over {density.DEFAULT_SMOOTH_BINS} bins), each half scaled to its own width."
        ),
        "fig14": (
            f"{region}: requests (x) and cold starts (y) per function over the trace, coloured "
            "by trigger group; red line: 1 request = 1 cold start; dashed: request totals "
            "equivalent to a mean inter-arrival time of 1 day, 1 hour, 1 minute, 1 second."
        ),
        "fig15": (
            f"{region}: CDFs of cold-start time and each component by runtime ('unknown' not "
            "shown) and for all cold starts; zeros removed (log axes); log-binned, "
            f"{o.bins_per_decade} bins per decade."
        ),
        "fig16": (
            f"{region}: CDFs of cold-start time and each component by trigger group ('unknown' "
            "not shown) and for all cold starts; zeros removed (log axes); log-binned, "
            f"{o.bins_per_decade} bins per decade."
        ),
        "fig17": (
            f"{region}: CDF of the pod utility ratio = (lifetime − {o.keep_alive_s:g} s "
            "keep-alive) / cold-start time, by runtime and by trigger group, for the "
            "cold-started pods the request table covers (day 30 only in the public release); "
            f"pods whose last request ended within {o.censor:g} s of the table's end are "
            "dropped (right-censored)."
        ),
    }
    return captions[ff.fig_id] + (_flat_note(ff) if ff.fig_id == "fig05" else "")


def _flat_note(ff: FigureFrames) -> str:
    """Say why a Fig 5 panel looks flat (its frames name the regions), never leave it bare."""
    flatness = ff.frames.get("flatness")
    names = [] if flatness is None else flatness.filter(pl.col("flat"))["region"].to_list()
    if not names:
        return ""
    many = len(names) > 1
    return (
        f" {', '.join(names)} look{'' if many else 's'} flat: a few burst minutes set "
        f"{'their' if many else 'its'} maximum, so 90 % of {'their' if many else 'its'} "
        "smoothed minutes stay below a tenth of it and the daily cycle sits at the bottom."
    )

"""The paper's figures from a warehouse: named queries → analyses → plot functions.

This is the only place that knows which queries and analyses feed which figure, so the CLI
(``coldstart plot``) stays thin and the report can reuse it::

    import coldstart.query
    from coldstart import figures

    with coldstart.query.open("data/warehouse") as session:
        result = figures.make("fig10", session, regions=("R1", "R2"))
        result.figure.savefig("fig10.png")   # None when the figure was skipped
        result.data["lognormal_fit"]         # the DataFrames behind the figure
        result.caption, result.skipped_reason

Every assumption the paper leaves open is a field of :class:`FigureOptions` with the
catalog's default (``shared/reference/paper_catalog.md``); the caption of each figure states
the values it was drawn with. A figure whose warehouse tables are absent (e.g. no request
table ingested) is *skipped* with a one-line reason; a filter that matches nothing gives a
figure that says "no data".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

import polars as pl
from matplotlib.figure import Figure

from coldstart import release
from coldstart.analysis import daily as daily_analysis
from coldstart.analysis import density, ecdf, fits, holiday, peak_trough, peaks
from coldstart.analysis.correlation import spearman_by_group
from coldstart.errors import ColdstartError, UsageError
from coldstart.plots import (
    breakdowns,
    components,
    distributions,
    region2,
    regions,
    style,
    temporal,
)

if TYPE_CHECKING:
    from coldstart.query import Session

#: Label of functions the function table does not list (shown rather than guessed).
NOT_IN_TABLE = style.NOT_IN_TABLE


@dataclass(frozen=True)
class FigureOptions:
    """Options of every figure; the defaults are the paper's (or the catalog's reading of it).

    * ``regions``: only these regions (None = all) in the multi-region figures; the Region 2
      figures (8, 9, 14–17) show ``function_region`` and say "no data" if it is filtered out.
    * ``days``: the day window of Fig 5 (default 0–2) and Fig 7 (default 10–25).
    * ``keep_alive_s`` (60): keep-alive for the utility ratio (Fig 17).
    * ``censor_s`` (None = keep_alive_s): Fig 17 drops pods whose last request ended within
      this many seconds of the request table's end (they may have lived on).
    * ``function_region`` ("R2"): the region with a function table.
    * ``median_reading`` ("median_over_days"): Fig 3a's "median day" reading
      (:mod:`coldstart.analysis.daily`).
    * ``smoothing_minutes`` (45) and ``peak_prominence`` (0.05): Fig 5 (:mod:`…peaks`).
    * ``peak_trough_window`` (60 active minutes), ``trough_floor`` (1 request/min),
      ``peak_trough_zero_fill`` (False): Fig 6 (:mod:`…peak_trough`).
    * ``normalise_over`` ("window") and ``cpu_reading`` ("cpu_mean", or "cpu_pod_weighted"):
      Fig 7 (:mod:`…holiday`).
    * ``bins_per_decade`` (40): log-binned CDFs and violins (Figs 3b/c, 13, 15, 16).
    * ``iat_zero_policy`` ("spread"), ``fit_max_samples`` (200 000), ``seed`` (0): Fig 10 fits.
    * ``alpha`` (0.05): Fig 12 significance mark.
    """

    regions: tuple[str, ...] | None = None
    days: tuple[int, int] | None = None
    keep_alive_s: float = float(release.KEEP_ALIVE_S)
    censor_s: float | None = None
    function_region: str = "R2"
    median_reading: daily_analysis.Reading = daily_analysis.DEFAULT_READING
    smoothing_minutes: int = peaks.DEFAULT_WINDOW_MINUTES
    peak_prominence: float = peaks.DEFAULT_PROMINENCE
    peak_trough_window: int = peak_trough.DEFAULT_WINDOW
    trough_floor: float = peak_trough.DEFAULT_TROUGH_FLOOR
    peak_trough_zero_fill: bool = False
    normalise_over: holiday.NormaliseOver = "window"
    cpu_reading: str = "cpu_mean"
    bins_per_decade: int = 40
    iat_zero_policy: fits.ZeroPolicy = "spread"
    fit_max_samples: int = fits.DEFAULT_MAX_SAMPLES
    seed: int = 0
    alpha: float = 0.05

    def validated(self) -> FigureOptions:
        """Check values a user can type; errors name the option and the accepted values."""
        if self.regions is not None:
            bad = [r for r in self.regions if r not in release.REGIONS]
            if bad:
                raise UsageError(
                    f"--region: unknown region {bad[0]!r}; choose from {', '.join(release.REGIONS)}"
                )
        if self.days is not None:
            lo, hi = self.days
            if not (0 <= lo <= hi <= release.N_DAYS - 1):
                raise UsageError(
                    f"--days: {lo}-{hi} is not a day range within 0-{release.N_DAYS - 1} "
                    "(FIRST-LAST, e.g. 10-25)"
                )
        if self.keep_alive_s < 0 or not math.isfinite(self.keep_alive_s):
            raise UsageError(
                f"--keep-alive: must be a number of seconds ≥ 0, not {self.keep_alive_s}"
            )
        if self.cpu_reading not in ("cpu_mean", "cpu_pod_weighted"):
            raise UsageError("cpu_reading must be 'cpu_mean' or 'cpu_pod_weighted'")
        return self


@dataclass
class FigureResult:
    """A figure (None if skipped), the DataFrames it shows, its caption, or why it was skipped."""

    fig_id: str
    figure: Figure | None
    data: dict[str, pl.DataFrame] = field(default_factory=dict)
    caption: str = ""
    skipped_reason: str | None = None

    @property
    def skipped(self) -> bool:
        return self.figure is None


Built = tuple[Figure, dict[str, pl.DataFrame], str]
Builder = Callable[["Session", FigureOptions], Built]


@dataclass(frozen=True)
class FigureSpec:
    """One paper figure: what it shows, which warehouse tables it needs, how to build it."""

    fig_id: str
    title: str
    tables: tuple[str, ...]
    build: Builder
    reproducible: str  # FULL / PARTIAL (paper_catalog grades)


# --- running queries ----------------------------------------------------------------------------


def _one_region(opts: FigureOptions) -> str | None:
    """Push a single-region filter into SQL (partition pruning); several regions: in polars."""
    return opts.regions[0] if opts.regions and len(opts.regions) == 1 else None


def _keep_regions(df: pl.DataFrame, opts: FigureOptions) -> pl.DataFrame:
    if opts.regions is None or "region" not in df.columns:
        return df
    return df.filter(pl.col("region").is_in(list(opts.regions)))


def _function_region_excluded(opts: FigureOptions) -> bool:
    return opts.regions is not None and opts.function_region not in opts.regions


def _excluded_message(opts: FigureOptions) -> str:
    return (
        f"this figure shows {opts.function_region} (the only region with a function table); "
        f"--region {','.join(opts.regions or ())} leaves it out"
    )


def _positive_ecdf(df: pl.DataFrame, value: str, by: Sequence[str] = ()) -> pl.DataFrame:
    """ECDF over all values (zeros in the denominator) with the x ≤ 0 points removed.

    Zeros cannot sit on a log axis, but they still count: the curve starts at their share.
    """
    return ecdf.ecdf(df, value, by).filter(pl.col("x") > 0)


# --- builders -----------------------------------------------------------------------------------


def _fig01(session: Session, opts: FigureOptions) -> Built:
    sizes = _keep_regions(session.query("region_summary"), opts)
    fig = regions.plot_region_sizes(sizes)
    caption = (
        "Size of each region: functions with ≥ 1 request (x), requests over the trace (y) and "
        "pods (bubble area; distinct cold-started podIDs, a proxy that misses pods alive at "
        "t = 0)."
    )
    return fig, {"region_summary": sizes}, caption


def _fig03(session: Session, opts: FigureOptions) -> Built:
    region = _one_region(opts)
    per_day = _keep_regions(session.query("requests_per_function_day", region=region), opts)
    medians = daily_analysis.median_daily_requests(per_day, reading=opts.median_reading)
    req_curves = _positive_ecdf(medians, "requests_per_day", ["region"])
    data = {"requests_per_day": medians, "requests_per_day_cdf": req_curves}
    for metric, key in (("totalCost", "execution_time_cdf"), ("cpu_usage", "cpu_usage_cdf")):
        hist = session.query(
            "timeseries_log_histogram",
            metric=metric,
            bins_per_decade=opts.bins_per_decade,
            region=region,
        )
        # The query's cdf counts values ≤ 0 (NULL bin) too; they have no place on a log axis.
        data[key] = (
            _keep_regions(hist, opts)
            .filter(pl.col("bin").is_not_null())
            .select(
                "region",
                pl.col("upper").alias("x"),
                "cdf",
                pl.col("cells").sum().over("region").alias("n"),
            )
        )
    reading = opts.median_reading.replace("_", " ")
    fig = regions.plot_region_cdfs(
        req_curves, data["execution_time_cdf"], data["cpu_usage_cdf"], reading_label=reading
    )
    caption = (
        f"CDFs per region of (a) requests per day per function ({reading}; zero medians fall "
        "off the log axis but count), (b) per-minute mean execution time and (c) per-minute "
        "mean CPU usage over all (function, minute) cells, unweighted "
        f"(log-binned, {opts.bins_per_decade} bins per decade)."
    )
    return fig, data, caption


def _fig04(session: Session, opts: FigureOptions) -> Built:
    users = _keep_regions(session.query("requests_per_user", region=_one_region(opts)), opts)
    f_curve = _positive_ecdf(users, "functions", ["region"])
    r_curve = _positive_ecdf(users, "requests", ["region"])
    fig = regions.plot_user_cdfs(f_curve, r_curve)
    caption = "CDFs per region of functions per user and requests per user over the trace."
    return fig, {"users": users, "functions_cdf": f_curve, "requests_cdf": r_curve}, caption


def _fig05(session: Session, opts: FigureOptions) -> Built:
    lo, hi = opts.days or (0, 2)
    per_minute = _keep_regions(
        session.query("requests_per_minute", region=_one_region(opts), day_from=lo, day_to=hi),
        opts,
    )
    result = peaks.daily_peaks(
        per_minute,
        window_minutes=opts.smoothing_minutes,
        prominence=opts.peak_prominence,
        first_day=lo,
        last_day=hi,
    )
    fig = temporal.plot_daily_peaks(result, window_minutes=opts.smoothing_minutes)
    caption = (
        f"Region-total requests per minute, days {lo}–{hi}, min–max normalised per region "
        f"(dots); centred {opts.smoothing_minutes}-min rolling mean (line); largest "
        f"find_peaks peak (prominence ≥ {opts.peak_prominence}) in each day (red)."
    )
    return fig, {"series": result.series, "peaks": result.peaks}, caption


def _fig06(session: Session, opts: FigureOptions) -> Built:
    region = _one_region(opts)
    # One region at a time: on the full release the active function-minutes of all regions
    # together would be ~10^8 rows; per region they stay a fraction of that.
    parts = []
    for r in opts.regions or release.REGIONS:
        per_minute = session.query("requests_per_function_minute", region=r)
        parts.append(
            peak_trough.peak_to_trough_by_function(
                per_minute,
                window=opts.peak_trough_window,
                trough_floor=opts.trough_floor,
                zero_fill=opts.peak_trough_zero_fill,
            )
        )
    ratios = pl.concat(parts, how="vertical_relaxed")
    per_function = session.query("requests_per_function", region=region).select(
        "region", "funcID", pl.col("median_daily_requests").alias("requests_per_day")
    )
    cold = session.query("requests_vs_cold_starts", region=region).select(
        "region", "funcID", "cold_starts"
    )
    table = (
        ratios.join(per_function, on=["region", "funcID"], how="left")
        .join(cold, on=["region", "funcID"], how="left")
        .with_columns(pl.col("requests_per_day").fill_null(0), pl.col("cold_starts").fill_null(0))
    )
    fig = temporal.plot_peak_to_trough(table)
    gaps = "minutes (gaps as 0)" if opts.peak_trough_zero_fill else "active minutes (gaps dropped)"
    caption = (
        "Peak-to-trough ratio per function: centred rolling mean over "
        f"{opts.peak_trough_window} {gaps}, "
        f"max find_peaks peak / min trough (floored at {opts.trough_floor:g} request/min); "
        "ratio 1 without peaks. x: (a) median requests per day, (b) cold starts over the trace."
    )
    return fig, {"ratios": table}, caption


def _fig07(session: Session, opts: FigureOptions) -> Built:
    window = opts.days or holiday.DEFAULT_WINDOW
    daily = _keep_regions(session.query("region_daily", region=_one_region(opts)), opts)
    norm = holiday.normalise_daily(
        daily,
        ["pods", "cpu_mean", "cpu_pod_weighted"],
        window=window,
        normalise_over=opts.normalise_over,
    )
    fig = temporal.plot_holiday(norm, cpu_column=opts.cpu_reading)
    caption = (
        f"Daily mean allocated pods and {opts.cpu_reading.replace('_', ' ')} per region, days "
        f"{window[0]}–{window[1]}, each divided by its maximum over "
        f"{'that window' if opts.normalise_over == 'window' else 'all days'}. Dashed: day "
        f"{holiday.LAST_WORKDAY} (last workday before the holiday) and day "
        f"{holiday.FIRST_WORKDAY_AFTER} (first workday after it)."
    )
    return fig, {"daily": daily, "normalised": norm}, caption


def _label_null(df: pl.DataFrame, column: str) -> pl.DataFrame:
    return df.with_columns(pl.col(column).fill_null(NOT_IN_TABLE))


def _fig08(session: Session, opts: FigureOptions) -> Built:
    region = opts.function_region
    if _function_region_excluded(opts):
        empty = pl.DataFrame(schema={"kind": pl.String, "group": pl.String})
        return (
            style.no_data_figure("Fig 8", _excluded_message(opts)),
            {"hourly": empty, "proportions": empty},
            _excluded_message(opts),
        )
    hourly_parts, prop_parts = [], []
    for kind in ("trigger", "runtime", "resource"):
        h = session.query("groups_pods_hourly", region=region, grouping=kind)
        hourly_parts.append(
            _label_null(h, "group_name").select(
                pl.lit(kind).alias("kind"), pl.col("group_name").alias("group"), "hour", "pods"
            )
        )
        p = _label_null(
            session.query("groups_proportions", region=region, grouping=kind), "group_name"
        )
        for measure, col in (
            ("pods", "pods_share"),
            ("cold starts", "cold_starts_share"),
            ("functions", "functions_share"),
        ):
            prop_parts.append(
                p.select(
                    pl.lit(kind).alias("kind"),
                    pl.col("group_name").alias("group"),
                    pl.lit(measure).alias("measure"),
                    pl.col(col).fill_null(0.0).cast(pl.Float64).alias("share"),
                )
            )
    hourly = pl.concat(hourly_parts, how="vertical_relaxed")
    props = pl.concat(prop_parts, how="vertical_relaxed")
    fig = region2.plot_pods_by_group(hourly, props, region=region)
    caption = (
        f"{region}: (a–c) mean running pods per hour, stacked by trigger group, runtime group "
        "and CPU-memory group; (d–f) each group's share of mean running pods, cold starts and "
        "functions. Trigger groups of functions with several triggers follow an inferred rule "
        f"(any TIMER-A → TIMER-A; docs/warehouse.md). '{NOT_IN_TABLE}': funcIDs the function "
        "table does not list."
    )
    return fig, {"hourly": hourly, "proportions": props}, caption


def _fig09(session: Session, opts: FigureOptions) -> Built:
    region = opts.function_region
    if _function_region_excluded(opts):
        return (style.no_data_figure("Fig 9", _excluded_message(opts)), {}, _excluded_message(opts))
    shares = session.query("groups_trigger_by_runtime", region=region).filter(
        pl.col("runtime").is_not_null() & (pl.col("runtime") != "unknown")
    )
    fig = region2.plot_triggers_by_runtime(shares, region=region)
    caption = (
        f"{region}: share of each runtime's functions per trigger group (100 % stacked; "
        "'unknown' runtime not shown)."
    )
    return fig, {"shares": shares}, caption


def _fig14(session: Session, opts: FigureOptions) -> Built:
    region = opts.function_region
    if _function_region_excluded(opts):
        return (
            style.no_data_figure("Fig 14", _excluded_message(opts)),
            {},
            _excluded_message(opts),
        )
    funcs = _label_null(session.query("requests_vs_cold_starts", region=region), "trigger_group")
    fig = region2.plot_requests_vs_cold_starts(funcs, region=region)
    caption = (
        f"{region}: requests (x) and cold starts (y) per function over the trace, coloured by "
        "trigger group; red line: 1 request = 1 cold start; dashed: request totals equivalent "
        "to a mean inter-arrival time of 1 day, 1 hour, 1 minute, 1 second."
    )
    return fig, {"functions": funcs}, caption


def _fig10(session: Session, opts: FigureOptions) -> Built:
    region = _one_region(opts)
    values = _keep_regions(session.query("figures_cold_start_times", region=region), opts)
    iats = _keep_regions(session.query("cold_starts_inter_arrival", region=region), opts).select(
        "region", "iat_s"
    )
    cs_curves = _positive_ecdf(values, "total_s", ["region"])
    cs_pooled = _positive_ecdf(values, "total_s")
    iat_curves = _positive_ecdf(iats, "iat_s", ["region"])
    iat_pooled = _positive_ecdf(iats, "iat_s")
    fit_opts = {"max_samples": opts.fit_max_samples, "seed": opts.seed}
    ln_table, ln = (
        fits.fits_by_region(values, "total_s", "lognormal", **fit_opts)
        if values.height
        else (pl.DataFrame(), {})
    )
    wb_table, wb = (
        fits.fits_by_region(iats, "iat_s", "weibull", zero_policy=opts.iat_zero_policy, **fit_opts)
        if iats.height
        else (pl.DataFrame(), {})
    )
    zero_share = float((iats["iat_s"] == 0).mean()) if iats.height else None  # type: ignore[arg-type]
    fig = distributions.plot_cold_start_distributions(
        cs_curves,
        cs_pooled,
        ln.get("all"),
        iat_curves,
        iat_pooled,
        wb.get("all"),
        iat_zero_share=zero_share,
    )
    parts = []
    if "all" in ln:
        f = ln["all"]
        parts.append(
            f"LogNormal fit (regions pooled): mean {f.mean_s:.2f} s, sd {f.sd_s:.2f} s "
            f"(paper: 3.24 s, 7.10 s), KS D = {f.ks_statistic:.3f}"
        )
    if "all" in wb:
        f = wb["all"]
        parts.append(
            f"Weibull fit of inter-arrival times: mean {f.mean_s:.2f} s, sd "
            f"{f.sd_s:.2f} s (paper: 1.25 s, 3.66 s), KS D = {f.ks_statistic:.3f}; "
            f"{f.zero_share:.1%} of gaps are 0 at the release's 1 ms resolution "
            f"({opts.iat_zero_policy} for the fit)"
        )
    caption = (
        "CDFs of cold-start time and of the gaps between a region's consecutive cold starts "
        "(all functions and clusters), per region and pooled, with fitted models. "
        + "; ".join(parts)
        + "."
    )
    data = {
        "cold_start_cdf": cs_curves,
        "cold_start_pooled_cdf": cs_pooled,
        "iat_cdf": iat_curves,
        "iat_pooled_cdf": iat_pooled,
        "lognormal_fit": ln_table,
        "weibull_fit": wb_table,
    }
    return fig, data, caption


def _fig11(session: Session, opts: FigureOptions) -> Built:
    hourly = _keep_regions(session.query("cold_starts_hourly", region=_one_region(opts)), opts)
    fig = components.plot_hourly_components(hourly)
    caption = (
        "Per region and hour: mean deploy-code, deploy-dependency, scheduling and pod-"
        "allocation time (stacked, zeros included, so the top is the mean cold-start time; "
        "left axis 0–7 s as in the paper) and the number of cold starts (dashed, right axis)."
    )
    return fig, {"hourly": hourly}, caption


def _fig12(session: Session, opts: FigureOptions) -> Built:
    per_minute = _keep_regions(
        session.query("cold_starts_per_minute", region=_one_region(opts)), opts
    )
    cols = [c for c, _ in components.CORRELATION_VARIABLES]
    matrices = (
        spearman_by_group(per_minute, cols, by="region")
        if per_minute.height
        else (
            pl.DataFrame(
                schema={
                    "region": pl.String,
                    "var_x": pl.String,
                    "var_y": pl.String,
                    "rho": pl.Float64,
                    "p_value": pl.Float64,
                    "n": pl.Int64,
                }
            )
        )
    )
    fig = components.plot_spearman(matrices, alpha=opts.alpha)
    caption = (
        "Spearman correlations, per region, between the per-minute means of cold-start time "
        "and its components and the per-minute number of cold starts (minutes with ≥ 1 cold "
        f"start); * marks p < {opts.alpha}."
    )
    return fig, {"per_minute": per_minute, "spearman": matrices}, caption


def _cold_start_hist(session: Session, opts: FigureOptions, region: str | None) -> pl.DataFrame:
    hist = session.query(
        "figures_cold_start_hist", bins_per_decade=opts.bins_per_decade, region=region
    )
    return hist.filter(pl.col("bin").is_not_null())


def _fig13(session: Session, opts: FigureOptions) -> Built:
    hist = _keep_regions(_cold_start_hist(session, opts, _one_region(opts)), opts)
    binned = (
        hist.filter(pl.col("pool_size").is_not_null())
        .group_by("region", "pool_size", "component", "bin")
        .agg(pl.col("n").sum())
        .sort("region", "pool_size", "component", "bin")
    )
    stats = density.violin_stats(
        binned, ["region", "pool_size", "component"], bins_per_decade=opts.bins_per_decade
    )
    medians = pl.DataFrame(
        [
            {
                "region": k[0],
                "pool_size": k[1],
                "component": k[2],
                "n": v["n"],
                "q25_s": v["quantiles"][0],
                "median_s": v["median"],
                "q75_s": v["quantiles"][2],
            }  # type: ignore[index]
            for k, v in stats.items()
        ],
        schema={
            "region": pl.String,
            "pool_size": pl.String,
            "component": pl.String,
            "n": pl.Int64,
            "q25_s": pl.Float64,
            "median_s": pl.Float64,
            "q75_s": pl.Float64,
        },
    )
    fig = components.plot_pool_size_violins(stats)
    caption = (
        "Cold-start time and components per region, small pools (≤ 400 mCPU and ≤ 256 MB, "
        "left) vs large (right); log scale, zeros removed; dashed lines: quartiles. Outlines "
        f"are log-binned densities ({opts.bins_per_decade} bins per decade, smoothed over "
        f"{density.DEFAULT_SMOOTH_BINS} bins), each half scaled to its own width."
    )
    return fig, {"binned": binned, "quartiles": medians}, caption


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
    ).with_columns(pl.lit(breakdowns.ALL).alias("group"))
    return pl.concat([curves, all_curves.select(curves.columns)], how="vertical_relaxed")


def _fig15_16(by: str) -> Builder:
    group_col = "runtime" if by == "runtime" else "trigger_group"
    label = "Fig 15" if by == "runtime" else "Fig 16"

    def build(session: Session, opts: FigureOptions) -> Built:
        region = opts.function_region
        if _function_region_excluded(opts):
            return (
                style.no_data_figure(label, _excluded_message(opts)),
                {},
                _excluded_message(opts),
            )
        hist = _cold_start_hist(session, opts, region)
        curves = _group_curves(hist, group_col, opts, exclude=("unknown",))
        fig = breakdowns.plot_component_cdfs(
            curves,
            by="runtime" if by == "runtime" else "trigger",
            region=region,
            figure_label=label,
        )
        caption = (
            f"{region}: CDFs of cold-start time and each component by {by} ('unknown' not "
            "shown) and for all cold starts; zeros removed (log axes); log-binned, "
            f"{opts.bins_per_decade} bins per decade."
        )
        return fig, {"cdf": curves}, caption

    return build


def _fig17(session: Session, opts: FigureOptions) -> Built:
    region = opts.function_region
    if _function_region_excluded(opts):
        return (
            style.no_data_figure("Fig 17", _excluded_message(opts)),
            {},
            _excluded_message(opts),
        )
    params = {"region": region, "keep_alive_s": opts.keep_alive_s, "censor_s": opts.censor_s}
    pods = session.query("pod_utility_ratio", **params)
    pods = pods.filter(pl.col("utility_ratio") > 0)
    all_runtime = _positive_ecdf(pods, "utility_ratio").with_columns(
        pl.lit(breakdowns.ALL).alias("group")
    )

    def by(col: str) -> pl.DataFrame:
        part = pods.filter(pl.col(col).is_not_null() & (pl.col(col) != "unknown"))
        curves = _positive_ecdf(part.rename({col: "group"}), "utility_ratio", ["group"])
        return pl.concat([curves, all_runtime.select(curves.columns)], how="vertical_relaxed")

    rt, tr = by("runtime"), by("trigger_group")
    fig = breakdowns.plot_utility_ratio(rt, tr, region=region, keep_alive_s=opts.keep_alive_s)
    summary_rt = session.query("utility_ratio_by_runtime", **params)
    summary_tr = session.query("utility_ratio_by_trigger", **params)
    censor = opts.keep_alive_s if opts.censor_s is None else opts.censor_s
    caption = (
        f"{region}: CDF of the pod utility ratio = (lifetime − {opts.keep_alive_s:g} s "
        "keep-alive) / cold-start time, by runtime and by trigger group, for the cold-started "
        "pods the request table covers (day 30 only in the public release); pods whose last "
        f"request ended within {censor:g} s of the table's end are dropped (right-censored)."
    )
    data = {
        "pods": pods,
        "by_runtime_cdf": rt,
        "by_trigger_cdf": tr,
        "by_runtime": summary_rt,
        "by_trigger": summary_tr,
    }
    return fig, data, caption


# --- registry -----------------------------------------------------------------------------------

FIGURES: dict[str, FigureSpec] = {
    spec.fig_id: spec
    for spec in (
        FigureSpec("fig01", "Size of each region", ("counts", "cold_starts"), _fig01, "FULL"),
        FigureSpec("fig03", "Region statistics (CDFs)", ("counts", "timeseries"), _fig03, "FULL"),
        FigureSpec("fig04", "Per-user concentration", ("counts",), _fig04, "FULL"),
        FigureSpec("fig05", "Daily peaks", ("counts",), _fig05, "FULL"),
        FigureSpec("fig06", "Peak-to-trough ratio", ("counts", "cold_starts"), _fig06, "PARTIAL"),
        FigureSpec("fig07", "Holiday effect", ("counts", "timeseries"), _fig07, "FULL"),
        FigureSpec(
            "fig08",
            "Region 2 pods by group",
            ("counts", "cold_starts", "functions"),
            _fig08,
            "FULL",
        ),
        FigureSpec("fig09", "Region 2 triggers by runtime", ("functions",), _fig09, "FULL"),
        FigureSpec(
            "fig10",
            "Cold-start time and IAT distributions",
            ("cold_starts",),
            _fig10,
            "FULL / PARTIAL",
        ),
        FigureSpec("fig11", "Hourly cold-start components", ("cold_starts",), _fig11, "FULL"),
        FigureSpec("fig12", "Spearman correlations", ("cold_starts",), _fig12, "FULL"),
        FigureSpec("fig13", "Components by pool size", ("cold_starts",), _fig13, "FULL"),
        FigureSpec(
            "fig14", "Region 2 requests vs cold starts", ("counts", "cold_starts"), _fig14, "FULL"
        ),
        FigureSpec(
            "fig15",
            "Region 2 components by runtime",
            ("cold_starts", "functions"),
            _fig15_16("runtime"),
            "FULL",
        ),
        FigureSpec(
            "fig16",
            "Region 2 components by trigger",
            ("cold_starts", "functions"),
            _fig15_16("trigger"),
            "FULL",
        ),
        FigureSpec(
            "fig17",
            "Region 2 pod utility ratio",
            ("cold_starts", "requests", "functions"),
            _fig17,
            "PARTIAL",
        ),
    )
}


def figure_ids() -> list[str]:
    """The valid figure ids, in paper order (Fig 2 is a diagram, so there is no fig02)."""
    return list(FIGURES)


def resolve_ids(requested: Iterable[str]) -> list[str]:
    """``fig3``/``3``/``fig03``/``all`` → registry ids (in the order given, no duplicates)."""
    out: list[str] = []
    for raw in requested:
        key = raw.strip().lower()
        if key == "all":
            ids = figure_ids()
        else:
            digits = key.removeprefix("fig")
            fid = f"fig{int(digits):02d}" if digits.isdigit() else key
            if fid not in FIGURES:
                hint = " (Fig 2 is a diagram without data)" if fid == "fig02" else ""
                raise UsageError(
                    f"unknown figure {raw!r}{hint}; choose from {', '.join(figure_ids())} or all"
                )
            ids = [fid]
        out.extend(i for i in ids if i not in out)
    return out


def make(fig_id: str, session: Session, **options: Any) -> FigureResult:
    """Build one figure from a session (``coldstart.query.open(...)``).

    ``options`` are :class:`FigureOptions` fields (``regions=("R1",)``, ``days=(10, 25)``,
    ``keep_alive_s=60``…). Returns a :class:`FigureResult`; when the warehouse lacks a table
    the figure needs, ``figure`` is None and ``skipped_reason`` says which and how to add it.
    """
    (fid,) = resolve_ids([fig_id])
    spec = FIGURES[fid]
    names = {f.name for f in fields(FigureOptions)}
    unknown = sorted(set(options) - names)
    if unknown:
        raise UsageError(f"unknown figure option {unknown[0]!r}; the options are {sorted(names)}")
    opts = replace(FigureOptions(), **options).validated()
    present = set(getattr(session, "tables", spec.tables))
    missing = [t for t in spec.tables if t not in present]
    if missing:
        return FigureResult(
            fid,
            None,
            skipped_reason=(
                f"needs the warehouse table {missing[0]!r}, not ingested "
                f"(ingest the release's {_SOURCES.get(missing[0], missing[0])})"
            ),
        )
    try:
        figure, data, caption = spec.build(session, opts)
    except ColdstartError as exc:
        if "needs the warehouse table" in str(exc):
            return FigureResult(fid, None, skipped_reason=str(exc))
        raise
    return FigureResult(fid, figure, data, caption)


_SOURCES = {
    "cold_starts": "cold_start/ files",
    "requests": "per_request/ files",
    "timeseries": "quantiles/ files",
    "counts": "quantiles/ requests, num_pods and num_cold_starts files",
    "functions": "runtime_triggerType/ file",
}

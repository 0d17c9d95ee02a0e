"""Assemble a :class:`~coldstart.report.model.Report` from a warehouse.

Each section follows a part of the paper and is built from named queries (its tables), the
figure registry :mod:`coldstart.figures` (its images, and the data behind them) and
:mod:`coldstart.report.findings` (its sentences). No analysis happens here: this module picks
queries and figures, keeps the rows of the selected regions and the columns worth showing, and
says what each part of the data does not cover.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

import coldstart
from coldstart import figures, release
from coldstart.analysis import holiday
from coldstart.errors import UsageError
from coldstart.ingest import check
from coldstart.progress import NullProgress, ProgressSink
from coldstart.report import findings as fnd
from coldstart.report.model import Column, FigureBlock, Finding, Report, Section, Table
from coldstart.report.render_figures import Drawn, draw_all

#: Resolution of the embedded PNGs: sharp on screen and on paper, ≈2–3 MB of HTML in all.
DEFAULT_DPI = 100

#: Where each warehouse table comes from in the release (for "not ingested" messages).
SOURCES = {
    "cold_starts": "cold_start/ files",
    "requests": "per_request/ files",
    "timeseries": "quantiles/ statistics files",
    "counts": "quantiles/ requests, num_pods and num_cold_starts files",
    "functions": "runtime_triggerType/ file",
}


NOT_IN_TABLE_NOTE = "A group shown as – holds the funcIDs the function table does not list."


@dataclass
class _Ctx:
    """What every section builder needs: the session, the options and the bookkeeping."""

    session: Any
    regions: tuple[str, ...] | None
    dpi: int
    progress: ProgressSink
    task: int
    table_caveats: dict[str, list[str]]
    timings: dict[str, float] = field(default_factory=dict)
    figure_data: dict[str, dict[str, pl.DataFrame]] = field(default_factory=dict)
    drawn: dict[str, Drawn] = field(default_factory=dict)

    @property
    def options(self) -> figures.FigureOptions:
        return figures.FigureOptions(regions=self.regions)

    def keep(self, df: pl.DataFrame) -> pl.DataFrame:
        """Rows of the selected regions (queries return every region)."""
        if self.regions is None or "region" not in df.columns:
            return df
        return df.filter(pl.col("region").is_in(list(self.regions)))

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        t0 = time.perf_counter()
        df = self.keep(self.session.query(name, **params))
        key = f"query {name}" + "".join(f" {k}={v}" for k, v in params.items())
        self.timings[key] = time.perf_counter() - t0
        return df

    def figure(self, fig_id: str) -> FigureBlock:
        """The drawn figure as a block; its data stays in ``figure_data`` for the tables."""
        drawn = self.drawn[fig_id]
        spec = figures.FIGURES[fig_id]
        label = f"Fig {int(fig_id.removeprefix('fig'))}"
        block = FigureBlock(fig_id, f"{label}: {spec.title}", drawn.caption, drawn.png)
        if drawn.png is None:
            block.skipped_reason = drawn.skipped_reason
        else:
            self.figure_data[fig_id] = drawn.data
        self.timings[f"figure {fig_id}"] = drawn.seconds
        return block

    def query_table(
        self,
        name: str,
        df: pl.DataFrame,
        columns: Sequence[str | tuple[str, str]],
        title: str,
        *,
        key: str | None = None,
        note: str = "",
        params: str = "",
    ) -> Table:
        """A table of a named query's result, with units and meanings from its header."""
        docs = {c.name: c for c in self.session.named(name).doc.columns}
        cols = []
        for c in columns:
            col, header = (c, _header(c)) if isinstance(c, str) else c
            doc = docs[col]
            cols.append(Column(col, header, doc.unit, doc.doc))
        source = f"query {name}" + (f" ({params})" if params else "")
        return Table(key or name, title, source, cols, df, note)

    def caveats_of(self, *tables: str) -> list[str]:
        """The ingest's documented caveats of these warehouse tables (coldstart check)."""
        return [f"{t}: {c}." for t in tables for c in self.table_caveats.get(t, [])]


def _header(column: str) -> str:
    """``p50_s`` → 'p50 (s)', ``cold_starts`` → 'cold starts'."""
    unit = ""
    if column.endswith("_s"):
        column, unit = column[:-2], " (s)"
    return column.replace("_", " ") + unit


@dataclass(frozen=True)
class SectionSpec:
    """A section: the warehouse tables it cannot do without, its figures and its builder."""

    id: str
    title: str
    needs: tuple[str, ...]
    figures: tuple[str, ...]
    build: Callable[[_Ctx, Section], None]
    function_region_only: bool = False


# --- sections -----------------------------------------------------------------------------------


def _regions(ctx: _Ctx, sec: Section) -> None:
    sec.figures.append(ctx.figure("fig01"))
    summary = ctx.query("region_summary")
    sec.tables.append(
        ctx.query_table(
            "region_summary",
            summary,
            ["region", "requests", "functions", "pods", "cold_starts"],
            "Size of each region over the trace",
        )
    )
    sec.findings += fnd.present(
        [
            fnd.requests_range(summary),
            fnd.functions_vs_requests(summary),
            fnd.cold_starts_range(summary),
        ]
    )
    sec.caveats += [
        "Pods are distinct podIDs among the cold starts (the paper's proxy): pods already "
        "alive when the trace starts are not counted.",
        "Functions are funcIDs (funcName---userID---pool) with at least one request.",
        *ctx.caveats_of("counts", "cold_starts"),
    ]


def _distributions(ctx: _Ctx, sec: Section) -> None:
    sec.figures.append(ctx.figure("fig10"))
    by_region = ctx.query("cold_starts_by_region")
    iats = ctx.query("cold_starts_inter_arrival_summary")
    sec.tables.append(
        ctx.query_table(
            "cold_starts_by_region",
            by_region,
            ["region", "cold_starts", "mean_s", ("p50_s", "median (s)"), "p90_s", "p99_s"],
            "Cold-start time per region",
            key="cold_start_times",
        )
    )
    sec.tables.append(
        ctx.query_table(
            "cold_starts_inter_arrival_summary",
            iats,
            ["region", "iats", "zero_share", "mean_s", ("p50_s", "median (s)"), "p90_s"],
            "Gaps between a region's consecutive cold starts",
        )
    )
    data = ctx.figure_data.get("fig10", {})
    fit_cols = [
        Column("group", "group"),
        Column("n", "n", "count"),
        Column("mean_s", "mean (s)", "s", "mean of the fitted distribution"),
        Column("sd_s", "sd (s)", "s", "standard deviation of the fitted distribution"),
        Column("median_s", "median (s)", "s", "median of the fitted distribution"),
        Column("empirical_median_s", "data median (s)", "s", "median of the fitted sample"),
        Column("ks_statistic", "KS D", "ratio", "Kolmogorov–Smirnov distance to the data"),
    ]
    for key, title in (
        ("lognormal_fit", "LogNormal fit of the cold-start time"),
        ("weibull_fit", "Weibull fit of the inter-arrival time"),
    ):
        df = data.get(key)
        if df is not None and not df.is_empty():
            sec.tables.append(Table(key, title, f"figure fig10 ({key})", fit_cols, df))
    sec.findings += fnd.present(
        [
            fnd.median_cold_start_range(by_region),
            fnd.tail_factor(by_region),
            fnd.lognormal_fit(data.get("lognormal_fit", pl.DataFrame())),
            fnd.median_iat_range(iats),
            fnd.weibull_fit(data.get("weibull_fit", pl.DataFrame())),
        ]
    )
    opts = ctx.options
    sec.caveats += [
        "Timestamps have 1 ms resolution, so gaps shorter than 1 ms are 0; the Weibull fit "
        f"treats them with the '{opts.iat_zero_policy}' policy (coldstart.analysis.fits).",
        f"Fits use at most {opts.fit_max_samples:,} values per group (seed {opts.seed}); the "
        "tables' percentiles use every cold start.",
        "Gaps are taken over all functions and clusters of a region, not per function.",
        *ctx.caveats_of("cold_starts"),
    ]


def _components(ctx: _Ctx, sec: Section) -> None:
    for fid in ("fig11", "fig13", "fig12"):
        sec.figures.append(ctx.figure(fid))
    by_region = ctx.query("cold_starts_by_region")
    by_pool = ctx.query("cold_starts_by_pool_size")
    comps = ["pod_allocation", "deploy_code", "deploy_dependency", "scheduling"]
    sec.tables.append(
        ctx.query_table(
            "cold_starts_by_region",
            by_region,
            [
                "region",
                ("mean_s", "mean (s)"),
                *[f"{c}_s" for c in comps],
                *[f"{c}_share" for c in comps],
            ],
            "Mean cold-start time and its components per region",
            key="components_by_region",
        )
    )
    sec.tables.append(
        ctx.query_table(
            "cold_starts_by_pool_size",
            by_pool,
            [
                "region",
                "pool_size",
                "cold_starts",
                ("p50_s", "median (s)"),
                *[(f"{c}_p50_s", f"{c.replace('_', ' ')} median (s)") for c in comps],
            ],
            "Medians by pool size (small: ≤ 400 mCPU and ≤ 256 MB)",
        )
    )
    spearman = ctx.figure_data.get("fig12", {}).get("spearman", pl.DataFrame())
    if not spearman.is_empty():
        pick = spearman.filter(pl.col("var_x") == "mean_s").sort("region", "var_y")
        wide = pick.pivot(on="var_y", index="region", values="rho").select(
            "region",
            *[c for c in ("cold_starts", *[f"{c}_s" for c in comps]) if c in pick["var_y"]],
        )
        cols = [Column("region", "region")] + [
            Column(c, f"ρ with {_header(c)}", "rho") for c in wide.columns[1:]
        ]
        sec.tables.append(
            Table(
                "spearman_mean",
                "Spearman ρ of the per-minute mean cold-start time",
                "figure fig12 (spearman)",
                cols,
                wide,
            )
        )
    sec.findings += fnd.present(
        [
            fnd.mean_cold_start_range(by_region),
            fnd.largest_component(by_region),
            fnd.pool_size_ratio(by_pool),
            fnd.count_correlation(spearman),
        ]
    )
    sec.caveats += [
        "Components are the release's four costs; they add up to the cold-start time "
        "(scheduling is very likely the residual). Hourly means include zeros.",
        "Pool size comes from the podID's pool (poolNN-CPU-MEM); cold starts whose podID has "
        "no pool are left out of the pool-size comparison.",
        "Zero dependency-deployment times (functions without layers) are left out of the "
        "pool-size violins and of that component's median, as in the paper.",
        *ctx.caveats_of("cold_starts"),
    ]


def _region2(ctx: _Ctx, sec: Section) -> None:
    region = ctx.options.function_region
    for fid in ("fig08", "fig09", "fig15", "fig16"):
        sec.figures.append(ctx.figure(fid))
    by_runtime = ctx.query("cold_starts_by_runtime", region=region)
    by_trigger = ctx.query("cold_starts_by_trigger", region=region)
    body = ["cold_starts", "share", ("p50_s", "median (s)"), "mean_s", "pod_allocation_s"]
    body += ["deploy_code_s", "deploy_dependency_s", "scheduling_s"]
    sec.tables.append(
        ctx.query_table(
            "cold_starts_by_runtime",
            by_runtime,
            ["runtime", *body],
            f"{region} cold starts by runtime",
            params=f"region={region}",
            note=NOT_IN_TABLE_NOTE,
        )
    )
    sec.tables.append(
        ctx.query_table(
            "cold_starts_by_trigger",
            by_trigger,
            ["trigger_group", *body],
            f"{region} cold starts by trigger group",
            params=f"region={region}",
            note=NOT_IN_TABLE_NOTE,
        )
    )
    mix = ctx.query("groups_trigger_by_runtime", region=region)
    if not mix.is_empty():
        wide = mix.sort("trigger_group").pivot(on="trigger_group", index="runtime", values="share")
        wide = wide.sort("runtime")
        sec.tables.append(
            Table(
                "trigger_mix",
                f"{region} trigger groups of each runtime's functions (Fig 9)",
                f"query groups_trigger_by_runtime (region={region})",
                [Column("runtime", "runtime")]
                + [
                    Column(c, c, "share", "share of the runtime's functions")
                    for c in wide.columns[1:]
                ],
                wide,
                note="–: no function of that runtime is in that trigger group.",
            )
        )
    props: dict[str, pl.DataFrame] = {}
    if "counts" in ctx.session.tables:
        for grouping in ("trigger", "runtime"):
            props[grouping] = ctx.query("groups_proportions", region=region, grouping=grouping)
            sec.tables.append(
                ctx.query_table(
                    "groups_proportions",
                    props[grouping],
                    [
                        ("group_name", grouping),
                        ("functions_share", "functions"),
                        ("cold_starts_share", "cold starts"),
                        ("pods_share", "running pods"),
                    ],
                    f"{region} shares of functions, cold starts and pods by {grouping}",
                    key=f"proportions_{grouping}",
                    params=f"region={region}, grouping={grouping}",
                    note=NOT_IN_TABLE_NOTE,
                )
            )
    sec.findings += fnd.present(
        [
            fnd.top_group_by_cold_starts(by_runtime, "runtime", "runtime", region),
            fnd.slowest_group(by_runtime, "runtime", "runtime"),
            fnd.slowest_group(by_trigger, "trigger_group", "trigger group"),
            fnd.group_shares(props["trigger"], "trigger group") if "trigger" in props else None,
        ]
    )
    sec.caveats += [
        f"Runtime and trigger come from the function table, which covers {region} only.",
        "Trigger groups of functions with several triggers follow an inferred rule (any "
        "TIMER-A → TIMER-A; the rest by synchronicity; docs/warehouse.md): an assumption, the "
        "paper does not state it.",
        "'unknown' runtimes and triggers are not drawn in Figs 15 and 16.",
        *ctx.caveats_of("functions", "cold_starts"),
    ]


def _utility(ctx: _Ctx, sec: Section) -> None:
    opts = ctx.options
    region = opts.function_region
    sec.figures.append(ctx.figure("fig17"))
    params = {"region": region, "keep_alive_s": opts.keep_alive_s, "censor_s": opts.censor_s}
    shown = f"region={region}, keep_alive_s={opts.keep_alive_s:g}"
    by_runtime = ctx.query("utility_ratio_by_runtime", **params)
    by_trigger = ctx.query("utility_ratio_by_trigger", **params)
    cols = ["pods", "share_below_1", "p25", ("p50", "median"), "p75", "share_above_100"]
    sec.tables.append(
        ctx.query_table(
            "utility_ratio_by_runtime",
            by_runtime,
            ["runtime", *cols],
            f"{region} pod utility ratio by runtime",
            params=shown,
            note=NOT_IN_TABLE_NOTE,
        )
    )
    sec.tables.append(
        ctx.query_table(
            "utility_ratio_by_trigger",
            by_trigger,
            ["trigger_group", *cols],
            f"{region} pod utility ratio by trigger group",
            params=shown,
            note=NOT_IN_TABLE_NOTE,
        )
    )
    sec.findings += fnd.present(
        [
            fnd.utility_overall(by_runtime),
            fnd.utility_extremes(by_runtime, "runtime", "runtime"),
            fnd.utility_extremes(by_trigger, "trigger_group", "trigger group"),
        ]
    )
    censor = opts.keep_alive_s if opts.censor_s is None else opts.censor_s
    sec.caveats += [
        "Pod lifetimes come from the request table, so only pods that cold-started on the "
        "day it covers are measured: one day instead of the paper's month.",
        f"Useful lifetime = last request's end − cold-start time, i.e. lifetime minus the "
        f"{opts.keep_alive_s:g} s keep-alive (deletion {opts.keep_alive_s:g} s after the last "
        f"request is assumed). Pods whose last request ended within {censor:g} s of the "
        "table's end are dropped (they may have lived on).",
        *ctx.caveats_of("requests", "functions"),
    ]


def _temporal(ctx: _Ctx, sec: Section) -> None:
    opts = ctx.options
    sec.figures.append(ctx.figure("fig06"))
    sec.figures.append(ctx.figure("fig07"))
    ratios = ctx.figure_data.get("fig06", {}).get("ratios", pl.DataFrame())
    normalised = ctx.figure_data.get("fig07", {}).get("normalised", pl.DataFrame())
    if not ratios.is_empty():
        top = ratios.sort("ratio", descending=True).head(10)
        sec.tables.append(
            Table(
                "peak_to_trough_top",
                "The 10 functions with the highest peak-to-trough ratio",
                "figure fig06 (ratios)",
                [
                    Column("region", "region"),
                    Column("funcID", "funcID"),
                    Column("ratio", "ratio", "ratio", "largest peak / lowest trough"),
                    Column("requests_per_day", "median requests/day", "requests/day"),
                    Column("cold_starts", "cold starts", "count"),
                ],
                top,
            )
        )
    if not normalised.is_empty():
        wide = normalised.sort("region", "day").pivot(on="day", index="region", values="pods")
        days = wide.columns[1:]
        marks = {str(holiday.LAST_WORKDAY): "*", str(holiday.FIRST_WORKDAY_AFTER): "*"}
        sec.tables.append(
            Table(
                "holiday_pods",
                "Daily mean allocated pods, divided by each region's maximum over the window",
                "figure fig07 (normalised)",
                [Column("region", "region")]
                + [Column(d, f"{d}{marks.get(d, '')}", "norm", f"day {d}") for d in days],
                wide,
                note=(
                    f"* day {holiday.LAST_WORKDAY} is the last workday before the holiday, day "
                    f"{holiday.FIRST_WORKDAY_AFTER} the first after it."
                ),
            )
        )
    sec.findings += fnd.present([fnd.peak_to_trough(ratios), fnd.busiest_days(normalised)])
    gaps = (
        "gaps filled with 0" if opts.peak_trough_zero_fill else "minutes without requests dropped"
    )
    sec.caveats += [
        f"Peak-to-trough: centred rolling mean over {opts.peak_trough_window} active minutes "
        f"({gaps}), troughs floored at {opts.trough_floor:g} request/min, ratio 1 without "
        "peaks. The paper does not give its smoothing or peak criteria.",
        f"Holiday calendar from the paper: day {holiday.LAST_WORKDAY} is the last workday, the "
        f"holiday starts on day {holiday.HOLIDAY_FIRST_DAY} and day "
        f"{holiday.FIRST_WORKDAY_AFTER} is the first workday after it (§4.2 says day 23).",
        *ctx.caveats_of("counts", "timeseries"),
    ]


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "regions",
        "The regions at a glance",
        ("counts", "cold_starts"),
        ("fig01",),
        _regions,
    ),
    SectionSpec(
        "distributions",
        "Cold-start times and their distribution",
        ("cold_starts",),
        ("fig10",),
        _distributions,
    ),
    SectionSpec(
        "components",
        "Where the time goes: components over time and by pool size",
        ("cold_starts",),
        ("fig11", "fig13", "fig12"),
        _components,
    ),
    SectionSpec(
        "region2",
        "Region 2 by runtime and trigger",
        ("cold_starts", "functions"),
        ("fig08", "fig09", "fig15", "fig16"),
        _region2,
        function_region_only=True,
    ),
    SectionSpec(
        "utility",
        "Pod utility ratio",
        ("cold_starts", "requests", "functions"),
        ("fig17",),
        _utility,
        function_region_only=True,
    ),
    SectionSpec(
        "temporal",
        "Peaks, troughs and the holiday",
        ("counts", "cold_starts", "timeseries"),
        ("fig06", "fig07"),
        _temporal,
    ),
)

SECTION_IDS = tuple(s.id for s in SECTIONS)

INTROS = {
    "regions": (
        "Fig 1 of the paper compares the five regions by functions, requests and pods. The "
        "paper's point: sizes differ by orders of magnitude, and more functions does not mean "
        "more requests or pods."
    ),
    "distributions": (
        "Fig 10: how long cold starts take in each region, how often they arrive, and the "
        "LogNormal and Weibull models the paper offers for simulations (it reports a LogNormal "
        "with mean 3.24 s and sd 7.10 s, and a Weibull with mean 1.25 s and sd 3.66 s)."
    ),
    "components": (
        "Figs 11–13: the cold-start time split into pod allocation, code and dependency "
        "deployment and scheduling — hour by hour, by pool size, and how the components move "
        "with the number of cold starts."
    ),
    "region2": (
        "Figs 8, 9, 15 and 16: Region 2's function table gives each function a runtime and "
        "trigger, so its pods and cold starts can be broken down by them."
    ),
    "utility": (
        "Fig 17: a pod's useful lifetime (lifetime minus keep-alive) over its cold-start time. "
        "A ratio below 1 means the pod was useful for less time than it took to start."
    ),
    "temporal": (
        "Figs 6 and 7: how bursty each function is (peak-to-trough ratio of its requests per "
        "minute) and how the week-long holiday changes the load."
    ),
}


def _skip_reason(spec: SectionSpec, ctx: _Ctx) -> str | None:
    missing = [t for t in spec.needs if t not in ctx.session.tables]
    if missing:
        names = ", ".join(repr(t) for t in missing)
        origin = "; ".join(SOURCES.get(t, t) for t in missing)
        return (
            f"Skipped: this section needs the warehouse table{'s' if len(missing) > 1 else ''} "
            f"{names}, which {'are' if len(missing) > 1 else 'is'} not ingested (ingest the "
            f"release's {origin})."
        )
    fr = ctx.options.function_region
    if spec.function_region_only and ctx.regions is not None and fr not in ctx.regions:
        return (
            f"Skipped: this section shows {fr}, the only region with a function table, and "
            f"--regions {','.join(ctx.regions)} leaves it out."
        )
    return None


def _ingested_table(ctx_check: Any, regions: tuple[str, ...] | None) -> Table:
    """Rows per warehouse table and region, with the days covered (from coldstart check)."""
    rows = ctx_check.rows
    if regions is not None:
        rows = rows.filter(pl.col("region").is_in(list(regions)) | (pl.col("region") == ""))
    per_table = (
        rows.group_by("table")
        .agg(
            pl.col("rows").sum(),
            pl.col("files").sum(),
            pl.col("region").filter(pl.col("region") != "").unique().sort().str.join(", "),
            pl.col("day").min().alias("first_day"),
            pl.col("day").max().alias("last_day"),
        )
        .with_columns(
            pl.when(pl.col("first_day").is_null())
            .then(pl.lit("–"))
            .when(pl.col("first_day") == pl.col("last_day"))
            .then(pl.col("first_day").cast(pl.String))
            .otherwise(
                pl.col("first_day").cast(pl.String) + "–" + pl.col("last_day").cast(pl.String)
            )
            .alias("days")
        )
        .sort("table")
    )
    return Table(
        "ingested",
        "What the warehouse holds",
        "coldstart check",
        [
            Column("table", "table"),
            Column("region", "regions"),
            Column("days", "days"),
            Column("rows", "rows", "count"),
            Column("files", "Parquet files", "count"),
        ],
        per_table,
    )


def build_report(
    warehouse: str | Path | None = None,
    *,
    regions: Sequence[str] | None = None,
    dpi: int = DEFAULT_DPI,
    progress: ProgressSink | None = None,
) -> Report:
    """Build the report of the warehouse (default: ``$COLDSTART_WAREHOUSE`` or data/warehouse).

    ``regions`` limits every multi-region table and figure to those regions (Region 2
    sections are skipped if it is left out). Raises :class:`~coldstart.errors.InputError`
    with how to create a warehouse when there is none or it is empty.
    """
    import coldstart.query

    region_sel = check_regions(regions)
    with coldstart.query.open(warehouse) as session:
        return build_from_session(session, regions=region_sel, dpi=dpi, progress=progress)


def check_regions(regions: Sequence[str] | None) -> tuple[str, ...] | None:
    """Validate ``--regions`` before anything slow happens; errors name the option."""
    if not regions:
        return None
    bad = [r for r in regions if r not in release.REGIONS]
    if bad:
        raise UsageError(
            f"--regions: unknown region {bad[0]!r}; choose from {', '.join(release.REGIONS)}"
        )
    return tuple(regions)


def build_from_session(
    session: Any,
    *,
    regions: tuple[str, ...] | None = None,
    dpi: int = DEFAULT_DPI,
    progress: ProgressSink | None = None,
) -> Report:
    """Build the report from an open session (see :func:`build_report`)."""
    t_start = time.perf_counter()
    progress = progress or NullProgress()
    assert session.warehouse is not None, "the report needs a session over a warehouse"
    quality = check(session.warehouse)
    caveats: dict[str, list[str]] = {}
    for table, caveat in quality.caveats.iter_rows():
        caveats.setdefault(table, []).append(caveat)
    n_figures = sum(len(s.figures) for s in SECTIONS)
    task = progress.add_task("report: figures", total=n_figures)
    ctx = _Ctx(session, regions, dpi, progress, task, caveats)
    reasons = {spec.id: _skip_reason(spec, ctx) for spec in SECTIONS}
    wanted = [f for spec in SECTIONS if reasons[spec.id] is None for f in spec.figures]
    progress.advance(task, n_figures - len(wanted))
    t0 = time.perf_counter()
    ctx.drawn = draw_all(
        session,
        wanted,
        regions=regions,
        dpi=dpi,
        progress=progress,
        task=task,
    )
    ctx.timings["figures"] = time.perf_counter() - t0
    sections = []
    for spec in SECTIONS:
        sec = Section(spec.id, spec.title, INTROS[spec.id])
        reason = reasons[spec.id]
        if reason is None:
            t0 = time.perf_counter()
            spec.build(ctx, sec)
            ctx.timings[f"section {spec.id}"] = time.perf_counter() - t0
            if all(f.skipped for f in sec.figures) and not any(t.frame.height for t in sec.tables):
                reason = "Skipped: no data for this section in the selected regions."
        if reason is not None:
            sec = Section(spec.id, spec.title, INTROS[spec.id], skipped_reason=reason)
        sections.append(sec)
    ctx.timings["total"] = time.perf_counter() - t_start
    return Report(
        title="Serverless cold starts: report",
        warehouse=Path(session.warehouse).resolve(),
        generated_at=datetime.now(UTC).replace(microsecond=0),
        version=coldstart.__version__,
        regions=regions,
        ingested=_ingested_table(quality, regions),
        data_notes=_data_notes(quality),
        sections=sections,
        timings=ctx.timings,
    )


def _data_notes(quality: Any) -> list[str]:
    """Caveats and quality issues of what was ingested, one sentence each."""
    notes = [f"{t}: {c}." for t, c in quality.caveats.iter_rows()]
    if not quality.issues.is_empty():
        per_issue = (
            quality.issues.group_by("table", "issue", "meaning")
            .agg(pl.col("count").sum())
            .sort("table", "issue")
        )
        for table, _issue, meaning, n in per_issue.iter_rows():
            notes.append(f"{table}: {n:,} × {meaning}.")
    return notes


def all_findings(report: Report) -> list[Finding]:
    """Every finding of the report, in order (handy for tests and the CLI summary)."""
    return [f for s in report.sections for f in s.findings]

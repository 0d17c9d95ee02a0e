"""Assemble a :class:`~coldstart.report.model.Report` from a warehouse.

The report computes nothing. It asks :mod:`coldstart.frames` for every figure's DataFrames
(each query runs once, through a :class:`~coldstart.frames.CachedSession`), draws them with
:mod:`coldstart.plots`, takes the paper comparison from :mod:`coldstart.frames.paper_check`
the findings from :mod:`coldstart.frames.findings` (written out by
:mod:`coldstart.report.sentences`), and lays the sections out: which
frames become tables, with which columns and headers, and what each part does not cover.
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
from coldstart import frames, paper, plots, provenance
from coldstart.analysis import holiday
from coldstart.errors import MissingTableError
from coldstart.frames import FigureFrames, FigureOptions, check_regions
from coldstart.frames import findings as found_in
from coldstart.frames import paper_check as pc
from coldstart.frames import warehouse as wh_frames
from coldstart.ingest import check
from coldstart.progress import NullProgress, ProgressSink
from coldstart.report import sentences
from coldstart.report.model import Column, FigureBlock, Finding, Report, Section, Table
from coldstart.report.rasterise import png

#: Resolution of the embedded PNGs (≥ 150 dpi: sharp on screen and on paper).
DEFAULT_DPI = 150

NOT_IN_TABLE_NOTE = "A group shown as – holds the funcIDs the function table does not list."
COMPONENTS = ("pod_allocation", "deploy_code", "deploy_dependency", "scheduling")

__all__ = [
    "DEFAULT_DPI",
    "SECTIONS",
    "SECTION_IDS",
    "all_findings",
    "build_from_session",
    "build_report",
    "check_regions",
]


@dataclass
class _Ctx:
    """What every section builder needs: the built frames, the options and the bookkeeping."""

    session: Any
    opts: FigureOptions
    built: dict[str, FigureFrames]
    skipped: dict[str, MissingTableError]
    blocks: dict[str, FigureBlock]
    paper: pl.DataFrame
    table_caveats: dict[str, list[str]]
    found: dict[str, found_in.Result | None]
    timings: dict[str, float] = field(default_factory=dict)

    def frame(self, fig_id: str, name: str) -> pl.DataFrame:
        """A figure's frame, or an empty one when the figure was not built."""
        ff = self.built.get(fig_id)
        return ff.get(name) if ff is not None else pl.DataFrame()

    def has(self, fig_id: str) -> bool:
        ff = self.built.get(fig_id)
        return ff is not None and ff.excluded is None

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

    def say(self, *keys: str) -> list[Finding]:
        """The sentences of these findings (coldstart.frames.findings), where the data hold."""
        return sentences.sentences(self.found, keys)

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
    """A section: its figures, in the paper's order, and its builder."""

    id: str
    title: str
    figures: tuple[str, ...]
    build: Callable[[_Ctx, Section], None]


# --- the paper beside the data ------------------------------------------------------------


def _paper_table(ctx: _Ctx, fig_ids: Sequence[str], key: str) -> Table | None:
    part = pc.comparison(ctx.paper, fig_ids)
    if part.is_empty():
        return None
    return Table(
        key,
        "The paper's numbers beside this warehouse's",
        "coldstart.paper (transcribed from the paper) and coldstart.frames.paper_check",
        [
            Column("figure", "figure"),
            Column("statement", "what the paper states"),
            Column("paper", "paper", "ratio"),
            Column("unit", "unit"),
            Column("tolerance", "tolerance"),
            Column("measured", "this warehouse", "ratio"),
            Column("verdict", "verdict"),
            Column("kind", "from"),
        ],
        part,
        note=(
            "'from': text = stated in the paper's text, figure = read off its figure, derived = "
            "computed from stated numbers, notebook = the dataset authors' notebook. 'not "
            "measured': the frames cannot give it (a group absent from this warehouse, a "
            "calendar fact, the release's raw trigger strings)."
        ),
    )


def _claims(ctx: _Ctx, fig_ids: Sequence[str]) -> list[Finding]:
    """The paper's stated claims (text) for these figures, each with this warehouse's value."""
    return [sentences.paper_claim(c) for c in pc.claims(ctx.paper, fig_ids)]


# --- sections -----------------------------------------------------------------------------------


def _regions(ctx: _Ctx, sec: Section) -> None:
    summary = ctx.frame("fig01", "region_summary")
    if not summary.is_empty():
        sec.tables.append(
            ctx.query_table(
                "region_summary",
                summary,
                ["region", "requests", "functions", "pods", "cold_starts"],
                "Size of each region over the trace (Fig 1)",
            )
        )
        sec.findings += ctx.say("functions_vs_requests", "cold_starts_range")
    users = ctx.frame("fig04", "users")
    if not users.is_empty():
        sec.tables.append(
            Table(
                "users_summary",
                "Users per region (Fig 4)",
                "figure fig04 (users)",
                [
                    Column("region", "region"),
                    Column("users", "users", "count"),
                    Column("single_function_share", "single-function users", "share"),
                    Column("above_1000_share", "users > 1000 requests", "share"),
                ],
                ctx.frame("fig04", "summary"),
            )
        )
    sec.caveats += [
        "Pods are distinct podIDs among the cold starts (the paper's proxy): pods already "
        "alive when the trace starts are not counted.",
        "Functions are funcIDs (funcName---userID---pool) with at least one request.",
        *ctx.caveats_of("counts", "cold_starts", "timeseries"),
    ]


def _temporal(ctx: _Ctx, sec: Section) -> None:
    o = ctx.opts
    peaks = ctx.frame("fig05", "peaks")
    if not peaks.is_empty():
        sec.tables.append(
            Table(
                "daily_peaks",
                "Largest smoothed request peak of each day (Fig 5)",
                "figure fig05 (peaks)",
                [
                    Column("region", "region"),
                    Column("day", "day", "day"),
                    Column("day_frac", "peak at (days since trace start)", "ratio"),
                    Column("from_find_peaks", "find_peaks peak"),
                ],
                peaks,
            )
        )
    top = ctx.frame("fig06", "top")
    if not top.is_empty():
        sec.tables.append(
            Table(
                "peak_to_trough_top",
                "The 10 functions with the highest peak-to-trough ratio (Fig 6)",
                "figure fig06 (top)",
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
        sec.findings += ctx.say("peak_to_trough")
    wide = ctx.frame("fig07", "pods_by_day")
    if not wide.is_empty():
        marks = {str(holiday.LAST_WORKDAY): "*", str(holiday.FIRST_WORKDAY_AFTER): "*"}
        sec.tables.append(
            Table(
                "holiday_pods",
                "Daily mean allocated pods, divided by each region's maximum over the window "
                "(Fig 7a)",
                "figure fig07 (pods_by_day)",
                [Column("region", "region")]
                + [
                    Column(d, f"{d}{marks.get(d, '')}", "norm", f"day {d}")
                    for d in wide.columns[1:]
                ],
                wide,
                note=(
                    f"* day {holiday.LAST_WORKDAY} is the last workday before the holiday, day "
                    f"{holiday.FIRST_WORKDAY_AFTER} the first after it."
                ),
            )
        )
        sec.findings += ctx.say("busiest_days")
    gaps = "gaps filled with 0" if o.peak_trough_zero_fill else "minutes without requests dropped"
    sec.caveats += [
        f"Fig 5: smoothing over {o.smoothing_minutes} min and peak prominence "
        f"{o.peak_prominence} are our choices; the paper gives neither. The trace's zero may "
        "not be local midnight, so peak times are trace-clock phases.",
        f"Peak-to-trough: centred rolling mean over {o.peak_trough_window} active minutes "
        f"({gaps}), troughs floored at {o.trough_floor:g} request/min, ratio 1 without "
        "peaks. The paper does not give its smoothing or peak criteria (PARTIAL).",
        f"Holiday calendar from the paper: day {holiday.LAST_WORKDAY} is the last workday, the "
        f"holiday starts on day {holiday.HOLIDAY_FIRST_DAY} and day "
        f"{holiday.FIRST_WORKDAY_AFTER} is the first workday after it (§4.2 says day 23).",
        *ctx.caveats_of("counts", "timeseries"),
    ]


_FIT_COLUMNS = [
    Column("group", "group"),
    Column("n", "n", "count"),
    Column("mean_s", "mean (s)", "s", "mean of the fitted distribution"),
    Column("sd_s", "sd (s)", "s", "standard deviation of the fitted distribution"),
    Column("median_s", "median (s)", "s", "median of the fitted distribution"),
    Column(
        "empirical_median_s",
        "data median (s)",
        "s",
        "median of the fitted values (Weibull: to within its histogram bin, 0.23 %)",
    ),
    Column("ks_statistic", "KS D", "ratio", "Kolmogorov–Smirnov distance to the data"),
]


def _distributions(ctx: _Ctx, sec: Section) -> None:
    by_region = ctx.frame("fig10", "by_region")
    iats = ctx.frame("fig10", "iat_summary")
    if by_region.is_empty():
        return
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
    for key, title in (
        ("lognormal_fit", "LogNormal fit of the cold-start time"),
        ("weibull_fit", "Weibull fit of the inter-arrival time"),
    ):
        df = ctx.frame("fig10", key)
        if not df.is_empty():
            sec.tables.append(Table(key, title, f"figure fig10 ({key})", _FIT_COLUMNS, df))
    sec.findings += ctx.say("tail_factor", "lognormal_fit", "weibull_fit")
    o = ctx.opts
    sec.caveats += [
        "Timestamps have 1 ms resolution, so gaps shorter than 1 ms are 0; the Weibull fit "
        f"treats them with the '{o.iat_zero_policy}' policy (coldstart.analysis.fits), and the "
        "paper's sub-millisecond gaps cannot be recovered (PARTIAL).",
        "Both fits use every value. The LogNormal MLE is closed-form (its KS distance is taken on "
        f"a seeded sample of at most {o.fit_max_samples:,} values, seed {o.seed}); the Weibull "
        "MLE is fitted to a histogram of every gap at 1000 bins per decade, which gives the fit "
        "to the raw gaps within 1e-4 relative, with the zeros as uniform on (0, 1 ms).",
        "Gaps are taken over all functions and clusters of a region, not per function.",
        *ctx.caveats_of("cold_starts"),
    ]


def _components(ctx: _Ctx, sec: Section) -> None:
    by_region = ctx.frame("fig11", "by_region")
    by_pool = ctx.frame("fig13", "by_pool_size")
    if not by_region.is_empty():
        sec.tables.append(
            ctx.query_table(
                "cold_starts_by_region",
                by_region,
                [
                    "region",
                    ("mean_s", "mean (s)"),
                    *[f"{c}_s" for c in COMPONENTS],
                    *[f"{c}_share" for c in COMPONENTS],
                ],
                "Mean cold-start time and its components per region (Fig 11)",
                key="components_by_region",
            )
        )
        sec.findings += ctx.say("largest_component")
    if not by_pool.is_empty():
        sec.tables.append(
            ctx.query_table(
                "cold_starts_by_pool_size",
                by_pool,
                [
                    "region",
                    "pool_size",
                    "cold_starts",
                    ("p50_s", "median (s)"),
                    *[(f"{c}_p50_s", f"{c.replace('_', ' ')} median (s)") for c in COMPONENTS],
                ],
                "Medians by pool size (small: ≤ 400 mCPU and ≤ 256 MB; Fig 13)",
            )
        )
        sec.findings += ctx.say("pool_size_ratio")
    wide = ctx.frame("fig12", "spearman_mean")
    if not wide.is_empty():
        cols = [Column("region", "region")] + [
            Column(c, f"ρ with {_header(c)}", "rho") for c in wide.columns[1:]
        ]
        sec.tables.append(
            Table(
                "spearman_mean",
                "Spearman ρ of the per-minute mean cold-start time (Fig 12)",
                "figure fig12 (spearman_mean)",
                cols,
                wide,
            )
        )
        sec.findings += ctx.say("count_correlation")
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
    region = ctx.opts.function_region
    body = ["cold_starts", "share", ("p50_s", "median (s)"), "mean_s", "pod_allocation_s"]
    body += ["deploy_code_s", "deploy_dependency_s", "scheduling_s"]
    for grouping in ("trigger", "runtime"):
        props = ctx.frame("fig08", f"proportions_{grouping}")
        if props.is_empty():
            continue
        sec.tables.append(
            ctx.query_table(
                "groups_proportions",
                props,
                [
                    ("group_name", grouping),
                    ("functions_share", "functions"),
                    ("cold_starts_share", "cold starts"),
                    ("pods_share", "running pods"),
                ],
                f"{region} shares of functions, cold starts and pods by {grouping} (Fig 8)",
                key=f"proportions_{grouping}",
                params=f"region={region}, grouping={grouping}",
                note=NOT_IN_TABLE_NOTE,
            )
        )
    mix = ctx.frame("fig09", "mix")
    if not mix.is_empty():
        sec.tables.append(
            Table(
                "trigger_mix",
                f"{region} trigger groups of each runtime's functions (Fig 9)",
                f"figure fig09 (mix; query groups_trigger_by_runtime, region={region})",
                [Column("runtime", "runtime")]
                + [
                    Column(c, c, "share", "share of the runtime's functions")
                    for c in mix.columns[1:]
                ],
                mix,
                note="–: no function of that runtime is in that trigger group.",
            )
        )
    for fid, query, col, what in (
        ("fig15", "cold_starts_by_runtime", "runtime", "runtime"),
        ("fig16", "cold_starts_by_trigger", "trigger_group", "trigger group"),
    ):
        df = ctx.frame(fid, "by_group")
        if df.is_empty():
            continue
        sec.tables.append(
            ctx.query_table(
                query,
                df,
                [col, *body],
                f"{region} cold starts by {what} (Fig {int(fid[3:])})",
                params=f"region={region}",
                note=NOT_IN_TABLE_NOTE,
            )
        )
        sec.findings += ctx.say(f"slowest_{what.replace(' ', '_')}")
    sec.findings += ctx.say("shares_trigger_group")
    sec.caveats += [
        f"Runtime and trigger come from the function table, which covers {region} only.",
        "Trigger groups of functions with several triggers follow an inferred rule (any "
        "TIMER-A → TIMER-A; the rest by synchronicity; docs/warehouse.md): an assumption, the "
        "paper does not state it.",
        "'unknown' runtimes and triggers are not drawn in Figs 15 and 16.",
        *ctx.caveats_of("functions", "cold_starts"),
    ]


def _utility(ctx: _Ctx, sec: Section) -> None:
    o = ctx.opts
    region = o.function_region
    shown = f"region={region}, keep_alive_s={o.keep_alive_s:g}"
    cols = ["pods", "share_below_1", "p25", ("p50", "median"), "p75", "share_above_100"]
    for key, col, what in (
        ("by_runtime", "runtime", "runtime"),
        ("by_trigger", "trigger_group", "trigger group"),
    ):
        df = ctx.frame("fig17", key)
        if df.is_empty():
            continue
        sec.tables.append(
            ctx.query_table(
                f"utility_ratio_{key}",
                df,
                [col, *cols],
                f"{region} pod utility ratio by {what}",
                params=shown,
                note=NOT_IN_TABLE_NOTE,
            )
        )
        sec.findings += ctx.say(f"utility_by_{what.replace(' ', '_')}")
    sec.caveats += [
        "Pod lifetimes come from the request table, so only pods that cold-started on the "
        "day it covers are measured: one day instead of the paper's month (PARTIAL).",
        f"Useful lifetime = last request's end − cold-start time, i.e. lifetime minus the "
        f"{o.keep_alive_s:g} s keep-alive (deletion {o.keep_alive_s:g} s after the last "
        f"request is assumed). Pods whose last request ended within {o.censor:g} s of the "
        "table's end are dropped (they may have lived on).",
        *ctx.caveats_of("requests", "functions"),
    ]


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("regions", "The regions at a glance", ("fig01", "fig03", "fig04"), _regions),
    SectionSpec(
        "temporal", "Peaks, troughs and the holiday", ("fig05", "fig06", "fig07"), _temporal
    ),
    SectionSpec(
        "distributions", "Cold-start times and their distribution", ("fig10",), _distributions
    ),
    SectionSpec(
        "components",
        "Where the time goes: components over time and by pool size",
        ("fig11", "fig12", "fig13"),
        _components,
    ),
    SectionSpec(
        "region2",
        "Region 2 by runtime and trigger",
        ("fig08", "fig09", "fig14", "fig15", "fig16"),
        _region2,
    ),
    SectionSpec("utility", "Pod utility ratio", ("fig17",), _utility),
)

SECTION_IDS = tuple(s.id for s in SECTIONS)

INTROS = {
    "regions": (
        "Figs 1, 3 and 4 compare the five regions: size (functions, requests, pods), how "
        "often functions run, how long they execute, how much CPU they use, and how functions "
        "and requests are spread over users. The paper's point: sizes differ by orders of "
        "magnitude, and more functions does not mean more requests or pods."
    ),
    "temporal": (
        "Figs 5, 6 and 7: when each region peaks during the day, how bursty each function is "
        "(peak-to-trough ratio of its requests per minute) and how the week-long holiday "
        "changes the load."
    ),
    "distributions": (
        "Fig 10: how long cold starts take in each region, how often they arrive, and the "
        "LogNormal and Weibull models the paper offers for simulations."
    ),
    "components": (
        "Figs 11–13: the cold-start time split into pod allocation, code and dependency "
        "deployment and scheduling — hour by hour, with the number of cold starts, and by "
        "pool size."
    ),
    "region2": (
        "Figs 8, 9 and 14–16: Region 2's function table gives each function a runtime and "
        "trigger, so its pods, functions and cold starts can be broken down by them."
    ),
    "utility": (
        "Fig 17: a pod's useful lifetime (lifetime minus keep-alive) over its cold-start time. "
        "A ratio below 1 means the pod was useful for less time than it took to start."
    ),
}


# DuckDB's memory while the report runs. The report's largest queries (Fig 7's join of the
# per-minute CPU with the pod counts over a month, Fig 6's sort of a region's function-minutes
# by function and time) take >1 GB of hash tables and sort runs on `medium` at DuckDB's
# default limit (80 % of RAM); bounded, DuckDB spills them. At 300 MB the whole report peaked
# at 744 MB on `medium` against 854 MB at 400 MB, the same wall time within the noise of a
# loaded machine (benchmarks/README.md, "Report memory").
REPORT_MEMORY_LIMIT = "300MB"


def build_report(
    warehouse: str | Path | None = None,
    *,
    regions: Sequence[str] | None = None,
    dpi: int = DEFAULT_DPI,
    progress: ProgressSink | None = None,
) -> Report:
    """Build the report of the warehouse (default: ``$COLDSTART_WAREHOUSE`` or data/warehouse).

    ``regions`` limits every multi-region table and figure to those regions (Region 2
    figures are skipped if it is left out). Raises :class:`~coldstart.errors.InputError`
    with how to create a warehouse when there is none or it is empty.
    """
    import coldstart.query

    region_sel = check_regions(regions)
    with coldstart.query.open(warehouse, memory_limit=REPORT_MEMORY_LIMIT) as session:
        return build_from_session(session, regions=region_sel, dpi=dpi, progress=progress)


def _figure_block(
    fid: str, ff: FigureFrames | None, reason: str | None, dpi: int, stamp: str | None
) -> FigureBlock:
    spec = frames.FIGURES[fid]
    title = f"{spec.label}: {spec.title}"
    if ff is None or ff.excluded:
        block = FigureBlock(fid, title)
        block.skipped_reason = reason or (ff.excluded if ff else "no data")
        return block
    return FigureBlock(fid, title, plots.caption(ff), png(plots.draw(ff, stamp=stamp), dpi))


#: Figures whose frames later sections' paper checks also read (Fig 10's pooled mean and the
#: in-text totals need to know that all five regions are there): kept for the whole report.
#: Their frames are a few rows.
SHARED_FIGURES = ("fig01",)


def build_from_session(
    session: Any,
    *,
    regions: tuple[str, ...] | None = None,
    dpi: int = DEFAULT_DPI,
    progress: ProgressSink | None = None,
) -> Report:
    """Build the report from an open session (see :func:`build_report`).

    Section by section: a section's figures are built and drawn, its paper numbers, findings
    and tables taken from their frames, and the frames dropped before the next section, so the
    report never holds more than one section's frames (plus :data:`SHARED_FIGURES`).
    """
    t_start = time.perf_counter()
    progress = progress or NullProgress()
    assert session.warehouse is not None, "the report needs a session over a warehouse"
    quality = check(session.warehouse)
    caveats: dict[str, list[str]] = {}
    for table, caveat in quality.caveats.iter_rows():
        caveats.setdefault(table, []).append(caveat)
    opts = FigureOptions(regions=regions).validated()
    cached = frames.CachedSession(session)
    skipped: dict[str, MissingTableError] = {}
    blocks: dict[str, FigureBlock] = {}
    timings: dict[str, float] = {}
    shared: dict[str, FigureFrames] = {}
    # What the closing summary needs of each figure: built or excluded, not its frames.
    status: dict[str, FigureFrames] = {}
    found: dict[str, found_in.Result | None] = dict.fromkeys(found_in.compute({}))
    paper_parts: list[pl.DataFrame] = []
    origin = provenance.read(session.warehouse)
    stamp = provenance.SYNTHETIC_LINE if origin.is_synthetic else None
    task = progress.add_task("report: figures", total=sum(len(s.figures) for s in SECTIONS))
    sections = []
    for spec in SECTIONS:
        built: dict[str, FigureFrames] = {}
        for fid in spec.figures:
            t0 = time.perf_counter()
            try:
                built[fid] = frames.build(fid, cached, opts)
            except MissingTableError as exc:
                skipped[fid] = exc
            reason = f"{skipped[fid]}." if fid in skipped else None
            blocks[fid] = _figure_block(fid, built.get(fid), reason, dpi, stamp)
            timings[f"figure {fid}"] = time.perf_counter() - t0
            progress.advance(task)
        readable = {**shared, **built}
        rows = pc.reproducibility(readable).filter(pl.col("fig_id").is_in(list(spec.figures)))
        paper_parts.append(rows)
        found.update({k: v for k, v in found_in.compute(readable).items() if v is not None})
        ctx = _Ctx(cached, opts, built, skipped, blocks, rows, caveats, found, timings)
        sections.append(_section(spec, ctx))
        for fid, ff in built.items():
            status[fid] = FigureFrames(fid, options=ff.options, excluded=ff.excluded)
            if fid in SHARED_FIGURES:
                shared[fid] = ff
        del built, readable, ctx
    cached.forget()
    for key, run in cached.runs.items():
        timings[f"query {key[0]}" + "".join(f" {k}={v}" for k, v in key[1])] = run.seconds
    timings["total"] = time.perf_counter() - t_start
    banner = origin.banner()
    title = "Serverless cold starts: report"
    return Report(
        title=f"{title} — {provenance.SYNTHETIC_LINE}" if banner else title,
        warehouse=Path(session.warehouse).resolve(),
        generated_at=datetime.now(UTC).replace(microsecond=0),
        version=coldstart.__version__,
        regions=regions,
        ingested=_ingested_table(wh_frames.ingested_summary(quality.rows, quality.files, regions)),
        data_notes=wh_frames.quality_notes(quality.caveats, quality.issues),
        sections=sections,
        timings=timings,
        provenance=origin.label(),
        synthetic_banner=banner,
        reproducibility=_reproducibility_table(
            pc.figure_summary(
                _in_paper_order(paper_parts), status, {f: str(e) for f, e in skipped.items()}
            )
        ),
    )


def _in_paper_order(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The sections' paper rows as one table, in the paper table's order."""
    rank = {n.id: i for i, n in enumerate(paper.numbers())}
    table = pl.concat(parts, how="vertical_relaxed")
    return table.sort(pl.col("id").replace_strict(rank, default=len(rank)), maintain_order=True)


def _section(spec: SectionSpec, ctx: _Ctx) -> Section:
    sec = Section(spec.id, spec.title, INTROS[spec.id])
    built = [f for f in spec.figures if ctx.has(f)]
    if not built:
        sec.skipped_reason = _skip_reason(ctx, spec)
        return sec
    t0 = time.perf_counter()
    sec.figures = [ctx.blocks[f] for f in spec.figures]
    sec.findings += _claims(ctx, spec.figures)
    spec.build(ctx, sec)
    table = _paper_table(ctx, spec.figures, f"paper_{spec.id}")
    if table is not None:
        sec.tables.insert(0, table)
    ctx.timings[f"section {spec.id}"] = time.perf_counter() - t0
    return sec


def _skip_reason(ctx: _Ctx, spec: SectionSpec) -> str:
    """Why none of a section's figures could be built: missing tables, or the selection."""
    missing = list(dict.fromkeys(ctx.skipped[f].table for f in spec.figures if f in ctx.skipped))
    if missing:
        names = ", ".join(repr(t) for t in missing)
        origin = "; ".join(frames.TABLE_SOURCES.get(t, t) for t in missing)
        many = len(missing) > 1
        return (
            f"Skipped: this section needs the warehouse table{'s' if many else ''} {names}, "
            f"which {'are' if many else 'is'} not ingested (ingest the release's {origin})."
        )
    o = ctx.opts
    return (
        f"Skipped: this section shows {o.function_region}, the only region with a function "
        f"table, and --regions {','.join(o.regions or ())} leaves it out."
    )


def _reproducibility_table(summary: pl.DataFrame) -> Table:
    return Table(
        "reproducibility",
        "Reproducibility: each figure of the paper beside this warehouse",
        "coldstart.paper and coldstart.frames.paper_check",
        [
            Column("figure", "figure"),
            Column("title", "shows"),
            Column("grade", "from the public release"),
            Column("status", "in this report"),
            Column("compared", "paper numbers compared", "count"),
            Column("agrees", "agree", "count"),
            Column("differs", "differ", "count"),
            Column("not_measured", "not measured", "count"),
        ],
        summary,
        note=(
            "FULL: the public release has everything the figure needs; PARTIAL: only an "
            "approximation (e.g. Fig 17's lifetimes exist for day 30 only; Fig 6's smoothing "
            "is not published). A number agrees when this warehouse's value lies within the "
            "tolerance stated beside it in each section."
        ),
    )


def _ingested_table(per_table: pl.DataFrame) -> Table:
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


def all_findings(report: Report) -> list[Finding]:
    """Every finding of the report, in order (handy for tests and the CLI summary)."""
    return [f for s in report.sections for f in s.findings]

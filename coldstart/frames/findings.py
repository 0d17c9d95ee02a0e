"""Findings: the values each of the report's sentences states, selected from the figures' frames.

Each function takes a frame a figure already holds and returns a small typed result — the
smallest and largest region, a ratio of two shown values, the group that wins — or None when
the data cannot support a statement (too few regions, an empty table, NaN correlations). They
*select and compare* rows of the frames and never aggregate raw data, so every number they
return appears in a table of the report or in the figure data behind it. The report turns
these results into sentences (:mod:`coldstart.report.sentences`) and computes nothing itself.

:func:`compute` runs every finding over the built figures once, keyed by the finding's name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from coldstart.frames.model import ALL, NOT_IN_TABLE, FigureFrames

#: Group labels that are not a real group (left out of "slowest runtime" and similar).
NOT_A_GROUP = (ALL, "unknown", NOT_IN_TABLE)
#: The four components of a cold start, as the frames name them.
COMPONENTS = ("pod_allocation", "deploy_code", "deploy_dependency", "scheduling")


@dataclass(frozen=True)
class RegionExtremes:
    """The regions with the smallest and the largest value of one per-region quantity."""

    min_region: str
    min: float
    max_region: str
    max: float


@dataclass(frozen=True)
class FunctionsVsRequests:
    """The region with the most functions and its rank by requests (1 = most requests)."""

    region: str
    functions: int
    requests_rank: int
    regions: int


@dataclass(frozen=True)
class PeakToTrough:
    """Per-function peak-to-trough ratios: their range and how many are 1 (no peaks)."""

    functions: int
    min: float
    max: float
    max_region: str
    flat: int

    @property
    def flat_share(self) -> float:
        return self.flat / self.functions


@dataclass(frozen=True)
class BusiestDays:
    """The day of each region's largest allocated-pods value within the holiday window."""

    first_day: int
    last_day: int
    day_by_region: dict[str, int]

    def regions_by_day(self) -> dict[int, list[str]]:
        """Days in order, each with its regions in order."""
        out: dict[int, list[str]] = {}
        for region, day in sorted(self.day_by_region.items()):
            out.setdefault(day, []).append(region)
        return dict(sorted(out.items()))


@dataclass(frozen=True)
class LogNormalFit:
    """The LogNormal fitted to all regions' cold-start times (the pooled row of Fig 10b)."""

    n: int
    mean_s: float
    sd_s: float
    median_s: float
    ks_statistic: float


@dataclass(frozen=True)
class WeibullFit:
    """The Weibull fitted to all regions' inter-arrival times (the pooled row of Fig 10d)."""

    mean_s: float
    sd_s: float
    param_c: float
    zero_share: float


@dataclass(frozen=True)
class ComponentWinners:
    """One component and the regions whose mean cold start it dominates, with its share there."""

    component: str
    regions: list[str]
    min_share: float
    max_share: float


@dataclass(frozen=True)
class LargestComponent:
    """Which component makes up most of each region's mean cold start."""

    by_region: dict[str, str]
    winners: list[ComponentWinners]  # the component winning most regions first


@dataclass(frozen=True)
class PoolSizeRatio:
    """Large-pool median cold start over small-pool median, per region with both."""

    ratios: dict[str, float]
    only_small: list[str]

    @property
    def extremes(self) -> RegionExtremes:
        lo = min(self.ratios, key=lambda r: self.ratios[r])
        hi = max(self.ratios, key=lambda r: self.ratios[r])
        return RegionExtremes(lo, self.ratios[lo], hi, self.ratios[hi])


@dataclass(frozen=True)
class SlowestGroup:
    """Slowest and fastest named group (runtime or trigger group) by median cold start."""

    grouping: str  # "runtime" or "trigger group"
    slowest: str
    slowest_p50_s: float
    slowest_cold_starts: int
    fastest: str
    fastest_p50_s: float
    slowest_pod_allocation_share: float | None  # pod allocation / mean, of the slowest


@dataclass(frozen=True)
class GroupShares:
    """The group with the most functions and its shares of functions, cold starts and pods."""

    grouping: str
    group: str
    functions_share: float
    cold_starts_share: float | None
    pods_share: float | None


@dataclass(frozen=True)
class UtilityExtremes:
    """The named groups with the lowest and the highest median pod utility ratio."""

    grouping: str
    lowest: str
    lowest_p50: float
    lowest_share_below_1: float
    lowest_pods: int
    highest: str
    highest_p50: float
    highest_pods: int


Result = (
    RegionExtremes
    | FunctionsVsRequests
    | PeakToTrough
    | BusiestDays
    | LogNormalFit
    | WeibullFit
    | LargestComponent
    | PoolSizeRatio
    | SlowestGroup
    | GroupShares
    | UtilityExtremes
)


def _rows(df: pl.DataFrame, *required: str) -> list[dict[str, Any]]:
    """Rows with all ``required`` columns present: not NULL and, if numbers, not NaN (a
    correlation over constant minutes, say, is NaN and supports no statement)."""
    if df.is_empty() or any(c not in df.columns for c in required):
        return []
    rows = df.drop_nulls(list(required)).to_dicts()
    return [
        r for r in rows if not any(isinstance(r[c], float) and math.isnan(r[c]) for c in required)
    ]


def _named_groups(df: pl.DataFrame, col: str, *required: str) -> list[dict[str, Any]]:
    """Rows of real groups: not NULL (outside the function table), 'all' or 'unknown'."""
    return [r for r in _rows(df, col, *required) if r[col] not in NOT_A_GROUP]


def _extremes(rows: list[dict[str, Any]], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    ordered = sorted(rows, key=lambda r: r[key])
    return ordered[0], ordered[-1]


def _region_extremes(rows: list[dict[str, Any]], key: str) -> RegionExtremes | None:
    if not rows:
        return None
    lo, hi = _extremes(rows, key)
    return RegionExtremes(lo["region"], lo[key], hi["region"], hi[key])


# --- regions at a glance ------------------------------------------------------------------------


def functions_vs_requests(summary: pl.DataFrame) -> FunctionsVsRequests | None:
    """The region with the most functions and where it ranks by requests (Fig 1)."""
    rows = _rows(summary, "functions", "requests")
    if len(rows) < 2:
        return None
    top = max(rows, key=lambda r: r["functions"])
    by_requests = sorted(rows, key=lambda r: -r["requests"])
    rank = 1 + [r["region"] for r in by_requests].index(top["region"])
    return FunctionsVsRequests(top["region"], top["functions"], rank, len(rows))


def cold_starts_range(summary: pl.DataFrame) -> RegionExtremes | None:
    """Fewest and most cold starts of a region (Fig 1)."""
    rows = [r for r in _rows(summary, "cold_starts") if r["cold_starts"] > 0]
    return _region_extremes(rows, "cold_starts") if len(rows) >= 2 else None


# --- peaks and holidays -------------------------------------------------------------------------


def peak_to_trough(ratios: pl.DataFrame) -> PeakToTrough | None:
    """Range of the per-function peak-to-trough ratios and how many are flat (Fig 6)."""
    rows = _rows(ratios, "ratio")
    if not rows:
        return None
    lo, hi = _extremes(rows, "ratio")
    flat = sum(1 for r in rows if r["ratio"] == 1)
    return PeakToTrough(len(rows), lo["ratio"], hi["ratio"], hi["region"], flat)


def busiest_days(normalised: pl.DataFrame, column: str = "pods") -> BusiestDays | None:
    """Day of each region's maximum allocated pods in the holiday window (Fig 7a); the
    earlier day wins a tie."""
    rows = sorted(_rows(normalised, column), key=lambda r: (r["region"], r["day"]))
    if not rows:
        return None
    best: dict[str, tuple[int, float]] = {}
    for r in rows:
        if r["region"] not in best or r[column] > best[r["region"]][1]:
            best[r["region"]] = (int(r["day"]), r[column])
    days = [int(r["day"]) for r in rows]
    return BusiestDays(min(days), max(days), {k: v[0] for k, v in best.items()})


# --- distributions ------------------------------------------------------------------------------


def tail_factor(by_region: pl.DataFrame) -> RegionExtremes | None:
    """99th percentile over median of the cold-start time, smallest and largest region."""
    rows = [r for r in _rows(by_region, "p50_s", "p99_s") if r["p50_s"] > 0]
    for r in rows:
        r["factor"] = r["p99_s"] / r["p50_s"]
    return _region_extremes(rows, "factor")


def _pooled_fit(fit_table: pl.DataFrame, *required: str) -> dict[str, Any] | None:
    rows = [r for r in _rows(fit_table, "group", *required) if r["group"] == ALL]
    return rows[0] if rows else None


def lognormal_fit(fit_table: pl.DataFrame) -> LogNormalFit | None:
    """The LogNormal fitted to all regions' cold-start times (Fig 10b)."""
    keys = ("n", "mean_s", "sd_s", "median_s", "ks_statistic")
    fit = _pooled_fit(fit_table, *keys)
    return None if fit is None else LogNormalFit(**{k: fit[k] for k in keys})


def weibull_fit(fit_table: pl.DataFrame) -> WeibullFit | None:
    """The Weibull fitted to all regions' inter-arrival times (Fig 10d)."""
    keys = ("mean_s", "sd_s", "param_c", "zero_share")
    fit = _pooled_fit(fit_table, *keys)
    return None if fit is None else WeibullFit(**{k: fit[k] for k in keys})


# --- components ---------------------------------------------------------------------------------


def largest_component(by_region: pl.DataFrame) -> LargestComponent | None:
    """Which component makes up the largest share of each region's mean cold start (Fig 11)."""
    rows = _rows(by_region, "region", *[f"{c}_share" for c in COMPONENTS])
    if not rows:
        return None
    per_region: dict[str, str] = {}
    won: dict[str, list[tuple[str, float]]] = {}
    for r in rows:
        comp = max(COMPONENTS, key=lambda c: r[f"{c}_share"])
        per_region[r["region"]] = comp
        won.setdefault(comp, []).append((r["region"], r[f"{comp}_share"]))
    winners = [
        ComponentWinners(
            comp, [reg for reg, _ in regs], min(s for _, s in regs), max(s for _, s in regs)
        )
        for comp, regs in sorted(won.items(), key=lambda kv: -len(kv[1]))
    ]
    return LargestComponent(per_region, winners)


def pool_size_ratio(by_pool_size: pl.DataFrame) -> PoolSizeRatio | None:
    """Large-pool over small-pool median cold start per region (Fig 13)."""
    med: dict[str, dict[str, float]] = {}
    for r in _rows(by_pool_size, "region", "pool_size", "p50_s"):
        med.setdefault(r["region"], {})[r["pool_size"]] = r["p50_s"]
    ratios = {
        reg: m["large"] / m["small"]
        for reg, m in sorted(med.items())
        if "large" in m and "small" in m and m["small"] > 0
    }
    if not ratios:
        return None
    return PoolSizeRatio(ratios, sorted(reg for reg, m in med.items() if "large" not in m))


def count_correlation(spearman: pl.DataFrame) -> RegionExtremes | None:
    """Spearman ρ between per-minute mean cold-start time and count: lowest and highest
    region (Fig 12)."""
    if spearman.is_empty():
        return None
    pick = spearman.filter((pl.col("var_x") == "mean_s") & (pl.col("var_y") == "cold_starts"))
    return _region_extremes(_rows(pick, "rho"), "rho")


# --- Region 2 -----------------------------------------------------------------------------------


def slowest_group(by_group: pl.DataFrame, col: str, grouping: str) -> SlowestGroup | None:
    """Slowest and fastest named group by median, and how much of the slowest's mean is pod
    allocation (the paper's explanation for Custom, http and OBS; Figs 15, 16)."""
    rows = _named_groups(by_group, col, "p50_s")
    if len(rows) < 2:
        return None
    lo, hi = _extremes(rows, "p50_s")
    alloc = hi["pod_allocation_s"] / hi["mean_s"] if hi.get("mean_s") else None
    return SlowestGroup(
        grouping, hi[col], hi["p50_s"], hi["cold_starts"], lo[col], lo["p50_s"], alloc
    )


def group_shares(proportions: pl.DataFrame, grouping: str) -> GroupShares | None:
    """Functions vs cold starts vs pods of the group with the most functions (Fig 8d/8e)."""
    rows = _named_groups(proportions, "group_name", "functions_share")
    if not rows:
        return None
    top = max(rows, key=lambda r: r["functions_share"])
    return GroupShares(
        grouping,
        top["group_name"],
        top["functions_share"],
        top["cold_starts_share"],
        top["pods_share"],
    )


def utility_extremes(by_group: pl.DataFrame, col: str, grouping: str) -> UtilityExtremes | None:
    """The named groups with the lowest and the highest median utility ratio (Fig 17)."""
    rows = _named_groups(by_group, col, "p50")
    if len(rows) < 2:
        return None
    lo, hi = _extremes(rows, "p50")
    return UtilityExtremes(
        grouping,
        lo[col],
        lo["p50"],
        lo["share_below_1"],
        lo["pods"],
        hi[col],
        hi["p50"],
        hi["pods"],
    )


# --- every finding of the built figures -----------------------------------------------------------


def _frame(built: Mapping[str, FigureFrames], fig_id: str, name: str) -> pl.DataFrame:
    ff = built.get(fig_id)
    return ff.get(name) if ff is not None and ff.excluded is None else pl.DataFrame()


def compute(built: Mapping[str, FigureFrames]) -> dict[str, Result | None]:
    """Every finding of the figures built, keyed by name (None: the data cannot support it)."""

    def f(fig_id: str, name: str) -> pl.DataFrame:
        return _frame(built, fig_id, name)

    return {
        "functions_vs_requests": functions_vs_requests(f("fig01", "region_summary")),
        "cold_starts_range": cold_starts_range(f("fig01", "region_summary")),
        "peak_to_trough": peak_to_trough(f("fig06", "ratios")),
        "busiest_days": busiest_days(f("fig07", "normalised")),
        "tail_factor": tail_factor(f("fig10", "by_region")),
        "lognormal_fit": lognormal_fit(f("fig10", "lognormal_fit")),
        "weibull_fit": weibull_fit(f("fig10", "weibull_fit")),
        "largest_component": largest_component(f("fig11", "by_region")),
        "pool_size_ratio": pool_size_ratio(f("fig13", "by_pool_size")),
        "count_correlation": count_correlation(f("fig12", "spearman")),
        "slowest_runtime": slowest_group(f("fig15", "by_group"), "runtime", "runtime"),
        "slowest_trigger_group": slowest_group(
            f("fig16", "by_group"), "trigger_group", "trigger group"
        ),
        "shares_trigger_group": group_shares(f("fig08", "proportions_trigger"), "trigger group"),
        "utility_by_runtime": utility_extremes(f("fig17", "by_runtime"), "runtime", "runtime"),
        "utility_by_trigger_group": utility_extremes(
            f("fig17", "by_trigger"), "trigger_group", "trigger group"
        ),
    }

"""Findings: one sentence each, computed from a query result or a figure's data.

Each function takes the DataFrame(s) a section already shows and returns a :class:`Finding`
(the sentence plus the values it states, so tests can check them against the warehouse), or
None when the data cannot support the sentence (too few regions, an empty table). They only
*select and compare* rows — the smallest, the largest, a ratio of two shown values — and never
aggregate raw data: every number they state appears in a table of the report or in the
figure data it came from. The paper's own numbers come from :mod:`coldstart.paper` only
(:func:`paper_claim`), compared by :mod:`coldstart.frames.paper_check`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import polars as pl

from coldstart.report import fmt
from coldstart.report.model import Finding

#: Group labels that are not a real group (left out of "slowest runtime" and similar).
NOT_A_GROUP = ("all", "unknown")

COMPONENTS = {
    "pod_allocation": "pod allocation",
    "deploy_code": "code deployment",
    "deploy_dependency": "dependency deployment",
    "scheduling": "scheduling",
}


def _rows(df: pl.DataFrame, *required: str) -> list[dict[str, Any]]:
    """Rows with all ``required`` columns present: not NULL and, if numbers, not NaN (a
    correlation over constant minutes, say, is NaN and supports no sentence)."""
    if df.is_empty():
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


# --- regions at a glance ------------------------------------------------------------------------


def requests_range(summary: pl.DataFrame) -> Finding | None:
    """Most and fewest requests over the trace (region_summary)."""
    rows = [r for r in _rows(summary, "requests") if r["requests"] > 0]
    if len(rows) < 2:
        return None
    lo, hi = _extremes(rows, "requests")
    factor = hi["requests"] / lo["requests"]
    text = (
        f"{hi['region']} serves the most requests ({fmt.big(hi['requests'])}) and "
        f"{lo['region']} the fewest ({fmt.big(lo['requests'])}): a factor of "
        f"{fmt.sig(factor, 2)} between regions."
    )
    values = {
        "max_region": hi["region"],
        "max_requests": hi["requests"],
        "min_region": lo["region"],
        "min_requests": lo["requests"],
        "factor": factor,
    }
    return Finding("requests_range", text, values)


def functions_vs_requests(summary: pl.DataFrame) -> Finding | None:
    """The region with the most functions and where it ranks by requests."""
    rows = _rows(summary, "functions", "requests")
    if len(rows) < 2:
        return None
    top = max(rows, key=lambda r: r["functions"])
    by_requests = sorted(rows, key=lambda r: -r["requests"])
    rank = 1 + [r["region"] for r in by_requests].index(top["region"])
    if rank == 1:
        tail = "and also the most requests."
    else:
        tail = (
            f"but ranks {_ordinal(rank)} of {len(rows)} by requests: more functions does not "
            "mean more requests."
        )
    text = f"{top['region']} has the most functions ({fmt.count(top['functions'])}) {tail}"
    values = {"region": top["region"], "functions": top["functions"], "requests_rank": rank}
    return Finding("functions_vs_requests", text, values)


def cold_starts_range(summary: pl.DataFrame) -> Finding | None:
    """Most and fewest cold starts (region_summary)."""
    rows = [r for r in _rows(summary, "cold_starts") if r["cold_starts"] > 0]
    if len(rows) < 2:
        return None
    lo, hi = _extremes(rows, "cold_starts")
    text = (
        f"Cold starts range from {fmt.count(lo['cold_starts'])} in {lo['region']} to "
        f"{fmt.count(hi['cold_starts'])} in {hi['region']}."
    )
    values = {
        "min_region": lo["region"],
        "min": lo["cold_starts"],
        "max_region": hi["region"],
        "max": hi["cold_starts"],
    }
    return Finding("cold_starts_range", text, values)


# --- distributions ------------------------------------------------------------------------------


def _range_sentence(
    key: str, rows: list[dict[str, Any]], col: str, what: str, unit: str = "s"
) -> Finding | None:
    if not rows:
        return None
    lo, hi = _extremes(rows, col)
    show = fmt.seconds if unit == "s" else fmt.sig
    if lo["region"] == hi["region"]:
        text = f"{what[0].upper()}{what[1:]} is {show(lo[col])} in {lo['region']}."
    else:
        text = (
            f"{what[0].upper()}{what[1:]} ranges from {show(lo[col])} in {lo['region']} to "
            f"{show(hi[col])} in {hi['region']}."
        )
    values = {
        "min_region": lo["region"],
        "min": lo[col],
        "max_region": hi["region"],
        "max": hi[col],
    }
    return Finding(key, text, values)


def median_cold_start_range(by_region: pl.DataFrame) -> Finding | None:
    """Regional medians of the cold-start time (cold_starts_by_region.p50_s)."""
    return _range_sentence(
        "median_cold_start_range", _rows(by_region, "p50_s"), "p50_s", "median cold start"
    )


def tail_factor(by_region: pl.DataFrame) -> Finding | None:
    """How far the 99th percentile lies above the median, per region: the long tail."""
    rows = [r for r in _rows(by_region, "p50_s", "p99_s") if r["p50_s"] > 0]
    if not rows:
        return None
    for r in rows:
        r["factor"] = r["p99_s"] / r["p50_s"]
    lo, hi = _extremes(rows, "factor")
    text = (
        f"Every region has a long tail: the 99th percentile is {fmt.times(lo['factor'])} the "
        f"median in {lo['region']} and up to {fmt.times(hi['factor'])} in {hi['region']}."
    )
    values = {
        "min_region": lo["region"],
        "min": lo["factor"],
        "max_region": hi["region"],
        "max": hi["factor"],
    }
    return Finding("tail_factor", text, values)


def _pooled_fit(fit_table: pl.DataFrame) -> dict[str, Any] | None:
    rows = [r for r in _rows(fit_table, "mean_s", "sd_s") if r.get("group") == "all"]
    return rows[0] if rows else None


def lognormal_fit(fit_table: pl.DataFrame) -> Finding | None:
    """The LogNormal fitted to all regions' cold-start times (Fig 10b)."""
    fit = _pooled_fit(fit_table)
    if fit is None:
        return None
    text = (
        f"A LogNormal fitted to all {fmt.count(fit['n'])} cold starts has mean "
        f"{fmt.seconds(fit['mean_s'])}, standard deviation {fmt.seconds(fit['sd_s'])} and median "
        f"{fmt.seconds(fit['median_s'])} (Kolmogorov–Smirnov D = {fit['ks_statistic']:.3f})."
    )
    keys = ("n", "mean_s", "sd_s", "median_s", "ks_statistic")
    return Finding("lognormal_fit", text, {k: fit[k] for k in keys})


def median_iat_range(iat_summary: pl.DataFrame) -> Finding | None:
    """Regional medians of the gaps between consecutive cold starts (Fig 10c)."""
    return _range_sentence(
        "median_iat_range",
        _rows(iat_summary, "p50_s"),
        "p50_s",
        "the median gap between a region's consecutive cold starts",
    )


def weibull_fit(fit_table: pl.DataFrame) -> Finding | None:
    """The Weibull fitted to all regions' inter-arrival times (Fig 10d)."""
    fit = _pooled_fit(fit_table)
    if fit is None:
        return None
    text = (
        f"A Weibull fitted to the inter-arrival times has mean {fmt.seconds(fit['mean_s'])}, "
        f"standard deviation {fmt.seconds(fit['sd_s'])} and shape {fmt.sig(fit['param_c'])}; "
        f"{fmt.share(fit['zero_share'])} of the gaps are 0 at the release's 1 ms resolution."
    )
    keys = ("mean_s", "sd_s", "param_c", "zero_share")
    return Finding("weibull_fit", text, {k: fit[k] for k in keys})


# --- components ---------------------------------------------------------------------------------


def mean_cold_start_range(by_region: pl.DataFrame) -> Finding | None:
    """Regional means of the cold-start time (the top of Fig 11's stacks, averaged)."""
    return _range_sentence(
        "mean_cold_start_range", _rows(by_region, "mean_s"), "mean_s", "mean cold-start time"
    )


def largest_component(by_region: pl.DataFrame) -> Finding | None:
    """Which component makes up the largest share of each region's mean cold start."""
    shares = [f"{c}_share" for c in COMPONENTS]
    rows = _rows(by_region, *shares)
    if not rows:
        return None
    winners: dict[str, list[tuple[str, float]]] = {}
    per_region: dict[str, str] = {}
    for r in rows:
        comp = max(COMPONENTS, key=lambda c: r[f"{c}_share"])
        winners.setdefault(comp, []).append((r["region"], r[f"{comp}_share"]))
        per_region[r["region"]] = comp
    parts = []
    for comp, regs in sorted(winners.items(), key=lambda kv: -len(kv[1])):
        names = fmt.regions_list([r for r, _ in regs])
        lo, hi = min(s for _, s in regs), max(s for _, s in regs)
        span = fmt.share(lo) if len(regs) == 1 else f"{fmt.share(lo)}–{fmt.share(hi)}"
        parts.append(f"{COMPONENTS[comp]} in {names} ({span})")
    text = "The largest part of the mean cold start is " + "; ".join(parts) + "."
    return Finding("largest_component", text, {"by_region": per_region})


def pool_size_ratio(by_pool_size: pl.DataFrame) -> Finding | None:
    """Large-pool over small-pool median cold start per region (Fig 13)."""
    rows = _rows(by_pool_size, "p50_s")
    med: dict[str, dict[str, float]] = {}
    for r in rows:
        med.setdefault(r["region"], {})[r["pool_size"]] = r["p50_s"]
    ratios = [
        {"region": reg, "ratio": m["large"] / m["small"]}
        for reg, m in sorted(med.items())
        if "large" in m and "small" in m and m["small"] > 0
    ]
    only_small = sorted(reg for reg, m in med.items() if "large" not in m)
    if not ratios:
        return None
    lo, hi = _extremes(ratios, "ratio")
    if lo["region"] == hi["region"]:
        text = (
            f"In {lo['region']} the median cold start of large pools is "
            f"{fmt.times(lo['ratio'])} that of small pools."
        )
    else:
        text = (
            f"The median cold start of large pools is {fmt.times(lo['ratio'])} that of small "
            f"pools in {lo['region']} and {fmt.times(hi['ratio'])} in {hi['region']}."
        )
    if only_small:
        verb = "has" if len(only_small) == 1 else "have"
        text += f" {fmt.regions_list(only_small)} {verb} no large-pool cold starts."
    values = {
        "ratios": {r["region"]: r["ratio"] for r in ratios},
        "only_small": only_small,
    }
    return Finding("pool_size_ratio", text, values)


def count_correlation(spearman: pl.DataFrame) -> Finding | None:
    """Spearman ρ between per-minute mean cold-start time and count, per region (Fig 12)."""
    if spearman.is_empty():
        return None
    pick = spearman.filter((pl.col("var_x") == "mean_s") & (pl.col("var_y") == "cold_starts"))
    rows = _rows(pick, "rho")
    if not rows:
        return None
    lo, hi = _extremes(rows, "rho")
    text = (
        "Per minute, the mean cold-start time and the number of cold starts correlate with "
        f"Spearman ρ from {fmt.rho(lo['rho'])} in {lo['region']} to {fmt.rho(hi['rho'])} in "
        f"{hi['region']}."
    )
    values = {
        "min_region": lo["region"],
        "min": lo["rho"],
        "max_region": hi["region"],
        "max": hi["rho"],
    }
    return Finding("count_correlation", text, values)


# --- Region 2 -----------------------------------------------------------------------------------


def top_group_by_cold_starts(
    by_group: pl.DataFrame, col: str, what: str, region: str
) -> Finding | None:
    """The runtime (or trigger group) with the most cold starts and its share."""
    rows = [r for r in _rows(by_group, col, "cold_starts") if r[col] != "all"]
    if not rows:
        return None
    top = max(rows, key=lambda r: r["cold_starts"])
    text = (
        f"{top[col]} has the most cold starts of any {what} in {region}: "
        f"{fmt.count(top['cold_starts'])}, {fmt.share(top['share'])} of the region's."
    )
    values = {"group": top[col], "cold_starts": top["cold_starts"], "share": top["share"]}
    return Finding(f"top_{what.replace(' ', '_')}", text, values)


def slowest_group(by_group: pl.DataFrame, col: str, what: str) -> Finding | None:
    """Slowest and fastest named group by median, and how much of the slowest's mean is pod
    allocation (the paper's explanation for Custom, http and OBS)."""
    rows = _named_groups(by_group, col, "p50_s")
    if len(rows) < 2:
        return None
    lo, hi = _extremes(rows, "p50_s")
    alloc = hi["pod_allocation_s"] / hi["mean_s"] if hi.get("mean_s") else None
    text = (
        f"The slowest {what} by median is {hi[col]} ({fmt.seconds(hi['p50_s'])}, "
        f"{fmt.count(hi['cold_starts'])} cold starts), the fastest {lo[col]} "
        f"({fmt.seconds(lo['p50_s'])})"
    )
    text += (
        f"; pod allocation is {fmt.share(alloc)} of {hi[col]}'s mean cold start."
        if alloc is not None
        else "."
    )
    values = {
        "slowest": hi[col],
        "slowest_p50_s": hi["p50_s"],
        "fastest": lo[col],
        "fastest_p50_s": lo["p50_s"],
        "slowest_pod_allocation_share": alloc,
    }
    return Finding(f"slowest_{what.replace(' ', '_')}", text, values)


def group_shares(proportions: pl.DataFrame, what: str) -> Finding | None:
    """Functions vs cold starts vs pods of the group with the most functions (Fig 8d/8e)."""
    rows = [
        r
        for r in _rows(proportions, "group_name", "functions_share")
        if r["group_name"] not in NOT_A_GROUP
    ]
    if not rows:
        return None
    top = max(rows, key=lambda r: r["functions_share"])
    text = (
        f"{top['group_name']} is the most common {what}: {fmt.share(top['functions_share'])} "
        f"of the functions, but {fmt.share(top['cold_starts_share'] or 0.0)} of the cold "
        f"starts and {fmt.share(top['pods_share'] or 0.0)} of the running pods."
    )
    values = {
        "group": top["group_name"],
        "functions_share": top["functions_share"],
        "cold_starts_share": top["cold_starts_share"],
        "pods_share": top["pods_share"],
    }
    return Finding(f"shares_{what.replace(' ', '_')}", text, values)


# --- utility ratio ------------------------------------------------------------------------------


def utility_overall(by_runtime: pl.DataFrame) -> Finding | None:
    """Share of pods useful for less than their own cold start, and the median ratio."""
    rows = [r for r in _rows(by_runtime, "runtime", "p50") if r["runtime"] == "all"]
    if not rows:
        return None
    r = rows[0]
    text = (
        f"Of {fmt.count(r['pods'])} cold-started pods, {fmt.share(r['share_below_1'])} were "
        f"useful for less time than their cold start took (ratio < 1); the median utility "
        f"ratio is {fmt.sig(r['p50'])}."
    )
    keys = ("pods", "share_below_1", "p50", "share_above_100")
    return Finding("utility_overall", text, {k: r[k] for k in keys})


def utility_extremes(by_group: pl.DataFrame, col: str, what: str) -> Finding | None:
    """The named group with the lowest and the highest median utility ratio."""
    rows = _named_groups(by_group, col, "p50")
    if len(rows) < 2:
        return None
    lo, hi = _extremes(rows, "p50")
    text = (
        f"By {what}, the median utility ratio is lowest for {lo[col]} ({fmt.sig(lo['p50'])}; "
        f"{fmt.share(lo['share_below_1'])} below 1, {fmt.count(lo['pods'])} pods) and highest "
        f"for {hi[col]} ({fmt.sig(hi['p50'])}, {fmt.count(hi['pods'])} pods)."
    )
    values = {
        "lowest": lo[col],
        "lowest_p50": lo["p50"],
        "highest": hi[col],
        "highest_p50": hi["p50"],
    }
    return Finding(f"utility_by_{what.replace(' ', '_')}", text, values)


# --- peaks and holidays -------------------------------------------------------------------------


def peak_to_trough(ratios: pl.DataFrame) -> Finding | None:
    """Range of the per-function peak-to-trough ratios and how many are flat (ratio 1)."""
    rows = _rows(ratios, "ratio")
    if not rows:
        return None
    lo, hi = _extremes(rows, "ratio")
    flat = sum(1 for r in rows if r["ratio"] == 1)
    text = (
        f"Peak-to-trough ratios of the {fmt.count(len(rows))} functions range from "
        f"{fmt.sig(lo['ratio'])} to {fmt.sig(hi['ratio'])} ({hi['region']}); {fmt.count(flat)} "
        f"({fmt.share(flat / len(rows))}) have ratio 1 (no identifiable peaks)."
    )
    values = {
        "functions": len(rows),
        "min": lo["ratio"],
        "max": hi["ratio"],
        "max_region": hi["region"],
        "flat": flat,
    }
    return Finding("peak_to_trough", text, values)


def busiest_days(normalised: pl.DataFrame, column: str = "pods") -> Finding | None:
    """Day of each region's maximum allocated pods in the holiday window (Fig 7a)."""
    rows = sorted(_rows(normalised, column), key=lambda r: (r["region"], r["day"]))
    if not rows:
        return None
    best: dict[str, tuple[int, float]] = {}
    for r in rows:
        if r["region"] not in best or r[column] > best[r["region"]][1]:
            best[r["region"]] = (int(r["day"]), r[column])
    by_day: dict[int, list[str]] = {}
    for reg, (day, _) in sorted(best.items()):
        by_day.setdefault(day, []).append(reg)
    parts = [f"day {d} in {fmt.regions_list(regs)}" for d, regs in sorted(by_day.items())]
    first, last = min(r["day"] for r in rows), max(r["day"] for r in rows)
    text = f"Allocated pods peak within days {first}–{last} on " + "; ".join(parts) + "."
    return Finding("busiest_days", text, {"day_by_region": {k: v[0] for k, v in best.items()}})


# --- the paper's claims -------------------------------------------------------------------------


def paper_claim(row: dict[str, Any]) -> Finding:
    """One paper number beside this warehouse's (a row of coldstart.frames.paper_check's
    table): what the paper says, its value and tolerance, ours, and the verdict."""
    unit = "" if row["unit"] in ("1", "ratio", "share", "count") else f" {row['unit']}"

    def show(x: float) -> str:
        return fmt.share(x) if row["unit"] == "share" else f"{fmt.sig(x)}{unit}"

    verdict = row["verdict"]
    text = (
        f"Paper ({row['source'].split(' (')[0]}): {row['statement']} — {show(row['paper'])} "
        f"({row['tolerance']}). This warehouse: {show(row['measured'])}, which "
        f"{'agrees' if verdict == 'agrees' else 'differs'}."
    )
    values = {k: row[k] for k in ("id", "paper", "measured", "tolerance")}
    return Finding(f"paper:{row['id']}", text, values, verdict=verdict)


def _ordinal(n: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else n % 10, "th")
    return f"{n}{suffix}"


def present(findings: Iterable[Finding | None]) -> list[Finding]:
    """Drop the findings the data could not support."""
    return [f for f in findings if f is not None]

"""Sentences: each finding of :mod:`coldstart.frames.findings` (and each paper claim of
:mod:`coldstart.frames.paper_check`) written out as one sentence.

Only wording and number formatting happen here: which region is the largest, which group is
slowest, what a ratio is and whether a paper number agrees were all decided in the frames
layer. A :class:`~coldstart.report.model.Finding` keeps the result's fields as its ``values``
so the tests can check each sentence against an independent computation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from coldstart.frames import findings as ff
from coldstart.frames.paper_check import VERDICT_AGREES, PaperClaim
from coldstart.report import fmt
from coldstart.report.model import Finding

COMPONENT_NAMES = {
    "pod_allocation": "pod allocation",
    "deploy_code": "code deployment",
    "deploy_dependency": "dependency deployment",
    "scheduling": "scheduling",
}


def _ordinal(n: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else n % 10, "th")
    return f"{n}{suffix}"


def _functions_vs_requests(r: ff.FunctionsVsRequests) -> str:
    if r.requests_rank == 1:
        tail = "and also the most requests."
    else:
        tail = (
            f"but ranks {_ordinal(r.requests_rank)} of {r.regions} by requests: more functions "
            "does not mean more requests."
        )
    return f"{r.region} has the most functions ({fmt.count(r.functions)}) {tail}"


def _cold_starts_range(r: ff.RegionExtremes) -> str:
    return (
        f"Cold starts range from {fmt.count(r.min)} in {r.min_region} to {fmt.count(r.max)} in "
        f"{r.max_region}."
    )


def _peak_to_trough(r: ff.PeakToTrough) -> str:
    return (
        f"Peak-to-trough ratios of the {fmt.count(r.functions)} functions range from "
        f"{fmt.sig(r.min)} to {fmt.sig(r.max)} ({r.max_region}); {fmt.count(r.flat)} "
        f"({fmt.share(r.flat_share)}) have ratio 1 (no identifiable peaks)."
    )


def _busiest_days(r: ff.BusiestDays) -> str:
    parts = [f"day {d} in {fmt.regions_list(regs)}" for d, regs in r.regions_by_day().items()]
    return (
        f"Allocated pods peak within days {r.first_day}–{r.last_day} on " + "; ".join(parts) + "."
    )


def _tail_factor(r: ff.RegionExtremes) -> str:
    return (
        f"Every region has a long tail: the 99th percentile is {fmt.times(r.min)} the median in "
        f"{r.min_region} and up to {fmt.times(r.max)} in {r.max_region}."
    )


def _lognormal_fit(r: ff.LogNormalFit) -> str:
    return (
        f"A LogNormal fitted to all {fmt.count(r.n)} cold starts has mean "
        f"{fmt.seconds(r.mean_s)}, standard deviation {fmt.seconds(r.sd_s)} and median "
        f"{fmt.seconds(r.median_s)} (Kolmogorov–Smirnov D = {r.ks_statistic:.3f})."
    )


def _weibull_fit(r: ff.WeibullFit) -> str:
    return (
        f"A Weibull fitted to the inter-arrival times has mean {fmt.seconds(r.mean_s)}, "
        f"standard deviation {fmt.seconds(r.sd_s)} and shape {fmt.sig(r.param_c)}; "
        f"{fmt.share(r.zero_share)} of the gaps are 0 at the release's 1 ms resolution."
    )


def _largest_component(r: ff.LargestComponent) -> str:
    parts = []
    for w in r.winners:
        span = (
            fmt.share(w.min_share)
            if len(w.regions) == 1
            else f"{fmt.share(w.min_share)}–{fmt.share(w.max_share)}"
        )
        parts.append(f"{COMPONENT_NAMES[w.component]} in {fmt.regions_list(w.regions)} ({span})")
    return "The largest part of the mean cold start is " + "; ".join(parts) + "."


def _pool_size_ratio(r: ff.PoolSizeRatio) -> str:
    e = r.extremes
    if e.min_region == e.max_region:
        text = (
            f"In {e.min_region} the median cold start of large pools is {fmt.times(e.min)} "
            "that of small pools."
        )
    else:
        text = (
            f"The median cold start of large pools is {fmt.times(e.min)} that of small pools in "
            f"{e.min_region} and {fmt.times(e.max)} in {e.max_region}."
        )
    if r.only_small:
        verb = "has" if len(r.only_small) == 1 else "have"
        text += f" {fmt.regions_list(r.only_small)} {verb} no large-pool cold starts."
    return text


def _count_correlation(r: ff.RegionExtremes) -> str:
    return (
        "Per minute, the mean cold-start time and the number of cold starts correlate with "
        f"Spearman ρ from {fmt.rho(r.min)} in {r.min_region} to {fmt.rho(r.max)} in "
        f"{r.max_region}."
    )


def _slowest_group(r: ff.SlowestGroup) -> str:
    text = (
        f"The slowest {r.grouping} by median is {r.slowest} ({fmt.seconds(r.slowest_p50_s)}, "
        f"{fmt.count(r.slowest_cold_starts)} cold starts), the fastest {r.fastest} "
        f"({fmt.seconds(r.fastest_p50_s)})"
    )
    if r.slowest_pod_allocation_share is None:
        return text + "."
    share = fmt.share(r.slowest_pod_allocation_share)
    return text + f"; pod allocation is {share} of {r.slowest}'s mean cold start."


def _group_shares(r: ff.GroupShares) -> str:
    return (
        f"{r.group} is the most common {r.grouping}: {fmt.share(r.functions_share)} of the "
        f"functions, but {fmt.share(r.cold_starts_share or 0.0)} of the cold starts and "
        f"{fmt.share(r.pods_share or 0.0)} of the running pods."
    )


def _utility_extremes(r: ff.UtilityExtremes) -> str:
    return (
        f"By {r.grouping}, the median utility ratio is lowest for {r.lowest} "
        f"({fmt.sig(r.lowest_p50)}; {fmt.share(r.lowest_share_below_1)} below 1, "
        f"{fmt.count(r.lowest_pods)} pods) and highest for {r.highest} "
        f"({fmt.sig(r.highest_p50)}, {fmt.count(r.highest_pods)} pods)."
    )


#: Finding name → how to say it (the names of :func:`coldstart.frames.findings.compute`).
WRITERS: dict[str, Callable[[Any], str]] = {
    "functions_vs_requests": _functions_vs_requests,
    "cold_starts_range": _cold_starts_range,
    "peak_to_trough": _peak_to_trough,
    "busiest_days": _busiest_days,
    "tail_factor": _tail_factor,
    "lognormal_fit": _lognormal_fit,
    "weibull_fit": _weibull_fit,
    "largest_component": _largest_component,
    "pool_size_ratio": _pool_size_ratio,
    "count_correlation": _count_correlation,
    "slowest_runtime": _slowest_group,
    "slowest_trigger_group": _slowest_group,
    "shares_trigger_group": _group_shares,
    "utility_by_runtime": _utility_extremes,
    "utility_by_trigger_group": _utility_extremes,
}


def sentences(found: Mapping[str, ff.Result | None], keys: Iterable[str]) -> list[Finding]:
    """The sentences of these findings, in order, leaving out those the data cannot support."""
    return [
        Finding(key, WRITERS[key](found[key]), dataclasses.asdict(found[key]))  # type: ignore[call-overload]
        for key in keys
        if found.get(key) is not None
    ]


def paper_claim(claim: PaperClaim) -> Finding:
    """One paper number beside this warehouse's: what the paper says, its value and
    tolerance, ours, and the verdict (decided by coldstart.frames.paper_check)."""
    unit = "" if claim.unit in ("1", "ratio", "share", "count") else f" {claim.unit}"

    def show(x: float) -> str:
        return fmt.share(x) if claim.unit == "share" else f"{fmt.sig(x)}{unit}"

    agrees = claim.verdict == VERDICT_AGREES
    text = (
        f"Paper ({claim.source.split(' (')[0]}): {claim.statement} — {show(claim.paper)} "
        f"({claim.tolerance}). This warehouse: {show(claim.measured)}, which "
        f"{'agrees' if agrees else 'differs'}."
    )
    values = {
        "id": claim.id,
        "paper": claim.paper,
        "measured": claim.measured,
        "tolerance": claim.tolerance,
    }
    return Finding(f"paper:{claim.id}", text, values, verdict=claim.verdict)

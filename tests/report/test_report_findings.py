"""Findings sentences against values computed independently, with polars over the warehouse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import coldstart.query
from coldstart.report import ReportResult, fmt

pytestmark = pytest.mark.xdist_group("report")

Scan = Callable[[str], pl.LazyFrame]
COMPONENTS = {
    "pod_allocation": "podAllocationCost",
    "deploy_code": "deployCodeCost",
    "deploy_dependency": "deployDependencyCost",
    "scheduling": "schedulingCost",
}


def _finding(result: ReportResult, section: str, key: str) -> tuple[str, dict]:
    found = result.report.section(section).finding(key)
    assert found is not None, f"{section}: no finding {key}"
    return found.text, found.values


def _extremes(df: pl.DataFrame, col: str) -> tuple[dict, dict]:
    ordered = df.sort(col)
    return ordered.row(0, named=True), ordered.row(-1, named=True)


def test_median_cold_start_range(tiny_report: ReportResult, scan: Scan) -> None:
    medians = (
        scan("cold_starts")
        .group_by("region")
        .agg(pl.col("totalCost_cold_start").median().alias("m"))
        .collect()
    )
    lo, hi = _extremes(medians, "m")
    text, v = _finding(tiny_report, "distributions", "median_cold_start_range")
    assert (v["min_region"], v["max_region"]) == (lo["region"], hi["region"])
    assert v["min"] == pytest.approx(lo["m"], rel=1e-9)
    assert v["max"] == pytest.approx(hi["m"], rel=1e-9)
    assert text == (
        f"Median cold start ranges from {fmt.seconds(lo['m'])} in {lo['region']} to "
        f"{fmt.seconds(hi['m'])} in {hi['region']}."
    )


def test_tail_factor(tiny_report: ReportResult, scan: Scan) -> None:
    factors = (
        scan("cold_starts")
        .group_by("region")
        .agg(
            (
                pl.col("totalCost_cold_start").quantile(0.99, "linear")
                / pl.col("totalCost_cold_start").median()
            ).alias("f")
        )
        .collect()
    )
    lo, hi = _extremes(factors, "f")
    text, v = _finding(tiny_report, "distributions", "tail_factor")
    assert (v["min_region"], v["max_region"]) == (lo["region"], hi["region"])
    assert v["max"] == pytest.approx(hi["f"], rel=1e-9)
    assert fmt.times(hi["f"]) in text and fmt.times(lo["f"]) in text


def test_median_inter_arrival_range(tiny_report: ReportResult, scan: Scan) -> None:
    gaps = (
        scan("cold_starts")
        .select("region", "time")
        .sort("region", "time")
        .with_columns(pl.col("time").diff().over("region").alias("gap"))
        .drop_nulls("gap")
        .group_by("region")
        .agg(pl.col("gap").median())
        .collect()
    )
    lo, hi = _extremes(gaps, "gap")
    text, v = _finding(tiny_report, "distributions", "median_iat_range")
    assert (v["min_region"], v["max_region"]) == (lo["region"], hi["region"])
    assert v["min"] == pytest.approx(lo["gap"], abs=1e-6)
    assert fmt.seconds(hi["gap"]) in text


def test_mean_and_largest_component(tiny_report: ReportResult, scan: Scan) -> None:
    means = (
        scan("cold_starts")
        .group_by("region")
        .agg(
            pl.col("totalCost_cold_start").mean().alias("total"),
            *[pl.col(c).mean().alias(k) for k, c in COMPONENTS.items()],
        )
        .collect()
    )
    lo, hi = _extremes(means, "total")
    text, v = _finding(tiny_report, "components", "mean_cold_start_range")
    assert (v["min_region"], v["max_region"]) == (lo["region"], hi["region"])
    assert fmt.seconds(lo["total"]) in text and fmt.seconds(hi["total"]) in text
    expected = {r["region"]: max(COMPONENTS, key=lambda k: r[k]) for r in means.to_dicts()}
    _, v = _finding(tiny_report, "components", "largest_component")
    assert v["by_region"] == expected


def test_pool_size_ratio(tiny_report: ReportResult, scan: Scan) -> None:
    med = (
        scan("cold_starts")
        .filter(pl.col("pool_size").is_not_null())
        .group_by("region", "pool_size")
        .agg(pl.col("totalCost_cold_start").median().alias("m"))
        .collect()
        .pivot(on="pool_size", index="region", values="m")
    )
    both = med.filter(pl.col("large").is_not_null() & pl.col("small").is_not_null())
    expected = {r["region"]: r["large"] / r["small"] for r in both.to_dicts()}
    only_small = sorted(med.filter(pl.col("large").is_null())["region"])
    text, v = _finding(tiny_report, "components", "pool_size_ratio")
    assert v["ratios"] == pytest.approx(expected, rel=1e-9)
    assert v["only_small"] == only_small
    assert fmt.times(max(expected.values())) in text


def test_requests_and_functions_per_region(tiny_report: ReportResult, scan: Scan) -> None:
    per_function = (
        scan("counts").group_by("region", "funcID").agg(pl.col("requests").sum()).collect()
    )
    per_region = (
        per_function.filter(pl.col("requests") > 0)
        .group_by("region")
        .agg(pl.col("requests").sum(), pl.len().alias("functions"))
    )
    lo, hi = _extremes(per_region, "requests")
    text, v = _finding(tiny_report, "regions", "requests_range")
    assert (v["min_region"], v["max_region"]) == (lo["region"], hi["region"])
    assert v["factor"] == pytest.approx(hi["requests"] / lo["requests"], rel=1e-12)
    assert fmt.big(hi["requests"]) in text
    top = per_region.sort("functions", descending=True).row(0, named=True)
    rank = 1 + per_region.sort("requests", descending=True)["region"].to_list().index(top["region"])
    _, v = _finding(tiny_report, "regions", "functions_vs_requests")
    assert (v["region"], v["functions"], v["requests_rank"]) == (
        top["region"],
        top["functions"],
        rank,
    )


def test_cold_starts_per_region(tiny_report: ReportResult, scan: Scan) -> None:
    counts = scan("cold_starts").group_by("region").agg(pl.len().alias("n")).collect()
    lo, hi = _extremes(counts, "n")
    text, v = _finding(tiny_report, "regions", "cold_starts_range")
    assert (v["min"], v["max"]) == (lo["n"], hi["n"])
    assert f"{hi['n']:,} in {hi['region']}" in text


def test_region2_runtimes(tiny_report: ReportResult, scan: Scan) -> None:
    cs = (
        scan("cold_starts")
        .filter(pl.col("region") == "R2")
        .select("funcID", "totalCost_cold_start")
    )
    runtime = scan("functions").select("funcID", "runtime")
    joined = cs.join(runtime, on="funcID", how="left").collect()
    per_runtime = joined.group_by("runtime").agg(
        pl.len().alias("n"), pl.col("totalCost_cold_start").median().alias("m")
    )
    top = per_runtime.filter(pl.col("runtime").is_not_null()).sort("n").row(-1, named=True)
    text, v = _finding(tiny_report, "region2", "top_runtime")
    assert v["group"] == top["runtime"]
    assert v["share"] == pytest.approx(top["n"] / joined.height, rel=1e-12)
    assert fmt.share(top["n"] / joined.height) in text
    named = per_runtime.filter(pl.col("runtime").is_not_null() & (pl.col("runtime") != "unknown"))
    lo, hi = _extremes(named, "m")
    _, v = _finding(tiny_report, "region2", "slowest_runtime")
    assert (v["slowest"], v["fastest"]) == (hi["runtime"], lo["runtime"])
    assert v["slowest_p50_s"] == pytest.approx(hi["m"], rel=1e-9)


def test_utility_share_below_one(tiny_report: ReportResult, report_warehouse: Path) -> None:
    with coldstart.query.open(report_warehouse) as session:
        pods = session.query("pod_utility_ratio", region="R2")
    ratio = pods["utility_ratio"].drop_nulls()
    text, v = _finding(tiny_report, "utility", "utility_overall")
    assert v["pods"] == ratio.len()
    assert v["share_below_1"] == pytest.approx(float((ratio < 1).mean()), rel=1e-12)
    assert fmt.share(float((ratio < 1).mean())) in text


def test_busiest_days_of_the_holiday_window(tiny_report: ReportResult, scan: Scan) -> None:
    daily = (
        scan("counts")
        .filter(pl.col("day").is_between(10, 25))
        .group_by("region", "day")
        .agg(pl.col("num_pods").sum())
        .collect()
    )
    expected = {
        r: int(g.sort(["num_pods", "day"], descending=[True, False])["day"][0])
        for (r,), g in daily.group_by("region")
    }
    _, v = _finding(tiny_report, "temporal", "busiest_days")
    assert v["day_by_region"] == expected

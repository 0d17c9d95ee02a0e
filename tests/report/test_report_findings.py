"""Findings sentences against values computed independently, with polars over the warehouse."""

from __future__ import annotations

import math
import warnings
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


def _measured(result: ReportResult, paper_id: str) -> float:
    """The 'this warehouse' value of a paper number in the report's comparison tables."""
    for section in result.report.sections:
        for table in section.tables:
            if table.key.startswith("paper_"):
                row = table.frame.filter(pl.col("id") == paper_id)
                if row.height:
                    value = row["measured"][0]
                    assert value is not None, f"{paper_id} not measured"
                    return float(value)
    raise AssertionError(f"{paper_id} is in no comparison table")


def _extremes(df: pl.DataFrame, col: str) -> tuple[dict, dict]:
    ordered = df.sort(col)
    return ordered.row(0, named=True), ordered.row(-1, named=True)


def test_median_cold_start_per_region_beside_the_paper(
    tiny_report: ReportResult, scan: Scan
) -> None:
    medians = (
        scan("cold_starts")
        .group_by("region")
        .agg(pl.col("totalCost_cold_start").median().alias("m"))
        .collect()
    )
    assert medians.height == 5
    for region, m in medians.iter_rows():
        assert _measured(tiny_report, f"fig10a.median_s.{region.lower()}") == pytest.approx(m)
    lo, hi = _extremes(medians, "m")
    assert _measured(tiny_report, "fig10a.median_s_lo") == pytest.approx(lo["m"])
    assert _measured(tiny_report, "fig10a.median_s_hi") == pytest.approx(hi["m"])


def test_a_paper_claim_states_both_values_and_the_verdict(tiny_report: ReportResult) -> None:
    from coldstart import paper

    claims = [f for s in tiny_report.report.sections for f in s.findings if f.verdict]
    assert claims, "no paper claims in the report"
    for claim in claims:
        number = paper.number(claim.values["id"])
        assert number.kind == "text"
        assert claim.text.startswith(f"Paper ({number.source.split(' (')[0]}): {number.statement}")
        assert number.describe_tolerance() in claim.text
        assert claim.verdict == ("agrees" if number.agrees(claim.values["measured"]) else "differs")
        assert claim.verdict in claim.text


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


def test_inter_arrival_beside_the_paper(tiny_report: ReportResult, scan: Scan) -> None:
    gaps = (
        scan("cold_starts")
        .select("region", "time")
        .sort("region", "time")
        .with_columns(pl.col("time").diff().over("region").alias("gap"))
        .drop_nulls("gap")
        .group_by("region")
        .agg(
            pl.col("gap").median().alias("median"),
            pl.col("gap").mean().alias("mean"),
            (pl.col("gap") == 0).mean().alias("zeros"),
        )
        .collect()
    )
    for row in gaps.iter_rows(named=True):
        r = row["region"].lower()
        assert _measured(tiny_report, f"fig10c.iat_median_s_fig.{r}") == pytest.approx(
            row["median"], abs=1e-6
        )
    r2 = gaps.filter(pl.col("region") == "R2").row(0, named=True)
    assert _measured(tiny_report, "fig10c.iat_mean_s.r2") == pytest.approx(r2["mean"], rel=1e-6)
    r1 = gaps.filter(pl.col("region") == "R1").row(0, named=True)
    assert _measured(tiny_report, "fig10c.iat_below_1ms.r1") == pytest.approx(r1["zeros"])


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
    for row in means.iter_rows(named=True):
        r = row["region"].lower()
        assert _measured(tiny_report, f"fig11.mean_cs_s.{r}") == pytest.approx(row["total"])
    r2 = means.filter(pl.col("region") == "R2").row(0, named=True)
    assert _measured(tiny_report, "fig11.mean_pod_alloc_s.r2") == pytest.approx(
        r2["pod_allocation"]
    )
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
    for row in per_region.iter_rows(named=True):
        r = row["region"].lower()
        assert _measured(tiny_report, f"fig1.requests.{r}") == row["requests"]
        assert _measured(tiny_report, f"fig1.functions.{r}") == row["functions"]
    assert _measured(tiny_report, "text.requests_total") == per_region["requests"].sum()
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
    python3 = per_runtime.filter(pl.col("runtime") == "Python3").row(0, named=True)
    assert _measured(tiny_report, "fig8e.cold_start_count.python3") == python3["n"]
    assert _measured(tiny_report, "fig8e.cold_start_share_fig.python3") == pytest.approx(
        python3["n"] / joined.height
    )
    named = per_runtime.filter(pl.col("runtime").is_not_null() & (pl.col("runtime") != "unknown"))
    lo, hi = _extremes(named, "m")
    _, v = _finding(tiny_report, "region2", "slowest_runtime")
    assert (v["slowest"], v["fastest"]) == (hi["runtime"], lo["runtime"])
    assert v["slowest_p50_s"] == pytest.approx(hi["m"], rel=1e-9)


def test_utility_beside_the_paper(tiny_report: ReportResult, report_warehouse: Path) -> None:
    with coldstart.query.open(report_warehouse) as session:
        pods = session.query("pod_utility_ratio", region="R2")
    ratio = pods["utility_ratio"].drop_nulls()
    assert ratio.len() > 20
    below = float((ratio < 1).mean())
    assert _measured(tiny_report, "fig17.share_below_1") == pytest.approx(below, rel=1e-12)
    assert _measured(tiny_report, "fig17.median_ratio") == pytest.approx(
        float(ratio.median()), rel=1e-9
    )


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


def test_count_correlation(tiny_report: ReportResult, scan: Scan) -> None:
    from scipy import stats

    per_minute = (
        scan("cold_starts")
        .with_columns((pl.col("time") // 60).alias("minute"))
        .group_by("region", "minute")
        .agg(pl.len().alias("n"), pl.col("totalCost_cold_start").mean().alias("mean"))
        .collect()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        rho = {
            r: float(stats.spearmanr(g["mean"], g["n"]).statistic)
            for (r,), g in per_minute.group_by("region")
        }
    rho = {r: v for r, v in rho.items() if not math.isnan(v)}  # constant minutes give NaN
    lo, hi = min(rho, key=rho.__getitem__), max(rho, key=rho.__getitem__)
    text, v = _finding(tiny_report, "components", "count_correlation")
    assert (v["min_region"], v["max_region"]) == (lo, hi)
    assert (v["min"], v["max"]) == pytest.approx((rho[lo], rho[hi]), abs=1e-9)
    assert fmt.rho(rho[hi]) in text


def test_lognormal_fit_sample_size(tiny_report: ReportResult, scan: Scan) -> None:
    n = scan("cold_starts").select(pl.len()).collect().item()
    _, v = _finding(tiny_report, "distributions", "lognormal_fit")
    assert v["n"] == min(n, 200_000)
    assert 0 < v["median_s"] < v["mean_s"]  # a LogNormal's median lies below its mean


def _r2_with(scan: Scan, column: str) -> pl.DataFrame:
    cs = scan("cold_starts").filter(pl.col("region") == "R2")
    return cs.join(scan("functions").select("funcID", column), on="funcID", how="left").collect()


def test_slowest_trigger_group(tiny_report: ReportResult, scan: Scan) -> None:
    joined = _r2_with(scan, "trigger_group")
    per = (
        joined.filter(
            pl.col("trigger_group").is_not_null() & (pl.col("trigger_group") != "unknown")
        )
        .group_by("trigger_group")
        .agg(
            pl.col("totalCost_cold_start").median().alias("m"),
            (pl.col("podAllocationCost").mean() / pl.col("totalCost_cold_start").mean()).alias(
                "alloc"
            ),
        )
    )
    lo, hi = _extremes(per, "m")
    _, v = _finding(tiny_report, "region2", "slowest_trigger_group")
    assert (v["slowest"], v["fastest"]) == (hi["trigger_group"], lo["trigger_group"])
    assert v["slowest_pod_allocation_share"] == pytest.approx(hi["alloc"], rel=1e-9)


def test_most_common_trigger_group(tiny_report: ReportResult, scan: Scan) -> None:
    joined = _r2_with(scan, "trigger_group")
    fns = scan("functions").select("funcID", "trigger_group").collect()
    shares = fns.group_by("trigger_group").agg((pl.len() / fns.height).alias("share"))
    top = shares.filter(pl.col("trigger_group") != "unknown").sort("share").row(-1, named=True)
    cs_share = (joined["trigger_group"] == top["trigger_group"]).mean()
    text, v = _finding(tiny_report, "region2", "shares_trigger_group")
    assert v["group"] == top["trigger_group"]
    assert v["cold_starts_share"] == pytest.approx(cs_share, rel=1e-9)
    assert text.startswith(f"{top['trigger_group']} is the most common trigger group")


def test_utility_by_runtime(tiny_report: ReportResult, report_warehouse: Path, scan: Scan) -> None:
    with coldstart.query.open(report_warehouse) as session:
        pods = session.query("pod_utility_ratio", region="R2")
    runtime = scan("functions").select("funcID", "runtime").collect()
    per = (
        pods.join(runtime, on="funcID", how="left")
        .drop_nulls("utility_ratio")
        .filter(pl.col("runtime").is_not_null() & (pl.col("runtime") != "unknown"))
        .group_by("runtime")
        .agg(pl.col("utility_ratio").median().alias("m"))
    )
    lo, hi = _extremes(per, "m")
    _, v = _finding(tiny_report, "utility", "utility_by_runtime")
    assert (v["lowest"], v["highest"]) == (lo["runtime"], hi["runtime"])
    assert (v["lowest_p50"], v["highest_p50"]) == pytest.approx((lo["m"], hi["m"]), rel=1e-9)

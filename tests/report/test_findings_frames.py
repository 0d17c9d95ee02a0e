"""coldstart.frames.findings on tiny hand-made frames, answers worked out by hand (no warehouse).

Each finding's selection can go wrong in a way the synthetic trace would not show (a tie, a
NaN, a group that is not a group, a region without large pools): these cases pin them down.
"""

from __future__ import annotations

import math

import polars as pl
import pytest

from coldstart.frames import FigureFrames
from coldstart.frames import findings as ff
from coldstart.report import sentences


def test_cold_starts_range_ignores_empty_regions() -> None:
    summary = pl.DataFrame({"region": ["R1", "R2", "R3"], "cold_starts": [5, 0, 9]})
    assert ff.cold_starts_range(summary) == ff.RegionExtremes("R1", 5, "R3", 9)
    assert ff.cold_starts_range(summary.head(2)) is None  # one region with cold starts


def test_functions_vs_requests_rank() -> None:
    summary = pl.DataFrame(
        {"region": ["R1", "R2", "R3"], "functions": [10, 30, 20], "requests": [300, 100, 200]}
    )
    # R2 has the most functions (30) and the fewest requests: 3rd of 3.
    assert ff.functions_vs_requests(summary) == ff.FunctionsVsRequests("R2", 30, 3, 3)


def test_tail_factor_skips_zero_medians_and_nan() -> None:
    by_region = pl.DataFrame(
        {
            "region": ["R1", "R2", "R3", "R4"],
            "p50_s": [0.5, 0.0, 2.0, float("nan")],
            "p99_s": [5.0, 1.0, 4.0, 1.0],
        }
    )
    # R1: 10×, R3: 2×; R2 has median 0, R4 a NaN median.
    assert ff.tail_factor(by_region) == ff.RegionExtremes("R3", 2.0, "R1", 10.0)


def test_busiest_days_earlier_day_wins_a_tie() -> None:
    normalised = pl.DataFrame(
        {
            "region": ["R1", "R1", "R1", "R2", "R2"],
            "day": [12, 13, 14, 12, 13],
            "pods": [0.5, 1.0, 1.0, 1.0, 0.2],
        }
    )
    found = ff.busiest_days(normalised)
    assert found == ff.BusiestDays(12, 14, {"R1": 13, "R2": 12})
    assert found is not None and found.regions_by_day() == {12: ["R2"], 13: ["R1"]}


def test_largest_component_groups_regions_by_winner() -> None:
    shares = {
        "pod_allocation": [0.6, 0.1, 0.7],
        "deploy_code": [0.2, 0.5, 0.1],
        "deploy_dependency": [0.1, 0.3, 0.1],
        "scheduling": [0.1, 0.1, 0.1],
    }
    by_region = pl.DataFrame(
        {"region": ["R1", "R2", "R3"], **{f"{k}_share": v for k, v in shares.items()}}
    )
    found = ff.largest_component(by_region)
    assert found is not None
    assert found.by_region == {"R1": "pod_allocation", "R2": "deploy_code", "R3": "pod_allocation"}
    assert found.winners[0] == ff.ComponentWinners("pod_allocation", ["R1", "R3"], 0.6, 0.7)
    text = sentences.sentences({"largest_component": found}, ["largest_component"])[0].text
    assert "pod allocation in R1 and R3 (60.0 %–70.0 %); code deployment in R2 (50.0 %)" in text


def test_pool_size_ratio_names_regions_without_large_pools() -> None:
    by_pool = pl.DataFrame(
        {
            "region": ["R1", "R1", "R2", "R3", "R3"],
            "pool_size": ["small", "large", "small", "small", "large"],
            "p50_s": [1.0, 3.0, 2.0, 2.0, 3.0],
        }
    )
    found = ff.pool_size_ratio(by_pool)
    assert found == ff.PoolSizeRatio({"R1": 3.0, "R3": 1.5}, ["R2"])
    assert found is not None and found.extremes == ff.RegionExtremes("R3", 1.5, "R1", 3.0)


def test_count_correlation_picks_the_count_row_and_skips_nan() -> None:
    spearman = pl.DataFrame(
        {
            "region": ["R1", "R1", "R2", "R3"],
            "var_x": ["mean_s"] * 4,
            "var_y": ["cold_starts", "scheduling_s", "cold_starts", "cold_starts"],
            "rho": [0.3, 0.9, -0.2, float("nan")],
        }
    )
    assert ff.count_correlation(spearman) == ff.RegionExtremes("R2", -0.2, "R1", 0.3)


def test_slowest_group_leaves_out_all_unknown_and_null() -> None:
    by_group = pl.DataFrame(
        {
            "runtime": ["all", "unknown", None, "Java", "Go1.x"],
            "p50_s": [9.0, 8.0, 7.0, 2.0, 1.0],
            "cold_starts": [10, 1, 1, 4, 4],
            "mean_s": [1.0, 1.0, 1.0, 4.0, 1.0],
            "pod_allocation_s": [0.0, 0.0, 0.0, 1.0, 0.5],
        }
    )
    found = ff.slowest_group(by_group, "runtime", "runtime")
    assert found == ff.SlowestGroup("runtime", "Java", 2.0, 4, "Go1.x", 1.0, 0.25)


def test_utility_extremes_and_group_shares() -> None:
    by_runtime = pl.DataFrame(
        {
            "runtime": ["all", "Java", "Python3"],
            "p50": [1.0, 0.5, 4.0],
            "share_below_1": [0.5, 0.8, 0.1],
            "pods": [30, 10, 20],
        }
    )
    assert ff.utility_extremes(by_runtime, "runtime", "runtime") == ff.UtilityExtremes(
        "runtime", "Java", 0.5, 0.8, 10, "Python3", 4.0, 20
    )
    props = pl.DataFrame(
        {
            "group_name": ["all", "APIG-S", "TIMER-A"],
            "functions_share": [1.0, 0.3, 0.7],
            "cold_starts_share": [1.0, 0.9, 0.1],
            "pods_share": [1.0, None, 0.2],
        }
    )
    assert ff.group_shares(props, "trigger group") == ff.GroupShares(
        "trigger group", "TIMER-A", 0.7, 0.1, 0.2
    )


def test_peak_to_trough_counts_flat_functions() -> None:
    ratios = pl.DataFrame({"region": ["R1", "R2", "R2", "R3"], "ratio": [1.0, 40.0, 1.0, 3.0]})
    found = ff.peak_to_trough(ratios)
    assert found == ff.PeakToTrough(4, 1.0, 40.0, "R2", 2)
    assert found is not None and found.flat_share == 0.5


def test_fits_need_the_pooled_row() -> None:
    row = {"n": 5, "mean_s": 2.0, "sd_s": 1.0, "median_s": 1.5, "ks_statistic": 0.1}
    table = pl.DataFrame([{"group": "R1", **row}, {"group": "all", **row, "n": 9}])
    assert ff.lognormal_fit(table) == ff.LogNormalFit(9, 2.0, 1.0, 1.5, 0.1)
    assert ff.lognormal_fit(table.head(1)) is None


def test_compute_skips_excluded_and_missing_figures() -> None:
    summary = pl.DataFrame(
        {"region": ["R1", "R2"], "cold_starts": [1, 2], "functions": [3, 1], "requests": [5, 7]}
    )
    built = {
        "fig01": FigureFrames("fig01", {"region_summary": summary}),
        "fig15": FigureFrames("fig15", excluded="R2 is not selected"),
    }
    found = ff.compute(built)
    assert found["cold_starts_range"] == ff.RegionExtremes("R1", 1, "R2", 2)
    assert found["slowest_runtime"] is None and found["tail_factor"] is None
    assert set(found) == set(sentences.WRITERS)
    said = sentences.sentences(found, sentences.WRITERS)
    assert [f.key for f in said] == ["functions_vs_requests", "cold_starts_range"]
    assert said[1].values == {"min_region": "R1", "min": 1, "max_region": "R2", "max": 2}
    assert not math.isnan(said[1].values["max"])


@pytest.mark.parametrize("verdict", ["agrees", "differs"])
def test_paper_claim_sentence_states_the_verdict(verdict: str) -> None:
    from coldstart.frames.paper_check import PaperClaim

    claim = PaperClaim(
        "fig10a.median_s.r1", "§5.1 (p. 7)", "R1's median", 0.2, "s", "±25 %", 0.3, verdict
    )
    text = sentences.paper_claim(claim).text
    assert text.startswith("Paper (§5.1): R1's median — 0.200 s (±25 %).")
    assert text.endswith(f"This warehouse: 0.300 s, which {verdict}.")


def test_ingested_summary_counts_each_file_once_whatever_days_it_holds() -> None:
    """One cold-start file per region holds many days (layout v5): the summary counts files,
    not (file, day) pairs — 2 files here, though the check's rows list 3 (file, day) rows."""
    from coldstart.frames.warehouse import ingested_summary

    rows = pl.DataFrame(
        {
            "table": ["cold_starts"] * 3,
            "region": ["R1", "R1", "R2"],
            "metric": [None, None, None],
            "day": [0, 1, 0],
            "files": [1, 1, 1],
            "rows": [5, 7, 2],
        }
    )
    files = pl.DataFrame(
        {
            "table": ["cold_starts", "cold_starts"],
            "region": ["R1", "R2"],
            "path": [
                "cold_starts/region=R1/part-a-0.parquet",
                "cold_starts/region=R2/part-a-0.parquet",
            ],
        }
    )
    got = ingested_summary(rows, files, None).row(0, named=True)
    assert (got["rows"], got["files"], got["region"], got["days"]) == (14, 2, "R1, R2", "0–1")
    only_r1 = ingested_summary(rows, files, ("R1",)).row(0, named=True)
    assert (only_r1["rows"], only_r1["files"]) == (12, 1)

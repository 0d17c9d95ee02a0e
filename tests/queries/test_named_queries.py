"""Every named query on the hand-made warehouse of conftest.py, answers worked out by hand.

The data (see conftest.py): R1 has four cold starts (a tie at t = 10 s, one large pool, one
row without podID/funcID); R2 has eight on day 30 and one on day 29, a function table, and a
day-30 request table with a pod cut off at the end of the trace, a pod without requests, a
pod whose ratio is exactly 1 and a podID cold-started twice.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from coldstart.query import Session

from .conftest import DAY30, F1, F2, F3, F5, F6, F7, F9, approx_rows, write_warehouse

R1_SHARE = {"pod_allocation": 0.775, "deploy_code": 0.55, "deploy_dependency": 0.625}


def rows(s: Session, name: str, **params: object) -> list[dict]:
    return s.query(name, **params).to_dicts()


def test_cold_starts_by_region(hand: Session) -> None:
    # R1 totals 1, 3, 5, 2 -> sorted 1 2 3 5; p90 at position 2.7 = 3 + 0.7·2.
    # R2 totals 2 4 1 1 0.5 2 4 1 -> sorted 0.5 1 1 1 2 2 4 4; median (1 + 2) / 2.
    approx_rows(
        rows(hand, "cold_starts_by_region"),
        [
            {
                "region": "R1",
                "cold_starts": 4,
                "functions": 2,  # the NULL funcID is not a function
                "mean_s": 2.75,
                "p50_s": 2.5,
                "p90_s": 4.4,
                "p99_s": 4.94,
                "pod_allocation_s": 0.775,
                "deploy_code_s": 0.55,
                "deploy_dependency_s": 0.625,
                "scheduling_s": 0.8,
                "pod_allocation_share": 0.775 / 2.75,
                "deploy_code_share": 0.55 / 2.75,
                "deploy_dependency_share": 0.625 / 2.75,
                "scheduling_share": 0.8 / 2.75,
            },
            {
                "region": "R2",
                "cold_starts": 8,
                "functions": 3,
                "mean_s": 15.5 / 8,
                "p50_s": 1.5,
                "p90_s": 4.0,
                "p99_s": 4.0,
                "pod_allocation_s": 15.5 / 32,
                "deploy_code_s": 15.5 / 32,
                "deploy_dependency_s": 0.0,
                "scheduling_s": 15.5 / 16,
                "pod_allocation_share": 0.25,
                "deploy_code_share": 0.25,
                "deploy_dependency_share": 0.0,
                "scheduling_share": 0.5,
            },
        ],
    )


@pytest.mark.parametrize(
    ("name", "column", "groups"),
    [
        ("cold_starts_by_runtime", "runtime", ["Python3", "Java", None]),
        ("cold_starts_by_trigger", "trigger_group", ["TIMER-A", "APIG-S", None]),
    ],
)
def test_cold_starts_by_group(hand: Session, name: str, column: str, groups: list) -> None:
    # F5 (Python3, TIMER-A): 2, 1, 0.5 and the day-29 1.0; F6 (Java, APIG-S): 4, 2, 4;
    # F7 is not in the function table: one cold start of 1 s in the NULL group.
    approx_rows(
        rows(hand, name),
        [
            {column: groups[0], "cold_starts": 4, "share": 0.5, "mean_s": 1.125,
             "p50_s": 1.0, "p90_s": 1.7, "scheduling_s": 0.5625, "deploy_dependency_s": 0.0},
            {column: groups[1], "cold_starts": 3, "share": 0.375, "mean_s": 10 / 3,
             "p50_s": 4.0, "p90_s": 4.0, "p99_s": 4.0, "pod_allocation_s": 10 / 12},
            {column: groups[2], "cold_starts": 1, "share": 0.125, "mean_s": 1.0, "p50_s": 1.0},
        ],
    )  # fmt: skip
    # Outside R2 there is no function table: one NULL group with every cold start.
    approx_rows(rows(hand, name, region="R1"), [{column: None, "cold_starts": 4, "share": 1.0}])


def test_cold_starts_by_pool_size(hand: Session) -> None:
    approx_rows(
        rows(hand, "cold_starts_by_pool_size"),
        [
            # the zero dependency time of the first R1 cold start is left out of its median
            {"region": "R1", "pool_size": "small", "cold_starts": 2, "p50_s": 2.0,
             "pod_allocation_p50_s": 0.3, "deploy_code_p50_s": 0.35,
             "deploy_dependency_p50_s": 1.0, "scheduling_p50_s": 0.85},
            {"region": "R1", "pool_size": "large", "cold_starts": 1, "p50_s": 5.0,
             "pod_allocation_p50_s": 2.0, "deploy_dependency_p50_s": 1.0},
            # all R2 dependency times are 0 -> NULL median
            {"region": "R2", "pool_size": "small", "cold_starts": 5, "p50_s": 1.0,
             "pod_allocation_p50_s": 0.25, "deploy_dependency_p50_s": None,
             "scheduling_p50_s": 0.5},
            {"region": "R2", "pool_size": "large", "cold_starts": 3, "p50_s": 4.0,
             "scheduling_p50_s": 2.0},
        ],
    )  # fmt: skip


def test_cold_starts_hourly_and_per_minute(hand: Session) -> None:
    hour0 = {
        "cold_starts": 2,
        "mean_s": 2.0,
        "pod_allocation_s": 0.3,
        "deploy_code_s": 0.35,
        "deploy_dependency_s": 0.5,
        "scheduling_s": 0.85,
    }
    hour1 = {"cold_starts": 2, "mean_s": 3.5, "pod_allocation_s": 1.25, "deploy_code_s": 0.75,
             "deploy_dependency_s": 0.75, "scheduling_s": 0.75}  # fmt: skip
    approx_rows(
        rows(hand, "cold_starts_hourly", region="R1"),
        [{"region": "R1", "hour": 0, **hour0}, {"region": "R1", "hour": 1, **hour1}],
    )
    approx_rows(
        rows(hand, "cold_starts_per_minute", region="R1"),
        [
            {"region": "R1", "time_minute": 0, **hour0},
            {"region": "R1", "time_minute": 3660, **hour1},
        ],
    )
    all_regions = hand.query("cold_starts_hourly")
    assert all_regions["region"].unique().sort().to_list() == ["R1", "R2"]
    assert all_regions["cold_starts"].sum() == 12


def test_cold_starts_inter_arrival(hand: Session) -> None:
    # R1 times 10, 10, 3700, 3700.5: the tie gives a zero gap.
    approx_rows(
        rows(hand, "cold_starts_inter_arrival", region="R1"),
        [
            {"region": "R1", "time": 10.0, "iat_s": 0.0},
            {"region": "R1", "time": 3700.0, "iat_s": 3690.0},
            {"region": "R1", "time": 3700.5, "iat_s": 0.5},
        ],
    )
    approx_rows(
        rows(hand, "cold_starts_inter_arrival_summary"),
        [
            {"region": "R1", "iats": 3, "zero_iats": 1, "zero_share": 1 / 3,
             "mean_s": 3690.5 / 3, "p50_s": 0.5, "p90_s": 0.5 + 0.8 * 3689.5},
            # R2: gaps 1100, 100, 100, 100, 600, 7000, 78300 (day 29 to the cut-off pod)
            {"region": "R2", "iats": 7, "zero_iats": 0, "zero_share": 0.0,
             "mean_s": 87300 / 7, "p50_s": 600.0},
        ],
    )  # fmt: skip


def test_cold_starts_inter_arrival_histogram(hand: Session) -> None:
    # R1 gaps 0, 3690, 0.5; log10: 3690 → 3.567, 0.5 → −0.301 (bins of 1/1000 decade).
    approx_rows(
        rows(hand, "cold_starts_inter_arrival_histogram", region="R1"),
        [
            {"region": "R1", "bin": -302, "n": 1, "sum_s": 0.5, "min_s": 0.5, "max_s": 0.5},
            {"region": "R1", "bin": 3567, "n": 1, "sum_s": 3690.0, "min_s": 3690.0,
             "max_s": 3690.0},
            {"region": "R1", "bin": None, "n": 1, "sum_s": 0.0, "min_s": 0.0, "max_s": 0.0},
        ],
    )  # fmt: skip
    # R2 gaps 100 ×3, 600 (log10 2.78) | 1100, 7000 (3.04, 3.85) | 78300 (4.89), one per decade
    approx_rows(
        rows(hand, "cold_starts_inter_arrival_histogram", region="R2", bins_per_decade=1),
        [
            {"region": "R2", "bin": 2, "n": 4, "sum_s": 900.0, "min_s": 100.0, "max_s": 600.0},
            {"region": "R2", "bin": 3, "n": 2, "sum_s": 8100.0, "min_s": 1100.0,
             "max_s": 7000.0},
            {"region": "R2", "bin": 4, "n": 1, "sum_s": 78300.0, "min_s": 78300.0,
             "max_s": 78300.0},
        ],
    )  # fmt: skip
    both = hand.query("cold_starts_inter_arrival_histogram")
    assert both.group_by("region").agg(pl.col("n").sum()).sort("region").rows() == [
        ("R1", 3),
        ("R2", 7),
    ]


def test_cold_starts_values(hand: Session) -> None:
    got = rows(hand, "cold_starts_values", region="R1")
    approx_rows(
        got,
        [
            {"pool_size": "small", "runtime": None, "total_s": 1.0, "deploy_dependency_s": 0.0},
            {"pool_size": "small", "total_s": 3.0},
            {"pool_size": "large", "total_s": 5.0, "pod_allocation_s": 2.0},
            {"pool_size": None, "total_s": 2.0, "scheduling_s": 0.5},
        ],
    )
    r2 = hand.query("cold_starts_values", region="R2")
    assert r2.height == 8
    assert r2.filter(runtime="Java")["total_s"].sort().to_list() == [2.0, 4.0, 4.0]


def test_requests_vs_cold_starts(hand: Session) -> None:
    assert rows(hand, "requests_vs_cold_starts") == [
        {"region": "R1", "funcID": F1, "requests": 10, "cold_starts": 2, "trigger_group": None},
        {"region": "R1", "funcID": F2, "requests": 0, "cold_starts": 1, "trigger_group": None},
        {"region": "R1", "funcID": F3, "requests": 10, "cold_starts": 0, "trigger_group": None},
        {"region": "R2", "funcID": F5, "requests": 4, "cold_starts": 4, "trigger_group": "TIMER-A"},
        {"region": "R2", "funcID": F6, "requests": 6, "cold_starts": 3, "trigger_group": "APIG-S"},
        {"region": "R2", "funcID": F7, "requests": 0, "cold_starts": 1, "trigger_group": None},
        {"region": "R2", "funcID": F9, "requests": 1, "cold_starts": 0, "trigger_group": None},
    ]
    assert len(rows(hand, "requests_vs_cold_starts", region="R2")) == 4


def test_requests_per_function_day_and_per_function(hand: Session) -> None:
    assert rows(hand, "requests_per_function_day", region="R1") == [
        {"region": "R1", "funcID": F1, "day": 0, "requests": 8},
        {"region": "R1", "funcID": F1, "day": 1, "requests": 2},
        {"region": "R1", "funcID": F2, "day": 0, "requests": 0},  # pods, no requests
        {"region": "R1", "funcID": F2, "day": 1, "requests": 0},  # filled in
        {"region": "R1", "funcID": F3, "day": 0, "requests": 0},  # filled in
        {"region": "R1", "funcID": F3, "day": 1, "requests": 10},
    ]
    approx_rows(
        rows(hand, "requests_per_function", region="R1"),
        [
            {"funcID": F1, "days": 2, "active_days": 2, "requests": 10,
             "median_daily_requests": 5.0, "mean_daily_requests": 5.0},
            {"funcID": F2, "days": 2, "active_days": 0, "requests": 0,
             "median_daily_requests": 0.0, "mean_daily_requests": 0.0},
            {"funcID": F3, "days": 2, "active_days": 1, "requests": 10,
             "median_daily_requests": 5.0, "mean_daily_requests": 5.0},
        ],
    )  # fmt: skip


def test_requests_per_user(hand: Session) -> None:
    assert rows(hand, "requests_per_user") == [
        # F2 (user 11) has no request, so user 11 is not listed
        {"region": "R1", "userID": 10, "functions": 2, "func_names": 2, "requests": 20},
        {"region": "R2", "userID": 20, "functions": 1, "func_names": 1, "requests": 4},
        {"region": "R2", "userID": 21, "functions": 1, "func_names": 1, "requests": 6},
        {"region": "R2", "userID": 24, "functions": 1, "func_names": 1, "requests": 1},
    ]


def test_requests_per_minute(hand: Session) -> None:
    df = hand.query("requests_per_minute", region="R1", day_from=0, day_to=1)
    assert df.height == 2 * 1440  # every minute of the two covered days
    assert df["time"].to_list() == list(range(0, 2 * 86400, 60))
    nonzero = {t: r for t, r in df.select("time", "requests").iter_rows() if r}
    assert nonzero == {0: 5, 60: 3, 86400: 2, 86460: 10}
    # the default days 0–2 hold no R2 counts; day 30 does
    assert hand.query("requests_per_minute", region="R2").height == 0
    r2 = hand.query("requests_per_minute", region="R2", day_from=30, day_to=30)
    assert r2.height == 1440 and r2["requests"].sum() == 11
    assert r2.row(0) == ("R2", DAY30, 4)


def test_region_summary(hand: Session) -> None:
    assert rows(hand, "region_summary") == [
        # pods: three distinct non-NULL podIDs; functions: F2 has no request
        {"region": "R1", "requests": 20, "functions": 2, "pods": 3, "cold_starts": 4},
        # pool24-600-512-61 was cold-started twice: 8 cold starts, 7 pods (day 29 included)
        {"region": "R2", "requests": 11, "functions": 3, "pods": 7, "cold_starts": 8},
    ]


def test_region_daily(hand: Session) -> None:
    approx_rows(
        rows(hand, "region_daily"),
        [
            # pods (1 + 3 + 1) / 1440; CPU mean (0.2 + 0.4) / 2, the NULL avg ignored and the
            # totalCost metric not mixed in; pod-weighted (0.2·1 + 0.4·3) / 4
            {"region": "R1", "day": 0, "pods": 5 / 1440, "requests": 8, "cold_starts": 1,
             "cpu_mean": 0.3, "cpu_pod_weighted": 0.35},
            # one CPU value, 0.0, on a minute with one pod
            {"region": "R1", "day": 1, "pods": 3 / 1440, "requests": 12, "cold_starts": 2,
             "cpu_mean": 0.0, "cpu_pod_weighted": 0.0},
            {"region": "R2", "day": 30, "pods": 6 / 1440, "requests": 11, "cold_starts": 3,
             "cpu_mean": None},
        ],
    )  # fmt: skip
    assert len(rows(hand, "region_daily", region="R1", day_from=1, day_to=1)) == 1


def test_groups_proportions(hand: Session) -> None:
    # R2 functions: F5 TIMER-A, F6 APIG-S, F8 workflow-S, F10 APIG-S (table); F7, F9 not.
    approx_rows(
        rows(hand, "groups_proportions"),
        [
            {"group_name": "APIG-S", "pods": 3 / 1440, "cold_starts": 3, "functions": 2,
             "pods_share": 0.5, "cold_starts_share": 3 / 8, "functions_share": 0.5},
            {"group_name": "TIMER-A", "pods": 2 / 1440, "cold_starts": 4, "functions": 1,
             "pods_share": 1 / 3, "cold_starts_share": 4 / 8, "functions_share": 0.25},
            {"group_name": "workflow-S", "pods": 0.0, "cold_starts": 0, "functions": 1,
             "pods_share": 0.0, "cold_starts_share": 0.0, "functions_share": 0.25},
            {"group_name": None, "pods": 1 / 1440, "cold_starts": 1, "functions": 0,
             "pods_share": 1 / 6, "cold_starts_share": 1 / 8, "functions_share": 0.0},
        ],
    )  # fmt: skip
    approx_rows(
        rows(hand, "groups_proportions", grouping="resource"),
        [
            {"group_name": "300-128", "pods": 3 / 1440, "cold_starts": 5, "functions": 2},
            {"group_name": "600-512", "pods": 3 / 1440, "cold_starts": 3, "functions": 1},
            {"group_name": "other", "pods": 0.0, "cold_starts": 0, "functions": 1},
        ],
    )


def test_groups_pods_hourly(hand: Session) -> None:
    df = hand.query("groups_pods_hourly", grouping="runtime")
    assert df.height == 24 * 4  # the 24 hours of day 30 × Java, Python3, other, NULL
    assert df["hour"].unique().sort().to_list() == list(range(720, 744))
    first = df.filter(hour=720).to_dicts()
    approx_rows(
        first,
        [
            {"group_name": "Java", "pods": 3 / 60},
            {"group_name": "Python3", "pods": 2 / 60},
            {"group_name": "other", "pods": 0.0},
            {"group_name": None, "pods": 1 / 60},
        ],
    )
    assert df.filter(hour=721)["pods"].to_list() == [0.0] * 4


def test_groups_trigger_by_runtime(hand: Session) -> None:
    assert rows(hand, "groups_trigger_by_runtime") == [
        {"runtime": "Go1.x", "trigger_group": "workflow-S", "functions": 1, "share": 1.0},
        {"runtime": "Java", "trigger_group": "APIG-S", "functions": 1, "share": 1.0},
        {"runtime": "Python3", "trigger_group": "APIG-S", "functions": 1, "share": 0.5},
        {"runtime": "Python3", "trigger_group": "TIMER-A", "functions": 1, "share": 0.5},
    ]


def test_pod_utility_ratio(hand: Session) -> None:
    # Kept: -50 (useful 51 / 2), -60 (4 / 4 = exactly 1), -70 (0.1 / 1, no runtime), and the
    # two lives of -61 (100.5 / 2 and 500 / 4). Dropped: -51 (last request ends 50 s before
    # the window end < keep-alive 60: censored), -52 (no requests), -53 (started on day 29).
    approx_rows(
        rows(hand, "pod_utility_ratio"),
        [
            {"region": "R2", "podID": "pool22-300-128-50", "funcID": F5, "runtime": "Python3",
             "trigger_group": "TIMER-A", "cold_start_time": DAY30 + 100.0, "requests": 2,
             "cold_start_s": 2.0, "useful_lifetime_s": 51.0, "lifetime_s": 111.0,
             "utility_ratio": 25.5},
            {"podID": "pool24-600-512-60", "requests": 1, "useful_lifetime_s": 4.0,
             "utility_ratio": 1.0},
            {"podID": "pool22-300-128-70", "runtime": None, "trigger_group": None,
             "utility_ratio": 0.1},
            {"podID": "pool24-600-512-61", "cold_start_time": DAY30 + 1000.0, "requests": 2,
             "useful_lifetime_s": 100.5, "utility_ratio": 50.25},
            {"podID": "pool24-600-512-61", "cold_start_time": DAY30 + 8000.0, "requests": 2,
             "useful_lifetime_s": 500.0, "utility_ratio": 125.0},
        ],
    )  # fmt: skip


def test_pod_utility_ratio_censoring(hand: Session) -> None:
    def pods(**params: object) -> list[str]:
        return hand.query("pod_utility_ratio", **params)["podID"].to_list()

    cut = "pool22-300-128-51"
    assert cut not in pods()
    assert cut in pods(censor_s=0)  # keep everything
    assert cut in pods(keep_alive_s=30)  # censoring margin follows the keep-alive
    assert cut not in pods(keep_alive_s=30, censor_s=51)
    assert cut in pods(keep_alive_s=30, censor_s=50)  # a margin of exactly 50 s is enough
    kept = hand.query("pod_utility_ratio", censor_s=0).filter(podID=cut).row(0, named=True)
    assert kept["useful_lifetime_s"] == 50.0 and kept["lifetime_s"] == 110.0
    assert hand.query("pod_utility_ratio", region="R1").height == 0  # no R1 requests


def test_utility_ratio_by_runtime_and_trigger(hand: Session) -> None:
    # Java/APIG-S ratios 1, 50.25, 125; Python3/TIMER-A 25.5; NULL 0.1; all five together.
    java = {
        "pods": 3,
        "share_below_1": 0.0,
        "p25": 25.625,
        "p50": 50.25,
        "p75": 87.625,
        "share_above_100": 1 / 3,
    }
    python = {
        "pods": 1,
        "share_below_1": 0.0,
        "p25": 25.5,
        "p50": 25.5,
        "p75": 25.5,
        "share_above_100": 0.0,
    }
    null = {"pods": 1, "share_below_1": 1.0, "p25": 0.1, "share_above_100": 0.0}
    every = {"pods": 5, "share_below_1": 0.2, "p25": 1.0, "p50": 25.5, "p75": 50.25,
             "share_above_100": 0.2}  # fmt: skip
    approx_rows(
        rows(hand, "utility_ratio_by_runtime"),
        [{"runtime": "Java", **java}, {"runtime": "Python3", **python},
         {"runtime": None, **null}, {"runtime": "all", **every}],
    )  # fmt: skip
    approx_rows(
        rows(hand, "utility_ratio_by_trigger"),
        [{"trigger_group": "APIG-S", **java}, {"trigger_group": "TIMER-A", **python},
         {"trigger_group": None, **null}, {"trigger_group": "all", **every}],
    )  # fmt: skip
    # the two are utility_ratio_by_group for one grouping, the group column renamed
    approx_rows(
        rows(hand, "utility_ratio_by_group", grouping="trigger"),
        [{"group_name": "APIG-S", **java}, {"group_name": "TIMER-A", **python},
         {"group_name": None, **null}, {"group_name": "all", **every}],
    )  # fmt: skip
    # keeping the censored pod (Python3, ratio 50 / 1) adds it to Python3 and 'all'
    with_cut = rows(hand, "utility_ratio_by_runtime", censor_s=0)
    by_group = rows(hand, "utility_ratio_by_group", grouping="runtime", censor_s=0)
    assert with_cut == [{"runtime": r.pop("group_name"), **r} for r in by_group]
    assert [r["pods"] for r in with_cut] == [3, 2, 1, 6]
    assert with_cut[1]["p50"] == pytest.approx((25.5 + 50.0) / 2)


def test_timeseries_log_histogram(hand: Session) -> None:
    # R1 cpu_usage values 0.2, 0.4 and 0.0 (the NULL avg is not a value; totalCost not mixed in)
    approx_rows(
        rows(hand, "timeseries_log_histogram", metric="cpu_usage", bins_per_decade=1),
        [
            {"region": "R1", "bin": None, "lower": None, "upper": None, "cells": 1,
             "cdf": 1 / 3},
            {"region": "R1", "bin": -1, "lower": 0.1, "upper": 1.0, "cells": 2, "cdf": 1.0},
        ],
    )  # fmt: skip
    # ten bins per decade: log10(0.2)·10 = -6.99 -> bin -7; log10(0.4)·10 = -3.98 -> bin -4
    approx_rows(
        rows(hand, "timeseries_log_histogram", metric="cpu_usage", bins_per_decade=10)[1:],
        [
            {"bin": -7, "lower": 10**-0.7, "upper": 10**-0.6, "cells": 1, "cdf": 2 / 3},
            {"bin": -4, "lower": 10**-0.4, "upper": 10**-0.3, "cells": 1, "cdf": 1.0},
        ],
    )
    assert rows(hand, "timeseries_log_histogram") == [
        {"region": "R1", "bin": 19, "lower": pytest.approx(10 ** (19 / 20)),
         "upper": pytest.approx(10.0), "cells": 1, "cdf": 1.0},
    ]  # fmt: skip


def test_requests_per_function_minute(hand: Session) -> None:
    # minutes without requests are left out (F2's minute with pods but 0 requests too)
    assert rows(hand, "requests_per_function_minute", region="R1") == [
        {"region": "R1", "funcID": F1, "time": 0, "requests": 5},
        {"region": "R1", "funcID": F1, "time": 60, "requests": 3},
        {"region": "R1", "funcID": F1, "time": 86400, "requests": 2},
        {"region": "R1", "funcID": F3, "time": 86460, "requests": 10},
    ]
    assert len(rows(hand, "requests_per_function_minute", day_to=0)) == 2
    assert len(rows(hand, "requests_per_function_minute", day_from=30)) == 3


def _queries_run_by_tests(source: str) -> set[str]:
    """Names a ``test_*`` function of ``source`` runs, read from its syntax tree: the query
    argument of ``x.query("name", ...)`` or ``rows(session, "name", ...)`` calls, or the
    ``name`` values of a ``parametrize`` whose test passes ``name`` to one of those calls.
    A name mentioned anywhere else (a comment, a docstring, an unrelated string) does not
    count."""
    import ast

    def query_args(fn: ast.FunctionDef) -> list[ast.expr]:
        out = []
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "query" and node.args:
                out.append(node.args[0])
            elif isinstance(func, ast.Name) and func.id == "rows" and len(node.args) >= 2:
                out.append(node.args[1])
        return out

    found: set[str] = set()
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test_"):
            continue
        args = query_args(fn)
        found |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        params = {a.id for a in args if isinstance(a, ast.Name)}
        for deco in fn.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize"):
                continue
            names_arg, values = deco.args[0], deco.args[1]
            argnames = (
                [n.strip() for n in names_arg.value.split(",")]
                if isinstance(names_arg, ast.Constant)
                else [e.value for e in names_arg.elts]  # type: ignore[attr-defined]
            )
            for i, argname in enumerate(argnames):
                if argname not in params:
                    continue
                for case in values.elts:  # type: ignore[attr-defined]
                    value = case.elts[i] if isinstance(case, ast.Tuple) else case
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found.add(value.value)
    return found


def test_cold_starts_times(hand: Session) -> None:
    # R1 totals 0.1+0.2+0+0.7, 0.5+0.5+1+1, 2+1+1+1, 4·0.5; eight R2 cold starts
    assert sorted(hand.query("cold_starts_times", region="R1")["total_s"]) == [1.0, 2.0, 3.0, 5.0]
    assert hand.query("cold_starts_times").height == 12


def test_cold_starts_histogram(hand: Session) -> None:
    # One bin per decade: totals 1, 2, 3, 5 all fall in bin 0 (log10 in [0, 1)); dependency
    # deployments 0 (not binned, n_zero), 1, 1 (bin 0) and 0.5 (log10 = -0.3 -> bin -1).
    frame = hand.query("cold_starts_histogram", bins_per_decade=1, region="R1")
    assert set(frame["region"]) == {"R1"}
    per_bin = (
        frame.group_by("component", "bin")
        .agg(n=pl.col("n").sum(), n_zero=pl.col("n_zero").sum())
        .sort("component", "bin", nulls_last=True)
    )
    assert per_bin.filter(component="total").rows() == [("total", 0, 4, 0)]
    assert per_bin.filter(component="deploy_dependency").rows() == [
        ("deploy_dependency", -1, 1, 0),
        ("deploy_dependency", 0, 2, 0),
        ("deploy_dependency", None, 0, 1),
    ]
    # ten per decade: log10(3)·10 = 4.77 -> bin 4, log10(5)·10 = 6.99 -> bin 6
    ten = hand.query("cold_starts_histogram", bins_per_decade=10, region="R1")
    totals = ten.filter(component="total").group_by("bin").agg(pl.col("n").sum()).sort("bin")
    assert totals.rows() == [(0, 1), (3, 1), (4, 1), (6, 1)]


def test_every_named_query_is_tested_here() -> None:
    """A new named query must get a hand-worked test in this file: a test that runs it."""
    from pathlib import Path

    from coldstart.query.library import load_library

    run = _queries_run_by_tests(Path(__file__).read_text())
    untested = [n for n in load_library().queries if n not in run]
    assert not untested


def test_the_coverage_check_can_fail() -> None:
    """A name only mentioned (comment, docstring, unrelated string) is not a tested query."""
    source = '''
def test_a(hand):
    """cold_starts_values is great"""
    x = "region_daily"
    rows(hand, "region_summary")


@pytest.mark.parametrize(("name", "other"), [("cold_starts_hourly", "requests_per_user")])
def test_b(hand, name, other):
    hand.query(name)
'''
    assert _queries_run_by_tests(source) == {"region_summary", "cold_starts_hourly"}


def test_requests_cdf(hand: Session) -> None:
    # The ten R2 costs sorted: 0 0.1 0.5 0.5 1 1 1 2 4 50 (n 10, sum 60.1).
    # p = 1/4: h = 9/4 = 2.25 -> x[2] + 0.25·(x[3] − x[2]) = 0.5
    # p = 2/4: h = 4.5 -> 1 + 0.5·0 = 1;  p = 3/4: h = 6.75 -> 1 + 0.75·(2 − 1) = 1.75
    summary = {"n": 10, "min": 0.0, "max": 50.0, "mean": 6.01}
    approx_rows(
        rows(hand, "requests_cdf", steps=4),
        [
            {"p": 0.25, "x": 0.5, **summary},
            {"p": 0.5, "x": 1.0, **summary},
            {"p": 0.75, "x": 1.75, **summary},
        ],
    )
    # p = 9/10: h = 8.1 -> 4 + 0.1·(50 − 4) = 8.6; p = 1/10: h = 0.9 -> 0 + 0.9·0.1
    got = rows(hand, "requests_cdf", steps=10, region="R2")
    assert len(got) == 9
    approx_rows([got[0], got[-1]], [{"p": 0.1, "x": 0.09}, {"p": 0.9, "x": 8.6}])
    assert rows(hand, "requests_cdf", region="R1") == []  # no R1 requests


def test_requests_cdf_leaves_out_nulls_and_one_value(tmp_path: Path) -> None:
    root = write_warehouse(
        tmp_path / "wh",
        requests=[
            {"region": "R4", "time_worker": DAY30 + 1, "totalCost_worker": 3.0},
            {"region": "R4", "time_worker": DAY30 + 2, "totalCost_worker": None},
            {"region": "R5", "time_worker": DAY30 + 3, "totalCost_worker": 1.0},
        ],
    )
    with Session(root) as s:
        # R4: one value -> every quantile is that value (h = 0, no upper neighbour)
        approx_rows(
            rows(s, "requests_cdf", region="R4", steps=2),
            [{"p": 0.5, "x": 3.0, "n": 1, "min": 3.0, "max": 3.0, "mean": 3.0}],
        )
        # all regions: 1 and 3; p = 1/4 -> h = 0.25 -> 1.5, p = 3/4 -> 2.5
        got = rows(s, "requests_cdf", steps=4)
        approx_rows(got, [{"x": 1.5}, {"x": 2.0}, {"x": 2.5, "n": 2, "mean": 2.0}])


@pytest.mark.parametrize(
    ("old", "grouping", "column"),
    [
        ("cold_starts_by_runtime", "runtime", "runtime"),
        ("cold_starts_by_trigger", "trigger", "trigger_group"),
    ],
)
def test_by_group_is_the_old_per_grouping_queries(
    hand: Session, old: str, grouping: str, column: str
) -> None:
    """One body (cold_start_group_stats) behind the three names; the old ones stay."""
    merged = hand.query("cold_starts_by_group", grouping=grouping).rename({"group_name": column})
    expected = hand.query(old)
    assert merged.columns == expected.columns
    approx_rows(merged.to_dicts(), expected.to_dicts())

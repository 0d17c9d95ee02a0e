"""Named queries on the synthetic `tiny` trace against independent polars computations.

polars reads the warehouse's Parquet files directly (not through DuckDB or the views), and
each answer is recomputed from the definition in the query's header.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from coldstart.query import Session

COMPONENTS = {
    "pod_allocation_s": "podAllocationCost",
    "deploy_code_s": "deployCodeCost",
    "deploy_dependency_s": "deployDependencyCost",
    "scheduling_s": "schedulingCost",
}


def table(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / name / "**" / "*.parquet", hive_partitioning=True)


@pytest.fixture(scope="module")
def cs(tiny_warehouse: Path) -> pl.DataFrame:
    return table(tiny_warehouse, "cold_starts")


@pytest.fixture(scope="module")
def counts(tiny_warehouse: Path) -> pl.DataFrame:
    return table(tiny_warehouse, "counts")


@pytest.fixture(scope="module")
def functions(tiny_warehouse: Path) -> pl.DataFrame:
    return table(tiny_warehouse, "functions")


def same(actual: pl.DataFrame, expected: pl.DataFrame, by: list[str]) -> None:
    """Equal up to row order and numeric type width, floats to 1e-9 relative."""
    assert actual.height > 0
    actual = actual.select(expected.columns).sort(by, nulls_last=True)
    expected = expected.sort(by, nulls_last=True)
    assert_frame_equal(actual, expected, check_dtypes=False, rel_tol=1e-9, abs_tol=1e-12)


def test_cold_starts_by_region(tiny: Session, cs: pl.DataFrame) -> None:
    total = pl.col("totalCost_cold_start")
    expected = cs.group_by("region").agg(
        pl.len().alias("cold_starts"),
        pl.col("funcID").drop_nulls().n_unique().alias("functions"),
        total.mean().alias("mean_s"),
        total.quantile(0.5, "linear").alias("p50_s"),
        total.quantile(0.9, "linear").alias("p90_s"),
        total.quantile(0.99, "linear").alias("p99_s"),
        *(pl.col(src).mean().alias(dst) for dst, src in COMPONENTS.items()),
        *(
            (pl.col(src).mean() / total.mean()).alias(dst.replace("_s", "_share"))
            for dst, src in COMPONENTS.items()
        ),
    )
    same(tiny.query("cold_starts_by_region"), expected, ["region"])


@pytest.mark.parametrize(("name", "group"), [("cold_starts_by_runtime", "runtime"),
                                             ("cold_starts_by_trigger", "trigger_group")])  # fmt: skip
def test_cold_starts_by_group(
    tiny: Session, cs: pl.DataFrame, functions: pl.DataFrame, name: str, group: str
) -> None:
    r2 = cs.filter(region="R2").join(
        functions.select("funcID", group), on="funcID", how="left", nulls_equal=False
    )
    total = pl.col("totalCost_cold_start")
    expected = r2.group_by(group).agg(
        pl.len().alias("cold_starts"),
        (pl.len() / r2.height).alias("share"),
        total.mean().alias("mean_s"),
        total.quantile(0.5, "linear").alias("p50_s"),
        total.quantile(0.99, "linear").alias("p99_s"),
        *(pl.col(src).mean().alias(dst) for dst, src in COMPONENTS.items()),
    )
    same(tiny.query(name), expected, [group])


def test_cold_starts_by_pool_size(tiny: Session, cs: pl.DataFrame) -> None:
    dep = pl.col("deployDependencyCost")
    expected = (
        cs.filter(pl.col("pool_size").is_not_null())
        .group_by("region", "pool_size")
        .agg(
            pl.len().alias("cold_starts"),
            pl.col("totalCost_cold_start").median().alias("p50_s"),
            pl.col("podAllocationCost").median().alias("pod_allocation_p50_s"),
            dep.filter(dep > 0).median().alias("deploy_dependency_p50_s"),
            pl.col("schedulingCost").median().alias("scheduling_p50_s"),
        )
    )
    same(tiny.query("cold_starts_by_pool_size"), expected, ["region", "pool_size"])


def test_cold_starts_hourly(tiny: Session, cs: pl.DataFrame) -> None:
    expected = (
        cs.with_columns((pl.col("time") // 3600).cast(pl.Int64).alias("hour"))
        .group_by("region", "hour")
        .agg(
            pl.len().alias("cold_starts"),
            pl.col("totalCost_cold_start").mean().alias("mean_s"),
            *(pl.col(src).mean().alias(dst) for dst, src in COMPONENTS.items()),
        )
    )
    same(tiny.query("cold_starts_hourly"), expected, ["region", "hour"])


def test_cold_starts_inter_arrival(tiny: Session, cs: pl.DataFrame) -> None:
    iat = (
        cs.sort("region", "time")
        .with_columns(pl.col("time").diff().over("region").alias("iat_s"))
        .drop_nulls("iat_s")
    )
    got = tiny.query("cold_starts_inter_arrival")
    assert got.height == iat.height
    assert got["iat_s"].sum() == pytest.approx(iat["iat_s"].sum())
    expected = iat.group_by("region").agg(
        pl.len().alias("iats"),
        (pl.col("iat_s") == 0).sum().alias("zero_iats"),
        pl.col("iat_s").mean().alias("mean_s"),
        pl.col("iat_s").median().alias("p50_s"),
    )
    same(tiny.query("cold_starts_inter_arrival_summary"), expected, ["region"])


def test_requests_vs_cold_starts_and_region_summary(
    tiny: Session, cs: pl.DataFrame, counts: pl.DataFrame
) -> None:
    req = counts.group_by("region", "funcID").agg(pl.col("requests").sum())
    n_cs = cs.drop_nulls("funcID").group_by("region", "funcID").agg(pl.len().alias("cold_starts"))
    expected = req.join(n_cs, on=["region", "funcID"], how="full", coalesce=True).fill_null(0)
    same(tiny.query("requests_vs_cold_starts"), expected, ["region", "funcID"])

    summary = (
        req.filter(pl.col("requests") > 0)
        .group_by("region")
        .agg(pl.col("requests").sum(), pl.len().alias("functions"))
        .join(
            cs.group_by("region").agg(
                pl.col("podID").drop_nulls().n_unique().alias("pods"),
                pl.len().alias("cold_starts"),
            ),
            on="region",
            how="full",
            coalesce=True,
        )
    )
    same(tiny.query("region_summary"), summary, ["region"])


def test_requests_per_user_and_per_function(tiny: Session, counts: pl.DataFrame) -> None:
    per_function = counts.group_by("region", "funcID").agg(pl.col("requests").sum())
    users = (
        per_function.filter(pl.col("requests") > 0)
        .with_columns(
            pl.col("funcID").str.split("---").list.get(1).cast(pl.Int64).alias("userID"),
            pl.col("funcID").str.split("---").list.get(0).alias("funcName"),
        )
        .group_by("region", "userID")
        .agg(
            pl.len().alias("functions"),
            pl.col("funcName").n_unique().alias("func_names"),
            pl.col("requests").sum(),
        )
    )
    same(tiny.query("requests_per_user"), users, ["region", "userID"])

    days = counts.select("region", "day").unique()
    grid = per_function.select("region", "funcID").join(days, on="region")
    daily = counts.group_by("region", "funcID", "day").agg(pl.col("requests").sum())
    filled = grid.join(daily, on=["region", "funcID", "day"], how="left").fill_null(0)
    expected = filled.group_by("region", "funcID").agg(
        pl.len().alias("days"),
        pl.col("requests").sum(),
        pl.col("requests").cast(pl.Float64).median().alias("median_daily_requests"),
    )
    same(tiny.query("requests_per_function"), expected, ["region", "funcID"])


def test_region_daily(tiny: Session, counts: pl.DataFrame, tiny_warehouse: Path) -> None:
    cpu = table(tiny_warehouse, "timeseries").filter(metric="cpu_usage")
    expected = (
        counts.group_by("region", "day")
        .agg(
            (pl.col("num_pods").sum() / 1440).alias("pods"),
            pl.col("requests").sum(),
            pl.col("num_cold_starts").sum().alias("cold_starts"),
        )
        .join(
            cpu.group_by("region", "day").agg(pl.col("avg").mean().alias("cpu_mean")),
            on=["region", "day"],
            how="left",
        )
    )
    same(tiny.query("region_daily"), expected, ["region", "day"])


def test_groups_proportions(
    tiny: Session, cs: pl.DataFrame, counts: pl.DataFrame, functions: pl.DataFrame
) -> None:
    groups = functions.select("funcID", pl.col("trigger_group").alias("group_name"))
    r2 = counts.filter(region="R2")
    minutes = r2["day"].n_unique() * 1440
    pods = (
        r2.join(groups, on="funcID", how="left")
        .group_by("group_name")
        .agg((pl.col("num_pods").sum() / minutes).alias("pods"))
    )
    n_cs = (
        cs.filter(region="R2")
        .drop_nulls("funcID")
        .join(groups, on="funcID", how="left")
        .group_by("group_name")
        .agg(pl.len().alias("cold_starts"))
    )
    got = tiny.query("groups_proportions")
    assert got["functions"].sum() == functions.height
    assert got["pods_share"].sum() == pytest.approx(1.0)
    merged = got.join(pods, on="group_name", how="left", suffix="_x", nulls_equal=True)
    merged = merged.join(n_cs, on="group_name", how="left", suffix="_x", nulls_equal=True)
    assert merged["pods"].to_list() == pytest.approx(merged["pods_x"].fill_null(0).to_list())
    assert merged["cold_starts"].to_list() == merged["cold_starts_x"].fill_null(0).to_list()
    hourly = tiny.query("groups_pods_hourly")
    assert hourly["pods"].sum() * 60 == pytest.approx(r2["num_pods"].sum())


def _utility(root: Path, cs: pl.DataFrame, keep_alive_s: float) -> pl.DataFrame:
    """Pod utility with join_asof: each request to its podID's latest covered cold start."""
    requests = table(root, "requests")
    covered = requests.select("region", "day").unique()
    starts = (
        cs.join(covered, on=["region", "day"])
        .drop_nulls("podID")
        .select(
            "region",
            "podID",
            pl.col("time").alias("cold_start_time"),
            pl.col("totalCost_cold_start").alias("cold_start_s"),
        )
        .sort("cold_start_time")
    )
    served = (
        requests.sort("time_worker")
        .join_asof(
            starts,
            left_on="time_worker",
            right_on="cold_start_time",
            by=["region", "podID"],
            strategy="backward",
            check_sortedness=False,  # sorted by time; polars cannot check within groups
        )
        .drop_nulls("cold_start_time")
        .group_by("region", "podID", "cold_start_time")
        .agg(
            pl.len().alias("requests"),
            (pl.col("time_worker") + pl.col("totalCost_worker")).max().alias("last_end"),
        )
    )
    window_end = covered.group_by("region").agg(((pl.col("day").max() + 1) * 86400).alias("end"))
    return (
        starts.join(served, on=["region", "podID", "cold_start_time"])
        .join(window_end, on="region")
        .filter(pl.col("end") - pl.col("last_end") >= keep_alive_s, pl.col("cold_start_s") > 0)
        .with_columns((pl.col("last_end") - pl.col("cold_start_time")).alias("useful_lifetime_s"))
        .with_columns((pl.col("useful_lifetime_s") / pl.col("cold_start_s")).alias("utility_ratio"))
        .select(
            "region", "podID", "cold_start_time", "requests", "useful_lifetime_s", "utility_ratio"
        )
    )


@pytest.mark.parametrize("keep_alive_s", [60.0, 600.0])
def test_pod_utility_ratio(
    tiny: Session, cs: pl.DataFrame, tiny_warehouse: Path, keep_alive_s: float
) -> None:
    expected = _utility(tiny_warehouse, cs, keep_alive_s)
    got = tiny.query("pod_utility_ratio", keep_alive_s=keep_alive_s)
    same(got, expected, ["region", "podID", "cold_start_time"])


def test_utility_ratio_by_runtime(
    tiny: Session, cs: pl.DataFrame, functions: pl.DataFrame, tiny_warehouse: Path
) -> None:
    pods = _utility(tiny_warehouse, cs, 60.0).filter(region="R2")
    runtime = cs.select("region", "podID", "time", "funcID").join(
        functions.select("funcID", "runtime"), on="funcID", how="left"
    )
    pods = pods.join(
        runtime.rename({"time": "cold_start_time"}), on=["region", "podID", "cold_start_time"]
    )
    ratio = pl.col("utility_ratio")
    stats = [
        pl.len().alias("pods"),
        (ratio < 1).mean().alias("share_below_1"),
        ratio.quantile(0.25, "linear").alias("p25"),
        ratio.median().alias("p50"),
        ratio.quantile(0.75, "linear").alias("p75"),
        (ratio > 100).mean().alias("share_above_100"),
    ]
    expected = pl.concat(
        [
            pods.group_by("runtime").agg(*stats),
            pods.select(pl.lit("all").alias("runtime"), *stats),
        ]
    )
    same(tiny.query("utility_ratio_by_runtime"), expected, ["runtime"])


def test_timeseries_log_histogram(tiny: Session, tiny_warehouse: Path) -> None:
    values = table(tiny_warehouse, "timeseries").filter(metric="totalCost").drop_nulls("avg")
    binned = values.with_columns(
        pl.when(pl.col("avg") > 0)
        .then((pl.col("avg").log10() * 20).floor().cast(pl.Int32))
        .alias("bin")
    )
    expected = binned.group_by("region", "bin").agg(pl.len().alias("cells"))
    got = tiny.query("timeseries_log_histogram")
    same(got, expected, ["region", "bin"])
    last = got.group_by("region").agg(pl.col("cdf").last())
    assert last["cdf"].to_list() == pytest.approx([1.0] * last.height)


def test_requests_per_function_minute(tiny: Session, counts: pl.DataFrame) -> None:
    expected = counts.filter(pl.col("requests") > 0).select("region", "funcID", "time", "requests")
    same(tiny.query("requests_per_function_minute"), expected, ["region", "funcID", "time"])

"""Every named query on Spark equals DuckDB's answer on the ingested `tiny` trace.

One local[2] SparkSession (UI off, settings for tiny data: see TEST_CONFIG) for the whole
run, on one xdist worker; the tiny warehouse is the suite's shared one, its small tables
cached in Spark's memory (CACHED_TABLES). Without Java the tests skip locally, but fail in CI (``CI`` set): CI installs a
JRE (``.ci/run``), so a missing one there is a setup defect, not a reason to skip.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from coldstart.errors import UsageError
from coldstart.query import Session
from coldstart.query.library import load_library

pytestmark = [
    pytest.mark.xdist_group("spark"),
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

QUERIES = load_library().queries

# A second parameter set for each query whose parameters change the SQL's path: another
# grouping (a CASE branch, the resource_group macro), another bin width or number of steps
# (arithmetic on a bound INTEGER), day ranges (BETWEEN and join bounds, the calendar of
# unnest(range())), a metric, a censoring margin (the COALESCE of two DOUBLEs), a region bound
# into the `$region IS NULL OR region = $region` filter instead of NULL.
OTHER_PARAMS: dict[str, dict[str, Any]] = {
    "cold_starts_by_group": {"grouping": "trigger"},
    "cold_starts_histogram": {"bins_per_decade": 10, "region": "R1"},
    "cold_starts_inter_arrival_histogram": {"bins_per_decade": 10, "region": "R1"},
    "cold_starts_values": {"region": "R2"},
    "groups_pods_hourly": {"grouping": "resource"},
    "groups_proportions": {"grouping": "runtime"},
    "pod_utility_ratio": {"region": "R2", "censor_s": 0.0},
    "region_daily": {"region": "R1", "day_from": 5, "day_to": 9},
    "requests_cdf": {"region": "R2", "steps": 10},
    "requests_per_function_minute": {"region": "R2", "day_from": 29, "day_to": 30},
    "requests_per_minute": {"region": "R5", "day_from": 3, "day_to": 3},
    "timeseries_log_histogram": {"metric": "cpu_usage", "bins_per_decade": 5},
    "utility_ratio_by_group": {"grouping": "trigger", "keep_alive_s": 600.0},
    "utility_ratio_by_runtime": {"censor_s": 0.0},
}

# Queries whose only parameter is a region bound into the same filter as one of the queries
# above (`$region IS NULL OR region = $region`, or `region = $region`, whose other value
# runs in cold_starts_by_group's and pod_utility_ratio's second set): their defaults run on
# Spark, a second value would prove nothing new and costs 2-4 s of the suite's budget each.
REGION_FILTER_ONLY = {
    "cold_starts_by_runtime",
    "cold_starts_by_trigger",
    "cold_starts_hourly",
    "cold_starts_inter_arrival",
    "cold_starts_per_minute",
    "cold_starts_times",
    "groups_trigger_by_runtime",
    "requests_per_function",
    "requests_per_function_day",
    "requests_per_user",
    "requests_vs_cold_starts",
}
# Thin aliases whose body (the table macro utility_ratio_groups) runs with other parameters in
# the second sets of utility_ratio_by_group and utility_ratio_by_runtime.
ALIASES = {"utility_ratio_by_trigger"}

CASES = [pytest.param(name, {}, id=f"{name}-defaults") for name in QUERIES] + [
    pytest.param(name, params, id=f"{name}-other") for name, params in OTHER_PARAMS.items()
]


# The suite's Spark: a few MB of data, ~40 planned queries, one core or two. Not the users'
# settings (coldstart.query.spark.LOCAL_CONFIG), which must also suit a large warehouse:
# * codegen off: whole-stage code generation compiles Java for every query (Janino), which
#   costs more than interpreting a few thousand rows;
# * adaptive execution off: re-planning at every shuffle only pays with skewed, large data;
# * one shuffle partition, files packed into few splits: fewer tasks to schedule;
# * the JIT stops at C1 and the GC is serial: a short-lived driver on a busy 2-core machine
#   spends its CPU on the queries, not on C2 compilation and parallel GC threads.
# The whole fixture (JVM start, views, caching, every case), measured as the JVM's CPU seconds
# (wall time on the shared machine swung 3× with its load): 156 s with the users' settings,
# every table cached and two parameter sets for every query (53 cases); 72 s with these and
# the cases below (42). Codegen, AQE and C1 account for most of it (C2 instead of C1 alone:
# 107 s); storing analysed view plans or uncompressed caches changed nothing measurable.
TEST_CONFIG = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.files.openCostInBytes": "65536",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}

# Tables kept in Spark's memory: those most queries read. The per-minute statistics
# (timeseries, 31 MB in 620 files, all 16 columns × 4 metrics) are read by two queries, each
# for one metric: the Parquet scan prunes to that metric's files and columns, which costs
# less than caching all of it.
CACHED_TABLES = ("cold_starts", "counts", "requests", "functions")


def _java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and (Path(home) / "bin" / "java").exists()))


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The run's one local SparkSession."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[dev]')")
    if not _java_available():
        message = "Spark needs Java 17 (java not on PATH, JAVA_HOME unset)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must provide it (.ci/run installs a JRE)")
        pytest.skip(message)
    from coldstart.query.spark import local_spark

    session = local_spark("local[2]", TEST_CONFIG)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_tiny(spark: Any, tiny_warehouse: Path) -> Any:
    """The tiny warehouse on Spark, its small tables cached and materialised up front (one
    job each) rather than by whichever queries happen to scan them first, concurrently."""
    from coldstart.query.spark import SparkQuerySession

    session = SparkQuerySession(tiny_warehouse, spark=spark)
    for table in CACHED_TABLES:
        spark.catalog.cacheTable(f"_wh_{table}")
        spark.table(f"_wh_{table}").count()
    return session


@pytest.fixture(scope="session")
def spark_answers(spark_tiny: Any) -> dict[str, pl.DataFrame | Exception]:
    """Every case run once, two at a time, so that Spark's planning of one query (on the
    driver, one thread) overlaps the execution of the other."""

    def run(case: tuple[str, dict[str, Any]]) -> pl.DataFrame | Exception:
        name, params = case
        try:
            return spark_tiny.query(name, **params)
        except Exception as exc:  # reported by the case's own test
            return exc

    cases = [(p.values[0], p.values[1]) for p in CASES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(run, cases))
    return {p.id: a for p, a in zip(CASES, answers, strict=True)}


def test_every_query_has_another_parameter_set_or_a_reason() -> None:
    with_params = {name for name, q in QUERIES.items() if q.params}
    assert set(OTHER_PARAMS) | REGION_FILTER_ONLY | ALIASES == with_params
    assert not set(OTHER_PARAMS) & (REGION_FILTER_ONLY | ALIASES)
    for name in REGION_FILTER_ONLY:
        assert [p.name for p in QUERIES[name].params] == ["region"], name


def _comparable(frame: pl.DataFrame) -> list[tuple]:
    """Rows sorted, numbers as floats (engines differ in integer widths, not values)."""
    cast = [
        pl.col(c).cast(pl.Float64) if t.is_numeric() else pl.col(c) for c, t in frame.schema.items()
    ]
    return frame.select(cast).sort(frame.columns, nulls_last=True).rows()


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.mark.parametrize(("name", "params"), CASES)
def test_query_equals_duckdb(
    spark_answers: dict[str, Any],
    tiny: Session,
    request: pytest.FixtureRequest,
    name: str,
    params: dict[str, Any],
) -> None:
    expected = tiny.query(name, **params)
    actual = spark_answers[request.node.callspec.id]
    if isinstance(actual, Exception):
        raise actual
    assert actual.columns == expected.columns
    assert actual.height == expected.height
    for dtype_spark, dtype_duck in zip(actual.dtypes, expected.dtypes, strict=True):
        assert dtype_spark.is_numeric() == dtype_duck.is_numeric(), (dtype_spark, dtype_duck)
        assert not isinstance(dtype_spark, pl.Decimal), "a DECIMAL column on Spark"
    for i, (row_s, row_d) in enumerate(
        zip(_comparable(actual), _comparable(expected), strict=True)
    ):
        assert all(_same(a, b) for a, b in zip(row_s, row_d, strict=True)), (i, row_s, row_d)
    # Same order of rows as DuckDB where the query orders them (NULLs last on both).
    sql = QUERIES[name].sql.upper()
    if "ORDER BY" in sql and expected.height > 1:
        key = [c for c in expected.columns if not expected.schema[c].is_float()]
        assert actual.select(key).rows() == expected.select(key).rows()


def test_sql_is_translated_and_bound(spark_tiny: Any, tiny: Session) -> None:
    text = (
        "SELECT region, COUNT(*) AS n, percentile_cont(0.5) WITHIN GROUP "
        "(ORDER BY totalCost_cold_start) AS p50 FROM cold_starts WHERE region = $r GROUP BY region"
    )
    assert spark_tiny.sql(text, r="R2").rows() == tiny.sql(text, r="R2").rows()


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO cold_starts SELECT * FROM cold_starts",
        "DROP VIEW cold_starts",
        "SELECT 1; SELECT 2",
    ],
)
def test_sql_refuses_anything_but_one_query(spark_tiny: Any, text: str) -> None:
    with pytest.raises(UsageError):
        spark_tiny.sql(text)


def test_day_has_the_warehouse_type(spark_tiny: Any) -> None:
    schema = spark_tiny.spark.table("_wh_cold_starts").schema
    assert schema["day"].dataType.simpleString() == "smallint"
    assert schema["requestID"].dataType.simpleString() == "binary"


def _through_hadoop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read a file:// warehouse the way an s3a:// or hdfs:// one is read: tables found and
    listed through Spark's Hadoop file system, not by looking at local folders."""
    from coldstart.query import spark as spark_module

    monkeypatch.setattr(spark_module, "_is_local", lambda location: False)


def test_missing_table_is_named(spark: Any, cold_starts_only_warehouse: Path) -> None:
    from coldstart.errors import InputError
    from coldstart.query.spark import SparkQuerySession

    session = SparkQuerySession(cold_starts_only_warehouse, spark=spark.newSession())
    assert session.tables == ["cold_starts", "functions"]
    with pytest.raises(InputError, match="needs the warehouse table 'counts'"):
        session.query("region_summary")
    assert session.query("cold_starts_by_region").height == 5


def test_uri_warehouse_is_found_through_hadoop(
    spark: Any, cold_starts_only_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The s3a:// / hdfs:// path on a file:// URI: tables found by Spark's file system, read
    with the warehouse schema; no views (an empty library: the path variant above runs them)."""
    import dataclasses

    import duckdb

    from coldstart.errors import InputError
    from coldstart.query.spark import SparkQuerySession

    _through_hadoop(monkeypatch)
    library = load_library()
    bare = dataclasses.replace(library, modules=[])
    uri = cold_starts_only_warehouse.as_uri()
    session = SparkQuerySession(uri, spark=spark.newSession(), library=bare)
    assert session.tables == ["cold_starts", "functions"]
    with pytest.raises(InputError, match="needs the warehouse table 'counts'"):
        session.query("region_summary")
    rows = session.spark.table("_wh_cold_starts").groupBy("day").count().collect()
    expected = duckdb.sql(
        "SELECT day, COUNT(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY day",
        params=[str(cold_starts_only_warehouse / "cold_starts" / "**" / "*.parquet")],
    ).fetchall()
    assert sorted((r["day"], r["count"]) for r in rows) == sorted(expected)


def test_uri_without_a_warehouse_is_one_clear_error(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coldstart.errors import InputError
    from coldstart.query.spark import SparkQuerySession

    _through_hadoop(monkeypatch)
    with pytest.raises(InputError, match=r"no warehouse at file:.*none of its tables"):
        SparkQuerySession((tmp_path / "nothing").as_uri(), spark=spark)
    assert spark.sparkContext._jsc is not None  # a session passed in is not stopped


def test_cli_engine_spark(spark: Any, tiny_warehouse: Path, tiny: Session) -> None:
    """`coldstart query --engine spark` prints what DuckDB prints (the session is reused)."""
    from typer.testing import CliRunner

    from coldstart.cli import app

    args = ["query", "cold_starts_by_region", "--warehouse", str(tiny_warehouse), "-f", "csv"]
    runner = CliRunner()
    on_spark = runner.invoke(app, [*args, "--engine", "spark", "--spark-master", "local[2]"])
    on_duckdb = runner.invoke(app, args)
    assert on_spark.exit_code == 0, on_spark.output
    got = pl.read_csv(on_spark.stdout.encode())
    want = pl.read_csv(on_duckdb.stdout.encode())
    assert got.columns == want.columns
    for row_s, row_d in zip(_comparable(got), _comparable(want), strict=True):
        assert all(_same(a, b) for a, b in zip(row_s, row_d, strict=True)), (row_s, row_d)
    assert spark.sparkContext._jsc is not None  # not stopped by the command

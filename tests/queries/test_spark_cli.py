"""`coldstart query --show-sql [--dialect]` and the engine options: no Java needed."""

from __future__ import annotations

from typer.testing import CliRunner

from coldstart.cli import app
from coldstart.query.library import load_library

runner = CliRunner()


def test_show_sql_duckdb_is_the_file_text() -> None:
    result = runner.invoke(app, ["query", "cold_starts_by_runtime", "--show-sql"])
    assert result.exit_code == 0, result.output
    q = load_library().queries["cold_starts_by_runtime"]
    assert q.sql.rstrip(";") in result.stdout
    assert "-- $region = 'R2'" in result.stdout


def test_show_sql_spark_is_translated_with_bound_markers() -> None:
    result = runner.invoke(
        app,
        ["query", "groups_pods_hourly", "--show-sql", "--dialect", "spark", "-p", "region=R3"],
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "-- :region = 'R3'" in text and "-- :grouping = 'trigger'" in text
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    assert ":region" in body and "$" not in body and "'R3'" not in body  # bound, not pasted
    assert "EXPLODE(SEQUENCE(0, 23))" in body
    assert "resource_group(" not in body  # the macro is inlined upstream (function_keys)


def test_show_sql_follows_the_engine() -> None:
    result = runner.invoke(
        app, ["query", "cold_starts_by_region", "--show-sql", "--engine", "spark"]
    )
    assert result.exit_code == 0, result.output
    assert "PERCENTILE(totalCost_cold_start, ARRAY(0.5, 0.9, 0.99))" in result.stdout


def test_show_sql_checks_parameters() -> None:
    result = runner.invoke(app, ["query", "cold_starts_hourly", "--show-sql", "-p", "region=R9"])
    assert result.exit_code == 2
    assert "region = 'R9' is not one of R1, R2, R3, R4, R5" in result.output


def test_option_errors_name_the_option() -> None:
    cases = {
        ("--dialect", "spark"): "--dialect needs --show-sql",
        ("--show-sql", "--dialect", "oracle"): "--dialect 'oracle' is not one of duckdb, spark",
        ("--engine", "oracle"): "--engine 'oracle' is not one of duckdb, spark",
        ("--spark-master", "local[1]"): "--spark-master needs --engine spark",
    }
    for args, message in cases.items():
        result = runner.invoke(app, ["query", "region_summary", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)


def test_open_passes_uris_to_spark_unchanged(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A URI reaches Spark as written, also from $COLDSTART_WAREHOUSE (a Path would fold
    s3a://bucket into s3a:/bucket); a plain path is resolved as for DuckDB."""
    import coldstart
    from coldstart.query import spark

    seen: list[object] = []
    monkeypatch.setattr(spark, "SparkQuerySession", lambda location, **kw: seen.append(location))
    coldstart.open("hdfs://nn:8020/wh", engine="spark")
    monkeypatch.setenv("COLDSTART_WAREHOUSE", "s3a://bucket/wh")
    coldstart.open(engine="spark")
    monkeypatch.setenv("COLDSTART_WAREHOUSE", "~/wh")
    coldstart.open(engine="spark")
    assert seen[:2] == ["hdfs://nn:8020/wh", "s3a://bucket/wh"]
    assert str(seen[2]).endswith("/wh") and "~" not in str(seen[2])

"""`coldstart queries | query | sql | catalog`: every format and every error, via CliRunner."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from coldstart.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None, wh: Path | None = None) -> object:
    argv = [*args] + (["--warehouse", str(wh)] if wh is not None else [])
    return runner.invoke(app, argv, input=stdin)


def test_queries_lists_every_name_with_a_description() -> None:
    result = run("queries")
    assert result.exit_code == 0
    for name in ("cold_starts_by_region", "pod_utility_ratio", "region_summary"):
        assert name in result.stdout
    assert "Cold-start count, mean, percentiles" in result.stdout
    verbose = runner.invoke(app, ["queries", "-v"], env={"COLUMNS": "200"})
    assert "keep_alive_s: DOUBLE = 60.0" in verbose.stdout


def test_query_table_fits_the_terminal(hand_warehouse: Path) -> None:
    result = runner.invoke(
        app, ["query", "cold_starts_by_region", "--warehouse", str(hand_warehouse)],
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.lstrip().startswith("R1") and "2.75" in line for line in lines)
    assert "more columns not shown" in result.stderr  # 15 columns do not fit in 80
    assert "scheduling_share" in result.stderr


def test_query_table_shows_nulls(hand_warehouse: Path) -> None:
    result = run("query", "cold_starts_by_runtime", wh=hand_warehouse)
    assert result.exit_code == 0
    assert "NULL" in result.stdout and "Python3" in result.stdout


def test_query_csv_is_clean(hand_warehouse: Path) -> None:
    result = run("query", "region_summary", "--format", "csv", wh=hand_warehouse)
    assert result.exit_code == 0
    assert result.stdout == (
        "region,requests,functions,pods,cold_starts\nR1,20,2,3,4\nR2,11,3,7,8\n"
    )
    assert result.stderr == ""


def test_query_json_is_clean(hand_warehouse: Path) -> None:
    result = run("query", "region_summary", "-f", "json", "-p", "", wh=hand_warehouse)
    assert result.exit_code == 2  # an empty -p is malformed
    result = run("query", "region_summary", "-f", "json", wh=hand_warehouse)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"region": "R1", "requests": 20, "functions": 2, "pods": 3, "cold_starts": 4},
        {"region": "R2", "requests": 11, "functions": 3, "pods": 7, "cold_starts": 8},
    ]


def test_query_parquet_and_output_files(hand_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "ratio.parquet"
    result = run(
        "query", "pod_utility_ratio", "-p", "censor_s=0", "-p", "region=R2",
        "--format", "parquet", "-o", str(out), wh=hand_warehouse,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "wrote 6 rows" in result.stderr
    assert pl.read_parquet(out).height == 6
    # the format follows the file name when --format is not given
    csv_out = tmp_path / "x.csv"
    assert run("query", "region_summary", "-o", str(csv_out), wh=hand_warehouse).exit_code == 0
    assert csv_out.read_text().startswith("region,requests")
    json_out = tmp_path / "x.json"
    assert run("query", "region_summary", "-o", str(json_out), wh=hand_warehouse).exit_code == 0
    assert len(json.loads(json_out.read_text())) == 2


def test_query_null_parameter(hand_warehouse: Path) -> None:
    result = run("query", "cold_starts_hourly", "-p", "region=NULL", "-f", "csv", wh=hand_warehouse)
    assert result.exit_code == 0
    assert {line.split(",")[0] for line in result.stdout.splitlines()[1:]} == {"R1", "R2"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["query", "no_such_query"], "unknown query 'no_such_query'; (`coldstart queries` lists all"),
        (["query", "cold_starts_by_trigerr"], "did you mean cold_starts_by_trigger"),
        (["query", "pod_utility_ratio", "-p", "keepalive=3"],
         "no parameter 'keepalive'; it accepts: region: VARCHAR = NULL"),
        (["query", "pod_utility_ratio", "-p", "keep_alive_s=long"],
         "keep_alive_s = 'long' is not a DOUBLE"),
        (["query", "pod_utility_ratio", "-p", "keep_alive_s"], "write parameters as key=value"),
        (["query", "pod_utility_ratio", "-p", "region=R1", "-p", "region=R2"], "given twice"),
        (["query", "region_summary", "--format", "xml"], "--format 'xml' is not one of"),
        (["query", "region_summary", "--format", "parquet"], "give -o FILE"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_without_traceback(
    hand_warehouse: Path, args: list[str], fragment: str
) -> None:
    result = run(*args, wh=hand_warehouse)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert fragment in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.stderr


def test_a_region_without_a_function_table_is_named(hand_warehouse: Path) -> None:
    """Triggers are known for Region 2 only: asking about R1 says so beside the NULL row."""
    result = run(
        "query", "cold_starts_by_trigger", "-p", "region=R1", "-f", "csv", wh=hand_warehouse
    )
    assert result.exit_code == 0
    assert "known for R2 only" in result.stderr and "region=R1" in result.stderr
    same_r2 = run(
        "query", "cold_starts_by_trigger", "-p", "region=R2", "-f", "csv", wh=hand_warehouse
    )
    assert "known for" not in same_r2.stderr


def test_json_ends_with_a_newline(hand_warehouse: Path) -> None:
    result = run("query", "region_summary", "-f", "json", wh=hand_warehouse)
    assert result.exit_code == 0 and result.stdout.endswith("]\n")


def test_missing_and_empty_warehouse(tmp_path: Path) -> None:
    for args in (["query", "region_summary"], ["sql", "SELECT 1"], ["catalog", "x.duckdb"]):
        result = run(*args, wh=tmp_path / "nope")
        assert result.exit_code == 1
        err = result.stderr.replace("\n", " ")
        assert "no warehouse at" in err and "coldstart ingest" in err and "coldstart demo" in err
    (tmp_path / "empty").mkdir()
    result = run("query", "region_summary", wh=tmp_path / "empty")
    assert result.exit_code == 1 and "is empty" in result.stderr


def test_sql_formats_and_stdin(hand_warehouse: Path) -> None:
    text = "SELECT region, count(*) AS n FROM cold_starts WHERE region = $r GROUP BY region"
    result = run("sql", text, "-p", "r=R1", "-f", "csv", wh=hand_warehouse)
    assert result.exit_code == 0 and result.stdout == "region,n\nR1,4\n"
    result = run("sql", "-", "-p", "r=R2", "-f", "json", stdin=text, wh=hand_warehouse)
    assert result.exit_code == 0 and json.loads(result.stdout) == [{"region": "R2", "n": 8}]
    result = run("sql", text, "-p", "r=R2", wh=hand_warehouse)
    assert result.exit_code == 0 and "R2" in result.stdout and "8" in result.stdout


def test_sql_shows_binary_and_lists_as_text(hand_warehouse: Path) -> None:
    text = "SELECT unhex('00ff') AS b, ['APIG-S', 'TIMER-A'] AS l"
    result = run("sql", text, "-f", "csv", wh=hand_warehouse)
    assert result.exit_code == 0
    frame = pl.read_csv(io.StringIO(result.stdout))
    assert frame.row(0) == ("00ff", '["APIG-S", "TIMER-A"]')
    result = run("sql", text, wh=hand_warehouse)
    assert "00ff" in result.stdout and "TIMER-A" in result.stdout


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("SELECT region, count(* FROM cold_starts", ["Parser Error", "LINE 1:", "^"]),
        ("SELECT nope FROM cold_starts", ["Binder Error", "nope", "LINE 1:"]),
        ("SELECT * FROM cold_startz", ["Catalog Error", "cold_starts"]),
    ],
)
def test_sql_errors_give_duckdb_message_and_position(
    hand_warehouse: Path, text: str, fragments: list[str]
) -> None:
    result = run("sql", text, wh=hand_warehouse)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_sql_cannot_modify_the_warehouse(hand_warehouse: Path) -> None:
    before = sorted(str(p) for p in hand_warehouse.rglob("*"))
    target = hand_warehouse / "cold_starts" / "evil.parquet"
    for text in (
        f"COPY (SELECT 1 AS a) TO '{target}' (FORMAT parquet)",
        "DROP VIEW cold_starts",
        "CREATE TABLE x AS SELECT 1",
    ):
        result = run("sql", text, wh=hand_warehouse)
        assert result.exit_code == 2
        assert "read-only" in result.stderr
    assert sorted(str(p) for p in hand_warehouse.rglob("*")) == before
    assert run("sql", "  ", wh=hand_warehouse).exit_code == 2


def test_catalog_works_in_plain_duckdb(hand_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "cat.duckdb"
    result = run("catalog", str(path), wh=hand_warehouse)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "re-run this command if the warehouse moves" in result.stderr
    con = duckdb.connect(str(path), read_only=True)
    try:
        got = con.sql("SELECT region, count(*) FROM cold_starts GROUP BY 1 ORDER BY 1").fetchall()
        assert got == [("R1", 4), ("R2", 8)]
        # the seven R2 cold starts of day 30, the day the request table covers
        assert con.sql("SELECT count(*) FROM pod_lifetimes").fetchall() == [(7,)]
        names = [r[0] for r in con.sql("SELECT name FROM coldstart_queries").fetchall()]
        assert "pod_utility_ratio" in names
        view = con.sql(
            "SELECT sql FROM duckdb_views() WHERE view_name = '_wh_cold_starts'"
        ).fetchall()
        assert str(hand_warehouse.resolve()) in view[0][0]  # absolute path
    finally:
        con.close()
    # writing again replaces the file; a folder is refused
    assert run("catalog", str(path), wh=hand_warehouse).exit_code == 0
    result = run("catalog", str(tmp_path), wh=hand_warehouse)
    assert result.exit_code == 1 and "is a folder" in result.stderr

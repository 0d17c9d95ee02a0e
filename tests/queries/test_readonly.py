"""Read-only ad-hoc SQL: every statement form DuckDB accepts, through `.sql()` and `coldstart sql`.

The session reads the warehouse with DuckDB's own Parquet reader, so its sandbox allows the
warehouse folder — for writing too. Read-only rests on the statement check
(coldstart/query/readonly.py); these tests try every kind of statement that could write or
change the session and assert the refusal (one line, naming the statement) and that the
warehouse is byte-for-byte what it was. Each test module gets its own warehouse, so a broken
check cannot damage the one other tests share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from coldstart.cli import app
from coldstart.query import Session
from coldstart.query.readonly import ReadOnlyError, check_read_only

from .conftest import HAND_COLD_STARTS, HAND_REQUESTS, write_warehouse

runner = CliRunner()


def snapshot(root: Path) -> dict[str, str]:
    """Every file below ``root`` (hidden ones too) with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    } | {str(p.relative_to(root)) + "/": "dir" for p in root.rglob("*") if p.is_dir()}


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_warehouse(
        tmp_path_factory.mktemp("readonly") / "wh",
        cold_starts=HAND_COLD_STARTS,
        requests=HAND_REQUESTS,
    )


@pytest.fixture(scope="module")
def session(wh: Path) -> Iterator[Session]:
    with Session(wh) as s:
        yield s


PART = "{wh}/cold_starts/region=R1/part-0.parquet"

# (statement, the words the one-line refusal must contain)
REFUSED: list[tuple[str, str]] = [
    (f"COPY (SELECT 1 AS a) TO '{PART}' (FORMAT parquet)", "COPY is not allowed"),
    ("COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "COPY is not allowed"),
    ("COPY cold_starts FROM '{wh}/new.csv'", "COPY is not allowed"),
    ("EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "EXPLAIN ANALYZE of COPY"),
    (f"EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO '{PART}'", "EXPLAIN ANALYZE of COPY"),
    ("EXPLAIN ANALYSE COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "EXPLAIN ANALYZE of COPY"),
    ("EXPLAIN (ANALYZE) COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "EXPLAIN ANALYZE of COPY"),
    (
        "EXPLAIN (ANALYZE, FORMAT json) COPY (SELECT 1 AS a) TO '{wh}/new.csv'",
        "EXPLAIN ANALYZE of COPY",
    ),
    ("/* c */ explain -- c\n analyze copy (select 1) to '{wh}/new.csv'", "ANALYZE of COPY"),
    ("EXPLAIN COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "EXPLAIN of COPY"),
    (
        "EXPLAIN ANALYZE CREATE OR REPLACE VIEW cold_starts AS SELECT 1 AS a",
        "EXPLAIN ANALYZE of CREATE",
    ),
    ("EXPLAIN ANALYZE INSERT INTO cold_starts SELECT * FROM cold_starts", "of INSERT"),
    ("EXPORT DATABASE '{wh}/export'", "EXPORT is not allowed"),
    ("ATTACH '{wh}/x.duckdb' AS x", "ATTACH is not allowed"),
    ("DETACH memory", "DETACH is not allowed"),
    ("INSTALL httpfs", "INSTALL (a LOAD statement)"),
    ("LOAD httpfs", "LOAD is not allowed"),
    ("SET enable_external_access = true", "SET is not allowed"),
    ("SET allowed_directories = ['/']", "SET is not allowed"),
    ("RESET allowed_directories", "RESET (a SET statement)"),
    ("SET VARIABLE x = 1", "SET is not allowed"),
    ("USE memory", "USE (a SET statement)"),
    ("CREATE TABLE t AS SELECT 1 AS a", "CREATE is not allowed"),
    ("CREATE OR REPLACE VIEW cold_starts AS SELECT 1 AS a", "CREATE is not allowed"),
    ("CREATE OR REPLACE MACRO resource_group(a, b) AS 'x'", "CREATE is not allowed"),
    ("CREATE OR REPLACE TEMP VIEW requests AS SELECT 1 AS a", "CREATE is not allowed"),
    ("INSERT INTO cold_starts SELECT * FROM cold_starts", "INSERT is not allowed"),
    ("UPDATE cold_starts SET time = 0", "UPDATE is not allowed"),
    ("DELETE FROM cold_starts", "DELETE is not allowed"),
    ("DROP VIEW cold_starts", "DROP is not allowed"),
    ("ALTER VIEW cold_starts RENAME TO x", "ALTER is not allowed"),
    ("PRAGMA enable_profiling", "PRAGMA is not allowed"),
    ("PRAGMA version", "PRAGMA is not allowed"),
    ("COPY FROM DATABASE memory TO x", "COPY (a PRAGMA statement)"),
    ("CALL pragma_version()", "CALL is not allowed"),
    ("CHECKPOINT", "CHECKPOINT (a CALL statement)"),
    ("VACUUM", "VACUUM is not allowed"),
    ("ANALYZE", "ANALYZE (a VACUUM statement)"),
    ("BEGIN TRANSACTION", "BEGIN (a TRANSACTION statement)"),
    ("PREPARE p AS SELECT 1", "PREPARE is not allowed"),
    ("EXECUTE p", "EXECUTE is not allowed"),
    ("UPDATE EXTENSIONS", "a statement type this duckdb does not name"),
    (
        "SELECT * FROM (PIVOT cold_starts ON region USING count(*))",
        "a statement DuckDB runs as several",
    ),
    ("SELECT 1; COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "exactly one SQL statement (got 2"),
    ("SELECT 1 AS a; SELECT 2 AS b", "got 2: SELECT, SELECT"),
    ("-- only a comment", "no SQL statement given"),
]


@pytest.mark.parametrize(("statement", "fragment"), REFUSED, ids=[s for s, _ in REFUSED])
def test_sql_refuses_everything_but_reads(
    session: Session, wh: Path, statement: str, fragment: str
) -> None:
    before = snapshot(wh)
    rows = session.sql("SELECT count(*) AS n FROM cold_starts").item()
    with pytest.raises(ReadOnlyError) as err:
        session.sql(statement.format(wh=wh))
    message = str(err.value)
    assert fragment in message
    assert "\n" not in message and len(message) < 300
    assert snapshot(wh) == before
    # the session is untouched too: same views, same settings
    assert session.sql("SELECT count(*) AS n FROM cold_starts").item() == rows
    assert session.sql("SELECT current_setting('enable_external_access') AS v").item() is False


ALLOWED = [
    "SELECT count(*) AS n FROM cold_starts",
    "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
    "FROM cold_starts LIMIT 1",
    "DESCRIBE cold_starts",
    "SHOW TABLES",
    "SUMMARIZE SELECT time FROM cold_starts",
    "PIVOT (SELECT region FROM cold_starts) ON region IN ('R1', 'R2') USING count(*)",
    "UNPIVOT (SELECT 1 AS a, 2 AS b) ON a, b",
    "EXPLAIN SELECT * FROM cold_starts",
    "EXPLAIN ANALYZE SELECT count(*) FROM cold_starts",
    "EXPLAIN (FORMAT json) SELECT 1",
    "EXPLAIN (SELECT 1) UNION (SELECT 2)",
    "/* note */ -- more\nSELECT 1 AS a;",
]


@pytest.mark.parametrize("statement", ALLOWED)
def test_sql_runs_reading_statements(session: Session, wh: Path, statement: str) -> None:
    before = snapshot(wh)
    assert session.sql(statement).height >= 1
    assert snapshot(wh) == before


def test_the_check_alone_on_its_hardest_forms() -> None:
    """EXPLAIN's wrapped statement is found with and without options and comments."""
    check_read_only("EXPLAIN (ANALYZE, FORMAT json) SELECT '(' AS p")
    check_read_only("EXPLAIN ANALYZE (SELECT 1) UNION (SELECT 2)")
    for text in (
        "EXPLAIN (FORMAT json, ANALYZE) COPY (SELECT ')' AS p) TO 'x.csv'",
        "EXPLAIN ANALYZE COPY (SELECT 1) TO 'x.csv'",
    ):
        with pytest.raises(ReadOnlyError, match="ANALYZE of COPY"):
            check_read_only(text)
    with pytest.raises(duckdb.ParserException):
        check_read_only("EXPLAIN ANALYZE")


CLI_REFUSED = [
    ("COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "COPY is not allowed"),
    (f"COPY (SELECT 1 AS a) TO '{PART}' (FORMAT parquet)", "COPY is not allowed"),
    ("EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "EXPLAIN ANALYZE of COPY"),
    ("EXPLAIN ANALYZE CREATE OR REPLACE VIEW cold_starts AS SELECT 1", "ANALYZE of CREATE"),
    ("EXPORT DATABASE '{wh}/export'", "EXPORT is not allowed"),
    ("ATTACH '{wh}/x.duckdb' AS x", "ATTACH is not allowed"),
    ("SELECT 1; COPY (SELECT 1 AS a) TO '{wh}/new.csv'", "exactly one SQL statement"),
]


@pytest.mark.parametrize(("statement", "fragment"), CLI_REFUSED)
@pytest.mark.parametrize("stdin", [False, True], ids=["argument", "stdin"])
def test_cli_sql_cannot_write_into_the_warehouse(
    wh: Path, statement: str, fragment: str, stdin: bool
) -> None:
    before = snapshot(wh)
    text = statement.format(wh=wh)
    if stdin:
        res = runner.invoke(app, ["sql", "-", "--warehouse", str(wh)], input=text)
    else:
        res = runner.invoke(app, ["sql", text, "--warehouse", str(wh)])
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert "Traceback" not in res.output
    assert snapshot(wh) == before


# --- the raw connection: what the sandbox does and does not protect ------------------------


def test_the_raw_connection_cannot_reach_outside_the_warehouse(
    session: Session, wh: Path, tmp_path: Path
) -> None:
    """``.con`` has no statement check, but no file outside the warehouse is reachable."""
    sibling = wh.parent / (wh.name + "2")
    sibling.mkdir(exist_ok=True)
    outside = [
        "SELECT * FROM read_csv('/etc/passwd')",
        f"COPY (SELECT 1 AS a) TO '{tmp_path}/out.csv'",
        f"COPY (SELECT 1 AS a) TO '{sibling}/out.csv'",  # a name-prefix sibling is outside
        f"ATTACH '{tmp_path}/x.duckdb' AS x",
        "INSTALL httpfs",
    ]
    for statement in outside:
        with pytest.raises(duckdb.PermissionException):
            session.con.execute(statement)
    for statement in (
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "RESET allowed_directories",
        "SET lock_configuration = false",
    ):
        with pytest.raises(duckdb.Error, match="locked"):
            session.con.execute(statement)
    assert list(tmp_path.iterdir()) == [] and list(sibling.iterdir()) == []


def test_the_raw_connection_can_write_inside_the_warehouse(tmp_path: Path) -> None:
    """The documented limit of ``.con``: DuckDB's sandbox allows writing in the warehouse.

    If a DuckDB release starts refusing this, the docs (session docstring, README,
    docs/queries.md) can promise more; until then they say exactly this.
    """
    wh = write_warehouse(tmp_path / "wh", cold_starts=HAND_COLD_STARTS)
    with Session(wh) as s:
        s.con.execute(f"COPY (SELECT 1 AS a) TO '{wh}/stray.csv'")
        with pytest.raises(ReadOnlyError):
            s.sql(f"COPY (SELECT 1 AS a) TO '{wh}/stray2.csv'")
    assert (wh / "stray.csv").exists() and not (wh / "stray2.csv").exists()

"""The Python front door: opening, listing, parameters, errors and read-only SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import coldstart
import coldstart.query.library
from coldstart.errors import InputError, UsageError
from coldstart.query import QueryError, Session

from .conftest import HAND_COLD_STARTS, write_warehouse


def test_open_is_exported_and_returns_a_session(hand_warehouse: Path) -> None:
    with coldstart.open(hand_warehouse) as s:
        assert isinstance(s, Session)
        assert s.query("region_summary").height == 2


def test_open_uses_the_environment_variable(
    hand_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLDSTART_WAREHOUSE", str(hand_warehouse))
    with coldstart.open() as s:
        assert s.warehouse == hand_warehouse


def test_missing_warehouse_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no warehouse at") as err:
        coldstart.open(tmp_path / "nope")
    for hint in ("coldstart ingest", "coldstart synth", "coldstart demo"):
        assert hint in str(err.value)


def test_empty_warehouse_says_so(tmp_path: Path) -> None:
    (tmp_path / "cold_starts").mkdir()
    (tmp_path / "_staging").mkdir()
    with pytest.raises(InputError, match="is empty") as err:
        coldstart.open(tmp_path)
    assert "coldstart ingest" in str(err.value)


def test_a_query_needing_a_missing_table_names_it(tmp_path: Path) -> None:
    root = write_warehouse(tmp_path / "wh", cold_starts=HAND_COLD_STARTS)
    with coldstart.open(root) as s:
        assert s.query("cold_starts_by_region").height == 2  # needs only cold_starts
        with pytest.raises(InputError, match="'requests'") as err:
            s.query("pod_utility_ratio")
        assert "per_request" in str(err.value) and "coldstart ingest" in str(err.value)
        # the views still bind (empty) for ad-hoc SQL
        assert s.sql("SELECT count(*) AS n FROM requests")["n"].to_list() == [0]


def test_queries_lists_names_descriptions_and_parameters(hand: Session) -> None:
    df = hand.queries()
    assert df.columns == ["name", "description", "parameters", "file"]
    row = df.filter(name="pod_utility_ratio").row(0, named=True)
    assert "keep_alive_s: DOUBLE = 60.0" in row["parameters"]
    assert row["file"] == "queries/pod/utility_ratio.sql"
    assert all(0 < len(d) <= 90 for d in df["description"])


def test_unknown_query_lists_the_names(hand: Session) -> None:
    with pytest.raises(UsageError, match="unknown query 'cold_start_by_region'") as err:
        hand.query("cold_start_by_region")
    assert "cold_starts_by_region" in str(err.value)
    assert "utility_ratio_by_trigger" in str(err.value)


def test_unknown_parameter_lists_the_accepted_ones(hand: Session) -> None:
    with pytest.raises(UsageError, match="no parameter 'keepalive'") as err:
        hand.query("pod_utility_ratio", keepalive=30)
    msg = str(err.value)
    assert "keep_alive_s: DOUBLE = 60.0" in msg and "censor_s: DOUBLE = NULL" in msg
    with pytest.raises(UsageError, match="accepts: none"):
        hand.query("region_summary", region="R1")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"keep_alive_s": "soon"}, "keep_alive_s = 'soon' is not a DOUBLE"),
        ({"keep_alive_s": True}, "is not a DOUBLE"),
        ({"keep_alive_s": float("nan")}, "is not a finite number"),
        ({"keep_alive_s": None}, "cannot be NULL"),
        ({"region": "R9"}, "is not one of R1, R2, R3, R4, R5"),
        ({"region": 2}, "is not a VARCHAR"),
    ],
)
def test_malformed_parameter_is_named(hand: Session, params: dict, fragment: str) -> None:
    with pytest.raises(UsageError, match="the parameters are: region") as err:
        hand.query("pod_utility_ratio", **params)
    assert fragment in str(err.value)


def test_parameters_from_text_are_converted(hand: Session) -> None:
    """The CLI passes strings; INTEGER and DOUBLE parameters are parsed, not pasted."""
    a = hand.query("pod_utility_ratio", keep_alive_s="30", censor_s="0")
    b = hand.query("pod_utility_ratio", keep_alive_s=30, censor_s=0.0)
    assert a.equals(b)
    with pytest.raises(UsageError, match=r"day_to = '2\.5' is not a INTEGER"):
        hand.query("requests_per_minute", day_to="2.5")


def test_sql_binds_parameters(hand: Session) -> None:
    sneaky = "R1' OR '1'='1"
    df = hand.sql("SELECT count(*) AS n FROM cold_starts WHERE region = $r", r=sneaky)
    assert df["n"].to_list() == [0]  # bound as a value, never pasted
    df = hand.sql("SELECT count(*) AS n FROM cold_starts WHERE region = $r", r="R1")
    assert df["n"].to_list() == [4]


def test_sql_errors_carry_duckdb_message_and_position(hand: Session) -> None:
    with pytest.raises(QueryError) as err:
        hand.sql("SELECT region, count(* FROM cold_starts")
    assert "Parser Error" in str(err.value) and "LINE 1" in str(err.value)
    with pytest.raises(QueryError, match="Binder Error") as err:
        hand.sql("SELECT no_such_column FROM cold_starts")
    assert "LINE 1" in str(err.value)


def test_reading_statements_are_allowed(hand: Session) -> None:
    assert hand.sql("DESCRIBE cold_starts").height == 24
    assert "cold_starts" in hand.sql("SHOW TABLES")["name"].to_list()
    assert hand.sql("EXPLAIN SELECT * FROM counts").height >= 1
    assert hand.sql("WITH x AS (SELECT 1 AS a) SELECT a FROM x").item() == 1


def _plan(session: Session, sql: str) -> str:
    return " ".join(
        str(v) for row in session.sql(f"EXPLAIN {sql}").to_dicts() for v in row.values()
    )


def test_partition_filters_reach_the_scan(hand: Session) -> None:
    """DuckDB's own reader prunes files by the region filter, pushes the day filter into the
    scan (row groups hold one day: their statistics skip the others) and reads one column."""
    text = _plan(hand, "SELECT sum(time) FROM cold_starts WHERE region = 'R1' AND day = 0")
    assert "READ_PARQUET" in text and "Projections: time" in text
    assert "File Filters: region = 'R1'" in text
    # R1 and R2 hold the hand-made cold starts, one file each (days are a column)
    assert "Scanning Files: 1/2" in text
    assert "Filters: day = 29" in _plan(hand, "SELECT sum(time) FROM cold_starts WHERE day = 29")


def test_bookkeeping_and_hidden_files_are_never_read(tmp_path: Path) -> None:
    """Files and folders starting with `_` or `.` (manifest, staging, temporary) are ignored,
    and files published after the session opened are seen by its next query."""
    root = write_warehouse(tmp_path / "wh", cold_starts=HAND_COLD_STARTS)
    part = root / "cold_starts" / "region=R1" / "part-0.parquet"
    for stray in (
        part.with_name("_stray.parquet"),
        part.with_name(".part-1.parquet"),
        root / "cold_starts" / "_staging" / "region=R1" / "part-9.parquet",
        root / "cold_starts" / "region=R1" / "_day=0" / "part-9.parquet",  # a staged day
        root / "_staging" / "cold_starts" / "region=R1" / "part-9.parquet",
    ):
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(part.read_bytes())
    with coldstart.open(root) as s:
        count = "SELECT count(*) AS n FROM cold_starts"
        assert s.sql(count).item() == len(HAND_COLD_STARTS)
        part.with_name("part-1.parquet").write_bytes(part.read_bytes())  # a later publish
        assert s.sql(count).item() == len(HAND_COLD_STARTS) + 4  # R1 holds 4


def test_no_progress_bar_reaches_stdout(hand: Session) -> None:
    """DuckDB's progress bar would end up inside CSV/JSON piped from `coldstart query`."""
    setting = hand.sql("SELECT current_setting('enable_progress_bar') AS v").item()
    assert setting is False


def _user_views(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    }


def test_opening_creates_no_view_and_a_query_only_what_it_needs(hand_warehouse: Path) -> None:
    with coldstart.open(hand_warehouse) as s:
        assert _user_views(s._con) == set()  # opening lists no files and binds nothing
        s.query("cold_starts_by_region")
        created = _user_views(s._con)
        assert {"_wh_cold_starts", "cold_starts"} <= created
        assert "_wh_requests" not in created and "pod_lifetimes" not in created
        # the raw connection has everything
        assert set(s.views()) <= _user_views(s.con)


def test_every_named_query_finds_its_views_without_the_fallback(
    hand_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """modules_for sees every dependency of every query: a fresh session runs each one
    creating only what it found (loading everything is the fallback, switched off here)."""

    def no_fallback(self: Session) -> None:
        raise AssertionError("fell back to loading every module")

    library = coldstart.query.library.load_library()
    monkeypatch.setattr(Session, "_load_all", no_fallback)
    for name in library.queries:
        with coldstart.open(hand_warehouse) as s:
            s.query(name)


def test_sql_naming_views_only_inside_a_string_still_runs(hand_warehouse: Path) -> None:
    with coldstart.open(hand_warehouse) as s:
        got = s.sql("SELECT * FROM query('SELECT count(*) AS n FROM cold_starts_attributed')")
        assert got["n"].to_list() == [len(HAND_COLD_STARTS)]


def test_memory_limit_and_a_private_spill_folder(hand_warehouse: Path) -> None:
    """DuckDB spills into the session's own temporary folder (never `.tmp` in the user's
    working directory), removed on close; ``memory_limit`` bounds DuckDB's memory."""
    default = coldstart.query.open(hand_warehouse)
    bounded = coldstart.query.open(hand_warehouse, memory_limit="100MB")
    try:
        spill = Path(
            bounded.con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
        )
        assert spill.is_dir() and spill.name.startswith("coldstart-duckdb-")
        assert not spill.is_relative_to(Path.cwd())
        limit = bounded.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        assert (
            limit != default.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        )
        assert limit.startswith(("95", "100")), limit  # 100 MB as DuckDB prints it (MiB)
        assert bounded.query("cold_starts_by_region").equals(default.query("cold_starts_by_region"))
    finally:
        bounded.close()
        default.close()
    assert not spill.exists()

"""The DuckDB → Spark SQL translation (coldstart.query.dialect), checked without Java.

Every view and named query of the library must translate to Spark SQL that sqlglot parses
back, with exact percentiles and no literal that Spark would type DECIMAL. The rewrites are
checked on hand-written SQL, and their meaning by running the translation back on DuckDB.
"""

from __future__ import annotations

import re

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from coldstart.query import dialect
from coldstart.query.library import load_library

LIBRARY = load_library()
MACROS: dialect.Macros = {}
for _module in LIBRARY.modules:
    MACROS.update(dialect.macros_of(_module.body))

STATEMENTS = [
    pytest.param(stmt, id=f"{m.rel}#{i}")
    for m in LIBRARY.modules
    for i, stmt in enumerate(dialect.spark_statements(m.body, MACROS))
] + [pytest.param(dialect.to_spark(q.sql, MACROS), id=name) for name, q in LIBRARY.queries.items()]


def _percentile_fractions(tree: exp.Expression) -> set[int]:
    """ids of the literals that are a percentile's fraction (those may be decimals)."""
    ids: set[int] = set()
    for call in tree.find_all(exp.Anonymous):
        if str(call.this).lower() == "percentile":
            for lit in call.expressions[1].find_all(exp.Literal):
                ids.add(id(lit))
    for q in tree.find_all(exp.Quantile):
        for lit in q.args["quantile"].find_all(exp.Literal):
            ids.add(id(lit))
    return ids


@pytest.mark.parametrize("spark_sql", STATEMENTS)
def test_library_translates_to_exact_double_spark_sql(spark_sql: str) -> None:
    tree = sqlglot.parse_one(spark_sql, read="spark")  # parses back
    text = spark_sql.upper()
    assert "PERCENTILE_APPROX" not in text and "APPROX_PERCENTILE" not in text
    assert not list(tree.find_all(exp.ApproxQuantile))
    fractions = _percentile_fractions(tree)
    decimals = [
        lit.this
        for lit in tree.find_all(exp.Literal)
        if not lit.is_string and re.fullmatch(r"\d*\.\d*", lit.this) and id(lit) not in fractions
    ]
    assert not decimals, f"Spark types {decimals} as DECIMAL; write an integer or a CAST"
    for leftover in ("$", "GENERATE_SERIES", "MACRO", "_U("):
        assert leftover not in text
    # Every temporary view is created as such (Spark refuses persistent views over them).
    if isinstance(tree, exp.Create):
        assert text.startswith("CREATE OR REPLACE TEMPORARY VIEW")


@pytest.mark.parametrize("name", list(LIBRARY.queries))
def test_parameters_stay_bound_markers(name: str) -> None:
    q = LIBRARY.queries[name]
    spark_sql = dialect.to_spark(q.sql, MACROS)
    markers = set(re.findall(r":([A-Za-z_][A-Za-z0-9_]*)", spark_sql))
    assert markers == {p.name for p in q.params}


def _on_duckdb(spark_sql: str) -> list[tuple]:
    """Run translated Spark SQL on DuckDB (via sqlglot back again): the meaning check."""
    back = sqlglot.transpile(spark_sql, read="spark", write="duckdb")[0]
    # sqlglot reads Spark's exact percentile() as DuckDB's QUANTILE (discrete): make it continuous
    back = re.sub(r"\bQUANTILE\(", "quantile_cont(", back)
    return duckdb.sql(back).fetchall()


def test_macro_calls_are_inlined_with_precedence_kept() -> None:
    sql = """
        CREATE MACRO twice_plus(a, b) AS a * 2 + b;
        CREATE MACRO nested(a) AS twice_plus(a, 1) * 10;
        SELECT twice_plus(x + 1, 3) AS p, nested(x - 1) AS q FROM (VALUES (4)) AS t(x)
    """
    spark = dialect.spark_statements(sql)
    assert len(spark) == 1  # the macros themselves produce no Spark SQL
    assert "twice_plus" not in spark[0].lower() and "nested" not in spark[0].lower()
    # (4 + 1) * 2 + 3 = 13, not 4 + 1 * 2 + 3 = 9; ((3 * 2 + 1) * 10) = 70
    assert _on_duckdb(spark[0]) == [(13, 70)]
    assert duckdb.sql(
        "CREATE MACRO twice_plus(a, b) AS a * 2 + b; "
        "SELECT twice_plus(x + 1, 3) FROM (VALUES (4)) AS t(x)"
    ).fetchall() == [(13,)]


def test_table_macro_call_becomes_a_subquery() -> None:
    sql = """
        CREATE MACRO above(lo, k) AS TABLE
            SELECT x, x * k AS y FROM (VALUES (1), (2), (3)) AS t(x) WHERE x > lo;
        SELECT a.x, a.y FROM above($lo, 10) AS a ORDER BY a.x
    """
    (spark,) = dialect.spark_statements(sql)
    assert "above" not in spark.lower() and ":lo" in spark
    assert _on_duckdb(spark.replace(":lo", "1")) == [(2, 20), (3, 30)]
    # unaliased, the subquery takes the macro's name, as DuckDB names the call
    (bare,) = dialect.spark_statements(sql.replace("AS a ", "").replace("a.", "above."))
    assert _on_duckdb(bare.replace(":lo", "2")) == [(3, 30)]


def test_macro_called_as_the_wrong_kind_is_refused() -> None:
    with pytest.raises(dialect.TranslationError, match="table macro"):
        dialect.to_spark("SELECT utility_ratio_groups('R2', 'runtime', 60) AS g", MACROS)
    with pytest.raises(dialect.TranslationError, match="scalar macro"):
        dialect.to_spark("SELECT * FROM resource_group(300, 128)", MACROS)


def test_library_macro_is_inlined_for_spark() -> None:
    spark = dialect.to_spark(
        "SELECT resource_group(300, 128) AS g, resource_group(1, 2) AS o", MACROS
    )
    assert "resource_group" not in spark.lower()
    assert _on_duckdb(spark) == [("300-128", "other")]


def test_percentile_cont_becomes_exact_percentile() -> None:
    values = "FROM (VALUES (1e0), (2e0), (10e0)) AS t(x)"
    up = dialect.to_spark(f"SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY x) AS p {values}")
    down = dialect.to_spark(
        f"SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC) AS d {values}"
    )
    assert "PERCENTILE(x, 0.99)" in up
    assert "PERCENTILE(x, 1 - 0.25)" in down
    # continuous percentiles: 2 + 0.98 * 8 = 9.84 (ascending); DESC q=0.25 = ASC q=0.75 = 6.0
    assert float(_on_duckdb(up)[0][0]) == pytest.approx(9.84)
    assert float(_on_duckdb(down)[0][0]) == pytest.approx(6.0)


def test_percentiles_of_one_column_share_one_aggregate() -> None:
    """Spark sorts a group's values once per percentile() call: p50, p90 and p10-by-DESC of x
    become one call over an array of fractions; y's own, a repeated fraction and a window's
    percentile stay apart. Same answers (checked back on DuckDB)."""
    sql = """
        SELECT g,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY x) AS p90,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY x DESC) AS p10,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS again,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY y) AS y50
        FROM (VALUES ('a', 1e0, 5e0), ('a', 2e0, 6e0), ('a', 10e0, 7e0), ('b', 4e0, 1e0))
            AS t(g, x, y)
        GROUP BY g ORDER BY g
    """
    spark = dialect.to_spark(sql)
    shared = "PERCENTILE(x, ARRAY(0.5, 0.9, 1 - 0.9))"
    assert spark.count(shared) == 4 and "PERCENTILE(y, 0.5)" in spark
    assert (
        f"ELEMENT_AT({shared}, 3) AS p10" in spark and f"ELEMENT_AT({shared}, 1) AS again" in spark
    )
    got = _on_duckdb(spark)
    want = duckdb.sql(sql).fetchall()
    assert [r[0] for r in got] == [r[0] for r in want] == ["a", "b"]
    for row_got, row_want in zip(got, want, strict=True):
        assert [float(v) for v in row_got[1:]] == pytest.approx([float(v) for v in row_want[1:]])
    windowed = dialect.to_spark(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) OVER () AS w, "
        "percentile_cont(0.9) WITHIN GROUP (ORDER BY x) OVER () AS v FROM t"
    )
    assert "ARRAY(" not in windowed


def test_quantile_list_becomes_one_exact_percentile() -> None:
    """DuckDB's one-sort form, quantile_cont(x, [fractions])[i], becomes Spark's exact
    percentile over an array indexed from 1 with ELEMENT_AT (Spark's own [] counts from 0);
    a bare quantile_cont(x, q) is the scalar percentile. Same answers, checked back on DuckDB."""
    sql = """
        SELECT g,
            quantile_cont(x, [0.5, 0.9, 0.99])[1] AS p50,
            quantile_cont(x, [0.5, 0.9, 0.99])[3] AS p99,
            quantile_cont(x, 0.25) AS p25
        FROM (VALUES ('a', 1e0), ('a', 2e0), ('a', 10e0), ('b', 4e0), ('b', NULL))
            AS t(g, x)
        GROUP BY g ORDER BY g
    """
    spark = dialect.to_spark(sql)
    assert "ELEMENT_AT(PERCENTILE(x, ARRAY(0.5, 0.9, 0.99)), 3) AS p99" in spark
    assert "PERCENTILE(x, 0.25) AS p25" in spark and "[" not in spark
    want = duckdb.sql(sql).fetchall()
    # a: 2 + 0.98 * 8 = 9.84 at p99, 1.5 at p25; b: its one non-NULL value everywhere
    assert want == [("a", 2.0, pytest.approx(9.84), 1.5), ("b", 4.0, 4.0, 4.0)]
    assert _on_duckdb(spark) == want


@pytest.mark.parametrize("index", ["0", "4", "-1", "n"])
def test_quantile_list_index_outside_is_refused(index: str) -> None:
    with pytest.raises(dialect.TranslationError, match=r"quantile list|outside"):
        dialect.to_spark(f"SELECT quantile_cont(x, [0.5, 0.9, 0.99])[{index}] FROM t")


def test_sqlglot_alone_would_approximate() -> None:
    """The reason for the rewrite: plain transpile gives PERCENTILE_APPROX."""
    plain = sqlglot.transpile(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM t", read="duckdb", write="spark"
    )[0]
    assert "PERCENTILE_APPROX" in plain.upper()


def test_views_become_temporary() -> None:
    (stmt,) = dialect.spark_statements("CREATE VIEW v AS SELECT 1 AS a")
    assert stmt.startswith("CREATE OR REPLACE TEMPORARY VIEW v AS")


def test_duckdb_null_order_is_written_out() -> None:
    """DuckDB sorts NULLs last, Spark first: the translation says NULLS LAST explicitly."""
    spark = dialect.to_spark("SELECT x FROM t ORDER BY x")
    assert spark.endswith("ORDER BY x NULLS LAST")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM t", "percentile_disc"),
        ("CREATE MACRO m(a) AS a; SELECT m(1, 2)", "takes 1 arguments"),
        ("CREATE TABLE t AS SELECT 1", "CREATE TABLE"),
        ("SELEC 1", "cannot parse"),
    ],
)
def test_untranslatable_sql_is_refused(sql: str, message: str) -> None:
    with pytest.raises(dialect.TranslationError, match=message):
        dialect.to_spark(sql)


@pytest.mark.parametrize(
    ("sql", "reads"),
    [
        ("SELECT 1", True),
        ("WITH a AS (SELECT 1 AS x) SELECT x FROM a", True),
        ("SELECT 1 UNION ALL SELECT 2", True),
        ("INSERT INTO t VALUES (1)", False),
        ("CREATE TABLE t AS SELECT 1", False),
        ("DROP VIEW cold_starts", False),
        ("SET spark.sql.ansi.enabled = false", False),
    ],
)
def test_read_only_statements(sql: str, reads: bool) -> None:
    (tree,) = dialect.parse(sql)
    assert dialect.is_read_only(tree) is reads


@pytest.mark.parametrize(
    ("location", "folder"),
    [
        ("/data/wh", "/data/wh"),
        ("file:///data/my%20wh", "/data/my wh"),
        ("file:/data/wh", "/data/wh"),
        ("file://localhost/data/wh", "/data/wh"),
    ],
)
def test_local_locations_are_folders(location: str, folder: str) -> None:
    from pathlib import Path

    from coldstart.query.spark import _is_local, _local_path

    assert _is_local(location)
    assert _local_path(location) == Path(folder)


def test_other_locations_are_read_through_spark() -> None:
    from coldstart.errors import UsageError
    from coldstart.query.spark import _is_local, _local_path

    assert not any(map(_is_local, ["s3a://bucket/wh", "hdfs://nn:8020/wh", "gs://b/wh"]))
    with pytest.raises(UsageError, match="not otherhost's"):
        _local_path("file://otherhost/data/wh")

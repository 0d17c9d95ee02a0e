"""The library's DuckDB SQL as Spark SQL: sqlglot's transpiler plus the few rewrites it lacks.

``queries/`` is written once, in DuckDB's dialect, and portably where that costs nothing
(casts instead of decimal literals, ``unnest(range(…))`` instead of ``generate_series``,
qualified ``GROUPING()``). What remains is translated here, on sqlglot's syntax tree, never on
the text:

* **Macros are inlined.** Spark has no ``CREATE MACRO``; each call of a library macro is
  replaced by the macro's body with the arguments substituted (parenthesised), and the
  ``CREATE MACRO`` statements themselves produce no Spark SQL. A table macro (``CREATE MACRO
  m(…) AS TABLE SELECT …``) called in FROM becomes a subquery aliased as the call was (or by
  the macro's name).
* **Exact percentiles stay exact.** sqlglot writes ``percentile_cont(q) WITHIN GROUP (ORDER BY
  x)`` as Spark's *approximate* ``PERCENTILE_APPROX`` (a p99 off by 12.5 % on the tiny trace);
  here it becomes Spark's exact ``percentile(x, q)``, which interpolates linearly like
  ``percentile_cont``. A descending order uses ``1 - q``. Percentiles of one column in one
  SELECT share one ``percentile(x, ARRAY(q1, q2, …))``, indexed with ``ELEMENT_AT``: Spark
  holds and sorts a group's values once per call, and computes identical calls once. DuckDB's
  own one-sort form, ``quantile_cont(x, [q1, q2, …])[i]`` (what the library writes where one
  column has several percentiles), becomes the same ``ELEMENT_AT(percentile(x, ARRAY(…)), i)``.
* **Views become temporary views.** Spark refuses a persistent view over temporary ones
  (the warehouse tables are temporary views), so ``CREATE VIEW v AS …`` becomes
  ``CREATE OR REPLACE TEMPORARY VIEW v AS …``.
* **Parameters stay bound.** ``$name`` becomes Spark's named marker ``:name`` (sqlglot does
  this); values are passed to ``spark.sql(…, args=…)`` and never enter the text.

sqlglot also writes DuckDB's default ``NULLS LAST`` explicitly (Spark sorts NULLs first by
default), so both engines order rows the same way. Anything this layer cannot translate
faithfully raises :class:`TranslationError` naming the construct, instead of running a
different computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

from coldstart.errors import ColdstartError, UsageError
from coldstart.query.library import Library
from coldstart.query.session import bind_params

SOURCE = "duckdb"
TARGET = "spark"


class TranslationError(ColdstartError):
    """SQL that cannot be translated to Spark SQL without changing what it computes."""


@dataclass(frozen=True)
class Macro:
    """A library ``CREATE MACRO name(params) AS expr`` (or ``AS TABLE query``): what calls of
    ``name`` expand to."""

    name: str
    params: tuple[str, ...]
    body: exp.Expression
    table: bool = False


Macros = dict[str, Macro]


def parse(sql: str) -> list[exp.Expression]:
    """DuckDB statements as sqlglot trees (empty statements dropped)."""
    try:
        trees = sqlglot.parse(sql, read=SOURCE)
    except sqlglot.errors.ParseError as exc:
        raise TranslationError(f"sqlglot cannot parse the SQL: {exc}") from None
    return [t for t in trees if t is not None]


def macros_of(sql: str) -> Macros:
    """The macros a module body defines."""
    found: Macros = {}
    for tree in parse(sql):
        macro = _as_macro(tree)
        if macro is not None:
            found[macro.name] = macro
    return found


def _as_macro(tree: exp.Expression) -> Macro | None:
    if not (isinstance(tree, exp.Create) and str(tree.args.get("kind", "")).upper() == "MACRO"):
        return None
    udf = tree.this
    name = udf.this.name if isinstance(udf.this, exp.Table) else udf.name
    params = tuple(p.name for p in udf.expressions)
    properties = tree.args.get("properties")
    table = any(
        isinstance(p, exp.ReturnsProperty) and p.args.get("is_table")
        for p in (properties.expressions if properties else [])
    )
    return Macro(name.lower(), params, tree.expression, table=table)


def to_spark(sql: str, macros: Macros | None = None, *, pretty: bool = False) -> str:
    """Translate DuckDB SQL (one or more statements) to Spark SQL, statements joined by ``;``.

    ``CREATE MACRO`` statements translate to nothing (their calls are inlined instead).
    """
    return ";\n".join(spark_statements(sql, macros, pretty=pretty))


def spark_statements(sql: str, macros: Macros | None = None, *, pretty: bool = False) -> list[str]:
    """Each statement of ``sql`` as Spark SQL, in order (macros dropped, see :func:`to_spark`)."""
    macros = dict(macros or {})
    out: list[str] = []
    for tree in parse(sql):
        macro = _as_macro(tree)
        if macro is not None:  # later statements of the same body may call it
            macros[macro.name] = macro
            continue
        out.append(translate_tree(tree, macros, pretty=pretty))
    return out


def translate_tree(tree: exp.Expression, macros: Macros, *, pretty: bool = False) -> str:
    """One parsed DuckDB statement as Spark SQL text (one clause per line if ``pretty``)."""
    tree = tree.copy()
    tree = _inline_macros(tree, macros)
    tree = tree.transform(_indexed_quantiles)
    tree = tree.transform(_exact_percentile)
    _share_percentiles(tree)
    if isinstance(tree, exp.Create):
        return _temporary_view(tree, pretty=pretty)
    return tree.sql(dialect=TARGET, pretty=pretty)


def _inline_macros(tree: exp.Expression, macros: Macros) -> exp.Expression:
    if not macros:
        return tree

    def call_of(node: exp.Expression) -> tuple[Macro, exp.Anonymous] | None:
        """The library macro ``node`` calls: a function call, or a table in FROM whose name
        is a call (sqlglot's tree for ``FROM m(…)``)."""
        call = node.this if isinstance(node, exp.Table) else node
        if not isinstance(call, exp.Anonymous):
            return None
        macro = macros.get(str(call.this).lower())
        return None if macro is None else (macro, call)

    def expand(node: exp.Expression) -> exp.Expression:
        found = call_of(node)
        if found is None:
            return node
        macro, call = found
        in_from = isinstance(node, exp.Table)
        if macro.table != in_from:
            where = "in FROM" if macro.table else "as an expression"
            raise TranslationError(
                f"macro {macro.name} is a {'table' if macro.table else 'scalar'} macro: "
                f"call it {where}: {node.sql(SOURCE)}"
            )
        args = call.expressions
        if len(args) != len(macro.params):
            raise TranslationError(
                f"macro {macro.name} takes {len(macro.params)} arguments "
                f"({', '.join(macro.params)}), called with {len(args)}: {node.sql(SOURCE)}"
            )
        bound = dict(zip(macro.params, args, strict=True))

        def substitute(inner: exp.Expression) -> exp.Expression:
            if isinstance(inner, exp.Column) and not inner.table and inner.name in bound:
                return exp.Paren(this=bound[inner.name].copy())
            return inner

        # A macro may call another macro: expand the result again.
        body = _inline_macros(macro.body.copy().transform(substitute), macros)
        if not in_from:
            return exp.Paren(this=body)
        alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(macro.name))
        return exp.Subquery(this=body, alias=alias.copy())

    return tree.transform(expand)


def _exact_percentile(node: exp.Expression) -> exp.Expression:
    """``percentile_cont(q) WITHIN GROUP (ORDER BY x)`` → Spark's exact ``percentile(x, q)``."""
    if isinstance(node, exp.PercentileDisc) or (
        isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileDisc)
    ):
        raise TranslationError(
            "percentile_disc has no exact Spark equivalent here; use percentile_cont"
        )
    if isinstance(node, exp.PercentileCont) and not isinstance(node.parent, exp.WithinGroup):
        # DuckDB's quantile_cont(x, q) or quantile_cont(x, [q1, q2, …]): the same exact,
        # linearly interpolated percentile (a list gives a list, as Spark's array form does).
        if node.expression is None:
            raise TranslationError(f"quantile_cont needs its fractions: {node.sql(SOURCE)}")
        return exp.Anonymous(
            this="percentile", expressions=[node.this.copy(), node.expression.copy()]
        )
    if not (isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont)):
        return node
    order = node.expression
    keys = order.expressions if isinstance(order, exp.Order) else []
    if len(keys) != 1:
        raise TranslationError(
            f"percentile_cont needs exactly one ORDER BY key: {node.sql(SOURCE)}"
        )
    key = keys[0]
    q = node.this.this
    if key.args.get("desc"):
        q = exp.Sub(this=exp.Literal.number(1), expression=q.copy())
    return exp.Anonymous(this="percentile", expressions=[key.this.copy(), q.copy()])


def _indexed_quantiles(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``quantile_cont(x, [q1, q2, …])[i]`` (one sort for several fractions, indexed
    from 1) → ``ELEMENT_AT(percentile(x, ARRAY(q1, q2, …)), i)``, which Spark also indexes
    from 1. Only a positive integer index is translated: a negative or computed one is refused
    rather than guessed."""
    if not (
        isinstance(node, exp.Bracket)
        and isinstance(node.this, exp.PercentileCont)
        and isinstance(node.this.expression, exp.Array)
    ):
        return node
    index = node.expressions[0] if len(node.expressions) == 1 else None
    if not (isinstance(index, exp.Literal) and not index.is_string and index.this.isdigit()):
        raise TranslationError(
            f"a quantile list needs one positive integer index: {node.sql(SOURCE)}"
        )
    count = len(node.this.expression.expressions)
    if not 1 <= int(index.this) <= count:
        raise TranslationError(
            f"index {index.this} is outside the {count} fractions: {node.sql(SOURCE)}"
        )
    return exp.Anonymous(
        this="element_at", expressions=[_exact_percentile(node.this.copy()), index.copy()]
    )


def _share_percentiles(tree: exp.Expression) -> None:
    """Percentiles of one column in one SELECT become one ``percentile(x, ARRAY(q1, q2, …))``
    indexed with ``ELEMENT_AT``: Spark keeps every value of a group for each ``percentile``
    call and sorts it, while identical aggregates are computed once — so p50, p90 and p99 of
    ``totalCost_cold_start`` cost one sort instead of three. Calls inside a window or a FILTER
    clause keep their own aggregate."""
    for select in tree.find_all(exp.Select):
        by_column: dict[str, list[exp.Anonymous]] = {}
        for call in select.find_all(exp.Anonymous):
            if str(call.this).lower() != "percentile" or len(call.expressions) != 2:
                continue
            if isinstance(call.expressions[1], exp.Array):  # already one aggregate
                continue
            if call.find_ancestor(exp.Select, exp.Window, exp.Filter) is not select:
                continue
            by_column.setdefault(call.expressions[0].sql(TARGET), []).append(call)
        for calls in by_column.values():
            fractions: dict[str, exp.Expression] = {}  # in first-seen order
            for call in calls:
                fractions.setdefault(call.expressions[1].sql(TARGET), call.expressions[1])
            if len(fractions) < 2:
                continue
            order = list(fractions)
            column = calls[0].expressions[0]
            for call in calls:
                index = order.index(call.expressions[1].sql(TARGET)) + 1
                shared = exp.Anonymous(
                    this="percentile",
                    expressions=[
                        column.copy(),
                        exp.Array(expressions=[q.copy() for q in fractions.values()]),
                    ],
                )
                call.replace(
                    exp.Anonymous(
                        this="element_at", expressions=[shared, exp.Literal.number(index)]
                    )
                )


def _temporary_view(tree: exp.Create, *, pretty: bool) -> str:
    kind = str(tree.args.get("kind", "")).upper()
    if kind != "VIEW":
        raise TranslationError(
            f"only CREATE VIEW and CREATE MACRO translate to Spark, not CREATE {kind}"
        )
    name = tree.this.sql(dialect=TARGET)
    body = tree.expression.sql(dialect=TARGET, pretty=pretty)
    return f"CREATE OR REPLACE TEMPORARY VIEW {name} AS\n{body}"


def is_read_only(tree: exp.Expression) -> bool:
    """A statement that only reads: a query (SELECT, WITH …, set operations, VALUES)."""
    return isinstance(tree, exp.Query)


def library_macros(library: Library) -> Macros:
    """Every macro the library's modules define."""
    found: Macros = {}
    for module in library.modules:
        found.update(macros_of(module.body))
    return found


def query_text(
    library: Library, name: str, target: str = SOURCE, params: dict[str, Any] | None = None
) -> str:
    """The SQL a named query runs in ``target`` (``duckdb`` or ``spark``): ``--show-sql``.

    Parameters stay markers (``$name`` on DuckDB, ``:name`` on Spark); a leading comment
    gives the values they would be bound to (validated and defaulted as for a run).
    """
    if target not in {SOURCE, TARGET}:
        raise UsageError(f"--dialect {target!r} is not one of {SOURCE}, {TARGET}")
    try:
        q = library.queries[name]
    except KeyError:
        names = ", ".join(library.queries)
        raise UsageError(f"unknown query {name!r}; the queries are: {names}") from None
    bound = bind_params(q, params or {})
    marker = "$" if target == SOURCE else ":"
    lines = [f"-- {q.name} ({target}): {q.summary}"]
    lines += [f"-- {marker}{k} = {v!r}" for k, v in bound.items()]
    sql = q.sql if target == SOURCE else to_spark(q.sql, library_macros(library), pretty=True)
    return "\n".join(lines) + "\n" + sql.rstrip().rstrip(";") + ";\n"

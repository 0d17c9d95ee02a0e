"""Which ad-hoc SQL a session runs: reading statements only, judged by DuckDB's own parser.

A session's connection reads the warehouse with DuckDB's Parquet reader, so its file sandbox
(``allowed_directories``) must include the warehouse folder — and DuckDB's sandbox does not
tell reading from writing: ``COPY … TO '<warehouse>/x'`` would succeed. Read-only therefore
comes from refusing statements, before they run, by their parsed type
(``duckdb.extract_statements``), never by matching text:

* exactly one statement, of type ``SELECT`` (which covers ``WITH``, ``FROM …``, ``DESCRIBE``,
  ``SHOW``, ``SUMMARIZE``, ``PIVOT … IN (…)``/``UNPIVOT``);
* or ``EXPLAIN`` of such a statement. DuckDB reports ``EXPLAIN ANALYZE COPY …`` as just
  ``EXPLAIN``, yet EXPLAIN ANALYZE (also spelt ``EXPLAIN (ANALYZE) …``) runs what it wraps, so
  the wrapped text is cut out with DuckDB's tokenizer and parsed again; it must be a read
  too, with or without ANALYZE. If the wrapped statement cannot be found, the text is refused.

Everything else is refused with one line naming the statement: COPY, EXPORT, ATTACH/DETACH,
INSTALL/LOAD, SET/RESET/USE, CREATE (views and macros too), INSERT/UPDATE/DELETE, DROP/ALTER,
PRAGMA, CALL/CHECKPOINT, PREPARE/EXECUTE, transactions, and statements DuckDB runs as several
(``MULTI``: a PIVOT without an ``IN`` list).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from coldstart.errors import UsageError

# The one statement type that only reads.
READ_TYPE = "SELECT"
ALLOWED = "only SELECT (WITH, FROM, DESCRIBE, SHOW, SUMMARIZE) and EXPLAIN of a SELECT"
WHY = "the warehouse is changed only by `coldstart ingest`"


class ReadOnlyError(UsageError):
    """Ad-hoc SQL that is not a single reading statement; the message names its type."""


@dataclass(frozen=True)
class Statement:
    """One parsed statement: DuckDB's type name and its first word (``RESET`` is a SET)."""

    type: str
    word: str

    @property
    def label(self) -> str:
        """``COPY`` or ``RESET (a SET statement)`` — how refusals name it."""
        kind = _KIND_NOTES.get(self.type, f"a {self.type} statement")
        if self.word == self.type or not self.word:
            return self.type
        return f"{self.word} ({kind})"


_KIND_NOTES = {
    "MULTI": "a statement DuckDB runs as several, such as a PIVOT without an IN list",
    "UNKNOWN": "a statement type this duckdb does not name",
}


def check_read_only(sql: str) -> None:
    """Raise :class:`ReadOnlyError` unless ``sql`` is one reading statement (see above).

    A text DuckDB cannot parse raises ``duckdb.ParserException`` (the caller shows DuckDB's
    message with its position).
    """
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise ReadOnlyError("no SQL statement given (only comments or blanks)")
    if len(statements) > 1:
        kinds = ", ".join(_describe(s).label for s in statements)
        raise ReadOnlyError(
            f"give exactly one SQL statement (got {len(statements)}: {kinds}); "
            "combine them with WITH … SELECT"
        )
    (stmt,) = statements
    kind = _describe(stmt)
    if kind.type == READ_TYPE:
        return
    if kind.type != "EXPLAIN":
        raise ReadOnlyError(
            f"ad-hoc SQL is read-only: {kind.label} is not allowed, {ALLOWED}; {WHY}"
        )
    analyze, inner = _explained(stmt.query)
    wrapper = "EXPLAIN ANALYZE" if analyze else "EXPLAIN"
    if inner is None:
        raise ReadOnlyError(
            f"ad-hoc SQL is read-only: cannot tell which statement this {wrapper} wraps, so it "
            f"is not run; {ALLOWED}"
        )
    if inner.type != READ_TYPE:
        runs = " (EXPLAIN ANALYZE runs it)" if analyze else ""
        raise ReadOnlyError(
            f"ad-hoc SQL is read-only: {wrapper} of {inner.label} is not allowed{runs}, "
            f"{ALLOWED}; {WHY}"
        )


def _describe(stmt: duckdb.Statement) -> Statement:
    try:
        kind = stmt.type.name
    except ValueError:  # a type this duckdb's Python enum does not name (UPDATE EXTENSIONS)
        kind = "UNKNOWN"
    words = _words(stmt.query)
    return Statement(kind, words[0].text.upper() if words else "")


@dataclass(frozen=True)
class _Token:
    pos: int
    text: str
    operator: bool


def _words(sql: str) -> list[_Token]:
    """DuckDB's tokens of ``sql``, comments left out."""
    tokens = duckdb.tokenize(sql)
    out = []
    for i, (pos, kind) in enumerate(tokens):
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        if kind != duckdb.token_type.comment:
            out.append(_Token(pos, sql[pos:end].strip(), kind == duckdb.token_type.operator))
    return out


def _explained(sql: str) -> tuple[bool, Statement | None]:
    """(ANALYZE given?, the statement EXPLAIN wraps) for ``EXPLAIN [ANALYZE] [(options)] S``.

    The wrapped statement is the rest of the text after ``EXPLAIN`` and an optional
    ``ANALYZE``; if that does not parse as one statement and starts with ``(``, the options
    group up to its matching ``)`` is skipped and the remainder parsed instead. ``None`` when
    neither gives exactly one statement.
    """
    words = _words(sql)
    if not words or words[0].text.upper() != "EXPLAIN":
        return False, None
    i = 1
    analyze = False
    if i < len(words) and words[i].text.upper() in _ANALYZE:
        analyze, i = True, i + 1
    if i >= len(words):
        return analyze, None
    inner = _single(sql[words[i].pos :])
    if inner is not None or not words[i].text.startswith("("):
        return analyze, inner
    depth = 0
    for j in range(i, len(words)):
        word = words[j]
        if word.text.upper() in _ANALYZE:
            analyze = True
        if word.operator:
            depth += word.text.count("(") - word.text.count(")")
        if depth <= 0:
            if j + 1 >= len(words):
                return analyze, None
            return analyze, _single(sql[words[j + 1].pos :])
    return analyze, None


_ANALYZE = {"ANALYZE", "ANALYSE"}


def _single(sql: str) -> Statement | None:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error:
        return None
    if len(statements) != 1:
        return None
    return _describe(statements[0])

"""The front door: ``coldstart.open()`` → a :class:`Session` answering named queries and SQL.

One object per warehouse (HolisticTraceAnalysis's ``TraceAnalysis`` is the model): it owns a
DuckDB connection with the library's views loaded, runs named queries with bound parameters
and returns polars DataFrames. The tables are views over DuckDB's own Parquet reader
(:mod:`coldstart.query.sources`); opening lists no files and runs no query.

What is protected, and how:

* ``query()`` and ``sql()`` never write. ``sql()`` runs only a single reading statement,
  judged by DuckDB's parser before it runs (:mod:`coldstart.query.readonly`: SELECT and
  EXPLAIN of a SELECT; COPY, EXPORT, ATTACH, INSTALL/LOAD, SET, CREATE, PRAGMA, CALL,
  ``EXPLAIN ANALYZE COPY …`` and several statements at once are refused). ``coldstart sql``
  goes through ``sql()``.
* The connection is sandboxed where it is opened: it may touch files only inside the
  warehouse folder (``allowed_directories``), has no other file, network or extension access
  (``enable_external_access = false``), and its configuration is locked so that nothing run
  on it can lift either.
* ``Session.con``, the raw connection for Python users, has the sandbox but **not** the
  statement check: SQL run on it directly cannot read or write outside the warehouse or change
  the settings, but it *can* write inside the warehouse folder (``COPY … TO
  '<warehouse>/…'`` succeeds — DuckDB's sandbox does not tell reading from writing) and can
  replace the session's views. Pass untrusted SQL text to ``sql()``, never to ``con``.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import polars as pl

from coldstart import warehouse
from coldstart.config import resolve_warehouse
from coldstart.errors import ColdstartError, InputError, UsageError
from coldstart.query import sources
from coldstart.query.docs import PARAM_TYPES, Param, SqlFile
from coldstart.query.library import Library, NamedQuery, load_library
from coldstart.query.readonly import check_read_only

CREATE_HINT = (
    "create one with `coldstart ingest RELEASE_DIR --warehouse {wh}` (the downloaded release), "
    "`coldstart synth DIR && coldstart ingest DIR/cold_start_dataset --warehouse {wh}` "
    "(a synthetic trace) or `coldstart demo` (synthetic trace and warehouse in one go)"
)


class QueryError(ColdstartError):
    """DuckDB refused a query (syntax, binder, runtime); the message is DuckDB's, with position."""


def open(
    warehouse: str | os.PathLike[str] | None = None, *, memory_limit: str | None = None
) -> Session:
    """Open the warehouse (``--warehouse`` / ``$COLDSTART_WAREHOUSE`` / ``data/warehouse``).

    ``memory_limit`` (DuckDB's, e.g. ``"500MB"``) bounds what a query holds; past it DuckDB
    spills joins and sorts to a private temporary folder, slower but bounded. ``None`` keeps
    DuckDB's default (80 % of RAM). Raises :class:`InputError` if the warehouse does not exist
    or holds no Parquet files, saying how to create one.
    """
    return Session(resolve_warehouse(warehouse), memory_limit=memory_limit)


class Session:
    """Named queries, ad-hoc SQL and the DuckDB connection over one warehouse.

    ``query(name, **params)`` and ``sql(text, **params)`` return polars DataFrames and never
    write; ``queries()`` lists what is available; ``con`` is the DuckDB connection (views
    loaded, sandboxed to the warehouse folder, but without the statement check: see the
    module docstring for what it does not protect). Use as a context manager or call
    :meth:`close`.
    """

    def __init__(
        self,
        root: Path | None,
        *,
        library: Library | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self.library = library or load_library()
        self.memory_limit = memory_limit
        if root is None:  # the doc checker's empty warehouse
            self.warehouse: Path | None = None
            self.tables: list[str] = []
        else:
            root = Path(root)
            hint = CREATE_HINT.format(wh=root)
            if not root.is_dir():
                raise InputError(f"no warehouse at {root}: {hint}")
            if problem := warehouse.old_layout_problem(root):
                raise InputError(problem)
            self.tables = sources.present_tables(root)
            if not self.tables:
                raise InputError(
                    f"the warehouse {root} is empty (no Parquet files under "
                    f"{', '.join(t + '/' for t in warehouse.TABLES)}): {hint}"
                )
            self.warehouse = root
        # DuckDB's default spill folder is `.tmp` in the working directory: a read-only
        # session must not write into the user's folder, so it spills into its own.
        self._spill_dir = tempfile.mkdtemp(prefix="coldstart-duckdb-")
        try:
            self._con = self._connect()
        except BaseException:
            shutil.rmtree(self._spill_dir, ignore_errors=True)
            raise
        # Views are created when a query first needs them (opening creates none): the tables'
        # `_wh_` views and the library's modules loaded so far, and whether all of them are.
        self._sources: set[str] = set()
        self._loaded: set[str] = set()
        self._all = False
        if self.warehouse is None:  # the doc checker binds everything: fail here, at once
            try:
                self._load_all()
            except BaseException:
                self.close()
                raise

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection with every view and macro of the library created.

        Sandboxed to the warehouse folder but **without** the statement check of
        :meth:`sql`: see the module docstring for what it does not protect.
        """
        self._load_all()
        return self._con

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """A new in-memory connection: files only inside the warehouse, and locked so."""
        con = duckdb.connect(":memory:")
        try:
            # No progress bar: it would write into the CSV/JSON a CLI user pipes from stdout.
            # Inside Jupyter, DuckDB refuses to touch the setting without ipywidgets (and
            # draws no terminal bar there anyway), so a refusal is harmless.
            with contextlib.suppress(duckdb.InvalidInputException):
                con.execute("SET enable_progress_bar = false")
            con.execute("SET temp_directory = $dir", {"dir": self._spill_dir})
            if self.memory_limit is not None:
                con.execute("SET memory_limit = $limit", {"limit": self.memory_limit})
            if self.warehouse is not None:
                # The trailing separator keeps a sibling such as `<warehouse>2/` out.
                folder = os.path.join(self.warehouse.resolve(), "")
                con.execute("SET allowed_directories = $dirs", {"dirs": [folder]})
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return con

    def _source(self, table: str) -> None:
        """``_wh_<table>``: a view over the table's files, or empty if the warehouse lacks it."""
        if table in self._sources or table not in warehouse.TABLES:
            return
        if table in self.tables and self.warehouse is not None:
            sources.create_parquet_views(self._con, self.warehouse, [table])
        else:
            sources.create_empty_view(self._con, table)
        self._sources.add(table)

    def _module(self, module: SqlFile) -> None:
        if module.rel not in self._loaded:
            self._con.execute(module.body)
            self._loaded.add(module.rel)

    def _prepare(self, sql: str) -> None:
        """Create the views and macros ``sql`` needs (and what those need), once each."""
        if self._all:
            return
        modules = self.library.modules_for(sql)
        for table in self.library.sources_for(sql, modules):
            self._source(table)
        for module in modules:
            try:
                self._module(module)
            except duckdb.CatalogException:
                # The module names something only inside a string, unseen by modules_for:
                # start again on a fresh connection with everything (it may be half created).
                self._con.close()
                self._con = self._connect()
                self._sources.clear()
                self._loaded.clear()
                self._load_all()
                return
            except duckdb.Error as exc:
                raise QueryError(f"{module.path}: {exc}") from None

    def _load_all(self) -> None:
        if self._all:
            return
        for table in warehouse.TABLES:
            self._source(table)
        for module in self.library.modules:
            try:
                self._module(module)
            except duckdb.Error as exc:
                raise QueryError(f"{module.path}: {exc}") from None
        self._all = True

    @classmethod
    def empty(cls, library: Library | None = None) -> Session:
        """A session over an empty warehouse: every view binds and returns no rows."""
        return cls(None, library=library)

    # --- context manager ------------------------------------------------------------------

    def close(self) -> None:
        self._con.close()
        shutil.rmtree(self._spill_dir, ignore_errors=True)

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- listing --------------------------------------------------------------------------

    def queries(self) -> pl.DataFrame:
        """name, description (one line), parameters (``name: TYPE = default``), file."""
        return self.library.listing()

    def views(self) -> list[str]:
        """Names of the library's views, in load order, as defined on :attr:`con`."""
        return self.library.view_names()

    def named(self, name: str) -> NamedQuery:
        """The named query ``name``, or a :class:`UsageError` listing the valid names."""
        try:
            return self.library.queries[name]
        except KeyError:
            names = ", ".join(self.library.queries)
            raise UsageError(f"unknown query {name!r}; the queries are: {names}") from None

    # --- running --------------------------------------------------------------------------

    def query(self, name: str, /, **params: Any) -> pl.DataFrame:
        """Run a named query; parameters are validated, defaulted and bound (never pasted)."""
        q = self.named(name)
        bound = bind_params(q, params)
        self._require_tables(q.name, q.doc.needs)
        self._prepare(q.sql)
        return self._run(q.sql, bound, where=f"query {q.name}")

    def query_batches(
        self, name: str, /, *, rows: int = 1_000_000, **params: Any
    ) -> Iterator[pl.DataFrame]:
        """Run a named query and yield its result in DataFrames of at most ``rows`` rows, in
        the query's order: a caller that aggregates as it goes (the report's Fig 6 reads every
        active function-minute) never holds the whole result."""
        q = self.named(name)
        bound = bind_params(q, params)
        self._require_tables(q.name, q.doc.needs)
        self._prepare(q.sql)
        try:
            reader = self._con.sql(q.sql, params=bound or None).to_arrow_reader(rows)
            for batch in reader:
                yield pl.from_arrow(batch)  # type: ignore[misc]
        except duckdb.Error as exc:
            raise QueryError(f"query {q.name}: {exc}") from None

    def query_columns(self, name: str) -> list[str]:
        """Output column names of a named query (binds it with its defaults; reads no rows)."""
        q = self.named(name)
        return self.columns_of(q.sql, bind_params(q, {}))

    def columns_of(self, sql: str, params: dict[str, Any] | None = None) -> list[str]:
        self._prepare(sql)
        try:
            return self._con.sql(sql, params=params or None).columns
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from None

    def sql(self, text: str, /, **params: Any) -> pl.DataFrame:
        """Run one reading statement (SELECT/WITH/FROM/DESCRIBE/SHOW/SUMMARIZE/EXPLAIN).

        ``$name`` placeholders are bound from ``params``. Anything else (COPY, INSERT, CREATE,
        ATTACH, SET, EXPLAIN ANALYZE of a write, several statements …) is refused with a
        :class:`~coldstart.query.readonly.ReadOnlyError` naming the statement, before it
        runs.
        """
        try:
            check_read_only(text)
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from None
        self._prepare(text)
        return self._run(text, params, where="SQL")

    def _run(self, sql: str, params: dict[str, Any], *, where: str) -> pl.DataFrame:
        try:
            try:
                rel = self._con.sql(sql, params=params or None)
            except duckdb.CatalogException:
                if self._all:
                    raise
                # SQL that names a view only inside a string (`query('…')`): load everything.
                self._load_all()
                rel = self._con.sql(sql, params=params or None)
            if rel is None:  # a statement without a result
                return pl.DataFrame()
            # Through the Arrow C stream interface: polars reads DuckDB's batches itself,
            # where rel.pl() would import pyarrow (≈ 70 MB of RSS and 0.2 s) to do the same.
            return pl.DataFrame(rel)
        except duckdb.Error as exc:
            raise QueryError(f"{where}: {self._positioned(exc, sql, params)}") from None

    def _positioned(self, exc: duckdb.Error, sql: str, params: dict[str, Any]) -> str:
        """DuckDB's message with ``LINE n: … ^`` for parser/binder errors.

        The relation API (``con.sql``) drops the position of binder errors; preparing the same
        text through ``con.execute`` reports it, and fails before running anything.
        """
        message = str(exc)
        early = (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)
        if "LINE " in message or not isinstance(exc, early):
            return message
        try:
            self._con.execute(sql, params or None).fetchall()
        except duckdb.Error as again:
            return str(again)
        return message

    def _require_tables(self, name: str, needs: list[str]) -> None:
        """A query whose answer needs a table the warehouse lacks fails, saying which."""
        if self.warehouse is None:
            return
        for table in needs:
            if table not in self.tables:
                raise InputError(
                    f"query {name} needs the warehouse table {table!r}, which {self.warehouse} "
                    f"does not have; ingest the release's {_SOURCE_HINT[table]} with "
                    f"`coldstart ingest RELEASE_DIR --warehouse {self.warehouse}`"
                )

    def __repr__(self) -> str:
        from coldstart import provenance  # where the rows came from (synthetic or release)

        origin = provenance.read(self.warehouse).label() if self.warehouse else "in memory"
        return f"Session(warehouse={str(self.warehouse)!r}, tables={self.tables}; {origin})"


_SOURCE_HINT = {
    "cold_starts": "cold_start/ files",
    "requests": "per_request/ files",
    "timeseries": "quantiles/ files",
    "counts": "quantiles/ files (requests, num_pods, num_cold_starts)",
    "functions": "runtime_triggerType/ file",
}


def bind_params(q: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Check names, types and choices; fill defaults. Errors list the accepted parameters."""
    accepted = {p.name: p for p in q.params}
    listing = "; ".join(p.signature for p in q.params) or "none"
    unknown = sorted(set(given) - set(accepted))
    if unknown:
        raise UsageError(
            f"query {q.name} has no parameter {', '.join(map(repr, unknown))}; "
            f"it accepts: {listing}"
        )
    out: dict[str, Any] = {}
    for p in q.params:
        value = given.get(p.name, p.default)
        out[p.name] = coerce_param(q.name, p, value, listing)
    return out


def coerce_param(query: str, p: Param, value: Any, listing: str = "") -> Any:
    """Validate one value against its declared SQL type and choices (strings from the CLI too)."""

    def fail(reason: str) -> UsageError:
        tail = f"; the parameters are: {listing}" if listing else ""
        return UsageError(f"query {query}: parameter {p.name} = {value!r} {reason}{tail}")

    if value is None:
        if p.default is not None:
            raise fail(f"cannot be NULL (it is {p.signature})")
        return None
    py = PARAM_TYPES[p.type]
    if isinstance(value, str) and py is not str:
        value = _from_text(value, py, fail(f"is not a {p.type} (it is {p.signature})"))
    if py is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, py) or (py is not bool and isinstance(value, bool)):
        raise fail(f"is not a {p.type} (it is {p.signature})")
    if py is float and not math.isfinite(value):
        raise fail("is not a finite number")
    if p.choices and str(value) not in p.choices:
        raise fail(f"is not one of {', '.join(p.choices)}")
    return value


def _from_text(text: str, py: type, error: UsageError) -> Any:
    try:
        if py is int:
            return int(text)
        if py is float:
            return float(text)
        if py is bool and text.lower() in {"true", "false", "1", "0", "yes", "no"}:
            return text.lower() in {"true", "1", "yes"}
    except ValueError:
        pass
    raise error

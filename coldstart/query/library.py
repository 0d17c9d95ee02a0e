"""The SQL library in ``queries/``: find the files, parse their headers, order the modules.

Modules (views and macros) are loaded into every session in dependency order (``@requires``);
named queries are kept as text and run as prepared statements with bound parameters.

Parsing is cheap (a few ms) but needs the warehouse schema and the doc parser; so this module
imports the parser only when it parses, keeps what it parsed per process
(:func:`load_library`, re-parsed when a file changes), and ``coldstart queries`` lists the
queries from a small index file in the user's cache (:func:`list_queries`), re-written whenever
a ``.sql`` file or the parser changes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from coldstart.query.docs import Obj, Param, SqlFile


def _queries_dir() -> Path:
    """``queries/`` next to the package (source tree, editable install), else the copy a wheel
    would carry as ``coldstart/_queries`` (hatch ``force-include``; not configured yet)."""
    here = Path(__file__).resolve()
    repo = here.parents[2] / "queries"
    return repo if repo.is_dir() else here.parents[1] / "_queries"


QUERIES_DIR = _queries_dir()

# Warehouse tables as the sessions expose them to the modules (see coldstart.query.sources).
SOURCE_PREFIX = "_wh_"


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its documentation and SQL text (parameters stay ``$name``)."""

    name: str
    path: Path
    doc: Obj
    sql: str

    @property
    def params(self) -> list[Param]:
        return self.doc.params

    @property
    def summary(self) -> str:
        return self.doc.summary


@dataclass(frozen=True)
class Library:
    """All modules (in load order) and named queries of a ``queries/`` folder."""

    root: Path
    modules: list[SqlFile]
    queries: dict[str, NamedQuery]

    def listing(self) -> pl.DataFrame:
        """One row per named query: name, description (one line), parameters (``name: TYPE =
        default``), file — what every engine's ``queries()`` returns."""
        import polars as pl

        rows = [
            {
                "name": q.name,
                "description": q.summary,
                "parameters": "; ".join(p.signature for p in q.params),
                "file": str(q.path.relative_to(self.root.parent)),
            }
            for q in self.queries.values()
        ]
        columns = ("name", "description", "parameters", "file")
        return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))

    def view_names(self) -> list[str]:
        return [o.name for m in self.modules for o in m.objects if o.kind == "view"]

    def modules_for(self, sql: str) -> list[SqlFile]:
        """The modules ``sql`` names objects of, with everything they need, in load order.

        What a session creates before running ``sql``, so that opening one creates nothing.
        Names are found as words outside comments and string literals; SQL that names a view
        only inside a string (``query('…')``) is not seen, and the session then loads every
        module (see :meth:`Session._prepare <coldstart.query.session.Session._prepare>`).
        """
        needed: set[str] = set()
        todo = list(self._named_in(sql))
        while todo:
            rel = todo.pop()
            if rel not in needed:
                needed.add(rel)
                todo += self._module_needs[rel]
        return [m for m in self.modules if m.rel in needed]

    def sources_for(self, sql: str, modules: list[SqlFile]) -> list[str]:
        """Warehouse tables (``_wh_<table>``) named by ``sql`` or by these modules."""
        texts = [_code(sql), *(self._module_code[m.rel] for m in modules)]
        found = {t.lower() for text in texts for t in _SOURCE_NAME.findall(text)}
        return sorted(found)

    @functools.cached_property
    def _module_code(self) -> dict[str, str]:
        return {m.rel: _code(m.body) for m in self.modules}

    @functools.cached_property
    def _owner(self) -> dict[str, str]:
        """Object name (lower case) -> the module defining it."""
        return {o.name.lower(): m.rel for m in self.modules for o in m.objects}

    @functools.cached_property
    def _name_pattern(self) -> re.Pattern[str] | None:
        names = sorted(self._owner, key=len, reverse=True)
        if not names:
            return None
        return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b", re.IGNORECASE)

    def _named_in(self, sql: str, code: str | None = None) -> set[str]:
        if self._name_pattern is None:
            return set()
        text = _code(sql) if code is None else code
        return {self._owner[n.lower()] for n in self._name_pattern.findall(text)}

    @functools.cached_property
    def _module_needs(self) -> dict[str, list[str]]:
        """Module -> the modules it requires or names (itself excluded)."""
        return {
            m.rel: sorted(
                (set(m.requires) | self._named_in("", self._module_code[m.rel])) - {m.rel}
            )
            for m in self.modules
        }

    def tables_used(self, sql: str) -> set[str]:
        """Warehouse tables a piece of SQL reads, through any views of the library."""
        from coldstart.query.docs import strip_comments

        deps: dict[str, str] = {}
        for m in self.modules:
            for o in m.objects:
                deps[o.name] = m.body
        seen: set[str] = set()
        tables: set[str] = set()
        todo = [strip_comments(sql)]
        while todo:
            code = todo.pop()
            for t in re.findall(rf"\b(?:FROM|JOIN)\s+{SOURCE_PREFIX}([a-z_]+)\b", code, re.I):
                tables.add(t)
            for name, body in deps.items():
                pattern = rf"\b(?:FROM|JOIN)\s+{re.escape(name)}\b"
                if name not in seen and re.search(pattern, code, re.IGNORECASE):
                    seen.add(name)
                    todo.append(strip_comments(_object_sql(body, name)))
        return tables


_SOURCE_NAME = re.compile(rf"\b{SOURCE_PREFIX}([a-z_]+)\b", re.IGNORECASE)


def _code(sql: str) -> str:
    from coldstart.query.docs import strip_comments

    return strip_comments(sql)


def _object_sql(body: str, name: str) -> str:
    """The ``CREATE … name …;`` statement for one object of a module body."""
    for stmt in body.split(";"):
        if re.search(
            rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|MACRO)\s+{re.escape(name)}\b",
            stmt,
            re.IGNORECASE,
        ):
            return stmt
    return body


def parse_all(root: Path, *, strict: bool = True) -> tuple[list[SqlFile], list[str]]:
    """Parse every ``.sql`` file under ``root``; collect (or raise, if strict) header errors."""
    from coldstart.query.docs import DocError, parse_file

    files: list[SqlFile] = []
    errors: list[str] = []
    for path in sorted(root.rglob("*.sql")):
        try:
            files.append(parse_file(path, root))
        except DocError as exc:
            if strict:
                raise
            errors.append(str(exc))
    return files, errors


def _order_modules(modules: list[SqlFile]) -> list[SqlFile]:
    from coldstart.query.docs import DocError

    by_rel = {m.rel: m for m in modules}
    ordered: list[SqlFile] = []
    state: dict[str, int] = {}

    def visit(m: SqlFile, chain: list[str]) -> None:
        if state.get(m.rel) == 2:
            return
        if state.get(m.rel) == 1:
            raise DocError(f"{m.path}: @requires cycle: {' -> '.join([*chain, m.rel])}")
        state[m.rel] = 1
        for r in m.requires:
            if r not in by_rel:
                raise DocError(
                    f"{m.path}: @requires {r}: no module queries/{r}.sql; "
                    f"use one of {sorted(by_rel)}"
                )
            visit(by_rel[r], [*chain, m.rel])
        state[m.rel] = 2
        ordered.append(m)

    for m in modules:
        visit(m, [])
    return ordered


def load_library(root: Path | None = None) -> Library:
    """Parse ``queries/`` into modules (dependency order) and named queries.

    Kept per process and per folder until one of its ``.sql`` files changes (size or mtime),
    so opening many sessions parses once.
    """
    root = root or QUERIES_DIR
    _require(root)
    stamp = _signature(root)
    cached = _LOADED.get(root)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    files, _ = parse_all(root)
    modules = _order_modules([f for f in files if not f.is_query])
    queries: dict[str, NamedQuery] = {}
    for f in files:
        if f.is_query:
            q = f.query
            queries[q.name] = NamedQuery(q.name, f.path, q, f.body.strip())
    library = Library(root, modules, dict(sorted(queries.items())))
    _LOADED[root] = (stamp, library)
    return library


_LOADED: dict[Path, tuple[tuple[tuple[str, int, int], ...], Library]] = {}


def _require(root: Path) -> None:
    if not root.is_dir():
        from coldstart.query.docs import DocError

        raise DocError(
            f"the SQL library {root} is missing; coldstart must run from its source tree "
            "(pip install -e .) so that queries/ is next to the package"
        )


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of every ``.sql`` file below ``root``: what a cache depends on."""
    out = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".sql"):
                st = os.stat(os.path.join(folder, name))
                out.append((os.path.join(folder, name), st.st_size, st.st_mtime_ns))
    return tuple(out)


# --- the listing of `coldstart queries` -----------------------------------------------------

# Bump when QueryListing changes shape.
INDEX_VERSION = 1
CACHE_ENV = "COLDSTART_CACHE_DIR"


@dataclass(frozen=True)
class QueryListing:
    """One named query as ``coldstart queries`` lists it."""

    name: str
    summary: str
    params: tuple[str, ...]  # signatures: ``region: VARCHAR = 'R2' {R1, …}``
    file: str  # ``queries/cold_starts/by_region.sql``


def list_queries(root: Path | None = None) -> list[QueryListing]:
    """Every named query's name, summary, parameters and file, sorted by name.

    Read from the index file when it was written for exactly these ``.sql`` files and this
    parser; otherwise the library is parsed and the index rewritten. The index is a cache:
    if it cannot be written (read-only home, full disk) the listing is still right, just
    parsed each time.
    """
    root = root or QUERIES_DIR
    _require(root)
    stamp = [list(s) for s in _signature(root) + _parser_signature()]
    path = index_path(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == INDEX_VERSION and data.get("signature") == stamp:
            return [QueryListing(**{**q, "params": tuple(q["params"])}) for q in data["queries"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass  # missing or unreadable: rebuilt below
    library = load_library(root)
    listing = [
        QueryListing(
            q.name,
            q.summary,
            tuple(p.signature for p in q.params),
            q.path.relative_to(root.parent).as_posix(),
        )
        for q in library.queries.values()
    ]
    data = {"version": INDEX_VERSION, "signature": stamp, "queries": [asdict(q) for q in listing]}
    _write_quietly(path, json.dumps(data, indent=0))
    return listing


def index_path(root: Path) -> Path:
    """``<cache>/coldstart/queries-<hash of the folder>.json`` (``$COLDSTART_CACHE_DIR`` wins)."""
    base = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "coldstart"
    )
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / f"queries-{digest}.json"


def _parser_signature() -> tuple[tuple[str, int, int], ...]:
    """The parser's own files: a change to how headers are read invalidates the index."""
    here = Path(__file__).resolve().parent
    out = []
    for name in ("library.py", "docs.py"):
        st = os.stat(here / name)
        out.append((name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _write_quietly(path: Path, text: str) -> None:
    """Write atomically; a cache that cannot be written is simply not written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        return

"""The SQL library in ``queries/``: find the files, parse their headers, order the modules.

Modules (views and macros) are loaded into every session in dependency order (``@requires``);
named queries are kept as text and run as prepared statements with bound parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coldstart.query.docs import DocError, Obj, Param, SqlFile, parse_file, strip_comments


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

    def view_names(self) -> list[str]:
        return [o.name for m in self.modules for o in m.objects if o.kind == "view"]

    def tables_used(self, sql: str) -> set[str]:
        """Warehouse tables a piece of SQL reads, through any views of the library."""
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
    """Parse ``queries/`` into modules (dependency order) and named queries."""
    root = root or QUERIES_DIR
    if not root.is_dir():
        raise DocError(
            f"the SQL library {root} is missing; coldstart must run from its source tree "
            "(pip install -e .) so that queries/ is next to the package"
        )
    files, _ = parse_all(root)
    modules = _order_modules([f for f in files if not f.is_query])
    queries: dict[str, NamedQuery] = {}
    for f in files:
        if f.is_query:
            q = f.query
            queries[q.name] = NamedQuery(q.name, f.path, q, f.body.strip())
    return Library(root, modules, dict(sorted(queries.items())))

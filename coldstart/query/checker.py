"""The SQL library's documentation checker: ``python -m coldstart.query`` (exit 1 on errors).

Perfetto's stdlib has the same split: the header format and its parser
(:mod:`coldstart.query.docs`) are used by the loader; this checker enforces the rules on top —
static ones on each file's text (:func:`check_static`), ``@needs`` against the tables a query
really reads (:func:`check_needs`), and the documented columns against those DuckDB binds over
an empty warehouse (:func:`check_columns`). It imports the loader and the session; neither
imports it, so there is no import loop to hide.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from coldstart import warehouse
from coldstart.errors import ColdstartError
from coldstart.query.docs import CREATED_OBJECT, PARAM_USE, SUMMARY_MAX, SqlFile, strip_comments
from coldstart.query.library import QUERIES_DIR, load_library, parse_all
from coldstart.query.session import Session


def check_static(f: SqlFile) -> list[str]:
    """Header rules that need no database: names, docs, units, parameters used and declared."""
    errors: list[str] = []
    if not f.objects:
        errors.append(f.where(what="header declares no @query, @view or @macro; add one"))
        return errors
    code = strip_comments(f.body)
    for o in f.objects:
        if not o.doc:
            errors.append(f.where(o, "no description; add comment lines after its @ line"))
        elif o.kind == "query" and len(o.summary) > SUMMARY_MAX:
            errors.append(
                f.where(
                    o,
                    f"first sentence is {len(o.summary)} characters; `coldstart queries` "
                    f"shows it as the one-line description, so keep it ≤ {SUMMARY_MAX}",
                )
            )
        if o.public and o.kind != "macro" and not o.columns and o.columns_from is None:
            errors.append(f.where(o, "no @column lines; document every output column"))
        for c in o.columns:
            if not c.doc:
                errors.append(f.where(o, f"column {c.name} has no description"))
        seen: set[str] = set()
        for name in o.documented_columns():
            if name in seen:
                errors.append(f.where(o, f"column {name} is documented twice; keep one line"))
            seen.add(name)
    if f.is_query:
        q = f.query
        expected = f.rel.replace("/", "_")
        if len(f.objects) != 1:
            errors.append(f.where(q, "a query file holds exactly one @query and nothing else"))
        if q.name != expected:
            errors.append(f.where(q, f"name must follow the path: rename it to {expected}"))
        if not q.needs:
            errors.append(
                f.where(q, "no `-- @needs TABLE, …` line naming the warehouse tables it needs")
            )
        if re.search(r"\bCREATE\b", code, re.IGNORECASE):
            errors.append(f.where(q, "a query file must not CREATE anything; move it to a module"))
        used = set(PARAM_USE.findall(code))
        declared = {p.name for p in q.params}
        for p in sorted(used - declared):
            errors.append(f.where(q, f"uses ${p} but has no `-- @param {p} TYPE = DEFAULT …` line"))
        for p in sorted(declared - used):
            errors.append(f.where(q, f"declares @param {p} but never uses ${p}; remove the line"))
        for p in q.params:
            if not p.doc:
                errors.append(f.where(q, f"parameter {p.name} has no description"))
            if p.choices and p.default is not None and str(p.default) not in p.choices:
                errors.append(f.where(q, f"default of {p.name} is not one of its choices"))
    else:
        created = {m.group("name"): m.group("kind").lower() for m in CREATED_OBJECT.finditer(code)}
        documented = {o.name: o.kind for o in f.objects}
        for name, kind in created.items():
            if name not in documented:
                errors.append(
                    f.where(
                        what=f"{kind} {name} is created but not documented; add "
                        f"`-- @{kind} {name}` with a description and @column lines"
                    )
                )
            elif documented[name] != kind:
                doc_kind = documented[name]
                errors.append(f.where(what=f"{name} is a {kind} but documented as @{doc_kind}"))
        for name, kind in documented.items():
            if name not in created:
                errors.append(
                    f.where(
                        what=f"@{kind} {name} is documented but never created; "
                        "remove the block or create it"
                    )
                )
        if PARAM_USE.search(code):
            errors.append(f.where(what="modules cannot take $parameters; use a named query"))
    return errors


def check_columns(files: list[SqlFile], root: Path | None = None) -> list[str]:
    """Bind every public view and query against an empty warehouse; compare real columns."""
    errors: list[str] = []
    try:
        session = Session(None, library=load_library(root))
    except ColdstartError as exc:  # a module that does not load: its file and DuckDB's message
        return [str(exc)]
    with session as s:
        for f in files:
            for o in f.objects:
                if not o.public or o.kind == "macro":
                    continue
                try:
                    if o.kind == "view":
                        actual = s.columns_of(f"SELECT * FROM {o.name}")
                    else:
                        actual = s.query_columns(o.name)
                except ColdstartError as exc:
                    errors.append(f.where(o, f"does not bind: {exc}"))
                    continue
                documented = o.documented_columns()
                if actual != documented:
                    missing = [c for c in actual if c not in documented]
                    extra = [c for c in documented if c not in actual]
                    fix = []
                    if missing:
                        fix.append(f"document {missing} with `-- @column NAME [unit] description`")
                    if extra:
                        fix.append(f"remove the @column lines for {extra} (not returned)")
                    if not fix:
                        fix.append(f"reorder the @column lines to match the output: {actual}")
                    errors.append(f.where(o, "; ".join(fix)))
    return errors


def check_needs(root: Path) -> list[str]:
    """Each ``@needs`` table is really read by the query (through its views), or carried by
    a table it reads (the cold starts' function groups: ``Table.carries_from``)."""
    errors: list[str] = []
    library = load_library(root)
    for q in library.queries.values():
        used = library.tables_used(q.sql)
        carried = {c for t in used for c in warehouse.TABLES[t].carries_from}
        for table in q.doc.needs:
            if table not in used | carried:
                errors.append(
                    f"{q.path}: query {q.name}: @needs {table} but reads only {sorted(used)}; "
                    "fix the @needs line"
                )
    return errors


def check_all(root: Path | None = None, *, bind: bool = True) -> list[str]:
    """Every error in every file under ``root`` (default: the repository's queries/)."""
    root = root or QUERIES_DIR
    files, errors = parse_all(root, strict=False)
    for f in files:
        errors += check_static(f)
    if not errors:
        errors += check_needs(root)
    if bind and not errors:
        errors += check_columns(files, root)
    return errors


def render_query_table(root: Path | None = None) -> str:
    """The Markdown table of named queries that docs/queries.md embeds (a test compares)."""
    lines = [
        "| query | answers | parameters | needs |",
        "|---|---|---|---|",
    ]
    for q in load_library(root).queries.values():
        params = "<br>".join(f"`{p.signature}`" for p in q.params) or "–"
        needs = ", ".join(q.doc.needs)
        lines.append(f"| `{q.name}` | {q.summary}. | {params} | {needs} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """``python -m coldstart.query``: print every documentation error, exit 1 if any."""
    if sys.argv[1:] == ["--markdown"]:
        print(render_query_table(), end="")
        return 0
    errors = check_all()
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0

"""The header format of ``queries/**/*.sql``: its model and parser (the rules: checker.py).

Every SQL file documents itself in a leading ``--`` comment block (Perfetto's stdlib does the
same, with ``docs_parse.py`` as its checker). Two kinds of file:

**Named query** — one ``SELECT`` with ``$name`` parameters; its name is ``<folder>_<stem>``
(``queries/cold_starts/by_region.sql`` → ``cold_starts_by_region``)::

    -- @query cold_starts_by_region
    -- Cold starts per region: count, mean and percentiles (Fig 10a). First sentence = summary.
    --
    -- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region to break down.
    -- @column region [text] Region R1…R5.
    -- @column mean_s [s] Mean cold-start time.
    SELECT …

**Module** — ``CREATE VIEW`` / ``CREATE MACRO`` statements that queries build on, no data of
their own. Text before the first tag describes the module; then one block per object::

    -- @requires base/cold_starts
    -- @view cold_starts_attributed
    -- Cold starts with their function's runtime and trigger group.
    -- @columns-from-warehouse cold_starts
    -- @column runtime [text] Runtime from the function table; NULL if the funcID is not there.
    -- @macro resource_group(cpu_limit, mem_limit)
    -- Fig 8c's resource group of a pool.

Public objects (no leading ``_``) document every output column with a unit in brackets
(``[s]``, ``[count]``, ``[share]``, ``[text]``…); ``@columns-from-warehouse TABLE`` stands for
the columns of that warehouse table, documented in docs/warehouse.md. Private objects
(``_name``) need a description only.

This module is the format: its model (:class:`SqlFile`, :class:`Obj`, :class:`Param`,
:class:`Column`) and its parser (:func:`parse_file`), which the library loader uses and which
depends on nothing but the warehouse schema. The rules that go beyond parsing — names,
units, parameters declared and used, columns as DuckDB binds them — are checked by
:mod:`coldstart.query.checker` (``python -m coldstart.query``), which builds on the loader
and the session. Every error names the file, the object and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from coldstart import warehouse

SUMMARY_MAX = 90  # characters of a query's first sentence (its one-line description)

PARAM_TYPES: dict[str, type] = {"VARCHAR": str, "DOUBLE": float, "INTEGER": int, "BOOLEAN": bool}

_TAG = re.compile(r"^@(\S+)\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>[A-Z]+)\s*=\s*(?P<default>'[^']*'|\S+)"
    r"\s*(?:\{(?P<choices>[^}]*)\})?\s*(?P<doc>.*)$"
)
_COLUMN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+\[(?P<unit>[^\]]+)\]\s*(?P<doc>.*)$")
# What the checker looks for in SQL bodies: created objects and $parameter uses.
CREATED_OBJECT = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?P<kind>VIEW|MACRO)\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)",
    re.IGNORECASE,
)
PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


class DocError(Exception):
    """A SQL file whose header does not follow the format; the message names file and fix."""


@dataclass(frozen=True)
class Param:
    """A ``$name`` parameter of a named query: SQL type, default, allowed values, meaning."""

    name: str
    type: str
    default: object
    choices: tuple[str, ...] | None
    doc: str

    @property
    def signature(self) -> str:
        """``region: VARCHAR = 'R2' {R1, R2}`` — how errors and listings show it."""
        default = "NULL" if self.default is None else repr(self.default)
        text = f"{self.name}: {self.type} = {default}"
        if self.choices:
            text += " {" + ", ".join(self.choices) + "}"
        return text


@dataclass(frozen=True)
class Column:
    """One documented output column: name, unit (in brackets in the header), meaning."""

    name: str
    unit: str
    doc: str


@dataclass
class Obj:
    """One documented object: a named query, a view or a macro."""

    kind: str  # "query", "view" or "macro"
    name: str
    doc: str = ""
    columns: list[Column] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    columns_from: str | None = None
    needs: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The first sentence of the description: the one-liner ``coldstart queries`` shows."""
        first = re.split(r"(?<=\.)\s", self.doc.strip(), maxsplit=1)[0]
        return first.rstrip(".")

    @property
    def public(self) -> bool:
        return not self.name.startswith("_")

    def documented_columns(self) -> list[str]:
        """Column names in documented order (warehouse columns first for ``@columns-from``)."""
        names: list[str] = []
        if self.columns_from is not None:
            table = warehouse.TABLES[self.columns_from]
            names += table.partition_names + table.column_names
        return names + [c.name for c in self.columns]


@dataclass
class SqlFile:
    """A parsed ``.sql`` file: its header objects and the SQL body."""

    path: Path
    rel: str  # "cold_starts/by_region" (path below queries/, no suffix)
    doc: str
    requires: list[str]
    objects: list[Obj]
    body: str

    @property
    def is_query(self) -> bool:
        return any(o.kind == "query" for o in self.objects)

    @property
    def query(self) -> Obj:
        return next(o for o in self.objects if o.kind == "query")

    def where(self, obj: Obj | None = None, what: str = "") -> str:
        """``queries/x/y.sql: view foo`` — the prefix of every error about this file."""
        label = f"{self.path}"
        if obj is not None:
            label += f": {obj.kind} {obj.name}"
        return label + (f": {what}" if what else "")


def strip_comments(sql: str) -> str:
    """SQL without ``--`` comments and string literals (for finding names and parameters)."""
    return _COMMENT.sub("", _STRING.sub("''", sql))


def _parse_default(raw: str, sql_type: str, where: str) -> object:
    if raw.upper() == "NULL":
        return None
    if sql_type == "VARCHAR":
        if not (raw.startswith("'") and raw.endswith("'")):
            raise DocError(f"{where}: VARCHAR default {raw} must be quoted, e.g. 'R2', or NULL")
        return raw[1:-1]
    try:
        if sql_type == "DOUBLE":
            return float(raw)
        if sql_type == "INTEGER":
            return int(raw)
        if sql_type == "BOOLEAN" and raw.lower() in {"true", "false"}:
            return raw.lower() == "true"
    except ValueError:
        pass
    raise DocError(f"{where}: default {raw} is not a {sql_type}; write a literal or NULL")


def parse_file(path: Path, root: Path) -> SqlFile:
    """Parse one file's header; raise :class:`DocError` naming the line and the fix."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header: list[str] = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    rel = path.relative_to(root).with_suffix("").as_posix()
    if not header:
        raise DocError(
            f"{path}: no header; start the file with `--` comment lines "
            "(@query NAME or @view NAME, description, @param/@column lines)"
        )
    body = "\n".join(lines[len(header) :])
    file_doc: list[str] = []
    requires: list[str] = []
    objects: list[Obj] = []
    current: Obj | None = None
    last_tag = ""
    for line in header:
        m = _TAG.match(line)
        if not m:
            if current is None:
                file_doc.append(line)
            elif not current.columns and not current.params and current.columns_from is None:
                current.doc = (current.doc + " " + line).strip()
            elif line and last_tag == "column":  # continues the previous column's description
                prev = current.columns[-1]
                current.columns[-1] = Column(prev.name, prev.unit, f"{prev.doc} {line}")
            elif line and last_tag == "param":  # continues the previous parameter's description
                pp = current.params[-1]
                current.params[-1] = Param(
                    pp.name, pp.type, pp.default, pp.choices, f"{pp.doc} {line}".strip()
                )
            elif line:
                raise DocError(
                    f"{path}: `-- {line}`: text after the @ lines of {current.kind} "
                    f"{current.name} belongs to no tag; move it into the description"
                )
            continue
        tag, rest = m.group(1), m.group(2).strip()
        last_tag = tag
        where = f"{path}: `-- @{tag} {rest}`"
        if tag in {"query", "view", "macro"}:
            name = rest.split("(")[0].strip()
            if not name:
                raise DocError(f"{where}: give the {tag}'s name after @{tag}")
            current = Obj(tag, name)
            objects.append(current)
        elif tag == "requires":
            requires += [r.strip() for r in rest.split(",") if r.strip()]
        elif current is None:
            raise DocError(f"{where}: @{tag} before any @query/@view/@macro line")
        elif tag == "param":
            pm = _PARAM.match(rest)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise DocError(
                    f"{where}: write `@param NAME TYPE = DEFAULT [{{a, b}}] description` with "
                    f"TYPE one of {', '.join(PARAM_TYPES)}"
                )
            choices = pm.group("choices")
            current.params.append(
                Param(
                    pm.group("name"),
                    pm.group("type"),
                    _parse_default(pm.group("default"), pm.group("type"), where),
                    tuple(c.strip() for c in choices.split(",")) if choices else None,
                    pm.group("doc").strip(),
                )
            )
        elif tag == "column":
            cm = _COLUMN.match(rest)
            if not cm:
                raise DocError(f"{where}: write `@column NAME [unit] description`")
            current.columns.append(Column(cm.group("name"), cm.group("unit"), cm.group("doc")))
        elif tag == "needs":
            current.needs += [t.strip() for t in rest.split(",") if t.strip()]
            unknown = [t for t in current.needs if t not in warehouse.TABLES]
            if unknown:
                tables = list(warehouse.TABLES)
                raise DocError(f"{where}: unknown warehouse table {unknown}; use {tables}")
        elif tag == "columns-from-warehouse":
            if rest not in warehouse.TABLES:
                tables = list(warehouse.TABLES)
                raise DocError(f"{where}: unknown warehouse table; use one of {tables}")
            current.columns_from = rest
        else:
            raise DocError(
                f"{where}: unknown tag; use @query, @view, @macro, @requires, @needs, @param, "
                "@column or @columns-from-warehouse"
            )
    return SqlFile(path, rel, " ".join(x for x in file_doc if x).strip(), requires, objects, body)

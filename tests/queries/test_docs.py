"""The doc checker: the repository's SQL passes it, and each rule catches what it should."""

from __future__ import annotations

from pathlib import Path

import pytest

from coldstart.query.checker import check_all, check_columns, check_static, render_query_table
from coldstart.query.docs import DocError, parse_file
from coldstart.query.library import QUERIES_DIR, load_library, parse_all

BASE = QUERIES_DIR / "base"

GOOD_QUERY = """\
-- @query things_by_region
-- Cold starts per region. More words here.
--
-- @needs cold_starts
--
-- @param region VARCHAR = 'R2' {R1, R2} Region.
--
-- @column region [text] Region.
-- @column n [count] Cold starts.
SELECT region, COUNT(*) AS n FROM cold_starts WHERE region = $region GROUP BY region;
"""


def test_the_repository_sql_is_documented() -> None:
    """Header rules, @needs, and documented columns = real columns of every view and query."""
    assert check_all() == []


def test_every_query_output_matches_its_documented_columns() -> None:
    """Stated separately from the full check: bind each query and compare column lists."""
    files, errors = parse_all(QUERIES_DIR)
    assert errors == []
    assert check_columns(files) == []
    assert len(load_library().queries) >= 20


def test_docs_list_every_named_query() -> None:
    """docs/queries.md embeds the generated table; regenerate with --markdown when it fails."""
    text = (QUERIES_DIR.parent / "docs" / "queries.md").read_text()
    start = text.index("-->\n", text.index("<!-- queries:start")) + 4
    end = text.index("<!-- queries:end -->")
    assert text[start:end] == render_query_table(), "run `python -m coldstart.query --markdown`"


def _library(tmp_path: Path, **files: str) -> Path:
    """A queries/ folder holding copies of the real base modules plus the given files."""
    root = tmp_path / "queries"
    (root / "base").mkdir(parents=True)
    for module in BASE.glob("*.sql"):
        (root / "base" / module.name).write_text(module.read_text())
    for rel, text in files.items():
        path = root / (rel.replace(".", "/") + ".sql")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _errors(tmp_path: Path, text: str, rel: str = "things.by_region") -> list[str]:
    return check_all(_library(tmp_path, **{rel: text}))


def test_a_good_query_passes(tmp_path: Path) -> None:
    assert _errors(tmp_path, GOOD_QUERY) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda t: t.replace("-- @column n [count] Cold starts.\n", ""),
         "document ['n'] with `-- @column NAME [unit] description`"),
        (lambda t: t.replace("-- @column n [count] Cold starts.\n",
                             "-- @column n [count] Cold starts.\n-- @column m [s] Extra.\n"),
         "remove the @column lines for ['m']"),
        (lambda t: t.replace("-- @column region [text] Region.\n-- @column n [count] Cold starts.\n",
                             "-- @column n [count] Cold starts.\n-- @column region [text] Region.\n"),
         "reorder the @column lines"),
        (lambda t: t.replace("-- @param region VARCHAR = 'R2' {R1, R2} Region.\n", ""),
         "uses $region but has no `-- @param region"),
        (lambda t: t.replace("WHERE region = $region ", ""),
         "declares @param region but never uses $region"),
        (lambda t: t.replace("@query things_by_region", "@query other_name"),
         "rename it to things_by_region"),
        (lambda t: t.replace("-- @needs cold_starts\n", ""), "no `-- @needs TABLE"),
        (lambda t: t.replace("@needs cold_starts", "@needs cold_starts, requests"),
         "@needs requests but reads only ['cold_starts']"),
        (lambda t: t.replace("Cold starts per region.", "x" * 120 + "."),
         "keep it ≤ 90"),
        (lambda t: t.replace("= 'R2' {R1, R2}", "= 'R3' {R1, R2}"),
         "default of region is not one of its choices"),
        (lambda t: t.replace("Cold starts.\nSELECT", "Cold starts.\nCREATE VIEW v AS SELECT 1;\nSELECT"),
         "must not CREATE anything"),
    ],
)  # fmt: skip
def test_query_rules(tmp_path: Path, change: object, fragment: str) -> None:
    errors = _errors(tmp_path, change(GOOD_QUERY))  # type: ignore[operator]
    assert len(errors) == 1, errors
    assert "things/by_region.sql" in errors[0]  # names the file …
    assert "query things_by_region" in errors[0] or "other_name" in errors[0]  # … the object
    assert fragment in errors[0]  # … and the fix


GOOD_MODULE = """\
-- Cold starts of large pools.
--
-- @requires base/cold_starts
--
-- @view large_cold_starts
-- One row per cold start of a large pool.
-- @column region [text] Region.
-- @column time [s] Time.
CREATE VIEW large_cold_starts AS
SELECT region, time FROM cold_starts WHERE pool_size = 'large';
"""


def test_a_good_module_passes(tmp_path: Path) -> None:
    assert _errors(tmp_path, GOOD_MODULE, "things.large") == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (GOOD_MODULE.replace("-- @view large_cold_starts\n", ""),
         "@column before any @query/@view/@macro line"),
        (GOOD_MODULE.replace("-- Cold starts of large pools.\n", "-- Cold starts.\n-- @view x\n-- X.\n-- @column a [s] A.\n"),
         "@view x is documented but never created"),
        (GOOD_MODULE + "CREATE VIEW other AS SELECT 1 AS a;\n",
         "view other is created but not documented; add `-- @view other`"),
        (GOOD_MODULE.replace("-- @column time [s] Time.\n", ""), "document ['time']"),
        (GOOD_MODULE.replace("-- @view large_cold_starts\n-- One row per cold start of a large pool.\n",
                             "-- @view large_cold_starts\n"),
         "no description"),
        (GOOD_MODULE.replace("'large'", "$size"), "modules cannot take $parameters"),
        ("SELECT 1;\n", "no header"),
        (GOOD_MODULE.replace("-- @column time [s] Time.", "-- @column time Time."),
         "write `@column NAME [unit] description`"),
        (GOOD_MODULE.replace("base/cold_starts", "base/nothing"), "no module queries/base/nothing"),
    ],
)  # fmt: skip
def test_module_rules(tmp_path: Path, text: str, fragment: str) -> None:
    root = _library(tmp_path, **{"things.large": text})
    try:
        errors = check_all(root)
    except DocError as exc:  # raised while ordering modules (a @requires error)
        errors = [str(exc)]
    assert len(errors) == 1, errors
    assert "things/large.sql" in errors[0] and fragment in errors[0]


def test_parse_reads_parameters_and_columns() -> None:
    f = parse_file(QUERIES_DIR / "pod" / "utility_ratio.sql", QUERIES_DIR)
    q = f.query
    assert q.name == "pod_utility_ratio" and q.needs == ["cold_starts", "requests"]
    assert [(p.name, p.type, p.default) for p in q.params] == [
        ("region", "VARCHAR", None),
        ("keep_alive_s", "DOUBLE", 60.0),
        ("censor_s", "DOUBLE", None),
    ]
    assert q.params[0].choices == ("R1", "R2", "R3", "R4", "R5")
    units = {c.name: c.unit for c in q.columns}
    assert units["useful_lifetime_s"] == "s" and units["utility_ratio"] == "ratio"
    assert check_static(f) == []


def test_bad_parameter_lines_are_rejected(tmp_path: Path) -> None:
    for bad, fragment in [
        ("-- @param region TEXT = 'R2' Region.", "TYPE one of VARCHAR"),
        ("-- @param region VARCHAR = R2 Region.", "must be quoted"),
        ("-- @param n DOUBLE = many Count.", "is not a DOUBLE"),
    ]:
        path = tmp_path / "q.sql"
        path.write_text(GOOD_QUERY.replace("-- @param region VARCHAR = 'R2' {R1, R2} Region.", bad))
        with pytest.raises(DocError, match=fragment):
            parse_file(path, tmp_path)


def test_parser_depends_on_no_other_query_module() -> None:
    """docs (the header parser) is below the loader, the session and the checker: no loop."""
    import ast

    from coldstart.query import checker, docs

    def imported(module: object) -> set[str]:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        return names

    assert not {m for m in imported(docs) if m.startswith("coldstart.query")}
    assert {"coldstart.query.library", "coldstart.query.session"} <= imported(checker)
    for fn in ast.walk(ast.parse(Path(checker.__file__).read_text(encoding="utf-8"))):
        if isinstance(fn, ast.FunctionDef):
            assert not [n for n in ast.walk(fn) if isinstance(n, ast.ImportFrom)], fn.name


def test_query_modules_import_each_other_without_a_loop() -> None:
    """No cycle among coldstart.query's modules, counting imports inside functions (which
    would otherwise hide one): each module only builds on those below it."""
    import ast

    package = Path(__file__).resolve().parents[2] / "coldstart" / "query"
    graph: dict[str, set[str]] = {}
    for f in package.glob("*.py"):
        if f.stem == "__init__":  # imports its submodules lazily, on attribute access
            continue
        deps: set[str] = set()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "coldstart.query":
                deps |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "coldstart.query."
            ):
                deps.add(node.module.removeprefix("coldstart.query."))  # type: ignore[union-attr]
        graph[f.stem] = deps & {p.stem for p in package.glob("*.py")}
    assert graph["docs"] == set() and "docs" in graph["library"]

    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import loop: {' -> '.join((*path, module))}"
        if module in done:
            return
        for dep in graph[module]:
            visit(dep, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())

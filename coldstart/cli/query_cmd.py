"""`coldstart queries`, `query`, `sql` and `catalog`: parse options, call coldstart.query, print.

Results go to stdout (or ``-o FILE``) and nothing else does: notes and errors go to stderr,
so ``coldstart query … --format csv > out.csv`` and pipes get clean data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from coldstart.cli import _common
from coldstart.cli._common import app, err_console, user_errors
from coldstart.config import resolve_warehouse
from coldstart.errors import UsageError

if TYPE_CHECKING:  # imported where used: `coldstart queries` and `--help` need no polars
    import polars as pl

WAREHOUSE_HELP = _common.WAREHOUSE_HELP  # one wording for every command
FORMATS = ("table", "csv", "json", "parquet")
FORMAT_HELP = "Output format: table (default on a terminal), csv, json or parquet (needs -o)."
MAX_TABLE_ROWS = 40
ENGINES = ("duckdb", "spark")
ENGINE_HELP = "Engine: duckdb (default) or spark (needs pyspark and Java; coldstart[spark])."
MASTER_HELP = "Spark master URL for --engine spark (default: local[2])."
SHOW_SQL_HELP = "Print the SQL that would run (parameters as markers) instead of running it."
DIALECT_HELP = "SQL dialect for --show-sql: duckdb (as in queries/) or spark (translated)."


def _open(warehouse: Path | None) -> Any:
    from coldstart.query import open as open_warehouse

    return open_warehouse(warehouse)


def _open_engine(warehouse: str | None, engine: str, master: str | None) -> Any:
    """A DuckDB session, or a Spark one (the warehouse may then be an s3a:// or hdfs:// URI)."""
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine!r} is not one of {', '.join(ENGINES)}")
    if master is not None and engine != "spark":
        raise UsageError("--spark-master needs --engine spark")
    if engine == "duckdb":
        return _open(Path(warehouse) if warehouse is not None else None)
    import coldstart

    return coldstart.open(warehouse, engine="spark", spark_master=master)


@app.command("queries")
@user_errors
def queries_command(
    warehouse: Path | None = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Also show each query's parameters and file."
    ),
) -> None:
    """List the named queries with one-line descriptions (and parameters with -v)."""
    from coldstart.query.library import list_queries

    del warehouse  # accepted for symmetry with `query`; the list does not need data
    out = Console(highlight=False)
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("name", no_wrap=True, style="bold")
    table.add_column("description", overflow="fold")
    if verbose:
        table.add_column("parameters", overflow="fold")
    for q in list_queries():
        cells = [q.name, q.summary]
        if verbose:
            cells.append("\n".join(q.params) or "-")
        table.add_row(*map(escape, cells))
    out.print(table)


@app.command("query")
@user_errors
def query_command(
    name: str = typer.Argument(..., help="Named query (see `coldstart queries`)."),
    param: list[str] = typer.Option(
        [], "--param", "-p", help="Parameter as key=value (repeatable); NULL for none."
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE."),
    warehouse: str | None = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
    engine: str = typer.Option("duckdb", "--engine", help=ENGINE_HELP),
    spark_master: str | None = typer.Option(None, "--spark-master", help=MASTER_HELP),
    show_sql: bool = typer.Option(False, "--show-sql", help=SHOW_SQL_HELP),
    sql_dialect: str | None = typer.Option(None, "--dialect", help=DIALECT_HELP),
) -> None:
    """Run a named query from queries/ and print or save its result."""
    params = _parse_params(param)
    if sql_dialect is not None and not show_sql:
        raise UsageError("--dialect needs --show-sql")
    if show_sql:
        from coldstart.query.dialect import query_text
        from coldstart.query.library import load_library

        library = load_library()
        _check_name(name, list(library.queries))
        target = sql_dialect or engine
        text = query_text(library, name, target, params)
        _write_text(text, output)
        return
    fmt = _check_format(fmt, output)
    if "://" not in (warehouse or ""):  # a local warehouse: -o must not land inside it
        _outside_warehouse(output, Path(warehouse) if warehouse is not None else None)
    with _open_engine(warehouse, engine, spark_master) as session:
        _check_name(name, list(session.library.queries))
        frame = session.query(name, **params)
        note = _function_region_note(session.named(name), params)
    _emit(frame, fmt, output)
    if note:
        err_console.print(note)


def _check_name(name: str, names: list[str]) -> None:
    """An unknown query name gets the closest names, not the whole list."""
    import difflib

    if name in names:
        return
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise UsageError(f"unknown query {name!r}; {hint}(`coldstart queries` lists all {len(names)})")


def _function_region_note(q: Any, params: dict[str, Any]) -> str | None:
    """Runtime and trigger exist for the function table's region only: say so when a query
    that needs them is asked about another region (its answer is a row of NULLs)."""
    from coldstart.warehouse import FUNCTIONS_REGION

    region = params.get("region")
    if "functions" not in q.doc.needs or region in (None, FUNCTIONS_REGION):
        return None
    return (
        f"note: runtime and trigger are known for {FUNCTIONS_REGION} only (the release's "
        f"function table covers that region); region={region} has none, so its groups are NULL"
    )


@app.command("sql")
@user_errors
def sql_command(
    text: str = typer.Argument(..., help="One SELECT statement, or - to read it from stdin."),
    param: list[str] = typer.Option(
        [], "--param", "-p", help="Bind $key as key=value (repeatable; values stay text)."
    ),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE."),
    warehouse: Path | None = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
) -> None:
    """Run read-only SQL over the warehouse views (cold_starts, requests, counts, …)."""
    fmt = _check_format(fmt, output)
    _outside_warehouse(output, warehouse)
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("no SQL given: pass a statement or - to read one from stdin")
    params = _parse_params(param)
    with _open(warehouse) as session:
        frame = session.sql(text, **params)
    _emit(frame, fmt, output)


@app.command("catalog")
@user_errors
def catalog_command(
    path: Path = typer.Argument(
        Path("coldstart.duckdb"),
        help="DuckDB database file to write (an earlier catalog there is replaced).",
    ),
    warehouse: Path | None = typer.Option(None, "--warehouse", help=WAREHOUSE_HELP),
    force: bool = typer.Option(
        False,
        "--force",
        help="Replace PATH even if it is not a coldstart catalog, or a symbolic link (the link "
        "itself, never its target).",
    ),
) -> None:
    """Write a DuckDB file with every view, so `duckdb PATH` can query the warehouse ad hoc."""
    from coldstart.query import write_catalog

    root = resolve_warehouse(warehouse)
    target = write_catalog(path, root, force=force)
    err_console.print(
        f"wrote {escape(str(target))}: views over {escape(str(root.resolve()))} by absolute "
        "path (re-run this command if the warehouse moves); open it with `duckdb "
        f"{escape(str(target))}`"
    )


# --- helpers --------------------------------------------------------------------------------


def _check_format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        return suffix if suffix in FORMATS[1:] else ("csv" if output else "table")
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise UsageError("--format parquet writes a binary file: give -o FILE")
    return fmt


def _outside_warehouse(output: Path | None, warehouse: Path | None) -> None:
    """-o FILE must not be inside the warehouse (symlinks followed): it holds only what
    `coldstart ingest` writes, and a stray file there could be read as data or clobber it."""
    if output is None:
        return
    root = resolve_warehouse(warehouse).resolve()
    given = output.expanduser().absolute()
    for where in (given.parent.resolve() / given.name, given.resolve()):
        if where == root or root in where.parents:
            raise UsageError(
                f"-o {output} is inside the warehouse {root}: write results elsewhere (the "
                "warehouse holds only what `coldstart ingest` writes)"
            )


def _parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"-p {item!r}: write parameters as key=value, e.g. -p region=R2")
        if key in params:
            raise UsageError(f"-p {key} is given twice")
        params[key] = None if value.strip().upper() == "NULL" else value
    return params


def _json_text(value: Any) -> str:
    """A list or struct cell as JSON text (``["APIG-S", "TIMER-A"]``)."""
    import polars as pl

    if isinstance(value, pl.Series):
        value = value.to_list()
    return json.dumps(value, default=str, ensure_ascii=False)


def _printable(frame: pl.DataFrame) -> pl.DataFrame:
    """Binary as hex and nested values as text: what CSV and terminals can show."""
    import polars as pl

    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Binary:
            exprs.append(pl.col(name).bin.encode("hex"))
        elif dtype.is_nested():
            exprs.append(
                pl.col(name).map_elements(_json_text, return_dtype=pl.String, skip_nulls=True)
            )
    return frame.with_columns(exprs) if exprs else frame


def _emit(frame: pl.DataFrame, fmt: str, output: Path | None) -> None:
    import polars as pl

    if output is not None and output.is_dir():
        raise UsageError(f"-o {output} is a folder; give a file name")
    try:
        if fmt == "parquet":
            assert output is not None
            frame.write_parquet(output)
        elif fmt == "csv":
            text = _printable(frame).write_csv()
            _write_text(text, output)
        elif fmt == "json":
            json_frame = frame.with_columns(
                pl.col(c).bin.encode("hex") for c, t in frame.schema.items() if t == pl.Binary
            )
            _write_text(json_frame.write_json() + "\n", output)
        else:
            _print_table(frame, output)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    if output is not None:
        err_console.print(f"wrote {frame.height} rows to {escape(str(output))}")


def _write_text(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        output.write_text(text, encoding="utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _fit(frame: pl.DataFrame, width: int) -> tuple[list[str], list[str]]:
    """Columns that fit side by side in ``width`` characters (left to right), and the rest.

    Cells never wrap (a folded number is misread); headers may wrap to two lines.
    """
    shown: list[str] = []
    used = 0
    for name in frame.columns:
        cells = max((len(v) for v in frame[name].to_list()), default=0)
        need = max(cells, min(len(name), max(cells, 8)), 4) + 3
        if shown and used + need > width:
            break
        shown.append(name)
        used += need
    return shown, [c for c in frame.columns if c not in shown]


def _print_table(frame: pl.DataFrame, output: Path | None) -> None:
    import polars as pl

    total = frame.height
    head = _printable(frame.head(MAX_TABLE_ROWS))
    text = head.select(
        pl.col(c).map_elements(_cell, return_dtype=pl.String, skip_nulls=False).fill_null("NULL")
        for c in head.columns
    )
    if output is None:
        console = Console(highlight=False)
    else:
        console = Console(file=output.open("w", encoding="utf-8"), width=400, highlight=False)
    shown, hidden = _fit(text, console.width)
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in shown:
        numeric = head.schema[name].is_numeric()
        cells = max((len(v) for v in text[name].to_list()), default=0)
        table.add_column(
            escape(name),
            justify="right" if numeric else "left",
            overflow="fold",
            min_width=max(cells, min(len(name), max(cells, 8)), 4),
        )
    for row in text.select(shown).iter_rows():
        table.add_row(*(escape(v) for v in row))
    console.print(table)
    if output is not None:
        console.file.close()
    notes = []
    if hidden:
        notes.append(f"{len(hidden)} more columns not shown ({', '.join(hidden)})")
    if total > MAX_TABLE_ROWS:
        notes.append(f"{total} rows, first {MAX_TABLE_ROWS} shown")
    elif total == 0:
        notes.append("0 rows")
    if notes:
        tip = "; use --format csv or -o FILE for everything" if hidden or total else ""
        err_console.print(escape("; ".join(notes) + tip))

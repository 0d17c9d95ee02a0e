"""``coldstart catalog``: a DuckDB database file with every view of the library.

The file holds no data, only views over the warehouse's Parquet files by absolute path, so
``duckdb PATH`` (or any tool that attaches DuckDB files) can query the warehouse ad hoc with the
same views the named queries use. It also holds a table ``coldstart_queries`` with the text of
every named query, ready to copy. Moving the warehouse breaks the paths: re-run the command.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from coldstart import warehouse
from coldstart.errors import InputError, OutputError
from coldstart.query import sources
from coldstart.query.library import load_library
from coldstart.query.session import CREATE_HINT


def write_catalog(path: str | os.PathLike[str], root: Path) -> Path:
    """Write the catalog for warehouse ``root`` to ``path`` (replacing it atomically)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise InputError(f"no warehouse at {root}: {CREATE_HINT.format(wh=root)}")
    tables = sources.present_tables(root)
    if not tables:
        raise InputError(f"the warehouse {root} is empty: {CREATE_HINT.format(wh=root)}")
    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name such as coldstart.duckdb")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: folder {target.parent} does not exist")
    library = load_library()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET enable_progress_bar = false")
            sources.create_parquet_views(con, root, tables)
            for table in warehouse.TABLES:
                if table not in tables:
                    sources.create_empty_view(con, table)
            for module in library.modules:
                con.execute(module.body)
            con.execute(
                "CREATE TABLE coldstart_queries (name VARCHAR, description VARCHAR, "
                "parameters VARCHAR, sql VARCHAR)"
            )
            for q in library.queries.values():
                params = "; ".join(p.signature for p in q.params)
                con.execute(
                    "INSERT INTO coldstart_queries VALUES (?, ?, ?, ?)",
                    [q.name, q.summary, params, q.sql],
                )
        finally:
            con.close()
        tmp.replace(target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return target

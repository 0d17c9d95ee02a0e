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


def write_catalog(path: str | os.PathLike[str], root: Path, *, force: bool = False) -> Path:
    """Write the catalog for warehouse ``root`` to ``path`` (replacing it atomically).

    Never inside the warehouse. An existing file is replaced only if it is a coldstart catalog,
    and a symbolic link is never followed (its target is left alone): without ``force`` both
    are refused; with it, the file or the link itself is replaced.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise InputError(f"no warehouse at {root}: {CREATE_HINT.format(wh=root)}")
    tables = sources.present_tables(root)
    if not tables:
        raise InputError(f"the warehouse {root} is empty: {CREATE_HINT.format(wh=root)}")
    given = Path(path).expanduser().absolute()
    if not given.parent.is_dir():
        raise OutputError(f"cannot write {given}: folder {given.parent} does not exist")
    target = given.parent.resolve() / given.name  # the link itself, if it is one
    _refuse_to_clobber(target, root, force=force)
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


def _refuse_to_clobber(target: Path, root: Path, *, force: bool) -> None:
    """OutputError unless writing ``target`` replaces only an earlier catalog (or ``force``)."""
    pointed = target.resolve()
    if root in (target, pointed) or root in target.parents or root in pointed.parents:
        raise OutputError(
            f"{target} is inside the warehouse {root}: write the catalog elsewhere (the "
            "warehouse holds only what `coldstart ingest` writes)"
        )
    if target.is_symlink():
        if not force:
            raise OutputError(
                f"{target} is a symbolic link (to {os.readlink(target)}): not followed; give "
                "another path, or --force to replace the link itself"
            )
        return
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name such as coldstart.duckdb")
    if target.exists() and not force and not is_catalog(target):
        raise OutputError(
            f"{target} exists and is not a coldstart catalog: not replaced; give another path, "
            "or --force to replace it"
        )


def is_catalog(path: Path) -> bool:
    """A DuckDB file with the ``coldstart_queries`` table this module writes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    if head[8:12] != b"DUCK":
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            ["coldstart_queries"],
        ).fetchone()
    except duckdb.Error:
        return False
    finally:
        con.close()
    return bool(found and found[0])

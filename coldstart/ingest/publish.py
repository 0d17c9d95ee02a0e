"""Atomic publication of an ingest: staging, a journal, one commit rename, rollback.

Guarantee (also in docs/warehouse.md): the visible warehouse is either as it was before an
ingest or as it is after it, never a mix —

* Everything is written under ``_staging/<txn>/new/`` first (same filesystem, so moving a file
  into place is an atomic rename).
* :meth:`Transaction.commit` writes ``_journal.json`` listing every file it will add or replace,
  moves replaced files to ``_staging/<txn>/old/``, moves new files in, then replaces
  ``_manifest.json`` with one rename — the commit point — and deletes the journal and staging.
* Any exception before the commit point (including one raised while moving files) rolls back
  at once; a process killed in between leaves the journal, and :func:`recover` (run first by
  every ingest) rolls back — or, if the manifest carries the journal's transaction
  id, completes the clean-up. (``coldstart check`` is read-only: it reports the journal.)
* :class:`WarehouseLock` (an OS ``flock``, released when the process dies) keeps two ingests
  from interleaving.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from coldstart.errors import InputError, OutputError
from coldstart.warehouse import JOURNAL_FILE, LOCK_FILE, MANIFEST_FILE, STAGING_DIR


def _dumps(data: dict[str, Any]) -> str:
    """JSON with one line per key, and one per entry of an object of objects (the manifest's
    ``sources``, ``files``): greppable by a person, and written by the C encoder — ``indent``
    runs the pure-Python one, ≈ 0.5 ms per source entry (12 s for the release's 25 k)."""
    lines = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, dict) and value:
            inner = ",\n".join(
                f"  {json.dumps(k)}: {json.dumps(value[k], sort_keys=True)}" for k in sorted(value)
            )
            lines.append(f" {json.dumps(key)}: {{\n{inner}\n }}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, sort_keys=True)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write JSON to ``path`` by writing a sibling temp file, fsyncing, then renaming it."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(_dumps(data))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed write leaves no stray temporary file
        raise


class WarehouseLock:
    """Exclusive lock on a warehouse for the duration of an ingest (or a recovery)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._fh: Any = None

    def __enter__(self) -> WarehouseLock:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.root / LOCK_FILE, "a+")
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot create the warehouse: {exc.strerror}") from None
        try:
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX: no lock, single-user use
            pass
        except OSError:
            self._fh.close()
            raise OutputError(
                f"{self.root}: another `coldstart ingest` is writing this warehouse; wait for it "
                "to finish"
            ) from None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the flock


class Transaction:
    """Stage files for one ingest and publish them all at once (or not at all)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.txn = uuid.uuid4().hex[:12]
        self.dir = root / STAGING_DIR / self.txn
        self.new = self.dir / "new"
        self.old = self.dir / "old"
        self.scratch = self.dir / "scratch"
        self.new.mkdir(parents=True)
        self.scratch.mkdir()
        self.deletes: set[str] = set()

    def delete(self, rel: str) -> None:
        """Remove a published file at commit (e.g. an output of a re-ingested source)."""
        self.deletes.add(rel)

    def staged(self) -> list[str]:
        return sorted(
            p.relative_to(self.new).as_posix() for p in self.new.rglob("*") if p.is_file()
        )

    def commit(self, manifest: dict[str, Any]) -> None:
        """Publish staged files and the new manifest; roll back if anything fails first."""
        adds = self.staged()
        journal = {"txn": self.txn, "adds": adds, "deletes": sorted(self.deletes - set(adds))}
        manifest = {**manifest, "txn": self.txn}
        try:
            write_json_atomic(self.root / JOURNAL_FILE, journal)
        except BaseException:
            self.abort()
            raise
        try:
            for rel in [*adds, *journal["deletes"]]:
                target = self.root / rel
                if target.exists():
                    backup = self.old / rel
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, backup)
            for rel in adds:
                _move_in(self.new / rel, self.root / rel)
            write_json_atomic(self.root / MANIFEST_FILE, manifest)  # the commit point
        except BaseException:
            rollback(self.root, journal)
            raise
        finish(self.root, journal)

    def abort(self) -> None:
        """Drop everything staged; the published warehouse was never touched."""
        shutil.rmtree(self.dir, ignore_errors=True)
        _remove_empty_dirs(self.root / STAGING_DIR, self.root)


def _move_in(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def rollback(root: Path, journal: dict[str, Any]) -> None:
    """Undo a publish that did not reach its commit point: new files out, old files back."""
    staging = root / STAGING_DIR / journal["txn"]
    for rel in journal["adds"]:
        target, staged = root / rel, staging / "new" / rel
        if target.exists() and not staged.exists():  # it was moved in: take it out
            target.unlink()
    for rel in [*journal["adds"], *journal["deletes"]]:
        backup = staging / "old" / rel
        if backup.exists():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(backup, root / rel)
    for rel in journal["adds"]:
        _remove_empty_dirs((root / rel).parent, root)
    shutil.rmtree(staging, ignore_errors=True)
    _remove_empty_dirs(root / STAGING_DIR, root)
    with contextlib.suppress(FileNotFoundError):
        (root / JOURNAL_FILE).unlink()


def finish(root: Path, journal: dict[str, Any]) -> None:
    """After the commit point: drop the journal, the staging folder and empty partitions."""
    with contextlib.suppress(FileNotFoundError):
        (root / JOURNAL_FILE).unlink()
    shutil.rmtree(root / STAGING_DIR / journal["txn"], ignore_errors=True)
    _remove_empty_dirs(root / STAGING_DIR, root)
    for rel in journal["deletes"]:
        _remove_empty_dirs((root / rel).parent, root)


def recover(root: Path) -> str | None:
    """Finish or undo an ingest that was killed mid-publish; remove abandoned staging folders.

    Call with the lock held. Returns a sentence describing what was done, or None.
    """
    note = None
    journal_path = root / JOURNAL_FILE
    if journal_path.exists():
        journal = _read_journal(journal_path)
        manifest_txn = None
        try:
            manifest = json.loads((root / MANIFEST_FILE).read_text(encoding="utf-8"))
            manifest_txn = manifest.get("txn") if isinstance(manifest, dict) else None
        except (OSError, ValueError):
            pass  # no manifest, or a damaged one: not committed by this journal's ingest
        if manifest_txn == journal["txn"]:
            finish(root, journal)
            note = f"completed the clean-up of ingest {journal['txn']}, which had committed"
        else:
            rollback(root, journal)
            note = f"rolled back ingest {journal['txn']}, which was interrupted while publishing"
    staging = root / STAGING_DIR
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
        note = note or "removed the staging files of an interrupted ingest"
    with contextlib.suppress(FileNotFoundError):
        (root / (MANIFEST_FILE + ".tmp")).unlink()
    return note


def recover_warehouse(warehouse: str | Path | None = None) -> str | None:
    """Finish or undo an interrupted publish of ``warehouse`` now, with the ingest's lock
    (``coldstart ingest`` does this first anyway; ``coldstart check`` only reports it)."""
    from coldstart.config import resolve_warehouse

    root = resolve_warehouse(warehouse)
    with WarehouseLock(root):
        return recover(root)


def _read_journal(path: Path) -> dict[str, Any]:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: damaged publish journal ({str(exc)[:80]}): the last ingest was "
            "interrupted while publishing and which files it moved is unknown: move this warehouse "
            "aside and ingest into a new one"
        ) from None
    ok = isinstance(journal, dict) and isinstance(journal.get("txn"), str)
    ok = ok and all(
        isinstance(journal.get(k), list) and all(isinstance(v, str) for v in journal[k])
        for k in ("adds", "deletes")
    )
    if not ok:
        raise InputError(
            f"{path}: damaged publish journal (wrong shape): the last ingest was interrupted "
            "while publishing and which files it moved is unknown: move this warehouse aside and "
            "ingest into a new one"
        )
    return journal


def _remove_empty_dirs(start: Path, root: Path) -> None:
    """rmdir ``start`` and its parents while empty, stopping at ``root``."""
    path = start
    root = root.resolve()
    while path.exists() and path.resolve() != root and root in path.resolve().parents:
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent

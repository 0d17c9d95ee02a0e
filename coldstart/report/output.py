"""Writing a report to disk, all or nothing, and never over what the report did not write.

Everything is written into a hidden staging folder inside the output directory first (same
file system, so the final moves are renames). Only when every file is complete are they moved
into place, the HTML page last: a reader never finds a half-written page, a failure (full
disk, Ctrl-C, a bug in a renderer) leaves the previous report untouched, and the staging
folder is removed on the way out.

``--out`` may be a folder the user keeps other things in. A manifest, :data:`MANIFEST_NAME`,
lists the files the report wrote; a rewrite replaces those and removes only those the new
report no longer has. A ``report.html`` or ``report.md`` that no report wrote is never
overwritten: the write fails with one line naming it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from coldstart.errors import OutputError

HTML_NAME = "report.html"
MARKDOWN_NAME = "report.md"
FILES_DIR = "report_files"
STAGING_PREFIX = ".report-staging-"
MANIFEST_NAME = ".coldstart-report.json"
#: How an earlier report's page starts (reports written before the manifest existed).
_OURS = {HTML_NAME: '<meta name="generator" content="coldstart', MARKDOWN_NAME: "# Serverless"}


@dataclass
class ReportPaths:
    """Where a written report is."""

    out: Path
    html: Path
    markdown: Path
    files: Path


def prepare_out(out: str | os.PathLike[str]) -> Path:
    """Create ``out`` (and parents) or fail with one clear line naming --out.

    Called before the (slow) report build, so an unwritable destination fails at once.
    """
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"--out: {path} exists and is not a directory") from None
    except OSError as exc:
        raise OutputError(f"--out: cannot create {path}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"--out: {path} is not writable")
    return path


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A fresh hidden folder inside ``out``; removed whatever happens."""
    try:
        stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    except OSError as exc:
        raise OutputError(f"--out: cannot write in {out}: {exc.strerror or exc}") from None
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def written_before(out: Path) -> set[str]:
    """The files (relative to ``out``) an earlier report wrote there, from its manifest."""
    try:
        data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        return {str(f) for f in data.get("files", [])}
    except (OSError, ValueError):
        return set()


def _refuse_foreign(out: Path, ours: set[str]) -> None:
    """Fail if report.html / report.md exist and no coldstart report wrote them."""
    for name, start in _OURS.items():
        path = out / name
        if not path.exists() or name in ours:
            continue
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        except OSError:
            head = ""
        if start not in head:
            raise OutputError(
                f"--out: {path} was not written by `coldstart report`; choose another --out "
                "or move that file away (the report never overwrites files it did not write)"
            )


def write_atomically(
    out: str | os.PathLike[str],
    html: Callable[[], str],
    markdown: Callable[[str], str],
    images: dict[str, bytes],
) -> ReportPaths:
    """Write ``report.html``, ``report.md`` and ``report_files/*.png`` into ``out``.

    ``html()`` and ``markdown(files_dir)`` are called while staging, so an exception in a
    renderer aborts the write just like a failed disk write. Files of an earlier report that
    this one does not write are removed; nothing else in ``out`` is touched.
    """
    target = prepare_out(out)
    paths = ReportPaths(target, target / HTML_NAME, target / MARKDOWN_NAME, target / FILES_DIR)
    before = written_before(target)
    _refuse_foreign(target, before)
    with staging(target) as stage:
        try:
            files = stage / FILES_DIR
            files.mkdir()
            for name, data in images.items():
                (files / name).write_bytes(data)
            _write_text(stage / MARKDOWN_NAME, markdown(FILES_DIR))
            _write_text(stage / HTML_NAME, html())
        except OSError as exc:
            raise OutputError(
                f"--out: cannot write the report in {target}: {exc.strerror or exc}"
            ) from None
        now = {f"{FILES_DIR}/{name}" for name in images} | {MARKDOWN_NAME, HTML_NAME}
        # Commit: the figures, the manifest, then the Markdown, then the page that links
        # nothing outside itself. Each step is a rename within one file system.
        paths.files.mkdir(exist_ok=True)
        for name in images:
            os.replace(files / name, paths.files / name)
        for rel in sorted(before - now):
            stale = target / rel
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
        manifest = {"written_by": "coldstart report", "files": sorted(now)}
        _write_text(stage / MANIFEST_NAME, json.dumps(manifest, indent=1) + "\n")
        os.replace(stage / MANIFEST_NAME, target / MANIFEST_NAME)
        os.replace(stage / MARKDOWN_NAME, paths.markdown)
        os.replace(stage / HTML_NAME, paths.html)
    return paths


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())

"""Writing a report to disk, all or nothing.

Everything is written into a hidden staging folder inside the output directory first (same
file system, so the final moves are renames). Only when every file is complete are they moved
into place, the HTML page last: a reader never finds a half-written page, a failure (full
disk, Ctrl-C, a bug in a renderer) leaves the previous report untouched, and the staging
folder is removed on the way out.
"""

from __future__ import annotations

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


def write_atomically(
    out: str | os.PathLike[str],
    html: Callable[[], str],
    markdown: Callable[[str], str],
    images: dict[str, bytes],
) -> ReportPaths:
    """Write ``report.html``, ``report.md`` and ``report_files/*.png`` into ``out``.

    ``html()`` and ``markdown(files_dir)`` are called while staging, so an exception in a
    renderer aborts the write just like a failed disk write.
    """
    target = prepare_out(out)
    paths = ReportPaths(target, target / HTML_NAME, target / MARKDOWN_NAME, target / FILES_DIR)
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
        # Commit: the figures folder, then the Markdown, then the page that links nothing
        # outside itself. Each step is a rename within one file system.
        if paths.files.exists():
            paths.files.rename(stage / "old_files")
        files.rename(paths.files)
        os.replace(stage / MARKDOWN_NAME, paths.markdown)
        os.replace(stage / HTML_NAME, paths.html)
    return paths


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())

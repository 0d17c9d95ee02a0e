"""Checking a fetched file before it gets its final name.

Size against the server's announcement and, when the file list knows it, against the list;
for zips the central directory (readable by :mod:`zipfile`) and every member's CRC-32 (read
through once, the way ``unzip -t`` does); for the one CSV, that it is not an HTML page.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from coldstart.download.catalog import ReleaseFile
from coldstart.download.errors import VerifyError

_CHUNK = 1 << 20


def verify_file(path: Path, f: ReleaseFile, shown_as: str) -> None:
    """Raise VerifyError (one line naming ``shown_as``) unless ``path`` is the release's file."""
    size = path.stat().st_size
    if f.size_bytes is not None and size != f.size_bytes:
        raise VerifyError(
            f"{shown_as}: {size:,} bytes, but the file list says {f.size_bytes:,} "
            "(wrong file behind the link, or the list is out of date)"
        )
    if f.is_zip:
        verify_zip(path, shown_as)
        return
    with open(path, "rb") as fh:
        head = fh.read(512).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise VerifyError(f"{shown_as}: the server sent an HTML page, not the CSV")


def verify_zip(path: Path, shown_as: str) -> None:
    """The central directory parses and every member inflates to its recorded CRC and size."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                n = 0
                with zf.open(info) as fh:  # checks the CRC-32 once the member is read through
                    while chunk := fh.read(_CHUNK):
                        n += len(chunk)
                if n != info.file_size:
                    raise VerifyError(f"{shown_as}: member {info.filename} has the wrong size")
    except zipfile.BadZipFile as exc:
        # zipfile's own CRC check raises BadZipFile("Bad CRC-32 for file 'x'") at the end.
        raise VerifyError(f"{shown_as}: not a valid zip ({exc})") from None
    except (EOFError, zlib.error, NotImplementedError) as exc:
        raise VerifyError(f"{shown_as}: a member cannot be read ({exc})") from None

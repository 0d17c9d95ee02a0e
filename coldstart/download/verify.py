"""Checking a fetched file before it gets its final name.

Size against the server's announcement and, when the file list knows it, against the list;
for zips the central directory (readable by :mod:`zipfile`) and every member's CRC-32; for the
one CSV, that it is not an HTML page.

The CRCs are normally checked while the zip downloads (:mod:`coldstart.download.zipstream`):
then only the directory is read here, and every entry must match a member the stream checked
(offset, name, CRC, sizes). Otherwise — a resumed part, a zip already on disk, a layout the
stream parser does not follow, a failure it reported — the file is read through once with
:mod:`zipfile`, the way ``unzip -t`` does, and zipfile's verdict is the one given.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from coldstart.download.catalog import ReleaseFile
from coldstart.download.errors import VerifyError
from coldstart.download.zipstream import StreamVerdict

_CHUNK = 1 << 20


def verify_file(
    path: Path, f: ReleaseFile, shown_as: str, streamed: StreamVerdict | None = None
) -> None:
    """Raise VerifyError (one line naming ``shown_as``) unless ``path`` is the release's file.

    ``streamed``: what the download's stream check saw of the zip (None: read it through).
    """
    size = path.stat().st_size
    if f.size_bytes is not None and size != f.size_bytes:
        raise VerifyError(
            f"{shown_as}: {size:,} bytes, but the file list says {f.size_bytes:,} "
            "(wrong file behind the link, or the list is out of date)"
        )
    if f.is_zip:
        verify_zip(path, shown_as, streamed)
        return
    with open(path, "rb") as fh:
        head = fh.read(512).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise VerifyError(f"{shown_as}: the server sent an HTML page, not the CSV")


def verify_zip(path: Path, shown_as: str, streamed: StreamVerdict | None = None) -> str:
    """The central directory parses and every member inflates to its recorded CRC and size.

    Returns how the CRCs were checked: ``"stream"`` (during the download) or ``"read"``.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if streamed is not None and _stream_vouches(streamed, infos):
                return "stream"
            _read_through(zf, infos, shown_as)
            return "read"
    except zipfile.BadZipFile as exc:
        # zipfile's own CRC check raises BadZipFile("Bad CRC-32 for file 'x'") at the end.
        raise VerifyError(f"{shown_as}: not a valid zip ({exc})") from None
    except (EOFError, zlib.error, NotImplementedError) as exc:
        raise VerifyError(f"{shown_as}: a member cannot be read ({exc})") from None


def _stream_vouches(streamed: StreamVerdict, infos: list[zipfile.ZipInfo]) -> bool:
    """Every directory entry is a member the stream checked, with the same name, CRC, sizes."""
    if streamed.problem is not None:
        return False
    for info in infos:
        m = streamed.members.get(info.header_offset)
        if m is None or (m.name, m.method, m.crc, m.compress_size, m.file_size) != (
            info.orig_filename,
            info.compress_type,
            info.CRC,
            info.compress_size,
            info.file_size,
        ):
            return False
    return True


def _read_through(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], shown_as: str) -> None:
    for info in infos:
        if info.is_dir():
            continue
        n = 0
        with zf.open(info) as fh:  # checks the CRC-32 once the member is read through
            while chunk := fh.read(_CHUNK):
                n += len(chunk)
        if n != info.file_size:
            raise VerifyError(f"{shown_as}: member {info.filename} has the wrong size")

"""Finding the release's CSV files: folders, single files and zips read in place.

Users hold the release in whatever shape they downloaded or unpacked it: the whole
``cold_start_dataset`` tree, one sub-folder, a few CSV files, or the zips exactly as downloaded
(several GB each). A :class:`Source` is one CSV wherever it lives; zip members are opened with
:mod:`zipfile` and streamed, never extracted to disk.

Each source gets a *logical name* such as ``cold_starts/R1/day_5.csv``, independent of the
container, so the same file ingested once from a folder and once from a zip is recognised as
the same input (the manifest skips it).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from coldstart import release
from coldstart.errors import InputError
from coldstart.warehouse import FUNCTIONS_REGION

# Folder names of the release → the ingest table they hold.
_FOLDER_TABLES = {
    "cold_start": "cold_starts",
    "per_request": "requests",
    "quantiles": "timeseries",
    "runtime_triggerType": "functions",
}
_REGION_RE = re.compile(r"^(" + "|".join(release.REGIONS) + r")(?:_\d+_\d+)?$")


@dataclass(frozen=True)
class Source:
    """One CSV of the release: a file on disk or a member of a zip on disk."""

    container: Path
    member: str | None
    size: int
    stamp: str  # "mtime:<ns>" for files, "crc:<hex>" for zip members
    table: str | None  # from the path; confirmed (or found) from the header when read
    region: str | None
    series: str | None  # per-minute folder, e.g. "cpu_usage_avg"

    @property
    def display(self) -> str:
        """How error messages name the file: ``path`` or ``archive.zip:member``."""
        return f"{self.container}:{self.member}" if self.member else str(self.container)

    @property
    def basename(self) -> str:
        return PurePosixPath(self.member).name if self.member else self.container.name

    def key(self, table: str) -> str:
        """Logical name, e.g. ``timeseries/R2/cpu_usage_avg/day_3.csv``; same for zip or folder."""
        parts = [table, self.region or "_", *([self.series] if self.series else []), self.basename]
        return "/".join(parts)

    @property
    def known_content(self) -> str | None:
        """The content fingerprint without reading: a zip member's CRC-32 (from the zip's
        directory; zipfile checks it when the member is read to its end)."""
        return f"crc32:{self.stamp[4:]}" if self.stamp.startswith("crc:") else None

    def content(self) -> str | None:
        """The content fingerprint, reading the file if it is not a zip member."""
        if self.known_content is not None:
            return self.known_content
        with self.open() as fh:
            while fh.read(1 << 20):
                pass
            return content_of(fh, self)

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """A binary stream of the CSV's bytes (zip members are decompressed on the fly)."""
        if self.member is None:
            with open_regular(self.container) as fh:
                yield HashingReader(fh)
            return
        try:
            with zipfile.ZipFile(self.container) as zf, zf.open(self.member) as fh:
                yield fh
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error) as exc:
            raise InputError(
                f"{self.display}: cannot read this zip member ({exc}); the zip is damaged or "
                "was cut short: download it again"
            ) from None


class HashingReader:
    """A file's stream that computes the CRC-32 of the bytes read (zlib, GIL released): the
    content fingerprint of a file on disk, the same number a zip stores for its members, so
    the folder and the zip of one release fingerprint alike. Measured ≈ 0.5-1 GB/s per core."""

    # The checksum, a class attribute so that benchmarks/integrity_off.py can measure its cost.
    crc32 = staticmethod(zlib.crc32)

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.crc = 0
        self.at_eof = False

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self.crc = self.crc32(data, self.crc)
        if not data or n < 0 or len(data) < n:
            self.at_eof = True
        return data

    def readline(self, limit: int = -1) -> bytes:
        line = self._fh.readline(limit)
        self.crc = self.crc32(line, self.crc)
        if not line.endswith(b"\n") and (limit < 0 or len(line) < limit):
            self.at_eof = True
        return line

    @property
    def fingerprint(self) -> str | None:
        """``crc32:<hex>`` of the bytes, if the stream was read to its end, else None."""
        return f"crc32:{self.crc:08x}" if self.at_eof else None


def content_of(fh: object, source: Source) -> str | None:
    """The fingerprint of a source whose stream ``fh`` was read to its end, else None."""
    if isinstance(fh, HashingReader):
        return fh.fingerprint
    return source.known_content


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)", ...), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, what in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return what
    return "not a regular file"


def _not_regular(path: Path, kind: str) -> InputError:
    return InputError(
        f"{path}: {kind}, not a regular file: give the release's CSV files, zips or folders"
    )


@contextmanager
def open_regular(path: Path) -> Iterator[IO[bytes]]:
    """``path`` opened for reading if it is a regular file (symlinks followed); InputError else.

    Checked before reading and again on the open file: opening a FIFO for reading would wait
    for a writer (O_NONBLOCK does not), and /dev/zero behind a symlink would never end.
    """
    try:
        st = os.stat(path)
        kind = file_kind(st.st_mode)
        if kind is not None:
            raise _not_regular(path, kind)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    kind = file_kind(os.fstat(fd).st_mode)
    if kind is not None:
        os.close(fd)
        raise _not_regular(path, kind)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    with open(fd, "rb") as fh:
        yield fh


def path_hints(parts: Iterable[str]) -> tuple[str | None, str | None, str | None]:
    """(table, region, series folder) read from path components, deepest match wins.

    Region folders are ``R1``…``R5`` or per-request zip folders like ``R2_00000_00019``; a zip
    named ``R1.zip`` counts as folder ``R1``.
    """
    table = region = series = None
    parts = [p.removesuffix(".zip") for p in parts]
    for p in parts:
        if p in _FOLDER_TABLES:
            table = _FOLDER_TABLES[p]
        m = _REGION_RE.match(p)
        if m:
            region = m[1]
    if len(parts) >= 2:
        try:
            release.split_series_folder(parts[-2])
            series = parts[-2]
        except ValueError:
            series = None
    if table is None and series is not None:
        table = "timeseries"
    if table is None and parts and parts[-1] == PurePosixPath(release.FUNCTION_FILE).name:
        table = "functions"
    if table == "functions" and region is None:
        region = FUNCTIONS_REGION
    return table, region, series


def discover(paths: Iterable[str | Path]) -> list[Source]:
    """Every CSV under the given paths (folders are walked, zips listed), in a stable order.

    Raises InputError, with one line naming the path, for a path that does not exist, a
    ``.zip`` that is not a zip, or a folder with no CSV or zip inside.
    """
    paths = list(paths)
    out: list[Source] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            found = sorted(_walk(path), key=lambda fe: fe[0])
            if not found:
                raise InputError(f"{path}: no .csv or .zip files in this folder")
            base = path.absolute().parts
            got = []
            for f, entry in found:
                got.extend(_file_sources(f, entry, (*base, *f.parts[len(path.parts) :])))
        else:
            kind = file_kind(path.stat().st_mode)
            if kind is not None:
                raise _not_regular(path, kind)
            got = _file_sources(path)
        if not got:
            raise InputError(
                f"no release files found in {path}: no .csv file in it (the release's zips hold "
                "CSVs such as R1/day_0.csv)"
            )
        out.extend(got)
    if len(paths) == 1:
        return out  # one folder walk or one file: nothing can be listed twice
    # The same file given twice (a folder and a file inside it) is read once.
    seen: set[tuple[Path, str | None]] = set()
    unique = []
    for s in out:
        ident = (s.container.resolve(), s.member)
        if ident not in seen:
            seen.add(ident)
            unique.append(s)
    return unique


def _walk(root: Path) -> Iterator[tuple[Path, os.DirEntry[str]]]:
    """(path, entry) of the .csv and .zip files under ``root``, like ``root.rglob("*")``.

    Skips names starting with ``.`` or ``_`` (and everything under them) and does not descend
    into symlinked folders. One ``scandir`` per folder and no ``stat`` per file: the entry
    knows whether it is a regular file, and its ``stat()`` is taken (once) by the caller.
    """
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            it = os.scandir(folder)
        except PermissionError:
            continue
        with it:
            for entry in it:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    stack.append(folder / entry.name)
                elif entry.name.lower().endswith((".csv", ".zip")):
                    if not entry.is_file():  # a FIFO, a device, a dangling link: refused
                        path = folder / entry.name
                        try:
                            kind = file_kind(path.stat().st_mode) or "not a regular file"
                        except OSError:
                            kind = "a broken symbolic link"
                        raise _not_regular(path, kind)
                    yield folder / entry.name, entry


def _file_sources(
    path: Path, entry: os.DirEntry[str] | None = None, parts: tuple[str, ...] | None = None
) -> list[Source]:
    if path.suffix.lower() == ".zip" or (path.suffix.lower() != ".csv" and _looks_zip(path)):
        return _zip_sources(path)
    st = entry.stat() if entry is not None else path.stat()
    table, region, series = path_hints(parts if parts is not None else path.absolute().parts)
    return [
        Source(
            container=path,
            member=None,
            size=st.st_size,
            stamp=f"mtime:{st.st_mtime_ns}",
            table=table,
            region=region,
            series=series,
        )
    ]


def _looks_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _zip_sources(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InputError(
            f"{path}: not a zip file, or a zip cut short (an interrupted download?): "
            "download it again"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    outer = path.absolute().parts
    sources = []
    for info in sorted(infos, key=lambda i: i.filename):
        name = info.filename
        if info.is_dir() or not name.lower().endswith(".csv") or name.startswith("__MACOSX"):
            continue
        table, region, series = path_hints([*outer, *PurePosixPath(name).parts])
        sources.append(
            Source(
                container=path,
                member=name,
                size=info.file_size,
                stamp=f"crc:{info.CRC:08x}",
                table=table,
                region=region,
                series=series,
            )
        )
    return sources

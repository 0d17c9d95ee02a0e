"""Reading single members of a remote zip by HTTP range requests.

A quantile zip is 0.9–5.5 GB; one day of one metric is a few MB of it. We read the zip's tail
(end-of-central-directory record and the directory itself), let :mod:`zipfile` parse it —
zip64 included — and then ask for each wanted member's byte span only: from its local header
to the next member's header (or the directory), which covers the header, its extra field,
the data and any data descriptor. The member is inflated on the fly and its CRC-32 and size
checked against the directory before it is renamed into place.

Why not remotezip: it is built on requests (a second HTTP stack beside httpx), asks for a
suffix range first (``bytes=-N``, which not every server honours), cannot reuse the URL that
the Drive confirm page resolved to, and reads members through :mod:`zipfile`'s small reads;
the directory parsing it adds over :mod:`zipfile` is what ``_TailFile`` does here.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from coldstart.download.drive import open_file
from coldstart.download.errors import DownloadError, RangeUnsupportedError, VerifyError

FIRST_TAIL = 64 << 10  # the directory of a zip with a few hundred members fits in this
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIG = b"PK\x03\x04"


@dataclass(frozen=True)
class RemoteMember:
    """A member of a remote zip and the byte span holding it."""

    info: zipfile.ZipInfo
    start: int  # local header offset
    end: int  # exclusive: the next member's header, or the central directory

    @property
    def span(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class RemoteDirectory:
    url: str  # the URL that answered (after Drive's confirm page)
    size: int
    members: tuple[RemoteMember, ...]
    bytes_read: int  # what reading the directory cost


class _NeedBytesError(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


class _TailFile(io.RawIOBase):
    """A seekable view of a file of ``size`` bytes of which only the tail is at hand."""

    def __init__(self, tail: bytes, size: int) -> None:
        self.tail, self.size, self.start, self.pos = tail, size, size - len(tail), 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = base + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def read(self, n: int = -1) -> bytes:
        if self.pos < self.start:
            raise _NeedBytesError(self.pos)
        end = self.size if n is None or n < 0 else min(self.size, self.pos + n)
        data = self.tail[self.pos - self.start : end - self.start]
        self.pos += len(data)
        return data


def _get_range(client: httpx.Client, name: str, url: str, start: int, end: int) -> httpx.Response:
    """A streaming 206 answer for bytes [start, end).

    RangeUnsupportedError for a 200 (the whole file: Range ignored), DownloadError otherwise.
    """
    response = open_file(client, name, url, {"Range": f"bytes={start}-{end - 1}"})
    if response.status_code == 206:
        return response
    response.close()  # before its body: the connection is dropped, not drained
    length = response.headers.get("content-length", "")
    if response.status_code == 200:
        raise RangeUnsupportedError(
            f"{name}: the server ignores range requests, so single members cannot be read",
            size=int(length) if length.isdigit() else None,
        )
    raise DownloadError(
        f"{name}: asked for bytes {start:,}-{end - 1:,}, the server answered HTTP "
        f"{response.status_code} (expected 206 Partial Content)"
    )


def _read_range(client: httpx.Client, name: str, url: str, start: int, end: int) -> bytes:
    response = _get_range(client, name, url, start, end)
    try:
        return response.read()
    except httpx.HTTPError as exc:
        raise DownloadError(f"{name}: connection lost reading its directory: {exc}") from None
    finally:
        response.close()


def read_directory(client: httpx.Client, name: str, url: str) -> RemoteDirectory:
    """The zip's members and their byte spans, from at most three small range requests."""
    probe = _get_range(client, name, url, 0, 1)
    probe.read()  # the one byte: read, so the connection is kept for the next requests
    probe.close()
    url = str(probe.request.url)  # after redirects and the confirm page: reuse it
    total = probe.headers.get("content-range", "").rpartition("/")[2]
    if not total.isdigit():
        raise DownloadError(f"{name}: the server did not say the zip's size (Content-Range)")
    size = int(total)
    bytes_read = 1
    tail_start = max(0, size - FIRST_TAIL)
    tail = _read_range(client, name, url, tail_start, size)
    bytes_read += len(tail)
    for _ in range(3):
        try:
            zf = zipfile.ZipFile(_TailFile(tail, size))  # type: ignore[arg-type]
            break
        except _NeedBytesError as need:
            more = _read_range(client, name, url, need.offset, size - len(tail))
            bytes_read += len(more)
            tail = more + tail
        except zipfile.BadZipFile as exc:
            raise VerifyError(f"{name}: its zip directory cannot be read ({exc})") from None
    else:
        raise VerifyError(f"{name}: its zip directory cannot be located")
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    ends = [i.header_offset for i in infos[1:]] + [zf.start_dir]
    members = tuple(
        RemoteMember(info=i, start=i.header_offset, end=e) for i, e in zip(infos, ends, strict=True)
    )
    return RemoteDirectory(url=url, size=size, members=members, bytes_read=bytes_read)


def fetch_member(
    client: httpx.Client,
    name: str,
    directory: RemoteDirectory,
    member: RemoteMember,
    out_path: Path,
    advance: Callable[[int], None],
) -> int:
    """Write one member, inflated and CRC-checked, to ``out_path``; returns the bytes read.

    It is written to ``out_path.part`` first and renamed only once its CRC and size match the
    directory. A failure deletes the part (members are small enough to fetch again whole).
    """
    info = member.info
    shown = f"{name}:{info.filename}"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise DownloadError(f"{shown}: compression method {info.compress_type} is not supported")
    part = out_path.with_name(out_path.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    response = _get_range(client, name, directory.url, member.start, member.end)
    read = 0
    try:
        with open(part, "wb") as out:
            deflated = info.compress_type == zipfile.ZIP_DEFLATED
            inflate = zlib.decompressobj(-15) if deflated else None
            buf, parsed = b"", False
            left = info.compress_size
            crc, n = 0, 0
            for received in response.iter_raw():
                read += len(received)
                advance(len(received))
                chunk = received
                if not parsed:
                    buf += chunk
                    skip = _skip(buf)
                    if skip is None or len(buf) < skip:
                        continue
                    if buf[:4] != _LOCAL_SIG:
                        raise VerifyError(f"{shown}: no zip member header at {member.start:,}")
                    chunk, parsed = buf[skip:], True
                if left <= 0:
                    continue  # a data descriptor after the data
                data = chunk[:left]
                left -= len(data)
                plain = inflate.decompress(data) if inflate else data
                crc, n = zlib.crc32(plain, crc), n + len(plain)
                out.write(plain)
            if inflate is not None:
                rest = inflate.flush()
                crc, n = zlib.crc32(rest, crc), n + len(rest)
                out.write(rest)
        if not parsed:
            raise VerifyError(f"{shown}: cut short before its data (offset {member.start:,})")
        if left > 0 or crc != info.CRC or n != info.file_size:
            raise VerifyError(
                f"{shown}: fails its CRC check (got {n:,} bytes, crc {crc:08x}; the zip's "
                f"directory says {info.file_size:,} bytes, crc {info.CRC:08x})"
            )
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{shown}: connection lost ({exc}); run again to resume") from None
    except zlib.error as exc:
        part.unlink(missing_ok=True)
        raise VerifyError(f"{shown}: cannot be inflated ({exc}): the zip is damaged") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        response.close()
    os.replace(part, out_path)
    return read


def _skip(header: bytes) -> int | None:
    """Bytes before the member's data (30 + name + extra), once the fixed header is in."""
    if len(header) < _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack_from(header)
    return _LOCAL_HEADER.size + fields[9] + fields[10]

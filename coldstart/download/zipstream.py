"""Checking a zip's members while it downloads, so no second pass over the file is needed.

A zip is written front to back: each member is a local header (name, method, CRC-32, sizes),
its data, and — for zips written by streaming tools (flag bit 3) — a data descriptor after the
data carrying the CRC and sizes. :class:`StreamCheck` is fed the bytes in order as they arrive
(on the fetch's writer thread) and, per member, inflates the data and computes the CRC-32 of
what comes out, so at the end of the download it knows each member's name, header offset,
method, compressed and uncompressed size and the CRC its data really has.

:func:`coldstart.download.verify.verify_zip` then reads only the central directory and asks
that every entry matches a member seen in the stream (offset, name, CRC, sizes); it reads the
whole file again only when the stream could not vouch for it: a part resumed from an earlier
run (its first bytes were never fed), a member the parser does not follow (encrypted, another
compression method, a stored member with a data descriptor — its end is only known from the
directory), bytes that are not a member where one should start, a CRC or inflate failure
(the full check then gives the authoritative message), or a directory that disagrees.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes
_LOCAL_SIG = b"PK\x03\x04"
_DIRECTORY_SIGS = (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06")  # the members are over
_DESCRIPTOR_SIG = b"PK\x07\x08"
_ZIP64_EXTRA = 0x0001
_STORED, _DEFLATED = 0, 8


@dataclass(frozen=True)
class StreamedMember:
    """What the stream showed of one member: its name, where it starts, what its data is."""

    offset: int  # of its local header
    name: str
    method: int
    crc: int  # the CRC-32 of the data as inflated (not the one the header claims)
    compress_size: int
    file_size: int


@dataclass(frozen=True)
class StreamVerdict:
    """The stream's result: members seen and checked, or why it cannot vouch for the file."""

    members: dict[int, StreamedMember]  # by local header offset
    problem: str | None  # None: every member up to the directory checked out


@dataclass
class _Reading:
    """The member being read: what its local header says, and what its data gave so far."""

    offset: int
    flags: int
    method: int
    crc: int  # from the local header (0 with a data descriptor)
    csize: int
    usize: int
    names: int  # bytes of name + extra field after the fixed header
    name_len: int
    name: str = ""
    zip64: bool = False
    left: int | None = None  # compressed bytes still to come (None: until deflate's end)
    inflate: zlib._Decompress | None = None
    got_crc: int = 0
    got_csize: int = 0
    got_usize: int = 0

    @property
    def descriptor(self) -> bool:
        return bool(self.flags & 0x08)


class StreamCheck:
    """Follows a zip's local headers in the bytes fed to it, in order from byte 0."""

    def __init__(self) -> None:
        self.fed = 0  # bytes seen so far (the next byte's offset in the file)
        self.members: dict[int, StreamedMember] = {}
        self.problem: str | None = None
        self._done = False  # reached the central directory (or gave up)
        self._buf = b""  # a header or descriptor being gathered across feeds
        self._state = self._header
        self._m: _Reading | None = None
        self._dd_head = b""  # a descriptor's first 4 bytes when they were its CRC, not its mark

    def verdict(self) -> StreamVerdict:
        problem = self.problem
        if problem is None and not self._done:
            problem = f"the stream ended inside a member (at byte {self.fed:,})"
        return StreamVerdict(members=dict(self.members), problem=problem)

    def feed(self, data: bytes | memoryview) -> None:
        """Take the next bytes of the file (any size; the view is not kept)."""
        view = memoryview(data).cast("B")
        at = self.fed
        self.fed += len(view)
        pos = 0
        try:
            while pos < len(view) and not self._done:
                pos += self._state(view[pos:], at + pos)
        except zlib.error as exc:
            name = self._m.name if self._m else "?"
            self._give_up(f"{name}: cannot be inflated ({exc})")
        except Exception as exc:  # a bytes layout this parser gets wrong: the full check decides
            self._give_up(f"the stream could not be followed ({type(exc).__name__}: {exc})")

    def _give_up(self, why: str) -> None:
        self.problem, self._done = why, True

    def _gather(self, view: memoryview, need: int) -> tuple[bytes | None, int]:
        """Collect ``need`` bytes across feeds: (the bytes, or None if not all in; consumed)."""
        take = min(need - len(self._buf), len(view))
        self._buf += view[:take].tobytes()
        if len(self._buf) < need:
            return None, take
        got, self._buf = self._buf, b""
        return got, take

    # --- states: each takes the view from the current byte, returns the bytes it consumed --
    def _header(self, view: memoryview, at: int) -> int:
        """A signature: a member's local header, or the central directory (the end)."""
        sig, used = self._gather(view, 4)
        if sig is None:
            return used
        if sig in _DIRECTORY_SIGS:
            self._done = True
        elif sig != _LOCAL_SIG:
            self._give_up(f"no member header at byte {at + used - 4:,}")
        else:
            self._state = self._local
        return used

    def _local(self, view: memoryview, at: int) -> int:
        fixed, used = self._gather(view, _LOCAL.size - 4)
        if fixed is None:
            return used
        _, _, flags, method, _, _, crc, csize, usize, nlen, xlen = _LOCAL.unpack(_LOCAL_SIG + fixed)
        self._m = _Reading(
            offset=at + used - _LOCAL.size, flags=flags, method=method, crc=crc,
            csize=csize, usize=usize, names=nlen + xlen, name_len=nlen,
        )  # fmt: skip
        self._state = self._names
        return used

    def _names(self, view: memoryview, at: int) -> int:
        m = self._m
        assert m is not None
        rest, used = self._gather(view, m.names)
        if rest is None:
            return used
        m.name = rest[: m.name_len].decode("utf-8" if m.flags & 0x800 else "cp437", "replace")
        sizes = _zip64_sizes(rest[m.name_len :], m.usize, m.csize)
        if sizes is not None:
            m.zip64, (m.usize, m.csize) = True, sizes
        if m.flags & 0x01:
            self._give_up(f"{m.name}: encrypted")
        elif m.method not in (_STORED, _DEFLATED):
            self._give_up(f"{m.name}: compression method {m.method}")
        elif m.method == _STORED and m.descriptor:
            self._give_up(f"{m.name}: stored with a data descriptor (its end is not known)")
        else:
            m.left = None if m.descriptor else m.csize
            m.inflate = zlib.decompressobj(-15) if m.method == _DEFLATED else None
            self._state = self._data
            if m.left == 0 and m.inflate is None:
                self._finish(m.crc, m.csize, m.usize)  # an empty stored member
        return used

    def _data(self, view: memoryview, at: int) -> int:
        m = self._m
        assert m is not None
        chunk = view if m.left is None else view[: m.left]
        if m.inflate is None:
            m.got_crc = zlib.crc32(chunk, m.got_crc)
            m.got_usize += len(chunk)
            used = len(chunk)
        else:
            plain = m.inflate.decompress(chunk)
            m.got_crc = zlib.crc32(plain, m.got_crc)
            m.got_usize += len(plain)
            used = len(chunk) - len(m.inflate.unused_data) if m.inflate.eof else len(chunk)
        m.got_csize += used
        if m.left is not None:
            m.left -= used
        ended = m.inflate.eof if m.inflate is not None else m.left == 0
        if not ended and m.left == 0:
            self._give_up(f"{m.name}: its deflated data is cut short")
        elif ended and m.descriptor:
            self._state = self._descriptor
        elif ended:
            self._finish(m.crc, m.csize, m.usize)
        return used

    def _descriptor(self, view: memoryview, at: int) -> int:
        """A data descriptor: an optional signature, the CRC-32, sizes of 4 (zip64: 8) bytes."""
        head, used = self._gather(view, 4)
        if head is not None:
            self._dd_head = b"" if head == _DESCRIPTOR_SIG else head
            self._state = self._descriptor_rest
        return used

    def _descriptor_rest(self, view: memoryview, at: int) -> int:
        m = self._m
        assert m is not None
        sizes = "<QQ" if m.zip64 else "<II"
        rest, used = self._gather(view, 4 + struct.calcsize(sizes) - len(self._dd_head))
        if rest is None:
            return used
        body = self._dd_head + rest
        crc = struct.unpack_from("<I", body)[0]
        csize, usize = struct.unpack_from(sizes, body, 4)
        self._finish(crc, csize, usize)
        return used

    def _finish(self, crc: int, csize: int, usize: int) -> None:
        m = self._m
        assert m is not None
        if (m.got_crc, m.got_csize, m.got_usize) != (crc, csize, usize):
            self._give_up(
                f"{m.name}: fails its CRC check (got crc {m.got_crc:08x}, {m.got_usize:,} "
                f"bytes; its header says crc {crc:08x}, {usize:,} bytes)"
            )
            return
        self.members[m.offset] = StreamedMember(
            offset=m.offset, name=m.name, method=m.method, crc=crc, compress_size=csize,
            file_size=usize,
        )  # fmt: skip
        self._m, self._state = None, self._header


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int] | None:
    """(uncompressed, compressed) from a zip64 extra field, or None if there is none."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag == _ZIP64_EXTRA:
            field = extra[pos + 4 : pos + 4 + size]
            values = [struct.unpack_from("<Q", field, i)[0] for i in range(0, len(field) - 7, 8)]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            return usize, csize
        pos += 4 + size
    return None

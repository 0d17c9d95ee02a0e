"""The zip stream check: members' CRCs checked as the bytes arrive, and when it must step aside.

Small zips built in memory with :mod:`zipfile` (the zip64 and data-descriptor ones are those of
test_zip_formats), fed in pieces of every awkward size; what the stream saw is compared with
zipfile's reading of the central directory, and :func:`verify_zip` is watched to see whether it
trusted the stream or read the file through.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest

from coldstart.download import VerifyError, verify
from coldstart.download.zipstream import StreamCheck, StreamVerdict
from download.test_zip_formats import FORMATS, _Unseekable, build


def streamed(data: bytes, piece: int) -> StreamVerdict:
    check = StreamCheck()
    for i in range(0, len(data), piece):
        check.feed(data[i : i + piece])
    return check.verdict()


def plain_zip(compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=compression) as zf:
        zf.writestr("R1/", b"")  # a folder entry
        zf.writestr("R1/empty.csv", b"")
        zf.writestr("R1/day_0.csv", b"day,time\n" + b"0,1.5\n" * 3000)
        zf.writestr("R1/day_1.csv", bytes(range(256)) * 40, compress_type=zipfile.ZIP_STORED)
    return sink.getvalue()


def data_start(data: bytes, member: str) -> tuple[int, int]:
    """(first byte of the member's data, its compressed size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


@pytest.mark.parametrize("kind", [*FORMATS, "plain"])
@pytest.mark.parametrize("piece", [1, 7, 4096, 1 << 30])
def test_every_member_is_seen_with_the_directory_s_crc_and_sizes(
    kind: str, piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = plain_zip() if kind == "plain" else build(kind, monkeypatch)
    verdict = streamed(data, piece)
    assert verdict.problem is None
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        want = {
            i.header_offset: (i.filename, i.CRC, i.compress_size, i.file_size)
            for i in zf.infolist()
        }
    got = {
        m.offset: (m.name, m.crc, m.compress_size, m.file_size) for m in verdict.members.values()
    }
    assert got == want


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("R1/day_0.csv", r"R1/day_0.csv: (cannot be inflated|fails its CRC check)"),
        ("R1/day_1.csv", r"R1/day_1.csv: fails its CRC check \(got crc [0-9a-f]{8}, 10,240 b"),
    ],
)
def test_a_flipped_byte_is_caught_in_the_stream_and_by_the_verification(
    member: str, expected: str, tmp_path: Path
) -> None:
    data = bytearray(plain_zip())
    start, size = data_start(bytes(data), member)
    data[start + size // 2] ^= 0x01
    verdict = streamed(bytes(data), 4096)
    assert verdict.problem is not None
    assert re.match(expected, verdict.problem), verdict.problem
    path = tmp_path / "bad.zip"
    path.write_bytes(bytes(data))
    # The stream's failure is not the last word: the file is read through and zipfile says.
    with pytest.raises(VerifyError, match=r"^bad.zip: .*(CRC|cannot be read)"):
        verify.verify_zip(path, "bad.zip", verdict)


def test_a_stream_that_vouches_spares_the_second_read(tmp_path: Path) -> None:
    data = plain_zip()
    path = tmp_path / "ok.zip"
    path.write_bytes(data)
    assert verify.verify_zip(path, "ok.zip", streamed(data, 1 << 20)) == "stream"
    assert verify.verify_zip(path, "ok.zip") == "read"  # no stream (a zip already on disk)


def test_a_directory_that_disagrees_with_the_stream_is_read_through(tmp_path: Path) -> None:
    """The stream saw good members, but the directory claims another CRC: zipfile decides."""
    data = bytearray(plain_zip())
    verdict = streamed(bytes(data), 1 << 20)
    # The last directory entry is R1/day_1.csv's: change the CRC it records (offset 16).
    last = data.rindex(b"PK\x01\x02")
    assert data[last + 46 : last + 46 + 12] == b"R1/day_1.csv"
    data[last + 16] ^= 0x01
    path = tmp_path / "dir.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(VerifyError, match=r"CRC"):
        verify.verify_zip(path, "dir.zip", verdict)


def test_layouts_the_stream_cannot_follow_fall_back_to_reading_the_file(tmp_path: Path) -> None:
    # A stored member with a data descriptor: its end is known only from the directory.
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:  # type: ignore[arg-type]
        zf.writestr("R1/day_0.csv", b"0,1\n" * 100)
    stored_dd = bytes(sink.data)
    # A zip behind a stub (a self-extractor): no member header at byte 0.
    stubbed = b"#!/bin/sh\nexit 0\n" + plain_zip()
    for data, why in ((stored_dd, "stored with a data descriptor"), (stubbed, "no member header")):
        verdict = streamed(data, 4096)
        assert verdict.problem is not None and why in verdict.problem
        path = tmp_path / "x.zip"
        path.write_bytes(data)
        assert verify.verify_zip(path, "x.zip", verdict) == "read"  # and it passes
    # Cut short inside a member: the stream cannot vouch.
    assert "ended inside a member" in (streamed(plain_zip()[:200], 64).problem or "")

"""zip64 and streamed (data-descriptor) zips: the directory read, member ranges, CRC checks.

The release's quantile zips are 0.9-5.5 GB, so their directories use zip64 (the zip64 end
record and locator, 0xFFFFFFFF in the 32-bit fields and the real values in zip64 extra
fields); a zip written by a streaming tool carries each member's CRC and sizes in a data
descriptor after its data (flag bit 3), with zeros in the local header. Both are built here,
small, with :mod:`zipfile` itself: zip64 by lowering its zip64 threshold while writing (the
writer then uses exactly the structures a > 4 GB archive has), streamed by writing to a stream
that cannot seek. Each test checks that the archive really has the structure it is named for.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from coldstart.download import VerifyError, download, remote_zip, verify
from download.fakedrive import FakeDrive, Servers

pytestmark = pytest.mark.xdist_group("download")

NAME = "cold_start/R2.zip"
DAYS = 4
FORMATS = ("zip64", "streamed", "streamed_zip64")


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek/tell: zipfile then writes data descriptors."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _csv(day: int) -> bytes:
    rows = "".join(f"{day},{i * 7.25 + day:.3f},{i % 97},pool{day}-{i}\n" for i in range(600))
    return ("day,time,funcName,podID\n" + rows).encode()


def build(kind: str, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as m:
        if "zip64" in kind:
            m.setattr(zipfile, "ZIP64_LIMIT", 1 << 10)  # every offset and size past it
        sink: io.BytesIO | _Unseekable = _Unseekable() if "streamed" in kind else io.BytesIO()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:  # type: ignore[arg-type]
            for day in range(DAYS):
                with zf.open(f"R2/day_{day}.csv", "w", force_zip64="zip64" in kind) as fh:
                    fh.write(_csv(day))
        data = bytearray(sink.data if isinstance(sink, _Unseekable) else sink.getvalue())
    if "zip64" in kind:
        # zipfile keeps the real offset in the 32-bit end record when it fits; a > 4 GB zip
        # has 0xFFFFFFFF there and the offset only in the zip64 end record, as here.
        struct.pack_into("<I", data, data.rindex(b"PK\x05\x06") + 16, 0xFFFFFFFF)
    return bytes(data)


def assert_structure(kind: str, data: bytes) -> None:
    """The archive has the zip64 records / data descriptors its name says."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        assert len(infos) == DAYS
        for info in infos:
            assert bool(info.flag_bits & 0x08) == ("streamed" in kind)
            if "zip64" in kind:
                assert info.header_offset == 0 or struct.pack("<H", 1) in info.extra
    if "zip64" in kind:
        assert b"PK\x06\x06" in data[-200:] and b"PK\x06\x07" in data[-100:]
        eocd = data.rindex(b"PK\x05\x06")
        assert struct.unpack_from("<I", data, eocd + 16)[0] == 0xFFFFFFFF  # offset in zip64
    if "streamed" in kind:
        assert data.count(b"PK\x07\x08") == DAYS  # one descriptor after each member
        assert struct.unpack_from("<I", data, 14)[0] == 0  # no CRC in the local header


def _no_second_read(*args: object) -> None:
    raise AssertionError("the zip was read through again although the stream checked it")


def ranges_asked(drive: FakeDrive) -> list[tuple[int, int]]:
    out = []
    for e in drive.requests_for(NAME):
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", e.range or "")
        assert m, e
        out.append((int(m[1]), int(m[2]) + 1))
    return out


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FakeDrive, Path]]:
    fake = FakeDrive(by_id={"zipformats": NAME})
    servers = Servers(fake)
    listing = tmp_path / "files.csv"
    listing.write_text(
        f"# download_url: {fake.link_template}\n"
        "region,table,part,drive_id,name,size_bytes,name_source,readme_commit\n"
        f"R2,cold_starts,1,zipformats,{NAME},,test,0\n"
    )
    try:
        yield fake, listing
    finally:
        servers.close()


@pytest.mark.parametrize("kind", FORMATS)
def test_members_and_whole_file_read_back_exactly_and_a_flipped_byte_fails(
    kind: str, tmp_path: Path, served: tuple[FakeDrive, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    drive, listing = served
    data = build(kind, monkeypatch)
    assert_structure(kind, data)
    drive.files[NAME] = data
    # Members by range: the probe, a 200-byte tail holding the end records (zip64 ones too),
    # the rest of the directory, then day 1 and day 3 only, each from its local header to the
    # next one's.
    monkeypatch.setattr(remote_zip, "FIRST_TAIL", 200)
    download(tmp_path / "sel", tables=["cold_starts"], days="1,3", file_list=listing)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
        ends = [i.header_offset for i in infos[1:]] + [zf.start_dir]
        span = {i.filename: (i.header_offset, e) for i, e in zip(infos, ends, strict=True)}
        start_dir = zf.start_dir
    assert ranges_asked(drive) == [
        (0, 1),
        (len(data) - 200, len(data)),
        (start_dir, len(data) - 200),
        span["R2/day_1.csv"],
        span["R2/day_3.csv"],
    ]
    folder = tmp_path / "sel" / "cold_start_dataset" / "cold_start" / "R2"
    assert sorted(p.name for p in folder.iterdir()) == ["day_1.csv", "day_3.csv"]
    for day in (1, 3):
        assert (folder / f"day_{day}.csv").read_bytes() == _csv(day)
    # The whole file: fetched, its directory and every member's CRC verified, kept; the CRCs
    # were checked in the stream (a second read through the file would fail here).
    with monkeypatch.context() as m:
        m.setattr(verify, "_read_through", _no_second_read)
        result = download(tmp_path / "all", tables=["cold_starts"], file_list=listing)
    assert (tmp_path / "all" / "cold_start_dataset" / NAME).read_bytes() == data
    assert result.files["status"].to_list() == ["fetched"]
    # A flipped byte in day 2's deflated data: the member and the whole file both fail.
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("R2/day_2.csv")
        start = info.header_offset + 30 + len(info.filename)
        # Past the local header's extra field (zip64 sizes), into the deflated data.
        start += struct.unpack_from("<H", data, info.header_offset + 28)[0]
    data[start + info.compress_size // 2] ^= 0x01
    drive.files[NAME] = bytes(data)
    with pytest.raises(VerifyError, match=r"^cold_start/R2.zip:R2/day_2.csv: (fails its CRC|can)"):
        download(tmp_path / "bad-sel", tables=["cold_starts"], days="2", file_list=listing)
    assert not (
        tmp_path / "bad-sel" / "cold_start_dataset" / "cold_start" / "R2" / "day_2.csv"
    ).exists()
    with pytest.raises(VerifyError, match=r"^cold_start/R2.zip: .*(CRC|cannot be read)"):
        download(tmp_path / "bad-all", tables=["cold_starts"], file_list=listing)
    assert not (tmp_path / "bad-all" / "cold_start_dataset" / NAME).exists()

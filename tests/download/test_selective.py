"""Single members by range requests: only the directory and the chosen members are read."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest

from coldstart import release
from coldstart.download import VerifyError, download, remote_zip
from download.conftest import Release
from download.fakedrive import FakeDrive

pytestmark = pytest.mark.xdist_group("download")

QZIP = "quantiles/R2.zip"
CZIP = "cold_start/R2.zip"


def spans(data: bytes, wanted: list[str]) -> dict[str, tuple[int, int]]:
    """Independently: each wanted member's [local header, next header or directory) span."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
        ends = [i.header_offset for i in infos[1:]] + [zf.start_dir]
        return {
            i.filename: (i.header_offset, e)
            for i, e in zip(infos, ends, strict=True)
            if i.filename in wanted
        }


def notes(data: bytes) -> list[str]:
    """Members that are not data files (the synthetic trace's provenance marker): always read."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [n for n in zf.namelist() if not n.endswith((".csv", "/"))]


def directory_reads(data: bytes) -> list[tuple[int, int]]:
    """The ranges that read the zip's directory: the first tail, and the rest of a directory
    that starts before it (the per-minute zips' 5,000 members need a second read)."""
    tail_start = len(data) - min(remote_zip.FIRST_TAIL, len(data))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        cd_start = zf.start_dir
    reads = [(tail_start, len(data))]
    return reads + ([(cd_start, tail_start)] if cd_start < tail_start else [])


def ranges_asked(drive: FakeDrive, name: str) -> list[tuple[int, int]]:
    out = []
    for e in drive.requests_for(name):
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", e.range or "")
        assert m, f"a request without a closed range: {e}"
        out.append((int(m[1]), int(m[2]) + 1))
    return out


def test_one_day_of_one_metric_reads_the_directory_and_that_member_only(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    data = release_files.files[QZIP]
    member = "R2/cpu_usage_avg/day_3.csv"
    result = download(
        tmp_path, tables=["timeseries"], days="3", metrics=["cpu_usage_avg"], file_list=file_list
    )
    out = tmp_path / "cold_start_dataset" / "quantiles" / "R2" / "cpu_usage_avg" / "day_3.csv"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert out.read_bytes() == zf.read(member)
    members = spans(data, [member, *notes(data)])
    # A 1-byte probe (size; resolves the confirm page), the directory, the member and the notes.
    asked = ranges_asked(drive, QZIP)
    head = [(0, 1), *directory_reads(data)]
    assert asked[: len(head)] == head
    assert sorted(asked[len(head) :]) == sorted(members.values())
    assert drive.served(QZIP) == sum(e - s for s, e in asked)
    assert result.total_bytes == drive.served(QZIP)
    assert drive.served(QZIP) < 0.05 * len(data)


def test_a_directory_bigger_than_the_first_tail_is_read_in_a_second_request(
    tmp_path: Path,
    drive: FakeDrive,
    file_list: Path,
    release_files: Release,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(remote_zip, "FIRST_TAIL", 2048)
    data = release_files.files[QZIP]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        cd_start = zf.start_dir
        wanted = [i.filename for i in zf.infolist() if i.filename.endswith(("/day_0.csv",))]
        wanted = [w for w in wanted if "/num_pods/" in w or "/requests/" in w]
    download(
        tmp_path,
        tables=["timeseries"],
        days="0",
        metrics=["num_pods", "requests"],
        file_list=file_list,
    )
    got = ranges_asked(drive, QZIP)
    assert got[:3] == [(0, 1), (len(data) - 2048, len(data)), (cd_start, len(data) - 2048)]
    assert sorted(got[3:]) == sorted(spans(data, [*wanted, *notes(data)]).values())
    for w in wanted:
        out = tmp_path / "cold_start_dataset" / "quantiles" / w
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert out.read_bytes() == zf.read(w)


def test_days_of_cold_starts_are_written_in_the_release_layout_and_skipped_next_time(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    data = release_files.files[CZIP]
    download(tmp_path, tables=["cold_starts"], days="1-2", file_list=file_list)
    folder = tmp_path / "cold_start_dataset" / "cold_start" / "R2"
    assert sorted(p.name for p in folder.iterdir()) == ["day_1.csv", "day_2.csv"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for day in (1, 2):
            assert (folder / f"day_{day}.csv").read_bytes() == zf.read(f"R2/day_{day}.csv")
    drive.reset_log()
    again = download(tmp_path, tables=["cold_starts"], days="1-2", file_list=file_list)
    assert again.files.filter(again.files["kind"] == "member")["status"].to_list() == [
        "skipped"
    ] * (2 + len(notes(data)))
    directory = sum(e - s for s, e in directory_reads(data))
    assert drive.served(CZIP) == 1 + directory  # the directory only


def test_a_corrupted_member_fails_its_crc_and_is_not_kept(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    data = bytearray(release_files.files[CZIP])
    (start, end) = spans(bytes(data), ["R2/day_1.csv"])["R2/day_1.csv"]
    data[(start + end) // 2] ^= 0xFF
    drive.files[CZIP] = bytes(data)
    with pytest.raises(VerifyError, match=r"^cold_start/R2.zip:R2/day_1.csv: (fails its CRC|can)"):
        download(tmp_path, tables=["cold_starts"], days="1", file_list=file_list)
    folder = tmp_path / "cold_start_dataset" / "cold_start" / "R2"
    assert list(folder.iterdir()) == []


def test_a_server_ignoring_range_gives_the_members_from_the_whole_zip_and_says_so(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    data = release_files.files[CZIP]
    drive.range_enabled = False
    result = download(tmp_path, tables=["cold_starts"], days="1", file_list=file_list)
    root = tmp_path / "cold_start_dataset"
    folder = root / "cold_start" / "R2"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert (folder / "day_1.csv").read_bytes() == zf.read("R2/day_1.csv")
    assert sorted(p.name for p in folder.iterdir()) == ["day_1.csv"]
    assert all((root / "cold_start" / n).is_file() for n in notes(data))
    # The zip was fetched whole once (after the probe that found Range ignored), then deleted.
    whole = [e for e in drive.requests_for(CZIP) if e.range is None]
    assert [e.sent for e in whole] == [len(data)]
    assert not (root / "cold_start").joinpath("R2.zip").exists()
    assert not list(root.rglob("*.part*"))
    archive = result.files.filter(result.files["kind"] == "archive")
    assert archive["bytes"].to_list() == [len(data)]
    assert set(result.files.filter(result.files["kind"] == "member")["status"]) == {"extracted"}
    [note] = [n for n in result.notes if "ignores range" in n]
    assert note.startswith("cold_start/R2.zip: the server ignores range requests, so the whole")
    assert note.endswith(
        f"({len(data):,} bytes) was fetched and verified, {1 + len(notes(data))} wanted "
        "members were extracted from it and the zip was deleted"
    )
    # A re-run finds every wanted member on disk and fetches nothing but the probe.
    drive.reset_log()
    again = download(tmp_path, tables=["cold_starts"], days="1", file_list=file_list)
    assert set(again.files.filter(again.files["kind"] == "member")["status"]) == {"skipped"}
    # The probe's answer (the whole zip: Range ignored) was closed unread; the server logs it
    # when it notices, which can be after download() returned.
    deadline = time.monotonic() + 10
    while not drive.requests_for(CZIP) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [e.range for e in drive.requests_for(CZIP)] == ["bytes=0-0"]
    # Another day: the zip is fetched again, only the new member is extracted.
    more = download(tmp_path, tables=["cold_starts"], days="1-2", file_list=file_list)
    members = more.files.filter(more.files["kind"] == "member")
    assert dict(zip(members["name"], members["status"], strict=True))[f"{CZIP}:R2/day_2.csv"] == (
        "extracted"
    )
    assert dict(zip(members["name"], members["status"], strict=True))[f"{CZIP}:R2/day_1.csv"] == (
        "skipped"
    )


def test_dry_run_against_a_server_ignoring_range_counts_the_whole_zip(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    drive.range_enabled = False
    result = download(tmp_path, tables=["cold_starts"], days="1", file_list=file_list, dry_run=True)
    assert result.files["kind"].to_list() == ["archive"]
    assert result.total_bytes == len(release_files.files[CZIP])
    assert any("would be fetched to keep only the wanted members" in n for n in result.notes)
    assert not (tmp_path / "cold_start_dataset" / "cold_start").exists()


def test_dry_run_totals_directory_and_member_spans(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    data = release_files.files[QZIP]
    result = download(
        tmp_path,
        tables=["timeseries"],
        days="0-1",
        metrics=["cpu_usage"],
        file_list=file_list,
        dry_run=True,
    )
    wanted = [f"R2/cpu_usage_{s}/day_{d}.csv" for d in (0, 1) for s in release.STATS]
    wanted += notes(data)
    expected = (
        1
        + sum(e - s for s, e in directory_reads(data))
        + sum(e - s for s, e in spans(data, wanted).values())
    )
    assert result.files.filter(result.files["kind"] == "member").height == len(wanted)
    assert result.total_bytes == expected
    assert not (tmp_path / "cold_start_dataset" / "quantiles").exists()

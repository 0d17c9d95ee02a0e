"""Whole-file downloads from the fake Drive: confirm page, resume, restarts and every refusal."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from coldstart.download import DownloadError, DriveRefusedError, VerifyError, download, verify
from coldstart.download.ledger import LEDGER_NAME
from coldstart.errors import OutputError
from download.conftest import Release, write_file_list
from download.fakedrive import FakeDrive

pytestmark = pytest.mark.xdist_group("download")

QZIP = "quantiles/R2.zip"  # 1.7 MB: Drive asks to confirm
CZIP = "cold_start/R2.zip"


def _no_second_read(*args: object) -> None:
    raise AssertionError("the zip was read through again although the stream checked it")


def visible(root: Path) -> list[str]:
    """Every file under root, relative, the ledger left out."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != LEDGER_NAME
    )


def test_full_download_through_confirm_page_equals_served_bytes(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    result = download(
        tmp_path, tables=["timeseries", "cold_starts", "functions"], file_list=file_list
    )
    root = tmp_path / "cold_start_dataset"
    for name in (QZIP, CZIP, "runtime_triggerType/df_funcID_runtime_triggerType.csv"):
        assert (root / name).read_bytes() == release_files.files[name]
        assert drive.served(name) == len(release_files.files[name])  # each byte sent once
    assert visible(root) == sorted(
        [CZIP, QZIP, "runtime_triggerType/df_funcID_runtime_triggerType.csv"]
    )
    # Every file came from the separate download host (the link host only redirects); the
    # big file went through the confirm page there, the small ones did not.
    assert {e.host for e in drive.log if not e.path.startswith("page:")} == {"content"}
    assert [e.path for e in drive.log if e.path.startswith("page:")] == [f"page:{QZIP}"]
    assert set(result.files["status"]) == {"fetched"}
    assert result.total_bytes == sum(len(release_files.files[n]) for n in (QZIP, CZIP)) + len(
        release_files.files["runtime_triggerType/df_funcID_runtime_triggerType.csv"]
    )


def test_rerun_skips_verified_files(tmp_path: Path, drive: FakeDrive, file_list: Path) -> None:
    download(tmp_path, tables=["cold_starts"], file_list=file_list)
    drive.reset_log()
    again = download(tmp_path, tables=["cold_starts"], file_list=file_list)
    assert again.files["status"].to_list() == ["skipped"]
    assert drive.served(CZIP) == 0


def test_mirror_fetches_by_release_name(
    tmp_path: Path, drive: FakeDrive, release_files: Release
) -> None:
    """The packaged file list with --mirror: cold_start/R2.zip is asked for by name."""
    download(tmp_path, regions=["R2"], tables=["cold_starts"], mirror=drive.mirror)
    assert (tmp_path / "cold_start_dataset" / CZIP).read_bytes() == release_files.files[CZIP]
    assert [e.host for e in drive.requests_for(CZIP)] == ["content"]


def test_dropped_connection_resumes_with_only_the_rest(
    tmp_path: Path,
    drive: FakeDrive,
    file_list: Path,
    release_files: Release,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    size = len(release_files.files[QZIP])
    drive.drop_after[QZIP] = 700_000
    # Resumed within the same run, every byte still went through the stream check: the zip
    # is not read through again.
    monkeypatch.setattr(verify, "_read_through", _no_second_read)
    result = download(tmp_path, tables=["timeseries"], file_list=file_list)
    assert (tmp_path / "cold_start_dataset" / QZIP).read_bytes() == release_files.files[QZIP]
    sent = [(e.range, e.sent) for e in drive.requests_for(QZIP)]
    assert sent == [(None, 700_000), ("bytes=700000-", size - 700_000)]
    assert drive.served(QZIP) == size
    assert result.total_bytes == size


def test_interrupted_run_leaves_a_resumable_part(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    """The connection keeps dropping: the run gives up, keeps the part; the next run resumes."""
    size = len(release_files.files[QZIP])
    drive.drop_after[QZIP] = 500_000
    drive.drop_always.add(QZIP)
    with pytest.raises(DownloadError, match=r"quantiles/R2.zip: the connection kept dropping"):
        download(tmp_path, tables=["timeseries"], file_list=file_list)
    root = tmp_path / "cold_start_dataset"
    assert visible(root) == [QZIP + ".part", QZIP + ".part.json"]
    assert (root / (QZIP + ".part")).stat().st_size == 500_000
    state = json.loads((root / (QZIP + ".part.json")).read_text())
    assert state["total"] == size
    drive.drop_always.clear()
    drive.drop_after.clear()
    drive.reset_log()
    result = download(tmp_path, tables=["timeseries"], file_list=file_list)
    assert (root / QZIP).read_bytes() == release_files.files[QZIP]
    assert drive.served(QZIP) == size - 500_000
    assert result.files["status"].to_list() == ["resumed"]
    assert visible(root) == [QZIP]


def test_a_resumed_zip_is_read_through_and_damage_in_the_old_part_is_caught(
    tmp_path: Path,
    drive: FakeDrive,
    file_list: Path,
    release_files: Release,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stream saw only the bytes after the resume point, so it cannot vouch for the zip:
    the verification reads it through and finds a byte spoilt in the part on disk."""
    drive.drop_after[QZIP] = 500_000
    drive.drop_always.add(QZIP)
    with pytest.raises(DownloadError, match="kept dropping"):
        download(tmp_path, tables=["timeseries"], file_list=file_list)
    drive.drop_always.clear()
    drive.drop_after.clear()
    part = tmp_path / "cold_start_dataset" / (QZIP + ".part")
    with open(part, "r+b") as fh:  # inside the first members' data, before the resume point
        fh.seek(100_000)
        b = fh.read(1)
        fh.seek(100_000)
        fh.write(bytes([b[0] ^ 0x01]))
    reads = []
    real = verify._read_through
    monkeypatch.setattr(verify, "_read_through", lambda *a: reads.append(1) or real(*a))
    with pytest.raises(VerifyError, match=r"^quantiles/R2.zip: .*(CRC|cannot be read)"):
        download(tmp_path, tables=["timeseries"], file_list=file_list)
    assert reads == [1]
    assert visible(tmp_path / "cold_start_dataset") == []


def test_ctrl_c_keeps_the_part_and_the_next_run_resumes(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    class Interrupting:
        seen = 0

        def add_task(self, description: str, total: float | None = None) -> int:
            return 0

        def update(self, task_id: int, *, total: float | None = None) -> None:
            return None

        def advance(self, task_id: int, advance: float = 1) -> None:
            self.seen += int(advance)
            if self.seen > 2_000_000:  # the overall bar counts too: ~1 MB into the file
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download(tmp_path, tables=["timeseries"], file_list=file_list, progress=Interrupting())
    root = tmp_path / "cold_start_dataset"
    have = (root / (QZIP + ".part")).stat().st_size
    assert 0 < have < len(release_files.files[QZIP])
    assert not (root / QZIP).exists()
    # The fake drive logs a response when its send ends; the interrupted one ends when the
    # server notices the closed connection, which can be after download() returned (a file
    # larger than the socket buffers): wait for it, or it lands in the next run's count.
    deadline = time.monotonic() + 10
    while not drive.requests_for(QZIP) and time.monotonic() < deadline:
        time.sleep(0.01)
    drive.reset_log()
    download(tmp_path, tables=["timeseries"], file_list=file_list)
    assert (root / QZIP).read_bytes() == release_files.files[QZIP]
    assert drive.served(QZIP) == len(release_files.files[QZIP]) - have


def test_server_ignoring_range_restarts_the_file_and_says_so(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    size = len(release_files.files[QZIP])
    drive.range_enabled = False
    drive.drop_after[QZIP] = 300_000
    result = download(tmp_path, tables=["timeseries"], file_list=file_list)
    assert (tmp_path / "cold_start_dataset" / QZIP).read_bytes() == release_files.files[QZIP]
    assert drive.served(QZIP) == 300_000 + size  # the first 300 kB came twice
    assert result.files["status"].to_list() == ["restarted"]
    assert any("ignored Range" in n for n in result.notes)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            "quota",
            r"^quantiles/R2.zip: Google Drive says the download quota .* exceeded; retry later",
        ),
        ("signin", r"^quantiles/R2.zip: Google Drive asks to sign in"),
    ],
)
def test_drive_refusals_name_the_file_and_save_no_page(
    tmp_path: Path, drive: FakeDrive, file_list: Path, fault: str, message: str
) -> None:
    getattr(drive, fault).add(QZIP)
    with pytest.raises(DriveRefusedError, match=message) as err:
        download(tmp_path, tables=["timeseries"], file_list=file_list)
    assert "\n" not in str(err.value)
    assert visible(tmp_path / "cold_start_dataset") == []


def test_wrong_size_is_refused_and_nothing_kept(
    tmp_path: Path, drive: FakeDrive, release_files: Release
) -> None:
    size = len(release_files.files[CZIP])
    listing = write_file_list(
        tmp_path / "list.csv", release_files, drive.link_template, sizes={CZIP: size + 1}
    )
    with pytest.raises(
        VerifyError,
        match=rf"^cold_start/R2.zip: {size:,} bytes, but the file list says {size + 1:,}",
    ):
        download(tmp_path / "d", tables=["cold_starts"], file_list=listing)
    assert visible(tmp_path / "d" / "cold_start_dataset") == []


def test_corrupted_member_fails_the_crc_check_and_nothing_kept(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    data = bytearray(release_files.files[CZIP])
    data[len(data) // 3] ^= 0xFF  # inside some member's compressed data
    drive.files[CZIP] = bytes(data)
    with pytest.raises(
        VerifyError, match=r"^cold_start/R2.zip: .*(CRC|cannot be read|not a valid)"
    ):
        download(tmp_path, tables=["cold_starts"], file_list=file_list)
    assert visible(tmp_path / "cold_start_dataset") == []


def test_a_file_we_did_not_write_is_never_overwritten(
    tmp_path: Path, drive: FakeDrive, file_list: Path
) -> None:
    mine = tmp_path / "cold_start_dataset" / CZIP
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"my own notes")
    with pytest.raises(OutputError, match="not written by coldstart download"):
        download(tmp_path, tables=["cold_starts"], file_list=file_list)
    assert mine.read_bytes() == b"my own notes"
    assert drive.served(CZIP) == 0


def test_dry_run_totals_the_sizes_and_writes_nothing(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    result = download(
        tmp_path, tables=["timeseries", "requests"], file_list=file_list, dry_run=True
    )
    names = [n for n in release_files.files if n.startswith(("quantiles", "per_request"))]
    assert sorted(result.files["name"]) == sorted(names)
    assert set(result.files["status"]) == {"to fetch"}
    assert result.total_bytes == sum(len(release_files.files[n]) for n in names)
    assert not (tmp_path / "cold_start_dataset").exists()
    assert all(e.sent <= 1 for e in drive.log)  # only one-byte size probes


def test_a_file_missing_on_the_mirror_is_named_with_the_http_status(
    tmp_path: Path, drive: FakeDrive
) -> None:
    del drive.files[CZIP]
    with pytest.raises(DownloadError, match=r"^cold_start/R2.zip: the server answered HTTP 404"):
        download(tmp_path, regions=["R2"], tables=["cold_starts"], mirror=drive.mirror)
    assert not (tmp_path / "cold_start_dataset" / CZIP).exists()


def test_a_download_folder_that_cannot_be_made_is_one_line_naming_it(
    tmp_path: Path, drive: FakeDrive, file_list: Path
) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    dest = tmp_path / "a_file" / "d"
    with pytest.raises(OutputError, match=r"a_file/d/cold_start_dataset/cold_start: cannot write"):
        download(dest, tables=["cold_starts"], file_list=file_list)
    assert drive.log == []


def test_a_part_from_another_url_is_begun_anew_and_said_so(
    tmp_path: Path, drive: FakeDrive, file_list: Path, release_files: Release
) -> None:
    drive.drop_after[QZIP] = 500_000
    drive.drop_always.add(QZIP)
    with pytest.raises(DownloadError, match="kept dropping"):
        download(tmp_path, regions=["R2"], tables=["timeseries"], mirror=drive.mirror)
    drive.drop_always.clear()
    drive.drop_after.clear()
    drive.reset_log()
    result = download(tmp_path, tables=["timeseries"], file_list=file_list)  # Drive, not mirror
    assert (tmp_path / "cold_start_dataset" / QZIP).read_bytes() == release_files.files[QZIP]
    assert drive.served(QZIP) == len(release_files.files[QZIP])
    assert result.notes == [
        "quantiles/R2.zip: a partial file of 500,000 bytes was begun anew (its state was "
        "missing or it came from another URL)"
    ]

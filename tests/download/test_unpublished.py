"""Files the release does not (yet) name or link: guessed names and announced-only files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldstart.cli import app
from coldstart.download import NotFoundError, download, load_catalog
from coldstart.errors import UsageError
from download.conftest import Release
from download.fakedrive import FakeDrive

pytestmark = pytest.mark.xdist_group("download")

HEADER = "region,table,part,drive_id,name,size_bytes,name_source,readme_commit"
PART = "per_request/R2/R2_00000_00000.zip"  # a request zip of the synthetic release


def listing(path: Path, template: str, *rows: str) -> Path:
    path.write_text("\n".join([f"# download_url: {template}", HEADER, *rows]) + "\n")
    return path


def test_only_r3s_request_zips_have_guessed_names_in_the_packaged_list() -> None:
    cat = load_catalog()
    guessed = [f.name for f in cat.files if f.name_inferred]
    assert guessed == [f"per_request/R3/R3_{a:05d}_{a + 39:05d}.zip" for a in range(0, 200, 40)]
    assert {f.name_source for f in cat.files if not f.name_inferred} == {"readme_obs_link"}
    assert all(f.published for f in cat.files)  # every file has a Drive link at that commit
    assert all(f.size_bytes is None for f in cat.files)  # the README gives no size


def test_an_announced_file_without_a_link_is_skipped_with_a_note(
    tmp_path: Path, drive: FakeDrive, release_files: Release
) -> None:
    ids = release_files.ids
    files = listing(
        tmp_path / "list.csv",
        drive.link_template,
        f"R2,cold_starts,1,{ids['cold_start/R2.zip']},cold_start/R2.zip,,test,0",
        f"R2,requests,1,,{PART},,inferred,0",
    )
    result = download(tmp_path / "d", regions=["R2"], file_list=files)
    assert result.files["name"].to_list() == ["cold_start/R2.zip"]
    assert result.notes == [
        f"not published yet, skipped: {PART} (the file list gives no link for them: {files}); "
        "use --mirror or --file-list once they are"
    ]
    with pytest.raises(UsageError, match=rf"^nothing to fetch: not published yet, skipped: {PART}"):
        download(tmp_path / "d", regions=["R2"], tables=["requests"], file_list=files)


def test_a_guessed_name_missing_on_a_mirror_says_the_name_is_a_guess(
    tmp_path: Path, drive: FakeDrive
) -> None:
    files = listing(
        tmp_path / "list.csv",
        drive.link_template,
        "R2,requests,1,x,per_request/R2/R2_guess.zip,,inferred,0",
    )
    res = CliRunner().invoke(
        app, ["download", str(tmp_path / "d"), "--file-list", str(files), "--mirror", drive.mirror]
    )
    assert res.exit_code == 1
    [line] = res.output.strip().splitlines()
    assert line.startswith(
        "error: per_request/R2/R2_guess.zip: the server answered HTTP 404 Not Found for "
    )
    assert line.endswith(
        "; per_request/R2/R2_guess.zip is a guessed name (the release publishes no name for "
        "this file, only a Google Drive link): fetch it without --mirror, or pass --file-list "
        "with the name your mirror uses"
    )
    with pytest.raises(NotFoundError):
        download(tmp_path / "d", file_list=files, mirror=drive.mirror)
    assert not [p for p in (tmp_path / "d").rglob("*") if p.is_file()]


def test_drive_naming_a_file_otherwise_than_our_guess_is_noted(
    tmp_path: Path, drive: FakeDrive, release_files: Release
) -> None:
    files = listing(
        tmp_path / "list.csv",
        drive.link_template,
        f"R2,requests,1,{release_files.ids[PART]},per_request/R2/R2_guess.zip,,inferred,0",
    )
    result = download(tmp_path, file_list=files)
    stored = tmp_path / "cold_start_dataset" / "per_request" / "R2" / "R2_guess.zip"
    assert stored.read_bytes() == release_files.files[PART]
    assert result.notes == [
        "per_request/R2/R2_guess.zip: stored under this guessed name; the server calls the "
        "file 'R2_00000_00000.zip' (the release README publishes no name for it)"
    ]


def test_a_guessed_name_whose_drive_link_is_gone_gets_no_mirror_hint(
    tmp_path: Path, drive: FakeDrive
) -> None:
    files = listing(
        tmp_path / "list.csv",
        drive.link_template,
        "R2,requests,1,gone,per_request/R2/R2_guess.zip,,inferred,0",
    )
    with pytest.raises(
        NotFoundError, match=r"HTTP 404 Not Found for http://127\.0\.0\.1:\d+/uc"
    ) as e:
        download(tmp_path / "d", file_list=files)
    assert "mirror" not in str(e.value)

"""`coldstart download` through typer's CliRunner, against the fake Drive and a mirror."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from coldstart.cli import app
from coldstart.ingest import check
from download.conftest import Release
from download.fakedrive import FakeDrive

pytestmark = pytest.mark.xdist_group("download")
runner = CliRunner()


def test_dry_run_lists_sizes_and_the_total(
    tmp_path: Path, drive: FakeDrive, release_files: Release
) -> None:
    size = len(release_files.files["cold_start/R2.zip"])
    res = runner.invoke(
        app,
        ["download", str(tmp_path), "--regions", "R2", "--tables", "cold_starts", "--dry-run",
         "--mirror", drive.mirror],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert f"total to fetch: {size / 1000:,.1f} KB ({size:,} bytes)" in res.output
    assert "to fetch" in res.output and "cold_start/R2.zip" in res.output
    assert not (tmp_path / "cold_start_dataset").exists()


def test_mirror_from_the_environment_and_ingest_in_the_same_command(
    tmp_path: Path, drive: FakeDrive, release_files: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLDSTART_MIRROR", drive.mirror)
    wh = tmp_path / "wh"
    res = runner.invoke(
        app,
        ["download", str(tmp_path / "d"), "--regions", "R2", "--tables", "cold_starts",
         "--days", "1-2", "--ingest", "--warehouse", str(wh), "--quiet"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(io.BytesIO(release_files.files["cold_start/R2.zip"])) as zf:
        rows = sum(len(zf.read(f"R2/day_{d}.csv").splitlines()) - 1 for d in (1, 2))
    totals = check(wh).totals
    got = totals.filter((pl.col("table") == "cold_starts") & (pl.col("region") == "R2"))
    assert got["rows"].to_list() == [rows]
    assert "2 ingested" in res.output
    # Single members of a synthetic zip keep its provenance marker beside them: the warehouse
    # says it holds synthetic data, not the release.
    from coldstart import provenance

    assert provenance.read(wh).is_synthetic


def test_a_refusal_is_one_line_on_stderr(tmp_path: Path, drive: FakeDrive, file_list: Path) -> None:
    drive.quota.add("cold_start/R2.zip")
    res = runner.invoke(
        app,
        ["download", str(tmp_path), "--tables", "cold_starts", "--file-list", str(file_list)],
    )
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: cold_start/R2.zip: Google Drive says the download quota")


def test_bad_option_names_the_option(tmp_path: Path) -> None:
    res = runner.invoke(app, ["download", str(tmp_path), "--days", "40"])
    assert res.exit_code == 2
    assert res.output.strip() == "error: --days '40': '40' is outside 0-30 or reversed"


def test_ctrl_c_says_the_parts_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import coldstart.download

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(coldstart.download, "download", interrupted)
    res = runner.invoke(app, ["download", str(tmp_path)])
    assert res.exit_code == 130
    assert res.output.strip() == (
        "interrupted; partial files stay under .part names and the next run resumes them"
    )

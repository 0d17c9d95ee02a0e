"""`coldstart ingest` / `coldstart check` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ingest_fixtures import COLD_HEADER, COLD_ROWS, write_tree
from typer.testing import CliRunner

import coldstart.cli.ingest_cmd  # noqa: F401  (registers the commands)
from coldstart.cli._common import app

runner = CliRunner()


def test_ingest_then_check(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    res = runner.invoke(app, ["ingest", str(src), "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    assert "7 ingested" in res.output
    assert "Rows per table and region" in res.output
    assert "R1 keeps only the top 100 pods" in res.output
    res = runner.invoke(app, ["ingest", str(src), "--warehouse", str(wh), "--quiet"])
    assert res.exit_code == 0
    assert "7 skipped" in res.output
    res = runner.invoke(app, ["check", "--warehouse", str(wh)])
    assert res.exit_code == 0, res.output
    assert "cold_starts" in res.output
    assert "podID not poolNN-CPU-MEM-N" in res.output


def test_env_variable_selects_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_tree(tmp_path / "src")
    monkeypatch.setenv("COLDSTART_WAREHOUSE", str(tmp_path / "envwh"))
    res = runner.invoke(app, ["ingest", str(src), "--tables", "functions", "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "envwh" / "functions").is_dir()
    res = runner.invoke(
        app, ["ingest", str(src), "--tables", "functions", "-q", "--warehouse", str(tmp_path / "o")]
    )
    assert (tmp_path / "o" / "functions").is_dir()


def _one_clean_line(output: str) -> None:
    assert "Traceback" not in output
    assert output.strip().startswith("error:")


def test_missing_path_is_one_line_nonzero(tmp_path: Path) -> None:
    res = runner.invoke(app, ["ingest", str(tmp_path / "missing"), "--warehouse", str(tmp_path)])
    assert res.exit_code != 0
    _one_clean_line(res.output)
    assert "no such file or directory" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_not_a_zip_is_one_line_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "R3.zip"
    bad.write_bytes(b"<html>quota exceeded</html>")
    res = runner.invoke(app, ["ingest", str(bad), "--warehouse", str(tmp_path / "wh")])
    assert res.exit_code != 0
    _one_clean_line(res.output)
    assert "not a zip file" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_bad_option_value_names_option(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    res = runner.invoke(app, ["ingest", str(src), "--regions", "R7", "--warehouse", str(tmp_path)])
    assert res.exit_code == 2
    assert "--regions" in res.output


def test_bad_rows_flag(tmp_path: Path) -> None:
    p = tmp_path / "cold_start" / "R1" / "day_0.csv"
    p.parent.mkdir(parents=True)
    p.write_text(f"{COLD_HEADER}\n{COLD_ROWS[0]}\n0,1,2")
    wh = tmp_path / "wh"
    res = runner.invoke(app, ["ingest", str(p), "--warehouse", str(wh)])
    assert res.exit_code == 1
    assert "line 3: expected 12 fields, found 3" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["ingest", str(p), "--warehouse", str(wh), "--skip-bad-rows"])
    assert res.exit_code == 0, res.output
    assert "malformed rows skipped" in res.output


def test_check_without_warehouse(tmp_path: Path) -> None:
    res = runner.invoke(app, ["check", "--warehouse", str(tmp_path / "none")])
    assert res.exit_code == 1
    assert "run `coldstart ingest` first" in res.output


def test_commands_have_help() -> None:
    for cmd in ("ingest", "check"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0
        assert "--warehouse" in res.output

"""`coldstart plot`: files written, one line per figure, clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldstart.cli import app
from coldstart.cli.plot_cmd import parse_days
from coldstart.errors import UsageError

runner = CliRunner()


def test_plot_writes_one_file_per_figure(tiny_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "figs"
    res = runner.invoke(
        app, ["plot", "fig01", "9", "--warehouse", str(tiny_warehouse), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [f"fig01: {out / 'fig01.png'}", f"fig09: {out / 'fig09.png'}"]
    assert (out / "fig01.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_plot_formats(tiny_warehouse: Path, tmp_path: Path, fmt: str, magic: bytes) -> None:
    res = runner.invoke(
        app,
        [
            "plot",
            "fig09",
            "--format",
            fmt,
            "--warehouse",
            str(tiny_warehouse),
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / f"fig09.{fmt}").read_bytes().startswith(magic)


def test_plot_options_reach_the_figures(tiny_warehouse: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "plot",
            "fig07",
            "fig17",
            "--regions",
            "R2",
            "--days",
            "11-20",
            "--keep-alive",
            "30",
            "--warehouse",
            str(tiny_warehouse),
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "fig07.png").exists() and (tmp_path / "fig17.png").exists()


def test_plot_skips_figures_without_data(cold_starts_only_warehouse: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "plot",
            "fig01",
            "fig13",
            "--warehouse",
            str(cold_starts_only_warehouse),
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("fig01: skipped") and "counts" in lines[0]
    assert lines[1] == f"fig13: {tmp_path / 'fig13.png'}"
    assert not (tmp_path / "fig01.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plot", "fig99"], "choose from fig01, fig03"),
        (["plot", "fig02"], "diagram"),
        (["plot", "fig01", "--format", "jpg"], "--format"),
        (["plot", "fig01", "--regions", "R7"], "--regions"),
        (["plot", "fig05", "--days", "x"], "--days"),
        (["plot", "fig05", "--days", "20-3"], "--days"),
    ],
)
def test_plot_bad_input(
    tiny_warehouse: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    res = runner.invoke(app, [*args, "--warehouse", str(tiny_warehouse), "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_plot_says_when_regions_leave_region_2_out(tiny_warehouse: Path, tmp_path: Path) -> None:
    """Fig 17 shows Region 2 only: --regions R1 says so on the terminal and writes nothing."""
    res = runner.invoke(
        app,
        ["plot", "fig17", "fig10", "--regions", "R1", "--warehouse", str(tiny_warehouse),
         "--out", str(tmp_path)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "fig17: skipped" in res.output and "R2" in res.output
    assert not (tmp_path / "fig17.png").exists()
    assert (tmp_path / "fig10.png").exists()


def test_shared_options_are_worded_once() -> None:
    """--warehouse and --regions read the same in every command that has them."""
    import typer.main

    from coldstart.cli._common import REGIONS_HELP, WAREHOUSE_HELP

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for command in ("plot", "report"):
        params = {p.name: p for p in commands[command].params}
        assert params["warehouse"].help == WAREHOUSE_HELP, command
        assert params["regions"].help == REGIONS_HELP, command


def test_plot_missing_warehouse(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plot", "all", "--warehouse", str(tmp_path / "none")])
    assert res.exit_code != 0
    assert "coldstart ingest" in res.output


def test_parse_days() -> None:
    assert parse_days("10-25") == (10, 25)
    assert parse_days("7") == (7, 7)
    assert parse_days(None) is None
    with pytest.raises(UsageError, match="--days"):
        parse_days("1-2-3")


def test_plot_has_help() -> None:
    res = runner.invoke(app, ["plot", "--help"])
    assert res.exit_code == 0
    for option in ("--out", "--format", "--warehouse", "--regions", "--days", "--keep-alive"):
        assert option in res.output

"""Project hygiene: lint, every CLI command documented, README commands match CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coldstart.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    return [str(exe)] if exe.exists() else [shutil.which("ruff") or "ruff"]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_clean(args: list[str]) -> None:
    proc = subprocess.run([*_ruff(), *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_command_has_help() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert {"synth", "ingest", "check", "demo"} <= set(commands)
    for name, cmd in commands.items():
        assert cmd.help and len(cmd.help) > 20, name
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make demo" in readme
    assert ci.strip().splitlines()[-1] == "make test"


@pytest.mark.xdist_group("project")
def test_xdist_groups_take_effect(request: pytest.FixtureRequest) -> None:
    """Under `--dist loadgroup` (the README's test command) a grouped test's node id carries
    its group: if a pytest/xdist pairing breaks that, every shared fixture of a group (the
    Spark session, the calibration seeds) silently runs on both workers."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run under pytest-xdist --dist loadgroup")
    assert request.node.nodeid.endswith("@project")

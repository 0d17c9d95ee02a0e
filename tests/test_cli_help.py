"""Every command's --help shows every option's help text whole.

Typer's rich markup read any ``[word …]`` in a help string as a style tag and dropped it
(``Warehouse folder [default: …].`` printed as ``Warehouse folder .``): the help is now
Markdown, and this test renders each command's help and looks for each text in it.
"""

from __future__ import annotations

import re

import click
import pytest
import typer
from typer.testing import CliRunner

from coldstart.cli import app

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _flat(text: str) -> str:
    """Help text without the panels' box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_help_is_shown_whole(name: str) -> None:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    result = runner.invoke(app, [name, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    shown = _flat(result.output)
    params = [p for p in command.params if isinstance(p, click.Option | click.Argument)]
    helps = [getattr(p, "help", None) for p in params]
    for text in filter(None, helps):
        assert _flat(text) in shown, f"{name}: help {text!r} not shown whole"
    assert "Warehouse folder ." not in shown

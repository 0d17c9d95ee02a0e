"""The `coldstart` command line: thin wrappers that parse options and call the library.

Each command lives in its own module and registers itself on the shared typer app
(``coldstart/cli/_common.py``) with ``@app.command``. **To add a command, add its module to
COMMAND_MODULES.**

Start-up is kept short: the modules import what their commands need (polars, the ingest, the
generator, matplotlib — about a second together), so ``coldstart CMD …`` imports only the
module that defines CMD, and ``coldstart --help`` lists the commands without importing any of
them, from the modules' own ``@app.command`` lines and docstrings (read with :mod:`ast`; a test
checks that this listing equals typer's). ``from coldstart.cli import app`` gives the app with
every command registered (what the tests drive with typer's ``CliRunner``).
"""

from __future__ import annotations

import ast
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coldstart.cli._common import app as _app

# The modules that define commands, in the order `coldstart --help` lists them.
COMMAND_MODULES = (
    "demo_cmd",
    "download_cmd",
    "ingest_cmd",
    "plot_cmd",
    "query_cmd",
    "report_cmd",
    "synth_cmd",
)


@_app.callback()
def _root() -> None:
    # A group even while only one command module is loaded: typer would otherwise make a lone
    # command the whole program (`coldstart synth DEST` would read "synth" as DEST).
    pass


@dataclass(frozen=True)
class CommandEntry:
    """A command as its module declares it: name, defining module, help text."""

    name: str
    module: str
    help: str | None
    hidden: bool = False


def command_index() -> list[CommandEntry]:
    """Every command of COMMAND_MODULES, read from their source without importing them."""
    here = Path(__file__).resolve().parent
    entries: list[CommandEntry] = []
    for module in COMMAND_MODULES:
        tree = ast.parse((here / f"{module}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                entries += [
                    _entry(node, call, module) for call in node.decorator_list if _is_command(call)
                ]
    return entries


def _is_command(node: ast.expr) -> bool:
    """``@app.command(...)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "command"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "app"
    )


def _entry(func: ast.FunctionDef, call: ast.expr, module: str) -> CommandEntry:
    assert isinstance(call, ast.Call)
    options = {k.arg: k.value for k in call.keywords if k.arg}
    name_node = call.args[0] if call.args else options.get("name")
    # typer's own default: the function name, lower case, "_" -> "-"
    name = _constant(name_node) or func.name.lower().replace("_", "-")
    help_text = _constant(options.get("help")) or ast.get_docstring(func)
    return CommandEntry(name, module, help_text, bool(_constant(options.get("hidden"))))


def _constant(node: ast.expr | None) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


def load_commands(modules: tuple[str, ...] = COMMAND_MODULES) -> None:
    """Import command modules (each registers its commands on the shared app)."""
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")


def main() -> None:
    """``coldstart``: import the invoked command's module only, or list every command."""
    args = sys.argv[1:]
    wanted = args[0] if args and not args[0].startswith("-") else None
    index = command_index()
    module = next((e.module for e in index if e.name == wanted), None)
    if module is not None:
        load_commands((module,))
        _app()
        return
    # --help, no arguments or an unknown command: typer's group, listing every command.
    import typer.core
    import typer.main

    group = typer.main.get_command(_app)
    assert isinstance(group, typer.core.TyperGroup)
    for e in index:
        group.add_command(
            typer.core.TyperCommand(
                e.name, help=e.help, hidden=e.hidden, rich_markup_mode=_app.rich_markup_mode
            )
        )
    group()


def __getattr__(name: str) -> Any:
    """``app``: the typer app with every command registered."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    load_commands()
    globals()["app"] = _app
    return _app


__all__ = ["COMMAND_MODULES", "app", "command_index", "load_commands", "main"]

"""The `coldstart` command line: thin wrappers that parse options and call the library.

Each command lives in its own module and registers itself on the shared typer app when
imported here.
"""

from __future__ import annotations

from coldstart.cli import demo_cmd, ingest_cmd, plot_cmd, query_cmd, report_cmd, synth_cmd
from coldstart.cli._common import app
from coldstart.cli.download_cmd import download_command  # noqa: F401  (light; imports inside)

COMMAND_MODULES = (demo_cmd, ingest_cmd, plot_cmd, query_cmd, report_cmd, synth_cmd)


def main() -> None:
    app()


__all__ = ["COMMAND_MODULES", "app", "main"]

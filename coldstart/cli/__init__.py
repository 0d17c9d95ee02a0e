"""The `coldstart` command line: thin wrappers that parse options and call the library.

Each command lives in its own module and registers itself on the shared typer app.
"""

from __future__ import annotations

from coldstart.cli import ingest_cmd  # noqa: F401  (registers commands)
from coldstart.cli import synth_cmd  # noqa: F401  (registers commands)
from coldstart.cli._common import app


def main() -> None:
    app()


__all__ = ["app", "main"]

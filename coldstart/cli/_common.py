"""Shared CLI plumbing: the typer app, error translation and common options."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from coldstart.errors import ColdstartError

app = typer.Typer(
    name="coldstart",
    help="Turn the Huawei Public Cloud cold-start trace (2025) into a fast, queryable dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown, not rich markup: rich reads any "[word …]" in a help text as a style tag and
    # drops it ("[default: …]", "local[2]"), and keeps the docstrings' hard line breaks.
    rich_markup_mode="markdown",
)

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn library errors into one clear line on stderr and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ColdstartError as exc:
            err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}", markup=True)
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted; nothing was published")
            raise typer.Exit(code=130) from None

    return wrapper  # type: ignore[return-value]


def split_csv_option(value: str | None) -> list[str] | None:
    """`--regions R1,R2` -> ['R1', 'R2']; None stays None."""
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


# --- options shared by several commands (one wording, one validation) ---------------------------

WAREHOUSE_HELP = "Warehouse folder (default: $COLDSTART_WAREHOUSE, else data/warehouse)."
REGIONS_HELP = "Only these regions, comma-separated (e.g. R1,R2). Default: all."


def warehouse_option() -> Any:
    """The ``--warehouse`` option, worded the same in every command."""
    return typer.Option(None, "--warehouse", help=WAREHOUSE_HELP)


def regions_option() -> Any:
    """The ``--regions`` option, worded the same in every command."""
    return typer.Option(None, "--regions", help=REGIONS_HELP)


def parse_regions(value: str | None) -> tuple[str, ...] | None:
    """``--regions R1,R2`` → ('R1', 'R2'), validated (the error names --regions)."""
    from coldstart.frames.options import check_regions

    return check_regions(split_csv_option(value), "--regions")

"""Progress reporting for long work: rich bars on a terminal, silence otherwise.

Library functions take a ``Progress``-like object (``NullProgress`` by default) so they stay
quiet when called from notebooks or tests; the CLI decides whether to show bars.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressSink(Protocol):
    def add_task(self, description: str, total: float | None = None) -> int: ...
    def advance(self, task_id: int, advance: float = 1) -> None: ...


class NullProgress:
    """Accepts progress updates and shows nothing."""

    def add_task(self, description: str, total: float | None = None) -> int:
        return 0

    def advance(self, task_id: int, advance: float = 1) -> None:
        return None


def should_show(quiet: bool) -> bool:
    """Bars only on an interactive terminal and when not asked to be quiet."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress_bars(quiet: bool = False) -> Iterator[ProgressSink]:
    """Yield a rich progress display on a TTY (stderr), else a silent sink."""
    if not should_show(quiet):
        yield NullProgress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bars:
        yield bars

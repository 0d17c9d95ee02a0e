"""Byte progress for downloads: a bar per file and one overall (bytes, rate, ETA).

Like :mod:`coldstart.progress`, bars only on a terminal and not with ``--quiet``; library
calls get a silent sink by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from coldstart.progress import should_show


class ByteProgress(Protocol):
    def add_task(self, description: str, total: float | None = None) -> Any: ...
    def advance(self, task_id: Any, advance: float = 1) -> None: ...
    def update(self, task_id: Any, *, total: float | None = None) -> None: ...


class NullByteProgress:
    """Accepts byte progress and shows nothing."""

    def add_task(self, description: str, total: float | None = None) -> int:
        return 0

    def advance(self, task_id: Any, advance: float = 1) -> None:
        return None

    def update(self, task_id: Any, *, total: float | None = None) -> None:
        return None


@contextmanager
def byte_bars(quiet: bool = False) -> Iterator[ByteProgress]:
    """Rich bars with sizes, transfer rate and time left on a TTY (stderr); else silence."""
    if not should_show(quiet):
        yield NullByteProgress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    ) as bars:
        yield bars  # type: ignore[misc]

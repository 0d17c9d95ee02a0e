"""Fixtures of the figure tests: the `tiny` synthetic trace ingested once per test session.

Under pytest-xdist the workers share one warehouse, built under a file lock in the session's
common temp folder (as tests/conftest.py does for the synthetic traces). Figures are built
lazily and cached per worker, so each test file asks for the figures it checks and pays for
each at most once.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
import pytest

matplotlib.use("Agg")

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

import coldstart.query
from coldstart import frames, plots

# `tiny_warehouse` (the tiny trace, ingested once per run) comes from tests/conftest.py.


# `cold_starts_only_warehouse` comes from tests/conftest.py.


@pytest.fixture(scope="session")
def r2_only_warehouse(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, tiny_warehouse: Path
) -> Path:
    """The `tiny` warehouse with Region 2's partitions only: a region filter on another
    region then matches nothing."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        base = base.parent
    root = base / "figures-wh-r2-only"
    with open(base / "figures-wh-r2-only.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "DONE").exists():
            for table in ("cold_starts", "counts", "timeseries", "requests", "functions"):
                src = tiny_warehouse / table / "region=R2"
                if src.exists():
                    shutil.copytree(
                        src, root / "warehouse" / table / "region=R2", dirs_exist_ok=True
                    )
            (root / "DONE").write_text("ok\n")
    return root / "warehouse"


@pytest.fixture(scope="session")
def tiny_session(tiny_warehouse: Path) -> Iterator[Any]:
    with coldstart.query.open(tiny_warehouse) as session:
        yield session


@dataclass
class Built:
    """A figure as the tests look at it: its frames, the drawing and the caption."""

    frames: frames.FigureFrames
    figure: Figure
    caption: str
    _pixels: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> dict[str, Any]:
        return self.frames.frames

    def pixels(self) -> np.ndarray:
        """The figure drawn by Agg at its own dpi, as RGB values in 0..1, drawn once.

        The draw also lays the figure out (ticks, labels, constrained layout) exactly as
        ``draw_without_rendering`` would, so the tests that need pixels and those that need a
        laid-out figure share one draw: a draw is most of a figure test's cost.
        """
        if self._pixels is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            canvas = FigureCanvasAgg(self.figure)
            canvas.draw()
            self._pixels = np.asarray(canvas.buffer_rgba())[..., :3] / 255.0
        return self._pixels


def build(fig_id: str, session: Any, **options: Any) -> Built:
    ff = frames.build(fig_id, session, **options)
    return Built(ff, plots.draw(ff), plots.caption(ff))


class FigureCache:
    """Builds each (figure, options) once per worker."""

    def __init__(self, session: Any) -> None:
        self.session = frames.CachedSession(session)
        self._cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Built] = {}

    def __call__(self, fig_id: str, **options: Any) -> Built:
        key = (fig_id, tuple(sorted(options.items())))
        if key not in self._cache:
            self._cache[key] = build(fig_id, self.session, **options)
        return self._cache[key]


@pytest.fixture(scope="session")
def tiny_figure(tiny_session: Any) -> FigureCache:
    """``tiny_figure("fig03")`` → the FigureResult on the tiny warehouse (cached)."""
    return FigureCache(tiny_session)

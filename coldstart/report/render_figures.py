"""Drawing the report's figures: :func:`coldstart.figures.make`, then PNG bytes.

Drawing is most of a report's time: building a figure and rasterising it cost about the same,
≈0.3–1 s each for a dozen figures (≈14 s of CPU on the `small` trace; the PNG compression
level makes no difference, the time is Agg rendering). Drawing them in two spawned worker
processes was measured and rejected: on this shared 2-core machine, already loaded by other
work, it took 20–70 % *longer* (each worker pays ≈3 s of imports and its own session) and
used 30–40 % more CPU. So figures are drawn one after the other, in-process.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from coldstart import figures
from coldstart.progress import ProgressSink


@dataclass
class Drawn:
    """One figure as the report needs it: PNG bytes and data, or why it was skipped."""

    fig_id: str
    caption: str = ""
    png: bytes | None = None
    skipped_reason: str | None = None
    data: dict[str, pl.DataFrame] = field(default_factory=dict)
    seconds: float = 0.0


def draw(session: Any, fig_id: str, regions: tuple[str, ...] | None, dpi: int) -> Drawn:
    """Build one figure with :func:`coldstart.figures.make` and rasterise it."""
    t0 = time.perf_counter()
    result = figures.make(fig_id, session, regions=regions)
    if result.figure is None:
        return Drawn(fig_id, skipped_reason=result.skipped_reason, seconds=0.0)
    buf = io.BytesIO()
    result.figure.savefig(buf, format="png", dpi=dpi)
    return Drawn(
        fig_id,
        caption=result.caption,
        png=buf.getvalue(),
        data=result.data,
        seconds=time.perf_counter() - t0,
    )


def draw_all(
    session: Any,
    fig_ids: Sequence[str],
    *,
    regions: tuple[str, ...] | None,
    dpi: int,
    progress: ProgressSink,
    task: int,
) -> dict[str, Drawn]:
    """Draw ``fig_ids``; returns them by id. Progress advances as each one is done."""
    out: dict[str, Drawn] = {}
    for fid in fig_ids:
        out[fid] = draw(session, fid, regions, dpi)
        progress.advance(task)
    return out

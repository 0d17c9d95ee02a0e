"""A figure as PNG bytes, and the figure's memory released at once.

Drawing is most of a report's time: building a figure and rasterising it cost about the same,
≈0.3–1 s each (the PNG compression level makes no difference, the time is Agg rendering).
Drawing in two spawned worker processes was measured and rejected on this shared 2-core
machine: 20–70 % *longer* (each worker pays ≈3 s of imports and its own session).
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure


def png(fig: Figure, dpi: int) -> bytes:
    """Rasterise ``fig`` at ``dpi`` and drop its artists (a report draws sixteen of them)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    fig.clear()
    return buf.getvalue()

"""The drawing layer: figures from frames (:mod:`coldstart.frames`), never from queries.

A figure is :func:`draw` of a :class:`~coldstart.frames.FigureFrames` plus :func:`caption`.
Plotting modules take DataFrames and return a matplotlib Figure through the object API only
(no pyplot state), so they work under the Agg backend and in threads. Colours come from
:mod:`coldstart.plots.style`, one per region, runtime, trigger group, resource group and
cold-start component, the same in every figure.

* :mod:`~coldstart.plots.regions` — Fig 1 (region sizes), Fig 3 (region CDFs), Fig 4 (users)
* :mod:`~coldstart.plots.temporal` — Fig 5 (daily peaks), Fig 6 (peak-to-trough), Fig 7 (holiday)
* :mod:`~coldstart.plots.region2` — Fig 8 (pods by group), Fig 9 (triggers by runtime), Fig 14
* :mod:`~coldstart.plots.distributions` — Fig 10 (cold-start time and IAT CDFs with fits)
* :mod:`~coldstart.plots.components` — Fig 11 (hourly components), Fig 12 (Spearman), Fig 13
* :mod:`~coldstart.plots.breakdowns` — Fig 15/16 (components by runtime/trigger), Fig 17
* :mod:`~coldstart.plots.figures` — :func:`draw` and :func:`caption` for every figure id
"""

from __future__ import annotations

from coldstart.plots.figures import caption, draw

__all__ = ["caption", "draw"]

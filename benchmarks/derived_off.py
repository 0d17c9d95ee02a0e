"""Switch the ingest's derived columns off, to measure what they cost (``ingest_bench.py``
tools ``coldstart-nowrite`` and ``coldstart-noderive``).

An attribution experiment, not a mode of coldstart: it patches internals of
:mod:`coldstart.ingest`, and the warehouse it writes lacks documented columns.

* ``nowrite``: the derived columns are computed and counted as usual, but only the release's
  own columns (and ``day``) are written;
* ``noderive``: they are neither computed nor written (requests still get ``day``, which
  partitions them; the quality counts that need derived columns are off).
"""

from __future__ import annotations

import functools
from typing import Any

import polars as pl
import pyarrow as pa

from coldstart import derive
from coldstart.ingest import loaders, parts


class _RawView:
    """A warehouse table seen with only the release's own columns (and day)."""

    def __init__(self, table: Any) -> None:
        keep = set(loaders.EXPECTED_COLUMNS.get(table.name, ())) | {"day"}
        self.name = table.name
        self.columns = [
            c for c in table.columns if c.name in keep or table.name not in loaders.EXPECTED_COLUMNS
        ]
        full = table.arrow_schema()
        self._schema = pa.schema([f for f in full if f.name in {c.name for c in self.columns}])

    def arrow_schema(self) -> Any:
        return self._schema


def apply(mode: str) -> None:
    if mode not in ("nowrite", "noderive"):
        raise ValueError(mode)
    to_arrow, init = parts.to_arrow, parts.PartWriter.__init__
    parts.to_arrow = lambda frame, table, request_ids=None: to_arrow(
        frame, _RawView(table), request_ids
    )
    parts.PartWriter.__init__ = lambda self, path, table: init(self, path, _RawView(table))
    if mode == "noderive":

        def stages(table: str, time_col: str) -> list[list[pl.Expr]]:
            return [[derive.day_of(time_col)]] if table == "requests" else []

        def derived(lazy: pl.LazyFrame, stages: list[list[pl.Expr]], _fn: Any) -> pl.LazyFrame:
            return functools.reduce(lambda lz, st: lz.with_columns(*st), stages, lazy)

        loaders._stages = stages
        loaders._derive = derived
        loaders._quality_exprs = lambda table, time_col: {}

"""A session wrapper that runs each named query once, however many figures need it.

The report's figures share queries (Fig 6 and Fig 14 both read requests_vs_cold_starts; the
sections' tables reuse the figures' results), so the frames layer asks this cache, which keys
results by query name and parameters and keeps a count and the time of each run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass
class QueryRun:
    """One query that ran: its name and parameters, how long it took, how often it was asked
    and how often it ran (more than once only if its result was too big to keep)."""

    name: str
    params: dict[str, Any]
    seconds: float
    asked: int = 1
    ran: int = 1


@dataclass
class CachedSession:
    """``.query(name, **params)`` memoised; everything else passes through to the session."""

    session: Any
    runs: dict[tuple[str, tuple[tuple[str, Any], ...]], QueryRun] = field(default_factory=dict)
    _results: dict[tuple[str, tuple[tuple[str, Any], ...]], pl.DataFrame] = field(
        default_factory=dict
    )

    #: Results bigger than this are not kept (the per-event queries a single figure reads:
    #: keeping them would hold every cold start in memory for the whole report).
    keep_bytes: int = 16 * 1024 * 1024

    def query(self, name: str, /, **params: Any) -> pl.DataFrame:
        key = (name, tuple(sorted(params.items())))
        if key in self._results:
            self.runs[key].asked += 1
            return self._results[key]
        t0 = time.perf_counter()
        df = self.session.query(name, **params)
        seconds = time.perf_counter() - t0
        self._log_run(key, name, params, seconds)
        if df.estimated_size() <= self.keep_bytes:
            self._results[key] = df
        return df

    def query_batches(
        self, name: str, /, *, rows: int = 1_000_000, **params: Any
    ) -> Iterator[pl.DataFrame]:
        """The session's batches, never kept (the query is one too big to hold), timed and
        logged like any other run; a session without batches yields its whole result once."""
        t0 = time.perf_counter()
        batches = getattr(self.session, "query_batches", None)
        if batches is None:
            yield self.session.query(name, **params)
        else:
            yield from batches(name, rows=rows, **params)
        key = (name, tuple(sorted(params.items())))
        seconds = time.perf_counter() - t0
        self._log_run(key, name, params, seconds)

    def _log_run(self, key: Any, name: str, params: dict[str, Any], seconds: float) -> None:
        """Count one more run of a query (with the time it took) in the report's query log."""
        if key in self.runs:
            run = self.runs[key]
            run.asked, run.ran, run.seconds = run.asked + 1, run.ran + 1, run.seconds + seconds
        else:
            self.runs[key] = QueryRun(name, dict(params), seconds)

    def forget(self) -> None:
        """Drop the kept results (the run log stays): frees memory between report sections."""
        self._results.clear()

    @property
    def tables(self) -> list[str]:
        return list(self.session.tables)

    @property
    def warehouse(self) -> Any:
        return self.session.warehouse

    def named(self, name: str) -> Any:
        return self.session.named(name)

    def sql(self, text: str, /, **params: Any) -> pl.DataFrame:
        return self.session.sql(text, **params)

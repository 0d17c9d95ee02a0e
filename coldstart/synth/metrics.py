"""The release's per-minute metrics: which events each is a statistic of, and the statistics.

Every one of the release's 16 metrics gets all ten statistics per function and minute, computed
from the simulated events of that minute, so the per-minute tables agree with the event tables
(the request day's rows and every cold start):

* request metrics (worker side): statistics over every request of the minute;
* request metrics (frontend side): over the minute's requests whose frontend fields are not
  NaN (the release's frontend fields are missing on some rows);
* cold-start metrics: over the minute's cold starts.

Values are held as integers at each metric's resolution (µs for times, 1e-6 cores, 1e-3 MB,
bytes), which is what the release's CSVs carry and lets one integer sort give every group's
order statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coldstart import release
from coldstart.errors import UsageError

WORKER, FRONTEND, COLD_START = "worker", "frontend", "cold_start"


@dataclass(frozen=True)
class MetricSource:
    """Which events a metric's statistics are over, and its integer resolution."""

    events: str  # WORKER, FRONTEND or COLD_START
    scale: float  # integer units per release unit (1e6: µs for seconds)


METRIC_SOURCES: dict[str, MetricSource] = {
    "busCost": MetricSource(FRONTEND, 1e6),
    "cpu_usage": MetricSource(WORKER, 1e6),
    "deployCodeCost": MetricSource(COLD_START, 1e6),
    "deployDependencyCost": MetricSource(COLD_START, 1e6),
    "frontendCost": MetricSource(FRONTEND, 1e6),
    "memory_usage": MetricSource(WORKER, 1e3),
    "podAllocationCost": MetricSource(COLD_START, 1e6),
    "readBodyCost": MetricSource(FRONTEND, 1e6),
    "requestBodySize": MetricSource(FRONTEND, 1.0),
    "runtimeCost": MetricSource(WORKER, 1e6),
    "schedulingCost": MetricSource(COLD_START, 1e6),
    "totalCost": MetricSource(WORKER, 1e6),
    "totalCost_cold_start": MetricSource(COLD_START, 1e6),
    "totalCost_frontend": MetricSource(FRONTEND, 1e6),
    "workerCost": MetricSource(WORKER, 1e6),
    "writeRspCost": MetricSource(FRONTEND, 1e6),
}
assert tuple(sorted(METRIC_SOURCES)) == tuple(sorted(release.METRICS))

_VALUE_BITS = 38  # integer values below 2**38 (≈ 275 000 s in µs); group keys use the rest
_VALUE_MASK = (1 << _VALUE_BITS) - 1


def resolve_metrics(metrics: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The metrics to write, in the release's order; ``None`` means all 16."""
    if metrics is None:
        return release.METRICS
    bad = [m for m in metrics if m not in release.METRICS]
    if bad:
        raise UsageError(
            f"unknown metric {bad[0]!r} in --metrics; valid metrics: {', '.join(release.METRICS)}"
        )
    return tuple(m for m in release.METRICS if m in set(metrics))


def series_folders(metrics: tuple[str, ...] = release.METRICS) -> list[str]:
    """The per-minute folders written for these metrics: the counts, then metric_stat."""
    return list(release.COUNT_SERIES) + [f"{m}_{s}" for m in metrics for s in release.STATS]


def grouped_stats(
    keys: np.ndarray, values: np.ndarray, n_groups: int, scale: float = 1e6
) -> dict[str, np.ndarray]:
    """avg, std (sample, ddof=1) and quantiles of ``values`` per integer key in [0, n_groups).

    Quantiles follow Spark's ``percentile_approx`` at full accuracy: the smallest observed
    value with at least q of the group's values at or below it (so quantile_000 is the
    minimum and quantile_100 the maximum). Groups without values get NaN; std of a single
    value is NaN, as in Spark and pandas. ``values`` are non-negative and exact at
    ``1/scale`` (the release's resolution of the metric).
    """
    out = {s: np.full(n_groups, np.nan) for s in release.STATS}
    if len(keys) == 0:
        return out
    keys = keys.astype(np.int64, copy=False)
    counts = np.bincount(keys, minlength=n_groups)
    has = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(keys, weights=values, minlength=n_groups) / counts
        dev = values - mean[keys]
        ss = np.bincount(keys, weights=dev * dev, minlength=n_groups)
        std = np.where(counts > 1, np.sqrt(ss / np.maximum(counts - 1, 1)), np.nan)
    out["avg"] = np.where(has, mean, np.nan)
    out["std"] = std
    q = np.minimum(np.rint(values * scale).astype(np.int64), _VALUE_MASK)
    ordered = np.sort((keys << _VALUE_BITS) | q) & _VALUE_MASK
    gk = np.flatnonzero(has)
    c = counts[gk]
    starts = np.cumsum(c) - c
    for stat, level in release.STAT_QUANTILES.items():
        pos = np.maximum(np.ceil(level * c - 1e-9).astype(np.int64) - 1, 0)
        out[stat][gk] = ordered[starts + pos] / scale
    return out

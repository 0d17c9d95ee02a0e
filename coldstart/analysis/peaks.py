"""Smoothing and daily-peak detection of Fig 5 (region-total requests per minute).

The paper plots, per region, the normalised requests per minute, a smoothed curve and the
largest peak in each 24 h window, but gives neither the smoothing nor the peak criteria
(paper_catalog §Fig 5). Named parameters, with the catalog's defaults:

* ``window_minutes`` (default 45): centred rolling mean; ≈30–60 min matches the figure.
* ``normalise`` (default ``"minmax"``): per-region min–max scaling, since the paper hides the
  y ticks and only the shape and phase matter.
* Peaks are ``scipy.signal.find_peaks`` on the smoothed series with ``prominence`` (default
  0.05 of the normalised range, so noise wiggles do not count); the daily peak is the highest
  of them in [d, d+1) days. A day without any detected peak falls back to its maximum, so every
  day gets a mark, flagged ``from_find_peaks = False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

SECONDS_PER_DAY = 86_400
MINUTE = 60
DEFAULT_WINDOW_MINUTES = 45
DEFAULT_PROMINENCE = 0.05

Normalise = Literal["minmax", "max", "none"]


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Centred rolling mean over ``window`` samples (shorter at the edges, never NaN)."""
    arr = np.asarray(values, dtype=float)
    if window <= 1 or arr.size == 0:
        return arr.copy()
    return (
        pl.Series(arr)
        .rolling_mean(window_size=window, min_samples=1, center=True)
        .to_numpy()
        .astype(float)
    )


def normalise(values: np.ndarray, how: Normalise = "minmax") -> np.ndarray:
    """Scale to [0, 1] (min–max), to max 1 (``"max"``), or not at all; constants map to 0/1."""
    arr = np.asarray(values, dtype=float)
    if how == "none" or arr.size == 0:
        return arr.copy()
    hi = float(np.nanmax(arr))
    if how == "max":
        return arr / hi if hi > 0 else np.zeros_like(arr)
    lo = float(np.nanmin(arr))
    return (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)


def largest_peak_per_window(
    times: np.ndarray,
    smoothed: np.ndarray,
    *,
    window_s: float = SECONDS_PER_DAY,
    prominence: float | None = DEFAULT_PROMINENCE,
) -> pl.DataFrame:
    """Highest ``find_peaks`` peak of ``smoothed`` within each ``window_s`` window.

    Returns ``day, time, value, from_find_peaks`` (``day`` = window index, ``time`` in the
    units of ``times``).
    """
    from scipy.signal import find_peaks

    times = np.asarray(times, dtype=float)
    smoothed = np.asarray(smoothed, dtype=float)
    peaks, _ = find_peaks(smoothed, prominence=prominence)
    window = np.floor(times / window_s).astype(np.int64)
    rows: list[tuple[int, float, float, bool]] = []
    for w in np.unique(window):
        in_w = peaks[window[peaks] == w]
        if in_w.size:
            best = int(in_w[np.argmax(smoothed[in_w])])
            rows.append((int(w), float(times[best]), float(smoothed[best]), True))
        else:
            idx = np.flatnonzero(window == w)
            best = int(idx[np.argmax(smoothed[idx])])
            rows.append((int(w), float(times[best]), float(smoothed[best]), False))
    return pl.DataFrame(
        rows,
        schema={
            "day": pl.Int64,
            "time": pl.Float64,
            "value": pl.Float64,
            "from_find_peaks": pl.Boolean,
        },
        orient="row",
    )


@dataclass(frozen=True)
class DailyPeaks:
    """Fig 5's data: the per-minute series and the daily peaks, per region.

    ``series``: region, time (s), day_frac (days since trace start), requests, normalised,
    smoothed. ``peaks``: region, day, time, day_frac, value, from_find_peaks.
    """

    series: pl.DataFrame
    peaks: pl.DataFrame


def daily_peaks(
    per_minute: pl.DataFrame,
    *,
    window_minutes: int = DEFAULT_WINDOW_MINUTES,
    how: Normalise = "minmax",
    prominence: float | None = DEFAULT_PROMINENCE,
    first_day: int | None = None,
    last_day: int | None = None,
) -> DailyPeaks:
    """Normalise, smooth and find the daily peak of ``region, time, requests`` per region.

    Minutes absent from the input count as 0 requests (the release's NaN); the grid runs over
    whole days from ``first_day`` to ``last_day`` (inclusive; default: the days present).
    """
    series_parts: list[pl.DataFrame] = []
    peak_parts: list[pl.DataFrame] = []
    for (region,), part in sorted(per_minute.partition_by("region", as_dict=True).items()):
        d0 = first_day if first_day is not None else int(part["time"].min() // SECONDS_PER_DAY)
        d1 = last_day if last_day is not None else int(part["time"].max() // SECONDS_PER_DAY)
        grid = np.arange(d0 * SECONDS_PER_DAY, (d1 + 1) * SECONDS_PER_DAY, MINUTE, dtype=float)
        values = np.zeros(grid.size)
        t = part["time"].cast(pl.Float64).to_numpy()
        idx = ((t - grid[0]) // MINUTE).astype(np.int64)
        ok = (idx >= 0) & (idx < grid.size)
        np.add.at(values, idx[ok], part["requests"].cast(pl.Float64).to_numpy()[ok])
        norm = normalise(values, how)
        sm = smooth(norm, window_minutes)
        series_parts.append(
            pl.DataFrame({"time": grid, "requests": values, "normalised": norm, "smoothed": sm})
            .with_columns(
                pl.lit(str(region)).alias("region"),
                (pl.col("time") / SECONDS_PER_DAY).alias("day_frac"),
            )
            .select("region", "time", "day_frac", "requests", "normalised", "smoothed")
        )
        pk = largest_peak_per_window(grid, sm, prominence=prominence)
        peak_parts.append(
            pk.with_columns(
                pl.lit(str(region)).alias("region"),
                (pl.col("time") / SECONDS_PER_DAY).alias("day_frac"),
            ).select("region", "day", "time", "day_frac", "value", "from_find_peaks")
        )
    if not series_parts:
        return DailyPeaks(
            series=pl.DataFrame(
                schema={
                    "region": pl.String,
                    "time": pl.Float64,
                    "day_frac": pl.Float64,
                    "requests": pl.Float64,
                    "normalised": pl.Float64,
                    "smoothed": pl.Float64,
                }
            ),
            peaks=pl.DataFrame(
                schema={
                    "region": pl.String,
                    "day": pl.Int64,
                    "time": pl.Float64,
                    "day_frac": pl.Float64,
                    "value": pl.Float64,
                    "from_find_peaks": pl.Boolean,
                }
            ),
        )
    return DailyPeaks(series=pl.concat(series_parts), peaks=pl.concat(peak_parts))

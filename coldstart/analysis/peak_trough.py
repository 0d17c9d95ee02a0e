"""Per-function peak-to-trough ratio of Fig 6.

Definition [paper]: the ratio of the largest peak of the (smoothed) requests-per-minute
pattern to its lowest trough; a function with constant per-minute requests or without
identifiable peaks gets ratio 1. Rules the paper leaves open (paper_catalog §Fig 6), as named
parameters with the catalog's defaults:

* Empty minutes (the release's NaN) are **dropped, not zero-filled** (``zero_fill=False``):
  a function with ≤ 1 request in each active minute is then constant and gets ratio 1, which
  reproduces the paper's ratio-1 cluster below 1 440 requests/day.
* ``window`` (default 60 samples): centred rolling mean before peak finding.
* Peaks: ``scipy.signal.find_peaks`` on the smoothed series; troughs: on its negation.
  ratio = max(peak values) / max(min(trough values), ``trough_floor``) with ``trough_floor`` = 1
  request/minute. No peak → 1. Peaks but no interior trough → the series' minimum is the trough.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from coldstart.analysis.peaks import smooth

DEFAULT_WINDOW = 60
DEFAULT_TROUGH_FLOOR = 1.0


def peak_to_trough(
    values: np.ndarray,
    *,
    window: int = DEFAULT_WINDOW,
    trough_floor: float = DEFAULT_TROUGH_FLOOR,
) -> tuple[float, int]:
    """(ratio, number of peaks) of one requests-per-minute series (already without gaps)."""
    from scipy.signal import find_peaks

    arr = np.asarray(values, dtype=float)
    if arr.size < 3:
        return 1.0, 0
    sm = smooth(arr, window)
    peaks, _ = find_peaks(sm)
    if peaks.size == 0:
        return 1.0, 0
    troughs, _ = find_peaks(-sm)
    low = float(sm[troughs].min()) if troughs.size else float(sm.min())
    high = float(sm[peaks].max())
    return max(high / max(low, trough_floor), 1.0), int(peaks.size)


def peak_to_trough_by_function(
    per_minute: pl.DataFrame,
    *,
    window: int = DEFAULT_WINDOW,
    trough_floor: float = DEFAULT_TROUGH_FLOOR,
    zero_fill: bool = False,
    keys: tuple[str, ...] = ("region", "funcID"),
) -> pl.DataFrame:
    """``region, funcID, time, requests`` rows → ``region, funcID, ratio, peaks, active_minutes``.

    With ``zero_fill`` the series is each function's full minute grid between its first and
    last active minute, with gaps as 0 (the alternative reading).
    """
    out: list[tuple[object, ...]] = []
    data = per_minute.filter(pl.col("requests") > 0).sort([*keys, "time"])
    for key, part in data.partition_by(list(keys), as_dict=True, maintain_order=True).items():
        vals = part["requests"].cast(pl.Float64).to_numpy()
        if zero_fill and part.height > 1:
            t = part["time"].to_numpy().astype(np.int64)
            full = np.zeros((t[-1] - t[0]) // 60 + 1)
            full[(t - t[0]) // 60] = vals
            vals = full
        ratio, n_peaks = peak_to_trough(vals, window=window, trough_floor=trough_floor)
        out.append((*key, ratio, n_peaks, part.height))
    schema = {k: per_minute.schema[k] for k in keys}
    return pl.DataFrame(
        out,
        schema={**schema, "ratio": pl.Float64, "peaks": pl.Int64, "active_minutes": pl.Int64},
        orient="row",
    )

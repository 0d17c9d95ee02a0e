"""The options of every figure, and the one rule for a region selection.

Every assumption the paper leaves open is a field of :class:`FigureOptions` with the default
that reproduces the paper best; captions and the report state the values they were drawn with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from coldstart import release
from coldstart.analysis import daily as daily_analysis
from coldstart.analysis import fits, holiday, peak_trough, peaks
from coldstart.errors import UsageError

#: Where each warehouse table comes from in the release (for "not ingested" messages).
TABLE_SOURCES = {
    "cold_starts": "cold_start/ files",
    "requests": "per_request/ files",
    "timeseries": "quantiles/ statistics files",
    "counts": "quantiles/ requests, num_pods and num_cold_starts files",
    "functions": "runtime_triggerType/ file",
}


def check_regions(
    regions: Sequence[str] | None, option: str = "--regions"
) -> tuple[str, ...] | None:
    """Validate a region selection before anything slow happens; errors name the option.

    None or empty means every region.
    """
    if not regions:
        return None
    bad = [r for r in regions if r not in release.REGIONS]
    if bad:
        raise UsageError(
            f"{option}: unknown region {bad[0]!r}; choose from {', '.join(release.REGIONS)}"
        )
    return tuple(dict.fromkeys(regions))


@dataclass(frozen=True)
class FigureOptions:
    """Options of every figure; the defaults are the paper's (or the closest reading of it).

    * ``regions``: only these regions (None = all) in the multi-region figures; the Region 2
      figures (8, 9, 14–17) show ``function_region`` and say why if it is filtered out.
    * ``days``: the day window of Fig 5 (default 0–2) and Fig 7 (default 10–25).
    * ``keep_alive_s`` (60): keep-alive for the utility ratio (Fig 17).
    * ``censor_s`` (None = keep_alive_s): Fig 17 drops pods whose last request ended within
      this many seconds of the request table's end (they may have lived on).
    * ``function_region`` ("R2"): the region with a function table.
    * ``median_reading`` ("median_over_days"): Fig 3a's "median day" reading.
    * ``smoothing_minutes`` (45) and ``peak_prominence`` (0.05): Fig 5.
    * ``peak_trough_window`` (60 active minutes), ``trough_floor`` (1 request/min),
      ``peak_trough_zero_fill`` (False): Fig 6.
    * ``normalise_over`` ("window") and ``cpu_reading`` ("cpu_mean" or "cpu_pod_weighted"):
      Fig 7.
    * ``bins_per_decade`` (40): log-binned CDFs and violins (Figs 3b/c, 13, 15, 16).
    * ``iat_zero_policy`` ("spread"), ``fit_max_samples`` (200 000), ``seed`` (0): Fig 10 fits.
    * ``alpha`` (0.05): Fig 12 significance mark.
    """

    regions: tuple[str, ...] | None = None
    days: tuple[int, int] | None = None
    keep_alive_s: float = float(release.KEEP_ALIVE_S)
    censor_s: float | None = None
    function_region: str = "R2"
    median_reading: daily_analysis.Reading = daily_analysis.DEFAULT_READING
    smoothing_minutes: int = peaks.DEFAULT_WINDOW_MINUTES
    peak_prominence: float = peaks.DEFAULT_PROMINENCE
    peak_trough_window: int = peak_trough.DEFAULT_WINDOW
    trough_floor: float = peak_trough.DEFAULT_TROUGH_FLOOR
    peak_trough_zero_fill: bool = False
    normalise_over: holiday.NormaliseOver = "window"
    cpu_reading: str = "cpu_mean"
    bins_per_decade: int = 40
    iat_zero_policy: fits.ZeroPolicy = "spread"
    fit_max_samples: int = fits.DEFAULT_MAX_SAMPLES
    seed: int = 0
    alpha: float = 0.05

    def validated(self) -> FigureOptions:
        """Check values a user can type; errors name the option and the accepted values."""
        check_regions(self.regions, "--regions")
        if self.days is not None:
            lo, hi = self.days
            if not (0 <= lo <= hi <= release.N_DAYS - 1):
                raise UsageError(
                    f"--days: {lo}-{hi} is not a day range within 0-{release.N_DAYS - 1} "
                    "(FIRST-LAST, e.g. 10-25)"
                )
        if self.keep_alive_s < 0 or not math.isfinite(self.keep_alive_s):
            raise UsageError(
                f"--keep-alive: must be a number of seconds ≥ 0, not {self.keep_alive_s}"
            )
        if self.cpu_reading not in ("cpu_mean", "cpu_pod_weighted"):
            raise UsageError("cpu_reading must be 'cpu_mean' or 'cpu_pod_weighted'")
        return self

    @property
    def one_region(self) -> str | None:
        """A single-region selection, pushed into SQL (partition pruning); else None."""
        return self.regions[0] if self.regions and len(self.regions) == 1 else None

    @property
    def function_region_excluded(self) -> bool:
        return self.regions is not None and self.function_region not in self.regions

    def excluded_message(self) -> str:
        return (
            f"this figure shows {self.function_region} (the only region with a function "
            f"table); --regions {','.join(self.regions or ())} leaves it out"
        )

    @property
    def censor(self) -> float:
        return self.keep_alive_s if self.censor_s is None else self.censor_s

"""Facts about the Huawei Public Cloud Trace 2025 release format.

Single source of truth for file layout, column names and order, per-minute metric names and
statistic suffixes, and the lookup tables the dataset authors publish. The synthetic generator
writes exactly this; the loaders read exactly this. Sources: the release's README
(``README_data_release_2025.md`` in sir-lab/data-release) and the authors' demo notebook
(``src/demo_cold_start.ipynb``).
"""

from __future__ import annotations

import re

REGIONS: tuple[str, ...] = ("R1", "R2", "R3", "R4", "R5")
N_DAYS = 31
SECONDS_PER_DAY = 86_400
MINUTES_PER_DAY = 1_440
TRACE_SECONDS = N_DAYS * SECONDS_PER_DAY  # 2 678 400 s
REQUEST_DAY = 30  # the per-request table covers this day only
KEEP_ALIVE_S = 60.0  # platform default; reset by every request

# --- tables, with columns in file order -------------------------------------------------
COLD_START_COLUMNS: tuple[str, ...] = (
    "day",
    "time",
    "clusterName",
    "funcName",
    "userID",
    "requestID",
    "totalCost_cold_start",
    "podAllocationCost",
    "deployCodeCost",
    "deployDependencyCost",
    "schedulingCost",
    "podID",
)
COLD_START_COMPONENTS: tuple[str, ...] = (
    "podAllocationCost",
    "deployCodeCost",
    "deployDependencyCost",
    "schedulingCost",
)

REQUEST_COLUMNS: tuple[str, ...] = (
    "time_worker",
    "time_frontend",
    "requestID",
    "clusterName",
    "funcName",
    "podID",
    "userID",
    "totalCost_worker",
    "workerCost",
    "runtimeCost",
    "totalCost_frontend",
    "frontendCost",
    "busCost",
    "readBodyCost",
    "writeRspCost",
    "cpu_usage",
    "memory_usage",
    "requestBodySize",
)
# Fields that come from the frontend and are NaN on some rows.
FRONTEND_COLUMNS: tuple[str, ...] = (
    "time_frontend",
    "totalCost_frontend",
    "frontendCost",
    "busCost",
    "readBodyCost",
    "writeRspCost",
    "requestBodySize",
)

FUNCTION_COLUMNS: tuple[str, ...] = (
    "funcID",
    "cpu_request",
    "runtime",
    "triggerType-invocationType",
)
FUNCTION_FILE = "runtime_triggerType/df_funcID_runtime_triggerType.csv"

TIMESERIES_KEY_COLUMNS: tuple[str, ...] = ("day", "time")

# --- per-minute time series ---------------------------------------------------------------
COUNT_SERIES: tuple[str, ...] = ("requests", "num_pods", "num_cold_starts")
STATS: tuple[str, ...] = (
    "avg",
    "std",
    "quantile_000",
    "quantile_025",
    "quantile_050",
    "quantile_075",
    "quantile_090",
    "quantile_095",
    "quantile_099",
    "quantile_100",
)
# Quantile level of each quantile_XXX statistic.
STAT_QUANTILES: dict[str, float] = {
    s: int(s[-3:]) / 100 for s in STATS if s.startswith("quantile_")
}
METRICS: tuple[str, ...] = (
    "busCost",
    "cpu_usage",
    "deployCodeCost",
    "deployDependencyCost",
    "frontendCost",
    "memory_usage",
    "podAllocationCost",
    "readBodyCost",
    "requestBodySize",
    "runtimeCost",
    "schedulingCost",
    "totalCost",
    "totalCost_cold_start",
    "totalCost_frontend",
    "workerCost",
    "writeRspCost",
)

_STAT_SUFFIX = re.compile(r"^(?P<metric>.+)_(?P<stat>" + "|".join(STATS) + r")$")


def split_series_folder(folder: str) -> tuple[str, str | None]:
    """Split a per-minute folder name into (metric, stat).

    Metric names contain underscores themselves (``totalCost_cold_start_avg``), so the split
    is on the known statistic suffixes, never on ``_``. Count series have no statistic and
    return ``(name, None)``. Raises ValueError for a folder that is neither.
    """
    if folder in COUNT_SERIES:
        return folder, None
    m = _STAT_SUFFIX.match(folder)
    if m is None:
        raise ValueError(
            f"{folder!r} is not a per-minute series folder: expected one of "
            f"{', '.join(COUNT_SERIES)} or <metric>_<stat> with stat in {', '.join(STATS)}"
        )
    return m["metric"], m["stat"]


# --- lookups the authors publish ----------------------------------------------------------
# CPU limit -> CPU request (millicores), from the demo notebook (cell 21).
CPU_LIMIT_TO_REQUEST: dict[int, int] = {
    300: 100,
    400: 125,
    600: 300,
    800: 375,
    1000: 500,
    1200: 625,
    1400: 750,
    1600: 875,
    1800: 1000,
    2200: 1250,
    2600: 1500,
    3000: 1750,
    3400: 2000,
    6600: 4000,
    8200: 5000,
    13000: 6500,
    25800: 12900,
}

RUNTIMES: tuple[str, ...] = (
    "Python3",
    "Java",
    "Node.js",
    "Python2",
    "http",
    "Custom",
    "PHP7.3",
    "Go1.x",
    "C#",
    "unknown",
)
TRIGGER_TYPES: tuple[str, ...] = (
    "APIG",
    "TIMER",
    "CTS",
    "DIS",
    "LTS",
    "OBS",
    "SMN",
    "KAFKA",
    "workflow",
    "unknown",
)

# Small pool (paper, Fig 13): CPU limit <= 400 millicores and memory limit <= 256 MB.
SMALL_POOL_MAX_CPU = 400
SMALL_POOL_MAX_MEM = 256

POD_ID_PATTERN = re.compile(r"^pool\d+-(\d+)-(\d+)-\d+$")

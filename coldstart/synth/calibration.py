"""Paper-derived constants that calibrate the synthetic trace.

Every number here comes from the paper (Joosen et al., "Serverless Cold Starts and Where to
Find Them", EuroSys 2025: its text [T] or a reading of one of its figures [F]) or from the
dataset authors' demo notebook (sir-lab/data-release ``src/demo_cold_start.ipynb``, cell
[NB cN]) and says which. Where the paper gives no number, the value is a named synthetic
choice, marked SYNTHETIC, chosen so the figures the paper shows come out with the right shape.
``tests/test_synth_calibration.py`` checks the outcomes against the paper's numbers
(``coldstart.paper``) across seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Region 2 function population (function file) ------------------------------------------
# Functions by runtime [NB c38], ≈±10.
RUNTIME_FUNCTIONS: dict[str, int] = {
    "Python3": 1480,
    "Java": 440,
    "Node.js": 150,
    "Python2": 90,
    "http": 70,
    "Custom": 50,
    "PHP7.3": 35,
    "unknown": 30,
    "Go1.x": 17,
    "C#": 4,
}

TRIGGER_GROUPS: tuple[str, ...] = (
    "TIMER-A",
    "other A",
    "other S",
    "APIG-S",
    "unknown",
    "workflow-S",
    "OBS-A",
)

# Share of each trigger group within each runtime, Fig 9 [F≈]. 'unknown' runtime is not in
# Fig 9; SYNTHETIC: it is mostly 'unknown' trigger.
FIG9_GROUP_SHARES: dict[str, dict[str, float]] = {
    "C#": {"TIMER-A": 0.25, "APIG-S": 0.25, "unknown": 0.50},
    "Custom": {
        "other A": 0.02,
        "other S": 0.05,
        "APIG-S": 0.04,
        "unknown": 0.80,
        "workflow-S": 0.02,
        "OBS-A": 0.07,
    },
    "Go1.x": {"TIMER-A": 0.33, "other A": 0.05, "unknown": 0.05, "workflow-S": 0.52, "OBS-A": 0.05},
    "Java": {
        "TIMER-A": 0.11,
        "other A": 0.02,
        "other S": 0.03,
        "APIG-S": 0.79,
        "unknown": 0.01,
        "workflow-S": 0.03,
        "OBS-A": 0.005,
    },
    "Node.js": {
        "TIMER-A": 0.35,
        "other A": 0.07,
        "other S": 0.11,
        "APIG-S": 0.17,
        "unknown": 0.24,
        "workflow-S": 0.03,
        "OBS-A": 0.03,
    },
    "PHP7.3": {"TIMER-A": 0.68, "other S": 0.03, "APIG-S": 0.26, "unknown": 0.03},
    "Python2": {
        "TIMER-A": 0.07,
        "other A": 0.16,
        "other S": 0.28,
        "APIG-S": 0.06,
        "unknown": 0.37,
        "workflow-S": 0.05,
        "OBS-A": 0.01,
    },
    "Python3": {
        "TIMER-A": 0.80,
        "other A": 0.02,
        "other S": 0.04,
        "APIG-S": 0.06,
        "unknown": 0.03,
        "workflow-S": 0.01,
        "OBS-A": 0.03,
    },
    "http": {"TIMER-A": 0.05, "other S": 0.08, "APIG-S": 0.86},
    "unknown": {"unknown": 0.8, "TIMER-A": 0.1, "APIG-S": 0.1},
}

# Functions by trigger string [NB c39] (the single-digit tail is SYNTHETIC in its exact
# counts), with the paper group each string falls into under the documented combination rule
# (catalog §0.3, implemented in coldstart.derive).
TRIGGER_STRINGS: dict[str, tuple[str, int]] = {
    "TIMER-A": ("TIMER-A", 1015),
    "APIG-S": ("APIG-S", 545),
    "APIG-S TIMER-A": ("TIMER-A", 310),
    "unknown-S": ("other S", 120),
    "unknown": ("unknown", 65),
    "unknown-unknown": ("unknown", 60),
    "unknown-A unknown-S": ("unknown", 55),
    "OBS-A": ("OBS-A", 50),
    "workflow-S": ("workflow-S", 45),
    "unknown-A": ("other A", 15),
    "APIG-S TIMER-A workflow-S": ("TIMER-A", 12),
    "LTS-A": ("other A", 10),
    "CTS-A": ("other A", 8),
    "APIG-A": ("other A", 7),
    "SMN-A": ("other A", 6),
    "SMN-A TIMER-A": ("TIMER-A", 6),
    "KAFKA-S": ("other S", 5),
    "DIS-A": ("other A", 5),
    "DIS-A OBS-A SMN-A TIMER-A": ("TIMER-A", 4),
    "APIG-A APIG-S": ("other S", 4),
    "TIMER-A workflow-S": ("TIMER-A", 3),
    "DIS-A SMN-A": ("other A", 3),
    "DIS-A SMN-A TIMER-A": ("TIMER-A", 2),
    "APIG-A OBS-A": ("other A", 2),
    "OBS-A TIMER-A": ("TIMER-A", 2),
    "APIG-S workflow-S": ("other S", 2),
    "APIG-S OBS-A": ("other S", 1),
    "DIS-A workflow-S": ("other S", 1),
}

# Resource pools: (pool name, share of functions). Fig 8f [F≈] gives the function shares of
# 300-128 (.86), 400-256 (.03), 600-512 (.05), 1000-1024 (.01) and other (.045); pool indices
# are from the notebook's examples. Two extra names with a known configuration exercise the
# "pool index does not determine the configuration" quirk.
POOLS: tuple[tuple[str, float], ...] = (
    ("pool22-300-128", 0.80),
    ("pool41-300-128", 0.06),
    ("pool23-400-256", 0.03),
    ("pool24-600-512", 0.05),
    ("pool26-1000-1024", 0.01),
    ("pool27-1200-1536", 0.008),
    ("pool30-1800-2048", 0.01),
    ("pool34-3400-4096", 0.01),
    ("pool35-6600-8192", 0.008),
    ("pool38-25800-32768", 0.004),
    ("pool44-600-512", 0.01),
)


# Load by trigger group (SYNTHETIC mechanism, targets from Fig 8d [F≈]). ``pod_share``: the
# group's share of the region's mean running pods; for groups with a ``capacity`` (requests a
# pod absorbs per minute) each function's rate is set so the group holds that share. The
# timers' share (≈5 % of pods [T]) fixes the scale: they hold ≈1 pod while they run.
@dataclass(frozen=True)
class GroupLoad:
    pod_share: float
    capacity: float | None = None
    amp: tuple[float, float] = (0.3, 0.9)  # depth of the daily cycle
    kappa: float = 0.0  # at least this narrow a daily peak
    rate_cv: float = 0.0  # minute-to-minute swings of the load (log-sd): pod churn
    block_min: int = 10  # how long one swing lasts (minutes; divides 60)


GROUP_LOAD: dict[str, GroupLoad] = {
    "TIMER-A": GroupLoad(0.05),
    # A pod's capacity sets how often its load's swings and troughs start pods: OBS at 4.5 and
    # workflows at 5 requests a minute keep their cold starts near the paper's (Fig 8d: ≈16 %
    # and ≈19 %, ≈220 and ≈260 a day per function) at their shares of the pods.
    "OBS-A": GroupLoad(0.27, capacity=4.5, amp=(0.7, 0.8), kappa=3.0, rate_cv=0.03),
    # Workflow runs come and go within minutes: minute-long swings, so the pods they add live
    # minutes, not hours (Fig 17b: workflow-S median utility ratio ≈45, not thousands).
    "workflow-S": GroupLoad(
        0.25, capacity=5.0, amp=(0.7, 0.8), kappa=3.0, rate_cv=0.04, block_min=1
    ),
    "unknown": GroupLoad(0.28, capacity=8.0, amp=(0.1, 0.4), rate_cv=0.03),
}
# SYNTHETIC: weight of a runtime's functions within a loaded group of Region 2 (1 for the
# others). Custom OBS functions hold most OBS pods (Figs 8e, 16: Custom ≈22 % of pods). Go
# workflows hold no share at all: they run as sessions (below).
RUNTIME_LOAD_WEIGHT: dict[str, float] = {"Custom": 3.0}
# SYNTHETIC: Region 2's Go workflows run as short sessions instead (a run calls the function
# for a minute or a few, then stops), so their pods live about a session: Go is 1.5 % of the
# cold starts [NB c43] and 35 % of its pods have a utility ratio above 100 [T, Fig 17a].
GO_SESSIONS_PER_DAY = 30.0  # before thinning by the daily cycle (≈65 % kept)
GO_SESSION_MINUTES = 2.8  # mean length (Poisson, at least 1 minute)
GO_SESSION_RATE = 6.0  # requests per minute inside a session
LOAD_BLOCK_MIN = 10  # SYNTHETIC: how long a swing of other functions' offered load lasts
MAX_EXPECTED_COLD_START_SHARE = 0.12  # SYNTHETIC: see population._spread_cold_starts
OBS_FRESH_SHARE = 0.5  # SYNTHETIC: OBS cold starts needing a fresh pod (Fig 16: ≈44 % < 8 s)
# SYNTHETIC: OBS functions process batches of uploads, in every region (a behaviour of the
# trigger, not one of Region 2's Fig 8 targets; the batches are part of Fig 6's peaks).
OBS_BURSTS_PER_DAY = 3.0
OBS_BURST_FACTOR = 2.0  # SYNTHETIC: a batch runs at this multiple of the function's mean rate
SPIKY_BURST_MINUTES = 6.0  # SYNTHETIC: one short intense batch a day (Fig 6 ratios > 1 000)
SPIKY_BURST_RATE = 2500.0  # requests per minute inside it
SPIKY_POD_CAPACITY = 400.0
# Share of timers firing on round clock times (cron); the rest at a random second. SYNTHETIC,
# for the burstiness of cold-start arrivals (Fig 10d: Weibull shape 0.418 [T]).
TIMER_ALIGNED_SHARE = 0.9
# The grid aligned timers fire on (at most their period): 5 minutes, or the hour in Region 2,
# whose timers are fewer and slower (R2_TIMER_PERIODS_MIN) and would otherwise leave its
# cold-start arrivals less bursty than the pooled shape needs.
TIMER_GRID_S: dict[str, float] = {"R2": 3600.0}
TIMER_EXEC_FACTOR = 45.0  # SYNTHETIC: timer jobs run seconds (Fig 17b: TIMER-A ratio ≈2)
TIMER_EXEC_SPREAD = 0.4  # SYNTHETIC: timers' spread of execution time, relative to others'
# SYNTHETIC: execution-time multipliers shaping Fig 17a's utility contrasts (Node.js ≈40 %
# of pods below 1 [T]; Go1.x 35 % above 100 [T]).
RUNTIME_EXEC_FACTOR: dict[str, float] = {"Node.js": 1.0, "Go1.x": 0.5}
LOW_RATE_EXEC_FACTOR = 25.0  # SYNTHETIC: rarely called API functions do heavier work each call

# --- time structure [T] ----------------------------------------------------------------------
HOLIDAY_DAYS = range(14, 24)  # holiday from day 14; day 13 last workday; day 24 first workday
LAST_WORKDAY = 13
FIRST_WORKDAY = 24
# SYNTHETIC: the trace starts on a Tuesday, so days 4-5, 11-12, 18-19, 25-26 are weekends and
# days 13 and 24 are working days, as the paper requires.
WEEKEND_DAYS = frozenset({4, 5, 11, 12, 18, 19, 25, 26})
WEEKEND_FACTOR = 0.72  # SYNTHETIC, for ≈30 % more pods on weekdays [T] (timers stay flat)
RUSH_FACTOR = 1.08  # SYNTHETIC: pre-holiday rush (day 13) and catch-up (day 24)
JAVA_DIURNAL_FROM_DAY = 18  # [T] Java pods flat until day 18, then strongly diurnal

# Timer periods in minutes with their share of timer functions. SYNTHETIC. Region 2's are
# chosen so a timer function cold-starts ≈16 times a day (31 % of 2 072 823 cold starts over
# 56 % of 2 418 functions and 31 days is 15.3 [NB c41, T, Fig 8d]; a timer slower than the
# keep-alive cold-starts on every tick) and once-a-minute timers sit just at the keep-alive.
# The sub-hour periods carry most of that count (a 5-minute timer alone is 288 a day), so
# their shares are small: ``small``'s 35 Region 2 timers draw one each of 1, 10 and 15 minutes
# by quota (15.9 a day), large populations 16.9.
R2_TIMER_PERIODS_MIN: tuple[tuple[int, float], ...] = (
    (1, 0.04),
    (5, 0.008),
    (10, 0.022),
    (15, 0.03),
    (30, 0.05),
    (60, 0.16),
    (120, 0.10),
    (360, 0.11),
    (720, 0.15),
    (1440, 0.33),
)
# The other regions' timers (≈24.7 cold starts a day each): the paper gives no per-region count,
# and their sub-hour timers make those regions' cold-start arrivals bursty (Fig 10d's pooled
# Weibull shape is mostly Region 1's).
TIMER_PERIODS_MIN: tuple[tuple[int, float], ...] = (
    (1, 0.03),
    (5, 0.02),
    (10, 0.03),
    (15, 0.04),
    (30, 0.07),
    (60, 0.20),
    (120, 0.08),
    (360, 0.10),
    (720, 0.12),
    (1440, 0.28),
)


@dataclass(frozen=True)
class ColdStartModel:
    """Distribution of the four cold-start components in one region (seconds).

    Pod allocation widens its search in stages [T, Fig 13]: an idle pool pod (sub-ms), a tight
    mode of tens of ms, a slow stage spread from ≈0.1 to ≈10 s, and a fresh pod (≈10 s) for
    Custom images and http servers, which have no reserved pool [T, Fig 15]. The other
    components are LogNormal with medians/sigmas per region, scheduling scaled by each
    function's persistent speed; code and dependency deployment have 1 ms resolution and
    dependency deployment is 0 for functions without layers [release README].
    """

    sched_median: float
    sched_sigma: float
    code_median: float
    code_sigma: float
    dep_median: float
    dep_sigma: float
    alloc_fast: float  # probability of an idle pool pod (sub-ms) when not in the slow stage
    alloc_slow: float  # probability of the slow stage, ≈0.1-10 s (small pool, standard runtime)
    large_slow_extra: float  # added probability of the slow stage for large pools
    large_factor: float  # multiplier of scheduling/code/dependency medians for large pools
    slow_share: float = 0.12  # share of functions in the persistent slow subpopulation
    slow_factor: float = 3.5  # median multiplier of their scheduling time
    # SYNTHETIC: share of cold starts that land on a node already holding the function's code
    # and dependencies, so scheduling and dependency deployment take ``cached_factor`` of the
    # usual time. A fast mode widens the log-times (the pooled LogNormal fit's σ_log 1.326
    # [T, Fig 10b]) without the long tail that would also raise the mean (Region 1's ≈3 s [T]).
    cached_share: float = 0.0
    cached_factor: float = 0.05
    runtime_slow: dict[str, float] = field(default_factory=lambda: {"Custom": 0.93, "http": 0.8})


@dataclass(frozen=True)
class RegionProfile:
    """What makes one region of the synthetic trace look like the paper's.

    Numbers marked [T]/[F] are the paper's; the rest are SYNTHETIC knobs tuned so those come out.
    """

    name: str
    request_share: float  # share of all requests [F, Fig 1]
    median_daily_requests: float  # per Poisson function, [F, Fig 3a] medians
    rate_sigma: float  # log-sd of per-function base rates
    timer_share: float  # share of functions that are timers (R2: ≈0.55 [T, Fig 8d])
    long_timer_share: float  # extra share of 12 h timers (R4/R5 step at 2 req/day [F, Fig 3a])
    peak_phase: float  # main daily peak, fraction of a day [F, Fig 5]
    peak_kappa: float  # narrowness of the daily peak (R2 "narrow spike")
    secondary_phase: float | None
    holiday_factor: float  # load multiplier during the holiday (R3 rises [T, Fig 7])
    exec_median_s: float  # median execution time [T, Fig 3b]: R5 4 ms … R1 100 ms
    cpu_median: float  # median CPU cores [F, Fig 3c]
    frontend_nan_share: float  # share of requests with NaN frontend fields [release]
    request_keep: str  # "all", "top100" (R1) or "subsample" (R3) [release]
    cold_start: ColdStartModel
    pod_capacity_median: float = 25.0  # requests/min a pod absorbs; low = more autoscaling churn
    layer_share: float = 0.5  # functions with layers (dependency deployment > 0)
    bad_pod_ids: bool = True  # a few request rows with an empty or unparseable podID [release]


REGION_PROFILES: dict[str, RegionProfile] = {
    "R1": RegionProfile(
        name="R1",
        request_share=0.47,
        median_daily_requests=60.0,
        rate_sigma=2.4,
        timer_share=0.40,
        long_timer_share=0.0,
        peak_phase=0.41,
        peak_kappa=2.0,
        secondary_phase=None,
        holiday_factor=0.85,
        exec_median_s=0.10,
        cpu_median=0.18,
        frontend_nan_share=0.02,
        request_keep="top100",
        pod_capacity_median=8.0,
        layer_share=0.8,
        # SYNTHETIC: a narrower scheduling time (σ 0.95, not 1.4) and a cached fast mode
        # (12 % of cold starts at 2 % of the scheduling and dependency time) give Region 1
        # its median ≈1.9 s and mean ≈3 s [T, F] *and* the pooled fit's σ_log 1.326 [T];
        # without the fast mode the σ needs a tail that puts the mean above 4 s.
        cold_start=ColdStartModel(
            sched_median=1.28,
            sched_sigma=0.95,
            code_median=0.08,
            code_sigma=0.9,
            dep_median=0.32,
            dep_sigma=1.0,
            alloc_fast=0.75,
            alloc_slow=0.02,
            large_slow_extra=0.05,
            large_factor=2.0,
            slow_factor=2.3,
            runtime_slow={"Custom": 0.35, "http": 0.3},  # SYNTHETIC: R1's mean ≈3 s [T]
            cached_share=0.12,
            cached_factor=0.02,
        ),
    ),
    "R2": RegionProfile(
        name="R2",
        request_share=0.15,
        median_daily_requests=6.0,
        rate_sigma=2.6,
        timer_share=0.55,
        long_timer_share=0.0,
        peak_phase=0.89,
        peak_kappa=6.0,
        secondary_phase=None,
        holiday_factor=0.58,  # with the flat timers, ≈0.62 of day 13's pods (Fig 7a: 0.59)
        exec_median_s=0.03,
        cpu_median=0.19,
        frontend_nan_share=0.05,
        request_keep="all",
        pod_capacity_median=8.0,
        cold_start=ColdStartModel(
            sched_median=0.32,  # R2's median ≈0.8 s (Fig 10a: 0.85 [F])
            sched_sigma=1.0,
            code_median=0.06,
            code_sigma=0.9,
            dep_median=0.15,
            dep_sigma=1.0,
            alloc_fast=0.52,
            alloc_slow=0.01,
            large_slow_extra=0.12,
            large_factor=1.6,
            slow_factor=1.8,
            # SYNTHETIC: Custom's fresh pods at 70 %, its median still ≈10 s (Fig 15) and
            # Region 2's mean ≈2 s (Fig 11) below its 2.3 s ceiling.
            runtime_slow={"Custom": 0.70, "http": 0.8},
        ),
    ),
    "R3": RegionProfile(
        name="R3",
        request_share=0.33,
        median_daily_requests=60.0,
        rate_sigma=2.4,
        timer_share=0.20,
        long_timer_share=0.0,
        peak_phase=0.83,
        peak_kappa=2.0,
        secondary_phase=None,
        holiday_factor=1.25,
        exec_median_s=0.02,
        cpu_median=0.08,
        frontend_nan_share=0.01,
        request_keep="subsample",
        layer_share=0.3,
        cold_start=ColdStartModel(
            sched_median=0.02,
            sched_sigma=0.9,
            code_median=0.012,
            code_sigma=0.8,
            dep_median=0.05,
            dep_sigma=0.9,
            alloc_fast=0.85,
            alloc_slow=0.002,
            large_slow_extra=0.02,
            large_factor=4.5,
            runtime_slow={"Custom": 0.1, "http": 0.05},  # SYNTHETIC: R3's mean < 0.3 s [T]
        ),
    ),
    "R4": RegionProfile(
        name="R4",
        request_share=0.047,
        median_daily_requests=2.0,
        rate_sigma=2.2,
        timer_share=0.55,
        long_timer_share=0.25,
        peak_phase=0.14,
        peak_kappa=1.5,
        secondary_phase=None,
        holiday_factor=0.85,
        exec_median_s=0.02,
        cpu_median=0.27,
        frontend_nan_share=0.30,
        request_keep="all",
        cold_start=ColdStartModel(
            sched_median=0.3,
            sched_sigma=1.2,
            code_median=0.07,
            code_sigma=0.9,
            dep_median=0.2,
            dep_sigma=0.9,
            alloc_fast=0.55,
            alloc_slow=0.015,
            large_slow_extra=0.03,
            large_factor=2.2,
            slow_factor=2.5,
        ),
    ),
    "R5": RegionProfile(
        name="R5",
        request_share=0.003,
        median_daily_requests=2.0,
        rate_sigma=2.0,
        timer_share=0.55,
        long_timer_share=0.25,
        peak_phase=0.06,
        peak_kappa=3.0,
        secondary_phase=0.36,
        holiday_factor=0.85,
        exec_median_s=0.004,
        cpu_median=0.25,
        frontend_nan_share=0.10,
        request_keep="all",
        bad_pod_ids=False,
        cold_start=ColdStartModel(
            sched_median=0.2,
            sched_sigma=0.9,
            code_median=0.04,
            code_sigma=0.8,
            dep_median=0.12,
            dep_sigma=0.9,
            alloc_fast=0.6,
            alloc_slow=0.005,
            large_slow_extra=0.0,
            large_factor=1.0,
            runtime_slow={"Custom": 0.4, "http": 0.3},  # SYNTHETIC: R5's mean ≈0.9 s [F]
        ),
    ),
}

# R1's request table keeps only the top pods of each function, R3's is a subsample [release].
R1_TOP_PODS = 100
R3_SUBSAMPLE = 0.3

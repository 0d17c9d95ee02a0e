"""The function population of one synthetic region.

A function is the paper's unit: (funcName, userID, pool). Each gets a runtime and a trigger
string (Region 2's mixes by quota, so small presets still hit the paper's shares), a load that
follows from its trigger (timers tick, mostly on round clock times; in Region 2 OBS and
workflow functions run high and strongly diurnal and unknown-trigger ones high and steady, each
group holding its Fig 8 share of pods; Go workflows run as short sessions; OBS functions add
batches; one spiky batch function per region), execution-time and resource levels (drawn
stratified within each runtime), a persistent cold-start speed (a slow subpopulation), and a
lifespan (a few functions appear or disappear mid-trace, which is why the per-minute files'
columns differ between days). Rates are then nudged so no function carries
more than a small share of its region's expected cold starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coldstart import release
from coldstart.synth import calibration as cal

TIMER, POISSON, BURSTY = 0, 1, 2


@dataclass
class Population:
    """Struct of arrays, one entry per function, in funcID order of creation."""

    region: str
    func_name: np.ndarray
    user_id: np.ndarray
    pool: np.ndarray  # str
    cpu_limit: np.ndarray  # millicores
    mem_limit: np.ndarray  # MB
    runtime: np.ndarray  # str
    trigger: np.ndarray  # str, the function file's triggerType-invocationType
    group: np.ndarray  # str, paper trigger group
    kind: np.ndarray  # TIMER / POISSON / BURSTY
    timer_period_s: np.ndarray
    timer_phase_s: np.ndarray
    base_rate: np.ndarray  # mean requests per minute before daily/weekly shape
    amp: np.ndarray  # depth of the daily cycle, 0..1
    kappa: np.ndarray  # narrowness of the daily peak (von Mises)
    phase: np.ndarray  # daily peak, fraction of a day
    burst_per_day: np.ndarray
    burst_len_min: np.ndarray
    burst_rate: np.ndarray  # requests per minute inside a burst
    pod_capacity: np.ndarray  # requests per minute one pod absorbs before scaling out
    rate_cv: np.ndarray  # minute-to-minute swings of the offered load (log-sd)
    load_block: np.ndarray  # minutes one swing of the offered load lasts (divides 60)
    exec_median: np.ndarray  # seconds
    exec_sigma: np.ndarray
    cpu_level: np.ndarray  # cores
    mem_level: np.ndarray  # MB
    has_layers: np.ndarray  # bool: dependency deployment > 0
    dep_factor: np.ndarray
    slow_factor: np.ndarray  # persistent multiplier of the function's scheduling time
    fresh_share: np.ndarray  # probability a cold start needs a fresh pod (≈10 s allocation)
    clusters: np.ndarray  # (n, 4) cluster ids in the order ranks use them
    n_clusters: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray

    @property
    def n(self) -> int:
        return len(self.func_name)

    @property
    def func_id(self) -> np.ndarray:
        return np.array(
            [
                f"{a}---{b}---{c}"
                for a, b, c in zip(self.func_name, self.user_id, self.pool, strict=True)
            ]
        )

    @property
    def is_large(self) -> np.ndarray:
        return ~(
            (self.cpu_limit <= release.SMALL_POOL_MAX_CPU)
            & (self.mem_limit <= release.SMALL_POOL_MAX_MEM)
        )


def quota(n: int, weights: dict[str, float]) -> list[str]:
    """Split n items over keys in proportion to weights by largest remainder (deterministic)."""
    keys = [k for k, w in weights.items() if w > 0]
    w = np.array([weights[k] for k in keys], dtype=float)
    if n == 0 or not keys:
        return []
    exact = n * w / w.sum()
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return [k for k, c in zip(keys, counts, strict=True) for _ in range(c)]


def _runtimes_and_triggers(
    n: int, rng: np.random.Generator, timer_share: float
) -> tuple[list[str], list[str]]:
    """Runtime and trigger string per function, matching Region 2's joint mix (Fig 9, c38, c39).

    Other regions keep the mix but their own share of timers (``timer_share``; R2's is the
    function table's). OBS-A and workflow-S get at least two functions each once a region has
    30, so no single one of them carries a whole trigger's load (OBS ≈30 % of pods, workflows
    ≈20 % of cold starts [T]); the heaviest OBS function swaps runtimes with a Custom one (OBS
    is the most common known trigger of Custom, and OBS cold starts are the slow Custom ones,
    Figs 9, 16).
    """
    runtimes = quota(n, {k: float(v) for k, v in cal.RUNTIME_FUNCTIONS.items()})
    r2_timer = 0.56  # TIMER-A group share of R2's functions [F≈, Fig 8d]
    odds = (timer_share / (1 - timer_share)) / (r2_timer / (1 - r2_timer))
    groups: list[str] = []
    by_runtime: dict[str, int] = {}
    for r in runtimes:
        by_runtime[r] = by_runtime.get(r, 0) + 1
    rt_out: list[str] = []
    for r, count in by_runtime.items():
        w = dict(cal.FIG9_GROUP_SHARES[r])
        if "TIMER-A" in w:
            w["TIMER-A"] *= odds
        for g in quota(count, w):
            rt_out.append(r)
            groups.append(g)
    if n >= 15:  # at least two OBS-A and two workflow-S functions, taken from APIG-S/unknown
        for g, donor_runtimes in LOADED_GROUP_DONORS.items():
            for r_want in donor_runtimes:
                carriers = [
                    i for i, (r, gg) in enumerate(zip(rt_out, groups, strict=True))
                    if gg == g and r != "Go1.x"
                ]  # fmt: skip
                if len(carriers) >= 2:
                    break
                spare = [
                    i
                    for i, gg in enumerate(groups)
                    if gg in ("APIG-S", "unknown") and rt_out[i] in ("Python3", "Java")
                ]
                pick = [i for i in spare if rt_out[i] == r_want] or spare
                if not pick:
                    break
                groups[pick[int(rng.integers(len(pick)))]] = g
    obs = [i for i, g in enumerate(groups) if g == "OBS-A"]
    custom = [i for i, r in enumerate(rt_out) if r == "Custom" and groups[i] != "OBS-A"]
    if obs and custom and not any(rt_out[i] == "Custom" for i in obs):
        i, j = obs[0], custom[int(rng.integers(len(custom)))]
        rt_out[i], rt_out[j] = rt_out[j], rt_out[i]
    # The functions that carry a trigger's load run Python3 (Fig 8e: Python3 holds ≈46 % of
    # pods and 57 % of cold starts), except the Custom OBS one and Go workflows: swap runtimes
    # with Python3 timers or API functions, which keeps every runtime's count.
    donors = [
        i for i, g in enumerate(groups) if g in ("TIMER-A", "APIG-S") and rt_out[i] == "Python3"
    ]
    for i, g in enumerate(groups):
        busy = g in ("OBS-A", "workflow-S", "unknown")
        if busy and rt_out[i] not in KEEP_BUSY_RUNTIMES and donors:
            j = donors.pop(int(rng.integers(len(donors))))
            rt_out[i], rt_out[j] = rt_out[j], rt_out[i]
    # Trigger strings within each group, by the notebook's string counts.
    triggers = [""] * len(groups)
    group_idx: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        group_idx.setdefault(g, []).append(i)
    for g, idx in group_idx.items():
        weights = {s: float(c) for s, (gg, c) in cal.TRIGGER_STRINGS.items() if gg == g}
        strings = quota(len(idx), weights)
        perm = rng.permutation(len(idx))
        for j, s in zip(perm, strings, strict=True):
            triggers[idx[j]] = s
    order = rng.permutation(len(rt_out))
    return [rt_out[i] for i in order], [triggers[i] for i in order]


# Runtimes whose loaded functions keep their runtime: Python3 itself, the Custom OBS one, Go
# workflows, Java's (Fig 8e: Java holds 17 % of pods) and Python2's unknown-trigger functions
# (Fig 9: a third of Python2 functions; Fig 8e: 7 % of cold starts from 3 % of functions).
KEEP_BUSY_RUNTIMES = ("Python3", "Custom", "Go1.x", "Python2", "Java")
# Where the two functions that carry a loaded group come from when the mix has fewer: the
# runtime of each pick, in order (Fig 9: workflows are Python3 and Java as often; OBS-A is
# Python3's most after Custom's).
LOADED_GROUP_DONORS: dict[str, tuple[str, ...]] = {
    "OBS-A": ("Python3", "Python3"),
    "workflow-S": ("Python3", "Java", "Python3"),
}


def stratified_normal(rng: np.random.Generator, strata: np.ndarray) -> np.ndarray:
    """Standard normal draws, stratified within each stratum: the m members of a stratum get
    one draw from each of the m equal-probability slices of the normal, in random order."""
    from scipy.special import ndtri

    z = np.empty(len(strata))
    for key in dict.fromkeys(strata.tolist()):
        idx = np.flatnonzero(strata == key)
        m = len(idx)
        z[idx] = ndtri((rng.permutation(m) + rng.random(m)) / m)
    return z


def _group_of(trigger: str) -> str:
    return cal.TRIGGER_STRINGS[trigger][0]


def _users(n: int, rng: np.random.Generator) -> np.ndarray:
    """User per function: most users own one function, a few own many (Fig 4a: 60–90 % single)."""
    n_users = max(1, round(n / 2.1))
    owner = np.arange(n_users)
    extra = n - n_users
    if extra > 0:
        multi = max(1, round(n_users * 0.22))
        w = 1.0 / np.arange(1, multi + 1) ** 1.1
        owner = np.concatenate([owner, rng.choice(multi, size=extra, p=w / w.sum())])
    else:
        owner = owner[:n]
    ids = rng.choice(np.arange(10, 10 * n_users + 100), size=n_users, replace=False)
    return ids[rng.permutation(owner)]


def build_population(
    region: str, n: int, day_requests: float, n_days: int, rng: np.random.Generator
) -> Population:
    """Draw the functions of one region; ``day_requests`` is the region's target requests/day."""
    prof = cal.REGION_PROFILES[region]
    timer_share = 0.56 if region == "R2" else prof.timer_share
    runtimes, triggers = _runtimes_and_triggers(n, rng, timer_share)
    runtime = np.array(runtimes)
    trigger = np.array(triggers)
    group = np.array([_group_of(t) for t in triggers])

    kind = np.full(n, POISSON)
    kind[group == "TIMER-A"] = TIMER
    kind[group == "OBS-A"] = BURSTY

    # Pools and identity.
    names = [p for p, _ in cal.POOLS]
    pool = np.array(quota(n, dict(cal.POOLS)))[rng.permutation(n)]
    # Custom, http and OBS functions sit in large pools more often (Fig 8f, Fig 16; SYNTHETIC).
    big = (runtime == "Custom") | (runtime == "http") | (group == "OBS-A")
    pool[big & (rng.random(n) < 0.3)] = names[4]
    cpu_limit = np.array([int(p.split("-")[1]) for p in pool])
    mem_limit = np.array([int(p.split("-")[2]) for p in pool])
    user_id = _users(n, rng)
    func_name = rng.integers(1, int(1.15 * n) + 20, size=n)
    seen: set[tuple[int, int, str]] = set()
    for i in range(n):  # funcID must be unique; funcName alone is not (it recurs across users)
        while (int(func_name[i]), int(user_id[i]), str(pool[i])) in seen:
            func_name[i] = rng.integers(1, int(1.15 * n) + 20 + i)
        seen.add((int(func_name[i]), int(user_id[i]), str(pool[i])))

    # Timers: most fire on round clock times (cron), so their cold starts arrive together.
    # Periods by quota over the timers (shuffled), so small presets keep the mix.
    n_timer = int((kind == TIMER).sum())
    periods = cal.R2_TIMER_PERIODS_MIN if region == "R2" else cal.TIMER_PERIODS_MIN
    drawn = quota(n_timer, {str(p): w for p, w in periods})
    timer_period_s = np.full(n, 3600.0)
    timer_period_s[kind == TIMER] = 60.0 * np.array(drawn, dtype=float)[rng.permutation(n_timer)]
    long_timer = rng.random(n) < prof.long_timer_share
    timer_period_s[long_timer] = 720 * 60.0
    step = np.minimum(timer_period_s, 3600.0)  # aligned on the minute, 5 min, ... or the hour
    aligned = rng.random(n) < cal.TIMER_ALIGNED_SHARE
    grid = np.where(aligned, np.minimum(step, cal.TIMER_GRID_S.get(region, 300.0)), 60.0)
    timer_phase_s = np.floor(rng.random(n) * timer_period_s / grid) * grid
    timer_phase_s += np.where(aligned, 0.0, rng.random(n) * 59.0)

    # Request rates (per minute) of the other functions: log-normal around the region's median.
    daily = np.exp(rng.normal(np.log(prof.median_daily_requests), prof.rate_sigma, size=n))
    base_rate = daily / release.MINUTES_PER_DAY
    amp = rng.uniform(0.3, 0.9, size=n)
    kappa = np.full(n, prof.peak_kappa)
    pod_capacity = np.clip(
        np.exp(rng.normal(np.log(prof.pod_capacity_median), 0.6, size=n)), 3.0, 2000.0
    )
    # Trigger-specific load [T, Fig 8]: OBS and workflow functions run at high rates with a
    # strong daily cycle, unknown-trigger ones high and steady; each holds its share of the
    # region's pods (Fig 8d pods bars), the timers' share (≈5 %) fixing the scale.
    timer_pods = np.sum(np.minimum(1.0, 2.5 * 60.0 / timer_period_s[kind == TIMER]))
    total_pods = max(timer_pods, 1.0) / cal.GROUP_LOAD["TIMER-A"].pod_share
    targeted = np.zeros(n, dtype=bool)
    rate_cv = np.zeros(n)
    load_block = np.full(n, cal.LOAD_BLOCK_MIN, dtype=np.int64)
    for g, load in cal.GROUP_LOAD.items():
        idx = np.flatnonzero(group == g)
        if load.capacity is None or len(idx) == 0:
            continue
        amp[idx] = rng.uniform(*load.amp, size=len(idx))
        kappa[idx] = np.maximum(kappa[idx], load.kappa)
        if region != "R2":  # Fig 8 is Region 2's; elsewhere only the daily shape follows
            continue
        w = np.exp(rng.normal(0, 0.3, size=len(idx)))
        for rt, weight in cal.RUNTIME_LOAD_WEIGHT.items():
            w[runtime[idx] == rt] *= weight
        pods = load.pod_share * total_pods * w / w.sum()
        pod_capacity[idx] = load.capacity
        rate_cv[idx] = load.rate_cv
        load_block[idx] = load.block_min
        base_rate[idx] = pods * load.capacity
        targeted[idx] = True

    # Batches: OBS functions add bursts on top of their daily cycle; one "spiky" function per
    # region (of those with ≥ 20 functions) runs a short intense batch a day, at least a
    # thousand times its trough rate (Fig 6: peak-to-trough ratios from < 2 to > 1 000).
    burst_per_day = np.where(kind == BURSTY, cal.OBS_BURSTS_PER_DAY, 0.0)
    burst_len_min = rng.integers(2, 8, size=n).astype(float)
    burst_rate = np.maximum(base_rate, 1.0) * cal.OBS_BURST_FACTOR
    # Region 2's Go workflows hold no share of the group's pods: they run as short sessions.
    go = targeted & (runtime == "Go1.x") & (group == "workflow-S")
    kind[go] = BURSTY
    base_rate[go] = 0.0
    burst_per_day[go] = cal.GO_SESSIONS_PER_DAY
    burst_len_min[go] = cal.GO_SESSION_MINUTES
    burst_rate[go] = cal.GO_SESSION_RATE
    if n >= 20:
        spiky_candidates = np.flatnonzero((kind == POISSON) & ~targeted)
        spiky = spiky_candidates[
            np.argsort(base_rate[spiky_candidates])[len(spiky_candidates) // 2]
        ]
        kind[spiky] = BURSTY
        burst_per_day[spiky] = 1.0
        burst_len_min[spiky] = cal.SPIKY_BURST_MINUTES
        burst_rate[spiky] = cal.SPIKY_BURST_RATE * np.exp(rng.normal(0, 0.3))
        pod_capacity[spiky] = cal.SPIKY_POD_CAPACITY

    _fit_volume(kind, targeted, base_rate, timer_period_s, day_requests)
    _spread_cold_starts(kind, targeted, base_rate, timer_period_s, amp, kappa)

    # Execution time and resources. Each function's level is drawn stratified within its
    # runtime, so a runtime with a handful of functions still spans the whole spread
    # (Fig 17a's per-runtime shares would otherwise swing with one draw).
    z_exec = stratified_normal(rng, runtime)
    # Timer jobs do similar real work (reports, syncs): seconds, not milliseconds, and about
    # as long from one timer to the next, so a timer pod's useful lifetime is a few times its
    # cold start (Fig 17b: TIMER-A median utility ratio ≈2, 90 % below 7).
    z_exec[kind == TIMER] *= cal.TIMER_EXEC_SPREAD
    exec_median = np.exp(np.log(prof.exec_median_s) + z_exec)
    exec_median[group == "OBS-A"] *= 15.0
    exec_median[kind == TIMER] *= cal.TIMER_EXEC_FACTOR
    exec_median[(kind == POISSON) & (base_rate < 1.0)] *= cal.LOW_RATE_EXEC_FACTOR
    exec_median[group == "workflow-S"] *= 3.0
    for rt, f in cal.RUNTIME_EXEC_FACTOR.items():
        exec_median[runtime == rt] *= f
    exec_median = np.clip(exec_median, 0.0004, 600.0)
    exec_sigma = rng.uniform(0.3, 0.9, size=n)
    exec_sigma[kind == TIMER] = 0.3  # a timer job does about the same work every tick
    cpu_cap = cpu_limit / 1000.0
    cpu_level = np.minimum(np.exp(rng.normal(np.log(prof.cpu_median), 0.7, size=n)), cpu_cap)
    pinned = rng.random(n) < 0.15  # pods saturating their pool's CPU limit (Fig 3c steps)
    cpu_level[pinned] = cpu_cap[pinned]
    mem_level = mem_limit * rng.uniform(0.15, 0.85, size=n)
    has_layers = rng.random(n) < prof.layer_share
    has_layers[group == "workflow-S"] = True
    dep_factor = np.where(group == "workflow-S", 2.5, 1.0)
    # A persistent slow subpopulation of functions (SYNTHETIC share and factor per region):
    # their cold starts are slow every time, which gives the totals their heavy tail.
    slow_factor = np.exp(rng.normal(0, 0.3, size=n))
    slow = rng.permutation(n)[: round(prof.cold_start.slow_share * n)]
    slow_factor[slow] = np.exp(rng.normal(np.log(prof.cold_start.slow_factor), 0.4, size=len(slow)))

    # Custom images and http servers have no reserved pool (Fig 15); OBS batches mostly run on
    # Custom images, whose cold starts make OBS's median ≈10 s (Fig 16).
    fresh_share = np.zeros(n)
    for rt, p in prof.cold_start.runtime_slow.items():
        fresh_share[runtime == rt] = p
    if region == "R2":  # Fig 16 is Region 2's
        obs = group == "OBS-A"
        fresh_share[obs] = np.maximum(fresh_share[obs], cal.OBS_FRESH_SHARE)

    n_clusters = np.where(base_rate > 1.0, 4, rng.integers(1, 3, size=n))
    clusters = np.array([rng.permutation(4) + 1 for _ in range(n)]).reshape(n, 4)

    first_day = np.zeros(n, dtype=int)
    last_day = np.full(n, n_days - 1, dtype=int)
    # A few functions appear or disappear mid-trace (why the per-minute files' columns differ
    # between days). Only in regions with enough functions that losing one does not empty the
    # region; at least one of each there, so every trace shows the quirk. Not the functions
    # that carry a trigger's load.
    if n_days > 4 and n >= 10:
        free = np.flatnonzero(~targeted & (kind != BURSTY))
        late = np.zeros(n, dtype=bool)
        late[free[rng.random(len(free)) < 0.04]] = True
        late[free[rng.integers(0, len(free))]] = True
        first_day[late] = rng.integers(1, max(2, n_days * 2 // 3), size=int(late.sum()))
        early = np.zeros(n, dtype=bool)
        early[free[rng.random(len(free)) < 0.03]] = True
        early &= ~late
        if not early.any():
            early[free[~late[free]][0]] = True
        last_day[early] = rng.integers(n_days // 3, n_days - 1, size=int(early.sum()))
        # Once-a-minute timers (heartbeats, health checks) run all month: they are Fig 6's
        # flat end (peak-to-trough below 2). A drawn lifespan moves to another free function
        # when it was the region's only one.
        beat = (kind == TIMER) & (timer_period_s <= release.KEEP_ALIVE_S)
        for mask, days, full in ((late, first_day, 0), (early, last_day, n_days - 1)):
            moved = mask & beat
            if not moved.any():
                continue
            spare = free[~beat[free] & ~late[free] & ~early[free]]
            if not (mask & ~beat).any() and len(spare):
                mask[spare[0]] = True
                days[spare[0]] = days[np.flatnonzero(moved)[0]]
            mask[moved] = False
            days[moved] = full

    return Population(
        region=region,
        func_name=func_name,
        user_id=user_id,
        pool=pool,
        cpu_limit=cpu_limit,
        mem_limit=mem_limit,
        runtime=runtime,
        trigger=trigger,
        group=group,
        kind=kind,
        timer_period_s=timer_period_s,
        timer_phase_s=timer_phase_s,
        base_rate=base_rate,
        amp=amp,
        kappa=kappa,
        phase=(prof.peak_phase + rng.normal(0, 0.03, size=n)) % 1.0,
        burst_per_day=burst_per_day,
        burst_len_min=burst_len_min,
        burst_rate=burst_rate,
        pod_capacity=pod_capacity,
        rate_cv=rate_cv,
        load_block=load_block,
        exec_median=exec_median,
        exec_sigma=exec_sigma,
        cpu_level=cpu_level,
        mem_level=mem_level,
        has_layers=has_layers,
        dep_factor=dep_factor,
        slow_factor=slow_factor,
        fresh_share=fresh_share,
        clusters=clusters,
        n_clusters=n_clusters,
        first_day=first_day,
        last_day=last_day,
    )


def _fit_volume(
    kind: np.ndarray,
    targeted: np.ndarray,
    base_rate: np.ndarray,
    timer_period_s: np.ndarray,
    day_requests: float,
) -> None:
    """Scale the busiest free request rates so the region's expected daily volume hits its target.

    Functions whose load follows their trigger (``targeted``) and rates at or below the knee
    are left alone (they shape the per-function CDFs and the cold-start counts); the busiest
    ~7 % of the other Poisson functions carry the rest of the volume (R2's top function alone
    has 65 % of its requests [NB c18]). Works in place.
    """
    free = (kind == POISSON) & ~targeted
    if not free.any():
        return
    knee = np.quantile(base_rate[free], 0.93)
    hot = free & (base_rate >= knee)
    fixed = np.sum(np.where(kind == TIMER, 86_400.0 / timer_period_s, 0.0)) + np.sum(
        np.where((kind != TIMER) & ~hot, base_rate * 1440.0, 0.0)
    )
    target = max(day_requests - fixed, 0.0)
    current = float(np.sum(base_rate[hot]) * 1440.0)
    if current > 0 and target > 0:
        base_rate[hot] *= target / current


def expected_cold_starts_per_day(
    kind: np.ndarray,
    base_rate: np.ndarray,
    timer_period_s: np.ndarray,
    amp: np.ndarray,
    kappa: np.ndarray,
) -> np.ndarray:
    """Rough cold starts a day per function: a timer slower than the keep-alive cold-starts on
    every tick; a Poisson function on each request that follows a minute without one, over its
    daily cycle (a deep trough is where a busy function cold-starts most)."""
    x = np.linspace(0, 2 * np.pi, 48, endpoint=False)[None, :]
    k = kappa[:, None]
    bump = np.exp(k * (np.cos(x) - 1)) / (np.exp(-k) * np.i0(k))
    lam = base_rate[:, None] * ((1 - amp[:, None]) + amp[:, None] * bump)
    per_day = (lam * np.exp(-lam)).mean(axis=1) * release.MINUTES_PER_DAY
    return np.where(
        kind == TIMER,
        np.where(timer_period_s > release.KEEP_ALIVE_S, 86_400.0 / timer_period_s, 1.0),
        per_day,
    )


def _spread_cold_starts(
    kind: np.ndarray,
    targeted: np.ndarray,
    base_rate: np.ndarray,
    timer_period_s: np.ndarray,
    amp: np.ndarray,
    kappa: np.ndarray,
) -> None:
    """Keep every function below ``cal.MAX_EXPECTED_COLD_START_SHARE`` of its region's expected
    cold starts (SYNTHETIC; issue 14: in small presets one function drawn near a request a
    minute carried a third of a region). A free function above it moves its rate away from
    the cold-start-dense band; a timer above it (its ticks are fixed) makes the quietest free
    function busier, toward the band. Functions carrying a trigger group's load
    (``targeted``) are not held to it: their group's share is the paper's and at least two
    functions split it, so making quiet functions busier to dilute them would only add cold
    starts the paper does not have (Region 2's cold starts per function and day). Works in
    place."""
    free = (kind != TIMER) & ~targeted
    for _ in range(20 * len(kind)):
        cs = expected_cold_starts_per_day(kind, base_rate, timer_period_s, amp, kappa)
        share = np.where(targeted, 0.0, cs / max(cs.sum(), 1e-9))
        top = int(np.argmax(share))
        if share[top] <= cal.MAX_EXPECTED_COLD_START_SHARE:
            return
        if free[top]:
            base_rate[top] *= 1.5 if base_rate[top] >= 1.0 else 1 / 1.5
            continue
        quiet = np.flatnonzero(free & (base_rate < 0.5))
        if len(quiet) == 0:
            return
        base_rate[quiet[np.argmin(cs[quiet])]] *= 2.0

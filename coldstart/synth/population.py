"""The function population of one synthetic region.

A function is the paper's unit: (funcName, userID, pool). Each gets a runtime and a trigger
string (Region 2's mixes by quota, so small presets still hit the paper's shares), an arrival
behaviour that follows from its trigger (timers tick, APIs and workflows follow the day,
OBS functions run in batches), execution-time and resource levels, and a lifespan (a few
functions appear or disappear mid-trace, which is why the per-minute files' columns differ
between days).
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
    phase: np.ndarray  # daily peak, fraction of a day
    burst_per_day: np.ndarray
    burst_len_min: np.ndarray
    burst_rate: np.ndarray  # requests per minute inside a burst
    pod_capacity: np.ndarray  # requests per minute one pod absorbs before scaling out
    exec_median: np.ndarray  # seconds
    exec_sigma: np.ndarray
    cpu_level: np.ndarray  # cores
    mem_level: np.ndarray  # MB
    has_layers: np.ndarray  # bool: dependency deployment > 0
    dep_factor: np.ndarray
    clusters: np.ndarray  # (n, 4) cluster ids in the order ranks use them
    n_clusters: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    in_function_table: np.ndarray  # bool

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


def _runtimes_and_triggers(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Runtime and trigger string per function, matching Region 2's joint mix (Fig 9, c38, c39)."""
    runtimes = quota(n, {k: float(v) for k, v in cal.RUNTIME_FUNCTIONS.items()})
    groups: list[str] = []
    by_runtime: dict[str, int] = {}
    for r in runtimes:
        by_runtime[r] = by_runtime.get(r, 0) + 1
    rt_out: list[str] = []
    for r, count in by_runtime.items():
        for g in quota(count, cal.FIG9_GROUP_SHARES[r]):
            rt_out.append(r)
            groups.append(g)
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
    runtimes, triggers = _runtimes_and_triggers(n, rng)
    runtime = np.array(runtimes)
    trigger = np.array(triggers)
    group = np.array([_group_of(t) for t in triggers])

    # Regions other than R2 have no function file; their timer share differs (SYNTHETIC):
    # re-draw the timer flag to the region's share while keeping R2's exact mix.
    kind = np.full(n, POISSON)
    if region == "R2":
        kind[group == "TIMER-A"] = TIMER
    else:
        kind[rng.random(n) < prof.timer_share] = TIMER
    bursty = (group == "OBS-A") | (runtime == "Custom")
    bursty |= (group == "workflow-S") & (rng.random(n) < 0.5)
    kind[(kind != TIMER) & bursty] = BURSTY

    # Pools and identity.
    names = [p for p, _ in cal.POOLS]
    pool = np.array(quota(n, dict(cal.POOLS)))[rng.permutation(n)]
    # Custom and http functions tend to have larger configurations (SYNTHETIC).
    if region == "R2":  # R2's Custom/OBS functions sit in large pools (Fig 8f, Fig 16)
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

    # Timers.
    periods = np.array([p for p, _ in cal.TIMER_PERIODS_MIN], dtype=float)
    pw = np.array([w for _, w in cal.TIMER_PERIODS_MIN])
    timer_period_s = 60.0 * rng.choice(periods, size=n, p=pw / pw.sum())
    long_timer = rng.random(n) < prof.long_timer_share
    timer_period_s[long_timer] = 720 * 60.0
    timer_phase_s = np.floor(rng.random(n) * timer_period_s / 60.0) * 60.0 + rng.random(n) * 2.0

    # Poisson base rates (requests per minute), log-normal around the region's median.
    daily = np.exp(rng.normal(np.log(prof.median_daily_requests), prof.rate_sigma, size=n))
    daily[group == "workflow-S"] *= 20.0
    daily[group == "unknown"] *= 5.0
    base_rate = daily / release.MINUTES_PER_DAY
    amp = rng.uniform(0.3, 0.9, size=n)
    amp[group == "workflow-S"] = rng.uniform(0.8, 0.97, size=int((group == "workflow-S").sum()))
    amp[group == "unknown"] *= 0.5
    phase = (prof.peak_phase + rng.normal(0, 0.03, size=n)) % 1.0
    burst_per_day = np.exp(rng.normal(np.log(10.0), 0.6, size=n))
    burst_len_min = rng.integers(1, 12, size=n).astype(float)
    burst_rate = np.clip(np.exp(rng.normal(np.log(20.0), 0.5, size=n)), 2.0, 80.0)
    pod_capacity = np.clip(
        np.exp(rng.normal(np.log(prof.pod_capacity_median), 0.6, size=n)), 3.0, 2000.0
    )
    # Batch-like functions run long requests: a pod absorbs only a few a minute, so each
    # batch scales out to many fresh pods (OBS-A: 16 % of R2 cold starts from 2 % of functions).
    pod_capacity[kind == BURSTY] = rng.uniform(3.0, 8.0, size=int((kind == BURSTY).sum()))

    _fit_volume(
        kind, base_rate, burst_per_day, burst_len_min, burst_rate, timer_period_s, day_requests
    )

    # Execution time and resources.
    exec_median = np.exp(rng.normal(np.log(prof.exec_median_s), 1.0, size=n))
    exec_median[kind == BURSTY] *= 15.0
    # Timer jobs do real work (reports, syncs): seconds, not milliseconds, so a timer pod's
    # useful lifetime is about its cold start (Fig 17b: TIMER-A median utility ratio ≈2).
    exec_median[kind == TIMER] *= 25.0
    exec_median[group == "workflow-S"] *= 3.0
    exec_median = np.clip(exec_median, 0.0004, 600.0)
    exec_sigma = rng.uniform(0.3, 0.9, size=n)
    cpu_cap = cpu_limit / 1000.0
    cpu_level = np.minimum(np.exp(rng.normal(np.log(prof.cpu_median), 0.7, size=n)), cpu_cap)
    pinned = rng.random(n) < 0.15  # pods saturating their pool's CPU limit (Fig 3c steps)
    cpu_level[pinned] = cpu_cap[pinned]
    mem_level = mem_limit * rng.uniform(0.15, 0.85, size=n)
    has_layers = rng.random(n) < prof.layer_share
    has_layers[group == "workflow-S"] = True
    dep_factor = np.where(group == "workflow-S", 2.5, 1.0)

    n_clusters = np.where(base_rate > 1.0, 4, rng.integers(1, 3, size=n))
    clusters = np.array([rng.permutation(4) + 1 for _ in range(n)]).reshape(n, 4)

    first_day = np.zeros(n, dtype=int)
    last_day = np.full(n, n_days - 1, dtype=int)
    # A few functions appear or disappear mid-trace (why the per-minute files' columns differ
    # between days). Only in regions with enough functions that losing one does not empty the
    # region; at least one of each there, so every trace shows the quirk.
    if n_days > 4 and n >= 10:
        late = rng.random(n) < 0.04
        late[rng.integers(0, n)] = True
        first_day[late] = rng.integers(1, max(2, n_days * 2 // 3), size=int(late.sum()))
        early = (rng.random(n) < 0.03) & ~late
        if not early.any():
            early[np.flatnonzero(~late)[0]] = True
        last_day[early] = rng.integers(n_days // 3, n_days - 1, size=int(early.sum()))

    in_table = np.ones(n, dtype=bool)
    if region == "R2":  # a few functions are missing from the runtime table [release quirk]
        missing = rng.choice(n, size=max(1, n // 100), replace=False)
        in_table[missing] = False

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
        phase=phase,
        burst_per_day=burst_per_day,
        burst_len_min=burst_len_min,
        burst_rate=burst_rate,
        pod_capacity=pod_capacity,
        exec_median=exec_median,
        exec_sigma=exec_sigma,
        cpu_level=cpu_level,
        mem_level=mem_level,
        has_layers=has_layers,
        dep_factor=dep_factor,
        clusters=clusters,
        n_clusters=n_clusters,
        first_day=first_day,
        last_day=last_day,
        in_function_table=in_table,
    )


def _fit_volume(
    kind: np.ndarray,
    base_rate: np.ndarray,
    burst_per_day: np.ndarray,
    burst_len_min: np.ndarray,
    burst_rate: np.ndarray,
    timer_period_s: np.ndarray,
    day_requests: float,
) -> None:
    """Bend the heavy tail of request rates so the region's expected daily volume hits its target.

    Rates at or below one request a minute are left alone (they shape the per-function CDFs
    and the cold-start counts); rates above are raised to a power found by bisection, which
    keeps their order while compressing or stretching the tail. Works in place.
    """
    poisson = kind == POISSON
    if not poisson.any():
        return
    # The busiest ~7 % of Poisson functions carry the volume (R2's top function alone has
    # 65 % of its requests [NB c18]); everything else keeps its drawn rate.
    knee = np.quantile(base_rate[poisson], 0.93)
    hot = poisson & (base_rate >= knee)
    fixed = (
        np.sum(np.where(kind == TIMER, 86_400.0 / timer_period_s, 0.0))
        + np.sum(np.where(poisson & ~hot, base_rate * 1440.0, 0.0))
        + np.sum(np.where(kind == BURSTY, burst_per_day * burst_len_min * burst_rate, 0.0))
    )
    target = max(day_requests - fixed, 0.0)
    current = float(np.sum(base_rate[hot]) * 1440.0)
    if current > 0 and target > 0:
        base_rate[hot] *= target / current

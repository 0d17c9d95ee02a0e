"""Event-level simulation of one region, one time chunk at a time.

The model, in the paper's terms:

* **Arrivals.** Timers tick with a fixed period (plus sub-second jitter); other functions
  draw Poisson counts per minute from a rate with a daily cycle, a weekly cycle, the holiday
  and (for batch-like functions) bursts. Requests land uniformly inside their minute, at
  millisecond resolution.
* **Pods.** Each minute a function needs ``K = ceil(requests / pod_capacity)`` pods; its
  requests are dealt round-robin to pod slots ``0..K-1``. A slot keeps its pod while requests
  keep coming: a request arriving more than the keep-alive (60 s) after the end of the slot's
  previous requests finds the pod deleted and cold-starts a new one. So every cold start starts
  a new pod, the triggering request runs on it, and a pod lives from its cold start to one
  keep-alive after its last request ends.
* **Per-minute series** are computed from these events: requests and cold starts per minute,
  pods alive at any moment of the minute, and statistics of per-request metrics.

All randomness comes from the generator passed in, in a fixed order, so a seed fixes the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coldstart import release
from coldstart.synth import calibration as cal
from coldstart.synth.costs import Components, sample_components
from coldstart.synth.metrics import COLD_START, FRONTEND, METRIC_SOURCES, grouped_stats
from coldstart.synth.population import BURSTY, TIMER, Population

MS_PER_MIN = 60_000
KEEP_ALIVE_MS = int(release.KEEP_ALIVE_S * 1000)
_RUN_STRIDE = 10**10  # > any end time in ms; keeps segmented cumulative max exact in int64
MAX_EXEC_US = 43_200 * 10**6
CLUMP_REQUESTS = 6  # SYNTHETIC: requests per arrival clump
CLUMP_SPREAD_MS = 300.0  # SYNTHETIC: mean spread of a clump's arrivals
TOP_OF_MINUTE_SHARE = 0.8  # SYNTHETIC: requests of quiet functions sent at a minute's start
TOP_OF_MINUTE_SPREAD_MS = 80.0


@dataclass
class ChunkEvents:
    """Requests of one chunk, sorted by (pod slot, time)."""

    func: np.ndarray  # int32 index into the population
    t_ms: np.ndarray  # int64 arrival at the worker, ms since trace start
    exec_us: np.ndarray  # int64 totalCost_worker in µs
    pod: np.ndarray  # int64 pod serial within the region
    cluster: np.ndarray  # int8 clusterName 1..4
    cpu: np.ndarray  # cores
    mem: np.ndarray  # MB
    cold: np.ndarray  # bool: this request triggered its pod's cold start
    fields: RequestFields | None = None  # the request table's other columns, when needed


@dataclass
class RequestFields:
    """The worker/frontend breakdown of each request (integer µs; body size in bytes).

    Drawn from a generator of their own (seeded by region, day and chunk), so whether they are
    drawn, i.e. which metrics are written, never changes the events or cold starts.
    """

    worker_us: np.ndarray  # workerCost; runtimeCost = totalCost_worker - workerCost
    frontend_us: np.ndarray  # (n, 4): frontendCost, busCost, readBodyCost, writeRspCost
    frontend_delay_ms: np.ndarray  # time_worker - time_frontend
    frontend_nan: np.ndarray  # bool: the frontend fields of this row are missing
    body_bytes: np.ndarray

    def values(self, metric: str, exec_us: np.ndarray) -> np.ndarray:
        """One request metric in the release's unit (seconds, bytes)."""
        fe = {"frontendCost": 0, "busCost": 1, "readBodyCost": 2, "writeRspCost": 3}
        if metric in fe:
            return self.frontend_us[:, fe[metric]] / 1e6
        if metric == "totalCost_frontend":
            return (exec_us + self.frontend_us.sum(axis=1)) / 1e6
        if metric == "requestBodySize":
            return self.body_bytes
        if metric == "workerCost":
            return self.worker_us / 1e6
        if metric == "runtimeCost":
            return (exec_us - self.worker_us) / 1e6
        raise KeyError(metric)


def draw_request_fields(
    rng: np.random.Generator, exec_us: np.ndarray, frontend_nan_share: float
) -> RequestFields:
    n = len(exec_us)
    worker_us = np.rint(exec_us * rng.uniform(0.01, 0.1, size=n)).astype(np.int64)
    fe = rng.lognormal(np.log([800.0, 300.0, 40.0, 40.0]), 0.6, size=(n, 4)).round()
    return RequestFields(
        worker_us=worker_us,
        frontend_us=fe.astype(np.int64),
        frontend_delay_ms=1 + rng.geometric(0.3, size=n),
        frontend_nan=rng.random(n) < frontend_nan_share,
        body_bytes=np.round(rng.lognormal(np.log(600.0), 1.5, size=n)),
    )


@dataclass
class ChunkResult:
    """One chunk's events and per-minute counts; statistics are computed per metric on demand.

    The ten statistics of all 16 metrics for every (function, minute) of a chunk would be 160
    float arrays of ``n_func × minutes`` (≈460 MB for medium's Region 2 at 6-hour chunks), so
    they are not held here: ``metric_stats`` computes one metric's from the events and keeps
    only the last metric asked for (the writer asks metric by metric).
    """

    minute0: int
    minutes: int
    events: ChunkEvents
    cold_idx: np.ndarray  # indices into events of cold-start requests, sorted by time
    components: Components  # of the cold starts, aligned with cold_idx
    requests: np.ndarray  # (n_func, minutes) int
    cold_starts: np.ndarray  # (n_func, minutes) int
    pods: np.ndarray  # (n_func, minutes) int
    key: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # func*minutes+minute
    n_func: int = 0
    _last: tuple[str, dict[str, np.ndarray]] | None = field(default=None, repr=False)

    def metric_stats(self, metric: str) -> dict[str, np.ndarray]:
        """statistic -> (n_func, minutes) array of one metric, from this chunk's events."""
        if self._last is not None and self._last[0] == metric:
            return self._last[1]
        self._last = None  # free the previous metric's arrays before computing this one's
        ev, comps, key = self.events, self.components, self.key
        size = self.n_func * self.minutes
        src = METRIC_SOURCES[metric]
        if src.events == COLD_START:
            col = {
                "totalCost_cold_start": comps.total,
                "podAllocationCost": comps.pod_allocation,
                "deployCodeCost": comps.deploy_code,
                "deployDependencyCost": comps.deploy_dependency,
                "schedulingCost": comps.scheduling,
            }[metric]
            st = grouped_stats(key[self.cold_idx], col / 1e6, size, src.scale)
        elif metric in ("totalCost", "cpu_usage", "memory_usage"):
            vals = {"totalCost": ev.exec_us / 1e6, "cpu_usage": ev.cpu, "memory_usage": ev.mem}[
                metric
            ]
            st = grouped_stats(key, vals, size, src.scale)
        else:
            fields = ev.fields
            assert fields is not None
            vals = fields.values(metric, ev.exec_us)
            if src.events == FRONTEND:
                ok = ~fields.frontend_nan
                st = grouped_stats(key[ok], vals[ok], size, src.scale)
            else:
                st = grouped_stats(key, vals, size, src.scale)
        out = {s: v.reshape(self.n_func, self.minutes) for s, v in st.items()}
        self._last = (metric, out)
        return out


def day_factor(day: int, holiday_factor: float) -> float:
    """Weekly cycle, holiday and the rush either side of it (non-timer load only)."""
    if day in cal.HOLIDAY_DAYS:
        return holiday_factor
    if day == cal.LAST_WORKDAY:
        return cal.RUSH_FACTOR
    if day in cal.WEEKEND_DAYS:
        return cal.WEEKEND_FACTOR
    return 1.0


class RegionSimulator:
    """Carries pod state from chunk to chunk for one region."""

    def __init__(
        self,
        pop: Population,
        rng: np.random.Generator,
        n_days: int,
        pod_serial0: int,
        metrics: tuple[str, ...] = release.METRICS,
        field_seed: tuple[int, ...] = (0,),
        request_day: int | None = None,
    ) -> None:
        self.pop = pop
        self.metrics = metrics
        self.field_seed = field_seed
        self.request_day = request_day
        self.prof = cal.REGION_PROFILES[pop.region]
        self.rng = rng
        self.n_days = n_days
        self.total_minutes = n_days * release.MINUTES_PER_DAY
        n = pop.n
        # Diurnal bump normalised to mean 1 over the day (von Mises shape).
        self._kappa = pop.kappa
        self._bump_norm = np.exp(-self._kappa) * np.i0(self._kappa)
        # Upper bound on pods per function -> fixed slot layout.
        peak = pop.base_rate * (1 + pop.amp / self._bump_norm) * 1.5
        peak = np.where(pop.kind == BURSTY, pop.burst_rate * 2 + peak, peak)
        self.kmax = np.where(
            pop.kind == TIMER, 1, np.ceil(peak * 3 / pop.pod_capacity).astype(np.int64) + 3
        ).astype(np.int64)
        self.slot0 = np.r_[0, np.cumsum(self.kmax)[:-1]].astype(np.int64)
        n_slots = int(self.kmax.sum())
        self.last_end = np.full(n_slots, -(10**15), dtype=np.int64)
        self.slot_pod = np.full(n_slots, -1, dtype=np.int64)
        self.pod_serial0 = pod_serial0
        self.next_pod = pod_serial0
        self.spill = np.empty(0, dtype=np.int64)  # pod*_PAIR + minute pairs beyond last chunk
        self.spill_func = np.empty(0, dtype=np.int32)
        self._bursts = self._draw_bursts()
        self._clump_phase = self.rng.random(n) * MS_PER_MIN
        self._clumps = (pop.kind != TIMER) & (pop.base_rate >= 2 * CLUMP_REQUESTS)
        self._is_timer = pop.kind == TIMER
        self._java = pop.runtime == "Java"
        del n

    # --- arrivals --------------------------------------------------------------------------
    def _draw_bursts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Batch episodes of bursty functions over the whole trace: (func, start, length, rate)."""
        pop = self.pop
        idx = np.flatnonzero(pop.kind == BURSTY)
        n_ep = self.rng.poisson(pop.burst_per_day[idx] * self.n_days)
        func = np.repeat(idx, n_ep)
        start = self.rng.integers(0, self.total_minutes, size=len(func))
        # Thin by the daily cycle so batches follow working hours.
        x = (start % release.MINUTES_PER_DAY) / release.MINUTES_PER_DAY
        keep = (
            self.rng.random(len(func))
            < np.exp(self._kappa[func] * (np.cos(2 * np.pi * (x - pop.phase[func])) - 1)) * 0.7
            + 0.3
        )
        func, start = func[keep], start[keep]
        length = np.maximum(1, self.rng.poisson(pop.burst_len_min[func])).astype(np.int64)
        rate = pop.burst_rate[func] * np.exp(self.rng.normal(0, 0.5, size=len(func)))
        order = np.argsort(start, kind="stable")
        return func[order], start[order], length[order], rate[order]

    def _rates(self, m0: int, m1: int) -> np.ndarray:
        """Expected requests per minute, (n_func, m1-m0), for non-timer functions."""
        pop = self.pop
        minutes = np.arange(m0, m1)
        x = (minutes % release.MINUTES_PER_DAY) / release.MINUTES_PER_DAY
        theta = 2 * np.pi * (x[None, :] - pop.phase[:, None])
        kap, norm = self._kappa[:, None], self._bump_norm[:, None]
        bump = np.exp(kap * (np.cos(theta) - 1)) / norm
        if self.prof.secondary_phase is not None:
            theta2 = (
                2
                * np.pi
                * (
                    x[None, :]
                    - (pop.phase[:, None] + self.prof.secondary_phase - self.prof.peak_phase)
                )
            )
            bump = 0.7 * bump + 0.3 * np.exp(kap * (np.cos(theta2) - 1)) / norm
        day = minutes // release.MINUTES_PER_DAY
        amp = np.where(
            self._java[:, None] & (day[None, :] < cal.JAVA_DIURNAL_FROM_DAY), 0.0, pop.amp[:, None]
        )
        shape = (1 - amp) + amp * bump
        week = np.array([day_factor(int(d), self.prof.holiday_factor) for d in day])
        lam = np.where(
            pop.kind[:, None] != TIMER, pop.base_rate[:, None] * shape * week[None, :], 0.0
        )
        bf, bs, bl, br = self._bursts
        sel = (bs < m1) & (bs + bl > m0)
        if sel.any():
            f, s, ln, r = bf[sel], bs[sel], bl[sel], br[sel]
            lo = np.maximum(s, m0)
            hi = np.minimum(s + ln, m1)
            cnt = hi - lo
            rows = np.repeat(f, cnt)
            cols = np.repeat(lo - m0, cnt) + (
                np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            )
            np.add.at(lam, (rows, cols), np.repeat(r * week[0], cnt))
        alive = (day[None, :] >= pop.first_day[:, None]) & (day[None, :] <= pop.last_day[:, None])
        return np.where(alive, lam, 0.0)

    def _timer_ticks(self, m0: int, m1: int) -> tuple[np.ndarray, np.ndarray]:
        pop = self.pop
        idx = np.flatnonzero(self._is_timer)
        t0, t1 = m0 * 60.0, m1 * 60.0
        p = pop.timer_period_s[idx]
        ph = pop.timer_phase_s[idx]
        k0 = np.ceil((t0 - ph) / p).astype(np.int64)
        k1 = np.ceil((t1 - ph) / p).astype(np.int64)
        cnt = np.maximum(k1 - k0, 0)
        func = np.repeat(idx, cnt)
        k = np.repeat(k0, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        t = pop.timer_phase_s[func] + k * pop.timer_period_s[func]
        t = t + self.rng.exponential(0.004, size=len(t))  # scheduler jitter, ms
        t_ms = np.minimum(np.floor(t * 1000).astype(np.int64), m1 * MS_PER_MIN - 1)
        day = t_ms // (release.SECONDS_PER_DAY * 1000)
        alive = (day >= pop.first_day[func]) & (day <= pop.last_day[func])
        return func[alive], t_ms[alive]

    # --- one chunk -------------------------------------------------------------------------
    def run_chunk(self, m0: int, m1: int) -> ChunkResult:
        pop, rng = self.pop, self.rng
        cm = m1 - m0
        n = pop.n
        lam = self._rates(m0, m1)
        # Minute-to-minute swings of the offered load (per trigger group): the autoscaler sizes
        # each function's pods from this load, so swings turn into pod churn (cold starts).
        # A swing lasts the function's load block (one draw per block; chunks are whole blocks).
        cv = pop.rate_cv[:, None]
        z = rng.standard_normal((n, cm))
        block = pop.load_block[:, None]
        z = np.take_along_axis(z, np.arange(cm)[None, :] // block * block, axis=1)
        lam = lam * np.exp(cv * z - cv * cv / 2)
        k_target = np.clip(
            np.ceil(lam / pop.pod_capacity[:, None]).astype(np.int64), 1, self.kmax[:, None]
        )
        counts = rng.poisson(lam)
        flat = np.flatnonzero(counts)
        c = counts.ravel()[flat]
        pf = np.repeat(flat // cm, c).astype(np.int32)
        pmin = np.repeat(flat % cm + m0, c).astype(np.int64)
        # Busy functions' requests come in clumps (a client's batch, a fan-out): each minute
        # gathers them around max(2, count/CLUMP_REQUESTS) evenly spaced instants at the
        # function's own phase, so the pods an autoscaler adds start together and cold-start
        # arrivals are as bursty as the paper's (Fig 10d), while a pod's consecutive requests
        # stay well within the keep-alive (a function clumps every minute or never).
        n_clump = np.maximum(2, c // CLUMP_REQUESTS)
        rep_n = np.repeat(n_clump, c)
        k = (rng.random(len(pf)) * rep_n).astype(np.int64)
        clump_ms = self._clump_phase[pf] + k * MS_PER_MIN / rep_n
        clumped = clump_ms + rng.exponential(CLUMP_SPREAD_MS, size=len(pf))
        # The others arrive uniformly, or at the top of the minute (clients on a schedule).
        top = rng.random(len(pf)) < TOP_OF_MINUTE_SHARE
        lone = np.where(
            top,
            rng.exponential(TOP_OF_MINUTE_SPREAD_MS, size=len(pf)),
            rng.random(len(pf)) * MS_PER_MIN,
        )
        offset = np.where(self._clumps[pf], clumped % MS_PER_MIN, lone)
        p_ms = pmin * MS_PER_MIN + np.minimum(offset, MS_PER_MIN - 1).astype(np.int64)
        tf, t_ms_t = self._timer_ticks(m0, m1)
        func = np.concatenate([pf, tf.astype(np.int32)])
        t_ms = np.concatenate([p_ms, t_ms_t])
        order = np.lexsort((t_ms, func))
        func, t_ms = func[order], t_ms[order]
        ne = len(func)

        # Per-request attributes.
        exec_us = np.exp(rng.normal(np.log(pop.exec_median[func] * 1e6), pop.exec_sigma[func]))
        tail = rng.random(ne) < 5e-4  # rare very long executions (release max ≈ 43 000 s)
        exec_us = np.where(tail, exec_us * np.exp(rng.uniform(2, 7, size=ne)), exec_us)
        exec_us = np.clip(np.rint(exec_us), 300, MAX_EXEC_US).astype(np.int64)
        end_ms = t_ms + (exec_us + 999) // 1000
        cap = pop.cpu_limit[func] / 1000.0
        cpu = np.round(
            np.clip(pop.cpu_level[func] * np.exp(rng.normal(0, 0.25, size=ne)), 0.001, cap), 6
        )
        mem = np.round(
            np.clip(
                pop.mem_level[func] * np.exp(rng.normal(0, 0.08, size=ne)), 1.0, pop.mem_limit[func]
            ),
            3,
        )

        # Pods: deal each minute's requests round-robin over K slots.
        minute = t_ms // MS_PER_MIN
        g = func.astype(np.int64) * cm + (minute - m0)
        gstart = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if ne else np.empty(0, np.int64)
        gsize = np.diff(np.r_[gstart, ne])
        j = np.arange(ne) - np.repeat(gstart, gsize)
        # Pods sized from the offered load, not the minute's count (an autoscaler reacts to
        # load, so Poisson noise alone does not churn pods); requests go round-robin over them.
        k_need = k_target[func[gstart], minute[gstart] - m0]
        rank = j % np.repeat(k_need, gsize)
        slot = self.slot0[func] + rank
        o2 = np.lexsort((t_ms, slot))
        func, t_ms, exec_us, end_ms, cpu, mem, slot, minute = (
            a[o2] for a in (func, t_ms, exec_us, end_ms, cpu, mem, slot, minute)
        )
        run_start = np.r_[True, slot[1:] != slot[:-1]] if ne else np.empty(0, bool)
        run_id = np.cumsum(run_start) - 1
        prev_state = self.last_end[slot]
        new_at_start = run_start & (t_ms - prev_state > KEEP_ALIVE_MS)
        seeded = np.where(run_start & ~new_at_start, np.maximum(end_ms, prev_state), end_ms)
        cummax = np.maximum.accumulate(seeded + run_id * _RUN_STRIDE) - run_id * _RUN_STRIDE
        prev_end = np.r_[0, cummax[:-1]] if ne else cummax
        new = np.where(run_start, new_at_start, t_ms - prev_end > KEEP_ALIVE_MS)
        new_ids = self.next_pod + np.cumsum(new) - 1
        self.next_pod += int(new.sum())
        anchor = np.where(new | run_start, np.arange(ne), 0)
        anchor = np.maximum.accumulate(anchor) if ne else anchor
        anchor_pod = np.where(new, new_ids, self.slot_pod[slot])
        pod = anchor_pod[anchor]
        run_last = np.r_[np.flatnonzero(run_start)[1:] - 1, ne - 1] if ne else np.empty(0, np.int64)
        self.last_end[slot[run_last]] = cummax[run_last]
        self.slot_pod[slot[run_last]] = pod[run_last]
        rank = slot - self.slot0[func]
        ncl = pop.n_clusters[func]
        cluster = pop.clusters[func, rank % ncl].astype(np.int8)

        events = ChunkEvents(func, t_ms, exec_us, pod, cluster, cpu, mem, new)

        # Cold starts.
        cold_idx = np.flatnonzero(new)
        cold_idx = cold_idx[np.argsort(t_ms[cold_idx], kind="stable")]
        cf = func[cold_idx]
        comps = sample_components(
            rng,
            self.prof.cold_start,
            pop.runtime[cf],
            pop.is_large[cf],
            pop.has_layers[cf],
            pop.dep_factor[cf],
            pop.slow_factor[cf],
            pop.fresh_share[cf],
        )

        # Per-minute counts.
        size = n * cm
        local = minute - m0
        key = func.astype(np.int64) * cm + local
        requests = np.bincount(key, minlength=size).reshape(n, cm)
        cold_starts = np.bincount(key[cold_idx], minlength=size).reshape(n, cm)
        pods = self._pods_alive(func, pod, minute, cummax, m0, m1)

        fields = None
        request_metrics = [m for m in self.metrics if METRIC_SOURCES[m].events != COLD_START]
        if request_metrics or m0 // release.MINUTES_PER_DAY == self.request_day:
            frng = np.random.default_rng(np.random.SeedSequence([*self.field_seed, m0]))
            fields = draw_request_fields(frng, exec_us, self.prof.frontend_nan_share)
        events.fields = fields
        return ChunkResult(
            minute0=m0,
            minutes=cm,
            events=events,
            cold_idx=cold_idx,
            components=comps,
            requests=requests,
            cold_starts=cold_starts,
            pods=pods,
            key=key,
            n_func=n,
        )

    def _pods_alive(
        self,
        func: np.ndarray,
        pod: np.ndarray,
        minute: np.ndarray,
        cummax: np.ndarray,
        m0: int,
        m1: int,
    ) -> np.ndarray:
        """Distinct pods alive at some moment of each minute, (n_func, m1-m0).

        A pod is alive from its cold start until one keep-alive after its requests end; since
        no gap inside a pod exceeds the keep-alive, that is the union over its requests of
        [arrival, end + keep-alive]. Minutes past the chunk spill over to the next chunk.
        """
        n, cm = self.pop.n, m1 - m0
        ne = len(pod)
        if ne:
            # One coverage interval per (pod, arrival minute): the furthest end among them.
            brk = np.r_[True, (pod[1:] != pod[:-1]) | (minute[1:] != minute[:-1])]
            starts = np.flatnonzero(brk)
            last = np.r_[starts[1:] - 1, ne - 1]
            p_pod, p_func, p_first = pod[starts], func[starts], minute[starts]
            p_last = np.minimum(
                (cummax[last] + KEEP_ALIVE_MS) // MS_PER_MIN, self.total_minutes - 1
            )
            span = p_last - p_first + 1
            cov_pod = np.repeat(p_pod, span)
            cov_func = np.repeat(p_func, span)
            cov_min = np.repeat(p_first, span) + (
                np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
            )
        else:
            cov_pod = cov_min = np.empty(0, np.int64)
            cov_func = np.empty(0, np.int32)
        pair = np.concatenate([cov_pod * _RUN_STRIDE + cov_min, self.spill])
        pfunc = np.concatenate([cov_func, self.spill_func])
        pair, first = np.unique(pair, return_index=True)
        pfunc = pfunc[first]
        pm = pair % _RUN_STRIDE
        later = pm >= m1
        self.spill, self.spill_func = pair[later], pfunc[later]
        inside = ~later & (pm >= m0)
        key = pfunc[inside].astype(np.int64) * cm + (pm[inside] - m0)
        return np.bincount(key, minlength=n * cm).reshape(n, cm)

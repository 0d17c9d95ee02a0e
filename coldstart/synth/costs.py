"""Cold-start component times for the synthetic trace.

All times are integer microseconds so that the four components add up *exactly* to the
total, as in the release (``totalCost_cold_start = podAllocationCost + deployCodeCost +
deployDependencyCost + schedulingCost``); code and dependency deployment are rounded to 1 ms
as the release's are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coldstart.synth.calibration import ColdStartModel

# SYNTHETIC per-runtime multipliers of (scheduling, code, dependency) medians, shaped after
# Fig 15: Node.js is dominated by scheduling, Go by code and dependency deployment, PHP7.3
# and Go are the fastest overall.
RUNTIME_FACTORS: dict[str, tuple[float, float, float]] = {
    "Node.js": (1.6, 0.8, 0.7),
    "Go1.x": (0.35, 3.0, 2.0),
    "PHP7.3": (0.5, 0.7, 0.6),
    "Java": (0.9, 1.3, 1.0),
    "Python2": (1.0, 1.0, 1.0),
}

ALLOC_FAST_MEDIAN = 2.5e-4  # s, an idle pod from the pool
ALLOC_MID_MEDIAN = 1.5e-2  # s, a wider search
ALLOC_SLOW_MEDIAN = 10.3  # s, a fresh pod (Custom image download, http server start)


@dataclass
class Components:
    """Microseconds per cold start."""

    pod_allocation: np.ndarray
    deploy_code: np.ndarray
    deploy_dependency: np.ndarray
    scheduling: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.pod_allocation + self.deploy_code + self.deploy_dependency + self.scheduling


def _lognormal_us(rng: np.random.Generator, median_s: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(rng.normal(np.log(median_s * 1e6), sigma))


def sample_components(
    rng: np.random.Generator,
    model: ColdStartModel,
    runtime: np.ndarray,
    large: np.ndarray,
    has_layers: np.ndarray,
    dep_factor: np.ndarray,
) -> Components:
    """Draw the four components for cold starts with the given function attributes (arrays)."""
    n = len(runtime)
    lf = np.where(large, model.large_factor, 1.0)
    f_sched = np.ones(n)
    f_code = np.ones(n)
    f_dep = np.ones(n)
    for rt, (a, b, c) in RUNTIME_FACTORS.items():
        m = runtime == rt
        f_sched[m], f_code[m], f_dep[m] = a, b, c

    p_slow = model.alloc_slow + np.where(large, model.large_slow_extra, 0.0)
    for rt, p in model.runtime_slow.items():
        p_slow = np.where(runtime == rt, p, p_slow)
    p_fast = (1.0 - p_slow) * model.alloc_fast * np.where(large, 0.6, 1.0)
    u = rng.random(n)
    slow = u < p_slow
    fast = ~slow & (u < p_slow + p_fast)
    alloc = np.where(
        slow,
        _lognormal_us(rng, np.full(n, ALLOC_SLOW_MEDIAN), 0.04),
        np.where(
            fast,
            _lognormal_us(rng, np.full(n, ALLOC_FAST_MEDIAN), 0.7),
            _lognormal_us(rng, np.full(n, ALLOC_MID_MEDIAN), 1.0),
        ),
    )
    sched = _lognormal_us(rng, model.sched_median * lf * f_sched, model.sched_sigma)
    code_ms = np.maximum(
        1,
        np.rint(
            _lognormal_us(rng, model.code_median * np.sqrt(lf) * f_code, model.code_sigma) / 1000
        ),
    )
    dep_ms = np.maximum(
        1,
        np.rint(
            _lognormal_us(rng, model.dep_median * lf * f_dep * dep_factor, model.dep_sigma) / 1000
        ),
    )
    dep_ms = np.where(has_layers, dep_ms, 0)
    return Components(
        pod_allocation=np.maximum(1, np.rint(alloc)).astype(np.int64),
        deploy_code=(code_ms * 1000).astype(np.int64),
        deploy_dependency=(dep_ms * 1000).astype(np.int64),
        scheduling=np.maximum(1, np.rint(sched)).astype(np.int64),
    )

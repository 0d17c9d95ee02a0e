"""Cold-start component times for the synthetic trace.

All times are integer microseconds so that the four components add up *exactly* to the
total, as in the release (``totalCost_cold_start = podAllocationCost + deployCodeCost +
deployDependencyCost + schedulingCost``); code and dependency deployment are rounded to 1 ms
as the release's are.

The shape, after the paper's Figs 10, 13 and 15:

* **pod allocation** widens its search in stages (§5.3, Fig 13b): an idle pod of the pool
  (sub-ms), a tight mode of tens of ms, and a slow stage spread broadly from ≈0.1 s to ≈10 s;
  the 10 s spike is a fresh pod for Custom images and http servers, which have no reserved
  pool (Fig 15).
* **dependency deployment** is zero for functions without layers (most cold starts) and
  long-tailed for the rest.
* **code deployment** has real mass from 0.1 s to seconds.
* **scheduling** carries each function's persistent speed: a slow subpopulation of functions
  (``Population.slow_factor``) is what makes the tail above p90 heavy, as the paper's pooled
  fit (σ_log 1.326) and Region 1's tens-of-seconds tail need.
* a **cached** share of cold starts (``ColdStartModel.cached_share``, Region 1) finds the
  function's code and dependencies on the node: scheduling and dependency deployment take a
  fraction of the usual time, a fast mode that widens the log-times without raising the mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coldstart.synth.calibration import ColdStartModel

# SYNTHETIC per-runtime multipliers of (scheduling, code, dependency) medians, shaped after
# Fig 15: Node.js is dominated by scheduling, Go by code and dependency deployment, PHP7.3
# and Go are the fastest overall.
RUNTIME_FACTORS: dict[str, tuple[float, float, float]] = {
    "Node.js": (1.8, 0.7, 0.6),
    "Go1.x": (0.25, 2.0, 1.5),
    "PHP7.3": (0.45, 0.6, 0.5),
    "Java": (0.9, 1.3, 1.0),
    "Python2": (1.0, 1.0, 1.0),
}

ALLOC_FAST_MEDIAN = 3.0e-4  # s, an idle pod from the pool
ALLOC_MID_MEDIAN = 2.2e-2  # s, the tight mode of a wider search
ALLOC_MID_SIGMA = 0.3
ALLOC_SLOW_MEDIAN = 0.9  # s, the slow stage: broad, ≈0.1 to ≈10 s
ALLOC_SLOW_SIGMA = 1.1
ALLOC_FRESH_MEDIAN = 10.3  # s, a fresh pod (Custom image download, http server start)


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
    slow_factor: np.ndarray,
    fresh_share: np.ndarray,
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

    # Pod allocation: fresh pod (Custom/http), slow stage, tight mode or an idle pool pod.
    p_fresh = fresh_share
    p_slow = (1 - p_fresh) * np.minimum(
        model.alloc_slow + np.where(large, model.large_slow_extra, 0.0), 1.0
    )
    p_fast = (1 - p_fresh - p_slow) * model.alloc_fast * np.where(large, 0.6, 1.0)
    u = rng.random(n)
    fresh = u < p_fresh
    slow = ~fresh & (u < p_fresh + p_slow)
    fast = ~fresh & ~slow & (u < p_fresh + p_slow + p_fast)
    z = rng.normal(size=n)
    alloc_s = np.select(
        [fresh, slow, fast],
        [
            ALLOC_FRESH_MEDIAN * np.exp(0.04 * z),
            ALLOC_SLOW_MEDIAN * np.exp(ALLOC_SLOW_SIGMA * z),
            ALLOC_FAST_MEDIAN * np.exp(0.5 * z),
        ],
        ALLOC_MID_MEDIAN * np.exp(ALLOC_MID_SIGMA * z),
    )
    sched = _lognormal_us(rng, model.sched_median * lf * f_sched * slow_factor, model.sched_sigma)
    code_ms = np.maximum(
        1,
        np.rint(
            _lognormal_us(rng, model.code_median * np.sqrt(lf) * f_code, model.code_sigma) / 1000
        ),
    )
    dep_ms = np.maximum(
        1,
        np.rint(
            _lognormal_us(
                rng,
                model.dep_median * lf * f_dep * dep_factor * np.sqrt(slow_factor),
                model.dep_sigma,
            )
            / 1000
        ),
    )
    dep_ms = np.where(has_layers, dep_ms, 0)
    if model.cached_share > 0:  # drawn only where used: other regions' streams stay the same
        cached = rng.random(n) < model.cached_share
        sched = np.where(cached, sched * model.cached_factor, sched)
        dep_ms = np.where(
            cached & (dep_ms > 0), np.maximum(1, np.rint(dep_ms * model.cached_factor)), dep_ms
        )
    return Components(
        pod_allocation=np.maximum(1, np.rint(alloc_s * 1e6)).astype(np.int64),
        deploy_code=(code_ms * 1000).astype(np.int64),
        deploy_dependency=(dep_ms * 1000).astype(np.int64),
        scheduling=np.maximum(1, np.rint(sched)).astype(np.int64),
    )

"""Distribution fits of Fig 10: LogNormal for cold-start times, Weibull for inter-arrival times.

The paper reports both fits by the *distribution's own* mean and standard deviation in seconds
(LogNormal mean 3.24 s, sd 7.10 s; Weibull mean 1.25 s, sd 3.66 s), not by μ/σ of the log or
shape/scale, so every result here carries those moments alongside the fitted parameters and a
Kolmogorov–Smirnov statistic against the data it was fitted to.

Choices the paper leaves open, as named parameters:

* ``max_samples`` (default 200 000): :func:`fit_weibull` on raw values is iterative, so large
  inputs are fitted on a seeded uniform subsample; the LogNormal MLE is closed-form and uses
  every value. KS is computed on at most ``max_samples`` values too (on millions of values
  every p-value is 0). The report fits the Weibull with :func:`fit_weibull_histogram` instead:
  every gap, through a fine histogram computed in SQL, no subsample.
* ``zero_policy`` for inter-arrival times (default ``"spread"``): release timestamps have 1 ms
  resolution, so IATs below 1 ms read as 0 and a Weibull cannot be fitted to zeros.
  ``"spread"`` replaces each zero by a uniform draw in (0, resolution), keeping that mass
  below 1 ms where the paper's curves put it; ``"drop"`` removes them. The share of zeros is
  reported either way (paper_catalog §Fig 10c).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

#: Largest sample an iterative fit or KS test sees; larger inputs are subsampled (seeded).
DEFAULT_MAX_SAMPLES = 200_000
#: Timestamp resolution of the release (seconds): IATs below it are recorded as 0.
TIMESTAMP_RESOLUTION_S = 0.001

ZeroPolicy = Literal["spread", "drop"]


@dataclass(frozen=True)
class FitResult:
    """One fitted distribution, in the paper's terms (seconds) and in scipy's parameters.

    ``params`` are scipy's: ``{"s", "scale"}`` for ``lognorm`` (σ_log, e^μ),
    ``{"c", "scale"}`` for ``weibull_min`` (shape k, scale λ); loc is fixed at 0.
    """

    distribution: str  # "lognormal" or "weibull"
    n: int  # values fitted (after zero handling)
    params: dict[str, float]
    mean_s: float  # the fitted distribution's mean
    sd_s: float  # the fitted distribution's standard deviation
    median_s: float  # the fitted distribution's median
    ks_statistic: float  # sup |F_empirical − F_fit| on the (sub)sample
    ks_pvalue: float
    empirical_mean_s: float
    empirical_median_s: float
    zero_share: float = 0.0  # share of input values that were 0 (IAT below timestamp resolution)
    extra: dict[str, float] = field(default_factory=dict)

    def frozen_distribution(self) -> Any:
        """The fitted scipy distribution (``.cdf``, ``.ppf``, ``.rvs``…), for overlays."""
        from scipy import stats

        if self.distribution == "lognormal":
            return stats.lognorm(s=self.params["s"], scale=self.params["scale"])
        return stats.weibull_min(c=self.params["c"], scale=self.params["scale"])

    def as_row(self) -> dict[str, object]:
        """Flat dict for a results table (params spread into columns)."""
        row = {k: v for k, v in asdict(self).items() if k not in ("params", "extra")}
        row.update({f"param_{k}": v for k, v in self.params.items()})
        return row


def _clean(values: np.ndarray | pl.Series) -> np.ndarray:
    arr = np.asarray(pl.Series(values).drop_nulls().cast(pl.Float64).to_numpy(), dtype=float)
    return arr[np.isfinite(arr)]


def _subsample(arr: np.ndarray, max_samples: int | None, seed: int) -> np.ndarray:
    if max_samples is None or arr.size <= max_samples:
        return arr
    rng = np.random.default_rng(seed)
    return rng.choice(arr, size=max_samples, replace=False)


def _ks(sample: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray]) -> tuple[float, float]:
    from scipy import stats

    res = stats.kstest(sample, cdf)
    return float(res.statistic), float(res.pvalue)


def fit_lognormal(
    values: np.ndarray | pl.Series,
    *,
    max_samples: int | None = DEFAULT_MAX_SAMPLES,
    seed: int = 0,
) -> FitResult:
    """Maximum-likelihood LogNormal (loc 0) of positive values, e.g. cold-start times in s.

    The MLE is closed-form (μ = mean ln x, σ = population sd of ln x), so every value is used;
    non-positive values cannot come from a LogNormal and are dropped (counted in zero_share).
    """
    arr = _clean(values)
    if arr.size == 0:
        raise ValueError("fit_lognormal: no values to fit")
    zero_share = float(np.mean(arr <= 0))
    pos = arr[arr > 0]
    if pos.size < 2:
        raise ValueError("fit_lognormal: need at least two positive values")
    logs = np.log(pos)
    mu, sigma = float(logs.mean()), float(logs.std())
    mean = math.exp(mu + sigma**2 / 2)
    sd = mean * math.sqrt(math.expm1(sigma**2))
    fit = FitResult(
        distribution="lognormal",
        n=int(pos.size),
        params={"s": sigma, "scale": math.exp(mu)},
        mean_s=mean,
        sd_s=sd,
        median_s=math.exp(mu),
        ks_statistic=math.nan,
        ks_pvalue=math.nan,
        empirical_mean_s=float(pos.mean()),
        empirical_median_s=float(np.median(pos)),
        zero_share=zero_share,
        extra={"mu_log": mu},
    )
    ks, p = _ks(_subsample(pos, max_samples, seed), fit.frozen_distribution().cdf)
    return _replace(fit, ks_statistic=ks, ks_pvalue=p)


def resolve_zeros(
    values: np.ndarray | pl.Series,
    *,
    zero_policy: ZeroPolicy = "spread",
    resolution_s: float = TIMESTAMP_RESOLUTION_S,
    seed: int = 0,
) -> tuple[np.ndarray, float]:
    """Handle IATs of 0 (below timestamp resolution): returns (values, share that were 0)."""
    arr = _clean(values)
    arr = arr[arr >= 0]
    if arr.size == 0:
        return arr, 0.0
    zeros = arr == 0
    share = float(zeros.mean())
    if zero_policy == "drop":
        return arr[~zeros], share
    if zero_policy == "spread":
        rng = np.random.default_rng(seed)
        out = arr.copy()
        out[zeros] = rng.uniform(0.0, resolution_s, size=int(zeros.sum()))
        out[out == 0] = resolution_s / 2  # uniform() may return exactly 0
        return out, share
    raise ValueError(f"zero_policy must be 'spread' or 'drop', not {zero_policy!r}")


def fit_weibull(
    values: np.ndarray | pl.Series,
    *,
    zero_policy: ZeroPolicy = "spread",
    resolution_s: float = TIMESTAMP_RESOLUTION_S,
    max_samples: int | None = DEFAULT_MAX_SAMPLES,
    seed: int = 0,
) -> FitResult:
    """Maximum-likelihood 2-parameter Weibull (loc 0), e.g. cold-start inter-arrival times in s."""
    from scipy import stats

    arr, zero_share = resolve_zeros(
        values, zero_policy=zero_policy, resolution_s=resolution_s, seed=seed
    )
    if arr.size < 2:
        raise ValueError("fit_weibull: need at least two positive values")
    sample = _subsample(arr, max_samples, seed)
    c, _loc, scale = stats.weibull_min.fit(sample, floc=0)
    c, scale = float(c), float(scale)
    g1, g2 = math.gamma(1 + 1 / c), math.gamma(1 + 2 / c)
    mean = scale * g1
    sd = scale * math.sqrt(max(g2 - g1**2, 0.0))
    fit = FitResult(
        distribution="weibull",
        n=int(arr.size),
        params={"c": c, "scale": scale},
        mean_s=mean,
        sd_s=sd,
        median_s=scale * math.log(2) ** (1 / c),
        ks_statistic=math.nan,
        ks_pvalue=math.nan,
        empirical_mean_s=float(arr.mean()),
        empirical_median_s=float(np.median(arr)),
        zero_share=zero_share,
    )
    ks, p = _ks(sample, fit.frozen_distribution().cdf)
    return _replace(fit, ks_statistic=ks, ks_pvalue=p)


def _replace(fit: FitResult, **changes: float) -> FitResult:
    from dataclasses import replace

    return replace(fit, **changes)


def fits_by_region(
    df: pl.DataFrame,
    value: str,
    distribution: Literal["lognormal", "weibull"],
    *,
    region: str = "region",
    pooled_label: str = "all",
    **options: object,
) -> tuple[pl.DataFrame, dict[str, FitResult]]:
    """Fit per region and pooled (all rows together): a table and the fit objects by label.

    Pooling concatenates the per-region values (for IATs: the per-region arrays, not one merged
    timeline — paper_catalog §Fig 10d). Regions with fewer than two usable values are skipped.
    """
    fitter = fit_lognormal if distribution == "lognormal" else fit_weibull
    results: dict[str, FitResult] = {}
    for (name,), part in sorted(df.partition_by(region, as_dict=True).items()):
        try:
            results[str(name)] = fitter(part[value], **options)  # type: ignore[arg-type]
        except ValueError:
            continue
    if df.height:
        with contextlib.suppress(ValueError):
            results[pooled_label] = fitter(df[value], **options)  # type: ignore[arg-type]
    rows = [{"group": k, **v.as_row()} for k, v in results.items()]
    table = pl.DataFrame(rows) if rows else pl.DataFrame(schema={"group": pl.String})
    return table, results


def lognormal_from_moments(mean_s: float, sd_s: float) -> dict[str, float]:
    """scipy ``lognorm`` parameters for a stated mean and sd (e.g. the paper's 3.24 s / 7.10 s)."""
    sigma2 = math.log(1 + (sd_s / mean_s) ** 2)
    mu = math.log(mean_s) - sigma2 / 2
    return {"s": math.sqrt(sigma2), "scale": math.exp(mu)}


# --- the Weibull fit from a histogram (the report's Fig 10d) ------------------------------------
#
# The 2-parameter Weibull MLE needs Σ xᶜ and Σ xᶜ·ln x for every shape c the solver tries, so no
# fixed set of sums suffices; but it needs only the distinct values and their counts. The
# report's histogram (query cold_starts_inter_arrival_histogram) is fine enough that a bin
# holds one distinct value wherever the release's 1 ms resolution makes values sparse (below
# 0.43 s at 1000 bins per decade) and is 0.23 % wide elsewhere, where each bin's values enter
# at their mean. The fit then uses every gap, with no subsample. Zeros under the "spread"
# policy enter as their expectation under U(0, resolution) — the limit, without its sampling
# noise, of replacing each zero by a uniform draw.


def _weibull_profile_mle(
    x: np.ndarray, w: np.ndarray, zeros: float, resolution_s: float
) -> tuple[float, float]:
    """(shape c, scale λ) maximising Σ w·ℓ(x) + zeros·E[ℓ(U)], U ~ U(0, resolution_s).

    Solves the profile score S1/S0 − 1/c − mean(ln x) = 0 (S0 = Σ w xᶜ, S1 = Σ w xᶜ ln x),
    increasing in c, by Brent's method; λᶜ = S0 / N. Powers are scaled by the largest value
    so that xᶜ neither overflows nor underflows.
    """
    from scipy import optimize

    lx = np.log(x)
    lr = math.log(resolution_s)
    total = float(w.sum()) + zeros
    mean_log = (float(np.sum(w * lx)) + zeros * (lr - 1.0)) / total
    top = max(float(lx.max()), lr if zeros else -math.inf)

    def sums(c: float) -> tuple[float, float]:
        e = np.exp(c * (lx - top))
        s0, s1 = float(np.sum(w * e)), float(np.sum(w * e * lx))
        if zeros:  # E[Uᶜ] = rᶜ/(c+1);  E[Uᶜ ln U] = rᶜ/(c+1) · (ln r − 1/(c+1))
            ez = zeros * math.exp(c * (lr - top)) / (c + 1)
            s0, s1 = s0 + ez, s1 + ez * (lr - 1 / (c + 1))
        return s0, s1

    def score(c: float) -> float:
        s0, s1 = sums(c)
        return s1 / s0 - 1 / c - mean_log

    lo, hi = 0.01, 10.0
    while score(lo) > 0 and lo > 1e-6:
        lo /= 10
    while score(hi) < 0 and hi < 1e4:
        hi *= 10
    if not score(lo) < 0 < score(hi):
        raise ValueError("fit_weibull: the values are all equal (no Weibull fits them)")
    c = float(optimize.brentq(score, lo, hi, xtol=1e-14, rtol=1e-12))
    s0, _ = sums(c)
    return c, math.exp(top) * (s0 / total) ** (1 / c)


def _binned_ks(
    dist: Any, hist: pl.DataFrame, zeros: float, total: float, resolution_s: float
) -> float:
    """sup |F_empirical − F_fit| over the histogram's points.

    The empirical CDF is known exactly just below each bin's smallest value and at its
    largest: with one distinct value per bin this is the KS distance of the raw values; in a
    wider bin it misses at most the fitted probability of that bin. Spread zeros are uniform on
    (0, resolution), checked on a grid of 64 points there.
    """
    n = hist["n"].to_numpy().astype(float)
    after = np.cumsum(n)
    before = after - n
    lo, hi = hist["min_s"].to_numpy(), hist["max_s"].to_numpy()

    def zero_part(x: np.ndarray) -> np.ndarray:
        return zeros * np.minimum(x / resolution_s, 1.0) if zeros else np.zeros_like(x)

    d = max(
        float(np.max(np.abs(dist.cdf(lo) - (before + zero_part(lo)) / total))),
        float(np.max(np.abs(dist.cdf(hi) - (after + zero_part(hi)) / total))),
    )
    if zeros:
        grid = resolution_s * np.arange(1, 65) / 64
        below = np.searchsorted(hi, grid, side="right")
        emp = (np.concatenate([[0.0], after])[below] + zero_part(grid)) / total
        d = max(d, float(np.max(np.abs(dist.cdf(grid) - emp))))
    return d


def _binned_median(hist: pl.DataFrame, zeros: float, total: float, resolution_s: float) -> float:
    """Median of the fitted values, exact for a one-value bin, else interpolated in its bin."""
    half = total / 2
    if zeros >= half:
        return resolution_s * half / zeros
    n = hist["n"].to_numpy().astype(float)
    after = zeros + np.cumsum(n)
    i = int(np.searchsorted(after, half, side="left"))
    lo, hi = float(hist["min_s"][i]), float(hist["max_s"][i])
    frac = (half - (after[i] - n[i])) / n[i]
    return lo + (hi - lo) * frac


def fit_weibull_histogram(
    hist: pl.DataFrame,
    *,
    zero_policy: ZeroPolicy = "spread",
    resolution_s: float = TIMESTAMP_RESOLUTION_S,
) -> FitResult:
    """Maximum-likelihood 2-parameter Weibull (loc 0) of every value of a histogram.

    ``hist`` has the columns of query ``cold_starts_inter_arrival_histogram`` (``bin``, NULL
    for values of 0; ``n``, ``sum_s``, ``min_s``, ``max_s``). Each bin's values enter at their
    mean (exact when the bin holds one distinct value); zeros are dropped or, under "spread",
    enter as uniform on (0, resolution_s). ``ks_statistic`` is measured at the bins' edges
    (see :func:`_binned_ks`), ``ks_pvalue`` is Kolmogorov's for that distance and n.
    """
    from scipy import stats

    if zero_policy not in ("spread", "drop"):
        raise ValueError(f"zero_policy must be 'spread' or 'drop', not {zero_policy!r}")
    pos = (
        hist.filter(pl.col("bin").is_not_null() & (pl.col("n") > 0))
        .group_by("bin")
        .agg(pl.col("n").sum(), pl.col("sum_s").sum(), pl.col("min_s").min(), pl.col("max_s").max())
        .sort("bin")
    )
    n_zero = float(hist.filter(pl.col("bin").is_null())["n"].sum())
    n_pos = float(pos["n"].sum())
    if n_pos + n_zero == 0:
        raise ValueError("fit_weibull: no values to fit")
    zeros = n_zero if zero_policy == "spread" else 0.0
    total = n_pos + zeros
    if total < 2 or pos.height == 0:
        raise ValueError("fit_weibull: need at least two positive values")
    x = (pos["sum_s"] / pos["n"]).to_numpy()
    c, scale = _weibull_profile_mle(x, pos["n"].to_numpy().astype(float), zeros, resolution_s)
    g1, g2 = math.gamma(1 + 1 / c), math.gamma(1 + 2 / c)
    dist = stats.weibull_min(c=c, scale=scale)
    ks = _binned_ks(dist, pos, zeros, total, resolution_s)
    return FitResult(
        distribution="weibull",
        n=int(total),
        params={"c": c, "scale": scale},
        mean_s=scale * g1,
        sd_s=scale * math.sqrt(max(g2 - g1**2, 0.0)),
        median_s=scale * math.log(2) ** (1 / c),
        ks_statistic=ks,
        ks_pvalue=float(stats.kstwo.sf(ks, int(total))),
        empirical_mean_s=(float(pos["sum_s"].sum()) + zeros * resolution_s / 2) / total,
        empirical_median_s=_binned_median(pos, zeros, total, resolution_s),
        zero_share=n_zero / (n_pos + n_zero),
    )


def weibull_fits_by_region(
    hist: pl.DataFrame,
    *,
    region: str = "region",
    pooled_label: str = "all",
    **options: Any,
) -> tuple[pl.DataFrame, dict[str, FitResult]]:
    """:func:`fit_weibull_histogram` per region and pooled (the regions' histograms summed —
    their gap arrays concatenated, not one merged timeline): a table and the fits by label."""
    results: dict[str, FitResult] = {}
    for (name,), part in sorted(hist.partition_by(region, as_dict=True).items()):
        with contextlib.suppress(ValueError):
            results[str(name)] = fit_weibull_histogram(part, **options)
    if hist.height:
        with contextlib.suppress(ValueError):
            results[pooled_label] = fit_weibull_histogram(hist, **options)
    rows = [{"group": k, **v.as_row()} for k, v in results.items()]
    table = pl.DataFrame(rows) if rows else pl.DataFrame(schema={"group": pl.String})
    return table, results

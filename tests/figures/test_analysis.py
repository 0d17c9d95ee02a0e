"""Known-answer tests of the figure analyses (fits, peaks, peak-to-trough, holiday, Spearman)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from coldstart.analysis import daily, density, ecdf, fits, holiday, peak_trough, peaks
from coldstart.analysis.correlation import spearman_by_group, spearman_matrix

# --- fits -------------------------------------------------------------------------------------


def test_lognormal_from_paper_moments() -> None:
    # paper_catalog §Fig 10b: mean 3.24 s, sd 7.10 s -> sigma_log 1.326, median 1.345 s.
    p = fits.lognormal_from_moments(3.24, 7.10)
    assert p["s"] == pytest.approx(1.326, abs=0.001)
    assert p["scale"] == pytest.approx(1.345, abs=0.001)


def test_fit_lognormal_recovers_parameters() -> None:
    rng = np.random.default_rng(1)
    sample = stats.lognorm(s=1.326, scale=1.345).rvs(size=200_000, random_state=rng)
    fit = fits.fit_lognormal(sample)
    assert fit.distribution == "lognormal"
    assert fit.params["s"] == pytest.approx(1.326, rel=0.01)
    assert fit.params["scale"] == pytest.approx(1.345, rel=0.01)
    assert fit.median_s == pytest.approx(1.345, rel=0.01)
    # The paper's terms: the distribution's own mean and sd in seconds.
    assert fit.mean_s == pytest.approx(3.24, rel=0.03)
    assert fit.sd_s == pytest.approx(7.10, rel=0.06)
    assert fit.ks_statistic < 0.01  # the sample really is LogNormal
    assert fit.n == 200_000


def test_fit_lognormal_matches_scipy_mle() -> None:
    rng = np.random.default_rng(2)
    sample = rng.lognormal(mean=-1.0, sigma=0.7, size=5_000)
    s, _loc, scale = stats.lognorm.fit(sample, floc=0)
    fit = fits.fit_lognormal(sample)
    assert fit.params["s"] == pytest.approx(s, rel=1e-4)
    assert fit.params["scale"] == pytest.approx(scale, rel=1e-4)


def test_fit_lognormal_ks_detects_a_bad_fit() -> None:
    rng = np.random.default_rng(3)
    bimodal = np.concatenate([rng.lognormal(-3, 0.1, 5000), rng.lognormal(2, 0.1, 5000)])
    assert fits.fit_lognormal(bimodal).ks_statistic > 0.2


def test_fit_weibull_recovers_parameters() -> None:
    rng = np.random.default_rng(4)
    sample = stats.weibull_min(c=0.418, scale=0.422).rvs(size=50_000, random_state=rng)
    fit = fits.fit_weibull(sample, zero_policy="drop")
    assert fit.params["c"] == pytest.approx(0.418, rel=0.03)
    assert fit.params["scale"] == pytest.approx(0.422, rel=0.05)
    # Paper: mean 1.25 s, sd 3.66 s (these moments are very sensitive to k).
    assert fit.mean_s == pytest.approx(1.25, rel=0.12)
    assert fit.sd_s == pytest.approx(3.66, rel=0.25)
    assert fit.median_s == pytest.approx(0.175, rel=0.08)
    assert fit.ks_statistic < 0.015


def test_weibull_moments_formula() -> None:
    # Known values for k = 0.418, lambda = 0.422 (paper_catalog §Fig 10d).
    fit = fits.fit_weibull(
        stats.weibull_min(c=0.418, scale=0.422).rvs(size=100_000, random_state=5),
        zero_policy="drop",
    )
    c, lam = fit.params["c"], fit.params["scale"]
    assert fit.mean_s == pytest.approx(lam * math.gamma(1 + 1 / c))
    assert fit.median_s == pytest.approx(lam * math.log(2) ** (1 / c))


def test_iat_zeros_are_counted_and_handled() -> None:
    rng = np.random.default_rng(6)
    exact = stats.weibull_min(c=0.5, scale=0.5).rvs(size=20_000, random_state=rng)
    at_ms = np.floor(exact * 1000) / 1000  # the release's 1 ms resolution
    share = float(np.mean(at_ms == 0))
    assert share > 0.03
    spread, zs = fits.resolve_zeros(at_ms, zero_policy="spread", seed=0)
    dropped, zd = fits.resolve_zeros(at_ms, zero_policy="drop")
    assert zs == pytest.approx(share) and zd == pytest.approx(share)
    assert spread.size == at_ms.size and (spread > 0).all() and (spread[at_ms == 0] < 0.001).all()
    assert dropped.size == at_ms.size - round(share * at_ms.size)
    fit = fits.fit_weibull(at_ms, zero_policy="spread")
    assert fit.zero_share == pytest.approx(share)
    assert fit.params["c"] == pytest.approx(0.5, rel=0.08)
    with pytest.raises(ValueError, match="zero_policy"):
        fits.resolve_zeros(at_ms, zero_policy="keep")  # type: ignore[arg-type]


def test_fit_subsamples_large_inputs_deterministically() -> None:
    sample = stats.weibull_min(c=0.7, scale=2.0).rvs(size=30_000, random_state=7)
    a = fits.fit_weibull(sample, max_samples=5_000, seed=1)
    b = fits.fit_weibull(sample, max_samples=5_000, seed=1)
    assert a == b
    assert a.n == 30_000  # n reports the data, the fit used a subsample
    assert a.params["c"] == pytest.approx(0.7, rel=0.06)


def test_fits_by_region_has_each_region_and_pooled() -> None:
    rng = np.random.default_rng(8)
    df = pl.DataFrame(
        {
            "region": ["R1"] * 3000 + ["R2"] * 3000 + ["R3"],
            "v": np.concatenate([rng.lognormal(0, 1, 3000), rng.lognormal(1, 0.5, 3000), [1.0]]),
        }
    )
    table, results = fits.fits_by_region(df, "v", "lognormal")
    assert set(results) == {"R1", "R2", "all"}  # R3 has one value: skipped, not an error
    assert results["R1"].params["scale"] == pytest.approx(1.0, rel=0.06)
    assert results["R2"].params["s"] == pytest.approx(0.5, rel=0.06)
    assert results["all"].n == 6001
    assert {"group", "mean_s", "sd_s", "ks_statistic", "param_s", "param_scale"} <= set(
        table.columns
    )


def _histogram(values: np.ndarray, bins_per_decade: int, region: str = "R1") -> pl.DataFrame:
    """The columns of query cold_starts_inter_arrival_histogram, computed here in polars."""
    df = pl.DataFrame({"region": region, "v": values})
    return (
        df.with_columns(
            pl.when(pl.col("v") > 0)
            .then((pl.col("v").log10() * bins_per_decade).floor().cast(pl.Int64))
            .alias("bin")
        )
        .group_by("region", "bin")
        .agg(
            pl.len().alias("n"),
            pl.col("v").sum().alias("sum_s"),
            pl.col("v").min().alias("min_s"),
            pl.col("v").max().alias("max_s"),
        )
    )


def _weibull_loglik(x: np.ndarray, c: float, scale: float) -> float:
    return float(stats.weibull_min(c=c, scale=scale).logpdf(x).sum())


def test_weibull_histogram_fit_is_the_mle_of_every_value() -> None:
    """One value per bin: the fit is the MLE of the raw values (likelihood at least scipy's;
    same parameters within 1e-4) and its KS distance is scipy's kstest of the raw values."""
    x = stats.weibull_min(c=0.45, scale=0.8).rvs(size=5_000, random_state=11)
    fit = fits.fit_weibull_histogram(_histogram(x, 10**7), zero_policy="drop")
    c, _loc, scale = stats.weibull_min.fit(x, floc=0)
    assert fit.params["c"] == pytest.approx(c, rel=1e-4)
    assert fit.params["scale"] == pytest.approx(scale, rel=1e-4)
    assert (
        _weibull_loglik(x, fit.params["c"], fit.params["scale"])
        >= _weibull_loglik(x, c, scale) - 1e-6
    )
    ks = stats.kstest(x, fit.frozen_distribution().cdf).statistic
    assert fit.ks_statistic == pytest.approx(ks, rel=1e-9)
    assert fit.n == 5_000 and fit.zero_share == 0
    assert fit.empirical_mean_s == pytest.approx(x.mean())
    assert fit.empirical_median_s == pytest.approx(np.median(x), rel=1e-3)


def test_weibull_histogram_fit_equals_the_full_fit_of_millisecond_gaps() -> None:
    """Gaps at the release's 1 ms resolution, binned at the report's 1000 bins per decade: the
    fit equals the fit to every gap within 1e-4 relative (drop), and within 1e-3 of a fit that
    spreads the zeros by random draws (spread: the histogram uses their expectation)."""
    raw = stats.weibull_min(c=0.45, scale=0.8).rvs(size=40_000, random_state=12)
    ms = np.round(raw, 3)
    hist = _histogram(ms, 1000)
    assert hist.height < 6_000 and (ms == 0).mean() > 0.02
    for policy, rel in (("drop", 1e-4), ("spread", 1e-3)):
        full = fits.fit_weibull(ms, zero_policy=policy, max_samples=None)
        binned = fits.fit_weibull_histogram(hist, zero_policy=policy)
        assert binned.params["c"] == pytest.approx(full.params["c"], rel=rel), policy
        assert binned.params["scale"] == pytest.approx(full.params["scale"], rel=rel), policy
        assert binned.ks_statistic == pytest.approx(full.ks_statistic, abs=2e-3), policy
        assert binned.n == full.n and binned.zero_share == pytest.approx(full.zero_share)


def test_weibull_histogram_fit_by_hand() -> None:
    """Values 0, 0, 1, 2, 3: n, mean, median and the zeros' share worked out by hand."""
    hist = _histogram(np.array([0.0, 0.0, 1.0, 2.0, 3.0]), 1000)
    drop = fits.fit_weibull_histogram(hist, zero_policy="drop")
    assert (drop.n, drop.zero_share) == (3, pytest.approx(0.4))
    assert drop.empirical_mean_s == pytest.approx(2.0)
    assert drop.empirical_median_s == pytest.approx(2.0)
    spread = fits.fit_weibull_histogram(hist, zero_policy="spread")
    # the zeros are uniform on (0, 1 ms): mean (6 + 2 · 0.0005) / 5, median the value 1
    assert spread.n == 5 and spread.empirical_mean_s == pytest.approx(6.001 / 5)
    assert spread.empirical_median_s == pytest.approx(1.0)
    table, by = fits.weibull_fits_by_region(
        pl.concat([hist, _histogram(np.array([5.0]), 1000, "R2")])
    )
    assert set(by) == {"R1", "all"} and by["all"].n == 6  # R2 alone cannot be fitted
    assert table["group"].to_list() == ["R1", "all"]
    with pytest.raises(ValueError, match="all equal"):
        fits.fit_weibull_histogram(_histogram(np.array([2.0, 2.0]), 1000))


def test_ecdf_from_histogram_is_the_ecdf_at_each_bins_largest_value() -> None:
    # values 0, 0.5, 0.6 (one bin at 1 per decade), 3, 30: 5 values, zeros counted
    hist = _histogram(np.array([0.0, 0.5, 0.6, 3.0, 30.0]), 1)
    got = ecdf.ecdf_from_histogram(hist)
    assert got["x"].to_list() == [0.6, 3.0, 30.0]
    assert got["cdf"].to_list() == pytest.approx([0.6, 0.8, 1.0])
    assert got["n"].to_list() == [5, 5, 5]
    two = pl.concat([hist, _histogram(np.array([3.0]), 1, "R2")])
    pooled = ecdf.ecdf_from_histogram(two)
    assert pooled["cdf"].to_list() == pytest.approx([3 / 6, 5 / 6, 1.0])
    per = ecdf.ecdf_from_histogram(two, ["region"]).filter(pl.col("region") == "R2")
    assert per.rows() == [("R2", 3.0, 1.0, 1)]


def test_fit_rejects_empty_input() -> None:
    with pytest.raises(ValueError, match="no values"):
        fits.fit_lognormal(np.array([]))
    with pytest.raises(ValueError, match="two positive"):
        fits.fit_weibull(np.array([1.0]))


# --- ECDF ----------------------------------------------------------------------------------


def test_ecdf_values_and_groups() -> None:
    df = pl.DataFrame({"g": ["a", "a", "a", "a", "b"], "v": [3.0, 1.0, 2.0, 2.0, 5.0]})
    out = ecdf.ecdf(df, "v", ["g"])
    a = out.filter(pl.col("g") == "a")
    assert a["x"].to_list() == [1.0, 2.0, 2.0, 3.0]
    assert a["cdf"].to_list() == [0.25, 0.5, 0.75, 1.0]
    assert ecdf.cdf_at(a, 2.0) == 0.75 and ecdf.cdf_at(a, 0.5) == 0.0
    assert ecdf.quantile_from_curve(a, 0.5) == 2.0
    assert out.filter(pl.col("g") == "b")["cdf"].to_list() == [1.0]


def test_ecdf_thins_to_max_points_but_keeps_the_ends() -> None:
    df = pl.DataFrame({"v": np.arange(1, 10_001, dtype=float)})
    out = ecdf.ecdf(df, "v", max_points=100)
    assert out.height == 100
    assert out["x"][0] == 1.0 and out["x"][-1] == 10_000.0 and out["cdf"][-1] == 1.0
    assert ecdf.cdf_at(out, 5000.0) == pytest.approx(0.5, abs=0.01)


def test_ecdf_from_bins_counts_values_left_of_the_log_axis() -> None:
    # Bins of 1 per decade: bin 0 = [1, 10), bin 1 = [10, 100); NULL = values <= 0.
    df = pl.DataFrame({"r": ["R1"] * 3, "bin": [None, 0, 1], "n": [2, 3, 5]})
    out = ecdf.ecdf_from_bins(df, ["r"], bins_per_decade=1)
    assert out["x"].to_list() == [10.0, 100.0]  # upper edges
    assert out["cdf"].to_list() == [0.5, 1.0]  # the 2 zeros count: (2 + 3) / 10
    assert out["n"].to_list() == [10, 10]


# --- daily medians (Fig 3a) ------------------------------------------------------------------


def test_median_daily_requests_both_readings() -> None:
    df = pl.DataFrame(
        {
            "region": ["R1"] * 6,
            "funcID": ["a", "a", "a", "b", "b", "b"],
            "day": [0, 1, 2, 0, 1, 2],
            "requests": [1, 5, 9, 100, 0, 0],
        }
    )
    over_days = daily.median_daily_requests(df)
    assert dict(over_days.select("funcID", "requests_per_day").iter_rows()) == {"a": 5, "b": 0}
    # Region totals per day: 101, 5, 9 -> the median day is day 2 (9 requests).
    median_day = daily.median_daily_requests(df, reading="median_day")
    assert dict(median_day.select("funcID", "requests_per_day").iter_rows()) == {"a": 9, "b": 0}


def test_median_over_days_counts_missing_days_as_zero() -> None:
    df = pl.DataFrame(
        {"region": ["R1"] * 2, "funcID": ["a", "b"], "day": [0, 1], "requests": [4, 6]}
    )
    out = daily.median_daily_requests(df, days=3)
    assert out["requests_per_day"].to_list() == [0.0, 0.0]  # [4, 0, 0] and [6, 0, 0]


# --- peaks (Fig 5) ---------------------------------------------------------------------------


def _bumps(peak_phase: float, days: int = 3, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(0, days * 86_400, 60.0)
    phase = (t / 86_400) % 1.0
    dist = np.minimum(np.abs(phase - peak_phase), 1 - np.abs(phase - peak_phase))
    signal = 100 + 1000 * np.exp(-0.5 * (dist / 0.05) ** 2)
    noisy = signal + rng.normal(0, 30, t.size)
    return pl.DataFrame({"region": "R1", "time": t.astype(np.int64), "requests": noisy})


def test_daily_peaks_on_a_constructed_signal() -> None:
    result = peaks.daily_peaks(_bumps(0.41), window_minutes=45, first_day=0, last_day=2)
    assert result.peaks["day"].to_list() == [0, 1, 2]
    assert result.peaks["day_frac"].to_list() == pytest.approx([0.41, 1.41, 2.41], abs=0.01)
    assert result.peaks["from_find_peaks"].all()
    s = result.series
    assert s.height == 3 * 1440
    assert s["normalised"].min() == 0.0 and s["normalised"].max() == 1.0
    # smoothing keeps the peak but removes most of the noise
    assert (
        float(np.std(np.diff(s["smoothed"].to_numpy())))
        < float(np.std(np.diff(s["normalised"].to_numpy()))) / 3
    )


def test_daily_peaks_fills_missing_minutes_with_zero() -> None:
    df = pl.DataFrame({"region": ["R2", "R2"], "time": [600, 86_400 + 1200], "requests": [5, 7]})
    result = peaks.daily_peaks(df, window_minutes=1, first_day=0, last_day=1)
    assert result.series.height == 2 * 1440
    assert result.series["requests"].sum() == 12
    assert result.peaks["time"].to_list() == [600.0, 87_600.0]


def test_smooth_is_a_centred_mean() -> None:
    assert peaks.smooth(np.array([0, 0, 3, 0, 0.0]), 3).tolist() == [0, 1, 1, 1, 0]


def test_largest_peak_falls_back_to_the_maximum() -> None:
    t = np.arange(0, 86_400, 60.0)
    rising = t / t.max()  # no interior peak
    out = peaks.largest_peak_per_window(t, rising)
    assert out["time"].to_list() == [t[-1]] and out["from_find_peaks"].to_list() == [False]


# --- peak-to-trough (Fig 6) --------------------------------------------------------------


def test_peak_to_trough_of_a_sine() -> None:
    t = np.arange(3 * 1440)
    series = 10 + 9 * np.sin(2 * np.pi * t / 1440)  # peaks 19, troughs 1
    ratio, n = peak_trough.peak_to_trough(series, window=1)
    assert ratio == pytest.approx(19.0, rel=1e-3)
    assert n == 3


def test_peak_to_trough_trough_is_floored_at_one_request() -> None:
    series = np.tile([0.0, 0.0, 50.0, 0.0, 0.0], 20)
    ratio, _ = peak_trough.peak_to_trough(series, window=1)
    assert ratio == 50.0  # 50 / max(0, 1)


def test_peak_to_trough_constant_and_monotonic_are_one() -> None:
    assert peak_trough.peak_to_trough(np.full(500, 7.0)) == (1.0, 0)
    assert peak_trough.peak_to_trough(np.arange(500.0), window=1) == (1.0, 0)


def test_peak_to_trough_by_function_drops_empty_minutes() -> None:
    # 'once': 1 request every other minute (gaps are NaN in the release) -> constant -> 1.
    once = pl.DataFrame(
        {"region": "R1", "funcID": "once", "time": np.arange(0, 600 * 60, 120), "requests": 1}
    )
    t = np.arange(0, 2 * 1440) * 60
    busy = pl.DataFrame(
        {
            "region": "R1",
            "funcID": "busy",
            "time": t,
            "requests": (10 + 9 * np.sin(2 * np.pi * t / 86_400)).round() + 0,
        }
    )
    out = peak_trough.peak_to_trough_by_function(
        pl.concat([once, busy], how="vertical_relaxed"), window=1
    ).sort("funcID")
    assert out["funcID"].to_list() == ["busy", "once"]
    assert out["ratio"].to_list()[1] == 1.0
    assert out["ratio"].to_list()[0] == pytest.approx(19.0, rel=0.01)
    assert out["active_minutes"].to_list() == [2 * 1440, 300]
    # zero-filled, 'once' alternates 1, 0, 1, 0 -> peaks 1, trough floored at 1 -> 1
    filled = peak_trough.peak_to_trough_by_function(once, window=1, zero_fill=True)
    assert filled["active_minutes"].to_list() == [300]


# --- holiday normalisation (Fig 7) ---------------------------------------------------------


def test_normalise_daily_over_window_and_all_days() -> None:
    df = pl.DataFrame(
        {"region": ["R1"] * 4, "day": [5, 10, 13, 25], "pods": [200.0, 50.0, 100.0, 80.0]}
    )
    win = holiday.normalise_daily(df, ["pods"])
    assert win["day"].to_list() == [10, 13, 25]
    assert win["pods"].to_list() == [0.5, 1.0, 0.8]  # max over days 10-25 is day 13
    every = holiday.normalise_daily(df, ["pods"], normalise_over="all")
    assert every["pods"].to_list() == [0.25, 0.5, 0.4]  # day 5's 200 is the max
    assert holiday.LAST_WORKDAY == 13 and holiday.FIRST_WORKDAY_AFTER == 24


# --- Spearman (Fig 12) ----------------------------------------------------------------------


def test_spearman_matrix_matches_scipy() -> None:
    rng = np.random.default_rng(9)
    a = rng.normal(size=200)
    df = pl.DataFrame({"a": a, "b": a * 2 + rng.normal(size=200), "c": rng.normal(size=200)})
    out = spearman_matrix(df, ["a", "b", "c"])
    assert out.height == 9
    res = stats.spearmanr(df["a"].to_numpy(), df["b"].to_numpy())
    ab = out.filter((pl.col("var_x") == "a") & (pl.col("var_y") == "b"))
    ba = out.filter((pl.col("var_x") == "b") & (pl.col("var_y") == "a"))
    assert ab["rho"][0] == pytest.approx(res.statistic)
    assert ab["p_value"][0] == pytest.approx(res.pvalue)
    assert ba["rho"][0] == ab["rho"][0]  # symmetric
    diag = out.filter(pl.col("var_x") == pl.col("var_y"))
    assert diag["rho"].to_list() == [1.0, 1.0, 1.0]
    full = stats.spearmanr(df.to_numpy())
    got = out["rho"].to_numpy().reshape(3, 3)
    assert np.allclose(got, full.statistic)


def test_spearman_constant_column_is_nan_and_groups_are_separate() -> None:
    df = pl.DataFrame(
        {
            "region": ["R1"] * 5 + ["R2"] * 5,
            "x": [1, 2, 3, 4, 5] * 2,
            "y": [5, 4, 3, 2, 1, 1, 2, 3, 4, 5],
            "k": [1.0] * 10,
        }
    )
    out = spearman_by_group(df, ["x", "y", "k"])
    r1 = out.filter(
        (pl.col("region") == "R1") & (pl.col("var_x") == "x") & (pl.col("var_y") == "y")
    )
    r2 = out.filter(
        (pl.col("region") == "R2") & (pl.col("var_x") == "x") & (pl.col("var_y") == "y")
    )
    assert r1["rho"][0] == pytest.approx(-1.0) and r2["rho"][0] == pytest.approx(1.0)
    assert out.filter(pl.col("var_x") == "k")["rho"].is_nan().all()


# --- violin densities (Fig 13) ---------------------------------------------------------------


def test_violin_stats_quartiles_from_bins() -> None:
    # 1 bin per decade: 25 values in [0.1, 1), 50 in [1, 10), 25 in [10, 100)
    df = pl.DataFrame({"g": ["a"] * 3, "bin": [-1, 0, 1], "n": [25, 50, 25]})
    out = density.violin_stats(df, ["g"], bins_per_decade=1, smooth_bins=1)
    s = out[("a",)]
    mids = [10**-0.5, 10**0.5, 10**1.5]
    assert s["quantiles"] == pytest.approx([mids[0], mids[1], mids[1]])
    assert s["median"] == pytest.approx(mids[1])
    assert max(s["vals"]) == 1.0  # scaled to width 1 at the mode
    assert s["n"] == 100

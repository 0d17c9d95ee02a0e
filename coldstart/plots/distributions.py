"""Fig 10: cold-start time and inter-arrival time CDFs per region, pooled, with fitted models."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coldstart.analysis.fits import FitResult
from coldstart.plots import style
from coldstart.plots.regions import region_cdf_panel

EMPIRICAL_COLOR = "#1f77b4"
FIT_COLOR = "#d62728"


def _pooled_panel(
    ax: Axes, pooled: pl.DataFrame, fit: FitResult | None, *, xlabel: str, title: str
) -> None:
    ax.set_title(title, fontsize=10)
    if pooled.height == 0:
        style.no_data(ax)
        return
    xs, ps = pooled["x"].to_numpy(), pooled["cdf"].to_numpy()
    style.step_cdf(
        ax, xs, ps, color=EMPIRICAL_COLOR, linewidth=1.8, label="measured (pooled)", gid="cdf:all"
    )
    if fit is not None:
        lo, hi = max(float(xs[xs > 0].min()), 1e-9), float(xs.max())
        grid = np.logspace(np.log10(lo), np.log10(hi), 400)
        name = "LogNormal" if fit.distribution == "lognormal" else "Weibull"
        ax.plot(
            grid,
            fit.frozen_distribution().cdf(grid),
            color=FIT_COLOR,
            linestyle="--",
            linewidth=1.5,
            gid="fit",
            label=f"{name} fit: mean {fit.mean_s:.2f} s, sd {fit.sd_s:.2f} s\n"
            f"(KS D = {fit.ks_statistic:.3f})",
        )
    style.cdf_axes(ax, xlabel)
    ax.legend(loc="upper left", fontsize=7)


def plot_cold_start_distributions(
    cold_start_curves: pl.DataFrame,
    cold_start_pooled: pl.DataFrame,
    lognormal: FitResult | None,
    iat_curves: pl.DataFrame,
    iat_pooled: pl.DataFrame,
    weibull: FitResult | None,
    *,
    iat_zero_share: float | None = None,
) -> Figure:
    """Fig 10: (a) cold-start time per region, (b) pooled + LogNormal, (c) inter-arrival time
    between a region's cold starts per region, (d) pooled + Weibull.

    Curves: ``region, x, cdf`` (a, c) and ``x, cdf`` (b, d). IATs of 0 (below the release's
    1 ms timestamp resolution) cannot sit on the log axis; their share is in the title of (c).
    """
    fig = style.new_figure(11.0, 8.0)
    axes = fig.subplots(2, 2)
    region_cdf_panel(
        axes[0, 0],
        cold_start_curves,
        xlabel="cold start time (s)",
        title="(a) cold start time per region",
    )
    _pooled_panel(
        axes[0, 1],
        cold_start_pooled,
        lognormal,
        xlabel="cold start time (s)",
        title="(b) all regions + LogNormal fit",
    )
    zero_note = (
        f" — {iat_zero_share:.1%} are 0 (< 1 ms resolution)"
        if iat_zero_share is not None and iat_zero_share >= 0.0005
        else ""
    )
    region_cdf_panel(
        axes[1, 0],
        iat_curves,
        xlabel="inter-arrival time of cold starts (s)",
        title="(c) inter-arrival time per region" + zero_note,
    )
    _pooled_panel(
        axes[1, 1],
        iat_pooled,
        weibull,
        xlabel="inter-arrival time of cold starts (s)",
        title="(d) all regions + Weibull fit",
    )
    fig.suptitle("Fig 10 — cold start time and inter-arrival time distributions", fontsize=11)
    return fig

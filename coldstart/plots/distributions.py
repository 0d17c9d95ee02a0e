"""Fig 10: cold-start time and inter-arrival time CDFs per region, pooled, with fitted models."""

from __future__ import annotations

import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coldstart.plots import style
from coldstart.plots.regions import region_cdf_panel

EMPIRICAL_COLOR = "#1f77b4"
FIT_COLOR = "#d62728"


def _pooled_panel(
    ax: Axes, pooled: pl.DataFrame, fit_curve: pl.DataFrame, fit_label: str | None, *,
    xlabel: str, title: str,
) -> None:  # fmt: skip
    ax.set_title(title, fontsize=10)
    if pooled.height == 0:
        style.no_data(ax)
        return
    xs, ps = pooled["x"].to_numpy(), pooled["cdf"].to_numpy()
    style.step_cdf(
        ax, xs, ps, color=EMPIRICAL_COLOR, linewidth=1.8, label="measured (pooled)", gid="cdf:all"
    )
    if fit_curve.height and fit_label:
        ax.plot(
            fit_curve["x"].to_numpy(),
            fit_curve["cdf"].to_numpy(),
            color=FIT_COLOR,
            linestyle="--",
            linewidth=1.5,
            gid="fit",
            label=fit_label,
        )
    style.cdf_axes(ax, xlabel)
    ax.legend(loc="upper left", fontsize=7)


def plot_cold_start_distributions(
    cold_start_curves: pl.DataFrame,
    cold_start_pooled: pl.DataFrame,
    lognormal_curve: pl.DataFrame,
    lognormal_label: str | None,
    iat_curves: pl.DataFrame,
    iat_pooled: pl.DataFrame,
    weibull_curve: pl.DataFrame,
    weibull_label: str | None,
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
        lognormal_curve,
        lognormal_label,
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
        legend=False,  # (a) already gave the figure its region legend
    )
    _pooled_panel(
        axes[1, 1],
        iat_pooled,
        weibull_curve,
        weibull_label,
        xlabel="inter-arrival time of cold starts (s)",
        title="(d) all regions + Weibull fit",
    )
    fig.suptitle("Fig 10 — cold start time and inter-arrival time distributions", fontsize=11)
    return fig

"""Every figure renders on the `tiny` synthetic trace and shows what its data say.

Each test checks the encoding (axes scales and labels, number of series) and that the plotted
values are the values of the DataFrames the figure returns, which come from the named queries
and analyses; every figure is drawn to pixels once (conftest's ``Built.pixels``). One xdist
worker runs the module (group "figures"), so each figure is built and drawn once per run.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from coldstart import frames
from coldstart.errors import MissingTableError
from coldstart.plots import style

from .conftest import build

pytestmark = pytest.mark.xdist_group("figures")


def _gid_lines(ax: Axes, prefix: str) -> dict[str, Any]:
    return {
        line.get_gid().split(":", 1)[1]: line
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith(prefix)
    }


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def _assert_curves(ax: Axes, curves: pl.DataFrame, key: str) -> None:
    """One line per group, drawn exactly at the curve frame's points."""
    lines = _gid_lines(ax, "cdf:")
    assert set(lines) == set(curves[key].unique().to_list())
    for name, line in lines.items():
        part = curves.filter(pl.col(key) == name).sort("x")
        assert np.allclose(line.get_xdata(), part["x"].to_numpy())
        assert np.allclose(line.get_ydata(), part["cdf"].to_numpy())
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "CDF"


def _ink_share(img: np.ndarray) -> float:
    """Share of pixels that are not (near) white: a blank or near-blank image is ≈ 0.

    Counted on 3×3 blocks of the figure's 100-dpi pixels (a block is ink if any of its pixels
    is), which is how thin lines count at ≈ 33 dpi; the 3 % floor was set on 40-dpi PNGs."""
    dark = img.min(axis=2) < 0.9
    h, w = (dark.shape[0] // 3) * 3, (dark.shape[1] // 3) * 3
    blocks = dark[:h, :w].reshape(h // 3, 3, w // 3, 3).any(axis=(1, 3))
    return float(blocks.mean())


def _data_artists(ax: Axes) -> int:
    """Lines, collections, patches and images carrying data (not the frame or grid)."""
    lines = [ln for ln in ax.get_lines() if len(np.asarray(ln.get_xdata())) > 1]
    patches = [p for p in ax.patches if p.get_height() if hasattr(p, "get_height")]  # type: ignore[attr-defined]
    return len(lines) + len(ax.collections) + len(patches) + len(ax.images)


@pytest.mark.parametrize("fig_id", frames.figure_ids())
def test_every_figure_renders_its_data(tiny_figure: Any, fig_id: str) -> None:
    result = tiny_figure(fig_id)
    assert result.caption and result.caption.endswith(".")
    assert all(isinstance(v, pl.DataFrame) for v in result.data.values())
    empty = [k for k, v in result.data.items() if v.height == 0]
    assert not empty, f"{fig_id}: empty frames {empty} on the tiny trace"
    # every panel that has axes shows data: no blank panel, no "no data" panel
    for ax in result.figure.axes:
        if ax.axison and ax.get_label() != "<colorbar>":
            assert _data_artists(ax) > 0, f"{fig_id}: panel {ax.get_title()!r} draws nothing"
    assert "no data" not in _texts(result.figure)
    assert _ink_share(result.pixels()) > 0.03, f"{fig_id}: the image is nearly blank"


@pytest.mark.parametrize("fig_id", frames.figure_ids())
def test_every_text_is_legible_at_the_reports_width(tiny_figure: Any, fig_id: str) -> None:
    """≥ 9 px once the figure is scaled into the report's 1040 px column at 150 dpi, and no
    legend inside a panel covers its data."""
    from matplotlib.text import Text

    built = tiny_figure(fig_id)
    built.pixels()  # the one draw: lays out ticks and their labels as they will be saved
    fig = built.figure
    width = fig.get_figwidth()
    small = [
        (t.get_text()[:30], round(style.displayed_px(t.get_fontsize(), width, 150), 1))
        for t in fig.findobj(Text)
        if t.get_visible()
        and t.get_text().strip()
        and style.displayed_px(t.get_fontsize(), width, 150) < style.MIN_TEXT_PX
    ]
    assert not small, f"{fig_id}: text below {style.MIN_TEXT_PX} px: {small[:5]}"
    assert width <= 12.5, "wider figures need fonts too large for their panels"
    _assert_no_legend_covers_data(fig, fig_id)  # shares the layout drawn above


def test_displayed_size_arithmetic() -> None:
    # 12 in at 150 dpi = 1800 px, shown in 1040 px: scale 0.578; 8 pt = 16.7 px → 9.6 px
    assert style.displayed_px(8, 12, 150) == pytest.approx(8 / 72 * 150 * 1040 / 1800)
    # a 6 in figure at 150 dpi (900 px) is shown at its own size: 8 pt = 16.7 px
    assert style.displayed_px(8, 6, 150) == pytest.approx(8 / 72 * 150)
    assert style.displayed_px(style.min_font_pt(16), 16, 150) >= style.MIN_TEXT_PX


def test_fig01_bubbles_are_the_region_summary(tiny_figure: Any) -> None:
    r = tiny_figure("fig01")
    (ax,) = r.figure.axes
    sizes = r.data["region_summary"].sort("region")
    bubbles = {c.get_gid().split(":")[1]: c for c in ax.collections if c.get_gid()}
    assert sorted(bubbles) == sizes["region"].to_list()
    for row in sizes.iter_rows(named=True):
        ((x, y),) = bubbles[row["region"]].get_offsets()
        assert (x, y) == (row["functions"], row["requests"])
    # area proportional to pods
    areas = {k: float(c.get_sizes()[0]) for k, c in bubbles.items()}
    pods = dict(sizes.select("region", "pods").iter_rows())
    big = max(pods, key=pods.get)
    for k, n in pods.items():
        assert areas[k] / areas[big] == pytest.approx(max(n / pods[big], 8 / areas[big]))
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() == "number of functions"
    assert "requests" in ax.get_ylabel()


def test_fig03_three_region_cdfs(tiny_figure: Any) -> None:
    r = tiny_figure("fig03")
    axes = r.figure.axes
    assert len(axes) == 3
    _assert_curves(axes[0], r.data["requests_per_day_cdf"], "region")
    _assert_curves(axes[1], r.data["execution_time_cdf"], "region")
    _assert_curves(axes[2], r.data["cpu_usage_cdf"], "region")
    assert "(s)" in axes[1].get_xlabel() and "cores" in axes[2].get_xlabel()
    (legend,) = r.figure.legends  # one region legend, below the panels (never on a curve)
    assert len(legend.get_texts()) == r.data["requests_per_day_cdf"]["region"].n_unique()
    # the inter-arrival guides of panel (a): 1 day = 1 request per day, 1 minute = 1440
    guides = [ln.get_xdata()[0] for ln in axes[0].get_lines() if ln.get_gid() == "guide"]
    assert 1.0 in guides and 1440.0 in guides
    # medians by hand: the CDF counts zero medians too
    med = r.data["requests_per_day"]
    for region, part in med.partition_by("region", as_dict=True).items():
        curve = r.data["requests_per_day_cdf"].filter(pl.col("region") == region[0])
        if curve.height:
            assert curve["cdf"][-1] == pytest.approx(1.0)
            zero_share = float((part["requests_per_day"] == 0).mean())
            assert curve["cdf"][0] >= zero_share


def test_fig04_user_cdfs(tiny_figure: Any) -> None:
    r = tiny_figure("fig04")
    a, b = r.figure.axes
    _assert_curves(a, r.data["functions_cdf"], "region")
    _assert_curves(b, r.data["requests_cdf"], "region")
    users = r.data["users"]
    # the last point of each region's curve is its largest user
    for region in users["region"].unique():
        mx = users.filter(pl.col("region") == region)["functions"].max()
        curve = r.data["functions_cdf"].filter(pl.col("region") == region)
        assert curve["x"].max() == mx


def test_fig05_panels_and_peaks(tiny_figure: Any) -> None:
    r = tiny_figure("fig05")
    series, pk = r.data["series"], r.data["peaks"]
    regions = series["region"].unique().sort().to_list()
    assert len(r.figure.axes) == len(regions)
    for ax, region in zip(r.figure.axes, regions, strict=True):
        assert ax.get_ylabel() == region
        assert list(ax.get_yticks()) == []  # y ticks hidden, as in the paper
        line = next(ln for ln in ax.get_lines() if ln.get_gid() == "smoothed")
        s = series.filter(pl.col("region") == region)
        assert np.allclose(line.get_ydata(), s["smoothed"].to_numpy())
        peak_lines = [ln for ln in ax.get_lines() if ln.get_gid() == "peakline"]
        p = pk.filter(pl.col("region") == region)
        assert len(peak_lines) == p.height == 3  # days 0, 1 and 2
        assert sorted(ln.get_xdata()[0] for ln in peak_lines) == pytest.approx(
            sorted(p["day_frac"].to_list())
        )
    assert "days" in r.figure.axes[-1].get_xlabel()


def test_fig06_scatter_is_the_ratio_table(tiny_figure: Any) -> None:
    r = tiny_figure("fig06")
    a, b = r.figure.axes
    table = r.data["ratios"]
    assert (table["ratio"] >= 1).all()
    for ax, col in ((a, "requests_per_day"), (b, "cold_starts")):
        assert ax.get_xscale() == ax.get_yscale() == "log"
        pts = np.concatenate([c.get_offsets() for c in ax.collections])
        shown = table.filter(pl.col(col) > 0)
        assert len(pts) == shown.height
        assert sorted(map(tuple, pts.tolist())) == sorted(
            zip(shown[col].cast(pl.Float64).to_list(), shown["ratio"].to_list(), strict=True)
        )
    assert a.get_ylabel() == "peak-to-trough ratio"


def test_fig07_normalised_lines_and_holiday_marks(tiny_figure: Any) -> None:
    r = tiny_figure("fig07")
    a, b = r.figure.axes
    norm = r.data["normalised"]
    assert norm["day"].min() == 10 and norm["day"].max() == 25
    for ax, col in ((a, "pods"), (b, "cpu_mean")):
        lines = _gid_lines(ax, "line:")
        assert set(lines) == set(norm["region"].unique().to_list())
        for region, line in lines.items():
            part = norm.filter((pl.col("region") == region) & pl.col(col).is_not_null()).sort("day")
            assert np.allclose(line.get_ydata(), part[col].to_numpy())
            assert max(line.get_ydata()) == pytest.approx(1.0)  # each region peaks at 1
        marks = sorted(ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_gid() == "holiday")
        assert marks == [13, 24]
        assert ax.get_ylim()[1] == pytest.approx(1.02)
    texts = _texts(r.figure)
    assert "Last workday" in texts and "First workday" in texts


def test_fig07_days_option(tiny_figure: Any) -> None:
    r = tiny_figure("fig07", days=(12, 20))
    assert r.data["normalised"]["day"].to_list()[:2] == [12, 13]
    assert r.data["normalised"]["day"].max() == 20


def test_fig08_stacks_and_bars(tiny_figure: Any) -> None:
    r = tiny_figure("fig08")
    axes = r.figure.axes
    assert len(axes) == 6
    hourly, props = r.data["hourly"], r.data["proportions"]
    for i, kind in enumerate(("trigger", "runtime", "resource")):
        stack = [c for c in axes[i].collections if isinstance(c, PolyCollection)]
        h = hourly.filter(pl.col("kind") == kind)
        assert len(stack) == h["group"].n_unique()
        # the top of the stack is the total of all groups per hour
        total = h.group_by("hour").agg(pl.col("pods").sum()).sort("hour")
        top = max(p.get_paths()[0].vertices[:, 1].max() for p in stack)
        assert top == pytest.approx(total["pods"].max())
        bars_ax = axes[3 + i]
        p = props.filter(pl.col("kind") == kind)
        for measure in ("pods", "cold starts", "functions"):
            heights = sorted(
                rect.get_height()
                for cont in bars_ax.containers
                if cont.get_label() == measure
                for rect in cont
            )
            expected = sorted(p.filter(pl.col("measure") == measure)["share"].to_list())
            assert heights == pytest.approx(expected)
            assert sum(expected) == pytest.approx(1.0)
        assert bars_ax.get_ylabel() == "proportion"


def test_fig09_hundred_percent_bars(tiny_figure: Any) -> None:
    r = tiny_figure("fig09")
    (ax,) = r.figure.axes
    shares = r.data["shares"]
    assert "unknown" not in shares["runtime"].to_list()
    runtimes = shares["runtime"].n_unique()
    tops = {}
    for cont in ax.containers:
        for k, rect in enumerate(cont):
            tops[k] = max(tops.get(k, 0.0), rect.get_y() + rect.get_height())
    assert len(tops) == runtimes
    assert all(t == pytest.approx(1.0) for t in tops.values())
    assert len(ax.containers) == shares["trigger_group"].n_unique()


def test_fig10_cdfs_and_fits(tiny_figure: Any) -> None:
    r = tiny_figure("fig10")
    a, b, c, d = r.figure.axes
    _assert_curves(a, r.data["cold_start_cdf"], "region")
    _assert_curves(c, r.data["iat_cdf"], "region")
    for ax, key in ((b, "cold_start_pooled_cdf"), (d, "iat_pooled_cdf")):
        (line,) = _gid_lines(ax, "cdf:").values()
        assert np.allclose(line.get_ydata(), r.data[key]["cdf"].to_numpy())
        assert any(ln.get_gid() == "fit" for ln in ax.get_lines())
        assert ax.get_xscale() == "log"
    ln = r.data["lognormal_fit"]
    assert "all" in ln["group"].to_list()
    pooled = ln.filter(pl.col("group") == "all").row(0, named=True)
    legend = " ".join(t.get_text() for t in b.get_legend().get_texts())
    assert f"mean {pooled['mean_s']:.2f} s" in legend and f"sd {pooled['sd_s']:.2f} s" in legend
    assert r.data["weibull_fit"].filter(pl.col("group") == "all")["param_c"][0] > 0
    assert "(s)" in a.get_xlabel() and "inter-arrival" in c.get_xlabel()


def test_fig11_stack_and_count(tiny_figure: Any) -> None:
    r = tiny_figure("fig11")
    hourly = r.data["hourly"]
    regions = hourly["region"].unique().sort().to_list()
    main = r.figure.axes[: len(regions)]
    twins = r.figure.axes[len(regions) :]
    assert len(twins) == len(regions)
    for ax, twin, region in zip(main, twins, regions, strict=True):
        assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 4
        (count,) = [ln for ln in twin.get_lines() if ln.get_gid() == "count"]
        h = hourly.filter(pl.col("region") == region)
        ys = dict(zip(np.rint(count.get_xdata() * 24).astype(int), count.get_ydata(), strict=True))
        for hour, n in h.select("hour", "cold_starts").iter_rows():
            assert ys[hour] == n
        assert count.get_linestyle() == "--"
        assert "mean time (s)" in ax.get_ylabel() and "cold starts" in twin.get_ylabel()


def test_fig12_heatmaps_with_significance(tiny_figure: Any) -> None:
    r = tiny_figure("fig12")
    m = r.data["spearman"]
    regions = m["region"].unique().sort().to_list()
    heat_axes = [ax for ax in r.figure.axes if ax.images]
    assert len(heat_axes) == len(regions)
    for ax, region in zip(heat_axes, regions, strict=True):
        (img,) = ax.images
        arr = np.asarray(img.get_array())
        assert arr.shape == (6, 6)
        assert img.get_clim() == (-1, 1) and img.get_cmap().name == "coolwarm"
        part = m.filter(pl.col("region") == region)
        rho = part.filter((pl.col("var_x") == "mean_s") & (pl.col("var_y") == "cold_starts"))
        assert arr[0, 5] == pytest.approx(rho["rho"][0], nan_ok=True)
        texts = [t.get_text() for t in ax.texts]
        if np.isnan(rho["rho"][0]):  # e.g. one cold start in every minute: no rank variation
            assert texts[5] == "n/a"
        else:
            star = "*" if rho["p_value"][0] < 0.05 else ""
            assert texts[5] == f"{rho['rho'][0]:.1f}{star}"
        assert len(texts) == 36


def test_fig13_split_violins(tiny_figure: Any) -> None:
    r = tiny_figure("fig13")
    axes = r.figure.axes
    assert len(axes) == 5
    q = r.data["quartiles"]
    for ax, comp in zip(
        axes,
        ("total", "pod_allocation", "deploy_code", "deploy_dependency", "scheduling"),
        strict=True,
    ):
        assert ax.get_yscale() == "log"
        bodies = {"small": 0, "large": 0}
        for coll in ax.collections:
            gid = coll.get_gid() or ""
            if gid.startswith("violin:"):
                bodies[gid.split(":")[1]] += 1
        expected = q.filter(pl.col("component") == comp)
        for size in ("small", "large"):
            assert bodies[size] == expected.filter(pl.col("pool_size") == size).height
        # the small half lies left of its region's position, the large half right
        for coll in ax.collections:
            if coll.get_gid() == "violin:small":
                xs = coll.get_paths()[0].vertices[:, 0]
                assert xs.max() - xs.min() > 0 and np.isclose(xs.max(), round(xs.max()))
    labels = [t.get_text() for t in axes[-1].get_xticklabels()]
    assert labels == sorted(q["region"].unique().to_list())


def test_fig14_scatter_diagonal_and_guides(tiny_figure: Any) -> None:
    r = tiny_figure("fig14")
    (ax,) = r.figure.axes
    f = r.data["functions"]
    shown = f.filter((pl.col("requests") > 0) & (pl.col("cold_starts") > 0))
    pts = np.concatenate([c.get_offsets() for c in ax.collections])
    assert len(pts) == shown.height
    assert sorted(map(tuple, pts.tolist())) == sorted(
        zip(
            shown["requests"].cast(pl.Float64).to_list(),
            shown["cold_starts"].cast(pl.Float64).to_list(),
            strict=True,
        )
    )
    (diag,) = [ln for ln in ax.get_lines() if ln.get_gid() == "diagonal"]
    assert list(diag.get_xdata()) == list(diag.get_ydata())
    guides = sorted(ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_gid() == "guide")
    assert 31.0 in guides and 744.0 in guides
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert len({c.get_gid() for c in ax.collections}) == shown["trigger_group"].n_unique()


@pytest.mark.parametrize(("fig_id", "group"), [("fig15", "runtime"), ("fig16", "trigger")])
def test_fig15_16_component_cdfs(tiny_figure: Any, fig_id: str, group: str) -> None:
    r = tiny_figure(fig_id)
    *axes, legend_cell = r.figure.axes
    assert len(axes) == 5
    assert not legend_cell.axison and legend_cell.get_legend() is not None  # beside the data
    curves = r.data["cdf"]
    assert "unknown" not in curves["group"].to_list()
    for ax, comp in zip(
        axes,
        ("total", "pod_allocation", "deploy_code", "deploy_dependency", "scheduling"),
        strict=True,
    ):
        part = curves.filter(pl.col("component") == comp)
        lines = _gid_lines(ax, "cdf:")
        assert "all" in lines
        assert set(lines) == set(part["group"].unique().to_list())
        for name, line in lines.items():
            g = part.filter(pl.col("group") == name).sort("x")
            assert np.allclose(line.get_ydata(), g["cdf"].to_numpy())
        assert ax.get_xscale() == "log"
    assert group in r.figure.get_suptitle()


def test_fig17_utility_ratio(tiny_figure: Any) -> None:
    r = tiny_figure("fig17")
    a, b = r.figure.axes
    for ax, key in ((a, "by_runtime_cdf"), (b, "by_trigger_cdf")):
        curves = r.data[key]
        lines = _gid_lines(ax, "cdf:")
        assert set(lines) == set(curves["group"].unique().to_list()) and "all" in lines
        for name, line in lines.items():
            g = curves.filter(pl.col("group") == name).sort("x")
            assert np.allclose(line.get_xdata(), g["x"].to_numpy())
        assert any(ln.get_gid() == "ratio1" for ln in ax.get_lines())
    pods = r.data["pods"]
    all_curve = r.data["by_runtime_cdf"].filter(pl.col("group") == "all")
    below_1 = float((pods["utility_ratio"] <= 1).mean())
    assert pods.height > 20 and 0 < below_1 < 1, "the tiny trace must have pods on both sides of 1"
    idx = int(np.searchsorted(all_curve["x"].to_numpy(), 1.0, side="right")) - 1
    assert idx >= 0, "the 'all' curve must start below ratio 1"
    assert all_curve["cdf"][idx] == pytest.approx(below_1, abs=2 / pods.height + 1e-3)
    assert "60 s keep-alive" in r.figure.get_suptitle()


# --- options, empty results, missing tables ----------------------------------------------------


def test_region_filter(tiny_figure: Any) -> None:
    r = tiny_figure("fig10", regions=("R1", "R3"))
    assert set(r.data["cold_start_cdf"]["region"].unique().to_list()) == {"R1", "R3"}
    one = tiny_figure("fig03", regions=("R2",))
    assert one.data["execution_time_cdf"]["region"].unique().to_list() == ["R2"]


@pytest.mark.parametrize("fig_id", ["fig08", "fig09", "fig14", "fig15", "fig16", "fig17"])
def test_region2_figures_say_no_data_when_r2_is_filtered_out(tiny_figure: Any, fig_id: str) -> None:
    r = tiny_figure(fig_id, regions=("R1",))
    assert r.figure is not None
    assert "no data" in _texts(r.figure) and "R2" in _texts(r.figure)


def test_missing_tables_skip_with_a_reason(cold_starts_only_warehouse: Path) -> None:
    import coldstart.query

    with coldstart.query.open(cold_starts_only_warehouse) as session:
        with pytest.raises(MissingTableError) as exc:
            frames.build("fig01", session)
        assert exc.value.table == "counts"
        assert "\n" not in str(exc.value) and "quantiles/" in str(exc.value)
        with pytest.raises(MissingTableError) as exc:
            frames.build("fig17", session)
        assert exc.value.table == "requests"
        assert build("fig13", session).figure is not None


def test_region_filter_matching_nothing_says_no_data(r2_only_warehouse: Path) -> None:
    import coldstart.query

    with coldstart.query.open(r2_only_warehouse) as session:
        for fig_id in frames.figure_ids():
            r = build(fig_id, session, regions=("R5",))
            assert r.figure is not None, fig_id
            assert "no data" in _texts(r.figure), fig_id
        # and R2 itself still draws
        assert "no data" not in _texts(build("fig10", session, regions=("R2",)).figure)


def test_unknown_figure_and_option() -> None:
    from coldstart.errors import UsageError

    with pytest.raises(UsageError, match="fig01, fig03"):
        frames.resolve_ids(["fig99"])
    with pytest.raises(UsageError, match="diagram"):
        frames.resolve_ids(["fig2"])
    assert frames.resolve_ids(["3", "fig3", "fig03"]) == ["fig03"]
    assert frames.resolve_ids(["all"]) == frames.figure_ids()
    with pytest.raises(UsageError, match="--regions"):
        frames.FigureOptions(regions=("R9",)).validated()
    with pytest.raises(UsageError, match="--days"):
        frames.FigureOptions(days=(5, 2)).validated()
    with pytest.raises(UsageError, match="unknown figure option 'colour'"):
        frames.options(colour="red")


def test_plots_say_no_data_on_empty_input() -> None:
    from coldstart.analysis.peaks import daily_peaks
    from coldstart.plots import breakdowns, components, distributions, region2, regions, temporal

    empty_curve = pl.DataFrame(schema={"region": pl.String, "x": pl.Float64, "cdf": pl.Float64})
    empty_group = pl.DataFrame(
        schema={"group": pl.String, "component": pl.String, "x": pl.Float64, "cdf": pl.Float64}
    )
    figs = [
        regions.plot_region_sizes(
            pl.DataFrame(
                schema={
                    "region": pl.String,
                    "functions": pl.Int64,
                    "requests": pl.Int64,
                    "pods": pl.Int64,
                }
            )
        ),
        regions.plot_region_cdfs(empty_curve, empty_curve, empty_curve),
        regions.plot_user_cdfs(empty_curve, empty_curve),
        temporal.plot_daily_peaks(
            daily_peaks(
                pl.DataFrame(schema={"region": pl.String, "time": pl.Int64, "requests": pl.Int64})
            )
        ),
        temporal.plot_peak_to_trough(
            pl.DataFrame(
                schema={
                    "region": pl.String,
                    "ratio": pl.Float64,
                    "requests_per_day": pl.Float64,
                    "cold_starts": pl.Int64,
                }
            )
        ),
        temporal.plot_holiday(
            pl.DataFrame(
                schema={
                    "region": pl.String,
                    "day": pl.Int64,
                    "pods": pl.Float64,
                    "cpu_mean": pl.Float64,
                }
            )
        ),
        region2.plot_pods_by_group(
            pl.DataFrame(
                schema={"kind": pl.String, "group": pl.String, "hour": pl.Int64, "pods": pl.Float64}
            ),
            pl.DataFrame(
                schema={
                    "kind": pl.String,
                    "group": pl.String,
                    "measure": pl.String,
                    "share": pl.Float64,
                }
            ),
        ),
        region2.plot_triggers_by_runtime(
            pl.DataFrame(
                schema={
                    "runtime": pl.String,
                    "trigger_group": pl.String,
                    "share": pl.Float64,
                    "functions": pl.Int64,
                }
            )
        ),
        region2.plot_requests_vs_cold_starts(
            pl.DataFrame(
                schema={
                    "funcID": pl.String,
                    "requests": pl.Int64,
                    "cold_starts": pl.Int64,
                    "trigger_group": pl.String,
                }
            )
        ),
        distributions.plot_cold_start_distributions(
            empty_curve, empty_curve, empty_curve, None, empty_curve, empty_curve, empty_curve, None
        ),
        components.plot_hourly_components(pl.DataFrame(schema={"region": pl.String})),
        components.plot_spearman(pl.DataFrame(schema={"region": pl.String})),
        components.plot_pool_size_violins({}),
        breakdowns.plot_component_cdfs(empty_group, by="runtime"),
        breakdowns.plot_utility_ratio(empty_group, empty_group),
    ]
    for fig in figs:
        assert "no data" in _texts(fig), fig.get_suptitle()


def test_one_colour_per_name_across_figures(tiny_figure: Any) -> None:
    r3 = tiny_figure("fig03")
    r10 = tiny_figure("fig10")
    for fig in (r3.figure, r10.figure):
        for line in _gid_lines(fig.axes[0], "cdf:").items():
            region, ln = line
            assert ln.get_color() == style.REGION_COLORS[region]
    assert len(set(style.REGION_COLORS.values())) == len(style.REGION_COLORS)
    assert len(set(style.TRIGGER_COLORS.values())) == len(style.TRIGGER_COLORS)
    assert len(set(style.RUNTIME_COLORS.values())) == len(style.RUNTIME_COLORS)


def test_plotted_values_are_the_named_query_results(tiny_figure: Any, tiny_session: Any) -> None:
    """Straight from the front door, not only from the figure's own data dict."""
    # Fig 3b: the execution-time curve of each region is timeseries_log_histogram's CDF.
    hist = tiny_session.query("timeseries_log_histogram", metric="totalCost", bins_per_decade=40)
    lines = _gid_lines(tiny_figure("fig03").figure.axes[1], "cdf:")
    for region, line in lines.items():
        h = hist.filter((pl.col("region") == region) & pl.col("bin").is_not_null()).sort("bin")
        assert np.allclose(line.get_xdata(), h["upper"].to_numpy())
        assert np.allclose(line.get_ydata(), h["cdf"].to_numpy())
    # Fig 1: bubble positions are region_summary's functions and requests.
    summary = tiny_session.query("region_summary")
    (ax,) = tiny_figure("fig01").figure.axes
    for c in ax.collections:
        if (c.get_gid() or "").startswith("bubble:"):
            row = summary.filter(pl.col("region") == c.get_gid().split(":")[1]).row(0, named=True)
            assert tuple(c.get_offsets()[0]) == (row["functions"], row["requests"])
    # Fig 9: bar segments are groups_trigger_by_runtime's shares.
    shares = tiny_session.query("groups_trigger_by_runtime", region="R2")
    (ax,) = tiny_figure("fig09").figure.axes
    drawn = sorted(
        round(rect.get_height(), 12) for cont in ax.containers for rect in cont if rect.get_height()
    )
    expected = sorted(
        round(v, 12) for v in shares.filter(pl.col("runtime") != "unknown")["share"].to_list() if v
    )
    assert drawn == expected


def test_each_query_runs_once_for_all_figures(tiny_session: Any) -> None:
    """The report builds every figure through one CachedSession: no query runs twice, and the
    queries several figures share are asked more than once but run once."""
    cached = frames.CachedSession(tiny_session)
    for fid in frames.figure_ids():
        frames.build(fid, cached)
    assert cached.runs and all(run.ran == 1 for run in cached.runs.values())
    shared = {key[0] for key, run in cached.runs.items() if run.asked > 1}
    assert {"cold_starts_by_region", "cold_starts_histogram"} <= shared
    # a second round asks again and runs nothing
    before = {key: run.ran for key, run in cached.runs.items()}
    frames.build("fig11", cached)
    assert {key: run.ran for key, run in cached.runs.items()} == before


def test_a_stamp_goes_under_the_title(tiny_session: Any) -> None:
    from coldstart import plots
    from coldstart.provenance import SYNTHETIC_LINE

    ff = frames.build("fig09", tiny_session)
    assert SYNTHETIC_LINE in plots.draw(ff, stamp=SYNTHETIC_LINE).get_suptitle()
    assert SYNTHETIC_LINE not in plots.draw(ff).get_suptitle()
    ff = frames.build("fig11", tiny_session)
    title = plots.draw(ff, stamp=SYNTHETIC_LINE).get_suptitle()
    assert title.startswith("Fig 11") and title.endswith(SYNTHETIC_LINE)


def _drawn_points(ax: Axes) -> np.ndarray:
    """Display coordinates of every line (densified along its segments, steps included) and
    every scatter point of an axes: what a legend must not cover."""
    pts = []
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), float)
        guide = line.get_gid() in (None, "") and line.get_linestyle() in ("--", ":")
        if len(xy) < 2 or guide:
            continue  # reference guides (dashed, no gid) are not data
        disp = line.get_transform().transform(xy)
        if str(line.get_drawstyle()).startswith("steps-post"):
            corners = np.column_stack([disp[1:, 0], disp[:-1, 1]])
            disp = np.insert(disp, np.arange(1, len(disp)), corners, axis=0)
        for a, b in itertools.pairwise(disp):
            n = int(min(200, max(2, np.hypot(*(b - a)) // 2)))
            pts.append(np.linspace(a, b, n))
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), float)
        if coll.get_gid() and offsets.ndim == 2 and len(offsets) and not coll.get_paths()[1:]:
            pts.append(coll.get_offset_transform().transform(offsets))
    pts = [p[np.isfinite(p).all(axis=1)] for p in pts]
    return np.concatenate(pts) if pts else np.empty((0, 2))


def _assert_no_legend_covers_data(fig: Figure, fig_id: str) -> None:
    """A legend inside a panel sits where no curve or point of that panel is drawn (the
    figure must have been laid out: draw_without_rendering)."""
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not ax.axison:
            continue
        box = legend.get_window_extent()
        pts = _drawn_points(ax)
        inside = pts[
            (pts[:, 0] > box.x0)
            & (pts[:, 0] < box.x1)
            & (pts[:, 1] > box.y0)
            & (pts[:, 1] < box.y1)
        ]
        assert len(inside) == 0, f"{fig_id}: the legend of {ax.get_title()!r} covers data"


def test_fig05_names_the_panels_that_look_flat() -> None:
    from coldstart.frames import FigureFrames
    from coldstart.frames.temporal import flat_regions
    from coldstart.plots import caption

    # R1: one burst minute sets the maximum, every other minute is at 0.05 → flat;
    # R2: a daily cycle between 0 and 1 → not flat.
    series = pl.DataFrame(
        {
            "region": ["R1"] * 20 + ["R2"] * 20,
            "smoothed": [1.0] + [0.05] * 19 + [i / 19 for i in range(20)],
        }
    )
    flatness = flat_regions(series)
    assert flatness["flat"].to_list() == [True, False]
    assert flatness["p90"][0] == pytest.approx(0.05)
    ff = FigureFrames("fig05", {"series": series, "peaks": pl.DataFrame(), "flatness": flatness})
    assert caption(ff).endswith(
        "R1 looks flat: a few burst minutes set its maximum, so 90 % of its smoothed minutes "
        "stay below a tenth of it and the daily cycle sits at the bottom."
    )


def test_fig11_caption_names_the_regions_whose_stack_is_a_thin_band() -> None:
    """R3's largest stacked hourly mean, 0.1 + 0.1 + 0.2 + 0.2 = 0.6 s, stays below a tenth
    of the paper's 7 s axis: the caption says so; R1's (4 s) does not."""
    from coldstart.frames.model import FigureFrames
    from coldstart.plots import caption

    comps = ("pod_allocation_s", "deploy_code_s", "deploy_dependency_s", "scheduling_s")
    hourly = pl.DataFrame(
        {
            "region": ["R1", "R1", "R3", "R3"],
            "hour": [0, 1, 0, 1],
            "cold_starts": [1, 2, 3, 4],
            "mean_s": [4.0, 1.0, 0.6, 0.2],
            **dict(zip(comps, ([1.0, 0.25, 0.1, 0.05], [1.0, 0.25, 0.1, 0.05],
                               [1.0, 0.25, 0.2, 0.05], [1.0, 0.25, 0.2, 0.05]), strict=True)),
        }
    )  # fmt: skip
    text = caption(FigureFrames("fig11", {"hourly": hourly}))
    assert text.endswith(
        "The hourly means of R3 (≤ 0.60 s) stay below 0.7 s, so on the paper's axis its "
        "stack is a thin band at the bottom."
    )
    assert "R1" not in text.split("The hourly means of")[1]


def test_fig06_streams_function_minutes_in_batches(
    tiny_figure: Any, tiny_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches that cut functions in two (a function's last minutes in the next batch) give the
    ratios of one whole read, equal to the analysis over the query's whole result; the
    session's batches are the query's rows in its order."""
    from coldstart.frames import temporal

    whole = tiny_session.query("requests_per_function_minute", region="R2")
    batches = list(
        tiny_session.query_batches("requests_per_function_minute", region="R2", rows=997)
    )
    assert len(batches) > 2 and all(b.height <= 997 for b in batches)
    assert pl.concat(batches).equals(whole)
    # some batch boundary falls inside a function (else the carry-over is never exercised)
    assert any(a["funcID"][-1] == b["funcID"][0] for a, b in itertools.pairwise(batches))
    monkeypatch.setattr(temporal, "BATCH_ROWS", 10**9)
    one_read = frames.build("fig06", tiny_session)["ratios"]
    monkeypatch.setattr(temporal, "BATCH_ROWS", 997)
    many_reads = frames.build("fig06", tiny_session)["ratios"]
    assert many_reads.equals(one_read) and many_reads.height > 4
    assert tiny_figure("fig06").data["ratios"].equals(one_read)
    # and the ratios are those of the analysis over the query's whole result
    from coldstart.analysis import peak_trough

    direct = pl.concat(
        [
            peak_trough.peak_to_trough_by_function(
                tiny_session.query("requests_per_function_minute", region=r)
            )
            for r in ("R1", "R2", "R3", "R4", "R5")
        ]
    ).sort("region", "funcID")
    got = one_read.select(direct.columns).sort("region", "funcID")
    assert got.equals(direct)

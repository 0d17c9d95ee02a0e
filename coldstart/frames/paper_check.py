"""The paper's numbers beside this warehouse's: one measured value per paper number.

For each row of :mod:`coldstart.paper` this module finds the same quantity in the figures'
frames (no query of its own: it reads what the figures already computed) and says whether it
agrees within the row's tolerance. A number the frames cannot give (a calendar fact, the
release's raw trigger strings, a region the selection leaves out) is "not measured", never
guessed.

:func:`reproducibility` is the report's opening table; :func:`figure_summary` condenses it to
one row per figure (grade, numbers compared, how many agree).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import polars as pl
from scipy import stats

from coldstart import paper
from coldstart.analysis.ecdf import cdf_at, quantile_from_curve
from coldstart.frames.model import ALL, NOT_IN_TABLE, FigureFrames, one_row
from coldstart.frames.specs import FIGURES

Frames = Mapping[str, FigureFrames]
Value = float | None

TRIGGERS = {
    "apig": "APIG-S",
    "obs": "OBS-A",
    "timer": "TIMER-A",
    "other_a": "other A",
    "other_s": "other S",
    "workflow": "workflow-S",
    "unknown": "unknown",
}
RUNTIMES = {
    "csharp": "C#",
    "custom": "Custom",
    "go": "Go1.x",
    "java": "Java",
    "nodejs": "Node.js",
    "php": "PHP7.3",
    "python2": "Python2",
    "python3": "Python3",
    "http": "http",
    "other": "other",
    "unknown": "unknown",
}
CORR_VARS = {
    "cs": "mean_s",
    "code": "deploy_code_s",
    "dep": "deploy_dependency_s",
    "sched": "scheduling_s",
    "pod": "pod_allocation_s",
    "count": "cold_starts",
}
COMPONENT_COLUMNS = ("pod_allocation_s", "deploy_code_s", "deploy_dependency_s", "scheduling_s")

VERDICT_AGREES, VERDICT_DIFFERS, VERDICT_NOT_MEASURED = "agrees", "differs", "not measured"


def _frame(f: Frames, fig: str, name: str) -> pl.DataFrame | None:
    ff = f.get(fig)
    if ff is None or ff.excluded or name not in ff.frames:
        return None
    df = ff.frames[name]
    return df if df.height else None


def _num(x: Any) -> Value:
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _cell(f: Frames, fig: str, name: str, col: str, **where: Any) -> Value:
    df = _frame(f, fig, name)
    if df is None:
        return None
    row = one_row(df, **where)
    return _num(row[col]) if row and col in row else None


def _per_region(
    f: Frames, fig: str, name: str, col: str, region: str | None
) -> pl.DataFrame | None:
    df = _frame(f, fig, name)
    if df is None or region is None or col not in df.columns:
        return None
    part = df.filter(pl.col("region") == region)
    return part if part.height else None


def _region_values(f: Frames, fig: str, name: str, col: str) -> dict[str, float]:
    df = _frame(f, fig, name)
    if df is None:
        return {}
    return {r: float(v) for r, v in df.select("region", col).iter_rows() if v is not None and v > 0}


def _factor(values: dict[str, float]) -> Value:
    return max(values.values()) / min(values.values()) if len(values) >= 2 else None


def _curve(f: Frames, fig: str, name: str, **where: Any) -> pl.DataFrame | None:
    df = _frame(f, fig, name)
    if df is None or any(v is None for v in where.values()):
        return None
    for k, v in where.items():
        df = df.filter(pl.col(k) == v)
    return df.sort("x") if df.height else None


def _q(curve: pl.DataFrame | None, q: float) -> Value:
    return None if curve is None else quantile_from_curve(curve, q)


def _at(curve: pl.DataFrame | None, x: float) -> Value:
    return None if curve is None else cdf_at(curve, x)


# --- one measurement per paper-number pattern -----------------------------------------------------

Measure = Callable[[Frames, str | None, list[str]], Value]


def _all_regions(f: Frames) -> bool:
    df = _frame(f, "fig01", "region_summary")
    return df is not None and df.height == 5


def _total(col: str) -> Measure:
    def m(f: Frames, region: str | None, parts: list[str]) -> Value:
        df = _frame(f, "fig01", "region_summary")
        return _num(df[col].sum()) if df is not None and _all_regions(f) else None

    return m


def _fig01(col: str) -> Measure:
    return lambda f, r, p: _cell(f, "fig01", "region_summary", col, region=r)


def _rpd(f: Frames, region: str | None) -> pl.Series | None:
    df = _per_region(f, "fig03", "requests_per_day", "requests_per_day", region)
    return None if df is None else df["requests_per_day"]


def _share(series: pl.Series | None, cond: Callable[[pl.Series], pl.Series]) -> Value:
    return None if series is None or series.len() == 0 else _num(cond(series).mean())


def _region_medians_rpd(f: Frames) -> dict[str, float]:
    df = _frame(f, "fig03", "requests_per_day")
    if df is None:
        return {}
    med = df.group_by("region").agg(pl.col("requests_per_day").median())
    return {r: float(v) for r, v in med.iter_rows() if v and v > 0}


def _curve_medians(f: Frames, name: str) -> dict[str, float]:
    df = _frame(f, "fig03", name)
    if df is None:
        return {}
    out = {}
    for r in df["region"].unique().to_list():
        v = _q(df.filter(pl.col("region") == r).sort("x"), 0.5)
        if v:
            out[r] = v
    return out


def _users(f: Frames, region: str | None) -> pl.DataFrame | None:
    return _per_region(f, "fig04", "users", "functions", region)


def _user_share_range(f: Frames, cond: Callable[[pl.DataFrame], pl.Series]) -> dict[str, float]:
    df = _frame(f, "fig04", "users")
    if df is None:
        return {}
    return {r: float(cond(part).mean()) for (r,), part in df.group_by(["region"])}  # type: ignore[arg-type]


def _ratios(f: Frames) -> pl.DataFrame | None:
    return _frame(f, "fig06", "ratios")


def _fig06(kind: str) -> Measure:
    def m(f: Frames, region: str | None, parts: list[str]) -> Value:  # noqa: PLR0911
        df = _ratios(f)
        if df is None:
            return None
        big = df.filter(pl.col("requests_per_day") >= 1e7)
        flat = df.filter(pl.col("ratio") == 1)
        if kind == "min":
            return _num(df["ratio"].min())
        if kind == "max":
            return _num(df["ratio"].max())
        if kind == "top_max":
            return _num(big["ratio"].max()) if big.height else None
        if kind == "top_min":
            return _num(big["ratio"].min()) if big.height else None
        if kind == "flat_rpd":
            return _num(flat["requests_per_day"].max()) if flat.height else None
        if kind == "flat_cs":
            return _num(flat["cold_starts"].max()) if flat.height else None
        if kind == "top_r3":
            r3 = df.filter(pl.col("region") == "R3").sort("requests_per_day", descending=True)
            return _num(r3["ratio"][0]) if r3.height else None
        if kind == "cs_max":
            return _num(df["cold_starts"].max())
        return None

    return m


def _holiday(f: Frames, region: str | None, col: str) -> pl.DataFrame | None:
    return _per_region(f, "fig07", "normalised", col, region)


def _fig07_drop(f: Frames, region: str | None, parts: list[str]) -> Value:
    df = _holiday(f, region, "pods")
    if df is None:
        return None
    d13 = df.filter(pl.col("day") == 13)["pods"]
    hol = df.filter(pl.col("day").is_between(14, 20))["pods"]
    if d13.len() == 0 or hol.len() == 0 or not d13[0]:
        return None
    return 1.0 - float(hol.mean()) / float(d13[0])  # type: ignore[arg-type]


def _fig08_share(f: Frames, region: str | None, parts: list[str]) -> Value:
    panel, measure, group = parts[0], parts[1], parts[2]
    grouping = {"fig8d": "trigger", "fig8e": "runtime", "fig8f": "resource"}[panel]
    col = {
        "pod_share": "pods_share",
        "pod_share_fig": "pods_share",
        "cold_start_share": "cold_starts_share",
        "cold_start_share_fig": "cold_starts_share",
        "function_share": "functions_share",
        "function_share_fig": "functions_share",
        "cold_start_count": "cold_starts",
        "function_count": "functions",
    }.get(measure)
    df = _frame(f, "fig08", f"proportions_{grouping}")
    if df is None or col is None:
        return None
    names: list[str]
    if grouping == "trigger":
        names = ["TIMER-A", "OBS-A", "other A"] if group == "async" else [TRIGGERS.get(group, "")]
    elif grouping == "runtime":
        names = [RUNTIMES.get(group, "")]
    else:
        names = ["300-128", "400-256"] if group == "small" else [group.replace("_", "-")]
    if grouping == "runtime" and measure == "cold_start_count":
        # Fig 8e merges Go1.x, PHP7.3, C# and unknown into 'other'; Fig 15's table has each.
        return _cell(f, "fig15", "by_group", "cold_starts", runtime=RUNTIMES.get(group, ""))
    if grouping == "runtime" and measure == "function_count":
        return None  # functions per runtime are not in any figure's frames
    part = df.filter(pl.col("group_name").is_in(names))
    return _num(part[col].sum()) if part.height else None


def _fig08_pods(kind: str) -> Measure:
    def m(f: Frames, region: str | None, parts: list[str]) -> Value:
        df = _frame(f, "fig08", "hourly")
        if df is None:
            return None
        total = (
            df.filter(pl.col("kind") == "trigger")
            .group_by("hour")
            .agg(pl.col("pods").sum())
            .with_columns((pl.col("hour") // 24).alias("day"))
        )
        daily = total.group_by("day").agg(
            pl.col("pods").max().alias("peak"), pl.col("pods").min().alias("trough")
        )
        return _num(daily[kind].median())

    return m


def _fig09(f: Frames, region: str | None, parts: list[str]) -> Value:
    if len(parts) != 4 or parts[1] != "trigger_share":
        return None
    return _cell(
        f,
        "fig09",
        "shares",
        "share",
        runtime=RUNTIMES.get(parts[2], ""),
        trigger_group=TRIGGERS.get(parts[3], ""),
    )


def _fit(dist: str, key: str) -> Measure:
    def m(f: Frames, region: str | None, parts: list[str]) -> Value:
        name = "lognormal_fit" if dist == "lognormal" else "weibull_fit"
        table = _frame(f, "fig10", name)
        row = None if table is None else one_row(table, group="all")
        if row is None:
            return None
        if key in row:
            return _num(row[key])
        if dist == "lognormal":
            s, scale = row["param_s"], row["median_s"]
            if key == "mu":
                return math.log(scale)
            frozen = stats.lognorm(s=s, scale=scale)
        else:
            c = row["param_c"]
            scale = row["mean_s"] / math.gamma(1 + 1 / c)
            if key == "scale":
                return scale
            frozen = stats.weibull_min(c=c, scale=scale)
        q = {"q01": 0.01, "q10": 0.1, "q25": 0.25, "q75": 0.75, "q90": 0.9}.get(key)
        return None if q is None else float(frozen.ppf(q))

    return m


def _fig10_cs_curve(f: Frames, region: str | None) -> pl.DataFrame | None:
    return _curve(f, "fig10", "cold_start_cdf", region=region)


def _pooled_iat_mean(f: Frames, region: str | None, parts: list[str]) -> Value:
    df = _frame(f, "fig10", "iat_summary")
    if df is None or not _all_regions(f):
        return None
    return _num((df["mean_s"] * df["iats"]).sum() / df["iats"].sum())


def _hourly(f: Frames, region: str | None) -> pl.DataFrame | None:
    df = _per_region(f, "fig11", "hourly", "cold_starts", region)
    if df is None:
        return None
    return df.with_columns(pl.sum_horizontal(*COMPONENT_COLUMNS).alias("stack"))


def _sched_rank(f: Frames, region: str | None, parts: list[str]) -> Value:
    df = _frame(f, "fig11", "by_region")
    if df is None:
        return None
    ranks = []
    for row in df.iter_rows(named=True):
        order = sorted(COMPONENT_COLUMNS, key=lambda c: -(row[c] or 0.0))
        ranks.append(order.index("scheduling_s") + 1)
    return float(max(ranks))


def _rho(f: Frames, region: str | None, parts: list[str]) -> Value:
    a, b = parts[2].split("_")
    x, y = CORR_VARS[a], CORR_VARS[b]
    return _cell(f, "fig12", "spearman", "rho", region=region, var_x=x, var_y=y)


def _pool_median(size: str, col: str = "median_s") -> Measure:
    """A pool size's median from the query (exact, the number Fig 13's table and finding
    show); other quartiles from the violins' binned densities."""
    if col == "median_s":
        return lambda f, r, p: _cell(f, "fig13", "by_pool_size", "p50_s", region=r, pool_size=size)
    return lambda f, r, p: _cell(
        f, "fig13", "quartiles", col, region=r, pool_size=size, component="total"
    )


def _pool_ratio(f: Frames, region: str | None, parts: list[str]) -> Value:
    large, small = _pool_median("large")(f, region, parts), _pool_median("small")(f, region, parts)
    return large / small if large and small else None


def _fig14(kind: str) -> Measure:
    def m(f: Frames, region: str | None, parts: list[str]) -> Value:
        df = _frame(f, "fig14", "functions")
        if df is None:
            return None
        by = "cold_starts" if kind.startswith("cs") else "requests"
        top = df.sort(by, descending=True).row(0, named=True)
        return _num(top["requests" if kind in ("cs_requests", "requests") else "cold_starts"])

    return m


def _group_medians(f: Frames, fig: str) -> dict[str, float]:
    """Exact median cold-start time of each named group (the query's p50_s, as Figs 15/16's
    tables and findings show), not the one read off the log-binned curve."""
    df = _frame(f, fig, "by_group")
    col = "runtime" if fig == "fig15" else "trigger_group"
    if df is None or col not in df.columns:
        return {}
    return {
        g: float(v)
        for g, v in df.select(col, "p50_s").iter_rows()
        if g is not None and v is not None and g not in (ALL, "unknown", NOT_IN_TABLE)
    }


def _breakdown(fig: str, groups: dict[str, str]) -> Measure:
    def m(f: Frames, region: str | None, parts: list[str]) -> Value:  # noqa: PLR0911
        measure, key = parts[1], parts[2]
        group = ALL if key == "all" else groups.get(key)
        comp = "deploy_dependency" if measure.startswith("dep_") else "total"
        if measure.startswith("pod_alloc"):
            comp = "pod_allocation"
        curve = _curve(f, fig, "cdf", group=group, component=comp)
        exact = _group_medians(f, fig)
        if measure in ("median_s", "median_s_min") and group in exact:
            return exact[group]
        if measure == "median_s_max" and key == "other":
            others = [v for g, v in exact.items() if g != "OBS-A"]
            return max(others, default=None)
        if measure == "median_rank":
            order = sorted(exact, key=lambda g: -exact[g])
            return float(order.index(group) + 1) if group in order else None
        if measure in ("median_s", "median_s_min", "dep_median_s"):
            return _q(curve, 0.5)
        points = {
            "share_below_1s": 1.0,
            "pod_alloc_cdf_100us": 1e-4,
            "pod_alloc_cdf_10ms": 1e-2,
            "cdf_8s": 8.0,
            "cdf_11s": 11.0,
        }
        if measure in points:
            return _at(curve, points[measure])
        if measure == "pod_alloc_share_10s":
            at = _at(curve, 5.0)
            return None if at is None else 1.0 - at
        return None

    return m


def _utility(f: Frames, region: str | None, parts: list[str]) -> Value:
    fig, measure = parts[0], parts[1]
    key = parts[2] if len(parts) > 2 else "all"
    by_trigger = fig == "fig17b"
    name = RUNTIMES.get(key) if not by_trigger else TRIGGERS.get(key)
    if key == "all":
        name = ALL
    table = "by_trigger" if by_trigger else "by_runtime"
    col = "trigger_group" if by_trigger else "runtime"
    curve = _curve(f, "fig17", f"{table}_cdf", group=name)
    simple = {"share_below_1": "share_below_1", "median": "p50", "median_ratio": "p50"}
    if measure in simple:
        return _cell(f, "fig17", table, simple[measure], **{col: name})
    if measure == "share_above_100":
        return _cell(f, "fig17", table, "share_above_100", **{col: name})
    m = re.fullmatch(r"share_below_(\d+)(_min)?", measure)
    if m:
        return _at(curve, float(m.group(1)))
    return None


def _measures() -> dict[str, Measure]:
    """Paper-number id (without a region suffix) → how to read it off the frames."""
    out: dict[str, Measure] = {
        "text.requests_total": _total("requests"),
        "text.cold_starts_total": _total("cold_starts"),
        "text.cold_starts_min": _total("cold_starts"),
        "text.pods_min": _total("pods"),
        "fig1.functions": _fig01("functions"),
        "fig1.requests": _fig01("requests"),
        "fig1.pods": _fig01("pods"),
        "fig3a.share_ge_1_per_min": lambda f, r, p: _share(_rpd(f, r), lambda s: s >= 1440),
        "fig3a.cdf_at_1": lambda f, r, p: _share(_rpd(f, r), lambda s: s <= 1),
        "fig3a.cdf_at_1_per_min": lambda f, r, p: _share(_rpd(f, r), lambda s: s < 1440),
        "fig3a.median_req_per_day": lambda f, r, p: (
            None if _rpd(f, r) is None else _num(_rpd(f, r).median())  # type: ignore[union-attr]
        ),
        "fig3a.median_factor_max": lambda f, r, p: _factor(_region_medians_rpd(f)),
        "fig3b.median_exec_s": lambda f, r, p: _curve_medians(f, "execution_time_cdf").get(r or ""),
        "fig3b.median_exec_factor_max": lambda f, r, p: _factor(
            _curve_medians(f, "execution_time_cdf")
        ),
        "fig3c.median_cores": lambda f, r, p: _curve_medians(f, "cpu_usage_cdf").get(r or ""),
        "fig3c.median_cores_fig": lambda f, r, p: _curve_medians(f, "cpu_usage_cdf").get(r or ""),
        "fig3c.median_cores_factor_max": lambda f, r, p: _factor(
            _curve_medians(f, "cpu_usage_cdf")
        ),
        "fig4a.single_function_share": lambda f, r, p: (
            None if _users(f, r) is None else _num((_users(f, r)["functions"] == 1).mean())  # type: ignore[index]
        ),
        "fig4a.single_function_share_lo": lambda f, r, p: min(
            _user_share_range(f, lambda d: d["functions"] == 1).values(), default=None
        ),
        "fig4a.single_function_share_hi": lambda f, r, p: max(
            _user_share_range(f, lambda d: d["functions"] == 1).values(), default=None
        ),
        "fig4a.users_below_20_functions": lambda f, r, p: min(
            _user_share_range(f, lambda d: d["functions"] < 20).values(), default=None
        ),
        "fig4b.share_users_above_1000": lambda f, r, p: (
            None if _users(f, r) is None else _num((_users(f, r)["requests"] > 1000).mean())  # type: ignore[index]
        ),
        "fig4b.cdf_at_1000": lambda f, r, p: (
            None if _users(f, r) is None else _num((_users(f, r)["requests"] <= 1000).mean())  # type: ignore[index]
        ),
        "fig6a.peak_trough_min": _fig06("min"),
        "fig6a.peak_trough_max": _fig06("max"),
        "fig6a.peak_trough_largest_fig": _fig06("max"),
        "fig6a.peak_trough_top_workloads_max": _fig06("top_max"),
        "fig6a.peak_trough_top_workloads_min": _fig06("top_min"),
        "fig6a.ratio1_cluster_req_per_day_max": _fig06("flat_rpd"),
        "fig6b.ratio1_cluster_cold_starts_max": _fig06("flat_cs"),
        "fig6a.peak_trough_top_r3": _fig06("top_r3"),
        "fig6b.cold_starts_max": _fig06("cs_max"),
        "fig7a.holiday_drop": _fig07_drop,
        "fig7b.cpu_norm_min": lambda f, r, p: (
            None
            if _holiday(f, r, "cpu_mean") is None
            else _num(_holiday(f, r, "cpu_mean")["cpu_mean"].min())  # type: ignore[index]
        ),
        "fig8a.total_pods_peak": _fig08_pods("peak"),
        "fig8a.total_pods_trough": _fig08_pods("trough"),
        "fig10a.median_s": lambda f, r, p: _cell(f, "fig10", "by_region", "p50_s", region=r),
        "fig10a.median_s_lo": lambda f, r, p: min(
            _region_values(f, "fig10", "by_region", "p50_s").values(), default=None
        ),
        "fig10a.median_s_hi": lambda f, r, p: max(
            _region_values(f, "fig10", "by_region", "p50_s").values(), default=None
        ),
        "fig10a.share_fast": lambda f, r, p: (
            None
            if _fig10_cs_curve(f, r) is None
            else cdf_at(_fig10_cs_curve(f, r), 0.03) - cdf_at(_fig10_cs_curve(f, r), 0.02)  # type: ignore[arg-type]
        ),
        "fig10a.share_above_9s": lambda f, r, p: (
            None if _fig10_cs_curve(f, r) is None else 1.0 - cdf_at(_fig10_cs_curve(f, r), 9.0)  # type: ignore[arg-type]
        ),
        "fig10b.lognormal_mean_s": _fit("lognormal", "mean_s"),
        "fig10b.lognormal_sd_s": _fit("lognormal", "sd_s"),
        "fig10b.lognormal_sigma": _fit("lognormal", "param_s"),
        "fig10b.lognormal_mu": _fit("lognormal", "mu"),
        "fig10b.lognormal_median_s": _fit("lognormal", "median_s"),
        "fig10b.lognormal_q10_s": _fit("lognormal", "q10"),
        "fig10b.lognormal_q25_s": _fit("lognormal", "q25"),
        "fig10b.lognormal_q75_s": _fit("lognormal", "q75"),
        "fig10b.lognormal_q90_s": _fit("lognormal", "q90"),
        "fig10b.pooled_median_s": lambda f, r, p: _q(
            _curve(f, "fig10", "cold_start_pooled_cdf"), 0.5
        ),
        "fig10c.iat_median_s": lambda f, r, p: _cell(f, "fig10", "iat_summary", "p50_s", region=r),
        "fig10c.iat_median_s_fig": lambda f, r, p: _cell(
            f, "fig10", "iat_summary", "p50_s", region=r
        ),
        "fig10c.iat_below_1ms": lambda f, r, p: _cell(
            f, "fig10", "iat_summary", "zero_share", region=r
        ),
        "fig10c.iat_mean_s": lambda f, r, p: _cell(f, "fig10", "iat_summary", "mean_s", region=r),
        "fig10d.weibull_mean_s": _fit("weibull", "mean_s"),
        "fig10d.weibull_sd_s": _fit("weibull", "sd_s"),
        "fig10d.weibull_shape": _fit("weibull", "param_c"),
        "fig10d.weibull_scale_s": _fit("weibull", "scale"),
        "fig10d.weibull_median_s": _fit("weibull", "median_s"),
        "fig10d.weibull_q01_s": _fit("weibull", "q01"),
        "fig10d.weibull_q10_s": _fit("weibull", "q10"),
        "fig10d.weibull_q90_s": _fit("weibull", "q90"),
        "fig10d.pooled_iat_mean_s": _pooled_iat_mean,
        "fig11.mean_cs_s": lambda f, r, p: _cell(f, "fig11", "by_region", "mean_s", region=r),
        "fig11.mean_pod_alloc_s": lambda f, r, p: _cell(
            f, "fig11", "by_region", "pod_allocation_s", region=r
        ),
        "fig11.hourly_mean_cs_max_s": lambda f, r, p: (
            None if _hourly(f, r) is None else _num(_hourly(f, r)["stack"].max())  # type: ignore[index]
        ),
        "fig11.scheduling_rank_max": _sched_rank,
        "fig11.hourly_cold_starts_lo": lambda f, r, p: (
            None if _hourly(f, r) is None else _num(_hourly(f, r)["cold_starts"].quantile(0.1))  # type: ignore[index]
        ),
        "fig11.hourly_cold_starts_hi": lambda f, r, p: (
            None if _hourly(f, r) is None else _num(_hourly(f, r)["cold_starts"].quantile(0.9))  # type: ignore[index]
        ),
        "fig11.hourly_cold_starts": lambda f, r, p: (
            None if _hourly(f, r) is None else _num(_hourly(f, r)["cold_starts"].median())  # type: ignore[index]
        ),
        "fig13.large_small_median_ratio": _pool_ratio,
        "fig13.median_s.small": _pool_median("small"),
        "fig13.median_s.large": _pool_median("large"),
        "fig13.q75_s.large": _pool_median("large", "q75_s"),
        "fig14.max_cold_starts": _fig14("cs"),
        "fig14.max_cold_starts_requests": _fig14("cs_requests"),
        "fig14.max_requests": _fig14("requests"),
        "fig14.max_requests_cold_starts": _fig14("requests_cs"),
    }
    return out


_MEASURES = _measures()


def _pattern(n: paper.PaperNumber) -> tuple[Measure | None, list[str]]:  # noqa: PLR0911
    base = re.sub(r"\.r[1-5]$", "", n.id)
    parts = base.split(".")
    if base in _MEASURES:
        return _MEASURES[base], parts
    head = parts[0]
    if head == "fig5" and len(parts) == 2:
        day = int(parts[1].removeprefix("peak_day"))
        return (lambda f, r, p: _cell(f, "fig05", "peaks", "day_frac", region=r, day=day)), parts
    if head == "fig7a" and parts[1] == "pods_norm":
        day = int(parts[2].removeprefix("d"))
        return (lambda f, r, p: _cell(f, "fig07", "normalised", "pods", region=r, day=day)), parts
    if head in ("fig8d", "fig8e", "fig8f") and len(parts) == 3:
        return _fig08_share, parts
    if head == "fig9":
        return _fig09, ["fig9", *parts[1:]] if len(parts) == 4 else parts
    if head == "fig12":
        return _rho, parts
    if head == "fig15":
        return _breakdown("fig15", RUNTIMES), parts
    if head == "fig16":
        return _breakdown("fig16", TRIGGERS), parts
    if head in ("fig17", "fig17a", "fig17b"):
        return _utility, parts
    return None, parts


def _fig_id(n: paper.PaperNumber) -> str | None:
    m = re.match(r"fig(\d+)", n.id)
    if not m:
        return None
    fid = f"fig{int(m.group(1)):02d}"
    return fid if fid in FIGURES else None


def measure(n: paper.PaperNumber, frames: Frames) -> Value:
    """This warehouse's value of a paper number, read off the figures' frames (None if the
    frames cannot give it)."""
    fn, parts = _pattern(n)
    if fn is None:
        return None
    region = n.region.upper() if n.region else None
    try:
        v = fn(frames, region, parts)
    except (KeyError, IndexError, ValueError, ZeroDivisionError, TypeError):
        return None
    return _num(v)


def reproducibility(frames: Frames) -> pl.DataFrame:
    """Every paper number of the figures built, beside this warehouse's value and a verdict.

    Columns: fig_id, figure, grade (FULL / PARTIAL from the public release), id, statement,
    paper (value), unit, tolerance (in words), measured, verdict (agrees / differs /
    not measured), kind (text / figure / derived / notebook), source.
    """
    rows = []
    for n in paper.numbers():
        fid = _fig_id(n) or _text_figure(n)
        if fid is None or fid not in frames:
            continue
        v = measure(n, frames)
        verdict = (
            VERDICT_NOT_MEASURED
            if v is None
            else VERDICT_AGREES
            if n.agrees(v)
            else VERDICT_DIFFERS
        )
        rows.append(
            {
                "fig_id": fid,
                "figure": FIGURES[fid].label,
                "grade": n.release,
                "id": n.id,
                "statement": n.statement,
                "paper": n.value,
                "unit": n.unit,
                "tolerance": n.describe_tolerance(),
                "measured": v,
                "verdict": verdict,
                "kind": n.kind,
                "source": n.source,
            }
        )
    schema = {
        "fig_id": pl.String,
        "figure": pl.String,
        "grade": pl.String,
        "id": pl.String,
        "statement": pl.String,
        "paper": pl.Float64,
        "unit": pl.String,
        "tolerance": pl.String,
        "measured": pl.Float64,
        "verdict": pl.String,
        "kind": pl.String,
        "source": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _text_figure(n: paper.PaperNumber) -> str | None:
    """The in-text totals are checked against Fig 1's region summary."""
    return (
        "fig01"
        if n.id
        in (
            "text.requests_total",
            "text.cold_starts_total",
            "text.cold_starts_min",
            "text.pods_min",
        )
        else None
    )


@dataclass(frozen=True)
class PaperClaim:
    """One number stated in the paper's text beside this warehouse's value (a row of
    :func:`reproducibility` whose kind is 'text' and that was measured)."""

    id: str
    source: str
    statement: str
    paper: float
    unit: str
    tolerance: str
    measured: float
    verdict: str


def comparison(table: pl.DataFrame, fig_ids: Sequence[str]) -> pl.DataFrame:
    """The rows of :func:`reproducibility` for these figures, by verdict then id."""
    if table.is_empty():
        return table
    return table.filter(pl.col("fig_id").is_in(list(fig_ids))).sort("verdict", "id")


def claims(table: pl.DataFrame, fig_ids: Sequence[str]) -> list[PaperClaim]:
    """The paper's text claims about these figures that this warehouse could measure."""
    if table.is_empty():
        return []
    part = table.filter(
        pl.col("fig_id").is_in(list(fig_ids))
        & (pl.col("kind") == "text")
        & (pl.col("verdict") != VERDICT_NOT_MEASURED)
    )
    keys = [f.name for f in fields(PaperClaim)]
    return [PaperClaim(**{k: row[k] for k in keys}) for row in part.iter_rows(named=True)]


def figure_summary(
    table: pl.DataFrame,
    built: Mapping[str, FigureFrames],
    skipped: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """One row per figure: its grade, how many paper numbers were compared and how many agree.

    ``skipped``: figure id → why it could not be built (a missing table), shown as its status.
    Columns: fig_id, figure, title, grade, status, compared, agrees, differs, not_measured.
    """
    skipped = skipped or {}
    rows = []
    for fid, spec in FIGURES.items():
        part = table.filter(pl.col("fig_id") == fid) if table.height else table
        counts = {v: int((part["verdict"] == v).sum()) if part.height else 0 for v in (
            VERDICT_AGREES, VERDICT_DIFFERS, VERDICT_NOT_MEASURED)}  # fmt: skip
        ff = built.get(fid)
        status = "built" if ff is not None and not ff.excluded else "not built"
        if fid in skipped:
            status = f"skipped: {skipped[fid]}"
        rows.append(
            {
                "fig_id": fid,
                "figure": spec.label,
                "title": spec.title,
                "grade": spec.grade,
                "status": status,
                "compared": counts[VERDICT_AGREES] + counts[VERDICT_DIFFERS],
                "agrees": counts[VERDICT_AGREES],
                "differs": counts[VERDICT_DIFFERS],
                "not_measured": counts[VERDICT_NOT_MEASURED],
            }
        )
    return pl.DataFrame(rows)


__all__ = ["PaperClaim", "claims", "comparison", "figure_summary", "measure", "reproducibility"]

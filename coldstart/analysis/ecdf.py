"""Empirical CDFs, from raw values or from log-binned counts computed in SQL.

Why two forms: per-function quantities (a few thousand values per region) are cheap to pass
raw, but per-minute cells and cold-start events run to tens of millions of rows on the real
release, so SQL bins them on a log grid (``bin = floor(log10(x) * bins_per_decade)``) and only
the counts travel. Both forms give a frame ``group…, x, cdf`` that the plots draw as steps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

#: Default number of points kept per ECDF curve; more adds nothing visible on a figure.
DEFAULT_MAX_POINTS = 2000


def ecdf_values(values: np.ndarray | pl.Series | Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted values and their ECDF, P(X ≤ x), ignoring NaN/None."""
    arr = np.asarray(pl.Series(values).drop_nulls().cast(pl.Float64).to_numpy(), dtype=float)
    arr = np.sort(arr[~np.isnan(arr)])
    n = arr.size
    if n == 0:
        return arr, arr
    return arr, np.arange(1, n + 1, dtype=float) / n


def ecdf(
    df: pl.DataFrame,
    value: str,
    by: Sequence[str] = (),
    *,
    positive_only: bool = False,
    max_points: int | None = DEFAULT_MAX_POINTS,
) -> pl.DataFrame:
    """ECDF of ``value`` per group: columns ``*by, x, cdf, n``.

    ``positive_only`` drops values ≤ 0 before computing the CDF (the paper's log-axis plots
    drop zero components, Fig 13/15 captions), so the curve reaches 1 on the axis shown.
    ``max_points`` thins each curve to evenly spaced CDF levels (always keeping the last point),
    so a curve over millions of values stays small; None keeps every value.
    """
    frames: list[pl.DataFrame] = []
    groups = df.partition_by(list(by), as_dict=True, maintain_order=True) if by else {(): df}
    for key, part in groups.items():
        col = part[value].drop_nulls().cast(pl.Float64)
        if positive_only:
            col = col.filter(col > 0)
        x, p = ecdf_values(col)
        if x.size == 0:
            continue
        if max_points is not None and x.size > max_points:
            idx = np.unique(np.linspace(0, x.size - 1, max_points).round().astype(int))
            x, p = x[idx], p[idx]
        frame = pl.DataFrame({"x": x, "cdf": p, "n": np.full(x.size, col.len(), dtype=np.int64)})
        for name, k in zip(by, key, strict=True):
            frame = frame.with_columns(pl.lit(k).alias(name))
        frames.append(frame.select(*by, "x", "cdf", "n"))
    if not frames:
        schema = {**{b: df.schema[b] for b in by}, "x": pl.Float64, "cdf": pl.Float64}
        return pl.DataFrame(schema={**schema, "n": pl.Int64})
    return pl.concat(frames, how="vertical_relaxed")


def bin_upper_edge(bin_index: pl.Expr, bins_per_decade: int) -> pl.Expr:
    """Upper edge of log bin ``b``: 10^((b+1)/k) — every value in the bin is ≤ it."""
    return pl.lit(10.0).pow((bin_index.cast(pl.Float64) + 1.0) / bins_per_decade)


def ecdf_from_bins(
    df: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    bins_per_decade: int,
    bin_col: str = "bin",
    count_col: str = "n",
) -> pl.DataFrame:
    """ECDF per group from log-binned counts: columns ``*by, x, cdf, n``.

    ``x`` is each bin's upper edge, so ``cdf`` is exactly the share of values ≤ x; between
    edges the curve is accurate to one bin (10^(1/k), e.g. 6 % for k = 40).
    """
    if df.height == 0:
        schema = {b: df.schema[b] for b in by}
        return pl.DataFrame(schema={**schema, "x": pl.Float64, "cdf": pl.Float64, "n": pl.Int64})
    keys = list(by)

    def per_group(expr: pl.Expr) -> pl.Expr:
        return expr.over(keys) if keys else expr

    out = (
        df.group_by([*keys, bin_col])
        .agg(pl.col(count_col).sum())
        .sort([*keys, bin_col], nulls_last=False)
        .with_columns(
            bin_upper_edge(pl.col(bin_col), bins_per_decade).alias("x"),
            per_group(pl.col(count_col).sum()).alias("_total"),
            per_group(pl.col(count_col).cum_sum()).alias("_cum"),
        )
        .with_columns(
            (pl.col("_cum") / pl.col("_total")).alias("cdf"),
            pl.col("_total").cast(pl.Int64).alias("n"),
        )
    )
    # Rows with a NULL bin (values ≤ 0) sort first: they count in every CDF level but have no
    # place on a log axis, so they are dropped only after the cumulative sum.
    return out.filter(pl.col("x").is_not_null()).select(*keys, "x", "cdf", "n")


def cdf_at(curve: pl.DataFrame, x: float) -> float:
    """Value of a step ECDF (columns x, cdf, sorted by x) at ``x``: share of values ≤ x."""
    xs = curve["x"].to_numpy()
    ps = curve["cdf"].to_numpy()
    i = int(np.searchsorted(xs, x, side="right"))
    return 0.0 if i == 0 else float(ps[i - 1])


def quantile_from_curve(curve: pl.DataFrame, q: float) -> float:
    """Smallest x with cdf ≥ q on a step ECDF (the inverse of :func:`cdf_at`)."""
    ps = curve["cdf"].to_numpy()
    i = int(np.searchsorted(ps, q - 1e-12, side="left"))
    i = min(i, len(ps) - 1)
    return float(curve["x"][i])


def ecdf_from_histogram(
    df: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    bin_col: str = "bin",
    count_col: str = "n",
    max_col: str = "max_s",
) -> pl.DataFrame:
    """ECDF per group from a histogram that keeps each bin's largest value: ``*by, x, cdf, n``.

    ``x`` is the bin's largest value, so ``cdf`` is exactly the share of values ≤ x — the
    ECDF of the raw values at those points (at every value, where a bin holds one distinct
    value). Bins of several groups merge (e.g. the pooled curve over regions); the row with
    a NULL bin (values ≤ 0) counts in every level but is not drawn.
    """
    keys = list(by)
    if df.height == 0:
        schema = {b: df.schema[b] for b in by}
        return pl.DataFrame(schema={**schema, "x": pl.Float64, "cdf": pl.Float64, "n": pl.Int64})

    def per_group(expr: pl.Expr) -> pl.Expr:
        return expr.over(keys) if keys else expr

    out = (
        df.group_by([*keys, bin_col])
        .agg(pl.col(count_col).sum(), pl.col(max_col).max().alias("x"))
        .sort([*keys, bin_col], nulls_last=False)
        .with_columns(
            per_group(pl.col(count_col).sum()).alias("_total"),
            per_group(pl.col(count_col).cum_sum()).alias("_cum"),
        )
        .with_columns(
            (pl.col("_cum") / pl.col("_total")).alias("cdf"),
            pl.col("_total").cast(pl.Int64).alias("n"),
        )
    )
    return out.filter(pl.col(bin_col).is_not_null()).select(
        *keys, pl.col("x").cast(pl.Float64), "cdf", "n"
    )

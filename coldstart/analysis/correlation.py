"""Spearman correlation matrices with p-values (Fig 12).

Per region, the paper bins cold starts by minute, takes per minute the mean of each cost column
(all functions pooled, zeros kept) and the count, and runs ``scipy.stats.spearmanr`` over the
minutes that have events, marking p < ``alpha`` (0.05) with an asterisk.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

DEFAULT_ALPHA = 0.05


def spearman_matrix(df: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """Long matrix ``var_x, var_y, rho, p_value, n`` over the rows of ``df`` (all pairs).

    Rows with a NULL in any of ``columns`` are dropped first. A constant column has no rank
    correlation: its cells are NaN (scipy would warn and return NaN too).
    """
    from scipy import stats

    cols = list(columns)
    data = df.select(cols).drop_nulls().cast(pl.Float64).to_numpy()
    n = data.shape[0]
    k = len(cols)
    rho = np.full((k, k), np.nan)
    pval = np.full((k, k), np.nan)
    if n >= 3:
        varying = np.array([np.nanstd(data[:, i]) > 0 for i in range(k)])
        for i in range(k):
            for j in range(k):
                if not (varying[i] and varying[j]):
                    continue
                if i == j:
                    rho[i, j], pval[i, j] = 1.0, 0.0
                    continue
                if j < i:
                    rho[i, j], pval[i, j] = rho[j, i], pval[j, i]
                    continue
                res = stats.spearmanr(data[:, i], data[:, j])
                rho[i, j], pval[i, j] = float(res.statistic), float(res.pvalue)
    return pl.DataFrame(
        {
            "var_x": [cols[i] for i in range(k) for _ in range(k)],
            "var_y": [cols[j] for _ in range(k) for j in range(k)],
            "rho": rho.ravel(),
            "p_value": pval.ravel(),
            "n": np.full(k * k, n, dtype=np.int64),
        }
    )


def spearman_by_group(
    df: pl.DataFrame, columns: Sequence[str], *, by: str = "region"
) -> pl.DataFrame:
    """:func:`spearman_matrix` per value of ``by``: ``by, var_x, var_y, rho, p_value, n``."""
    parts = [
        spearman_matrix(part, columns).with_columns(pl.lit(key[0]).alias(by))
        for key, part in sorted(df.partition_by(by, as_dict=True).items())
    ]
    if not parts:
        return pl.DataFrame(
            schema={
                by: pl.String,
                "var_x": pl.String,
                "var_y": pl.String,
                "rho": pl.Float64,
                "p_value": pl.Float64,
                "n": pl.Int64,
            }
        )
    return pl.concat(parts).select(by, "var_x", "var_y", "rho", "p_value", "n")

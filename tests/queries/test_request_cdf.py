"""`requests_cdf` on the synthetic `tiny` trace against NumPy's quantiles of the Parquet files.

NumPy's default (linear) quantile is what the authors' Dask example computes after reading
every request; the values are read with polars straight from the warehouse files. The query
sorts only the buckets of its monotone key that hold a wanted rank, so values made to crowd one
bucket, cross zero, tie and span 600 orders of magnitude check that it still finds the exact
order statistics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from coldstart.query import Session

from .conftest import DAY30, write_warehouse


@pytest.mark.parametrize("region", [None, "R2"])
def test_requests_cdf_equals_numpy(tiny: Session, tiny_warehouse: Path, region: str | None) -> None:
    frame = pl.read_parquet(
        tiny_warehouse / "requests" / "**" / "*.parquet", hive_partitioning=True
    )
    if region is not None:
        frame = frame.filter(pl.col("region") == region)
    values = frame["totalCost_worker"].drop_nulls().to_numpy()
    assert len(values) > 1000
    probs = np.arange(1, 200) / 200
    got = tiny.query("requests_cdf", region=region, steps=200)
    assert got["p"].to_list() == probs.tolist()
    np.testing.assert_allclose(got["x"].to_numpy(), np.quantile(values, probs), rtol=1e-12)
    assert set(got["n"]) == {len(values)}
    assert got["min"][0] == values.min() and got["max"][0] == values.max()
    assert got["mean"][0] == pytest.approx(values.mean(), rel=1e-12)


def awkward_values() -> np.ndarray:
    """Values that stress the bucket key: ties, a crowded bucket, both signs, ±0, huge ranges."""
    rng = np.random.default_rng(7)
    return np.concatenate(
        [
            rng.lognormal(0.0, 2.5, 3000),  # heavy tail, like execution times
            1.0 + np.arange(2000) * 1e-12,  # 2,000 distinct values inside one bucket
            np.repeat([0.25, 3.0], 700),  # ties across many ranks
            [0.0, -0.0, 0.0],
            -rng.lognormal(0.0, 1.0, 300),  # negatives: the mirrored key
            [1e-300, 5e-324, 1e300, -1e300],  # the ends of the double range
        ]
    )


@pytest.mark.parametrize("steps", [1000, 3, 2])
def test_requests_cdf_is_exact_on_awkward_values(tmp_path: Path, steps: int) -> None:
    values = awkward_values()
    rng = np.random.default_rng(1)
    rng.shuffle(values)
    rows = [
        {"region": "R2", "time_worker": DAY30 + i * 0.01, "totalCost_worker": float(v)}
        for i, v in enumerate(values)
    ]
    rows.append({"region": "R2", "time_worker": DAY30, "totalCost_worker": None})
    with Session(write_warehouse(tmp_path / "wh", requests=rows)) as s:
        got = s.query("requests_cdf", steps=steps)
    probs = np.arange(1, steps) / steps
    assert got["p"].to_list() == probs.tolist()
    # The order statistics are the sorted values themselves: equal to the last bit wherever
    # NumPy's interpolation has nothing to interpolate.
    want = np.quantile(values, probs)
    np.testing.assert_allclose(got["x"].to_numpy(), want, rtol=1e-15, atol=0)
    ordered = np.sort(values)
    h = (len(values) - 1) * probs
    exact = h == np.floor(h)
    assert got["x"].to_numpy()[exact].tolist() == ordered[h[exact].astype(int)].tolist()
    assert set(got["n"]) == {len(values)}
    assert got["min"][0] == -1e300 and got["max"][0] == 1e300

"""`requests_cdf` on the synthetic `tiny` trace against NumPy's quantiles of the Parquet files.

NumPy's default (linear) quantile is what the authors' Dask example computes after reading
every request; the values are read with polars straight from the warehouse files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from coldstart.query import Session


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

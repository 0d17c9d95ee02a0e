"""Sparse reading of the per-minute files (coldstart.ingest.wide_cells): the cells it returns
are the non-empty cells a dense parse finds, it refuses every shape it does not handle (so the
validating reader takes those), and the warehouse is the same either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _ingest_fixtures import write_tree
from test_ingest_fastpaths import _random_tree, assert_same_series_tables

from coldstart.ingest import ingest, wide_cells


def _dense_cells(body: bytes, n_cols: int) -> list[tuple[int, int, float]]:
    """Independent answer: the csv module's cells, every non-empty one."""
    import csv
    import io

    out = []
    for r, row in enumerate(csv.reader(io.StringIO(body.decode()))):
        assert len(row) == n_cols
        out += [(r, c, float(v)) for c, v in enumerate(row) if v != ""]
    return out


def _cells(body: bytes, n_cols: int) -> list[tuple[int, int, float]] | None:
    got = wide_cells.read_cells(body, n_cols)
    if got is None:
        return None
    assert got.n_rows == body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    return list(zip(got.rows.tolist(), got.cols.tolist(), got.values.tolist(), strict=True))


def test_hand_made_file() -> None:
    body = b"0,0,1.5,,\n0,60,,2,-0.25\n0,120,,,\n0,180,1e3,0,\n"
    assert _cells(body, 5) == [
        (0, 0, 0.0), (0, 1, 0.0), (0, 2, 1.5),
        (1, 0, 0.0), (1, 1, 60.0), (1, 3, 2.0), (1, 4, -0.25),
        (2, 0, 0.0), (2, 1, 120.0),
        (3, 0, 0.0), (3, 1, 180.0), (3, 2, 1000.0), (3, 3, 0.0),
    ]  # fmt: skip


def test_last_line_without_newline_and_empty_body() -> None:
    # A file cut short (no final newline) is declined: the validating reader names its line.
    assert wide_cells.read_cells(b"0,0,1\n0,60,2", 3) is None
    empty = wide_cells.read_cells(b"", 3)
    assert empty is not None
    assert empty.n_rows == 0


def test_nan_and_inf_written_as_text_are_values_here() -> None:
    got = wide_cells.read_cells(b"0,0,NaN,inf\n", 4)
    assert got is not None
    assert np.isnan(got.values[2])
    assert got.values[3] == np.inf


@pytest.mark.parametrize(
    "body",
    [
        b'0,0,"1"\n',  # quoted
        b"0,0,1\r\n",  # CR
        b"0,0,1\n0,60\n",  # short line
        b"0,0,1\n0,60,1,2\n",  # long line
        b"0,0,1\n\n0,60,1\n",  # blank line
        b"0,0,1,2\n0,60\n",  # a long and a short line: the comma total is right, the lines not
        b"0,0,abc\n",  # not a number
        b"0,0, \n",  # a blank value
    ],
)
def test_refuses_what_it_does_not_handle(body: bytes) -> None:
    assert wide_cells.read_cells(body, 3) is None


@pytest.mark.parametrize("seed", [1, 2, 5, 7])
def test_random_files_match_the_csv_module(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 60)), int(rng.integers(3, 40))
    vals = rng.normal(size=(n_rows, n_cols)).round(int(rng.integers(0, 7)))
    empty = rng.random(vals.shape) < rng.random()
    empty[:, :2] = False
    lines = [
        ",".join("" if e else repr(float(v)) for v, e in zip(row, erow, strict=True))
        for row, erow in zip(vals, empty, strict=True)
    ]
    body = ("\n".join(lines) + "\n").encode()
    assert _cells(body, n_cols) == _dense_cells(body, n_cols)


@pytest.mark.parametrize(("seed", "repeat"), [(1, False), (2, False), (3, True), (6, False)])
def test_warehouse_is_the_same_through_the_validating_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, repeat: bool
) -> None:
    src = write_tree(tmp_path / "src", _random_tree(seed, repeat))
    sparse = ingest([src], warehouse=tmp_path / "sparse")
    monkeypatch.setattr(wide_cells, "read_cells", lambda body, n: None)
    dense = ingest([src], warehouse=tmp_path / "dense")
    assert_same_series_tables(tmp_path / "sparse", tmp_path / "dense", ties_free=repeat)
    assert sparse.quality.rows.equals(dense.quality.rows)


def test_counters_are_the_same_through_the_validating_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    src = write_tree(tmp_path / "src", _random_tree(4))

    def sources(wh: Path) -> dict:
        m = json.loads((wh / "_manifest.json").read_text())
        return {
            k: (v["rows_read"], v["rows_written"], v["bad_rows"], v["counters"])
            for k, v in m["sources"].items()
        }

    ingest([src], warehouse=tmp_path / "sparse")
    monkeypatch.setattr(wide_cells, "read_cells", lambda body, n: None)
    ingest([src], warehouse=tmp_path / "dense")
    assert sources(tmp_path / "sparse") == sources(tmp_path / "dense")

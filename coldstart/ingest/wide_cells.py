"""The non-empty cells of a wide, mostly empty numeric CSV, without parsing the empty ones.

A per-minute file of the release has a column per funcID (1,000–2,400) and a row per minute,
and most cells are empty: a function is idle in most minutes (Region 2 of the synthetic
`medium` trace: 1.4 M cells, 120 k of them with a value, 1.6 bytes per cell). A CSV parser
pays for every cell; the dense matrix it returns is then searched for the few values. Here
NumPy finds the delimiters, keeps the cells that have text, and polars parses only those, as
one column: 2.5–2.7× less CPU for the same cells (measured on `medium` R2/R4 files, ~8 %
filled; still 1.5× at 30 % filled).

Only the plain shape is taken: no quotes, no CR, every line with exactly the header's number of
fields, every value a number. Anything else returns None and the caller uses the validating
reader (:mod:`coldstart.ingest.csvread`), which names the file, line and column of a problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

_COMMA, _NEWLINE, _QUOTE, _CR = (ord(c) for c in ',\n"\r')

# Whole-file reads only up to this size (the release's widest files are 16.5 MB): the file and
# its index arrays take ~12 bytes per byte of CSV (measured: +145 MB for an 11.7 MB file of
# 2,420 columns, 30 % filled; one file per worker); larger files go the block-wise way.
MAX_BYTES = 24 << 20


@dataclass(frozen=True)
class Cells:
    """Cells with a value, in row-major order: row (0-based data line), column, value."""

    n_rows: int
    rows: np.ndarray  # int64
    cols: np.ndarray  # int64
    values: np.ndarray  # float64; NaN written as text is kept here (the caller drops it)


def read_cells(body: bytes, n_cols: int) -> Cells | None:
    """The non-empty cells of ``body`` (data lines after the header), or None if not plain."""
    if not body:
        return Cells(0, *(np.empty(0, np.int64),) * 2, np.empty(0))
    if not body.endswith(b"\n"):
        body += b"\n"
    a = np.frombuffer(body, dtype=np.uint8)
    found = _delimiters(a, n_cols)
    if found is None:
        return None
    is_delim, delims = found
    n_cells = len(delims)
    starts = np.empty(n_cells, dtype=np.int64)
    starts[0] = 0
    starts[1:] = delims[:-1] + 1
    filled = np.flatnonzero(delims > starts)  # cells with text, row-major
    # The bytes of the filled cells, each ended by a newline: a one-column CSV.
    keep = ~is_delim
    keep[delims[filled]] = True
    text = a[keep]
    text[is_delim[keep]] = _NEWLINE  # fancy indexing above made a copy: safe to write
    try:
        values = pl.read_csv(
            text.tobytes(),
            has_header=False,
            new_columns=["v"],
            schema={"v": pl.Float64},
            raise_if_empty=False,
        )["v"]
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return None  # a value that is not a number: the validating reader names it
    if values.len() != len(filled) or values.null_count():
        return None
    return Cells(
        n_rows=n_cells // n_cols,
        rows=filled // n_cols,
        cols=filled % n_cols,
        values=values.to_numpy(),
    )


def _delimiters(a: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(delimiter mask, delimiter positions) if every line has exactly ``n_cols`` plain fields."""
    if np.count_nonzero((a == _QUOTE) | (a == _CR)):
        return None
    is_delim = (a == _COMMA) | (a == _NEWLINE)
    delims = np.flatnonzero(is_delim)  # one per cell: the byte that ends it
    ends_line = a[delims] == _NEWLINE
    # the newlines must be exactly every n_cols-th delimiter
    if (
        len(delims) % n_cols
        or np.count_nonzero(ends_line) * n_cols != len(delims)
        or not ends_line[n_cols - 1 :: n_cols].all()
    ):
        return None
    return is_delim, delims

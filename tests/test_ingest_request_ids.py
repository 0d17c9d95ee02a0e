"""requestID hex → 32 raw bytes outside polars (coldstart.ingest.request_ids), against the
standard library's bytes.fromhex, and its refusals (which send a block the validating way)."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pytest

from coldstart.ingest import request_ids
from coldstart.ingest.request_ids import REQUEST_ID_TYPE

HASHES = [
    "afb7920f189debdf5824b3a97793ead030a3f05e9ad4d5fc1bffb362ab25be56",
    "0" * 64,
    "F" * 64,  # upper case: still hex (the release writes lower case)
    "1ddfc9478d82ee6ca9b96dc689b1b98419b50bc1b78552d00ba8f7919f3fc166",
]


def test_decodes_to_the_raw_bytes() -> None:
    got = request_ids.decode(pl.Series(HASHES))
    assert got is not None
    assert got.type == REQUEST_ID_TYPE
    assert got.to_pylist() == [bytes.fromhex(h) for h in HASHES]


def test_a_slice_decodes_its_own_rows() -> None:
    s = pl.concat([pl.Series(HASHES), pl.Series(HASHES[::-1])], rechunk=False).slice(2, 4)
    got = request_ids.decode(s)
    assert got is not None
    assert got.to_pylist() == [bytes.fromhex(h) for h in (HASHES[2:] + HASHES[::-1][:2])]


def test_empty_column() -> None:
    got = request_ids.decode(pl.Series([], dtype=pl.String))
    assert got is not None
    assert len(got) == 0


@pytest.mark.parametrize(
    "bad",
    [
        None,  # a NULL: allowed in the warehouse, but decoded the general way
        "a" * 63,  # short
        "a" * 65,  # long
        "g" * 64,  # not hex
        " " + "a" * 63,  # whitespace counts as a character
        "é" + "a" * 62,  # two bytes in UTF-8: 64 bytes, but not hex
    ],
)
def test_anything_else_is_refused(bad: str | None) -> None:
    assert request_ids.decode(pl.Series([HASHES[0], bad, HASHES[1]])) is None


def test_result_writes_as_fixed_len_byte_array(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    got = request_ids.decode(pl.Series(HASHES))
    pq.write_table(pa.table({"requestID": got}), tmp_path / "r.parquet")
    col = pq.ParquetFile(tmp_path / "r.parquet").schema.column(0)
    assert col.physical_type == "FIXED_LEN_BYTE_ARRAY"
    assert col.length == 32

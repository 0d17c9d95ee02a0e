"""Writing Parquet files with exactly the warehouse schema.

pyarrow's ParquetWriter rather than polars' writer because the schema needs a
FIXED_LEN_BYTE_ARRAY column (requestID) and per-column dictionary settings, and because it
appends row groups block by block, so a file of any size is written in bounded memory.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from coldstart import warehouse
from coldstart.ingest.request_ids import REQUEST_ID_TYPE
from coldstart.warehouse import Table


def to_arrow(
    frame: pl.DataFrame, table: Table, request_ids: pa.FixedSizeBinaryArray | None = None
) -> pa.Table:
    """The frame's table columns, cast to the table's exact Arrow schema (extra columns dropped).

    ``request_ids``, if given, replaces the frame's requestID column (already decoded, see
    :mod:`coldstart.ingest.request_ids`).
    """
    schema = table.arrow_schema()
    arrays = []
    for f in schema:
        if request_ids is not None and f.type == REQUEST_ID_TYPE:
            arrays.append(request_ids)
            continue
        # Column by column: no polars query per write, and helper columns are never converted.
        col = frame.get_column(f.name).to_arrow()
        if f.type == REQUEST_ID_TYPE and col.type != REQUEST_ID_TYPE:
            col = col.cast(pa.binary()).cast(REQUEST_ID_TYPE)
        elif col.type != f.type:
            col = col.cast(f.type)
        arrays.append(col)
    return pa.Table.from_arrays(arrays, schema=schema)


# Columns whose values (almost) never repeat within their table, beyond the request hashes:
# a cold start starts a new pod, so a podID occurs once in cold_starts (but on every request of
# its pod in requests). A dictionary there is built, overflows and is dropped: writing them
# plain is ~6 % faster for the cold-start table and 2.5 % smaller.
_UNIQUE_COLUMNS = {("cold_starts", "podID")}


def _dictionary_columns(table: Table) -> list[str]:
    # Random hashes never repeat enough for a dictionary to pay (see warehouse.ENCODING_NOTES).
    # Nor do measured floats (times, costs, statistics): without a dictionary they write ~30%
    # faster and smaller. Counts (small whole numbers) keep theirs.
    return [
        c.name
        for c in table.columns
        if c.type != warehouse.REQUEST_ID
        and (c.type != warehouse.F64 or table.name == "counts")
        and (table.name, c.name) not in _UNIQUE_COLUMNS
    ]


class PartWriter:
    """Append blocks to one Parquet file; creates it (and its folder) on the first block."""

    def __init__(self, path: Path, table: Table) -> None:
        self.path = path
        self.table = table
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(
        self, frame: pl.DataFrame, request_ids: pa.FixedSizeBinaryArray | None = None
    ) -> None:
        self.write_arrow(to_arrow(frame, self.table, request_ids))

    def write_arrow(self, data: pa.Table) -> None:
        """Append an Arrow table that already has the table's exact schema."""
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(
                self.path,
                self.table.arrow_schema(),
                compression=self.table.compression,
                use_dictionary=_dictionary_columns(self.table),
                write_statistics=True,
            )
        self._writer.write_table(data)
        self.rows += data.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def write_frame(path: Path, frame: pl.DataFrame, table: Table) -> int:
    """Write a whole frame as one Parquet file; returns the row count."""
    writer = PartWriter(path, table)
    try:
        writer.write(frame)
    finally:
        writer.close()
    return writer.rows

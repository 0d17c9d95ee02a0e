"""The function table's values that the long tables carry: cpu_request and, for the cold
starts, the function's runtime and trigger groups (warehouse version 6).

Both come from the function table the warehouse holds *after* the ingest that writes them
(the one staged now, else the published one), so they can go stale only when the function
table changes later. The cold starts never do: every ingest that changes the function table
rewrites that region's cold-start files (:mod:`coldstart.ingest.cold_starts`), attributing each
row again with :func:`attribute_cold_starts` — a region's cold starts are a few files, read and
written in a few seconds. The per-request rows are far more (tens of GB in the release), so
they keep the cpu_request they were ingested with, and :func:`requests_note` tells the user
which sources to re-ingest when a new table would give them other values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from coldstart import derive
from coldstart.warehouse import FUNCTION_GROUP_COLUMNS, TABLES

# The columns attribute_cold_starts (re)computes, in the cold-start schema's order.
ATTRIBUTE_COLUMNS: tuple[str, ...] = ("cpu_request", *FUNCTION_GROUP_COLUMNS)
_FROM_TABLE = "__fn_cpu_request"
_READ = ["funcID", "cpu_request", *FUNCTION_GROUP_COLUMNS]

# What the loaders stage for the cold starts: the table without the function groups, which the
# publish adds (coldstart.ingest.cold_starts).
STAGED_COLD_STARTS = dataclasses.replace(
    TABLES["cold_starts"],
    columns=tuple(c for c in TABLES["cold_starts"].columns if c.name not in FUNCTION_GROUP_COLUMNS),
)


@dataclass(frozen=True)
class FunctionAttributes:
    """One row per funcID of a function table: funcID, cpu_request (Int32, NULL if the table
    has none), runtime, runtime_group, trigger_group."""

    frame: pl.DataFrame

    @classmethod
    def read(cls, files: list[Path]) -> FunctionAttributes | None:
        """The attributes in ``files`` (a function table's Parquet files); None if none."""
        if not files:
            return None
        # One row per funcID (the loader refuses a funcID listed twice with different values),
        # so a join by funcID can never multiply rows. A NULL cpu_request stays: the lookup
        # then falls back to the published limit→request map, as for an unlisted funcID.
        frame = (
            pl.concat([pl.read_parquet(f, columns=_READ) for f in files])
            .filter(pl.col("funcID").is_not_null())
            .unique("funcID", keep="last", maintain_order=True)
        )
        return cls(frame)

    @property
    def requests(self) -> pl.DataFrame:
        """funcID → cpu_request where the table gives one (what the loaders join)."""
        return self.frame.select("funcID", "cpu_request").drop_nulls()

    def same_requests(self, other: FunctionAttributes | None) -> bool:
        """Whether ``other`` gives every funcID the same cpu_request as this table."""
        if other is None:
            return self.requests.is_empty()
        mine, theirs = (t.requests.sort("funcID") for t in (self, other))
        return mine.equals(theirs)


def attribute_cold_starts(batch: pa.Table, functions: FunctionAttributes | None) -> pa.Table:
    """``batch`` (cold-start rows, with or without the attribute columns) in the exact
    cold-start schema, its :data:`ATTRIBUTE_COLUMNS` computed from ``functions`` (None: the
    region has no function table, so the groups are NULL and cpu_request is the limit map's)."""
    keys = pl.from_arrow(batch.select(["funcID", "cpu_limit"]))
    assert isinstance(keys, pl.DataFrame)
    if functions is None:
        values = keys.select(
            derive.cpu_request_from_limit(),
            *(pl.lit(None, pl.String).alias(c) for c in FUNCTION_GROUP_COLUMNS),
        )
    else:
        table = functions.frame.rename({"cpu_request": _FROM_TABLE})
        values = keys.join(table, on="funcID", how="left", maintain_order="left").select(
            derive.cpu_request_or_limit(_FROM_TABLE), *FUNCTION_GROUP_COLUMNS
        )
    schema = TABLES["cold_starts"].arrow_schema()
    arrays = [
        values.get_column(f.name).to_arrow().cast(f.type)
        if f.name in ATTRIBUTE_COLUMNS
        else batch.column(f.name).cast(f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def requests_note(region: str, sources: int) -> str:
    """What the ingest says when a changed function table leaves ``sources`` per-request
    sources of ``region`` with the cpu_request of the table they were ingested with."""
    return (
        f"the function table gives other cpu_request values than the one {sources:,} "
        f"per-request source{'s' if sources != 1 else ''} of {region} in the warehouse "
        "were ingested with; they keep theirs (the cold starts were updated): re-ingest them "
        "with `coldstart ingest --force` to take this table's"
    )

"""Small per-request part files loaded together and written to one shared Parquet part.

The release splits each region's requests into 200 part files, all of one day, so all of them
land in one partition. Whatever its size, a source file costs ≈ 4.5 ms of fixed work (three
polars queries, a Parquet writer's set-up, first row group and close, a new file): nothing for
the release's parts, but a third of the CPU on the synthetic trace's (0.5–2.4 MB) or on a
sample's. A *pack* is several small sources of one table and region taken as one: one parse,
one derive, one group-by for the quality counts of every source, and one Parquet part per day,
which its sources share.

The manifest still has one entry per source: its outputs and, for a shared part, its rows there
(``part_rows``: [start, stop) row indexes). Re-ingesting some sources of a pack rewrites the
shared part without their rows (:func:`carry_over`), so the pack's other sources need not be
read again — nor even still exist.

Only the plain case is packed. If any file of a pack is not plain (blank lines, a field count
off, a value polars refuses or the release forbids), its sources are loaded one by one by
:func:`coldstart.ingest.loaders.load_long`, which names the file, line and value, or skips and
counts the rows — the same errors and counts as without packs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from coldstart.errors import InputError
from coldstart.ingest.csvread import BLOCK_BYTES, parse_plain, read_header
from coldstart.ingest.loaders import (
    EXPECTED_COLUMNS,
    ONE_DAY,
    READ_SCHEMAS,
    SOURCE_COL,
    LoadContext,
    SourceResult,
    derive_sources,
)
from coldstart.ingest.parts import PartWriter
from coldstart.ingest.sources import Source, content_of
from coldstart.warehouse import TABLES, partition_dir

# Tables whose sources are packed: requests come as many parts of one day (one partition);
# a cold-start file is a day of its own, so packing them would save no Parquet file.
PACKED_TABLES = ("requests",)
# A source this small or smaller may join a pack; a pack holds at most PACK_BYTES of CSV (read
# whole, like one block of a big file). Bigger packs amortise no more: ≈ 16 sources of the
# synthetic trace already bring the fixed cost per source below 0.5 ms.
PACK_SOURCE_BYTES = BLOCK_BYTES // 4
PACK_BYTES = BLOCK_BYTES // 2

HeaderCheck = Callable[[Source, list[str]], object]


class Candidate(NamedTuple):
    """A source that may join a pack: its table, itself and its manifest key."""

    table: str
    source: Source
    key: str


class Member(NamedTuple):
    """A source in a pack, with its manifest key."""

    source: Source
    key: str


@dataclass(frozen=True)
class Pack:
    """Sources of one table and region, loaded and written together (in key order)."""

    table: str
    region: str
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return sum(m.source.size for m in self.members)

    @property
    def file_name(self) -> str:
        """Deterministic from the member keys: the same pack re-ingested replaces its part."""
        keys = "\n".join(m.key for m in self.members)
        return f"pack-{hashlib.sha1(keys.encode()).hexdigest()[:16]}.parquet"


def form_packs(candidates: Iterable[tuple[str, Source, str]]) -> tuple[list[Pack], list[Candidate]]:
    """Group candidates into packs; returns the packs and what stays on its own.

    Only sources of a packed table up to PACK_SOURCE_BYTES are packed, region by region in
    key order, up to PACK_BYTES per pack. A pack of one would gain nothing: it stays alone.
    """
    groups: dict[tuple[str, str], list[Member]] = {}
    alone: list[Candidate] = []
    for c in map(Candidate._make, candidates):
        if c.table in PACKED_TABLES and c.source.region and c.source.size <= PACK_SOURCE_BYTES:
            groups.setdefault((c.table, c.source.region), []).append(Member(c.source, c.key))
        else:
            alone.append(c)
    packs: list[Pack] = []
    for (table, region), members in sorted(groups.items()):
        members.sort(key=lambda m: m.key)
        current: list[Member] = []
        size = 0
        for m in [*members, None]:
            if m is None or (current and size + m.source.size > PACK_BYTES):
                if len(current) == 1:
                    alone.append(Candidate(table, *current[0]))
                elif current:
                    packs.append(Pack(table, region, tuple(current)))
                current, size = [], 0
            if m is not None:
                current.append(m)
                size += m.source.size
    return packs, alone


def load_pack(pack: Pack, ctx: LoadContext, check_header: HeaderCheck) -> list[SourceResult] | None:
    """Load the pack's sources into one staged part per day; None if one of them is not plain
    (the caller then loads them one by one). ``check_header`` raises for a wrong header."""
    table = pack.table
    columns = list(EXPECTED_COLUMNS[table])
    results = [SourceResult(source=m.source, table=table, key=m.key) for m in pack.members]
    bodies: list[bytes] = []
    owners: list[int] = []
    lines: list[int] = []
    for i, (source, _key) in enumerate(pack.members):
        with source.open() as fh:
            header = read_header(fh, source.display)
            if not header:
                continue
            check_header(source, header)
            body = fh.read(PACK_SOURCE_BYTES + 1)
            if len(body) > PACK_SOURCE_BYTES:  # it grew since it was listed: not small
                return None
            results[i].content = content_of(fh, source)
        if not body:
            continue
        if not body.endswith(b"\n"):
            return None  # cut short: load_long names (or skips and counts) its last line
        n = int(np.count_nonzero(np.frombuffer(body, dtype=np.uint8) == ord("\n")))
        bodies.append(body)
        owners.append(i)
        lines.append(n)
        results[i].rows_read = n
    if not bodies:
        return results
    raw = parse_plain(b"".join(bodies), sum(lines), columns, READ_SCHEMAS[table])
    if raw is None:
        return None
    raw = raw.with_columns(
        pl.Series(SOURCE_COL, np.repeat(np.array(owners, dtype=np.int32), lines))
    )
    fn_requests = ctx.function_requests if pack.region == ctx.function_region else None
    derived = derive_sources(raw, table, fn_requests, ctx)
    if derived is None:
        return None
    block, counts, rids = derived
    days = {c.pop(ONE_DAY) for c in counts.values()}
    for i, c in counts.items():
        for name, n in c.items():
            results[i].count(name, n or 0)
    if len(days) == 1 and None not in days:
        parts = [(days.pop(), block)]
    else:  # rows of several days: each day has its own part, shared by the sources it holds
        if rids is not None:
            block = block.with_columns(pl.Series("requestID", rids))
            rids = None
        parts = [(d, p) for (d,), p in block.partition_by("day", as_dict=True).items()]
    for day, part in parts:
        rel = partition_dir(Path(), table, region=pack.region, day=day) / pack.file_name
        writer = PartWriter(ctx.staging / rel, TABLES[table])
        try:
            writer.write(part, request_ids=rids)
        finally:
            writer.close()
        # Rows keep their source order (partition_by keeps order), so each source's rows in
        # the part are one contiguous range.
        src, n_rows = np.unique(part.get_column(SOURCE_COL).to_numpy(), return_counts=True)
        start = 0
        for i, n in zip(src.tolist(), n_rows.tolist(), strict=True):
            r = results[i]
            r.outputs.append(rel.as_posix())
            r.part_rows[rel.as_posix()] = [start, start + n]
            r.rows_by_day[int(day)] = n
            r.rows_written += n
            start += n
    return results


def carry_over(
    published: Path, staged: Path, table: str, kept: dict[str, list[int]]
) -> dict[str, list[int]]:
    """Stage ``published`` (a shared part) with only the rows of the sources in ``kept``
    (key → [start, stop)); returns their new ranges. For re-ingesting some sources of a pack
    without reading the others again."""
    old = pq.ParquetFile(published).read()  # not pq.read_table: no hive columns from the path
    for key, (start, stop) in kept.items():
        if not 0 <= start <= stop <= old.num_rows:
            raise InputError(
                f"{published}: the manifest places {key} at rows {start}–{stop} of this file, "
                f"which has {old.num_rows}: the warehouse was changed outside coldstart; "
                "rebuild it with --force"
            )
    ranges: dict[str, list[int]] = {}
    pieces: list[pa.Table] = []
    at = 0
    for key, (start, stop) in sorted(kept.items(), key=lambda kv: kv[1][0]):
        pieces.append(old.slice(start, stop - start))
        ranges[key] = [at, at + stop - start]
        at += stop - start
    writer = PartWriter(staged, TABLES[table])
    try:
        writer.write_arrow(pa.concat_tables(pieces).cast(TABLES[table].arrow_schema()))
    finally:
        writer.close()
    return ranges

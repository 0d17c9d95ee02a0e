"""Loaders for the long tables (cold starts, requests) and the function table.

Each loader streams one source through :mod:`coldstart.ingest.csvread`, adds the derived
columns of :mod:`coldstart.derive`, counts what the quality summary reports, and appends the
rows to one staged Parquet file per partition.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow as pa

from coldstart import derive, release
from coldstart.errors import BadRowError, InputError
from coldstart.ingest import request_ids
from coldstart.ingest.attributes import STAGED_COLD_STARTS
from coldstart.ingest.csvread import LINE_COL, ReadStats, iter_blocks
from coldstart.ingest.messages import shown
from coldstart.ingest.parts import PartWriter, write_frame
from coldstart.ingest.results import LoadContext, SourceResult
from coldstart.ingest.sources import Source, content_of
from coldstart.warehouse import TABLES, partition_dir

COMPONENT_TOLERANCE_S = 1e-6
TIME_COLUMNS = {"cold_starts": "time", "requests": "time_worker"}  # a long table's row time
SOURCE_COL = "__source"  # a row's source within a pack (coldstart.ingest.packs)


def part_name(key: str) -> str:
    """Deterministic file name for a source's part: re-ingesting a source replaces its file."""
    return f"part-{hashlib.sha1(key.encode()).hexdigest()[:16]}.parquet"


_I = pl.Int64
_F = pl.Float64
_S = pl.String

READ_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "cold_starts": {
        "day": pl.Int16,
        "time": _F,
        "clusterName": pl.Int8,
        "funcName": _I,
        "userID": _I,
        "requestID": _S,
        "podID": _S,
        **dict.fromkeys(("totalCost_cold_start", *release.COLD_START_COMPONENTS), _F),
    },
    "requests": {
        "clusterName": pl.Int8,
        "funcName": _I,
        "userID": _I,
        "requestID": _S,
        "podID": _S,
        **{
            c: _F
            for c in release.REQUEST_COLUMNS
            if c not in ("clusterName", "funcName", "userID", "requestID", "podID")
        },
    },
    "functions": {
        "funcID": _S,
        "cpu_request": _F,
        "runtime": _S,
        "triggerType-invocationType": _S,
    },
}
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "cold_starts": release.COLD_START_COLUMNS,
    "requests": release.REQUEST_COLUMNS,
    "functions": release.FUNCTION_COLUMNS,
}


def reject(
    block: pl.DataFrame,
    bad: pl.Series,
    describe: str,
    value_col: str,
    display: str,
    ctx: LoadContext,
    stats: ReadStats,
) -> pl.DataFrame:
    """Raise for the first row flagged ``bad``, or (skip_bad_rows) drop and count them all."""
    if not bad.any():
        return block
    rows = block.filter(bad)
    for line, value in zip(rows[LINE_COL].to_list(), rows[value_col].to_list(), strict=True):
        reason = f"{display}, line {line}, column {value_col}: {value!r} {describe}"
        if not ctx.skip_bad_rows:
            raise BadRowError(reason)
        stats.skipped(reason)
    return block.filter(~bad)


_RID_BYTES = "__rid_bytes"


@dataclass(frozen=True)
class RowRule:
    """A value the release forbids in a row the CSV parser accepted: one table of them, used
    both by the fast path (one "any rule broken?" column) and by the validating way (which
    names or skips the rows breaking each rule)."""

    name: str  # its mask column
    column: str  # the column its message names ("<time>" for the table's time column)
    describe: str
    tables: tuple[str, ...]
    bad: Callable[[str], pl.Expr]  # time column → True for the rows breaking it
    request_ids: bool = False  # the requestID check: done outside polars when it can be

    def named(self, time_col: str) -> str:
        return time_col if self.column == "<time>" else self.column


def _time(time_col: str) -> pl.Expr:
    return pl.col(time_col).fill_nan(None)


_RID = pl.col("requestID")
ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "requestID",
        "requestID",
        "is not a 64-hex-digit request hash",
        ("cold_starts", "requests"),
        lambda _t: (
            _RID.is_not_null() & ((_RID.str.len_bytes() != 64) | pl.col(_RID_BYTES).is_null())
        ),
        request_ids=True,
    ),
    RowRule(
        "__time_empty",
        "<time>",
        "is empty (the row has no time)",
        ("cold_starts", "requests"),
        lambda t: _time(t).is_null(),
    ),
    RowRule(
        "__time_range",
        "<time>",
        f"is not a time in seconds within ±{derive.MAX_ABS_TIME:.0f} of the trace's start "
        "(the day, hour and minute columns cannot hold it)",
        ("cold_starts", "requests"),
        lambda t: _time(t).abs() > derive.MAX_ABS_TIME,
    ),
    RowRule("__day_empty", "day", "is empty", ("cold_starts",), lambda _t: pl.col("day").is_null()),
)


def rules_for(table: str, *, request_ids: bool = True) -> list[RowRule]:
    """The rules of ``table`` (without the requestID check if the IDs are decoded already)."""
    return [r for r in ROW_RULES if table in r.tables and (request_ids or not r.request_ids)]


def _reject_bad_values(
    block: pl.DataFrame,
    table: str,
    time_col: str,
    display: str,
    ctx: LoadContext,
    stats: ReadStats,
) -> pl.DataFrame:
    """Rows polars parsed but the release forbids (:data:`ROW_RULES`), named or skipped.

    Returns the block with requestID decoded to its 32 raw bytes. The hex decoding doubles as
    the check, so the common case (nothing to reject) decodes once and runs one query.
    """
    rules = rules_for(table)
    masks = (
        block.lazy()
        .with_columns(_RID.str.decode("hex", strict=False).alias(_RID_BYTES))
        .select(
            pl.col(_RID_BYTES), *(r.bad(time_col).fill_null(False).alias(r.name) for r in rules)
        )
        .collect()
    )
    if not masks.select(pl.any_horizontal(pl.exclude(_RID_BYTES).any())).item():
        return block.with_columns(masks[_RID_BYTES].alias("requestID"))
    for r in rules:
        keep = ~masks[r.name]
        block = reject(block, masks[r.name], r.describe, r.named(time_col), display, ctx, stats)
        masks = masks.filter(keep)
    return block.with_columns(masks[_RID_BYTES].alias("requestID"))


def _float_columns(schema: dict[str, pl.DataType]) -> list[str]:
    return [c for c, t in schema.items() if t == _F]


def load_long(
    source: Source, table: str, fh: IO[bytes], key: str, ctx: LoadContext
) -> SourceResult:
    """Stream a cold-start or per-request CSV (header already read) into staged Parquet parts."""
    spec = STAGED_COLD_STARTS if table == "cold_starts" else TABLES[table]
    schema = READ_SCHEMAS[table]
    columns = list(EXPECTED_COLUMNS[table])
    time_col = TIME_COLUMNS[table]
    result = SourceResult(source=source, table=table, key=key)
    stats = ReadStats()
    writers: dict[int, PartWriter] = {}
    rels: dict[int, str] = {}
    # Parquet encoding (pyarrow, one core) overlaps with parsing the next block (polars):
    # at most one block waits to be written, so memory stays at about two blocks.
    # Created at a file's second block: a one-block file (most of them) is parsed and written
    # in turn by its worker thread, without a thread of its own.
    write_pool: ThreadPoolExecutor | None = None
    pending: Future[None] | None = None
    fn_requests = ctx.function_requests if source.region == ctx.function_region else None
    first = True
    try:
        for raw in iter_blocks(
            fh, source.display, columns, schema, skip_bad_rows=ctx.skip_bad_rows, stats=stats
        ):
            # The common case in two polars queries per block (derive, then counts): each query
            # has a fixed cost (~1 ms) that dominates on the many small per-request part files.
            # A block with a value the release forbids goes the validating way instead.
            fast = _derive_fast(raw, table, time_col, fn_requests, ctx)
            rids: pa.FixedSizeBinaryArray | None = None
            if fast is not None:
                block, counts, rids = fast
                days = counts.pop(ONE_DAY)
                for name, n in counts.items():
                    result.count(name, n or 0)
            else:
                block = _derive_checked(raw, table, time_col, fn_requests, source, ctx, stats)
                _count_quality(block, table, time_col, result)
                days = None
            if days is None and rids is not None:  # rows of several days: split them with the rest
                block = block.with_columns(pl.Series("requestID", rids))
                rids = None
            parts = (
                [((days,), block)]
                if days is not None
                else block.partition_by("day", as_dict=True, maintain_order=True).items()
            )
            batch: list[tuple[PartWriter, pl.DataFrame, pa.FixedSizeBinaryArray | None]] = []
            for (day,), part in parts:
                w = writers.get(day)
                if w is None:
                    rel = staged_part(table, source.region, int(day)) / part_name(key)
                    w = writers[day] = PartWriter(ctx.staging / rel, spec)
                    result.outputs.append(rel.as_posix())
                    rels[day] = rel.as_posix()
                batch.append((w, part, rids))
            if pending is not None:
                pending.result()
                pending = None
            if write_pool is None and first:
                _write_all(batch)  # may be the only block: no thread for it
            else:
                if write_pool is None:
                    write_pool = ThreadPoolExecutor(1, thread_name_prefix="parquet-writer")
                pending = write_pool.submit(_write_all, batch)
            first = False
        if pending is not None:
            pending.result()
    finally:
        if write_pool is not None:
            write_pool.shutdown(wait=True)
        for w in writers.values():
            w.close()
    _finish(result, stats, fh)
    result.rows_written = sum(w.rows for w in writers.values())
    result.rows_by_day = {int(day): w.rows for day, w in writers.items()}
    result.part_rows = {rels[day]: [0, w.rows] for day, w in writers.items()}
    return result


def _finish(result: SourceResult, stats: ReadStats, fh: IO[bytes]) -> None:
    """What every loader records from its read: rows, skipped rows, blank lines, content."""
    result.rows_read = stats.rows_read
    result.bad_rows = stats.bad_rows
    result.examples = stats.examples
    if stats.blank_lines:
        result.count("blank_lines", stats.blank_lines)
    result.content = content_of(fh, result.source)


def staged_part(table: str, region: str | None, day: int) -> Path:
    """Where a source's rows of one day are staged. A request part is published as it is
    (``requests/region=R/day=D``); a cold-start day waits in ``cold_starts/region=R/_day=D``
    (hidden from readers) until the publish writes the region's few files
    (:mod:`coldstart.ingest.cold_starts`)."""
    if table == "cold_starts":
        return partition_dir(Path(), table, region=region) / f"{COLD_START_DAY_DIR}{day}"
    return partition_dir(Path(), table, region=region, day=day)


COLD_START_DAY_DIR = "_day="

ONE_DAY = "__one_day"  # the block's day if it has one day only (the usual case), else None


def _stages(table: str, time_col: str) -> list[list[pl.Expr]]:
    """The derived columns, in dependency order (each list needs the ones before it)."""
    stages: list[list[pl.Expr]] = []
    if table == "requests":
        stages.append([derive.day_of(time_col)])
    stages.append(derive.pool_fields("podID"))
    stages.append(
        [derive.func_id(), derive.pool_size(), derive.minute_of(time_col), derive.hour_of(time_col)]
    )
    return stages


_FN_REQUEST = "__fn_cpu_request"


_CPU_REQUEST_FROM_LIMIT = derive.cpu_request_from_limit()
_CPU_REQUEST_OR_LIMIT = derive.cpu_request_or_limit(_FN_REQUEST)


def _derive(
    lazy: pl.LazyFrame, stages: list[list[pl.Expr]], fn_requests: pl.DataFrame | None
) -> pl.LazyFrame:
    """Apply the stages, then cpu_request: the function table joined by funcID (one hash join,
    cheaper per block than a value lookup holding thousands of funcIDs), else the mapping."""
    for stage in stages:
        lazy = lazy.with_columns(*stage)
    if fn_requests is None:
        return lazy.with_columns(_CPU_REQUEST_FROM_LIMIT)
    table = fn_requests.lazy().select("funcID", pl.col("cpu_request").alias(_FN_REQUEST))
    return lazy.join(table, on="funcID", how="left", maintain_order="left").with_columns(
        _CPU_REQUEST_OR_LIMIT
    )


def _compiled(
    table: str,
    time_col: str,
    ctx: LoadContext,
    *,
    rids_decoded: bool,
) -> tuple[list[list[pl.Expr]], list[pl.Expr]]:
    """Derived-column and count expressions, built once per ingest (building them per block
    cost as much as running them on a small block).

    ``rids_decoded``: the block's request IDs were decoded outside polars
    (:mod:`coldstart.ingest.request_ids`), so the query neither decodes nor checks them.
    """
    key = (table, rids_decoded)
    got = ctx.compiled.get(key)
    if got is None:
        floats = _float_columns(READ_SCHEMAS[table])
        first = [pl.col(floats).fill_nan(None)]
        rules = rules_for(table, request_ids=not rids_decoded)
        bad = pl.any_horizontal(r.bad(time_col).fill_null(False) for r in rules)
        checked = [bad.alias(_BAD)]
        if not rids_decoded:
            first.append(_RID.str.decode("hex", strict=False).alias(_RID_BYTES))
            checked.append(pl.col(_RID_BYTES).alias("requestID"))
        stages = [first, checked, *_stages(table, time_col)]
        day = pl.col("day")
        counts = [
            expr.alias(name)
            for name, expr in {
                **_quality_exprs(table, time_col),
                _BAD: pl.col(_BAD).any(),
                ONE_DAY: pl.when(day.min() == day.max()).then(day.min()),
            }.items()
        ]
        got = ctx.compiled[key] = (stages, counts)
    return got


_BAD = "__bad"


def _derive_unchecked(
    raw: pl.DataFrame,
    table: str,
    time_col: str,
    fn_requests: pl.DataFrame | None,
    ctx: LoadContext,
) -> tuple[pl.DataFrame, list[pl.Expr], pa.FixedSizeBinaryArray | None]:
    """The derived block (checks as a column), its count expressions and the request IDs
    decoded outside polars (None if they were decoded in the query)."""
    rids = request_ids.decode(raw.get_column("requestID"))
    stages, count_exprs = _compiled(table, time_col, ctx, rids_decoded=rids is not None)
    return _derive(raw.lazy(), stages, fn_requests).collect(), count_exprs, rids


def _derive_fast(
    raw: pl.DataFrame,
    table: str,
    time_col: str,
    fn_requests: pl.DataFrame | None,
    ctx: LoadContext,
) -> tuple[pl.DataFrame, dict[str, int], pa.FixedSizeBinaryArray | None] | None:
    """Derived columns, quality counts and (usually) the decoded request IDs of a block with
    nothing to reject; None otherwise.

    Derives on the unchecked block (a NaN time is NULL by then, an invalid requestID decodes
    to NULL, so nothing can fail), and only then looks at the checks: the rare block that fails
    them is redone by :func:`_derive_checked`, which names or skips the bad rows. The request
    IDs come back as a separate Arrow array when decoded outside polars (then the block's own
    requestID column still holds the hex text), as None when decoded in the query.
    """
    block, count_exprs, rids = _derive_unchecked(raw, table, time_col, fn_requests, ctx)
    counts = block.select(count_exprs).row(0, named=True)
    if counts.pop(_BAD):
        return None
    return block, counts, rids  # its helper columns are left out when written (parts.to_arrow)


def derive_sources(
    raw: pl.DataFrame,
    table: str,
    fn_requests: pl.DataFrame | None,
    ctx: LoadContext,
) -> tuple[pl.DataFrame, dict[int, dict[str, Any]], pa.FixedSizeBinaryArray | None] | None:
    """:func:`_derive_fast` for the rows of several sources at once (see
    :mod:`coldstart.ingest.packs`): ``raw`` carries each row's source index in ``SOURCE_COL``,
    and the quality counts come back per source index (one group-by instead of one query per
    source). None if any row has a value the release forbids."""
    block, count_exprs, rids = _derive_unchecked(raw, table, TIME_COLUMNS[table], fn_requests, ctx)
    counts = block.group_by(SOURCE_COL).agg(count_exprs)
    if counts.get_column(_BAD).any():
        return None
    per_source = {row.pop(SOURCE_COL): row for row in counts.drop(_BAD).iter_rows(named=True)}
    return block, per_source, rids


def _derive_checked(
    raw: pl.DataFrame,
    table: str,
    time_col: str,
    fn_requests: pl.DataFrame | None,
    source: Source,
    ctx: LoadContext,
    stats: ReadStats,
) -> pl.DataFrame:
    """The validating way: reject (or skip and count) bad rows, then derive."""
    block = _reject_bad_values(raw, table, time_col, source.display, ctx, stats)
    lazy = block.lazy().with_columns(pl.col(_float_columns(READ_SCHEMAS[table])).fill_nan(None))
    return _derive(lazy, _stages(table, time_col), fn_requests).collect()


def _write_all(
    batch: list[tuple[PartWriter, pl.DataFrame, pa.FixedSizeBinaryArray | None]],
) -> None:
    for writer, part, rids in batch:
        writer.write(part, request_ids=rids)


def _quality_exprs(table: str, time_col: str) -> dict[str, pl.Expr]:
    pod = pl.col("podID")
    exprs = {
        "podID_empty": pod.is_null().sum(),
        "podID_unparseable": (pod.is_not_null() & pl.col("poolName").is_null()).sum(),
        "cpu_request_unknown": (
            pl.col("cpu_limit").is_not_null() & pl.col("cpu_request").is_null()
        ).sum(),
    }
    if table == "cold_starts":
        parts = pl.sum_horizontal(*(pl.col(c) for c in release.COLD_START_COMPONENTS))
        diff = (pl.col("totalCost_cold_start") - parts).abs()
        exprs["components_mismatch"] = (diff > COMPONENT_TOLERANCE_S).sum()
        exprs["day_column_mismatch"] = (
            pl.col("day") != (pl.col(time_col) // release.SECONDS_PER_DAY)
        ).sum()
    else:
        exprs["outside_request_day"] = (pl.col("day") != release.REQUEST_DAY).sum()
    return exprs


def _count_quality(block: pl.DataFrame, table: str, time_col: str, result: SourceResult) -> None:
    counts = block.select(**_quality_exprs(table, time_col)).row(0, named=True)
    for name, n in counts.items():
        result.count(name, n or 0)


_MAX_MILLICORES = 2**31 - 1  # cpu_request is Int32


def _one_row_per_func_id(frame: pl.DataFrame, display: str) -> tuple[pl.DataFrame, int]:
    """The function table with each funcID once, and how many repeated rows were dropped.

    A funcID listed twice with the same values is kept once and counted; with different values
    nothing says which is right: InputError naming both lines (the loaders join by funcID, so
    two rows would double every request of that function).
    """
    dup = frame.filter(pl.col("funcID").is_duplicated())
    if dup.height == 0:
        return frame, 0
    values = [c for c in release.FUNCTION_COLUMNS if c != "funcID"]
    differing = dup.group_by("funcID", maintain_order=True).agg(
        pl.struct(values).n_unique().alias("versions"), pl.col(LINE_COL)
    )
    bad = differing.filter(pl.col("versions") > 1)
    if bad.height:
        func_id, lines = bad.row(0)[0], bad.row(0)[2]
        raise InputError(
            f"{display}, lines {lines[0]} and {lines[1]}: funcID {shown(func_id)} is listed "
            "twice with different values; keep one of the two rows"
        )
    kept = frame.unique("funcID", keep="first", maintain_order=True)
    return kept, frame.height - kept.height


def load_functions(source: Source, fh: IO[bytes], key: str, ctx: LoadContext) -> SourceResult:
    """The function table (Region 2): parse funcID, pool, runtime group and trigger columns."""
    spec = TABLES["functions"]
    schema = READ_SCHEMAS["functions"]
    stats = ReadStats()
    blocks = list(
        iter_blocks(
            fh,
            source.display,
            list(release.FUNCTION_COLUMNS),
            schema,
            skip_bad_rows=ctx.skip_bad_rows,
            stats=stats,
        )
    )
    frame = pl.concat(blocks) if blocks else pl.DataFrame(schema={**schema, LINE_COL: pl.Int64})
    frame = frame.with_columns(pl.col("cpu_request").fill_nan(None))
    req = pl.col("cpu_request")
    frame = reject(
        frame,
        frame.select(
            req.is_not_null() & ((req != req.round(0)) | ~req.is_between(0, _MAX_MILLICORES))
        ).to_series(),
        f"is not a whole number of millicores from 0 to {_MAX_MILLICORES}",
        "cpu_request",
        source.display,
        ctx,
        stats,
    )
    frame, duplicates = _one_row_per_func_id(frame, source.display)
    frame = (
        frame.with_columns(*derive.split_func_id("funcID"))
        .with_columns(*derive.pool_name_fields("poolName"))
        .with_columns(
            derive.pool_size(),
            req.cast(pl.Int32),
            derive.runtime_group_expr("runtime"),
            pl.col("triggerType-invocationType").alias("trigger_field"),
            *derive.trigger_columns("triggerType-invocationType"),
        )
        .sort("funcID")
    )
    result = SourceResult(source=source, table="functions", key=key)
    result.count("funcID_unparseable", frame.select(pl.col("poolName").is_null().sum()).item())
    if duplicates:
        result.count("funcID_duplicate", duplicates)
    region = source.region or ctx.function_region
    rel = partition_dir(Path(), "functions", region=region) / part_name(key)
    if frame.height:
        write_frame(ctx.staging / rel, frame, spec)
        result.outputs.append(rel.as_posix())
    _finish(result, stats, fh)
    result.rows_written = frame.height
    if frame.height:
        result.part_rows = {rel.as_posix(): [0, frame.height]}
    return result

"""Derived columns of the trace, as reusable polars expressions and plain functions.

Every downstream project re-implements these rules (funcID, pool parsing, trigger groups),
slightly differently each time. They live here once; the ingest computes them when it writes
the warehouse, and analyses can apply the same expressions to frames of their own.

Rules (from the paper's §3 definitions and the dataset authors' demo notebook, which splits
podID the same way):

* funcID = ``f"{funcName}---{userID}---{poolName}"`` — the unit the paper calls a function.
* podID ``poolNN-CPU-MEM-NNNN…`` → poolName ``poolNN-CPU-MEM``, cpu_limit = CPU millicores,
  mem_limit = MB. A podID that does not match (or is empty) gives NULL for all three; callers
  count those rows, they are never dropped.
* pool_size: ``small`` ⇔ cpu_limit ≤ 400 and mem_limit ≤ 256 (paper, Fig 13), else ``large``;
  NULL when the pool is unknown.
* cpu_request: from the function table when the funcID is there, else the limit→request table
  the authors publish (``release.CPU_LIMIT_TO_REQUEST``); NULL for a limit not in that table.
* Time bins: day = floor(time/86 400), time_minute = floor(time/60)·60 (seconds, equal to the
  ``time`` column of the per-minute tables), hour = floor(time/3 600).
* Triggers and runtime groups: see :func:`trigger_group` and :func:`runtime_group`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import polars as pl

from coldstart import release

FUNC_ID_SEPARATOR = "---"

# release.POD_ID_PATTERN with the pool name captured as well (tests check they accept the same).
_POOL_PATTERN = r"^(pool\d+-(\d+)-(\d+))-\d+$"

POOL_SMALL = "small"
POOL_LARGE = "large"

# --- keys ---------------------------------------------------------------------------------


def func_id(
    func_name: str | pl.Expr = "funcName",
    user_id: str | pl.Expr = "userID",
    pool_name: str | pl.Expr = "poolName",
) -> pl.Expr:
    """funcID = ``funcName---userID---poolName``; NULL if any part is NULL.

    NULL (rather than ``"1---2---"``) for an unknown pool, because a funcID without its pool is
    not the paper's function and would silently merge functions of different sizes.
    """
    parts = [_as_expr(e).cast(pl.String) for e in (func_name, user_id, pool_name)]
    return pl.concat_str(parts, separator=FUNC_ID_SEPARATOR).alias("funcID")


def split_func_id(func_id_col: str | pl.Expr = "funcID") -> list[pl.Expr]:
    """funcID → funcName (Int64), userID (Int64), poolName (String); NULLs if it does not parse.

    Used for the function table and the per-minute column names, where funcID is the only key.
    """
    fid = _as_expr(func_id_col)
    pat = r"^(-?\d+)---(-?\d+)---(.+)$"
    return [
        fid.str.extract(pat, 1).cast(pl.Int64, strict=False).alias("funcName"),
        fid.str.extract(pat, 2).cast(pl.Int64, strict=False).alias("userID"),
        fid.str.extract(pat, 3).alias("poolName"),
    ]


# --- pools ----------------------------------------------------------------------------------


def pool_fields(pod_id: str | pl.Expr = "podID") -> list[pl.Expr]:
    """podID → poolName, cpu_limit (Int32 millicores), mem_limit (Int32 MB); NULL if unparseable.

    The pool index (``pool24``) does not determine the configuration, so CPU and memory are
    always read from the name itself.
    """
    # One regex pass for the three groups (polars evaluates the shared expression once): half
    # the cost of three ``str.extract`` calls, which dominated the derived columns at ingest.
    groups = _as_expr(pod_id).str.extract_groups(_POOL_PATTERN)
    return [
        groups.struct.field("1").alias("poolName"),
        groups.struct.field("2").cast(pl.Int32, strict=False).alias("cpu_limit"),
        groups.struct.field("3").cast(pl.Int32, strict=False).alias("mem_limit"),
    ]


def pool_name_fields(pool_name: str | pl.Expr = "poolName") -> list[pl.Expr]:
    """poolName (``pool22-300-128``) → cpu_limit, mem_limit; NULL if it does not parse."""
    pool = _as_expr(pool_name)
    pat = r"^pool\d+-(\d+)-(\d+)$"
    return [
        pool.str.extract(pat, 1).cast(pl.Int32, strict=False).alias("cpu_limit"),
        pool.str.extract(pat, 2).cast(pl.Int32, strict=False).alias("mem_limit"),
    ]


def pool_size(
    cpu_limit: str | pl.Expr = "cpu_limit", mem_limit: str | pl.Expr = "mem_limit"
) -> pl.Expr:
    """``small`` ⇔ cpu ≤ 400 millicores and mem ≤ 256 MB (paper Fig 13), ``large`` otherwise."""
    cpu, mem = _as_expr(cpu_limit), _as_expr(mem_limit)
    small = (cpu <= release.SMALL_POOL_MAX_CPU) & (mem <= release.SMALL_POOL_MAX_MEM)
    return (
        pl.when(cpu.is_null() | mem.is_null())
        .then(pl.lit(None, pl.String))
        .when(small)
        .then(pl.lit(POOL_SMALL))
        .otherwise(pl.lit(POOL_LARGE))
        .alias("pool_size")
    )


def _limit_lookup() -> tuple[int, pl.Series]:
    """The published limit→request table as a dense array indexed by limit // step."""
    limits = release.CPU_LIMIT_TO_REQUEST
    step = math.gcd(*limits)
    table = [limits.get(i * step) for i in range(max(limits) // step + 1)]
    return step, pl.Series("cpu_request", table, dtype=pl.Int32)


_LIMIT_STEP, _LIMIT_TABLE = _limit_lookup()


def cpu_request_from_limit(cpu_limit: str | pl.Expr = "cpu_limit") -> pl.Expr:
    """CPU request (Int32 millicores) from the published limit→request table; NULL if unlisted.

    A gather from a dense array rather than ``replace_strict``: the same answer, but without
    building a hash table on every query (≈ 0.6 ms each, paid once per block at ingest).
    """
    limit = _as_expr(cpu_limit)
    last = _LIMIT_TABLE.len() - 1
    listed_step = (limit % _LIMIT_STEP == 0) & (limit >= 0) & (limit <= last * _LIMIT_STEP)
    index = (limit // _LIMIT_STEP).clip(0, last)  # both branches are evaluated: keep it in range
    return pl.when(listed_step).then(pl.lit(_LIMIT_TABLE).gather(index)).alias("cpu_request")


def cpu_request_or_limit(from_table: str | pl.Expr, cpu_limit: str = "cpu_limit") -> pl.Expr:
    """The rule: the function table's request where known (``from_table``), else the mapping."""
    return pl.coalesce(_as_expr(from_table), cpu_request_from_limit(cpu_limit)).alias("cpu_request")


def cpu_request(
    function_requests: pl.DataFrame | None,
    func_id_col: str = "funcID",
    cpu_limit: str = "cpu_limit",
) -> pl.Expr:
    """CPU request: the function table's value for the funcID if known, else the mapping.

    ``function_requests`` has columns funcID and cpu_request (Int32 millicores); pass None when
    no function table is available (every region but R2). (The ingest joins the function table
    instead and applies :func:`cpu_request_or_limit`: cheaper per block than this lookup.)
    """
    if function_requests is None or function_requests.height == 0:
        return cpu_request_from_limit(cpu_limit)
    from_table = pl.col(func_id_col).replace_strict(
        function_requests["funcID"],
        function_requests["cpu_request"],
        default=None,
        return_dtype=pl.Int32,
    )
    return cpu_request_or_limit(from_table, cpu_limit)


# --- time bins ------------------------------------------------------------------------------


# The time bins are NULL for a time their integer type cannot hold (inf, 1e12 s), rather than an
# error mid-query: the ingest refuses such rows by name (see MAX_ABS_TIME) before writing.


def day_of(time: str | pl.Expr = "time") -> pl.Expr:
    """Day index 0–30 = floor(time / 86 400) (Int16)."""
    return (_as_expr(time) // release.SECONDS_PER_DAY).cast(pl.Int16, strict=False).alias("day")


def minute_of(time: str | pl.Expr = "time") -> pl.Expr:
    """Start of the minute in seconds, floor(time/60)·60 (Int32): joins the per-minute ``time``."""
    return ((_as_expr(time) // 60) * 60).cast(pl.Int32, strict=False).alias("time_minute")


def hour_of(time: str | pl.Expr = "time") -> pl.Expr:
    """Hour index 0–743 = floor(time / 3 600) (Int16)."""
    return (_as_expr(time) // 3600).cast(pl.Int16, strict=False).alias("hour")


# The largest |time| (seconds from the trace's start) whose bins all fit their types: the hour
# (Int16) binds, at ≈ 3.7 years. The release spans 31 days.
MAX_ABS_TIME = 32767 * 3600.0


# --- triggers -------------------------------------------------------------------------------

TRIGGER_GROUPS: tuple[str, ...] = (
    "TIMER-A",
    "OBS-A",
    "APIG-S",
    "workflow-S",
    "other A",
    "other S",
    "unknown",
)
_NAMED_GROUPS = frozenset({"OBS-A", "APIG-S", "workflow-S"})
_UNKNOWN_FIELDS = frozenset({"unknown", "unknown-unknown", "unknown-A unknown-S"})

TRIGGER_GROUP_ASSUMPTION = """\
ASSUMPTION (paper_catalog §0.3): the paper names 7 trigger groups but not the rule for
functions with several triggers. Inferred by matching Fig 8d's bar heights:
  1. any set containing TIMER-A                         -> TIMER-A
  2. exactly OBS-A, APIG-S or workflow-S                -> that group
  3. 'unknown', 'unknown-unknown', 'unknown-A unknown-S' -> unknown
  4. otherwise by invocation type: all S -> other S, all A -> other A,
     mixed -> the majority, ties -> other S.
Items are compared as a set (order and repeats ignored)."""


def trigger_items(field: str | None) -> list[str]:
    """``"APIG-S TIMER-A"`` → ``["APIG-S", "TIMER-A"]`` (space-separated, empties dropped)."""
    if field is None:
        return []
    return [item for item in field.split(" ") if item]


def split_trigger(item: str) -> tuple[str, str | None]:
    """``"APIG-S"`` → (``"APIG"``, ``"S"``); bare ``"unknown"`` → (``"unknown"``, None).

    The invocation type is after the last ``-`` so a type name with a dash would survive.
    """
    kind, sep, inv = item.rpartition("-")
    if not sep:
        return item, None
    return kind, inv


def trigger_group(field: str | None) -> str | None:  # noqa: PLR0911 - one return per rule
    """The paper's 7-way trigger group of a ``triggerType-invocationType`` field.

    See :data:`TRIGGER_GROUP_ASSUMPTION` — the combination rule is an inference, not the paper's
    statement. NULL in, NULL out; an empty field is treated like ``unknown``.
    """
    if field is None:
        return None
    items = trigger_items(field)
    canonical = " ".join(sorted(set(items)))
    if not items or canonical in _UNKNOWN_FIELDS or field.strip() in _UNKNOWN_FIELDS:
        return "unknown"
    item_set = set(items)
    if "TIMER-A" in item_set:
        return "TIMER-A"
    if len(item_set) == 1 and next(iter(item_set)) in _NAMED_GROUPS:
        return next(iter(item_set))
    kinds = [split_trigger(i)[1] for i in sorted(item_set)]
    n_sync = sum(k == "S" for k in kinds)
    n_async = sum(k == "A" for k in kinds)
    if n_async > n_sync:
        return "other A"
    if n_sync == 0 and n_async == 0:
        return "unknown"  # nothing but unknown invocation types, e.g. 'CTS-unknown'
    return "other S"


def trigger_columns(field_col: str | pl.Expr = "triggerType-invocationType") -> list[pl.Expr]:
    """triggers (List[String]), trigger_types, invocation_types (aligned lists), trigger_group."""
    field = _as_expr(field_col)
    items = field.str.split(" ").list.eval(pl.element().filter(pl.element() != ""))
    return [
        items.alias("triggers"),
        items.list.eval(pl.element().str.replace(r"-[^-]*$", "")).alias("trigger_types"),
        items.list.eval(
            pl.when(pl.element().str.contains("-"))
            .then(pl.element().str.extract(r"-([^-]*)$", 1))
            .otherwise(pl.lit(None, pl.String))
        ).alias("invocation_types"),
        field.map_elements(trigger_group, return_dtype=pl.String, skip_nulls=True).alias(
            "trigger_group"
        ),
    ]


# --- runtimes -------------------------------------------------------------------------------

RUNTIME_GROUPS: tuple[str, ...] = (
    "Custom",
    "Java",
    "Node.js",
    "Python2",
    "Python3",
    "http",
    "other",
)
_NAMED_RUNTIMES = frozenset(RUNTIME_GROUPS) - {"other"}


def runtime_group(runtime: str | None) -> str | None:
    """Fig 8b's 7 runtime groups: six named ones and ``other`` (C#, Go1.x, PHP7.3, unknown)."""
    if runtime is None:
        return None
    return runtime if runtime in _NAMED_RUNTIMES else "other"


def runtime_group_expr(runtime_col: str | pl.Expr = "runtime") -> pl.Expr:
    """Polars form of :func:`runtime_group`."""
    rt = _as_expr(runtime_col)
    return (
        pl.when(rt.is_null())
        .then(pl.lit(None, pl.String))
        .when(rt.is_in(sorted(_NAMED_RUNTIMES)))
        .then(rt)
        .otherwise(pl.lit("other"))
        .alias("runtime_group")
    )


def _as_expr(e: str | pl.Expr) -> pl.Expr:
    return pl.col(e) if isinstance(e, str) else e


__all__: Iterable[str] = [
    "FUNC_ID_SEPARATOR",
    "MAX_ABS_TIME",
    "POOL_LARGE",
    "POOL_SMALL",
    "RUNTIME_GROUPS",
    "TRIGGER_GROUPS",
    "TRIGGER_GROUP_ASSUMPTION",
    "cpu_request",
    "cpu_request_from_limit",
    "cpu_request_or_limit",
    "day_of",
    "func_id",
    "hour_of",
    "minute_of",
    "pool_fields",
    "pool_name_fields",
    "pool_size",
    "runtime_group",
    "runtime_group_expr",
    "split_func_id",
    "split_trigger",
    "trigger_columns",
    "trigger_group",
    "trigger_items",
]

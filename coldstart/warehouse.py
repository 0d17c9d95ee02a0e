"""The warehouse schema, in one place, and the paths of its files.

The ingest writes exactly these tables and columns; ``docs/warehouse.md`` is rendered from this
module (``python -m coldstart.warehouse > docs/warehouse.md``) and a test checks both the docs
and every Parquet file written against it. Change a column here, bump :data:`SCHEMA_VERSION`
and add a line to :data:`CHANGES` saying what breaks and how to migrate (re-ingest with
``--force``: the ingest refuses to mix versions).

Layout: ``<warehouse>/<table>/<key>=<value>/…/{part,pack}-<id>.parquet``, Hive-style, zstd
(snappy for the cold starts, see :data:`COLD_STARTS_COMPRESSION`), plain Parquet types only (no
engine-specific extensions), so polars, DuckDB, pyarrow and Spark read it with their ordinary
Hive-partition support. Partition columns live in the directory names, not inside the files (the
Hive convention). The cold starts and the per-minute tables are partitioned by region (and
metric) only, their ``day`` a column: a folder is a few large files, not one per day.
Files and folders starting with ``_`` are the ingest's bookkeeping (manifest, journal,
staging) and are ignored by those engines.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coldstart import release
from coldstart.derive import TRIGGER_GROUP_ASSUMPTION

if TYPE_CHECKING:  # the query path never imports pyarrow (≈ 70 MB and 0.2 s of imports)
    import pyarrow as pa

SCHEMA_VERSION = 6
# Older versions this coldstart reads and extends as they are (no --force needed): none since
# version 4 moved the per-minute tables' day out of the folder names, version 5 the cold
# starts', and version 6 added the function groups to the cold starts (see CHANGES).
READABLE_VERSIONS: tuple[int, ...] = ()

CHANGES: tuple[str, ...] = (
    "1 — first version.",
    "2 — small per-request part files (≤ 4 MB) of one region are written together into shared "
    "`pack-<id>.parquet` files, and the manifest records each source's rows in them "
    "(`part_rows`). The tables and columns are unchanged, and version-1 warehouses are read "
    "and extended as they are. coldstart 0.1.0 refuses a version-2 warehouse rather than "
    "re-ingest into shared files it does not know (with `--force` it rebuilds it whole).",
    "3 — a per-minute partition's file is named after the ingest that wrote it "
    "(`part-<ingest id>.parquet`, was `part-0.parquet`), and a later ingest adds to it (a file "
    "with rows of another day no longer replaces that day's cells). The manifest records every "
    "data file's rows (`files`), each source's content fingerprint (CRC-32), main day and, for "
    "the per-minute tables, the columns of each partition it filled (`pieces`); `coldstart "
    "check` compares them with the files. Tables and columns are unchanged; version-1 and -2 "
    "warehouses are read and extended as they are (their file row counts are read from the "
    "footers once). coldstart 0.2 refuses a version-3 warehouse: it would write a second "
    "`part-0.parquet` beside a partition's file and count its cells twice.",
    "4 — fewer, larger per-minute files: `timeseries` is partitioned by region and metric and "
    "`counts` by region only; `day` moved from the folder names into the files (an int16 "
    "column, first), and a partition's days are compacted into a few files (one row group per "
    "day or slice of a day, rows sorted by day, funcID, time) that every ingest rewrites in its "
    "publish (at most ~256 MB each). On the release this is 85 folders of a few files instead "
    "of ~2,600 per-day files. The manifest's per-minute `pieces` still name the logical "
    "`…/day=N` partitions. Version-1 to -3 warehouses are not extended: `coldstart ingest` "
    "says so and `--force` rebuilds them from the files given; the query session refuses a "
    "warehouse whose per-minute files are still in `day=` folders.",
    "5 — fewer cold-start files: `cold_starts` is partitioned by region only, `day` an int16 "
    "column (first), and a region's days are written into a few files (a new one after about "
    "8 M rows), one row group per (source file, day), the sources in day order and each "
    "source's rows in its file's order, so a day filter skips whole row groups. The manifest "
    "records each cold-start source's rows there (`part_rows`, as for request packs). On the "
    "release's 31 days that is 5 folders of one file instead of 155 one-day files. Version-4 "
    "warehouses are not extended (`coldstart ingest --force` rebuilds them); the query "
    "session refuses one whose cold starts are still in `day=` folders.",
    "6 — the cold starts carry their function's `runtime`, `runtime_group` and "
    "`trigger_group` from the function table (NULL where the funcID is not listed: always "
    "outside R2), so the breakdowns by runtime and trigger read one table instead of joining "
    "the funcID strings. Every ingest that changes the function table rewrites that region's "
    "cold-start files with its values (and their `cpu_request`); per-request rows keep the "
    "`cpu_request` of the table they were ingested with, and the ingest says so. Version-5 "
    "warehouses are not extended (`coldstart ingest --force` rebuilds them); the query "
    "session refuses cold-start files without the new columns.",
)

PARQUET_COMPRESSION = "zstd"
# The cold starts are read whole by most queries (six float columns of 2–7 M rows on the
# benchmark presets) and are small next to the requests, so decoding speed beats size there:
# on `large` (6.0 M rows, DuckDB 2.0, 2 threads) snappy takes the region breakdown from
# 0.29–0.31 s to 0.22–0.23 s and the five component means from 0.17–0.18 s to 0.10 s, for
# 471 MB on disk instead of 394 MB. LZ4 is as fast but its Parquet codec has two incompatible
# variants across readers; every reader has snappy. The requests gain nothing measurable
# (their queries are sort and join bound: CDF 1.63 vs 1.68 s, utility ratio 1.90 vs 1.82 s),
# so they keep zstd and their size.
COLD_STARTS_COMPRESSION = "snappy"
MANIFEST_FILE = "_manifest.json"
JOURNAL_FILE = "_journal.json"
LOCK_FILE = "_lock"
STAGING_DIR = "_staging"


@dataclass(frozen=True)
class ColumnType:
    """A column's type, named for the docs and for DuckDB without importing pyarrow.

    Reading the warehouse (sessions, the CLI's queries) needs only these names, so it never
    loads pyarrow and NumPy; the ingest and the schema checks build the Arrow type with
    :meth:`arrow`.
    """

    name: str  # Arrow's name for it, as docs/warehouse.md shows it
    duckdb: str  # DuckDB's SQL spelling

    def arrow(self) -> pa.DataType:
        return _arrow_type(self.name)


@functools.cache
def _arrow_type(name: str) -> pa.DataType:
    import pyarrow as pa

    return {
        "double": pa.float64,
        "int8": pa.int8,
        "int16": pa.int16,
        "int32": pa.int32,
        "int64": pa.int64,
        "string": pa.string,
        REQUEST_ID.name: lambda: pa.binary(REQUEST_ID_BYTES),
        "list<string>": lambda: pa.large_list(pa.string()),
    }[name]()


REQUEST_ID_BYTES = 32  # the release's 64-hex request hash, stored as its raw bytes

# The function table exists for Region 2 only (release README).
FUNCTIONS_REGION = "R2"


@dataclass(frozen=True)
class Column:
    """One column: name, Parquet/Arrow type, unit and what it means (and what NULL means)."""

    name: str
    type: ColumnType
    unit: str
    meaning: str


@dataclass(frozen=True)
class Table:
    """One warehouse table: its partition keys (directory levels) and its file columns."""

    name: str
    grain: str
    source: str
    partitions: tuple[Column, ...]
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    compression: str = PARQUET_COMPRESSION  # Parquet codec of the table's files
    # Tables whose values some columns carry (written from them at ingest): a query may
    # `@needs` them although it reads only this table.
    carries_from: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def partition_names(self) -> list[str]:
        return [c.name for c in self.partitions]

    def arrow_schema(self) -> pa.Schema:
        """The exact schema of every Parquet file of this table (partition keys excluded)."""
        return _arrow_schema(self.columns)


@functools.cache
def _arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    # Cached: the ingest asks for it on every block it writes.
    import pyarrow as pa

    return pa.schema([pa.field(c.name, c.type.arrow(), nullable=True) for c in columns])


F64 = ColumnType("double", "DOUBLE")
_I16 = ColumnType("int16", "SMALLINT")
_I32 = ColumnType("int32", "INTEGER")
_I64 = ColumnType("int64", "BIGINT")
_I8 = ColumnType("int8", "TINYINT")
_STR = ColumnType("string", "VARCHAR")
_STR_LIST = ColumnType("list<string>", "VARCHAR[]")
REQUEST_ID = ColumnType(f"fixed_size_binary[{REQUEST_ID_BYTES}]", "BLOB")

REGION = Column("region", _STR, "", "R1…R5, from the folder or zip the file came from")
DAY = Column("day", _I16, "day", "0–30; from the `day` column (cold starts, per-minute) or time")
METRIC = Column("metric", _STR, "", "per-minute metric, e.g. cpu_usage, totalCost_cold_start")

_FUNC = (
    Column("funcName", _I64, "", "hashed function name; recurs across users"),
    Column("userID", _I64, "", "hashed user id"),
    Column("funcID", _STR, "", "funcName---userID---poolName; NULL when the podID has no pool"),
)
_POD = (
    Column("podID", _STR, "", "pod, `poolNN-CPU-MEM-NNNN…`; NULL when empty in the release"),
    Column("poolName", _STR, "", "`poolNN-CPU-MEM` from podID; NULL when podID does not parse"),
    Column(
        "cpu_limit", _I32, "millicores", "CPU limit of the pool; NULL when podID does not parse"
    ),
    Column("mem_limit", _I32, "MB", "memory limit of the pool; NULL when podID does not parse"),
    Column("pool_size", _STR, "", "`small` (≤ 400 mCPU and ≤ 256 MB, paper Fig 13) or `large`"),
    Column(
        "cpu_request",
        _I32,
        "millicores",
        "function table's value if the funcID is there, else the published limit→request map; "
        "NULL for an unlisted limit",
    ),
)
_TIME_BINS = (
    Column("time_minute", _I32, "s", "floor(time/60)·60: joins the per-minute tables' `time`"),
    Column("hour", _I16, "hour", "floor(time/3600), 0–743"),
)
_REQ_ID = Column(
    "requestID",
    REQUEST_ID,
    "32 bytes",
    "the 64-hex request hash as its 32 raw bytes (FIXED_LEN_BYTE_ARRAY); "
    "`lower(hex(requestID))` in DuckDB or `.bin.encode('hex')` in polars gives the release's text",
)


# The function table's groups of a cold start's funcID, written with the cold starts (schema
# version 6) so that the breakdowns by runtime and trigger read one table. They are the values
# of the function table the warehouse holds: an ingest that changes that table rewrites the
# region's cold starts (coldstart.ingest.attributes).
_FUNCTION_GROUPS = (
    Column(
        "runtime",
        _STR,
        "",
        "the function table's runtime; NULL if the funcID is not there (always outside R2)",
    ),
    Column("runtime_group", _STR, "", "the function table's Fig 8b group; NULL as runtime"),
    Column(
        "trigger_group",
        _STR,
        "",
        "the function table's Fig 8a group (an ASSUMPTION for combinations); NULL as runtime",
    ),
)
FUNCTION_GROUP_COLUMNS: tuple[str, ...] = tuple(c.name for c in _FUNCTION_GROUPS)


def _secs(name: str, meaning: str) -> Column:
    return Column(name, F64, "s", meaning)


COLD_STARTS = Table(
    name="cold_starts",
    grain="one row per cold-start event",
    source="cold_start/R*/day_*.csv",
    partitions=(REGION,),
    columns=(
        DAY,
        _secs("time", "seconds since trace start (ms precision)"),
        *_TIME_BINS,
        Column("clusterName", _I8, "", "cluster 1–4 within the region"),
        *_FUNC,
        _REQ_ID,
        _secs("totalCost_cold_start", "cold-start duration"),
        _secs("podAllocationCost", "component: pod allocation"),
        _secs("deployCodeCost", "component: code deployment (1 ms resolution)"),
        _secs("deployDependencyCost", "component: dependencies (0 without layers)"),
        _secs("schedulingCost", "component: scheduling"),
        *_POD,
        *_FUNCTION_GROUPS,
    ),
    notes=(
        "Rows keep the order of the release file they came from; a region's files hold its "
        "source files one after another in day order, one row group per (source file, day).",
        "`day` is the release's `day` column (the truth, not the file name).",
        "Components should add up to totalCost_cold_start; rows that do not (tolerance 1e-6 s) "
        "are kept and counted in the quality summary.",
        "`runtime`, `runtime_group` and `trigger_group` (and `cpu_request`) are the function "
        "table's, as the warehouse holds it: an ingest that changes the function table writes "
        "its region's cold starts again.",
        "Compressed with snappy, not zstd: the queries read these files whole, and snappy "
        "decodes them about a quarter faster for a fifth more disk.",
    ),
    compression=COLD_STARTS_COMPRESSION,
    carries_from=("functions",),
)

REQUESTS = Table(
    name="requests",
    grain="one row per request (day 30 only)",
    source="per_request/R*/part-*.csv",
    partitions=(REGION, DAY),
    columns=(
        _secs("time_worker", "seconds since trace start, at the worker"),
        _secs("time_frontend", "seconds since trace start, at the frontend; NULL if not logged"),
        *_TIME_BINS,
        _REQ_ID,
        Column("clusterName", _I8, "", "cluster 1–4 within the region"),
        *_FUNC,
        *_POD,
        _secs("totalCost_worker", "worker total"),
        _secs("workerCost", "worker component"),
        _secs("runtimeCost", "runtime component"),
        _secs("totalCost_frontend", "frontend total; NULL if not logged"),
        _secs("frontendCost", "frontend component; NULL if not logged"),
        _secs("busCost", "bus component; NULL if not logged"),
        _secs("readBodyCost", "read-body component; NULL if not logged"),
        _secs("writeRspCost", "write-response component; NULL if not logged"),
        Column("cpu_usage", F64, "cores", "pod-wide CPU, averaged over the request"),
        Column("memory_usage", F64, "MB", "pod-wide memory, averaged over the request"),
        Column("requestBodySize", F64, "bytes", "request body size; NULL if not logged"),
    ),
    notes=(
        "`day` = floor(time_worker/86400); the release covers day 30 only.",
        "`cpu_request` is that of the function table the warehouse held when the row's source "
        "was ingested: an ingest that changes the function table says how many per-request "
        "sources keep an earlier value (re-ingest them with `--force`).",
        "A part file of 4 MB or less shares a `pack-<id>.parquet` with the region's other "
        "small parts (as in the synthetic trace; the release's parts are bigger): rows keep "
        "their file's order, file after file in name order.",
        "time bins are from time_worker. R1 keeps only the top 100 pods per function; "
        "R3 is a subsample.",
    ),
)

_STAT_COLUMNS = tuple(
    Column(
        s,
        F64,
        "metric's unit",
        f"{s} over the minute's requests; NULL = the release had no value (not zero)",
    )
    for s in release.STATS
)

TIMESERIES = Table(
    name="timeseries",
    grain="one row per (funcID, minute) with at least one statistic present",
    source="quantiles/R*/<metric>_<stat>/*.csv",
    partitions=(REGION, METRIC),
    columns=(
        DAY,
        Column("funcID", _STR, "", "column name of the wide release file"),
        Column("time", _I32, "s", "start of the minute, multiple of 60"),
        *_STAT_COLUMNS,
    ),
    sort_by=("day", "funcID", "time"),
    notes=(
        "Long form of the wide per-minute files: one column per statistic, side by side.",
        "NaN cells are dropped, not stored: a missing (funcID, minute) means no requests that "
        "minute; a NULL statistic means that statistic's file had no value for it.",
        "Units: seconds for *Cost metrics, cores for cpu_usage, MB for memory_usage, bytes for "
        "requestBodySize.",
    ),
)

COUNTS = Table(
    name="counts",
    grain="one row per (funcID, minute) where any count series had a value",
    source="quantiles/R*/{requests,num_pods,num_cold_starts}/*.csv",
    partitions=(REGION,),
    columns=(
        DAY,
        Column("funcID", _STR, "", "column name of the wide release file"),
        Column("time", _I32, "s", "start of the minute, multiple of 60"),
        Column("requests", _I64, "requests", "requests that minute; 0 where the release had NaN"),
        Column("num_pods", _I32, "pods", "pods that minute; 0 where the release had NaN"),
        Column("num_cold_starts", _I32, "events", "cold starts that minute; 0 where NaN"),
    ),
    sort_by=("day", "funcID", "time"),
    notes=(
        "The three count series, side by side, as integers (the release writes them as floats "
        "like `25.0`; a non-integral value is an input error).",
        "Absent (funcID, minute) = 0 for all three: NaN means nothing happened that minute.",
    ),
)

FUNCTIONS = Table(
    name="functions",
    grain="one row per funcID",
    source="runtime_triggerType/df_funcID_runtime_triggerType.csv",
    partitions=(REGION,),
    columns=(
        *_FUNC[2:],
        _FUNC[0],
        _FUNC[1],
        Column("poolName", _STR, "", "from funcID; NULL if funcID does not parse"),
        Column("cpu_limit", _I32, "millicores", "from poolName"),
        Column("mem_limit", _I32, "MB", "from poolName"),
        Column("pool_size", _STR, "", "`small` or `large` (paper Fig 13)"),
        Column("cpu_request", _I32, "millicores", "as published in the function table"),
        Column("runtime", _STR, "", "Python3, Java, Node.js, …, unknown"),
        Column(
            "runtime_group",
            _STR,
            "",
            "Fig 8b: Custom, Java, Node.js, Python2, Python3, http, other",
        ),
        Column("trigger_field", _STR, "", "the release's `triggerType-invocationType` text"),
        Column("triggers", _STR_LIST, "", "its items, e.g. [APIG-S, TIMER-A]"),
        Column("trigger_types", _STR_LIST, "", "item types, e.g. [APIG, TIMER]"),
        Column(
            "invocation_types",
            _STR_LIST,
            "",
            "S/A/unknown per item; NULL for a bare `unknown`",
        ),
        Column("trigger_group", _STR, "", "paper's 7 groups — an ASSUMPTION, see below"),
    ),
    sort_by=("funcID",),
    notes=("Region 2 only: the release has no function table for other regions.",),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (COLD_STARTS, REQUESTS, TIMESERIES, COUNTS, FUNCTIONS)
}

# What `--tables` accepts, and the warehouse tables each choice writes.
INGEST_TABLES: dict[str, tuple[str, ...]] = {
    "cold_starts": ("cold_starts",),
    "requests": ("requests",),
    "timeseries": ("timeseries", "counts"),
    "functions": ("functions",),
}

ENCODING_NOTES = """\
requestID is stored as FIXED_LEN_BYTE_ARRAY(32) — the hash's raw bytes — with dictionary
encoding off. The 64 hex characters carry 32 bytes of entropy, and a hash never repeats often
enough for a dictionary to pay. Measured on 1 M random hashes (pyarrow 26, zstd at the writer's
default level, as the ingest writes; `benchmarks/ingest_bench.py --encoding`):

| encoding                     | bytes/row | read 1 M rows |
|------------------------------|----------:|--------------:|
| string (64 hex chars), dict  |      34.1 |        0.24 s |
| string, no dict              |      34.1 |        0.08 s |
| BYTE_ARRAY binary, no dict   |      33.7 |        0.05 s |
| FIXED_LEN_BYTE_ARRAY(32)     |      32.0 |        0.03 s |

zstd already squeezes hex text to about 34 bytes, so on disk the saving is only ~6 %; the gain
is after loading: half the memory (32 bytes instead of 64 plus offsets), the fastest read, and a
fixed-width join key between cold_starts and requests. The cost: show it with
`hex(requestID)` (DuckDB, upper case) or `pl.col("requestID").bin.encode("hex")` (polars,
lower case, as in the release); to look one up compare with `unhex('…')` /
`bytes.fromhex('…')`. Polars reads the column as Binary, DuckDB as BLOB.
"""


# --- paths --------------------------------------------------------------------------------


def table_dir(root: Path, table: str) -> Path:
    """``<root>/<table>``."""
    return Path(root) / TABLES[table].name


def partition_dir(root: Path, table: str, **keys: object) -> Path:
    """``<root>/<table>/region=R1/day=5`` — keys in the table's partition order, all required."""
    spec = TABLES[table]
    missing = [p for p in spec.partition_names if p not in keys]
    extra = sorted(set(keys) - set(spec.partition_names))
    if missing or extra:
        raise ValueError(f"{table} is partitioned by {spec.partition_names}; got {sorted(keys)}")
    path = table_dir(root, table)
    for p in spec.partition_names:
        path = path / f"{p}={keys[p]}"
    return path


def parquet_glob(root: Path, table: str) -> str:
    """A glob that any engine accepts for all files of a table: ``<root>/<table>/**/*.parquet``."""
    return str(table_dir(root, table) / "**" / "*.parquet")


def data_files(root: Path, table: str) -> list[Path]:
    """All published Parquet files of a table, sorted (bookkeeping folders excluded)."""
    base = table_dir(root, table)
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*.parquet") if not _is_hidden(p.relative_to(base)))


def old_layout_problem(root: Path) -> str | None:
    """Why a reader of this version cannot read ``root``: cold-start files still in ``day=``
    folders (version 4 or older) or per-minute ones (version 3 or older), which this version's
    globs would silently skip. None if there are none. (Lists the region and per-minute
    folders only: ≈ 90 small directories.)"""
    for table, pattern in (
        ("cold_starts", "region=*/day=*"),
        ("timeseries", "region=*/metric=*/day=*"),
        ("counts", "region=*/day=*"),
    ):
        base = table_dir(root, table)
        if base.is_dir() and next(base.glob(pattern), None) is not None:
            return (
                f"{root}: its {table} files are in day= folders (a warehouse of schema version "
                f"{4 if table == 'cold_starts' else 3} or older); this coldstart reads version "
                f"{SCHEMA_VERSION}: rebuild it with "
                "`coldstart ingest --force <release folder or zips>`"
            )
    return None


def parse_partition_path(path: Path) -> dict[str, str]:
    """``…/region=R1/day=5/part.parquet`` → ``{"region": "R1", "day": "5"}``."""
    out: dict[str, str] = {}
    for part in Path(path).parts:
        if "=" in part:
            k, _, v = part.partition("=")
            out[k] = v
    return out


def _is_hidden(rel: Path) -> bool:
    return any(p.startswith(("_", ".")) for p in rel.parts)


# --- documentation ------------------------------------------------------------------------


def render_markdown() -> str:
    """The warehouse documentation (docs/warehouse.md) rendered from this module."""
    lines = [
        "# Warehouse schema",
        "",
        "<!-- Generated by `python -m coldstart.warehouse > docs/warehouse.md`; "
        "a test checks it matches coldstart/warehouse.py. Do not edit by hand. -->",
        "",
        f"Schema version: **{SCHEMA_VERSION}**.",
        "",
        (__doc__ or "").split("\n\n", 2)[2].strip(),
        "",
        "Default location `data/warehouse`; override with `COLDSTART_WAREHOUSE`, which "
        "`--warehouse` overrides.",
        "",
        "Types are Parquet/Arrow logical types. Integers are integers (the release writes some "
        "as floats); NaN in the release is stored as NULL; strings are dictionary-encoded "
        "by the writer (except cold_starts.podID, unique per cold start). Partition columns "
        "are typed by the reader from the folder names (DuckDB and polars give requests' "
        "`day` as a 64-bit integer; the cold starts' and per-minute tables' `day` is an int16 "
        "column); the types listed for them are the intended ranges.",
        "",
    ]
    for t in TABLES.values():
        parts = "/".join(f"{p}=…" for p in t.partition_names)
        lines += [
            f"## `{t.name}`",
            "",
            f"Grain: {t.grain}. Source: `{t.source}`. Files: `{t.name}/{parts}/part-*.parquet`."
            + (f" Sorted by {', '.join(t.sort_by)} within a file." if t.sort_by else ""),
            "",
            "| column | type | unit | meaning |",
            "|---|---|---|---|",
        ]
        for c in t.partitions:
            lines.append(f"| `{c.name}` (partition) | {c.type.name} | {c.unit} | {c.meaning} |")
        for c in t.columns:
            lines.append(f"| `{c.name}` | {c.type.name} | {c.unit} | {c.meaning} |")
        lines.append("")
        lines += [f"* {n}" for n in t.notes]
        lines.append("")
    lines += [
        "## Trigger groups",
        "",
        "```",
        TRIGGER_GROUP_ASSUMPTION,
        "```",
        "",
        "## requestID encoding",
        "",
        ENCODING_NOTES.strip(),
        "",
        "## Bookkeeping and the publish guarantee",
        "",
        PUBLISH_NOTES.strip(),
        "",
        "## Changes",
        "",
        *[f"* {c}" for c in CHANGES],
        "",
    ]
    return "\n".join(lines)


PUBLISH_NOTES = """\
* `_manifest.json` lists every ingested source file (logical name, container, size, mtime or
  CRC, content fingerprint, the day its rows mostly carry, rows read/written/skipped, quality
  counters, its output files and its rows in each of them as `part_rows` [start, stop)), every
  data file with its row count (`files`) and the schema version. `coldstart check` compares
  the files' footers with it and names each file that disagrees (and exits 1). A damaged
  manifest is one line naming it; `coldstart ingest --force` rebuilds from the files given.
* A source whose logical name (e.g. `cold_starts/R1/day_5.csv`), size and stamp are recorded
  is skipped; from another container (a zip after the folder) its CRC-32 decides. A source
  with the same bytes as one already held under another name (`day_5.csv` and `day_05.csv`,
  one member in two zips) is skipped with a note. A cold-start or per-minute source whose main
  day (from its `day` column, not its name) another source already fills is refused unless
  `--force`; a re-ingested source with fewer rows than before is refused unless `--replace`.
* A shared `pack-<id>.parquet` (small request parts) holds the rows of several sources, each
  with its range: re-ingesting some of them rewrites the pack with the others' rows, so they
  need not be read again (nor even still exist).
* A cold-start region (`cold_starts/region=…`, since version 5) holds its source files one
  after another in day order, in a few files named after the ingest (a new file after about
  8 M rows, a source never split), each source's rows in its file's order and one row group
  per (source, day); each source's rows there are its `part_rows`. The loader stages a
  source's days in hidden `_day=N` folders; the publish writes the region's files from them
  and the published files (row group by row group). If the new days all come after the
  published ones, no published source is re-ingested and the region has fewer than 8 files,
  the files are kept and the new sources go into a new one; otherwise the region is written
  anew and its old files are deleted at commit. A re-ingested source's old rows are left out,
  an emptied one (`--replace`) leaves no rows.
* A per-minute folder (`timeseries/region=…/metric=…`, `counts/region=…`) holds all its days
  in a few files named after the ingest that wrote them (`part-<ingest id>-<n>.parquet`, a
  new file after about 8 M rows, a day never split), one row group per day or slice of a day,
  rows sorted by day, funcID, time — so a reader's day filter skips whole row groups. The
  ingest writes each merged day into the folder's new staged files as soon as it is merged
  (files are merged region-day by region-day, so a folder's days come in order), behind the
  published days before it, copied row group by row group: a folder is read and written once,
  one day at a time. If all of an ingest's days for a folder come after its published ones
  and the folder has fewer than 8 files, its files are kept and the new days go into a new
  one (adding day 30 writes day 30); otherwise the folder is written anew, and a day that
  arrives out of order (rows of a day already written, files not named `day_N.csv`, a
  re-ingest) has the folder compacted once more at the publish. A later ingest adds its
  cells to a day (a cell already there is an error); a re-ingested source's columns are
  dropped first — refused when a column also holds cells of a source not re-ingested. The
  manifest's `pieces` name the days a source filled as `<folder>/day=N` (a logical name, not
  a folder).
* What an incremental per-minute ingest costs (synthetic `medium`, Region 3, 16 metrics:
  adding day 30's 163 files to a warehouse of days 0–29, 283 MB; 2 shared cores, load ≈ 20):
  1.8 s CPU and 251 MB peak RSS appending, against 6.4 s and 324 MB when the folders are
  rewritten whole (what every ingest did before, and what the ingest that would give a folder
  its ninth file still does). A day inserted before published days rewrites the folder: its
  bytes read and written once.
* Every ingest writes into `_staging/<txn>/` first. Only when all input has been read, checked
  and written does it publish: it writes `_journal.json` (the list of files to add and
  replace), moves old files aside into the staging folder, moves new files in and finally
  replaces `_manifest.json` with one rename — the commit point. A failed write leaves no
  temporary file behind.
* The per-minute files' cells and a merge's output are held in memory up to a budget
  (160 MB), beyond it in `_staging/<txn>/scratch`; cells are merged region-day by region-day
  and freed once merged, and a merged day is freed once written to its folder's staged file,
  so memory and scratch hold about one region-day at a time, not the whole ingest.
* Any error or Ctrl-C before the commit point rolls back at once: new files are removed and
  old ones moved back, so the warehouse is byte-for-byte as it was. If the process is killed
  during the publish (a short window of renames), the next `coldstart ingest` finds the
  journal and finishes the rollback (or, if the manifest was already committed, the cleanup)
  before doing anything else; `coldstart check` is read-only and only reports it
  (`coldstart.ingest.recover_warehouse()` does it from Python).
* `_lock` keeps two ingests from writing the same warehouse at once (an OS lock, released
  when the process dies). Readers (`check`, queries, the report) never take it.
"""


if __name__ == "__main__":
    print(render_markdown(), end="")

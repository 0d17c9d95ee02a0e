"""The data-quality summary, after every ingest and on demand (``coldstart check``).

Row and NULL counts come from the Parquet footers (no data is read, so it is instant on the
whole release); what the ingest saw but did not store — skipped rows, unparseable podIDs,
cold starts whose components do not add up — comes from the manifest's per-source counters.
The footers are also compared with the manifest (:func:`manifest_mismatches`): a data file the
manifest does not list, one it lists that is gone, a row count that differs, a source whose
rows in a part do not add up to the part — each named.

Read-only: the check never takes the ingest's lock and never changes a file. An interrupted
publish is reported (``interrupted``); the next ``coldstart ingest`` finishes or undoes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from coldstart.config import resolve_warehouse
from coldstart.errors import InputError
from coldstart.ingest.manifest import Manifest, read_manifest
from coldstart.warehouse import (
    JOURNAL_FILE,
    STAGING_DIR,
    TABLES,
    data_files,
    parse_partition_path,
)

CAVEATS: dict[str, tuple[str, ...]] = {
    "requests": (
        "covers day 30 only (time_worker 2,592,000–2,678,400 s)",
        "R1 keeps only the top 100 pods per function",
        "R3 is a subsample",
    ),
    "functions": (
        "Region 2 only; cpu_request of other regions comes from the published limit→request map",
    ),
    "cold_starts": ("pods alive at the start of the trace have no cold start",),
    "timeseries": ("NaN cells are not stored: a missing statistic is missing, not zero",),
    "counts": ("NaN cells are not stored: a missing (funcID, minute) means 0",),
}

ISSUE_TEXT: dict[str, str] = {
    "bad_rows": "malformed rows skipped (--skip-bad-rows)",
    "podID_unparseable": "podID not poolNN-CPU-MEM-N: kept, pool fields NULL",
    "podID_empty": "podID empty: kept, pool fields NULL",
    "components_mismatch": "cold-start components do not add up to the total (> 1e-6 s)",
    "day_column_mismatch": "day column differs from floor(time/86400)",
    "outside_request_day": "request outside day 30",
    "cpu_request_unknown": "CPU limit not in the published request map: cpu_request NULL",
    "funcID_unparseable": "funcID not funcName---userID---poolName",
    "time_not_minute": "per-minute time not a multiple of 60",
    "blank_lines": "blank lines skipped (no data)",
    "funcID_duplicate": "funcID listed twice with the same values: kept once",
}
MAX_MISMATCHES = 20  # named one by one; the rest are counted


@dataclass
class CheckResult:
    """Quality summary of a warehouse, as DataFrames (printing is the caller's business)."""

    warehouse: Path
    rows: pl.DataFrame  # table, region, metric, day, files, rows
    nulls: pl.DataFrame  # table, region, column, rows, nulls
    issues: pl.DataFrame  # table, region, issue, count, meaning
    caveats: pl.DataFrame  # table, caveat
    examples: list[str] = field(default_factory=list)  # a few skipped-row messages
    recovered: str | None = None  # what the ingest that produced this did to recover
    # Where the manifest and the files disagree (each names the file), and an interrupted
    # publish the check found (the next ingest finishes or undoes it).
    mismatches: list[str] = field(default_factory=list)
    interrupted: str | None = None
    # Every data file (path relative to the warehouse) and its rows. ``rows`` counts a file
    # once per day it holds, which since the few-files layouts is not the number of files.
    file_rows: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> pl.DataFrame:
        """One row per data file: table, region ("" for none), path."""
        records = []
        for rel in self.file_rows:
            parts = rel.split("/")
            region = next((p.partition("=")[2] for p in parts if p.startswith("region=")), "")
            records.append({"table": parts[0], "region": region, "path": rel})
        return pl.DataFrame(
            records, schema={"table": pl.String, "region": pl.String, "path": pl.String}
        )

    @property
    def totals(self) -> pl.DataFrame:
        """Rows and data files per table and region."""
        files = self.files.group_by("table", "region").agg(pl.len().cast(pl.Int64).alias("files"))
        return (
            self.rows.group_by("table", "region")
            .agg(pl.col("rows").sum())
            .join(files, on=["table", "region"], how="left")
            .with_columns(pl.col("files").fill_null(0))
            .select("table", "region", "files", "rows")
            .sort("table", "region")
        )


_ROWS_SCHEMA = {
    "table": pl.String,
    "region": pl.String,
    "metric": pl.String,
    "day": pl.Int16,
    "files": pl.Int64,
    "rows": pl.Int64,
}
_NULLS_SCHEMA = {
    "table": pl.String,
    "region": pl.String,
    "column": pl.String,
    "rows": pl.Int64,
    "nulls": pl.Int64,
}
_ISSUES_SCHEMA = {
    "table": pl.String,
    "region": pl.String,
    "issue": pl.String,
    "count": pl.Int64,
    "meaning": pl.String,
}


def check(warehouse: str | Path | None = None) -> CheckResult:
    """Summarise the warehouse at ``warehouse`` (default: see coldstart.config), read-only.

    Raises InputError (one line) for a folder that is no warehouse or a damaged manifest.
    """
    root = resolve_warehouse(warehouse)
    if not root.is_dir():
        raise InputError(f"{root}: no warehouse here; run `coldstart ingest` first")
    interrupted = None
    if (root / JOURNAL_FILE).exists():
        interrupted = (
            "an ingest was interrupted while publishing: readers may see part of it until the "
            "next `coldstart ingest` into this warehouse finishes or undoes it"
        )
    elif (root / STAGING_DIR).exists():
        interrupted = "an ingest is running, or was interrupted before publishing anything"
    manifest = read_manifest(root)
    rows, nulls, footer_rows = _scan_files(root)
    issues, examples = _manifest_issues(manifest)
    present = set(rows["table"].to_list())
    caveats = pl.DataFrame(
        [{"table": t, "caveat": c} for t, cs in CAVEATS.items() if t in present for c in cs],
        schema={"table": pl.String, "caveat": pl.String},
    )
    return CheckResult(
        root,
        rows,
        nulls,
        issues,
        caveats,
        examples,
        mismatches=manifest_mismatches(manifest, footer_rows),
        interrupted=interrupted,
        file_rows=footer_rows,
    )


def manifest_mismatches(manifest: Manifest, footer_rows: dict[str, int]) -> list[str]:
    """Every way the manifest and the data files (``footer_rows``: path → rows) disagree.

    The manifest's ``files`` lists each file's rows; each long-table source lists its rows in
    its parts as [start, stop), which together must cover each part exactly. A manifest of
    coldstart 0.2 has no ``files``: only the sources' ranges are compared.
    """
    out: list[str] = []
    if manifest.files is not None:
        for rel, rows in sorted(footer_rows.items()):
            if rel not in manifest.files:
                out.append(f"{rel}: {rows:,} rows in a file the manifest does not list")
            elif manifest.files[rel] != rows:
                out.append(
                    f"{rel}: {rows:,} rows in the file, {manifest.files[rel]:,} in the manifest"
                )
        for rel in sorted(set(manifest.files) - set(footer_rows)):
            out.append(f"{rel}: listed in the manifest ({manifest.files[rel]:,} rows), missing")
    ranges: dict[str, list[tuple[int, int, str]]] = {}
    for key, entry in manifest.sources.items():
        for rel, (start, stop) in entry.get("part_rows", {}).items():
            ranges.setdefault(rel, []).append((start, stop, key))
        for rel in entry.get("outputs", []):
            if rel not in footer_rows and (manifest.files is None or rel not in manifest.files):
                out.append(f"{rel}: an output of {key}, missing")
    for rel, spans in sorted(ranges.items()):
        if rel not in footer_rows:
            continue
        at = 0
        for start, stop, key in sorted(spans):
            if start != at:
                out.append(f"{rel}: {key} starts at row {start:,}, expected {at:,}")
            at = max(at, stop)
        if at != footer_rows[rel]:
            out.append(
                f"{rel}: {footer_rows[rel]:,} rows in the file, its sources in the manifest "
                f"give {at:,}"
            )
    out = sorted(set(out))
    if len(out) > MAX_MISMATCHES:
        out = [*out[:MAX_MISMATCHES], f"… and {len(out) - MAX_MISMATCHES} more"]
    return out


def _scan_files(root: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    footer_rows: dict[str, int] = {}
    row_recs: dict[tuple[str, str, str | None, int | None], list[int]] = {}
    null_recs: dict[tuple[str, str, str], list[int]] = {}
    for name in TABLES:
        top = {c.name for c in TABLES[name].columns}
        for f in data_files(root, name):
            keys = parse_partition_path(f.relative_to(root))
            region = keys.get("region", "")
            day = int(keys["day"]) if "day" in keys else None
            meta = pq.read_metadata(f)
            footer_rows[f.relative_to(root).as_posix()] = meta.num_rows
            day_col = next(
                (i for i in range(meta.num_columns) if meta.schema.column(i).path == "day"), -1
            )
            counted: set[int | None] = set()
            if meta.num_row_groups == 0:  # an empty file still counts as one
                row_recs.setdefault((name, region, keys.get("metric"), day), [0, 0])[0] += 1
            for rg in range(meta.num_row_groups):
                group = meta.row_group(rg)
                # The per-minute tables (version 4) keep one day per row group, in a column.
                rg_day = day if day_col < 0 else _row_group_day(group, day_col)
                rec = row_recs.setdefault((name, region, keys.get("metric"), rg_day), [0, 0])
                if rg_day not in counted:  # files per (…, day): this file once
                    counted.add(rg_day)
                    rec[0] += 1
                rec[1] += group.num_rows
                for ci in range(group.num_columns):
                    col = group.column(ci)
                    cname = col.path_in_schema
                    if cname not in top:  # nested (list) columns: no top-level null count
                        continue
                    st = col.statistics
                    n_null = st.null_count if st is not None and st.has_null_count else 0
                    nrec = null_recs.setdefault((name, region, cname), [0, 0])
                    nrec[0] += group.num_rows
                    nrec[1] += n_null
    rows = pl.DataFrame(
        [
            {"table": t, "region": r, "metric": m, "day": d, "files": v[0], "rows": v[1]}
            for (t, r, m, d), v in row_recs.items()
        ],
        schema=_ROWS_SCHEMA,
    ).sort("table", "region", "metric", "day", nulls_last=True)
    nulls = pl.DataFrame(
        [
            {"table": t, "region": r, "column": c, "rows": v[0], "nulls": v[1]}
            for (t, r, c), v in null_recs.items()
        ],
        schema=_NULLS_SCHEMA,
    )
    return rows, nulls, footer_rows


def _row_group_day(group: pq.RowGroupMetaData, col: int) -> int | None:
    stats = group.column(col).statistics
    if stats is None or not stats.has_min_max or stats.min != stats.max:
        return None
    return int(stats.min)


def _manifest_issues(manifest: Manifest) -> tuple[pl.DataFrame, list[str]]:
    recs: dict[tuple[str, str, str], int] = {}
    examples: list[str] = []
    for entry in manifest.sources.values():
        t, r = entry.get("table", ""), entry.get("region") or ""
        counters = {"bad_rows": entry.get("bad_rows", 0), **entry.get("counters", {})}
        for issue, n in counters.items():
            if issue in ISSUE_TEXT and isinstance(n, int) and n:
                recs[(t, r, issue)] = recs.get((t, r, issue), 0) + n
        examples.extend(entry.get("bad_row_examples", [])[: max(0, 5 - len(examples))])
    issues = pl.DataFrame(
        [
            {"table": t, "region": r, "issue": i, "count": n, "meaning": ISSUE_TEXT[i]}
            for (t, r, i), n in sorted(recs.items())
        ],
        schema=_ISSUES_SCHEMA,
    )
    return issues, examples

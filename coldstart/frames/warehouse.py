"""Frames about the warehouse itself: what it holds (from the quality check's row counts)."""

from __future__ import annotations

import polars as pl


def ingested_summary(
    rows: pl.DataFrame, files: pl.DataFrame, regions: tuple[str, ...] | None
) -> pl.DataFrame:
    """Rows and Parquet files per warehouse table, its regions and the days covered.

    ``rows``: the check's rows per (table, region, day); ``files``: one row per data file
    (table, region, path). Columns: table, region (comma-separated), days ("0–30", "30" or
    "–"), rows, files.
    """
    if regions is not None:
        keep = pl.col("region").is_in(list(regions)) | (pl.col("region") == "")
        rows, files = rows.filter(keep), files.filter(keep)
    n_files = files.group_by("table").agg(pl.len().cast(pl.Int64).alias("files"))
    return (
        rows.group_by("table")
        .agg(
            pl.col("rows").sum(),
            pl.col("region").filter(pl.col("region") != "").unique().sort().str.join(", "),
            pl.col("day").min().alias("first_day"),
            pl.col("day").max().alias("last_day"),
        )
        .with_columns(
            pl.when(pl.col("first_day").is_null())
            .then(pl.lit("–"))
            .when(pl.col("first_day") == pl.col("last_day"))
            .then(pl.col("first_day").cast(pl.String))
            .otherwise(
                pl.col("first_day").cast(pl.String) + "–" + pl.col("last_day").cast(pl.String)
            )
            .alias("days")
        )
        .join(n_files, on="table", how="left")
        .with_columns(pl.col("files").fill_null(0))
        .sort("table")
    )


def quality_notes(caveats: pl.DataFrame, issues: pl.DataFrame) -> list[str]:
    """The check's caveats and issue counts as one sentence each."""
    notes = [f"{t}: {c}." for t, c in caveats.iter_rows()]
    if not issues.is_empty():
        per_issue = (
            issues.group_by("table", "issue", "meaning")
            .agg(pl.col("count").sum())
            .sort("table", "issue")
        )
        for table, _issue, meaning, n in per_issue.iter_rows():
            notes.append(f"{table}: {n:,} × {meaning}.")
    return notes

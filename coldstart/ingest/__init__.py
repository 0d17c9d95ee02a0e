"""Ingest the release's CSVs and zips into the Parquet warehouse (issue 3).

Public API::

    from coldstart.ingest import ingest, check
    result = ingest(["downloads/cold_start_dataset"], warehouse="data/warehouse")
    result.sources          # polars DataFrame: one row per source file and what happened to it
    result.quality.totals   # rows per table and region
    check("data/warehouse") # the same quality summary, on demand

Modules: ``sources`` (finding files, zips read in place), ``csvread`` (streaming validated
CSV blocks), ``request_ids`` (hex → 32 bytes), ``loaders`` (long tables, functions),
``packs`` (small request parts loaded together into shared parts), ``wide_cells`` (sparse
reading of the per-minute files), ``timeseries`` (wide → long),
``parts`` (Parquet writing), ``manifest``, ``publish`` (staging, journal, atomic commit),
``quality`` (summary), ``run`` (orchestration and the memory-bounded thread scheduling).
The schema is in :mod:`coldstart.warehouse`.
"""

from __future__ import annotations

from coldstart.ingest.quality import CheckResult, check
from coldstart.ingest.run import IngestResult, detect_table, ingest

__all__ = ["CheckResult", "IngestResult", "check", "detect_table", "ingest"]

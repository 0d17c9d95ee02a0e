"""Ingest the release's CSVs and zips into the Parquet warehouse (issue 3).

Public API::

    from coldstart.ingest import ingest, check
    result = ingest(["downloads/cold_start_dataset"], warehouse="data/warehouse")
    result.sources          # polars DataFrame: one row per source file and what happened to it
    result.quality.totals   # rows per table and region
    check("data/warehouse") # the same quality summary, on demand (read-only)
    recover_warehouse("data/warehouse")  # finish or undo an interrupted publish now

Modules, in the order an ingest uses them: ``run`` (the orchestrator: plan → load → admit →
merge → publish), ``plan`` (each source's table and logical name, what to skip), ``sources``
(finding files, zips read in place, content fingerprints), ``csvread`` (streaming validated
CSV blocks, bounded lines), ``messages`` (what errors echo), ``results`` (the named types
loaders return), ``loaders`` (long tables, functions), ``request_ids`` (hex → 32 bytes),
``packs`` (small request parts loaded together into shared parts), ``wide_cells`` (sparse
reading of the per-minute files), ``timeseries`` (wide → long, partition merges),
``series_batches`` (per-minute files region-day by region-day), ``schedule`` (the thread
schedulers), ``identity`` (identical, already-filled and shrinking sources), ``parts``
(Parquet writing), ``manifest``, ``publish`` (staging, journal, atomic commit), ``quality``
(the read-only summary and manifest check), ``malloc`` (glibc tuning, opted into by the CLI).
The schema is in :mod:`coldstart.warehouse`.
"""

from __future__ import annotations

from coldstart.ingest.publish import recover_warehouse
from coldstart.ingest.quality import CheckResult, check
from coldstart.ingest.run import IngestResult, detect_table, ingest

__all__ = ["CheckResult", "IngestResult", "check", "detect_table", "ingest", "recover_warehouse"]

"""Fetching the release (issue 17): resumable, verified, and member by member when asked.

Public API::

    from coldstart.download import download
    result = download("downloads", regions=["R2"], tables=["timeseries"], days="0-6",
                      metrics=["cpu_usage_avg"])
    result.files        # polars DataFrame: one row per file/member, its status and bytes read
    result.total_bytes  # bytes read from the server (dry run: bytes that would be read)

Modules: ``catalog`` (the release's file list, a data file), ``selection`` (options → plan),
``drive`` (Google Drive's confirm, quota and sign-in pages), ``fetch`` (whole files: ``.part``,
Range resume), ``verify`` (size, zip directory, every member's CRC), ``remote_zip`` (single
members by range requests), ``extract`` (members out of a zip on disk, when a server ignores
Range), ``ledger`` (what was verified, so re-runs skip it), ``progress`` (byte bars), ``run``
(the orchestration).

HTTP is httpx: streaming bodies, Range/If-Range headers, redirects across hosts and one
keep-alive connection for the run; gdown and remotezip were not used (see ``drive`` and
``remote_zip`` for why).
"""

from __future__ import annotations

from coldstart.download.catalog import Catalog, ReleaseFile, load_catalog
from coldstart.download.errors import (
    DownloadError,
    DriveRefusedError,
    NotFoundError,
    RangeUnsupportedError,
    VerifyError,
)
from coldstart.download.run import DownloadResult, download, plan_only

__all__ = [
    "Catalog",
    "DownloadError",
    "DownloadResult",
    "DriveRefusedError",
    "NotFoundError",
    "RangeUnsupportedError",
    "ReleaseFile",
    "VerifyError",
    "download",
    "load_catalog",
    "plan_only",
]

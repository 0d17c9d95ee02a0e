"""The manifest: which source files the warehouse holds, and what ingesting them found.

A JSON file (``_manifest.json``) because it is small (one entry per source file, ~25 k for the
whole release), must be replaced atomically as the commit point of a publish, and should be
readable by a person wondering "did my R3 zip go in?".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coldstart.errors import InputError, UsageError
from coldstart.ingest.sources import Source
from coldstart.warehouse import MANIFEST_FILE, READABLE_VERSIONS, SCHEMA_VERSION


@dataclass
class Manifest:
    """Entries keyed by a source's logical name (``cold_starts/R1/day_5.csv``)."""

    schema_version: int = SCHEMA_VERSION
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    txn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "sources": self.sources,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }

    def is_current(self, key: str, source: Source) -> bool:
        """True if ``key`` was ingested from a file with the same content signature.

        Same size and same stamp (mtime or zip CRC) — or same size from a different kind of
        container (zip vs folder), where the stamps cannot be compared: the release's files are
        immutable, so that is the same file unzipped.
        """
        entry = self.sources.get(key)
        if entry is None or entry.get("size") != source.size:
            return False
        old_kind = str(entry.get("stamp", "")).split(":")[0]
        new_kind = source.stamp.split(":")[0]
        return old_kind != new_kind or entry.get("stamp") == source.stamp


def load_manifest(root: Path, *, force: bool) -> Manifest:
    """Read the manifest; a warehouse of another schema version needs ``--force``."""
    path = root / MANIFEST_FILE
    if not path.exists():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable manifest ({exc}); re-ingest with --force") from None
    version = data.get("schema_version")
    if version in READABLE_VERSIONS:  # an older layout this code extends: it is written anew
        version = SCHEMA_VERSION
    if version != SCHEMA_VERSION:
        if force:
            return _stale(data)
        raise UsageError(
            f"{root} holds warehouse schema version {version}, this coldstart writes version "
            f"{SCHEMA_VERSION}: re-run the ingest with --force to rebuild it"
        )
    return Manifest(schema_version=version, sources=data.get("sources", {}), txn=data.get("txn"))


def _stale(data: dict[str, Any]) -> Manifest:
    # Keep the old entries so a forced rebuild knows which files to remove.
    m = Manifest(sources=data.get("sources", {}), txn=data.get("txn"))
    m.schema_version = -1
    return m

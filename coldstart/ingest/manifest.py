"""The manifest: which source files the warehouse holds, what ingesting them found, and which
data files hold how many rows.

A JSON file (``_manifest.json``) because it is small (one entry per source file, ~25 k for the
whole release), must be replaced atomically as the commit point of a publish, and should be
readable by a person wondering "did my R3 zip go in?".

Two things are recorded side by side so that ``coldstart check`` can tell when they disagree:

* ``sources``: one entry per source file (:func:`entry_for` builds it): where it came from,
  its size, stamp and content fingerprint (CRC-32 of its bytes, as a zip stores it), the day
  its rows mostly carry, rows read/written/skipped, quality counters, its output files and,
  for the long tables, its rows in each of them (``part_rows``: [start, stop) row indexes);
  for the per-minute tables the (partition, column) cells it filled (``pieces``).
* ``files``: every published data file and its row count.

A manifest that does not parse, or has the wrong shape, is a :class:`ManifestError` naming the
file and how to recover (``--force`` rebuilds the warehouse from the files given).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from coldstart import release
from coldstart.errors import InputError, UsageError
from coldstart.ingest.loaders import SourceResult
from coldstart.ingest.sources import Source
from coldstart.warehouse import MANIFEST_FILE, READABLE_VERSIONS, SCHEMA_VERSION

Entry = dict[str, Any]


class ManifestError(InputError):
    """The manifest cannot be read or has the wrong shape."""


@dataclass
class Manifest:
    """Entries keyed by a source's logical name (``cold_starts/R1/day_5.csv``)."""

    schema_version: int = SCHEMA_VERSION
    sources: dict[str, Entry] = field(default_factory=dict)
    # Data file (relative path) → rows; None when an older coldstart wrote the manifest.
    files: dict[str, int] | None = field(default_factory=dict)
    txn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "sources": self.sources,
            "files": self.files or {},
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }

    def is_current(self, key: str, source: Source, content: Callable[[], str | None]) -> bool:
        """True if ``key`` was ingested from a file with the same content.

        Same size and same stamp (mtime or zip CRC); else the same size and the same content
        fingerprint (``content()`` computes the new one: a file unzipped again, a zip member
        after the folder file). Manifests of coldstart 0.2 have no fingerprint: then, as
        there, the same size from another kind of container.
        """
        entry = self.sources.get(key)
        if entry is None or entry.get("size") != source.size:
            return False
        if entry.get("stamp") == source.stamp:
            return True
        old = entry.get("content")
        if old is not None:
            return old == content()
        old_kind = str(entry.get("stamp", "")).split(":")[0]
        return old_kind != source.stamp.split(":")[0]


def entry_for(result: SourceResult, outputs: list[str]) -> Entry:
    """The manifest entry of a loaded source."""
    s = result.source
    return {
        "table": result.table,
        "region": s.region,
        "series": s.series,
        "container": str(s.container),
        "member": s.member,
        "size": s.size,
        "stamp": s.stamp,
        "content": result.content,
        "day": result.main_day,
        "rows_read": result.rows_read,
        "rows_written": result.rows_written,
        "bad_rows": result.bad_rows,
        "bad_row_examples": result.examples,
        "counters": result.counters,
        "outputs": outputs,
        **({"part_rows": result.part_rows} if result.part_rows else {}),
        **({"pieces": [p.record() for p in result.pieces]} if result.pieces else {}),
    }


def display(entry: Entry, key: str) -> str:
    """How messages name the file an entry came from (``archive.zip:member`` or path)."""
    container, member = entry.get("container"), entry.get("member")
    if not container:
        return key
    return f"{container}:{member}" if member else str(container)


def load_manifest(root: Path, *, force: bool) -> Manifest:
    """Read the manifest; a warehouse of another schema version or with a damaged manifest
    needs ``--force`` (which rebuilds it from the files given)."""
    try:
        m = read_manifest(root)
    except ManifestError:
        if force:
            return _stale({})
        raise
    if m.schema_version != SCHEMA_VERSION:
        if force:
            return _stale(m.sources)
        why = (
            " (since version 6 the cold starts carry their function's groups; since version 5 "
            "they, and since version 4 the per-minute tables, keep their days in a few files "
            "per folder)"
            if 0 < m.schema_version < SCHEMA_VERSION
            else ""
        )
        raise UsageError(
            f"{root} holds warehouse schema version {m.schema_version}, this coldstart writes "
            f"version {SCHEMA_VERSION}{why}: re-run the ingest with --force to rebuild it"
        )
    return m


def read_manifest(root: Path) -> Manifest:
    """The manifest as it is (no version policy); an empty one if there is none yet.

    Raises ManifestError, one line naming the file, for a manifest that is not JSON or does not
    have the shape this coldstart writes.
    """
    path = root / MANIFEST_FILE
    if not path.exists():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _damaged(path, f"not readable JSON: {str(exc)[:80]}") from None
    problem = _shape_problem(data)
    if problem:
        raise _damaged(path, problem)
    version = data["schema_version"]
    if version in READABLE_VERSIONS:  # an older layout this code extends: it is written anew
        version = SCHEMA_VERSION
    files = data.get("files")
    return Manifest(
        schema_version=version,
        sources=data.get("sources", {}),
        files=dict(files) if isinstance(files, dict) else None,
        txn=data.get("txn"),
    )


def _damaged(path: Path, what: str) -> ManifestError:
    return ManifestError(
        f"{path}: damaged manifest ({what}); rebuild the warehouse with `coldstart ingest "
        "--force <release files>` (it re-ingests the files given)"
    )


_ENTRY_TYPES: dict[str, type | tuple[type, ...]] = {
    "table": str,
    "outputs": list,
    "size": int,
    "rows_written": int,
    "rows_read": int,
    "bad_rows": int,
    "counters": dict,
    "part_rows": dict,
    "pieces": list,
    "bad_row_examples": list,
}


def _shape_problem(data: object) -> str | None:  # noqa: PLR0911 - one return per check
    """What is wrong with a parsed manifest's shape, or None."""
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, expected an object"
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        return "schema_version is missing or not an integer"
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        return "sources is not an object"
    for key, entry in sources.items():
        if not isinstance(entry, dict):
            return f"the entry of {key[:80]} is not an object"
        for name, kind in _ENTRY_TYPES.items():
            value = entry.get(name)
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                return f"{key[:80]}: {name} is not a {getattr(kind, '__name__', kind)}"
        if not all(isinstance(o, str) for o in entry.get("outputs", [])):
            return f"{key[:80]}: outputs holds a value that is not a path"
        for rel, rng in entry.get("part_rows", {}).items():
            if not (isinstance(rng, list) and len(rng) == 2 and all(type(v) is int for v in rng)):
                return f"{key[:80]}: part_rows of {rel[:80]} is not [start, stop]"
    files = data.get("files")
    if files is not None and (
        not isinstance(files, dict) or not all(type(v) is int for v in files.values())
    ):
        return "files is not an object of row counts"
    return None


def _stale(sources: dict[str, Entry]) -> Manifest:
    # Keep the old entries so a forced rebuild knows which files to remove.
    return Manifest(schema_version=-1, sources=sources, files=None)


class PieceRecord(NamedTuple):
    """A per-minute source's cells in one value column of one partition."""

    partition: str  # timeseries/region=R2/metric=cpu_usage/day=0
    column: str  # avg, std, …, or the count: requests, num_pods, num_cold_starts


def entry_pieces(key: str, entry: Entry) -> list[PieceRecord]:
    """The (partition, column) cells a per-minute entry filled. Entries of coldstart 0.2 have
    no ``pieces``: their partitions are their outputs' folders, their column is their folder's
    statistic (or count)."""
    if "pieces" in entry:
        return [PieceRecord(p["partition"], p["column"]) for p in entry["pieces"]]
    parts = key.split("/")
    if len(parts) != 4:
        return []
    metric, stat = release.split_series_folder(parts[2])
    column = stat if stat is not None else metric
    return [PieceRecord(o.rsplit("/", 1)[0], column) for o in entry.get("outputs", [])]

"""What a source holds, and the rules that keep its rows from being added twice or replaced by
fewer.

A source is known by what it holds, not by its name: its region and the day its rows mostly
carry (from the data: ``day_99.csv`` holding day 5 is day 5's file) plus a content fingerprint
(CRC-32 of its bytes, which a zip stores for each member, so the folder and the zip of one
release agree). :class:`Guard` applies three rules to every loaded source, before anything is
merged or published:

* **identical** — a new source with the same bytes as one already held (``day_5.csv`` and
  ``day_05.csv``, one member in two zips) is skipped, with a note saying so;
* **already filled** — a cold-start or per-minute source whose main day another source already
  fills (the warehouse's, or one read earlier in this ingest) is refused unless ``--force``:
  two different files for one region-day would double its rows;
* **shrinks** — a re-ingested source with fewer rows than it had (an empty or cut-short
  re-download) is refused unless ``--replace`` (or ``--force``).

Request part files are not claimed by day (the release has 200 parts of day 30 per region),
but an identical part under another name is still skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from coldstart.errors import InputError
from coldstart.ingest.manifest import Entry, Manifest, display
from coldstart.ingest.results import SourceResult
from coldstart.warehouse import parse_partition_path

CLAIMED_TABLES = ("cold_starts", "timeseries", "functions")
_NO_DAY = -1  # the function table has no day: one file per region


class Claim(NamedTuple):
    """A region-day of one table (and per-minute folder) that a source fills."""

    table: str
    region: str
    series: str | None
    day: int


class Content(NamedTuple):
    """What identifies a source's bytes: table, region, folder, size and CRC-32."""

    table: str
    region: str
    series: str | None
    size: int
    fingerprint: str


@dataclass(frozen=True)
class Holder:
    key: str
    display: str
    published: bool  # in the warehouse already, rather than read in this ingest


class Guard:
    """The three rules, over the warehouse's sources and the ones loaded so far."""

    def __init__(
        self, manifest: Manifest, replacing: set[str], *, force: bool, replace: bool
    ) -> None:
        self.manifest = manifest
        self.replacing = replacing  # keys re-ingested now: their old rows are being replaced
        self.force = force
        self.replace = replace or force
        self.claims: dict[Claim, Holder] = {}
        self.contents: dict[Content, Holder] = {}
        for key, entry in manifest.sources.items():
            if key in replacing:
                continue
            holder = Holder(key, display(entry, key), published=True)
            claim = _entry_claim(key, entry)
            if claim is not None:
                self.claims.setdefault(claim, holder)
            content = _entry_content(key, entry)
            if content is not None:
                self.contents.setdefault(content, holder)

    def admit(self, r: SourceResult) -> str | None:
        """None if ``r`` may be published; a note if it is skipped as identical to another
        source. Raises InputError for a shrinking re-ingest or a second source of a region-day."""
        self._refuse_shrinking(r)
        if r.rows_read == 0 and r.rows_written == 0:
            return None  # an empty file: no rows, nothing to double
        content = _content(r)
        holder = Holder(r.key, r.source.display, published=False)
        if content is not None and r.key not in self.manifest.sources:
            same = self.contents.get(content)
            if same is not None and same.key != r.key:
                state = "already in the warehouse" if same.published else "read in this ingest"
                return f"{r.source.display}: same content as {same.display} ({state}): skipped"
        claim = _claim(r)
        if claim is not None:
            other = self.claims.get(claim)
            if other is not None and other.key != r.key and not self.force:
                raise InputError(
                    f"{r.source.display} holds {_what(claim)}, which {other.display} already "
                    "holds with other content (a second copy under another name, e.g. day_5.csv "
                    "and day_05.csv?): ingest one of them, or --force to add both"
                )
            self.claims.setdefault(claim, holder)
        if content is not None:
            self.contents.setdefault(content, holder)
        return None

    def _refuse_shrinking(self, r: SourceResult) -> None:
        old = self.manifest.sources.get(r.key)
        if old is None or self.replace:
            return
        before = int(old.get("rows_written") or 0)
        if r.rows_written < before:
            unit = "cells" if r.table == "timeseries" else "rows"
            raise InputError(
                f"{r.source.display} now gives {r.rows_written:,} {unit}, {before:,} when it was "
                "ingested: refusing to replace them with fewer (an empty or cut-short "
                "re-download?); re-run with --replace to accept the new version"
            )


def _what(claim: Claim) -> str:
    if claim.table == "functions":
        return f"the function table of {claim.region}"
    folder = f" {claim.series}" if claim.series else ""
    return f"{claim.table}{folder} rows of {claim.region} day {claim.day}"


def _claim(r: SourceResult) -> Claim | None:
    if r.table not in CLAIMED_TABLES or r.source.region is None:
        return None
    if r.table == "functions":
        return Claim(r.table, r.source.region, None, _NO_DAY)
    day = r.main_day
    return None if day is None else Claim(r.table, r.source.region, r.source.series, day)


def _content(r: SourceResult) -> Content | None:
    if r.content is None or r.source.region is None:
        return None
    return Content(r.table, r.source.region, r.source.series, r.source.size, r.content)


def _entry_series(key: str, entry: Entry) -> str | None:
    if "series" in entry:
        return entry["series"]
    parts = key.split("/")  # timeseries/R2/cpu_usage_avg/day_3.csv (older manifests)
    return parts[2] if entry.get("table") == "timeseries" and len(parts) == 4 else None


def _entry_claim(key: str, entry: Entry) -> Claim | None:
    table, region = entry.get("table"), entry.get("region")
    if table not in CLAIMED_TABLES or not region or not entry.get("rows_written"):
        return None
    if table == "functions":
        return Claim(table, region, None, _NO_DAY)
    day = entry.get("day")
    if day is None:  # written by an older coldstart: the day of its (only) output
        days = {parse_partition_path(Path(o)).get("day") for o in entry.get("outputs", [])}
        if len(days) != 1 or None in days:
            return None
        day = int(days.pop())  # type: ignore[arg-type]
    return Claim(table, region, _entry_series(key, entry), int(day))


def _entry_content(key: str, entry: Entry) -> Content | None:
    fingerprint, region = entry.get("content"), entry.get("region")
    if fingerprint is None:
        stamp = str(entry.get("stamp", ""))
        fingerprint = f"crc32:{stamp[4:]}" if stamp.startswith("crc:") else None
    if fingerprint is None or not region or not entry.get("table"):
        return None
    return Content(
        entry["table"], region, _entry_series(key, entry), int(entry.get("size", -1)), fingerprint
    )

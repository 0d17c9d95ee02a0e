"""What to fetch: the user's regions, tables, days and metrics turned into a plan.

A release file is fetched whole unless the user wants only some of its members (some days of
a cold-start zip; some days or metrics of a quantile zip): then only the zip's directory and
those members are read, by range requests, and written in the release's folder layout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from coldstart import release
from coldstart.download.catalog import TABLES, Catalog, ReleaseFile
from coldstart.errors import UsageError

ALL_DAYS = frozenset(range(release.N_DAYS))
# Tables whose zips hold one member per day (and, for timeseries, per series folder).
_DAILY_TABLES = ("cold_starts", "timeseries")
_DAY_IN_NAME = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class MemberFilter:
    """Which members of a zip are wanted: days (None = all) and per-minute folders (None = all)."""

    days: frozenset[int] | None
    series: frozenset[str] | None

    def wants(self, member: str) -> bool:
        """Whether a zip member (``R1/day_5.csv``, ``R1/cpu_usage_avg/day_5.csv``) is wanted."""
        path = PurePosixPath(member)
        if member.endswith("/"):
            return False
        if path.suffix.lower() != ".csv":
            # Not a data file but a note on the archive (a synthetic trace's provenance
            # marker): it carries no day or series, is small, and dropping it would make a
            # synthetic download look like the release. Always fetched.
            return True
        if self.series is not None and (len(path.parts) < 2 or path.parts[-2] not in self.series):
            return False
        return self.days is None or member_day(member) in self.days


@dataclass(frozen=True)
class PlanItem:
    """One release file and how much of it to fetch."""

    file: ReleaseFile
    url: str
    members: MemberFilter | None  # None: the whole file


@dataclass(frozen=True)
class Plan:
    items: tuple[PlanItem, ...]
    notes: tuple[str, ...]  # what the selection left out and why


def member_day(member: str) -> int:
    """The day a member holds, from the number ending its file name (``day_5.csv`` -> 5).

    Zero padding and lexical order are not relied on (``day_05`` and ``day_5`` are day 5).
    Raises UsageError when the name carries no day, so a day filter cannot silently drop it.
    """
    m = _DAY_IN_NAME.search(PurePosixPath(member).stem)
    if m is None:
        raise UsageError(
            f"cannot tell which day zip member {member!r} holds (no number ends its name); "
            "fetch the whole zip (no --days)"
        )
    return int(m[1])


def parse_days(value: str | None) -> frozenset[int] | None:
    """``"0-6,14"`` -> {0..6, 14}; None (or every day) -> None. Names ``--days`` on error."""
    if value is None or not value.strip():
        return None
    days: set[int] = set()
    for raw in value.split(","):
        item = raw.strip()
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", item)
        if m is None:
            raise UsageError(f"--days {value!r}: {item!r} is not a day (N) or a range (N-M)")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if lo > hi or hi >= release.N_DAYS:
            raise UsageError(
                f"--days {value!r}: {item!r} is outside 0-{release.N_DAYS - 1} or reversed"
            )
        days.update(range(lo, hi + 1))
    return None if days == ALL_DAYS else frozenset(days)


def series_folders() -> tuple[str, ...]:
    """Every per-minute folder the release has: counts, then <metric>_<stat>."""
    return release.COUNT_SERIES + tuple(f"{m}_{s}" for m in release.METRICS for s in release.STATS)


def parse_metrics(names: Sequence[str] | None) -> frozenset[str] | None:
    """Metric names (``cpu_usage``: all its statistics), folders (``cpu_usage_avg``) or counts.

    Returns the set of per-minute folders wanted, None for all. Names ``--metrics`` on error.
    """
    if not names:
        return None
    folders = series_folders()
    wanted: set[str] = set()
    for name in names:
        if name in folders:
            wanted.add(name)
        elif name in release.METRICS:
            wanted.update(f"{name}_{s}" for s in release.STATS)
        else:
            raise UsageError(
                f"--metrics: {name!r} is not a metric ({', '.join(release.METRICS)}), a count "
                f"({', '.join(release.COUNT_SERIES)}) or a folder like cpu_usage_avg"
            )
    return frozenset(wanted)


def _choice(values: Sequence[str] | None, allowed: Sequence[str], option: str) -> list[str]:
    if not values:
        return list(allowed)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise UsageError(f"{option}: {', '.join(bad)} not one of {', '.join(allowed)}")
    return list(values)


def make_plan(
    catalog: Catalog,
    *,
    regions: Sequence[str] | None = None,
    tables: Sequence[str] | None = None,
    days: str | frozenset[int] | None = None,
    metrics: Sequence[str] | None = None,
    mirror: str | None = None,
) -> Plan:
    """The files (or members) to fetch for this selection, in the file list's order."""
    regs = _choice(regions, release.REGIONS, "--regions")
    tabs = _choice(tables, TABLES, "--tables")
    day_set = parse_days(days) if isinstance(days, str) or days is None else days
    if day_set == ALL_DAYS:
        day_set = None
    series = parse_metrics(metrics)
    notes: list[str] = []
    if series is not None and "timeseries" not in tabs:
        raise UsageError("--metrics selects per-minute series: add timeseries to --tables")
    if day_set is not None and "requests" in tabs and release.REQUEST_DAY not in day_set:
        tabs = [t for t in tabs if t != "requests"]
        notes.append(
            f"requests skipped: the request table covers day {release.REQUEST_DAY} only, "
            "which --days leaves out"
        )
    items = []
    unpublished = []
    for f in catalog.files:
        if f.region not in regs or f.table not in tabs:
            continue
        if not f.published and mirror is None:
            unpublished.append(f.name)
            continue
        members = None
        if f.table in _DAILY_TABLES and f.is_zip:
            filt = MemberFilter(days=day_set, series=series if f.table == "timeseries" else None)
            if filt.days is not None or filt.series is not None:
                members = filt
        items.append(PlanItem(file=f, url=catalog.url_for(f, mirror), members=members))
    if unpublished:
        notes.append(
            f"not published yet, skipped: {', '.join(unpublished)} (the file list gives no "
            f"link for them: {catalog.source}); use --mirror or --file-list once they are"
        )
    if not items and unpublished:
        raise UsageError(f"nothing to fetch: {notes[-1]}")
    if not items:
        raise UsageError(
            f"nothing to fetch: the file list has no {', '.join(tabs) or 'table'} for "
            f"{', '.join(regs)}"
        )
    return Plan(items=tuple(items), notes=tuple(notes))

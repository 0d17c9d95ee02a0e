"""Step 1 of an ingest: which table each source file belongs to, and which ones to load.

A source's table comes from its folder (``cold_start/``, ``quantiles/…``) and is confirmed by
its header, or comes from the header alone (a loose CSV). Sources already in the manifest with
the same content are skipped; the same logical file given twice (a folder and a zip of it) is
read once, and two *different* files with one logical name are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coldstart import release
from coldstart.errors import InputError, UsageError
from coldstart.ingest.csvread import read_header
from coldstart.ingest.loaders import EXPECTED_COLUMNS
from coldstart.ingest.manifest import Manifest
from coldstart.ingest.messages import shown, shown_list
from coldstart.ingest.sources import Source

TODO = "todo"  # to load
SKIPPED = "skipped"  # already in the warehouse, same content
FILTERED = "filtered"  # left out by --tables / --regions
DUPLICATE = "duplicate"  # the same logical file given twice in this ingest, same content
EMPTY = "empty"  # no header at all: no rows, no table
IDENTICAL = "identical"  # loaded, then found to be the same bytes as another source

_LONG_COLUMNS = {c for cols in EXPECTED_COLUMNS.values() for c in cols} - set(
    release.TIMESERIES_KEY_COLUMNS
)


@dataclass
class Planned:
    """One source and what the ingest does with it."""

    source: Source
    table: str | None
    key: str | None  # logical name in the manifest, e.g. cold_starts/R1/day_5.csv
    status: str
    note: str | None = None  # said to the user (why it was skipped)


def check_choice(
    values: Sequence[str] | None, allowed: Iterable[str], option: str
) -> list[str] | None:
    if values is None:
        return None
    allowed = list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise UsageError(
            f"{option}: unknown value {shown(unknown[0])!r}; choose from {', '.join(allowed)}"
        )
    return list(values)


def is_series_header(header: list[str]) -> bool:
    """``day,time,<funcID>,…`` — and none of the long tables' own columns after day and time
    (a cold-start header with one column misspelt also starts with day,time)."""
    return header[:2] == list(release.TIMESERIES_KEY_COLUMNS) and not (
        set(header[2:]) & _LONG_COLUMNS
    )


def detect_table(header: list[str], display: str) -> str:
    """The ingest table a CSV belongs to, from its header; InputError naming both otherwise."""
    for table, cols in EXPECTED_COLUMNS.items():
        if header == list(cols):
            return table
    if is_series_header(header):
        return "timeseries"
    expected = "; ".join(f"{t}: {shown_list(list(c), 60)}" for t, c in EXPECTED_COLUMNS.items())
    raise InputError(
        f"{display}: the header matches no table of the release. found: {shown_list(header)}; "
        f"expected one of {expected}; timeseries: day,time,<funcID>,…"
    )


def check_header(source: Source, planned: str, header: list[str]) -> str:
    """The header's table, which must be the one the file was planned as (from its folder)."""
    if planned == "timeseries" and is_series_header(header):
        return planned
    if planned in EXPECTED_COLUMNS and header == list(EXPECTED_COLUMNS[planned]):
        return planned
    try:
        other = detect_table(header, source.display)
    except InputError:
        other = None
    if other is not None:
        raise InputError(
            f"{source.display}: its folder says {planned} but its header is that of {other}"
        )
    if planned == "timeseries":
        raise InputError(
            f"{source.display}: not a per-minute header: expected day,time,<funcID>,…; found "
            f"{shown_list(header)}"
        )
    expected = list(EXPECTED_COLUMNS[planned])
    raise InputError(
        f"{source.display}: not the {planned} header ({_first_difference(expected, header)}). "
        f"expected: {shown_list(expected)}; found: {shown_list(header)}"
    )


def _first_difference(expected: list[str], found: list[str]) -> str:
    for i, (e, f) in enumerate(zip(expected, found, strict=False)):
        if e != f:
            return f"column {i + 1} is {shown(f, 40)}, expected {e}"
    return f"{len(expected)} columns expected, {len(found)} found"


def plan_sources(
    found: list[Source],
    manifest: Manifest,
    tables: list[str] | None,
    regions: list[str] | None,
    force: bool,
) -> list[Planned]:
    """Every source found, with its table, logical name and status (see the constants)."""
    plans: list[Planned] = []
    first: dict[str, Planned] = {}
    for s in found:
        if regions is not None and s.region is not None and s.region not in regions:
            plans.append(Planned(s, s.table, None, FILTERED))
            continue
        table = s.table
        if table is None:
            with s.open() as fh:
                header = read_header(fh, s.display)
            if not header:
                plans.append(Planned(s, None, None, EMPTY))
                continue
            table = detect_table(header, s.display)
        if tables is not None and table not in tables:
            plans.append(Planned(s, table, None, FILTERED))
            continue
        if s.region is None:
            raise InputError(
                f"{s.display}: cannot tell which region this file is from: keep it under a "
                "folder (or zip) named R1…R5, e.g. cold_start/R1/day_0.csv"
            )
        if regions is not None and s.region not in regions:
            plans.append(Planned(s, table, None, FILTERED))
            continue
        if table == "timeseries" and s.series is None:
            raise InputError(
                f"{s.display}: a per-minute file must sit in its metric folder (e.g. "
                "quantiles/R1/cpu_usage_avg/day_0.csv) so its metric is known"
            )
        key = s.key(table)
        if key in first:
            plans.append(_second_copy(s, table, key, first[key]))
            continue
        status = TODO if force or not manifest.is_current(key, s, s.content) else SKIPPED
        first[key] = Planned(s, table, key, status)
        plans.append(first[key])
    return plans


def _second_copy(s: Source, table: str, key: str, earlier: Planned) -> Planned:
    """The same logical file twice in one ingest (a folder and its zip): read once if the two
    have the same bytes, refused if they differ (which one is right?)."""
    if s.size == earlier.source.size and s.content() == earlier.source.content():
        return Planned(
            s, table, key, DUPLICATE, f"{s.display}: same content as {earlier.source.display}"
        )
    raise InputError(
        f"{s.display} and {earlier.source.display} are both {key} but their contents differ: "
        "ingest one of them"
    )

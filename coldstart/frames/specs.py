"""The registry of the paper's data figures: what each shows, the tables it needs, its builder.

:func:`build` turns a session into one figure's :class:`~coldstart.frames.model.FigureFrames`;
a missing warehouse table raises :class:`~coldstart.errors.MissingTableError` before any query
runs, so callers decide on the error's type, not its wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

import polars as pl

from coldstart.errors import MissingTableError, UsageError
from coldstart.frames import breakdowns, components, distributions, region2, regions, temporal
from coldstart.frames.model import FigureFrames
from coldstart.frames.options import TABLE_SOURCES, FigureOptions

Builder = Callable[[Any, FigureOptions], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class FigureSpec:
    """One paper figure: title, the warehouse tables it needs, its frames builder, and how
    fully the public release reproduces it (FULL / PARTIAL, the paper catalog's grades)."""

    fig_id: str
    title: str
    tables: tuple[str, ...]
    build: Builder
    grade: str
    function_region_only: bool = False

    @property
    def label(self) -> str:
        return f"Fig {int(self.fig_id.removeprefix('fig'))}"


def _spec(fig_id: str, title: str, tables: tuple[str, ...], build: Builder, grade: str,
          r2: bool = False) -> FigureSpec:  # fmt: skip
    return FigureSpec(fig_id, title, tables, build, grade, r2)


_CS, _COUNTS, _TS, _REQ, _FN = "cold_starts", "counts", "timeseries", "requests", "functions"

FIGURES: dict[str, FigureSpec] = {
    s.fig_id: s
    for s in (
        _spec("fig01", "Size of each region", (_COUNTS, _CS), regions.fig01, "FULL"),
        _spec("fig03", "Region statistics (CDFs)", (_COUNTS, _TS), regions.fig03, "FULL"),
        _spec("fig04", "Per-user concentration", (_COUNTS,), regions.fig04, "FULL"),
        _spec("fig05", "Daily peaks", (_COUNTS,), temporal.fig05, "FULL"),
        _spec("fig06", "Peak-to-trough ratio", (_COUNTS, _CS), temporal.fig06, "PARTIAL"),
        _spec("fig07", "Holiday effect", (_COUNTS, _TS), temporal.fig07, "FULL"),
        _spec("fig08", "Region 2 pods by group", (_COUNTS, _CS, _FN), region2.fig08, "FULL", True),
        _spec("fig09", "Region 2 triggers by runtime", (_FN,), region2.fig09, "FULL", True),
        _spec(
            "fig10",
            "Cold-start time and IAT distributions",
            (_CS,),
            distributions.fig10,
            "FULL / PARTIAL",
        ),
        _spec("fig11", "Hourly cold-start components", (_CS,), components.fig11, "FULL"),
        _spec("fig12", "Spearman correlations", (_CS,), components.fig12, "FULL"),
        _spec("fig13", "Components by pool size", (_CS,), components.fig13, "FULL"),
        _spec(
            "fig14",
            "Region 2 requests vs cold starts",
            (_COUNTS, _CS, _FN),
            region2.fig14,
            "FULL",
            True,
        ),
        _spec(
            "fig15", "Region 2 components by runtime", (_CS, _FN), breakdowns.fig15, "FULL", True
        ),
        _spec(
            "fig16", "Region 2 components by trigger", (_CS, _FN), breakdowns.fig16, "FULL", True
        ),
        _spec(
            "fig17",
            "Region 2 pod utility ratio",
            (_CS, _REQ, _FN),
            breakdowns.fig17,
            "PARTIAL",
            True,
        ),
    )
}


def figure_ids() -> list[str]:
    """The valid figure ids, in paper order (Fig 2 is a diagram, so there is no fig02)."""
    return list(FIGURES)


def resolve_ids(requested: Iterable[str]) -> list[str]:
    """``fig3``/``3``/``fig03``/``all`` → registry ids (in the order given, no duplicates)."""
    out: list[str] = []
    for raw in requested:
        key = raw.strip().lower()
        if key == "all":
            ids = figure_ids()
        else:
            digits = key.removeprefix("fig")
            fid = f"fig{int(digits):02d}" if digits.isdigit() else key
            if fid not in FIGURES:
                hint = " (Fig 2 is a diagram without data)" if fid == "fig02" else ""
                raise UsageError(
                    f"unknown figure {raw!r}{hint}; choose from {', '.join(figure_ids())} or all"
                )
            ids = [fid]
        out.extend(i for i in ids if i not in out)
    return out


def options(**given: Any) -> FigureOptions:
    """:class:`FigureOptions` from keyword arguments; an unknown name is a usage error."""
    names = {f.name for f in fields(FigureOptions)}
    unknown = sorted(set(given) - names)
    if unknown:
        raise UsageError(f"unknown figure option {unknown[0]!r}; the options are {sorted(names)}")
    return replace(FigureOptions(), **given).validated()


def missing_tables(fig_id: str, tables: Iterable[str]) -> list[str]:
    """The tables a figure needs that ``tables`` (a session's) lacks, in the spec's order."""
    present = set(tables)
    return [t for t in FIGURES[fig_id].tables if t not in present]


def build(
    fig_id: str, session: Any, opts: FigureOptions | None = None, **given: Any
) -> FigureFrames:
    """One figure's frames from a session (``coldstart.open(...)``, or a CachedSession).

    Raises :class:`MissingTableError` naming the first table the warehouse lacks. A Region 2
    figure whose region the selection leaves out returns no frames and ``excluded`` set.
    """
    (fid,) = resolve_ids([fig_id])
    spec = FIGURES[fid]
    opts = opts.validated() if opts is not None else options(**given)
    missing = missing_tables(fid, session.tables)
    if missing:
        raise MissingTableError(
            missing[0], needed_by=spec.label, hint=TABLE_SOURCES.get(missing[0], "")
        )
    if spec.function_region_only and opts.function_region_excluded:
        return FigureFrames(fid, {}, opts, excluded=opts.excluded_message())
    return FigureFrames(fid, spec.build(session, opts), opts)

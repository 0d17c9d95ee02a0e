"""The paper's stated numbers: one table that the synthetic-trace calibration and the report share.

``numbers.csv`` beside this module holds, one row per number, what the paper says about the
trace: which figure or passage, a short English statement, the value, its unit, and the tolerance
within which a faithful reproduction from the public release should land. We transcribed it by
hand from the paper

    A. Joosen, A. Hassan, M. Asenov, R. Singh, L. Darlow, J. Wang, Q. Deng, A. Barker:
    "Serverless Cold Starts and Where to Find Them", EuroSys 2025 (arXiv:2410.06145),

and, for a few exact counts of the release, from the dataset authors' demo notebook
(``src/demo_cold_start.ipynb`` in github.com/sir-lab/data-release). Nothing here is computed
from data at run time.

Why one table: the synthetic generator is calibrated against these numbers (its tests judge a
generated trace by them) and the report prints them beside the warehouse's own. If each kept its
own copy, the report could call "agrees" what the calibration calls a miss; with one table, the
paper's value, tolerance and source are stated once, and both read them through this module.

Columns and notation
--------------------
``id``
    Stable dotted key, lowercase: ``<figure>.<quantity>[.<group>][.<region>]``, e.g.
    ``fig10a.median_s.r1``, ``fig8d.pod_share.obs``, ``fig7a.pods_norm.d13.r2``. ``text.*`` are
    statistics not tied to one figure, ``release.*`` facts of the release itself, ``table1.*``
    Table 1. Region suffixes are ``r1``..``r5``. Where the text states a number and the figure
    draws the same quantity, the text keeps the plain id and the figure reading takes a ``_fig``
    suffix on the quantity (``fig3c.median_cores.r3`` vs ``fig3c.median_cores_fig.r3``).
``kind``
    ``text`` the paper states it in its text or a caption; ``figure`` read off a figure by us
    (about ±5-10 % on linear axes, ±0.1 decade on log axes); ``derived`` computed by us from
    stated numbers (e.g. the LogNormal σ from the stated mean and sd); ``notebook`` printed by
    the dataset authors' demo notebook on the public release.
``unit``
    ``s`` seconds (all times), ``share`` a fraction 0-1, ``ratio``, ``count``, ``cores``,
    ``mcpu``, ``MB``, ``day`` (day index or days since the trace start), ``rank``, ``year``, and
    ``1`` for dimensionless parameters and correlations.
``tolerance`` / ``tolerance_kind``
    ``rel``: |measured − value| ≤ tolerance·|value|; ``abs``: |measured − value| ≤ tolerance, in
    the row's unit; ``log10``: |log10 measured − log10 value| ≤ tolerance (decades); ``min``:
    a one-sided claim, measured ≥ value − tolerance (the tolerance is a slack, often 0);
    ``max``: measured ≤ value + tolerance. Boundaries agree.
``release``
    ``FULL`` the public release has everything needed to compute the number, ``PARTIAL`` only an
    approximation or a subset (e.g. pod lifetimes exist for day 30 only), ``NONE`` not at all.
``source``
    Where in the paper (figure, caption, section) or which notebook cell.
"""

from __future__ import annotations

import csv
import decimal
import difflib
import functools
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

COLUMNS = (
    "id",
    "figure",
    "statement",
    "value",
    "unit",
    "kind",
    "tolerance",
    "tolerance_kind",
    "release",
    "source",
)
KINDS = frozenset({"text", "figure", "derived", "notebook"})
RELEASES = frozenset({"FULL", "PARTIAL", "NONE"})
TOLERANCE_KINDS = frozenset({"rel", "abs", "log10", "min", "max"})
# Two-sided kinds need a positive width; one-sided bounds take a slack that may be zero.
TWO_SIDED = frozenset({"rel", "abs", "log10"})
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
TABLE_NAME = "numbers.csv"
_REGION_SUFFIX = re.compile(r"r[1-5]")

# Boundaries agree; this absorbs float noise such as 0.25 − 0.2 = 0.05000000000000002.
_EDGE = 1e-9


class PaperNumbersError(ValueError):
    """The table is malformed; the message names the line, the column, the value and the rule."""


class UnknownPaperNumberError(KeyError):
    """No row has this id; the message lists the closest ids."""

    def __str__(self) -> str:  # KeyError would print the message quoted, as a repr
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class PaperNumber:
    """One number the paper states, with the tolerance a reproduction is judged by."""

    id: str
    figure: str
    statement: str
    value: float
    unit: str
    kind: str
    tolerance: float
    tolerance_kind: str
    release: str
    source: str

    @property
    def region(self) -> str | None:
        """``"R1"``..``"R5"`` for a per-region number (id ending in ``.r1``..``.r5``), else None."""
        last = self.id.rsplit(".", 1)[1]
        return f"R{last[1:]}" if _REGION_SUFFIX.fullmatch(last) else None

    @property
    def lower(self) -> float:
        """Smallest measured value that agrees (``-inf`` for an upper bound)."""
        v, t = self.value, self.tolerance
        match self.tolerance_kind:
            case "rel":
                return v - t * abs(v)
            case "abs" | "min":
                return v - t
            case "log10":
                return v * 10.0**-t
            case _:
                return -math.inf

    @property
    def upper(self) -> float:
        """Largest measured value that agrees (``inf`` for a lower bound)."""
        v, t = self.value, self.tolerance
        match self.tolerance_kind:
            case "rel":
                return v + t * abs(v)
            case "abs" | "max":
                return v + t
            case "log10":
                return v * 10.0**t
            case _:
                return math.inf

    def agrees(self, measured: float) -> bool:
        """Whether ``measured`` lies within this number's tolerance (boundaries included).

        NaN never agrees; for ``log10`` a measured value ≤ 0 does not either (it is no decades
        from anything).
        """
        m = float(measured)
        v, t = self.value, self.tolerance
        match self.tolerance_kind:
            case _ if math.isnan(m):
                ok = False
            case "rel":
                ok = _within(abs(m - v), t * abs(v))
            case "abs":
                ok = _within(abs(m - v), t)
            case "log10":
                ok = m > 0 and _within(abs(math.log10(m) - math.log10(v)), t)
            case "min":
                ok = _within(v - t - m, 0.0, scale=abs(v) + t)
            case "max":
                ok = _within(m - v - t, 0.0, scale=abs(v) + t)
            case _:
                raise AssertionError(f"unchecked tolerance_kind {self.tolerance_kind!r}")
        return ok

    def describe_tolerance(self) -> str:
        """The tolerance in words for tables: "±10 %", "±0.05 s", "±0.1 decade", "≥ 1000",
        "≥ 11 million" — numbers as a reader writes them (:func:`human`), never "1.1e+07"."""
        t = self.tolerance
        unit = "" if self.unit in {"1", "share", "count"} else f" {self.unit}"
        match self.tolerance_kind:
            case "rel":
                return f"±{human(t * 100)} %"
            case "abs" if self.unit == "s" and 0 < t < 0.001:
                return f"±{human(t * 1e6)} µs"
            case "abs":
                return f"±{human(t)}{unit}"
            case "log10":
                return f"±{human(t)} decade" + ("s" if t > 1 else "")
            case "min":
                slack = f" ({human(self.value)} less {human(t)} slack)" if t else ""
                return f"≥ {human(self.lower)}{unit}{slack}"
            case "max":
                slack = f" ({human(self.value)} plus {human(t)} slack)" if t else ""
                return f"≤ {human(self.upper)}{unit}{slack}"
        raise AssertionError(f"unchecked tolerance_kind {self.tolerance_kind!r}")


def _within(distance: float, limit: float, *, scale: float | None = None) -> bool:
    edge = _EDGE * max(abs(limit) if scale is None else scale, 1e-300)
    return distance <= limit + edge


_WORDS = ((1e9, "billion"), (1e6, "million"))


def human(x: float) -> str:
    """A paper number as the paper writes it: "11 million", "8.5 billion", "11,913,857",
    "1000", "0.0019", "0.0000069" — never an exponent.

    Round values of a million and more (three significant digits or fewer) read in words;
    other integers keep every digit (an exact count stays exact), with thousands separators
    from 10,000 on; fractions are positional with up to 12 significant digits (so 0.15 · 100
    is "15", not "15.000000000000002").
    """
    if not math.isfinite(x):
        return "∞" if x > 0 else "−∞" if x < 0 else "NaN"
    x = float(f"{x:.12g}")
    if x == int(x):
        n = int(x)
        for factor, word in _WORDS:
            if abs(n) >= factor and len(str(abs(n)).rstrip("0")) <= 3:
                return f"{human(n / factor)} {word}"
        return f"{n:,}" if abs(n) >= 10_000 else str(n)
    text = format(decimal.Decimal(repr(x)), "f")
    whole, _, frac = text.partition(".")
    if abs(x) >= 10_000:
        whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if frac else whole


@functools.cache
def numbers() -> tuple[PaperNumber, ...]:
    """Every row of the table, in file order (read once, then cached)."""
    text = resources.files(__name__).joinpath(TABLE_NAME).read_text(encoding="utf-8")
    return parse(io.StringIO(text), origin=f"coldstart/paper/{TABLE_NAME}")


@functools.cache
def _by_id() -> dict[str, PaperNumber]:
    return {n.id: n for n in numbers()}


def number(id: str) -> PaperNumber:
    """The row with this id; an unknown id raises a KeyError naming the closest ids."""
    table = _by_id()
    try:
        return table[id]
    except KeyError:
        close = difflib.get_close_matches(id, table, n=5, cutoff=0.6)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UnknownPaperNumberError(
            f"no paper number {id!r} in coldstart/paper/{TABLE_NAME}{hint}"
        ) from None


def as_frame() -> pl.DataFrame:
    """The table as a polars DataFrame, plus ``region`` and the agreeing ``lower``/``upper``."""
    import polars as pl

    rows = numbers()
    data: dict[str, list[object]] = {
        f.name: [getattr(n, f.name) for n in rows] for f in fields(PaperNumber)
    }
    data["region"] = [n.region for n in rows]
    data["lower"] = [n.lower for n in rows]
    data["upper"] = [n.upper for n in rows]
    floats = {"value", "tolerance", "lower", "upper"}
    schema = {name: (pl.Float64 if name in floats else pl.String) for name in data}
    return pl.DataFrame(data, schema=schema)


def parse(lines: Iterable[str], *, origin: str) -> tuple[PaperNumber, ...]:
    """Read and check a table in the ``numbers.csv`` format.

    Raises PaperNumbersError with one line naming ``origin``, the line, the column, the value
    and what was expected.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise PaperNumbersError(
            f"{origin}, line 1: header {header!r}; expected exactly {','.join(COLUMNS)}"
        )
    out: list[PaperNumber] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if len(cells) != len(COLUMNS):
            raise PaperNumbersError(
                f"{origin}, line {line}: {len(cells)} cells; expected {len(COLUMNS)}"
            )
        row = dict(zip(COLUMNS, cells, strict=True))

        def bad(column: str, expected: str, row: dict[str, str] = row, line: int = line) -> None:
            raise PaperNumbersError(
                f"{origin}, line {line}, column {column}: {row[column]!r}; expected {expected}"
            )

        if not ID_PATTERN.match(row["id"]):
            bad("id", "a lowercase dotted key such as fig10a.median_s.r1")
        if row["id"] in seen:
            bad("id", f"a unique id (line {seen[row['id']]} has it already)")
        seen[row["id"]] = line
        for column in ("figure", "statement", "unit", "source"):
            if not row[column].strip():
                bad(column, "a non-empty text")
        if row["kind"] not in KINDS:
            bad("kind", f"one of {', '.join(sorted(KINDS))}")
        if row["tolerance_kind"] not in TOLERANCE_KINDS:
            bad("tolerance_kind", f"one of {', '.join(sorted(TOLERANCE_KINDS))}")
        if row["release"] not in RELEASES:
            bad("release", f"one of {', '.join(sorted(RELEASES))}")
        value = _number(row["value"])
        if value is None:
            bad("value", "a finite number")
        tolerance = _number(row["tolerance"])
        if tolerance is None or tolerance < 0:
            bad("tolerance", "a finite number ≥ 0")
        if row["tolerance_kind"] in TWO_SIDED and tolerance == 0:
            bad("tolerance", f"a number > 0 for tolerance_kind {row['tolerance_kind']}")
        if row["tolerance_kind"] == "log10" and value <= 0:
            bad("value", "a number > 0 for tolerance_kind log10")
        out.append(
            PaperNumber(
                id=row["id"],
                figure=row["figure"],
                statement=row["statement"],
                value=value,
                unit=row["unit"],
                kind=row["kind"],
                tolerance=tolerance,
                tolerance_kind=row["tolerance_kind"],
                release=row["release"],
                source=row["source"],
            )
        )
    return tuple(out)


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None

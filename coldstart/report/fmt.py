"""Number formatting shared by tables and findings, so a sentence and its table agree.

Units are the ones the query headers declare (``@column name [unit]``), plus a few for figure
data. Values are shown with three significant digits (the trace's timings are not more
precise than that in any useful sense), counts with thousands separators.
"""

from __future__ import annotations

import math
from typing import Any

MISSING = "–"


def sig(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, positional (0.00000690, 11,000,000): an
    exponent only below 10⁻⁹."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= digits - 1:
        return f"{x:,.0f}"
    if magnitude < -9:  # below a nanosecond, a ppb: nothing a reader counts zeros for
        return f"{x:.{digits - 1}e}"
    decimals = digits - 1 - magnitude
    return f"{x:.{decimals}f}"


def seconds(x: float) -> str:
    return f"{sig(x)} s"


def count(x: float) -> str:
    return f"{round(x):,}"


def big(x: float) -> str:
    """Large counts the way the paper writes them: 1.3 M, 85 G (billions as 'G' is ambiguous,
    so 'billion')."""
    for factor, suffix in ((1e9, " billion"), (1e6, " M"), (1e3, " k")):
        if abs(x) >= factor:
            return f"{sig(x / factor)}{suffix}"
    return count(x)


def share(x: float) -> str:
    pct = 100 * x
    if pct != 0 and abs(pct) < 0.1:
        return f"{sig(pct, 1)} %"
    return f"{pct:.1f} %"


def times(x: float) -> str:
    """A factor: 2.5×."""
    return f"{sig(x, 2)}×"


def rho(x: float) -> str:
    """A correlation with its sign, without a '-0.00'."""
    return "0.00" if round(x, 2) == 0 else f"{x:+.2f}"


def regions_list(names: list[str]) -> str:
    """['R1', 'R3', 'R4'] → 'R1, R3 and R4'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_FORMATTERS = {
    "count": count,
    "s": sig,
    "share": share,
    "ratio": sig,
    "pods": sig,
    "cores": sig,
    "requests/day": sig,
    "rho": rho,
    "norm": lambda x: f"{x:.2f}",
    "p": lambda x: f"{x:.2g}",
    "day": lambda x: str(int(x)),
    "hour": lambda x: str(int(x)),
}

UNITS = ("text", *_FORMATTERS)


def value(x: Any, unit: str) -> str:
    """One table cell. NULL/NaN show as an en dash, never as 'None' or 'nan'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    if unit == "text" or not isinstance(x, int | float):
        return str(x)
    return _FORMATTERS.get(unit, sig)(float(x))

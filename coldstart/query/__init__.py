"""The query layer: the SQL library in ``queries/``, sessions, the catalog file and its docs.

``coldstart.open(warehouse)`` returns a :class:`Session`; see ``docs/queries.md``. The names
below are imported on first use, so that ``coldstart queries`` (which needs only the library's
index, :mod:`coldstart.query.library`) does not load DuckDB, polars and pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coldstart.query.catalog import write_catalog
    from coldstart.query.session import QueryError, Session, open

_EXPORTS = {
    "QueryError": "coldstart.query.session",
    "Session": "coldstart.query.session",
    "open": "coldstart.query.session",
    "write_catalog": "coldstart.query.catalog",
}

__all__ = ["QueryError", "Session", "open", "write_catalog"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value

"""The query layer: the SQL library in ``queries/``, sessions, the catalog file and its docs.

``coldstart.open(warehouse)`` returns a :class:`Session`; see ``docs/queries.md``.
"""

from __future__ import annotations

from coldstart.query.catalog import write_catalog
from coldstart.query.session import QueryError, Session, open

__all__ = ["QueryError", "Session", "open", "write_catalog"]

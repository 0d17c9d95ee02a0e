"""Settings shared by the ingest and query layers.

One place decides where the warehouse lives, so ``coldstart ingest`` and every query agree:
an explicit path (``--warehouse``) wins over the ``COLDSTART_WAREHOUSE`` environment variable,
which wins over the default ``data/warehouse`` (relative to the working directory, like the
repository's ``data/`` folder).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data/warehouse")
WAREHOUSE_ENV = "COLDSTART_WAREHOUSE"


def resolve_warehouse(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the warehouse directory: ``path`` if given, else $COLDSTART_WAREHOUSE, else default.

    An empty environment variable counts as unset, so ``COLDSTART_WAREHOUSE= cmd`` falls back
    to the default instead of meaning "the current directory".
    """
    if path is not None and str(path) != "":
        return Path(path).expanduser()
    env = os.environ.get(WAREHOUSE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return DEFAULT_WAREHOUSE

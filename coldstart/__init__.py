"""coldstart: the Huawei Public Cloud serverless cold-start trace as a fast, queryable dataset.

Data flows release files -> loaders -> Parquet warehouse -> SQL queries -> DataFrames ->
plots/report. See README.md.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coldstart.query import Session

__version__ = "0.1.0"


def open(warehouse: str | os.PathLike[str] | None = None) -> Session:
    """Open a warehouse for queries: ``coldstart.open(path).query(name, **params)``.

    See :func:`coldstart.query.open`; imported lazily so that ``import coldstart`` stays light.
    """
    from coldstart.query import open as _open

    return _open(warehouse)

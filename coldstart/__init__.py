"""coldstart: the Huawei Public Cloud serverless cold-start trace as a fast, queryable dataset.

Data flows release files -> loaders -> Parquet warehouse -> SQL queries -> DataFrames ->
plots/report. See README.md.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coldstart.query import Session
    from coldstart.query.spark import SparkQuerySession

__version__ = "0.1.0"


def open(
    warehouse: str | os.PathLike[str] | None = None,
    *,
    engine: str = "duckdb",
    spark: Any = None,
    spark_master: str | None = None,
) -> Session | SparkQuerySession:
    """Open a warehouse for queries: ``coldstart.open(path).query(name, **params)``.

    ``engine="duckdb"`` (default): see :func:`coldstart.query.open`. ``engine="spark"``: the
    same named queries on Spark (:class:`coldstart.query.spark.SparkQuerySession`), on the
    SparkSession ``spark`` or a local one (``spark_master``, default ``local[2]``); the
    warehouse may then be any URI Spark reads (``s3a://…``, ``hdfs://…``). Imported lazily so
    that ``import coldstart`` stays light.
    """
    if engine == "spark":
        from coldstart.config import WAREHOUSE_ENV, resolve_warehouse
        from coldstart.query.spark import SparkQuerySession

        given = warehouse if warehouse is not None else os.environ.get(WAREHOUSE_ENV, "").strip()
        # a URI (s3a://…, also from $COLDSTART_WAREHOUSE) as given: a Path would fold its "//"
        location = given if given and "://" in str(given) else None
        return SparkQuerySession(
            location or resolve_warehouse(warehouse), spark=spark, master=spark_master
        )
    if engine != "duckdb":
        from coldstart.errors import UsageError

        raise UsageError(f"engine {engine!r} is not one of duckdb, spark")
    from coldstart.query import open as _open

    return _open(warehouse)

"""The same named queries on Apache Spark: ``coldstart.open(wh, engine="spark")``.

A :class:`SparkQuerySession` has the API of the DuckDB :class:`~coldstart.query.Session`
(``query(name, **params)``, ``sql(text, **params)``, ``queries()``, ``views()``, polars
DataFrames out) over a SparkSession — an existing one (a cluster's) or a local one it starts.
The warehouse is any location Spark reads (a local folder, ``file://``, ``s3a://``,
``hdfs://``); each table is read with the warehouse schema (``day`` SMALLINT, not Spark's
inferred int) and registered as the temporary view ``_wh_<table>``, then the library's views
are created over them as temporary views, translated from DuckDB SQL by
:mod:`coldstart.query.dialect`. Parameters are bound with Spark's named parameter markers,
never pasted into the text. pyspark (and Java) are needed only here: ``pip install
'coldstart[spark]'``.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from coldstart import warehouse
from coldstart.errors import ColdstartError, InputError, UsageError
from coldstart.query import dialect
from coldstart.query.library import SOURCE_PREFIX, Library, NamedQuery, load_library
from coldstart.query.session import CREATE_HINT, QueryError, bind_params

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

# A local session for one user: no web UI, few shuffle partitions (the defaults, 200
# partitions, cost seconds per query on small data), loopback only, UTC.
LOCAL_CONFIG: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
}


def local_spark(master: str = "local[2]", config: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession for ``master`` with :data:`LOCAL_CONFIG` (or the running one)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the Spark engine needs pyspark: pip install 'coldstart[spark]' (and Java 17)"
        ) from None
    builder = SparkSession.builder.master(master).appName("coldstart")
    for key, value in {**LOCAL_CONFIG, **(config or {})}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing, bad master URL: pyspark raises plain exceptions
        raise UsageError(f"cannot start Spark (master {master}): {_first_line(exc)}") from None
    spark.sparkContext.setLogLevel("ERROR")
    _quiet_pyspark_errors()
    return spark


def _active_spark() -> SparkSession | None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None  # local_spark says how to install it
    return SparkSession.getActiveSession()


def _quiet_pyspark_errors() -> None:
    """pyspark logs every failed query (its whole Java stack, as JSON) on stderr before raising;
    the raised error is what coldstart reports, in one line."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


def spark_type(t: pa.DataType) -> DataType:
    """Spark type of one warehouse column (the Arrow types coldstart.warehouse uses)."""
    from pyspark.sql import types as st

    if pa.types.is_fixed_size_binary(t) or pa.types.is_binary(t):
        return st.BinaryType()
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return st.ArrayType(spark_type(t.value_type))
    simple = {
        pa.string(): st.StringType(),
        pa.large_string(): st.StringType(),
        pa.float64(): st.DoubleType(),
        pa.int8(): st.ByteType(),
        pa.int16(): st.ShortType(),
        pa.int32(): st.IntegerType(),
        pa.int64(): st.LongType(),
        pa.bool_(): st.BooleanType(),
    }
    return simple[t]


def spark_schema(table: str) -> StructType:
    """File columns then partition columns, as Spark's partition discovery orders them."""
    from pyspark.sql import types as st

    spec = warehouse.TABLES[table]
    return st.StructType(
        [
            st.StructField(c.name, spark_type(c.type.arrow()))
            for c in (*spec.columns, *spec.partitions)
        ]
    )


def _is_local(location: str) -> bool:
    """A folder of this machine: a plain path or a ``file:`` URI (``file:///x``, ``file:/x``,
    Hadoop's spelling); anything else (``s3a://``, ``hdfs://``, …) is read through Spark."""
    return location.startswith("file:") or "://" not in location


def _local_path(location: str) -> Path:
    """The folder of a local location (a ``file:`` URI's path, percent-escapes decoded)."""
    if location.startswith("file:"):
        from urllib.parse import unquote, urlparse

        url = urlparse(location)
        if url.netloc not in {"", "localhost"}:
            raise UsageError(
                f"{location}: a file: URI names this machine's files, not {url.netloc}'s"
            )
        return Path(unquote(url.path))
    return Path(location).expanduser()


class SparkQuerySession:
    """Named queries and ad-hoc SQL over one warehouse, run by Spark.

    ``spark`` is the SparkSession used (given, or started for ``master``); it is stopped by
    :meth:`close` only if this object started it. ``cache=True`` keeps the warehouse tables in
    Spark's memory after their first scan: worth it for many queries over a warehouse that fits
    the executors' memory (the test suite's tiny one), not for one pass over a big one.
    """

    def __init__(
        self,
        location: str | os.PathLike[str],
        *,
        spark: SparkSession | None = None,
        master: str | None = None,
        library: Library | None = None,
        cache: bool = False,
    ) -> None:
        self.library = library or load_library()
        self.location = str(location)
        local = _is_local(self.location)
        if local:
            root = _local_path(self.location)
            if not root.is_dir():
                raise InputError(f"no warehouse at {root}: {CREATE_HINT.format(wh=root)}")
            self.tables = [t for t in warehouse.TABLES if warehouse.data_files(root, t)]
            if not self.tables:
                raise InputError(
                    f"the warehouse {root} is empty (no Parquet files under "
                    f"{', '.join(t + '/' for t in warehouse.TABLES)}): "
                    f"{CREATE_HINT.format(wh=root)}"
                )
            base = root.resolve().as_uri()
        else:
            base = self.location.rstrip("/")
        if spark is None:
            # getOrCreate hands back a running session: stop on close only one we started.
            self._owns_spark = _active_spark() is None
            spark = local_spark(master or "local[2]")
        else:
            self._owns_spark = False
        self.spark = spark
        _quiet_pyspark_errors()
        if not local:
            self.tables = [t for t in warehouse.TABLES if self._readable(f"{base}/{t}")]
            if not self.tables:
                self.close()
                raise InputError(
                    f"no warehouse at {base}: Spark finds none of its tables there "
                    f"({', '.join(t + '/' for t in warehouse.TABLES)}); check the URI and "
                    "the storage's credentials, or ingest one with `coldstart ingest`"
                )
        for table in warehouse.TABLES:
            path = f"{base}/{table}" if table in self.tables else None
            self._register(table, path, cache=cache)
        self.macros: dialect.Macros = {}
        for module in self.library.modules:
            self.macros.update(dialect.macros_of(module.body))
        for module in self.library.modules:
            for statement in dialect.spark_statements(module.body, self.macros):
                try:
                    self.spark.sql(statement)
                except Exception as exc:
                    raise QueryError(f"{module.path} (on Spark): {_first_line(exc)}") from None
        self._spark_sql: dict[str, str] = {}

    # --- the warehouse tables ---------------------------------------------------------------

    def _readable(self, path: str) -> bool:
        """A table folder Spark can list (a remote warehouse may lack some tables)."""
        jvm_path = self.spark._jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
        conf = self.spark._jsc.hadoopConfiguration()  # type: ignore[union-attr]
        try:
            return bool(jvm_path.getFileSystem(conf).exists(jvm_path))
        except Exception:
            return False

    def _register(self, table: str, path: str | None, *, cache: bool) -> None:
        schema = spark_schema(table)
        frame: DataFrame
        if path is None:  # a table the warehouse lacks: empty, typed, so every view binds
            frame = self.spark.createDataFrame([], schema)
        else:
            frame = self.spark.read.schema(schema).option("basePath", path).parquet(path)
            if cache:
                frame = frame.cache()
        frame.createOrReplaceTempView(f"{SOURCE_PREFIX}{table}")

    # --- context manager --------------------------------------------------------------------

    def close(self) -> None:
        """Stop the SparkSession if this object started it; on a session passed in, the
        temporary views stay (``spark.table("cold_starts")`` keeps working)."""
        if self._owns_spark:
            self.spark.stop()

    def __enter__(self) -> SparkQuerySession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- listing ----------------------------------------------------------------------------

    def queries(self) -> pl.DataFrame:
        """name, description, parameters, file — as the DuckDB session lists them."""
        return self.library.listing()

    def views(self) -> list[str]:
        return self.library.view_names()

    def named(self, name: str) -> NamedQuery:
        try:
            return self.library.queries[name]
        except KeyError:
            names = ", ".join(self.library.queries)
            raise UsageError(f"unknown query {name!r}; the queries are: {names}") from None

    def spark_sql(self, name: str) -> str:
        """The Spark SQL text of a named query (``:name`` markers for its parameters)."""
        if name not in self._spark_sql:
            self._spark_sql[name] = dialect.to_spark(self.named(name).sql, self.macros)
        return self._spark_sql[name]

    # --- running ----------------------------------------------------------------------------

    def query(self, name: str, /, **params: Any) -> pl.DataFrame:
        """Run a named query on Spark; parameters validated and bound as on DuckDB."""
        q = self.named(name)
        bound = bind_params(q, params)
        self._require_tables(q)
        return self._run(self.spark_sql(name), bound, where=f"query {q.name} (on Spark)")

    def sql(self, text: str, /, *, dialect_name: str = "duckdb", **params: Any) -> pl.DataFrame:
        """Run one reading statement. DuckDB SQL (as on the DuckDB session) is translated;
        ``dialect_name="spark"`` runs Spark SQL as written. ``$name`` / ``:name`` markers are
        bound from ``params``; anything but a query (CREATE, INSERT, SET, …) is refused."""
        if dialect_name not in {"duckdb", "spark"}:
            raise UsageError(f"dialect {dialect_name!r} is not one of duckdb, spark")
        import sqlglot

        try:
            trees = [t for t in sqlglot.parse(text, read=dialect_name) if t is not None]
        except sqlglot.errors.ParseError as exc:
            raise QueryError(f"SQL: {exc}") from None
        if len(trees) != 1:
            raise UsageError(
                f"give exactly one SQL statement (got {len(trees)}); "
                "combine them with WITH … SELECT"
            )
        if not dialect.is_read_only(trees[0]):
            raise UsageError(
                f"ad-hoc SQL is read-only: {trees[0].key.upper()} statements are not allowed, "
                "only SELECT (WITH, VALUES, set operations); the warehouse is changed only by "
                "`coldstart ingest`"
            )
        if dialect_name == "duckdb":
            spark_text = dialect.translate_tree(trees[0], self.macros)
        else:
            spark_text = text
        return self._run(spark_text, params, where="SQL (on Spark)")

    def _run(self, sql: str, params: dict[str, Any], *, where: str) -> pl.DataFrame:
        try:
            table = self.spark.sql(sql, args=params or None).toArrow()
        except ColdstartError:
            raise
        except Exception as exc:  # pyspark's AnalysisException & co: keep its first line
            raise QueryError(f"{where}: {_first_line(exc)}") from None
        return pl.from_arrow(table)  # type: ignore[return-value]

    def _require_tables(self, q: NamedQuery) -> None:
        for table in q.doc.needs:
            if table not in self.tables:
                raise InputError(
                    f"query {q.name} needs the warehouse table {table!r}, which "
                    f"{self.location} does not have; ingest it with `coldstart ingest`"
                )

    def __repr__(self) -> str:
        return f"SparkQuerySession(warehouse={self.location!r}, tables={self.tables})"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]

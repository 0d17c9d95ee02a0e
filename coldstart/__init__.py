"""coldstart: the Huawei Public Cloud serverless cold-start trace as a fast, queryable dataset.

Data flows release files -> loaders -> Parquet warehouse -> SQL queries -> DataFrames ->
plots/report. See README.md.
"""

__version__ = "0.1.0"

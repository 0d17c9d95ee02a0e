"""Benchmarks of coldstart side by side with the pandas/Dask workflow (see README.md here)."""

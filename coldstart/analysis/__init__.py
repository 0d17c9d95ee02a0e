"""Analyses that SQL does poorly: distribution fits, smoothing and peaks, correlations.

One analysis per module. Every function takes DataFrames (or arrays) and returns DataFrames or
small result dataclasses; none reads files, plots or prints, so the figures, the report and
notebooks can share them. scipy is imported inside the modules that need it.

* :mod:`~coldstart.analysis.ecdf` — empirical CDFs, from raw values or from log-binned counts.
* :mod:`~coldstart.analysis.fits` — LogNormal / Weibull fits in the paper's terms (Fig 10).
* :mod:`~coldstart.analysis.daily` — per-function daily request totals and their median (Fig 3a).
* :mod:`~coldstart.analysis.peaks` — smoothing and the daily peak (Fig 5).
* :mod:`~coldstart.analysis.peak_trough` — per-function peak-to-trough ratio (Fig 6).
* :mod:`~coldstart.analysis.holiday` — daily series normalised over a window (Fig 7).
* :mod:`~coldstart.analysis.correlation` — Spearman matrices with p-values (Fig 12).
* :mod:`~coldstart.analysis.density` — log-space densities and quantiles from binned counts
  (Fig 13's violins).
"""

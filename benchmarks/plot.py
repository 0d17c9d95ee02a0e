"""Scaling plot: ingest time and peak memory against input size, from the timings file only.

    .venv/bin/python -m benchmarks.plot [benchmarks/results/timings.csv] [-o benchmarks/scaling.png]

Reads nothing but the timings file (one row per run, written by ``python -m benchmarks``),
so the figure can be redrawn without re-measuring and always shows what was measured. For
each preset it takes the median time and the maximum peak RSS of the whole-release ingest
(``ingest_all``) of every tool, and draws them against the CSV megabytes read. A dashed line
through the origin and the largest point shows what perfectly linear time would be. A third
panel draws the queries the same way (median work seconds per preset): coldstart's session
beside the pandas or Dask workflow of the same question, against the CSV megabytes that
workflow parses (coldstart reads the same rows from Parquet).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from benchmarks.settings import HERE, from_env

TOOLS = {"coldstart": ("tab:blue", "coldstart ingest"), "pandas": ("tab:orange", "pandas read")}
# Query panel: benchmark → (colour, label); coldstart solid, its baseline dashed.
QUERY_BENCHES = {
    "by_region": ("tab:blue", "by region"),
    "by_runtime": ("tab:green", "by runtime (R2)"),
    "utility_ratio": ("tab:purple", "utility ratio"),
    "request_cdf": ("tab:red", "request CDF"),
}
BASELINES = ("pandas", "dask")


def query_table(timings: Path) -> pl.DataFrame:
    """bench, preset, coldstart and baseline median work s, the baseline's CSV MB."""
    t = pl.read_csv(timings).filter(pl.col("bench").is_in(list(QUERY_BENCHES)) & ~pl.col("warmup"))
    med = t.group_by("preset", "bench", "tool").agg(
        pl.col("work_s").median(), pl.col("input_mb").max()
    )
    ours = med.filter(pl.col("tool") == "coldstart").select("preset", "bench", "work_s")
    base = med.filter(pl.col("tool").is_in(BASELINES)).select(
        "preset",
        "bench",
        pl.col("tool").alias("baseline"),
        pl.col("work_s").alias("baseline_s"),
        "input_mb",
    )
    return ours.join(base, on=["preset", "bench"]).sort("bench", "input_mb")


def scaling_table(timings: Path, bench: str = "ingest_all") -> pl.DataFrame:
    """preset, tool, input_mb, work_s (median), wall_s (median), peak_rss_mb (max)."""
    t = pl.read_csv(timings)
    return (
        t.filter((pl.col("bench") == bench) & ~pl.col("warmup"))
        .group_by("preset", "tool")
        .agg(
            pl.col("input_mb").max(),
            pl.col("work_s").median(),
            pl.col("wall_s").median(),
            pl.col("peak_rss_mb").max(),
            pl.len().alias("runs"),
        )
        .sort("tool", "input_mb")
    )


def draw(table: pl.DataFrame, out: Path, queries: pl.DataFrame | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = 3 if queries is not None and queries.height else 2
    fig, axes = plt.subplots(
        1, panels, figsize=(5 * panels, 4.8 if panels == 3 else 4), layout="constrained"
    )
    ax_t, ax_m = axes[0], axes[1]
    if panels == 3:
        _draw_queries(axes[2], queries)
    for tool, (color, label) in TOOLS.items():
        d = table.filter(pl.col("tool") == tool)
        if d.height == 0:
            continue
        x = d["input_mb"].to_list()
        ax_t.plot(x, d["work_s"].to_list(), "o-", color=color, label=label)
        ax_m.plot(x, d["peak_rss_mb"].to_list(), "o-", color=color, label=label)
        for xi, yi, p in zip(x, d["work_s"].to_list(), d["preset"].to_list(), strict=True):
            ax_t.annotate(p, (xi, yi), textcoords="offset points", xytext=(4, -10), fontsize=8)
        # Linear reference through the origin and the largest input.
        xl, yl = x[-1], d["work_s"].to_list()[-1]
        ax_t.plot([x[0], xl], [yl * x[0] / xl, yl], "--", color=color, alpha=0.5, lw=1)
    from matplotlib.ticker import NullFormatter

    for ax in (ax_t, ax_m):
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("CSV input (MB, log scale)")
        ax.grid(alpha=0.3)
    ax_t.set_yscale("log")
    ax_t.set_ylabel("seconds (median; dashed = linear)")
    ax_t.set_title("Whole-release ingest time")
    ax_m.set_ylabel("peak RSS (MB)")
    ax_m.set_ylim(0, max(1150.0, 1.1 * float(table["peak_rss_mb"].max() or 0)))
    ax_m.axhline(1024, color="grey", ls=":", lw=1)
    ax_m.text(
        0.01,
        1024,
        "1 GB target",
        va="bottom",
        fontsize=8,
        color="grey",
        transform=ax_m.get_yaxis_transform(),
    )
    ax_m.set_title("Peak memory")
    ax_t.legend(loc="upper left")
    fig.savefig(out, dpi=120)
    print(out)


def _draw_queries(ax: object, q: pl.DataFrame) -> None:
    for bench, (color, label) in QUERY_BENCHES.items():
        d = q.filter(pl.col("bench") == bench)
        if d.height == 0:
            continue
        x = d["input_mb"].to_list()
        base = d["baseline"][0]
        ax.plot(x, d["work_s"].to_list(), "o-", color=color, label=f"{label}: coldstart")
        ax.plot(x, d["baseline_s"].to_list(), "s--", color=color, alpha=0.6, label=f"{base}")
        for xi, yi, p in zip(x, d["baseline_s"].to_list(), d["preset"].to_list(), strict=True):
            ax.annotate(p, (xi, yi), textcoords="offset points", xytext=(4, 2), fontsize=8)
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())  # 2×10², 3×10², … collided
    ax.set_xlabel("CSV the baseline parses (MB, log scale)")
    ax.set_ylabel("work seconds (median)")
    ax.set_title("Queries: coldstart (solid) vs pandas/Dask (dashed)")
    ax.grid(alpha=0.3)
    # Below the panel: inside it, the legend covered the baselines' points and labels.
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Draw benchmarks/scaling.png from the timings file.")
    ap.add_argument("timings", nargs="?", type=Path, default=from_env().timings_file)
    ap.add_argument("-o", "--out", type=Path, default=HERE / "scaling.png")
    args = ap.parse_args(argv)
    table = scaling_table(args.timings)
    print(table)
    draw(table, args.out, query_table(args.timings))


if __name__ == "__main__":
    main(sys.argv[1:])

# ruff: noqa: E501  (cell sources are written as they should read in the notebook)
"""Write the notebooks in this folder from the cell lists below (committed without outputs).

Editing a notebook in Jupyter is fine too; this script exists so the notebooks' source stays
reviewable as plain Python. Run: ``.venv/bin/python notebooks/_build.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

MAKE_DATA = """\
**Data.** This notebook reads the coldstart warehouse the way the CLI does: the folder in
`$COLDSTART_WAREHOUSE`, else `data/warehouse` (relative to where Jupyter runs; `make notebooks`
sets `COLDSTART_WAREHOUSE` to the repository's `data/warehouse`). To make one:

* without the download: `make demo` (or `coldstart demo`) generates the synthetic `small` trace
  and ingests it;
* from the real release: `coldstart ingest path/to/cold_start_dataset` (folders or the zip files
  as downloaded).
"""

SETUP = """\
%matplotlib inline
import polars as pl

import coldstart
from coldstart import frames, plots

pl.Config.set_tbl_rows(12)
pl.Config.set_tbl_width_chars(140)
wh = coldstart.open()  # $COLDSTART_WAREHOUSE, else data/warehouse
wh.warehouse"""


def quickstart() -> list:
    return [
        new_markdown_cell("# Quick start: the warehouse, named queries, a figure\n\n" + MAKE_DATA),
        new_code_cell(SETUP),
        new_markdown_cell("Every named query, its parameters (with defaults) and its SQL file:"),
        new_code_cell('wh.queries().select("name", "description", "parameters")'),
        new_markdown_cell("Fig 1's numbers: requests, functions, pods and cold starts per region."),
        new_code_cell('wh.query("region_summary")'),
        new_markdown_cell(
            "Cold starts by region: count, mean and percentiles (seconds) and the mean of each "
            "component with its share of the total."
        ),
        new_code_cell(
            'by_region = wh.query("cold_starts_by_region")\n'
            'by_region.select("region", "cold_starts", "mean_s", "p50_s", "p90_s", "p99_s")'
        ),
        new_markdown_cell(
            "A paper figure from the same warehouse: Fig 10 (cold-start time per region, the "
            "pooled LogNormal fit, inter-arrival times and their Weibull fit). `frames.build` "
            "returns the DataFrames it shows; `plots.draw` and `plots.caption` the figure "
            "and what it shows."
        ),
        new_code_cell(
            'fig10 = frames.build("fig10", wh)\nprint(plots.caption(fig10))\nplots.draw(fig10)'
        ),
        new_code_cell("list(fig10.frames)"),
        new_markdown_cell(
            "Change a parameter: the pod utility ratio assumes deletion one keep-alive (60 s) "
            "after a pod's last request. With a 2-minute keep-alive instead:"
        ),
        new_code_cell('wh.query("utility_ratio_by_runtime", region="R2", keep_alive_s=120)'),
        new_code_cell('plots.draw(frames.build("fig17", wh, keep_alive_s=120))'),
    ]


def anatomy() -> list:
    return [
        new_markdown_cell(
            "# Cold-start anatomy: regions, components, fits, hourly patterns\n\n" + MAKE_DATA
        ),
        new_code_cell(
            SETUP.replace(
                "from coldstart import frames, plots",
                "from coldstart import frames, plots\nfrom coldstart.analysis import fits",
            )
        ),
        new_markdown_cell(
            "## Regions\nMedian cold-start time and where the time goes, per region."
        ),
        new_code_cell(
            'by_region = wh.query("cold_starts_by_region")\n'
            "by_region.select(\n"
            '    "region",\n'
            '    "cold_starts",\n'
            '    "p50_s",\n'
            '    "mean_s",\n'
            '    "pod_allocation_share",\n'
            '    "deploy_code_share",\n'
            '    "deploy_dependency_share",\n'
            '    "scheduling_share",\n'
            ")"
        ),
        new_markdown_cell(
            "## Distribution fits\nThe paper fits a LogNormal to all cold-start times (mean 3.24 s, "
            "sd 7.10 s) and a Weibull to cold-start inter-arrival times (mean 1.25 s, sd 3.66 s)."
        ),
        new_code_cell(
            'values = wh.query("cold_starts_values")\n'
            'pooled = fits.fit_lognormal(values["total_s"])\n'
            'print(f"LogNormal: mean {pooled.mean_s:.2f} s, sd {pooled.sd_s:.2f} s, "\n'
            '      f"median {pooled.median_s:.2f} s, KS {pooled.ks_statistic:.3f}")'
        ),
        new_code_cell(
            "pl.DataFrame(\n"
            "    [\n"
            '        {"region": r, **{k: getattr(f, k) for k in ("n", "mean_s", "sd_s", "median_s")}}\n'
            '        for (r,), g in values.group_by("region", maintain_order=True)\n'
            '        for f in [fits.fit_lognormal(g["total_s"])]\n'
            "    ]\n"
            ').sort("region")'
        ),
        new_code_cell(
            'iat = wh.query("cold_starts_inter_arrival")\n'
            'weibull = fits.fit_weibull(iat["iat_s"])\n'
            'print(f"Weibull: mean {weibull.mean_s:.2f} s, sd {weibull.sd_s:.2f} s, "\n'
            "      f\"shape {weibull.params['c']:.3f}, zeros {weibull.zero_share:.1%}\")"
        ),
        new_code_cell('wh.query("cold_starts_inter_arrival_summary")'),
        new_markdown_cell(
            "## Hourly patterns\nHourly mean of each component and the number of cold starts "
            "(Fig 11); a region's busy hours show up in both."
        ),
        new_code_cell(
            'hourly = wh.query("cold_starts_hourly", region="R2")\n'
            'hourly.sort("cold_starts", descending=True).head(5)'
        ),
        new_code_cell('plots.draw(frames.build("fig11", wh))'),
        new_markdown_cell(
            "## Pool size\nSmall pools (≤ 400 mCPU and ≤ 256 MB) against large ones (Fig 13)."
        ),
        new_code_cell('wh.query("cold_starts_by_pool_size")'),
        new_code_cell('plots.draw(frames.build("fig13", wh))'),
    ]


def region2() -> list:
    return [
        new_markdown_cell(
            "# Region 2 deep dive: runtimes, triggers, pod utility ratio\n\n"
            "Region 2 is the only region with a function table (runtime, trigger types), so "
            "these breakdowns are Region 2 only.\n\n" + MAKE_DATA
        ),
        new_code_cell(SETUP),
        new_markdown_cell("## Runtimes and triggers"),
        new_code_cell(
            'wh.query("cold_starts_by_runtime", region="R2").select(\n'
            '    "runtime", "cold_starts", "share", "p50_s", "pod_allocation_s", "scheduling_s"\n'
            ")"
        ),
        new_code_cell('wh.query("cold_starts_by_trigger", region="R2")'),
        new_markdown_cell(
            "Shares of running pods, cold starts and functions per trigger group (Fig 8d). The "
            "rule that turns trigger lists into the paper's seven groups is a documented "
            "assumption (`coldstart.derive.TRIGGER_GROUP_ASSUMPTION`)."
        ),
        new_code_cell(
            "from coldstart import derive\n\nprint(derive.TRIGGER_GROUP_ASSUMPTION)\n"
            'wh.query("groups_proportions", region="R2", grouping="trigger")'
        ),
        new_code_cell('plots.draw(frames.build("fig15", wh))'),
        new_markdown_cell(
            "## Pod utility ratio\nUseful lifetime (end of the pod's last request − its cold "
            "start) over the cold-start time, for pods the request table (the last day) covers."
        ),
        new_code_cell(
            'ratio = wh.query("pod_utility_ratio", region="R2")\n'
            "ratio.select(\n"
            '    "podID", "runtime", "trigger_group", "cold_start_s", "useful_lifetime_s", "utility_ratio"\n'
            ").head()"
        ),
        new_code_cell('wh.query("utility_ratio_by_trigger", region="R2")'),
        new_markdown_cell(
            "### Sensitivity to the keep-alive assumption\nPod deletion times were not released; "
            "the maintainers suggest one keep-alive (60 s) after the last request. By that "
            "definition the useful lifetime (lifetime − keep-alive) is the end of the last "
            "request minus the cold start, whatever the keep-alive: the assumption enters only "
            "through which pods near the end of the request day are dropped as possibly cut off "
            "(`censor_s`, default one keep-alive). The table shows how much that moves the "
            "distribution."
        ),
        new_code_cell(
            "sensitivity = pl.concat(\n"
            "    [\n"
            '        wh.query("utility_ratio_by_runtime", region="R2", keep_alive_s=k)\n'
            '        .filter(pl.col("runtime") == "all")\n'
            "        .with_columns(keep_alive_s=pl.lit(k))\n"
            "        for k in (10.0, 30.0, 60.0, 120.0, 300.0)\n"
            "    ]\n"
            ")\n"
            'sensitivity.select("keep_alive_s", "pods", "share_below_1", "p50", "share_above_100")'
        ),
        new_code_cell('plots.draw(frames.build("fig17", wh))'),
    ]


def adhoc_sql() -> list:
    return [
        new_markdown_cell(
            "# Ad-hoc SQL over the warehouse\n\n"
            "The named queries cover the paper; anything else is SQL away. `wh.sql` runs "
            "read-only DuckDB SQL over the same views (`cold_starts`, `requests`, `counts`, "
            "`timeseries`, `functions`, `cold_starts_attributed`) and returns a polars DataFrame; "
            "`$name` parameters are bound, never pasted into the text. `wh.con` is the DuckDB "
            "connection itself.\n\n" + MAKE_DATA
        ),
        new_code_cell(SETUP.replace("from coldstart import frames, plots\n", "")),
        new_markdown_cell("What is there: the views and their columns."),
        new_code_cell(
            "wh.sql(\n"
            '    "SELECT table_name, count(*) AS columns FROM information_schema.columns "\n'
            "    \"WHERE NOT starts_with(table_name, '_') GROUP BY 1 ORDER BY 1\"\n"
            ")"
        ),
        new_markdown_cell(
            "Execution time of requests by runtime on the request day: joins the request table "
            "with the function table, which no named query does."
        ),
        new_code_cell(
            'wh.sql(\n    """\n'
            "    SELECT f.runtime,\n"
            "           count(*) AS requests,\n"
            "           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.totalCost_worker) AS p50_s,\n"
            "           percentile_cont(0.99) WITHIN GROUP (ORDER BY r.totalCost_worker) AS p99_s,\n"
            "           avg(r.cpu_usage) AS mean_cpu_cores\n"
            "    FROM requests r JOIN functions f USING (funcID)\n"
            "    WHERE r.region = $region\n"
            "    GROUP BY f.runtime\n"
            "    ORDER BY requests DESC\n"
            '    """,\n    region="R2",\n)'
        ),
        new_markdown_cell(
            "Cold starts per cluster and hour of the day, for one region (a bound parameter):"
        ),
        new_code_cell(
            'per_cluster = wh.sql(\n    """\n'
            "    SELECT clusterName, hour % 24 AS hour_of_day, count(*) AS cold_starts,\n"
            "           median(totalCost_cold_start) AS p50_s\n"
            "    FROM cold_starts\n"
            "    WHERE region = $region\n"
            "    GROUP BY ALL ORDER BY clusterName, hour_of_day\n"
            '    """,\n    region="R1",\n)\n'
            'per_cluster.pivot(on="clusterName", index="hour_of_day", values="cold_starts").head()'
        ),
        new_markdown_cell(
            "Per-minute CPU of the busiest functions, joining the long per-minute statistics "
            "with the request counts:"
        ),
        new_code_cell(
            'wh.sql(\n    """\n'
            "    WITH busiest AS (\n"
            "        SELECT funcID, sum(requests) AS requests FROM counts\n"
            "        WHERE region = $region GROUP BY funcID ORDER BY requests DESC LIMIT 3\n"
            "    )\n"
            "    SELECT t.funcID, b.requests AS total_requests, count(*) AS minutes,\n"
            "           avg(t.avg) AS mean_cpu_cores, max(t.quantile_100) AS max_cpu_cores\n"
            "    FROM timeseries t JOIN busiest b USING (funcID)\n"
            "    WHERE t.region = $region AND t.metric = 'cpu_usage'\n"
            "    GROUP BY ALL ORDER BY total_requests DESC\n"
            '    """,\n    region="R2",\n)'
        ),
        new_markdown_cell(
            "The connection is DuckDB's own, for its relational API or anything else; it cannot "
            "write files or modify the warehouse:"
        ),
        new_code_cell(
            "try:\n"
            "    wh.sql(\"COPY (SELECT 1) TO 'x.csv'\")\n"
            "except coldstart.errors.ColdstartError as exc:\n"
            '    print("refused:", exc)'
        ),
    ]


NOTEBOOKS = {
    "01_quickstart.ipynb": quickstart,
    "02_cold_start_anatomy.ipynb": anatomy,
    "03_region2_deep_dive.ipynb": region2,
    "04_adhoc_sql.ipynb": adhoc_sql,
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells())
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
    # Committed notebooks follow the project's style like any other code.
    ruff = Path(sys.executable).with_name("ruff")
    paths = [str(HERE / name) for name in NOTEBOOKS]
    subprocess.run([str(ruff), "format", "--quiet", *paths], check=True)


if __name__ == "__main__":
    main()

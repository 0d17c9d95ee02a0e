"""One runner: coldstart side by side with the pandas/Dask workflow, on the same data.

    .venv/bin/python -m benchmarks                       # medium preset (make bench)
    .venv/bin/python -m benchmarks --presets tiny,small  # other sizes (the scaling plot)
    .venv/bin/python -m benchmarks --only queries,cdf    # some groups only
    .venv/bin/python -m benchmarks --dataset DIR         # an existing release folder
    .venv/bin/python -m benchmarks --cache /work/cache   # prepared traces and warehouses

Groups (``--only``): ``ingest`` (long tables: coldstart vs the one-line polars/DuckDB
conversions vs pandas ``read_csv``), ``ingest_all`` (the whole release: coldstart vs pandas
reading every file; also builds the warehouse the later groups query), ``queries`` (the
breakdowns and the utility ratio: coldstart vs the bare DuckDB script over the same files vs
pandas from the CSVs), ``repeat`` (the same query repeated inside one process: coldstart's
session vs a bare DuckDB connection), ``cdf`` (the ``requests_cdf`` named query vs the bare
DuckDB script vs Dask), ``report`` (``coldstart report`` end to end).

Every measurement is a warm-up and then several runs, each a fresh process, the tools of one
benchmark interleaved (A, B, C, A, B, C, …) so that they share the machine's load alike;
answers of each pair are compared and the run fails (exit 1) if they differ. Settings come from the
``BENCH_*`` environment variables (benchmarks/settings.py), overridden by the options here.
Results: ``benchmarks/results/timings.csv`` (every run) and ``summary-<preset>.json``;
``--write-readme`` updates benchmarks/README.md and ``--plot`` draws benchmarks/scaling.png.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import harness, prepare
from benchmarks.harness import Check, LoadSampler, Measurement
from benchmarks.settings import FLOOR_BENCH, REPO, Settings, from_env, parse_skip

GROUPS = ("ingest", "ingest_all", "queries", "repeat", "cdf", "report")
LONG_TABLES = ("cold_starts", "requests")
INGEST_TOOLS = ("coldstart", "polars", "duckdb", "pandas")
QUERY_BENCHES = ("by_region", "by_runtime", "by_trigger", "utility_ratio")
# In-process repeated queries (one session or connection, the median of repeats).
REPEAT_BENCHES = ("by_region", "utility_ratio")
BENCH_EXTRA_HINT = (
    "the benchmarks compare against pandas and Dask, which are not coldstart dependencies; "
    "install them with:  .venv/bin/pip install -e '.[bench]'   "
    "(or: .venv/bin/pip install pandas 'dask[dataframe]')"
)


def missing_bench_deps() -> list[str]:
    """The ``bench`` extra's modules that are not importable."""
    return [m for m in ("pandas", "dask", "dask.dataframe") if _missing(m)]


def _missing(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


class Runner:
    """Runs the selected groups on one preset and collects measurements and checks."""

    def __init__(self, preset: str, settings: Settings) -> None:
        self.preset = preset
        self.settings = settings
        self.dataset = prepare.trace(preset, settings)
        self.measurements: list[Measurement] = []
        self.checks: list[Check] = []
        self.notes: list[str] = []
        self.answers = settings.results_dir / "answers" / preset
        self.answers.mkdir(parents=True, exist_ok=True)
        self.scratch = settings.work_dir / "scratch" / preset  # presets may run at once

    # --- helpers --------------------------------------------------------------------------

    def _scratch(self, name: str) -> Path:
        path = self.scratch / name
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _task(
        self,
        bench: str,
        tool: str,
        task: str,
        args: dict[str, Any],
        *,
        answer: bool = False,
        runs: int | None = None,
        warmup: int | None = None,
        scratch_arg: str | None = None,
    ) -> Measurement:
        stem = self.answers / f"{bench}-{tool}"

        def cmd(i: int) -> list[str]:
            a = dict(args)
            if scratch_arg:
                a[scratch_arg] = str(self._scratch(f"{bench}-{tool}-{i}"))
            spec = {"task": task, "tool": tool, "args": a, "answer": str(stem) if answer else None}
            return harness.child_cmd(spec)

        m = harness.measure(self.preset, bench, tool, cmd, self.settings, runs=runs, warmup=warmup)
        self.measurements.append(m)
        return m

    def _check(self, bench: str, ref: str, other: str, **tol: float) -> None:
        if {(bench, ref), (bench, other)} & self.settings.skip:
            return  # one side not run (--skip): nothing to compare
        c = harness.check_answers(
            bench,
            (ref, self.answers / f"{bench}-{ref}"),
            (other, self.answers / f"{bench}-{other}"),
            **tol,
        )
        self.checks.append(c)
        print(f"  answer check {bench}: {ref} vs {other}: {'OK' if c.ok else 'FAIL'} {c.detail}")

    def _check_rows(self, bench: str, tools: list[Measurement]) -> None:
        """Ingest answers are row counts: every tool must read the same number of rows."""
        rows = {m.tool: m.runs[-1].rows for m in tools}
        ok = len(set(rows.values())) == 1
        self.checks.append(Check(bench, (tools[0].tool, "all"), ok, f"rows {rows}"))
        print(f"  answer check {bench}: {'OK' if ok else 'FAIL'} rows {rows}")

    # --- groups ---------------------------------------------------------------------------

    def ingest(self) -> None:
        """Long tables: coldstart vs the one-line conversions vs pandas, table by table."""
        for table in LONG_TABLES:
            done = []
            for tool in INGEST_TOOLS:
                args = {"dataset": str(self.dataset), "tables": [table]}
                done.append(
                    self._task(f"ingest_{table}", tool, f"ingest_{tool}", args, scratch_arg="out")
                )
            self._check_rows(f"ingest_{table}", done)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def ingest_all(self) -> None:
        """The whole release: coldstart's ingest (kept as the warehouse) vs pandas reading it."""
        runs, warm = self.settings.slow_runs, 0
        m = self._task(
            "ingest_all",
            "coldstart",
            "ingest_coldstart",
            {"dataset": str(self.dataset), "tables": None},
            runs=runs,
            warmup=warm,
            scratch_arg="out",
        )
        last = self.scratch / f"ingest_all-coldstart-{runs - 1}"
        prepare.keep_warehouse(last, self.preset, self.settings)
        if not self.settings.ingest_baseline:
            self.notes.append("ingest_all: no pandas run (--no-ingest-baseline)")
            shutil.rmtree(self.scratch, ignore_errors=True)
            return
        p = self._task(
            "ingest_all",
            "pandas",
            "ingest_pandas",
            {"dataset": str(self.dataset), "tables": None},
            runs=runs,
            warmup=warm,
            scratch_arg="out",
        )
        self.notes.append(
            f"ingest_all rows: coldstart {m.runs[-1].rows} (time series in long form), "
            f"pandas {p.runs[-1].rows} (wide per-minute rows): not comparable by design"
        )
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _interleaved(
        self, bench: str, tools: list[tuple[str, str, dict[str, Any]]], *, answer: bool = True
    ) -> list[Measurement]:
        """Several tools of one benchmark, runs interleaved (see harness.measure_interleaved)."""

        def cmd_for(tool: str, task: str, args: dict[str, Any]) -> Any:
            stem = self.answers / f"{bench}-{tool}"
            spec = {
                "task": task,
                "tool": tool,
                "args": args,
                "answer": str(stem) if answer else None,
            }
            return lambda i: harness.child_cmd(spec)

        kept = [t for t in tools if (bench, t[0]) not in self.settings.skip]
        if len(kept) < len(tools):
            left = [t[0] for t in tools if (bench, t[0]) in self.settings.skip]
            self.notes.append(f"{bench}: {', '.join(left)} not run (--skip)")
        ms = harness.measure_interleaved(
            self.preset,
            bench,
            [(tool, cmd_for(tool, task, args)) for tool, task, args in kept],
            self.settings,
        )
        self.measurements += ms
        return ms

    def queries(self) -> None:
        """Each breakdown: the session, the catalog file, the bare DuckDB script, pandas."""
        wh = prepare.warehouse(self.preset, self.settings)
        cat = str(prepare.catalog(self.preset, self.settings))
        for bench in QUERY_BENCHES:
            self._interleaved(
                bench,
                [
                    ("coldstart", "query_coldstart", {"warehouse": str(wh), "bench": bench}),
                    ("catalog", "query_catalog", {"catalog": cat, "bench": bench}),
                    ("duckdb", "query_duckdb", {"bench": bench, **bare_script(wh, bench)}),
                    ("pandas", "query_pandas", {"dataset": str(self.dataset), "bench": bench}),
                ],
            )
            for other in ("catalog", "duckdb", "pandas"):
                self._check(bench, "coldstart", other)
        # What no DuckDB-based tool can go below: the bound the readme sets beside each ratio.
        self._interleaved(FLOOR_BENCH, [("duckdb", "floor_duckdb", {})], answer=False)

    def repeat(self) -> None:
        """The same query again and again in one process: session vs bare connection."""
        wh = prepare.warehouse(self.preset, self.settings)
        for bench in REPEAT_BENCHES:
            name = f"repeat_{bench}"
            self._interleaved(
                name,
                [
                    ("coldstart", "repeat_coldstart", {"warehouse": str(wh), "bench": bench}),
                    ("duckdb", "repeat_duckdb", {"bench": bench, **bare_script(wh, bench)}),
                ],
            )
            self._check(name, "coldstart", "duckdb")

    def cdf(self) -> None:
        """The request CDF: the named query (session, catalog), the bare script, Dask."""
        wh = prepare.warehouse(self.preset, self.settings)
        cat = str(prepare.catalog(self.preset, self.settings))
        bench = "request_cdf"
        self._interleaved(
            bench,
            [
                ("coldstart", "query_coldstart", {"warehouse": str(wh), "bench": bench}),
                ("catalog", "query_catalog", {"catalog": cat, "bench": bench}),
                ("duckdb", "query_duckdb", {"bench": bench, **bare_script(wh, bench)}),
                ("dask", "cdf_dask", {"dataset": str(self.dataset)}),
            ],
        )
        for other in ("catalog", "duckdb", "dask"):
            self._check(bench, "coldstart", other)

    def report(self) -> None:
        """End to end from the warehouse: ``coldstart report`` (or, without it, every figure)."""
        wh = str(prepare.warehouse(self.preset, self.settings))
        exe = str(Path(sys.executable).with_name("coldstart"))
        # The report draws every figure itself; `coldstart plot all` stands in without it.
        if has_report_command(exe):
            bench, argv = "report", ["report", "--quiet", "--warehouse", wh, "--out"]
        else:
            bench, argv = "figures", ["plot", "all", "--warehouse", wh, "--out"]
            self.notes.append("no `coldstart report` yet: `coldstart plot all` measured instead")
        # Minutes per run on `medium`: measured like the whole-release ingest.
        m = self._task(
            bench,
            "coldstart",
            "cli",
            {"argv": argv},
            runs=self.settings.slow_runs,
            warmup=0,
            scratch_arg="out",
        )
        produced = m.runs[-1].rows
        ok = produced > 0
        self.checks.append(Check(bench, ("coldstart", "files"), ok, f"{produced} files"))
        print(f"  answer check {bench}: {'OK' if ok else 'FAIL'} {produced} files")
        shutil.rmtree(self.scratch, ignore_errors=True)


def bare_script(warehouse: Path, bench: str) -> dict[str, Any]:
    """The bare DuckDB script of a benchmark's named query, as arguments for the child.

    What a DuckDB user writes without coldstart: one view per table over ``read_parquet`` of
    the table's files (a recursive glob, Hive partitioning), the library's definitions of the
    views and macros the query uses, then the query's SQL with its parameters bound. Built
    here so that the measured process imports DuckDB and polars only.
    """
    import duckdb

    from benchmarks.tasks import QUERIES
    from coldstart.query.library import SOURCE_PREFIX, load_library
    from coldstart.query.session import bind_params

    name, params = QUERIES[bench]
    library = load_library()
    q = library.queries[name]
    modules = library.modules_for(q.sql)
    statements = []
    for table in library.sources_for(q.sql, modules):
        glob = str(duckdb.ConstantExpression(str(warehouse.resolve() / table / "**" / "*.parquet")))
        statements.append(
            f"CREATE VIEW {SOURCE_PREFIX}{table} AS "
            f"SELECT * FROM read_parquet({glob}, hive_partitioning = true)"
        )
    statements += [m.body for m in modules]
    return {"statements": statements, "sql": q.sql, "params": bind_params(q, params)}


def dataset_facts(dataset: Path, wh: Path) -> dict[str, Any]:
    """What the estimate scales by: CSV MB per release folder, per-minute files, table rows.

    Per-minute files are 163 series × 31 days × 5 regions = 25,265 with every metric, fewer
    for a trace generated with ``--metrics``. Rows are counted from the warehouse's Parquet
    footers (no data read), when it exists.
    """
    from benchmarks.ingest_bench import TABLE_DIRS

    csv_mb = {
        folder: sum(f.stat().st_size for f in (dataset / folder).rglob("*.csv")) / 1e6
        for folder in TABLE_DIRS.values()
    }
    facts: dict[str, Any] = {
        "csv_mb": csv_mb,
        "per_minute_files": sum(1 for _ in (dataset / "quantiles").rglob("*.csv")),
        "warehouse_rows": {},
    }
    if (wh / "cold_starts").exists():
        import duckdb

        from coldstart.query.sources import table_glob

        con = duckdb.connect()
        for table in ("cold_starts", "requests"):
            glob = str(duckdb.ConstantExpression(table_glob(wh, table)))
            n = con.execute(f"SELECT count(*) FROM read_parquet({glob})").fetchone()
            facts["warehouse_rows"][table] = int(n[0]) if n else 0
        con.close()
    return facts


def has_report_command(exe: str) -> bool:
    proc = subprocess.run([exe, "report", "--help"], capture_output=True, text=True, check=False)
    return proc.returncode == 0


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    versions = {}
    for mod in ("polars", "duckdb", "pandas", "dask", "pyarrow", "numpy"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = None
    return {
        "nproc": nproc,
        "cpu": cpu,
        "free_h": free.strip(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "versions": versions,
    }


COLDSTART_TOOLS = ("coldstart", "catalog")


def ratios(measurements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pair by pair: baseline work time / coldstart work time, and peak RSS the same way.

    Each coldstart way (the session, and the catalog file where measured) is paired with
    each baseline of the same benchmark. From the summaries (medians, max RSS), so that a
    partial run's ratios cover the measurements it kept from earlier runs too.
    """
    by = {(m["bench"], m["tool"]): m for m in measurements}
    out = []
    for (bench, tool), m in by.items():
        if tool in COLDSTART_TOOLS:
            continue
        for ours in COLDSTART_TOOLS:
            if (bench, ours) not in by:
                continue
            c = by[(bench, ours)]
            out.append(
                {
                    "bench": bench,
                    "coldstart": ours,
                    "baseline": tool,
                    "speedup": m["work_s"] / c["work_s"],
                    "speedup_wall": m["wall_s"] / c["wall_s"],
                    "rss_ratio": c["peak_rss_mb"] / m["peak_rss_mb"],
                }
            )
    return out


def run_record(summary: dict[str, Any]) -> dict[str, Any]:
    """What one invocation of the runner was: the header of the rows it measured (a partial
    re-run keeps the earlier rows, whose header is then another run's)."""
    keys = ("command", "commit", "started", "duration_s", "settings", "load")
    record = {k: summary.get(k) for k in keys}
    record["id"] = f"{summary.get('started', '?')} {summary.get('commit', '?')}"
    return record


def run(settings: Settings, argv: list[str]) -> int:
    if settings.dataset is None:
        settings.work_dir.mkdir(parents=True, exist_ok=True)
    groups = settings.only or GROUPS
    failed = False
    for preset in settings.presets:
        print(f"== {preset} ({', '.join(groups)}) ==", flush=True)
        started = time.time()
        with LoadSampler() as load:
            r = Runner(preset, settings)
            for g in groups:
                getattr(r, g)()
        harness.write_timings(settings.timings_file, r.measurements)
        summary = {
            "preset": preset,
            "command": "python -m benchmarks " + " ".join(argv),
            "commit": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
                cwd=REPO,
            ).stdout.strip(),
            "started": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
            "duration_s": time.time() - started,
            "settings": {
                "runs": settings.runs,
                "warmup": settings.warmup,
                "slow_runs": settings.slow_runs,
                "seed": settings.seed,
                "POLARS_MAX_THREADS": settings.polars_threads,
            },
            "load": load.summary(),
            "machine": machine(),
            "dataset_mb": sum(f.stat().st_size for f in r.dataset.rglob("*.csv")) / 1e6,
            **dataset_facts(r.dataset, prepare.warehouse_path(preset, settings)),
            "measurements": [m.summary() for m in r.measurements],
            "ratios": [],  # below, once earlier measurements are merged in
            "checks": [c.__dict__ for c in r.checks],
            "notes": r.notes,
        }
        path = settings.results_dir / f"summary-{preset}.json"
        this_run = run_record(summary)
        for m in summary["measurements"]:
            m["run"] = this_run["id"]
        summary["runs"] = [this_run]
        if settings.only and path.exists():  # a partial run updates the earlier summary
            old = json.loads(path.read_text())
            keep = {(m["bench"], m["tool"]) for m in summary["measurements"]}
            old_m = [m for m in old["measurements"] if (m["bench"], m["tool"]) not in keep]
            earlier = {r["id"]: r for r in old.get("runs") or [run_record(old)]}
            for m in old_m:  # rows of a summary written before runs were recorded
                m.setdefault("run", next(iter(earlier)))
            used = {m["run"] for m in old_m}
            summary["runs"] = [r for i, r in earlier.items() if i in used] + [this_run]
            summary["measurements"] = old_m + summary["measurements"]
            kept_checks = {c["bench"] for c in summary["checks"]}
            summary["checks"] = [
                c for c in old["checks"] if c["bench"] not in kept_checks
            ] + summary["checks"]
        summary["ratios"] = ratios(summary["measurements"])
        path.write_text(json.dumps(summary, indent=1, default=str))
        bad = [c for c in r.checks if not c.ok]
        print(
            f"== {preset}: {len(r.checks) - len(bad)}/{len(r.checks)} answer checks passed; "
            f"load {load.summary()}; {time.time() - started:.0f} s ==",
            flush=True,
        )
        failed |= bool(bad)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--presets", help="comma list of synthetic presets (env BENCH_PRESETS)")
    ap.add_argument("--dataset", type=Path, help="an existing release folder instead of a preset")
    ap.add_argument("--only", help=f"comma list of groups: {', '.join(GROUPS)}")
    ap.add_argument("--runs", type=int, help="timed runs per measurement (env BENCH_RUNS)")
    ap.add_argument("--warmup", type=int, help="warm-up runs (env BENCH_WARMUP)")
    ap.add_argument("--slow-runs", type=int, help="runs of the all-tables ingests")
    ap.add_argument("--results", type=Path, help="results folder (env BENCH_RESULTS_DIR)")
    ap.add_argument(
        "--cache",
        type=Path,
        help="prepared data: <CACHE>/<preset>/trace/cold_start_dataset and "
        "<CACHE>/<preset>/warehouse, read as they are (env BENCH_CACHE_DIR; "
        "default: the work dir, benchmarks/.work)",
    )
    ap.add_argument(
        "--no-ingest-baseline",
        action="store_true",
        help="ingest_all without the pandas run beside it (env BENCH_INGEST_BASELINE=0)",
    )
    ap.add_argument(
        "--skip",
        help="comma list of bench:tool pairs not to run, e.g. utility_ratio:pandas (env "
        "BENCH_SKIP)",
    )
    ap.add_argument("--write-readme", action="store_true", help="update benchmarks/README.md")
    ap.add_argument("--plot", action="store_true", help="draw benchmarks/scaling.png")
    args = ap.parse_args(argv)
    missing = missing_bench_deps()
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: {BENCH_EXTRA_HINT}")
    s = from_env()
    changes: dict[str, Any] = {}
    if args.presets:
        changes["presets"] = tuple(p for p in args.presets.split(",") if p)
    if args.dataset:
        changes["dataset"] = args.dataset.resolve()
        changes["presets"] = (args.presets or args.dataset.resolve().parent.name,)
        if args.presets:
            changes["presets"] = (args.presets,)
    if args.only:
        unknown = sorted(set(args.only.split(",")) - set(GROUPS))
        if unknown:
            raise SystemExit(f"--only: unknown group {unknown[0]!r}; choose from {GROUPS}")
        changes["only"] = tuple(g for g in GROUPS if g in args.only.split(","))
    for opt in ("runs", "warmup", "slow_runs"):
        if getattr(args, opt) is not None:
            changes[opt] = getattr(args, opt)
    if args.results:
        changes["results_dir"] = args.results.resolve()
    if args.cache:
        changes["cache_dir"] = args.cache.resolve()
    if args.no_ingest_baseline:
        changes["ingest_baseline"] = False
    if args.skip is not None:
        changes["skip"] = parse_skip(args.skip)
    settings = s.with_(**changes)
    code = run(settings, argv)
    if args.write_readme:
        from benchmarks import readme

        readme.write(settings)
    if args.plot:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.plot", str(settings.timings_file)],
            check=True,
            cwd=REPO,
        )
    sys.exit(code)


if __name__ == "__main__":
    main()

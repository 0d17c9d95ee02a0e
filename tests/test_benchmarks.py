"""Smoke test of the benchmark runner on the `tiny` trace: every measurement, every answer check.

The smoke run leaves out the `report` group: it is one `coldstart report` process that draws
every figure (≈25 s of the suite's budget for a command tests/report already runs end to end);
the runner's report step is tested below with its measured process stubbed.

No timing is asserted (the machine is shared); what must hold is that the runner produces
every table and figure and that the pandas/Dask answers equal coldstart's. pandas and Dask
are the `bench` extra, so the test skips, saying how to install them, when they are absent.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH_DEPS = ("pandas", "dask")

pytestmark = [
    pytest.mark.skipif(
        any(importlib.util.find_spec(m) is None for m in BENCH_DEPS),
        reason="pandas/dask are the `bench` extra: .venv/bin/pip install -e '.[bench]'",
    ),
    # One worker runs the whole module, so the runner (a few minutes of subprocesses) runs
    # once per test session, not once on each xdist worker (`--dist loadgroup`).
    pytest.mark.xdist_group("benchmark-runner"),
]
# Generous: the run takes 1-3 minutes on a quiet 2-core machine and several times that on a
# busy one; the limit only guards against a hang.
RUNNER_TIMEOUT_S = 1800


def release_subset(release: Path, dest: Path) -> Path:
    """The tiny release with only Region 2's three count series of the per-minute tables.

    The tiny trace still has ~25,000 per-minute files (5 regions × 163 folders × 31 days),
    whose per-file costs would make this smoke test take minutes; the count series keep both
    tools' per-minute code paths in the run.
    """
    out = dest / "cold_start_dataset"
    for part in ("cold_start", "per_request", "runtime_triggerType"):
        shutil.copytree(release / part, out / part)
    for series in ("requests", "num_pods", "num_cold_starts"):
        shutil.copytree(release / "quantiles" / "R2" / series, out / "quantiles" / "R2" / series)
    return out


@pytest.fixture(scope="module")
def bench_run(tiny_release: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run of ``python -m benchmarks`` on the tiny release: its summary and outputs."""
    base = tmp_path_factory.mktemp("bench")
    dataset = release_subset(tiny_release, base / "release")
    env = {
        **os.environ,
        "BENCH_WORK_DIR": str(base / "work"),
        "BENCH_RESULTS_DIR": str(base / "results"),
        "BENCH_RUNS": "1",
        "BENCH_WARMUP": "0",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--dataset",
            str(dataset),
            "--presets",
            "tiny",
            "--only",
            "ingest,ingest_all,queries,repeat,cdf",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUNNER_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads((base / "results" / "summary-tiny.json").read_text())
    return {"summary": summary, "results": base / "results", "stdout": proc.stdout}


def test_every_measurement_is_produced(bench_run: dict) -> None:
    got = {(m["bench"], m["tool"]) for m in bench_run["summary"]["measurements"]}
    expected = {
        (f"ingest_{t}", tool)
        for t in ("cold_starts", "requests")
        for tool in ("coldstart", "polars", "duckdb", "pandas")
    }
    expected |= {("ingest_all", "coldstart"), ("ingest_all", "pandas")}
    for q in ("by_region", "by_runtime", "by_trigger", "utility_ratio"):
        expected |= {(q, tool) for tool in ("coldstart", "catalog", "duckdb", "pandas")}
    expected |= {
        (f"repeat_{q}", t) for q in ("by_region", "utility_ratio") for t in ("coldstart", "duckdb")
    }
    expected |= {("request_cdf", t) for t in ("coldstart", "catalog", "duckdb", "dask")}
    expected |= {("engine_floor", "duckdb")}
    assert expected <= got
    for m in bench_run["summary"]["measurements"]:
        assert m["n"] >= 1 and m["work_s"] > 0 and m["peak_rss_mb"] > 0, m


def test_answers_agree(bench_run: dict) -> None:
    checks = bench_run["summary"]["checks"]
    benches = {c["bench"] for c in checks}
    assert {"by_region", "by_runtime", "by_trigger", "utility_ratio", "request_cdf"} <= benches
    assert {"repeat_by_region", "repeat_utility_ratio"} <= benches
    pairs = {(c["bench"], tuple(c["tools"])) for c in checks}
    assert ("by_region", ("coldstart", "duckdb")) in pairs
    assert ("request_cdf", ("coldstart", "dask")) in pairs
    assert all(c["ok"] for c in checks), [c for c in checks if not c["ok"]]


def test_ratios_and_timings_file(bench_run: dict) -> None:
    pairs = {(r["bench"], r["baseline"]) for r in bench_run["summary"]["ratios"]}
    assert ("by_region", "pandas") in pairs and ("request_cdf", "dask") in pairs
    assert ("by_region", "duckdb") in pairs and ("repeat_by_region", "duckdb") in pairs
    timings = (bench_run["results"] / "timings.csv").read_text().splitlines()
    assert timings[0].startswith("preset,bench,tool,run,wall_s")
    assert len(timings) > 20


def test_plot_and_readme_block_from_the_results(bench_run: dict, tmp_path: Path) -> None:
    from benchmarks import plot, readme
    from benchmarks.settings import from_env

    out = tmp_path / "scaling.png"
    plot.main([str(bench_run["results"] / "timings.csv"), "-o", str(out)])
    assert out.stat().st_size > 1000
    settings = from_env().with_(results_dir=bench_run["results"])
    text = readme.block(settings)
    for needle in ("### `tiny` preset", "Ratios, pair by pair", "Answer checks", "Estimate"):
        assert needle in text


def test_report_step_measures_coldstart_report_into_a_scratch_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `report` group runs `coldstart report --quiet --warehouse WH --out <scratch>` as a
    measured process and checks that it wrote files (the process itself is stubbed here)."""
    import benchmarks.__main__ as runner_module
    from benchmarks import harness, prepare
    from benchmarks.settings import from_env

    settings = from_env().with_(
        dataset=tmp_path / "release", work_dir=tmp_path / "work", results_dir=tmp_path / "res"
    )
    monkeypatch.setattr(prepare, "warehouse", lambda preset, s: tmp_path / "wh")
    monkeypatch.setattr(runner_module, "has_report_command", lambda exe: True)
    runner = runner_module.Runner("tiny", settings)
    seen: list[tuple] = []

    def fake_task(bench, tool, task, args, **kw):  # type: ignore[no-untyped-def]
        seen.append((bench, tool, task, args, kw))
        m = harness.Measurement("tiny", bench, tool)
        m.runs.append(harness.Run("tiny", bench, tool, 0, 1.0, 1.0, 1.0, 100.0, 0.0, 21, 0.1))
        runner.measurements.append(m)
        return m

    monkeypatch.setattr(runner, "_task", fake_task)
    runner.report()
    ((bench, tool, task, args, kw),) = seen
    assert (bench, tool, task) == ("report", "coldstart", "cli")
    assert args["argv"] == ["report", "--quiet", "--warehouse", str(tmp_path / "wh"), "--out"]
    assert kw["scratch_arg"] == "out" and kw["warmup"] == 0
    (check,) = runner.checks
    assert (check.bench, check.ok, check.detail) == ("report", True, "21 files")


def test_ratios_pair_every_coldstart_way_with_every_baseline() -> None:
    from benchmarks.__main__ import ratios

    def m(bench: str, tool: str, work: float, wall: float, rss: float) -> dict:
        return {"bench": bench, "tool": tool, "work_s": work, "wall_s": wall, "peak_rss_mb": rss}

    got = ratios(
        [
            m("by_region", "coldstart", 0.5, 1.0, 400),
            m("by_region", "catalog", 0.25, 0.8, 300),
            m("by_region", "pandas", 5.0, 6.0, 1200),
            m("ingest_all", "coldstart", 80, 81, 500),  # kept from an earlier run
            m("ingest_all", "pandas", 100, 101, 1000),
            m("lonely", "pandas", 1, 1, 1),  # no coldstart side: no pair
        ]
    )
    pairs = {(r["bench"], r["coldstart"], r["baseline"]): r for r in got}
    assert set(pairs) == {
        ("by_region", "coldstart", "pandas"),
        ("by_region", "catalog", "pandas"),
        ("ingest_all", "coldstart", "pandas"),
    }
    r = pairs[("by_region", "catalog", "pandas")]
    assert (r["speedup"], r["speedup_wall"], r["rss_ratio"]) == (20.0, 7.5, 0.25)
    assert pairs[("ingest_all", "coldstart", "pandas")]["speedup"] == 1.25


def test_targets_against_the_bare_script_use_whole_process_and_in_process_times() -> None:
    from benchmarks.readme import target, target_met

    by = {}
    whole = {"bench": "by_region", "baseline": "duckdb", "speedup": 0.5, "speedup_wall": 0.8}
    assert target("by_region", "duckdb") == "whole process ≤ 1.3× bare DuckDB"
    assert target_met(whole, by) == "met: whole process 1.25× the bare script's time (≤ 1.3×)"
    slow = {**whole, "speedup_wall": 0.5}
    assert target_met(slow, by).startswith("missed: whole process 2.00×")
    rep = {"bench": "repeat_by_region", "baseline": "duckdb", "speedup": 0.8, "speedup_wall": 9}
    assert target_met(rep, by) == "missed: in-process 1.25× the bare script's time (≤ 1.2×)"
    cdf = {"bench": "request_cdf", "baseline": "dask", "speedup": 25.0, "speedup_wall": 9}
    assert target_met(cdf, by) == "met"
    assert target("by_region", "catalog") == ""


def test_a_missed_ratio_says_what_the_engine_floor_allows() -> None:
    """pandas 1.5 s over a 0.1 s floor: no DuckDB tool can beat 15×; 60 of 500 MB: 0.12."""
    from benchmarks.readme import target_met

    by = {
        ("engine_floor", "duckdb"): {"work_s": 0.1, "peak_rss_mb": 60.0},
        ("by_runtime", "pandas"): {"work_s": 1.5, "peak_rss_mb": 500.0},
        ("request_cdf", "dask"): {"work_s": 9.0, "peak_rss_mb": 400.0},
    }
    slow = {"bench": "by_runtime", "baseline": "pandas", "speedup": 12.0, "rss_ratio": 0.3}
    assert target_met(slow, by) == (
        "missed: speed 12.0× of 20×, RSS 0.30 of ≤ 0.20 "
        "(engine floor 0.100 s, 60 MB: at best 15×, RSS 0.12)"
    )
    cdf = {"bench": "request_cdf", "baseline": "dask", "speedup": 13.0}
    assert target_met(cdf, by).endswith("at best 90×, RSS 0.15)")
    assert target_met({**slow, "speedup": 21.0, "rss_ratio": 0.1}, by) == "met"
    assert "floor" not in target_met(slow, {})  # no floor measured: no bound


def test_a_cache_dir_is_read_as_it_is_and_never_replaced(tmp_path: Path) -> None:
    """``--cache DIR``: the trace and warehouse are taken from ``DIR/<preset>/`` (nothing is
    generated or ingested when they exist), and a measured ingest leaves the cache's warehouse
    in place for whoever else reads it."""
    from benchmarks import prepare
    from benchmarks.settings import from_env

    cache = tmp_path / "cache"
    dataset = cache / "medium" / "trace" / "cold_start_dataset"
    dataset.mkdir(parents=True)
    kept = cache / "medium" / "warehouse" / "cold_starts"
    kept.mkdir(parents=True)
    settings = from_env().with_(cache_dir=cache, work_dir=tmp_path / "work")
    assert prepare.trace("medium", settings) == dataset
    assert prepare.warehouse("medium", settings) == kept.parent
    measured = tmp_path / "work" / "scratch" / "ingest_all-coldstart-0"
    (measured / "cold_starts").mkdir(parents=True)
    assert prepare.keep_warehouse(measured, "medium", settings) == kept.parent
    assert kept.is_dir() and not measured.exists()
    # Without a cache the work dir has the same layout, and a measured ingest is kept.
    own = from_env().with_(work_dir=tmp_path / "work")
    assert prepare.trace("x", own.with_(dataset=dataset)) == dataset
    assert prepare.warehouse_path("medium", own) == tmp_path / "work" / "medium" / "warehouse"
    (measured / "cold_starts").mkdir(parents=True)
    assert prepare.keep_warehouse(measured, "medium", own) == prepare.warehouse_path("medium", own)
    assert (prepare.warehouse_path("medium", own) / "cold_starts").is_dir()


def test_skip_leaves_out_bench_tool_pairs_and_their_answer_checks(tmp_path: Path) -> None:
    """``--skip utility_ratio:pandas``: that pair is not run, its check is not made, and the
    run's notes say so; every other tool of the benchmark still runs."""
    from benchmarks import __main__ as runner
    from benchmarks.settings import from_env, parse_skip

    assert parse_skip(" utility_ratio:pandas,request_cdf:dask ,") == {
        ("utility_ratio", "pandas"),
        ("request_cdf", "dask"),
    }
    with pytest.raises(SystemExit, match="expected bench:tool"):
        parse_skip("utility_ratio")
    r = runner.Runner.__new__(runner.Runner)
    r.settings = from_env().with_(skip=parse_skip("utility_ratio:pandas"))
    r.notes, r.checks, r.measurements = [], [], []
    r.answers, r.preset = tmp_path, "tiny"
    ran: list[str] = []

    def fake(preset: str, bench: str, tools: list, settings: object) -> list:
        ran.extend(t for t, _ in tools)
        return []

    original = runner.harness.measure_interleaved
    runner.harness.measure_interleaved = fake
    try:
        r._interleaved("utility_ratio", [("coldstart", "t", {}), ("pandas", "t", {})])
    finally:
        runner.harness.measure_interleaved = original
    assert ran == ["coldstart"]
    assert r.notes == ["utility_ratio: pandas not run (--skip)"]
    r._check("utility_ratio", "coldstart", "pandas")  # no answer files: would fail if made
    assert r.checks == []


def test_the_estimate_from_one_whole_ingest_charges_its_time_to_the_long_tables() -> None:
    """One preset (``large``) with a whole-release ingest and no per-table ingests: the
    long-table rate is rows / the whole ingest's time, stated as a bound."""
    from benchmarks.readme import REAL, estimate_lines

    ingest = {"bench": "ingest_all", "tool": "coldstart", "work_s": 100.0, "cpu_s": 50.0}
    ingest |= {"peak_rss_mb": 600.0, "input_mb": 1000.0, "rows": 0}
    s = {
        "measurements": [ingest],
        "warehouse_rows": {"cold_starts": 1_000_000, "requests": 9_000_000},
        "csv_mb": {"quantiles": 200.0},
    }
    lines = estimate_lines({"large": s}, "large")
    long_row = next(x for x in lines if x.startswith("| cold starts and requests"))
    assert "≥ 100,000 rows/s" in long_row and "200,000 rows per CPU-second" in long_row
    hours = (REAL["cold_starts"] + REAL["requests"]) / 100_000 / 3600
    assert f"≤ {hours:.1f} h" in long_row
    assert any("600 MB" in x for x in lines)


def test_a_partial_re_run_names_the_run_of_every_row() -> None:
    """After `--only queries`, the ingest rows are an earlier run's: the header says which."""
    from benchmarks.readme import run_lines

    def run(rid: str, cmd: str, commit: str) -> dict:
        return {
            "id": rid,
            "command": cmd,
            "commit": commit,
            "started": rid,
            "duration_s": 120.0,
            "settings": {"warmup": 1, "runs": 5, "slow_runs": 1, "POLARS_MAX_THREADS": 2},
            "load": {"min": 0.1, "median": 1.0, "max": 2.0},
        }

    early = run("day1", "python -m benchmarks", "aaa")
    late = run("day2", "python -m benchmarks --only queries", "bbb")
    one = run_lines({"runs": [early], "measurements": [{"bench": "by_region", "run": "day1"}]})
    assert len(one) == 2 and one[0].startswith("`python -m benchmarks` at commit aaa — day1")
    both = run_lines(
        {
            "runs": [early, late],
            "measurements": [
                {"bench": "ingest_all", "run": "day1"},
                {"bench": "by_region", "run": "day2"},
                {"bench": "by_trigger", "run": "day2"},
            ],
        }
    )
    assert both[0] == "The rows below come from 2 runs of the runner:"
    assert both[2].startswith("* ingest_all: `python -m benchmarks` at commit aaa")
    assert both[3].startswith("* by_region, by_trigger: `python -m benchmarks --only queries`")
    assert "load average (1 min) min 0.1, median 1.0, max 2.0" in both[3]


def test_session_overhead_times_each_step_on_both_sides(tiny_warehouse: Path) -> None:
    """The attribution tool runs the session and the bare script over the same warehouse."""
    from benchmarks.session_overhead import measure

    steps = measure(tiny_warehouse, "by_runtime", repeats=1)
    assert [s.name for s in steps] == ["open", "views", "query"]
    for s in steps:
        assert s.session_ms > 0 and s.bare_ms > 0
    # Cumulative steps: each includes the one before.
    assert steps[0].bare_ms < steps[2].bare_ms

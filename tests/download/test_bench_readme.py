"""The download benchmark's summary and its README block, from hand-made timings."""

from __future__ import annotations

import argparse

from benchmarks import download_bench, readme


def results() -> dict:
    times = {
        "curl": [2.0, 4.0, 3.0],
        "coldstart fetch": [2.5, 2.9, 3.1],
        "curl + unzip -t": [3.0, 5.0, 4.0],
        "coldstart download": [3.6, 3.0, 4.4],
    }
    cpu = {label: [1.0, 2.0, 3.0] for label in times}
    args = argparse.Namespace(member_kb=100, runs=3)
    r = download_bench.summarise(
        args, 600_000_000, times, cpu, 600_000, 600_000, {"min": 1.0, "median": 2.0, "max": 3.0}
    )
    r["started"] = "2026-12-01 23:00"
    r["nproc"] = 2
    return r


def test_summary_takes_medians_and_the_ratio_to_curl() -> None:
    r = results()
    curl, full = r["tools"]["curl"], r["tools"]["coldstart download"]
    assert (curl["median_s"], curl["min_s"], curl["max_s"]) == (3.0, 2.0, 4.0)
    assert full["median_s"] == 3.6
    assert full["time_vs_curl"] == 3.6 / 3.0
    assert (full["baseline"], full["time_vs_baseline"]) == ("curl + unzip -t", 3.6 / 4.0)
    assert r["tools"]["coldstart fetch"]["time_vs_baseline"] == 2.9 / 3.0
    assert full["cpu_ms_per_mb"] == 2.0 / 600 * 1000
    assert full["median_mb_s"] == 600 / 3.6
    assert full["cpu_s"] == 2.0
    assert r["members"] == 163 * 31


def test_readme_block_states_load_ratio_target_and_selective_share() -> None:
    text = readme.download_block(results())
    assert (
        "| coldstart download | curl + unzip -t | 3.60 | 3.00–4.40 | 167 | 0.90 | 2.00 | 3.33 |"
        in text
    )
    assert "`coldstart fetch` took 0.97× the median time of curl (met) and 1.00× its CPU" in text
    assert "`coldstart download` took 0.90× the median time of curl + unzip -t (met)" in text
    assert "the min–max ranges overlap" in text
    assert "against curl alone, which checks nothing, `coldstart download` took 1.20×" in text
    assert "**The machine was loaded** (median load 2.0 on" in text
    assert "min 1.0, median 2.0, max 3.0 on" in text
    assert "the server sent 600,000 bytes = 0.100 % of the zip (target < 1 %" in text

"""The main job on the embedded default: synthetic trace -> warehouse -> report.

``run_demo`` is what ``coldstart demo`` and ``make demo`` run on a fresh machine, with no
download: it writes the ``small`` synthetic release (per-minute statistics of the
:data:`DEMO_METRICS` the report reads), ingests it into a warehouse next to it,
writes the HTML + Markdown report of that warehouse, and returns where everything is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coldstart.ingest import IngestResult, ingest
from coldstart.progress import NullProgress, ProgressSink
from coldstart.report import DEFAULT_DPI, ReportResult, write_report
from coldstart.report.output import prepare_out
from coldstart.synth import SynthSummary, generate

STEPS = ("synthetic trace", "ingest", "report")

# The per-minute metrics the named queries and the report read (Fig 3b: totalCost_avg, Fig 3c
# and 7b: cpu_usage_avg; the statistics of the cold-start cost and memory for ad-hoc SQL).
# The demo writes only these: all 16 metrics are 163 folders x 31 days x 5 regions = 25,000
# per-minute files, whose ingest alone would break the demo's two-minute budget while adding
# nothing to the report (measured 2026-12-02, run_demo with all 16 at load average 16: 474 s
# wall, of which synth 99 s, ingest 301 s, report 75 s). `coldstart synth` writes all 16;
# tests/test_demo_metrics.py checks that no query reads a metric missing here.
DEMO_METRICS: tuple[str, ...] = ("totalCost", "totalCost_cold_start", "cpu_usage", "memory_usage")


@dataclass
class DemoResult:
    out: Path
    synth: SynthSummary
    ingest: IngestResult
    report: ReportResult
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def warehouse(self) -> Path:
        return self.ingest.warehouse


def run_demo(
    out: str | os.PathLike[str] = "data",
    *,
    preset: str = "small",
    seed: int = 0,
    progress: ProgressSink | None = None,
    on_step: Callable[[int, str], None] | None = None,
    dpi: int | None = None,
) -> DemoResult:
    """Generate the trace under ``out/synth``, ingest it into ``out/warehouse`` and write the
    report into ``out/report``.

    Everything is rebuilt from scratch each time, so the demo is reproducible. ``on_step(i,
    name)`` is called as each of :data:`STEPS` starts (the CLI prints a line per step, which
    also shows progress where bars cannot, e.g. in CI logs). ``dpi``: resolution of the
    report's figures (default :data:`coldstart.report.DEFAULT_DPI`).
    """
    t0 = time.perf_counter()
    out_path = Path(out)
    progress = progress or NullProgress()
    prepare_out(out_path)  # an unwritable --out fails now, not after the trace is generated
    timings: dict[str, float] = {}

    def step(i: int) -> float:
        if on_step is not None:
            on_step(i, STEPS[i])
        return time.perf_counter()

    t = step(0)
    summary = generate(
        out_path / "synth",
        preset=preset,
        seed=seed,
        force=True,
        progress=progress,
        metrics=DEMO_METRICS,
    )
    timings[STEPS[0]] = time.perf_counter() - t
    t = step(1)
    result = ingest([summary.dataset], out_path / "warehouse", force=True, progress=progress)
    timings[STEPS[1]] = time.perf_counter() - t
    t = step(2)
    report = write_report(
        result.warehouse, out_path / "report", dpi=dpi or DEFAULT_DPI, progress=progress
    )
    timings[STEPS[2]] = time.perf_counter() - t
    return DemoResult(
        out=out_path,
        synth=summary,
        ingest=result,
        report=report,
        seconds=time.perf_counter() - t0,
        step_seconds=timings,
    )

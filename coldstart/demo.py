"""The main job on the embedded default: synthetic trace -> warehouse (-> report).

``run_demo`` is what ``coldstart demo`` and ``make demo`` run on a fresh machine, with no
download: it writes the ``small`` synthetic release, ingests it into a warehouse next to it,
and returns where everything is. The report step joins when the report module lands.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from coldstart.ingest import IngestResult, ingest
from coldstart.progress import NullProgress, ProgressSink
from coldstart.synth import SynthSummary, generate


@dataclass
class DemoResult:
    out: Path
    synth: SynthSummary
    ingest: IngestResult
    seconds: float

    @property
    def warehouse(self) -> Path:
        return self.ingest.warehouse


def run_demo(
    out: str | os.PathLike[str] = "data/demo",
    *,
    preset: str = "small",
    seed: int = 0,
    progress: ProgressSink | None = None,
) -> DemoResult:
    """Generate the synthetic trace under ``out/synth`` and ingest it into ``out/warehouse``.

    Both are rebuilt from scratch each time, so the demo is reproducible.
    """
    t0 = time.perf_counter()
    out_path = Path(out)
    progress = progress or NullProgress()
    summary = generate(out_path / "synth", preset=preset, seed=seed, force=True, progress=progress)
    result = ingest([summary.dataset], out_path / "warehouse", force=True, progress=progress)
    return DemoResult(out=out_path, synth=summary, ingest=result, seconds=time.perf_counter() - t0)

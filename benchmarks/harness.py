"""Timing and answer checks, shared by every measurement (polars-benchmark's ``run_query``).

Each run is a fresh process started by :func:`run_once`, reaped with ``os.wait4`` so its
wall time and CPU time (user + system) are that run's own, start-up included; its peak RSS is
the ``VmHWM`` the child reports of itself (``wait4``'s ``ru_maxrss`` would include the
runner's own high-water mark, inherited through ``fork``).
The child (``python -m benchmarks.child``) also times its work from the inside, without
interpreter start and imports, and saves its answer so :func:`check_answers` can compare the
tools: a benchmark that compares different computations is worthless, so every pair is
checked before its ratio is reported.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.settings import REPO, Settings


@dataclass
class Run:
    """One measured process."""

    preset: str
    bench: str
    tool: str
    run: int  # 0-based; warm-ups are negative
    wall_s: float
    work_s: float
    cpu_s: float
    peak_rss_mb: float
    input_mb: float
    rows: int
    load1: float

    @property
    def warmup(self) -> bool:
        return self.run < 0


@dataclass
class Measurement:
    """The runs of one (bench, tool): medians over the timed runs, min and max."""

    preset: str
    bench: str
    tool: str
    runs: list[Run] = field(default_factory=list)

    def _timed(self) -> list[Run]:
        return [r for r in self.runs if not r.warmup]

    def stat(self, attr: str, how: str = "median") -> float:
        values = [getattr(r, attr) for r in self._timed()]
        if not values:
            return math.nan
        return {"median": statistics.median, "min": min, "max": max}[how](values)

    def summary(self) -> dict[str, Any]:
        timed = self._timed()
        rows = timed[-1].rows if timed else 0
        mb = timed[-1].input_mb if timed else 0.0
        work = self.stat("work_s")
        return {
            "preset": self.preset,
            "bench": self.bench,
            "tool": self.tool,
            "n": len(timed),
            "wall_s": self.stat("wall_s"),
            "wall_min_s": self.stat("wall_s", "min"),
            "wall_max_s": self.stat("wall_s", "max"),
            "work_s": work,
            "work_min_s": self.stat("work_s", "min"),
            "work_max_s": self.stat("work_s", "max"),
            "cpu_s": self.stat("cpu_s"),
            "peak_rss_mb": self.stat("peak_rss_mb", "max"),
            "input_mb": mb,
            "rows": rows,
            "mb_per_s": mb / work if work and mb else math.nan,
            "rows_per_s": rows / work if work and rows else math.nan,
        }


class LoadSampler:
    """Samples the 1-minute load average every few seconds while the benchmark runs.

    The machine is shared; the load during the run is part of the result.
    """

    def __init__(self, every_s: float = 5.0) -> None:
        self.every_s = every_s
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append(load1())
            self._stop.wait(self.every_s)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        s = self.samples or [load1()]
        return {"min": min(s), "median": statistics.median(s), "max": max(s)}


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def child_env(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "POLARS_MAX_THREADS": settings.polars_threads}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
    )
    return env


def run_once(
    cmd: Sequence[str], settings: Settings, *, timeout_s: float | None = None
) -> tuple[float, float, float, str]:
    """Run ``cmd`` as a fresh process: (wall s, CPU s, peak RSS MB, stdout).

    ``os.wait4`` gives this child's own rusage (its peak RSS includes any process it waited
    for), so no wrapper process is needed to separate one run's memory from another's.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(settings),
        cwd=REPO,
    )
    # Drain the pipes in threads so a chatty child cannot block on a full pipe.
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    for t in readers:
        t.start()
    deadline = None if timeout_s is None else t0 + timeout_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "".join(err)[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, "".join(out)


def child_cmd(spec: dict[str, Any]) -> list[str]:
    """The command of one measured run of a Python task (see benchmarks/child.py)."""
    return [sys.executable, "-m", "benchmarks.child", json.dumps(spec)]


def measure(
    preset: str,
    bench: str,
    tool: str,
    cmd_for_run: Any,
    settings: Settings,
    *,
    runs: int | None = None,
    warmup: int | None = None,
) -> Measurement:
    """Warm-up runs, then timed runs of ``cmd_for_run(i)``; each a fresh process.

    ``cmd_for_run(i)`` returns the command for run ``i`` (negative for warm-ups), so each run
    can write to its own scratch folder. The child prints one JSON line with ``work_s``,
    ``rows`` and ``input_mb``; a plain command (the CLI) prints anything and gets
    ``work_s = wall``.
    """
    (m,) = measure_interleaved(
        preset, bench, [(tool, cmd_for_run)], settings, runs=runs, warmup=warmup
    )
    return m


def measure_interleaved(
    preset: str,
    bench: str,
    tools: list[tuple[str, Any]],
    settings: Settings,
    *,
    runs: int | None = None,
    warmup: int | None = None,
) -> list[Measurement]:
    """Like :func:`measure` for several tools, runs interleaved: A, B, C, A, B, C, …

    On a shared machine the load drifts; interleaving gives every tool the same mix of
    quiet and busy moments, so the medians compare fairly. The order rotates from round to
    round, so no tool always runs right after the same one.
    """
    runs = settings.runs if runs is None else runs
    warmup = settings.warmup if warmup is None else warmup
    out = [Measurement(preset, bench, tool) for tool, _ in tools]
    pairs = list(zip(out, tools, strict=True))
    for n, i in enumerate(list(range(-warmup, 0)) + list(range(runs))):
        # Each round starts with the next tool: the first process after a big one (pandas
        # reading GBs of CSV) may find the warehouse files evicted from the page cache.
        shift = n % len(pairs)
        for m, (_, cmd_for_run) in pairs[shift:] + pairs[:shift]:
            m.runs.append(_run(m, i, cmd_for_run(i), settings))
            r = m.runs[-1]
            tag = "warm-up" if i < 0 else f"run {i + 1}/{runs}"
            print(
                f"  {bench:<22} {m.tool:<10} {tag:<9} wall {r.wall_s:7.2f} s  work "
                f"{r.work_s:7.2f} s  cpu {r.cpu_s:7.2f} s  rss "
                f"{r.peak_rss_mb:6.0f} MB  load {r.load1:.1f}",
                flush=True,
            )
    return out


def _run(m: Measurement, i: int, cmd: Sequence[str], settings: Settings) -> Run:
    load = load1()
    wall, cpu, rss, stdout = run_once(cmd, settings)
    info = _last_json(stdout)
    return Run(
        preset=m.preset,
        bench=m.bench,
        tool=m.tool,
        run=i,
        wall_s=wall,
        work_s=float(info.get("work_s", wall)),
        cpu_s=cpu,
        # The child's own high-water mark when it reports one (see child.py).
        peak_rss_mb=float(info.get("peak_rss_mb") or rss),
        input_mb=float(info.get("input_mb", 0.0)),
        rows=int(info.get("rows", 0)),
        load1=load,
    )


def _last_json(stdout: str) -> dict[str, Any]:
    for raw in reversed(stdout.strip().splitlines()):
        line = raw.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return {}


# --- answers ---------------------------------------------------------------------------------


@dataclass
class Check:
    """The outcome of comparing two tools' answers to the same question."""

    bench: str
    tools: tuple[str, str]
    ok: bool
    detail: str


def compare_frames(
    expected: pl.DataFrame,
    actual: pl.DataFrame,
    *,
    rtol: float = 1e-9,
    atol: float = 1e-9,
) -> str | None:
    """None if equal (same columns, rows in order, floats within tolerance), else why not.

    Integers and strings must match exactly; floats within ``atol + rtol·|expected|``;
    NULL/NaN must be missing on both sides.
    """
    if expected.columns != actual.columns:
        return f"columns differ: {expected.columns} vs {actual.columns}"
    if expected.height != actual.height:
        return f"row counts differ: {expected.height} vs {actual.height}"
    for col in expected.columns:
        a, b = expected[col], actual[col]
        if a.dtype.is_float() or b.dtype.is_float():
            x = a.cast(pl.Float64).fill_nan(None)
            y = b.cast(pl.Float64).fill_nan(None)
            null_diff = (x.is_null() != y.is_null()).sum()
            if null_diff:
                return f"{col}: {null_diff} rows NULL on one side only"
            diff = (x - y).abs()
            bound = atol + rtol * x.abs()
            bad = (diff > bound).fill_null(False)
            if bad.any():
                i = int(bad.arg_max() or 0)
                return f"{col}: {int(bad.sum())} values differ, e.g. row {i}: {x[i]!r} vs {y[i]!r}"
        else:
            x = a.cast(pl.String) if a.dtype != b.dtype else a
            y = b.cast(pl.String) if a.dtype != b.dtype else b
            neq = ~(x.eq_missing(y))
            if neq.any():
                i = int(neq.arg_max() or 0)
                return f"{col}: {int(neq.sum())} values differ, e.g. row {i}: {x[i]!r} vs {y[i]!r}"
    return None


def load_answer(stem: Path) -> pl.DataFrame:
    """A child's saved answer: ``<stem>.parquet`` (polars) or ``<stem>.pkl`` (pandas)."""
    parquet, pickle = stem.with_name(stem.name + ".parquet"), stem.with_name(stem.name + ".pkl")
    if parquet.exists():
        return pl.read_parquet(parquet)
    if pickle.exists():
        import pandas as pd

        return pl.from_pandas(pd.read_pickle(pickle))
    raise FileNotFoundError(f"no answer saved at {stem}.parquet or {stem}.pkl")


def check_answers(
    bench: str, reference: tuple[str, Path], other: tuple[str, Path], **tol: float
) -> Check:
    """Compare two saved answers (written by the children; see :func:`load_answer`)."""
    expected = load_answer(reference[1])
    actual = load_answer(other[1])
    why = compare_frames(expected, actual, **tol)
    detail = f"equal ({expected.height} rows × {expected.width} columns)" if why is None else why
    return Check(bench, (reference[0], other[0]), why is None, detail)


def write_timings(path: Path, measurements: list[Measurement]) -> None:
    """Append these runs to the timings file, replacing earlier rows of the same measurement.

    The file holds one row per run (warm-ups flagged) and is the only input of the plot.
    """
    new = pl.DataFrame(
        [asdict(r) | {"warmup": r.warmup} for m in measurements for r in m.runs],
        schema={
            "preset": pl.String,
            "bench": pl.String,
            "tool": pl.String,
            "run": pl.Int64,
            "wall_s": pl.Float64,
            "work_s": pl.Float64,
            "cpu_s": pl.Float64,
            "peak_rss_mb": pl.Float64,
            "input_mb": pl.Float64,
            "rows": pl.Int64,
            "load1": pl.Float64,
            "warmup": pl.Boolean,
        },
    )
    if path.exists():
        old = pl.read_csv(path, schema=new.schema)
        keys = new.select("preset", "bench", "tool").unique()
        old = old.join(keys, on=["preset", "bench", "tool"], how="anti")
        new = pl.concat([old, new])
    path.parent.mkdir(parents=True, exist_ok=True)
    new.sort("preset", "bench", "tool", "run").write_csv(path, float_precision=4)

"""Size presets of the synthetic trace, and what each measured: the one place for both.

``tiny`` feeds unit tests (seconds), ``small`` is the demo and the calibration preset,
``medium`` and ``large`` feed benchmarks. Memory is bounded by one simulation chunk per
region worker (two workers), not by the trace size: a chunk's events and counts are written
and released before the next chunk is simulated, per-minute statistics are computed one
metric at a time, and the request day's rows are split 250 k at a time. Measured with
``/usr/bin/time -v coldstart synth DIR --preset medium --days N --quiet``: peak RSS 1.81 GB
for 2 days and 1.82 GB for 4 (before these three changes a 6-hour chunk of Region 2 alone
peaked at 2.8 GB, and the whole of medium at 3.7 GB). Larger presets use shorter chunks, so
their peak follows the busiest chunk. The ``synth --help`` text and
the README's preset table are both rendered from ``PRESETS`` (``preset_table``), so the sizes
and times users read are stated once.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldstart.errors import UsageError


@dataclass(frozen=True)
class Measured:
    """What writing the preset measured (seed 0, all 16 metrics), and how."""

    cold_starts: str
    request_rows: str
    disk: str
    wall: str
    peak_rss: str


@dataclass(frozen=True)
class Preset:
    name: str
    purpose: str
    functions: dict[str, int]  # functions per region
    day_requests: int  # target requests per day over all regions (before table thinning)
    request_parts: int  # Spark part files per region in per_request/
    chunk_minutes: int  # simulation chunk; divides 1 440
    measured: Measured | None = None

    @property
    def description(self) -> str:
        """One line for ``--help``: purpose and measured size."""
        if self.measured is None:
            return self.purpose
        m = self.measured
        return f"{self.purpose}: {m.cold_starts} cold starts, {m.disk}, {m.wall}"


# tiny and small were measured on the project's shared 2-core machine while other jobs ran
# (load average 10-38), so their wall times are upper bounds: tiny by `/usr/bin/time -v
# coldstart synth DIR --preset tiny --quiet`, small as the first step of `/usr/bin/time -v
# coldstart demo` (whole demo: 160 s CPU). medium and large were re-measured on 2026-12-02 on
# a quiet 2-core machine (load < 2 from nothing else): those are the comparable wall times.
MEASURED_ON = (
    "`/usr/bin/time -v` (tiny, medium, large: `coldstart synth DIR --preset NAME --quiet`; "
    "small: the first step of `coldstart demo`), seed 0, on a 2-core machine: tiny and small "
    "at load average 10-38 from other jobs (wall times are upper bounds), medium and large on "
    "the quiet machine"
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="tiny",
            purpose="unit tests",
            functions={"R1": 3, "R2": 12, "R3": 2, "R4": 6, "R5": 2},
            day_requests=20_000,
            request_parts=4,
            chunk_minutes=1440,
            measured=Measured("≈11 k", "≈120 k", "0.7 GB", "56 s wall, 14 s CPU", "0.4 GB"),
        ),
        Preset(
            name="small",
            purpose="the demo and the calibration",
            functions={"R1": 25, "R2": 64, "R3": 20, "R4": 25, "R5": 20},
            day_requests=200_000,
            request_parts=20,
            chunk_minutes=1440,
            measured=Measured("≈142 k", "≈410 k", "2.2 GB", "175 s wall (demo step)", "1.1 GB"),
        ),
        Preset(
            name="medium",
            purpose="benchmarks",
            functions={"R1": 200, "R2": 1000, "R3": 80, "R4": 600, "R5": 120},
            day_requests=5_000_000,
            request_parts=200,
            chunk_minutes=360,
            # /usr/bin/time -v coldstart synth DIR --preset medium --quiet, 2026-12-02 on the
            # quiet machine (at load 10-38 on 2026-12-01 it took 68 min wall, 824 s CPU).
            measured=Measured("≈1.8 M", "≈7.9 M", "25 GB", "6.0 min wall, 537 s CPU", "2.3 GB"),
        ),
        Preset(
            name="large",
            purpose="benchmarks (tens of millions of request rows)",
            functions={"R1": 900, "R2": 2418, "R3": 230, "R4": 3000, "R5": 540},
            day_requests=30_000_000,
            request_parts=200,
            chunk_minutes=60,
            # Measured with --metrics none (the three count series): with all 16 metrics the
            # per-minute files alone would be ≈75 GB (medium's per region × the function
            # ratio), more than the benchmark machine's free disk.
            measured=Measured(
                "≈6.0 M",
                "≈29 M",
                "8.3 GB with --metrics none",
                "8.2 min wall, 824 s CPU (--metrics none)",
                "1.3 GB",
            ),
        ),
    )
}

START = "<!-- synth-presets:start (rendered from coldstart/synth/presets.py) -->"
END = "<!-- synth-presets:end -->"


def preset_table() -> str:
    """The README's preset table, from ``PRESETS``."""
    lines = [
        f"Measured with {MEASURED_ON}; memory is bounded by one simulation chunk per region "
        "worker, not by the trace size (medium: 1.81 GB for 2 days, 1.82 GB for 4, 2.3 GB for "
        "all 31: the peak follows the busiest chunk).",
        "",
        "| preset | for | functions R1/R2/R3/R4/R5 | cold starts | request rows | on disk "
        "| wall time | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in PRESETS.values():
        m = p.measured
        cells = (
            [m.cold_starts, m.request_rows, m.disk, m.wall, m.peak_rss]
            if m
            else ["not measured since v2"] + [""] * 4
        )
        fn = "/".join(str(p.functions[r]) for r in ("R1", "R2", "R3", "R4", "R5"))
        lines.append(f"| {p.name} | {p.purpose} | {fn} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UsageError(f"unknown preset {name!r}; valid presets: {', '.join(PRESETS)}") from None

"""Size presets of the synthetic trace.

``tiny`` feeds unit tests (seconds), ``small`` is the demo (≈100 k cold starts, ≈500 k
requests on the request day), ``medium`` and ``large`` feed benchmarks. Larger presets use
shorter simulation chunks so memory stays bounded by the busiest chunk, not the trace size.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldstart.errors import UsageError


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    functions: dict[str, int]  # functions per region
    day_requests: int  # target requests per day over all regions (before table thinning)
    request_parts: int  # Spark part files per region in per_request/
    chunk_minutes: int  # simulation chunk; divides 1 440


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="tiny",
            description="unit tests: a few seconds, ≈10 k cold starts",
            functions={"R1": 3, "R2": 12, "R3": 2, "R4": 6, "R5": 2},
            day_requests=20_000,
            request_parts=4,
            chunk_minutes=1440,
        ),
        Preset(
            name="small",
            description="the demo: ≈100 k cold starts, ≈500 k requests, under 30 s",
            functions={"R1": 25, "R2": 64, "R3": 20, "R4": 25, "R5": 20},
            day_requests=200_000,
            request_parts=20,
            chunk_minutes=1440,
        ),
        Preset(
            name="medium",
            description="benchmarks: ≈1 M cold starts, ≈5 M request rows",
            functions={"R1": 200, "R2": 1000, "R3": 80, "R4": 600, "R5": 120},
            day_requests=5_000_000,
            request_parts=200,
            chunk_minutes=360,
        ),
        Preset(
            name="large",
            description="benchmarks: tens of millions of request rows",
            functions={"R1": 900, "R2": 2418, "R3": 230, "R4": 3000, "R5": 540},
            day_requests=30_000_000,
            request_parts=200,
            chunk_minutes=60,
        ),
    )
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UsageError(f"unknown preset {name!r}; valid presets: {', '.join(PRESETS)}") from None

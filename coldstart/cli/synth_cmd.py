"""`coldstart synth`: write a synthetic, release-shaped trace."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from coldstart.cli._common import app, err_console, split_csv_option, user_errors
from coldstart.progress import progress_bars
from coldstart.synth import PRESETS, generate


@app.command()
@user_errors
def synth(
    dest: Path = typer.Argument(
        ..., help="Folder to write; the trace goes to DEST/cold_start_dataset."
    ),
    preset: str = typer.Option(
        "small",
        "--preset",
        help=f"Size: {', '.join(f'{p.name} ({p.description})' for p in PRESETS.values())}.",
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed writes the same bytes."),
    regions: str | None = typer.Option(
        None, "--regions", help="Comma-separated subset of R1,R2,R3,R4,R5."
    ),
    days: int | None = typer.Option(
        None, "--days", help="Days 0..N-1 (default 31); requests cover the last."
    ),
    metrics: str | None = typer.Option(
        None,
        "--metrics",
        help="Comma-separated subset of the 16 per-minute metrics to write (default all; "
        "'none': the three count series only). Faster; the events are the same.",
    ),
    as_zip: bool = typer.Option(
        False, "--zip", help="Write the zip files users download instead of folders."
    ),
    force: bool = typer.Option(False, "--force", help="Replace a synthetic trace already in DEST."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Generate a synthetic trace shaped like the release and calibrated to the paper."""
    t0 = time.perf_counter()
    with progress_bars(quiet) as bars:
        summary = generate(
            dest,
            preset=preset,
            seed=seed,
            regions=split_csv_option(regions),
            days=days,
            metrics=None if metrics is None else _metrics(metrics),
            as_zip=as_zip,
            force=force,
            progress=bars,
        )
    if not quiet:
        err_console.print(
            f"wrote {summary.dataset}: {summary.cold_starts:,} cold starts, "
            f"{summary.request_rows:,} request rows, regions {','.join(summary.regions)}, "
            f"{summary.days} days, preset {summary.preset}, seed {summary.seed} "
            f"({time.perf_counter() - t0:.1f} s)"
        )


def _metrics(value: str) -> list[str]:
    return [] if value.strip() == "none" else split_csv_option(value) or []

"""`coldstart demo`: the main job on the embedded default (synthetic trace -> warehouse)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from coldstart.cli._common import app, err_console, user_errors
from coldstart.demo import run_demo
from coldstart.progress import progress_bars


@app.command()
@user_errors
def demo(
    out: Path = typer.Option(
        Path("data/demo"), "--out", help="Folder for the synthetic trace and warehouse."
    ),
    preset: str = typer.Option(
        "small", "--preset", help="Synthetic preset (tiny, small, medium, large)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of the synthetic trace."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Generate the synthetic `small` trace and ingest it: everything runs without the download."""
    with progress_bars(quiet) as bars:
        result = run_demo(out, preset=preset, seed=seed, progress=bars)
    rows = result.ingest.quality.rows.group_by("table").agg(pl.col("rows").sum()).sort("table")
    typer.echo(f"synthetic release: {result.synth.dataset}")
    typer.echo(f"warehouse:         {result.warehouse}")
    typer.echo("rows:              " + ", ".join(f"{t}={n:,}" for t, n in rows.iter_rows()))
    typer.echo(
        f"done in {result.seconds:.1f} s. Next: coldstart check --warehouse {result.warehouse}"
    )
    if not quiet:
        err_console.print("(the HTML report joins this command when `coldstart report` lands)")

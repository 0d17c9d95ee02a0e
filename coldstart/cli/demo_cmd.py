"""`coldstart demo`: the main job on the embedded default (synthetic trace -> warehouse ->
report)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from coldstart.cli._common import app, err_console, user_errors
from coldstart.progress import progress_bars


@app.command()
@user_errors
def demo(
    out: Path = typer.Option(
        Path("data"),
        "--out",
        help="Folder for the synthetic trace (synth/), warehouse (warehouse/) and report "
        "(report/). The default puts the warehouse where the other commands look for it.",
    ),
    preset: str = typer.Option(
        "small", "--preset", help="Synthetic preset (tiny, small, medium, large)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of the synthetic trace."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Generate the synthetic `small` trace, ingest it and write the HTML report: no download."""
    from coldstart.demo import DEMO_METRICS, STEPS, run_demo  # lazy: `coldstart --help` stays fast

    def on_step(i: int, name: str) -> None:
        if not quiet:
            err_console.print(f"[{i + 1}/{len(STEPS)}] {name} …", highlight=False, markup=False)

    with progress_bars(quiet) as bars:
        result = run_demo(out, preset=preset, seed=seed, progress=bars, on_step=on_step)
    rows = result.ingest.quality.rows.group_by("table").agg(pl.col("rows").sum()).sort("table")
    typer.echo(f"synthetic release: {result.synth.dataset}")
    typer.echo(
        f"                   per-minute statistics of {len(DEMO_METRICS)} of the release's 16 "
        f"metrics ({', '.join(DEMO_METRICS)}: those the report reads; `coldstart synth` "
        "writes all 16)"
    )
    typer.echo(f"warehouse:         {result.warehouse}")
    typer.echo("rows:              " + ", ".join(f"{t}={n:,}" for t, n in rows.iter_rows()))
    typer.echo(f"report:            {result.report.paths.html}")
    typer.echo(f"                   {result.report.paths.markdown} (figures in report_files/)")
    steps = ", ".join(f"{k} {v:.0f} s" for k, v in result.step_seconds.items())
    typer.echo(f"done in {result.seconds:.1f} s ({steps}). Open the report in a browser.")

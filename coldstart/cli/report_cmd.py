"""`coldstart report`: the paper's questions answered from the warehouse, as one HTML page."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import typer

from coldstart.cli._common import (
    app,
    err_console,
    parse_regions,
    regions_option,
    user_errors,
    warehouse_option,
)
from coldstart.progress import progress_bars


@app.command()
@user_errors
def report(
    warehouse: Path | None = warehouse_option(),
    out: Path = typer.Option(
        Path("reports"),
        "--out",
        "-o",
        help="Folder for report.html, report.md and report_files/ (created if needed).",
    ),
    regions: str | None = regions_option(),
    dpi: int = typer.Option(
        150, "--dpi", min=20, max=600, help="Resolution of the embedded figures (PNG)."
    ),
    open_: bool = typer.Option(
        False, "--open", help="Open the HTML report in the default browser when done."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Write the report: one self-contained HTML page (opens offline) and a Markdown version.

    It opens with where the data came from (a synthetic trace is labelled as such on every
    page) and a reproducibility table: each figure of the paper, its grade from the public
    release, and how many of the paper's numbers this warehouse agrees with. Sections follow
    the paper (every data figure, 1 and 3-17); each states the paper's claims beside this
    warehouse's values, the numbers behind its figures and the caveats of its data.
    """
    from coldstart.report import write_report

    with progress_bars(quiet) as bars:
        result = write_report(
            warehouse, out, regions=parse_regions(regions), dpi=dpi, progress=bars
        )
    skipped = [s.title for s in result.report.sections if s.skipped]
    typer.echo(f"report:   {result.paths.html}")
    typer.echo(f"markdown: {result.paths.markdown} (figures in {result.paths.files})")
    if skipped and not quiet:
        err_console.print(f"skipped (no data): {'; '.join(skipped)}")
    if not quiet:
        err_console.print(f"done in {result.seconds:.1f} s")
    if open_:
        webbrowser.open(result.paths.html.resolve().as_uri())

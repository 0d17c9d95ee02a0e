"""`coldstart download`: parse options, call coldstart.download, print what happened.

Importing this module is cheap (typer only): the download library (httpx, polars) and the
ingest are imported inside the command, so `coldstart --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from coldstart.cli._common import app, err_console, split_csv_option, user_errors


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


@app.command("download")
@user_errors
def download_command(
    dest: Path = typer.Argument(
        ..., help="Folder to download into; files go to DEST/cold_start_dataset/…"
    ),
    regions: str | None = typer.Option(None, "--regions", help="Comma-separated subset of R1…R5."),
    tables: str | None = typer.Option(
        None,
        "--tables",
        help="Comma-separated subset of cold_starts,requests,timeseries,functions.",
    ),
    days: str | None = typer.Option(
        None,
        "--days",
        help="Days like 0-6,14: cold-start and quantile zips are then read member by member.",
    ),
    metrics: str | None = typer.Option(
        None,
        "--metrics",
        help="Per-minute series: metrics (cpu_usage), folders (cpu_usage_avg) or counts "
        "(requests, num_pods, num_cold_starts); read member by member.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would be fetched, with sizes and the total."
    ),
    ingest: bool = typer.Option(
        False, "--ingest", help="Ingest what was downloaded into the warehouse afterwards."
    ),
    warehouse: Path | None = typer.Option(
        None,
        "--warehouse",
        help="Warehouse for --ingest (default: $COLDSTART_WAREHOUSE, else data/warehouse).",
    ),
    mirror: str | None = typer.Option(
        None,
        "--mirror",
        help="Base URL of a copy of the release (fetches cold_start/R1.zip, … from there) "
        "(default: $COLDSTART_MIRROR, else the release's Google Drive links).",
    ),
    file_list: Path | None = typer.Option(
        None,
        "--file-list",
        help="A release file list (CSV) to use instead of the packaged one, e.g. with "
        "updated links.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or summary."),
) -> None:
    """Fetch the release: resumable, verified, only the days and metrics asked for."""
    from coldstart.download import download
    from coldstart.download.progress import byte_bars

    try:
        with byte_bars(quiet) as bars:
            result = download(
                dest,
                regions=split_csv_option(regions),
                tables=split_csv_option(tables),
                days=days,
                metrics=split_csv_option(metrics),
                mirror=mirror,
                file_list=file_list,
                dry_run=dry_run,
                progress=bars,
            )
    except KeyboardInterrupt:
        err_console.print(
            "interrupted; partial files stay under .part names and the next run resumes them"
        )
        raise typer.Exit(code=130) from None
    for note in result.notes:
        err_console.print(f"note: {note}")
    if dry_run:
        for name, kind, status, n, _ in result.files.iter_rows():
            label = {"directory": " (zip directory)", "archive": " (whole zip, for its members)"}
            what = name + label.get(kind, "")
            typer.echo(f"{status:9} {_size(n):>12}  {what}")
        typer.echo(f"total to fetch: {_size(result.total_bytes)} ({result.total_bytes:,} bytes)")
        return
    if not quiet:
        counts = result.files.filter(result.files["kind"].is_in(["file", "member"]))[
            "status"
        ].value_counts()
        done = ", ".join(f"{n} {s}" for s, n in counts.sort("status").iter_rows())
        typer.echo(f"{result.dataset}: {done}; {_size(result.total_bytes)} read")
    if ingest:
        _ingest(result.paths(), warehouse, quiet)


def _ingest(paths: list[Path], warehouse: Path | None, quiet: bool) -> None:
    from coldstart.cli.ingest_cmd import print_quality
    from coldstart.ingest import ingest
    from coldstart.progress import progress_bars

    with progress_bars(quiet) as bars:
        result = ingest([str(p) for p in paths], warehouse=warehouse, progress=bars)
    counts = result.sources.group_by("status").len().sort("status")
    done = ", ".join(f"{n} {s}" for s, n in counts.iter_rows())
    typer.echo(f"{result.warehouse}: {done or 'no sources'}")
    if not quiet:
        print_quality(result.quality)

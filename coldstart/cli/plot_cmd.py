"""`coldstart plot`: draw the paper's figures from the warehouse (coldstart.frames → plots)."""

from __future__ import annotations

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
from coldstart.errors import MissingTableError, OutputError, UsageError

FORMATS = ("png", "svg", "pdf")


def parse_days(value: str | None) -> tuple[int, int] | None:
    """``10-25`` → (10, 25); ``5`` → (5, 5); None stays None. Errors name --days."""
    if value is None:
        return None
    parts = value.replace("–", "-").split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise UsageError(f"--days: expected FIRST-LAST (e.g. 10-25), not {value!r}") from None
    if len(nums) == 1:
        return nums[0], nums[0]
    if len(nums) == 2:
        return nums[0], nums[1]
    raise UsageError(f"--days: expected FIRST-LAST (e.g. 10-25), not {value!r}")


@app.command()
@user_errors
def plot(
    figs: list[str] = typer.Argument(
        ..., help="Figures to draw: fig01, fig03 … fig17 (or 3, fig3), or all.", show_default=False
    ),
    out: Path = typer.Option(Path("figures"), "--out", "-o", help="Folder for the images."),
    fmt: str = typer.Option("png", "--format", "-f", help="Image format: png, svg or pdf."),
    warehouse: Path | None = warehouse_option(),
    regions: str | None = regions_option(),
    days: str | None = typer.Option(
        None,
        "--days",
        help="Day window FIRST-LAST of Fig 5 (default 0-2) and Fig 7 (default 10-25).",
    ),
    keep_alive: float = typer.Option(
        60.0, "--keep-alive", help="Keep-alive in seconds for the utility ratio (Fig 17)."
    ),
    dpi: int = typer.Option(150, "--dpi", help="Resolution of png images."),
) -> None:
    """Draw figures of the paper from the warehouse, one image per figure.

    Figures whose data are not in the warehouse, and Region 2 figures when --regions leaves
    Region 2 out, are skipped with a one-line reason.
    """
    import matplotlib

    matplotlib.use("Agg")
    import coldstart.query
    from coldstart import frames, plots

    if fmt not in FORMATS:
        raise UsageError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    ids = frames.resolve_ids(figs)
    opts = frames.options(
        regions=parse_regions(regions), days=parse_days(days), keep_alive_s=keep_alive
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out: cannot create {out}: {exc.strerror}") from None
    from coldstart import provenance

    with coldstart.query.open(warehouse) as session:
        origin = provenance.read(session.warehouse)
        stamp = provenance.SYNTHETIC_LINE if origin.is_synthetic else None
        cached = frames.CachedSession(session)
        for fid in ids:
            try:
                ff = frames.build(fid, cached, opts)
            except MissingTableError as exc:
                err_console.print(f"{fid}: skipped — {exc}")
                continue
            if ff.excluded:
                err_console.print(f"{fid}: skipped — {ff.excluded}")
                continue
            path = out / f"{fid}.{fmt}"
            try:
                plots.draw(ff, stamp=stamp).savefig(path, dpi=dpi, format=fmt)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror}") from None
            typer.echo(f"{fid}: {path}")

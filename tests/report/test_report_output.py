"""Bad input and the atomic write: clear one-line errors, never a half-written report."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from coldstart.errors import InputError, OutputError, UsageError
from coldstart.report import ReportResult, fmt, render_markdown, write_report
from coldstart.report import output as report_output
from coldstart.report.render_html import render_html

pytestmark = pytest.mark.xdist_group("report")


def test_no_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError) as exc:
        write_report(tmp_path / "missing", out)
    message = str(exc.value)
    assert "\n" not in message
    assert "coldstart demo" in message and "coldstart ingest" in message
    assert not out.exists()


def test_empty_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    (tmp_path / "wh").mkdir()
    with pytest.raises(InputError, match="empty") as exc:
        write_report(tmp_path / "wh", tmp_path / "out")
    assert "coldstart demo" in str(exc.value)


def test_unknown_region_names_the_option(report_warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--regions: unknown region 'R7'"):
        write_report(report_warehouse, tmp_path / "out", regions=["R1", "R7"])


@pytest.mark.parametrize("under", ["file", "file/sub"])
def test_unwritable_out_fails_before_building(
    report_warehouse: Path, tmp_path: Path, under: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tests run as root, so "unwritable" is a path through a regular file
    (tmp_path / "file").write_text("not a folder")

    def must_not_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report was built before --out was checked")

    monkeypatch.setattr("coldstart.report.build_from_session", must_not_build)
    with pytest.raises(OutputError, match="--out") as exc:
        write_report(report_warehouse, tmp_path / under)
    assert str(tmp_path / under) in str(exc.value)


def _previous_report(tiny_report: ReportResult, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(tiny_report.paths.out, out)
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _write(tiny_report: ReportResult, out: Path) -> report_output.ReportPaths:
    report = tiny_report.report
    images = {f.filename: f.png for s in report.sections for f in s.figures if f.png}
    return report_output.write_atomically(
        out,
        html=lambda: render_html(report),
        markdown=lambda d: render_markdown(report, d),
        images=images,
    )


def test_disk_full_while_writing_html_leaves_the_previous_report(
    tiny_report: ReportResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _previous_report(tiny_report, tmp_path)
    before = _snapshot(out)
    real_write = report_output._write_text

    def half_then_full(path: Path, text: str) -> None:
        if path.name == report_output.HTML_NAME:
            path.write_text(text[: len(text) // 2], encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, text)

    monkeypatch.setattr(report_output, "_write_text", half_then_full)
    with pytest.raises(OutputError, match="No space left on device"):
        _write(tiny_report, out)
    assert _snapshot(out) == before  # old report untouched, no staging folder left behind
    assert not list(out.glob(f"{report_output.STAGING_PREFIX}*"))


def test_renderer_failure_leaves_no_html_behind(tiny_report: ReportResult, tmp_path: Path) -> None:
    out = tmp_path / "fresh"

    def broken() -> str:
        raise RuntimeError("renderer bug")

    report = tiny_report.report
    with pytest.raises(RuntimeError, match="renderer bug"):
        report_output.write_atomically(
            out, html=broken, markdown=lambda d: render_markdown(report, d), images={}
        )
    assert out.is_dir() and list(out.iterdir()) == []


def test_rewrite_replaces_the_report_and_keeps_what_it_did_not_write(
    tiny_report: ReportResult, tmp_path: Path
) -> None:
    out = _previous_report(tiny_report, tmp_path)
    # a figure the previous report wrote that this one will not, and files of the user's
    manifest = json.loads((out / report_output.MANIFEST_NAME).read_text())
    manifest["files"].append(f"{report_output.FILES_DIR}/fig99.png")
    (out / report_output.MANIFEST_NAME).write_text(json.dumps(manifest))
    (out / report_output.FILES_DIR / "fig99.png").write_bytes(b"old report's")
    (out / report_output.FILES_DIR / "my-notes.png").write_bytes(b"mine")
    (out / "analysis.ipynb").write_text("{}")
    paths = _write(tiny_report, out)
    assert paths.html.read_text(encoding="utf-8") == render_html(tiny_report.report)
    assert not (paths.files / "fig99.png").exists()  # the report wrote it: removed
    assert (paths.files / "my-notes.png").read_bytes() == b"mine"  # never touched
    assert (out / "analysis.ipynb").read_text() == "{}"
    assert sorted(p.name for p in out.iterdir()) == [
        report_output.MANIFEST_NAME,
        "analysis.ipynb",
        "report.html",
        "report.md",
        "report_files",
    ]
    written = json.loads((out / report_output.MANIFEST_NAME).read_text())["files"]
    assert f"{report_output.FILES_DIR}/my-notes.png" not in written


def test_a_page_the_report_did_not_write_is_never_overwritten(
    tiny_report: ReportResult, tmp_path: Path
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "report.html").write_text("<html>my own page</html>")
    with pytest.raises(OutputError, match="not written by `coldstart report`"):
        _write(tiny_report, out)
    assert (out / "report.html").read_text() == "<html>my own page</html>"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.0627655, "s", "0.0628"),
        (2.213229, "s", "2.21"),
        (1234.5, "s", "1,234"),
        (6.9e-06, "s", "0.00000690"),  # positional, as the paper writes it: no 6.90e-06
        (1.1e7, "ratio", "11,000,000"),
        (0.000045, "share", "0.005 %"),
        (0.4029, "share", "40.3 %"),
        (100592, "count", "100,592"),
        (None, "s", "–"),
        (float("nan"), "ratio", "–"),
        (-0.1, "rho", "-0.10"),
        ("R1", "text", "R1"),
    ],
)
def test_cell_formatting(value: object, unit: str, shown: str) -> None:
    assert fmt.value(value, unit) == shown


def test_big_numbers() -> None:
    assert fmt.big(6_601_495) == "6.60 M"
    assert fmt.big(85e9) == "85.0 billion"
    assert fmt.big(42_083) == "42.1 k"
    assert fmt.big(999) == "999"

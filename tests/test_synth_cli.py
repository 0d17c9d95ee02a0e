"""`coldstart synth`: determinism, CLI behaviour and bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldstart import release
from coldstart.cli import app
from coldstart.errors import OutputError, UsageError
from coldstart.synth import generate
from coldstart.synth import writer as synth_writer

runner = CliRunner()
QUICK = ["--preset", "tiny", "--regions", "R2,R5", "--days", "3", "--quiet"]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path, tiny_release: Path) -> None:
    """One worker writes the bytes of the default workers, and restricting the metrics changes
    no other file (only cpu_usage here: all 16 would re-write and hash 25,000 files)."""
    again = generate(tmp_path / "again", preset="tiny", seed=0, workers=1, metrics=["cpu_usage"])
    got = tree_digest(Path(again.dataset))
    assert len(got) > 2_000  # cold starts, requests, counts, cpu_usage's ten statistics
    expected = {rel: hashlib.sha256((tiny_release / rel).read_bytes()).hexdigest() for rel in got}
    assert got == expected


def test_same_seed_same_zip_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", preset="tiny", seed=3, regions=["R5"], days=2, as_zip=True)
    b = generate(tmp_path / "b", preset="tiny", seed=3, regions=["R5"], days=2, as_zip=True)
    assert tree_digest(Path(a.dataset)) == tree_digest(Path(b.dataset))


def test_different_seed_different_trace(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", preset="tiny", seed=1, regions=["R2"], days=2)
    b = generate(tmp_path / "b", preset="tiny", seed=2, regions=["R2"], days=2)
    assert tree_digest(Path(a.dataset)) != tree_digest(Path(b.dataset))


def test_cli_writes_trace_and_manifest(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "out"), *QUICK])
    assert result.exit_code == 0, result.output
    root = tmp_path / "out" / "cold_start_dataset"
    assert sorted(p.name for p in (root / "cold_start").iterdir()) == ["R2", "R5"]
    assert sorted(p.name for p in (root / "cold_start" / "R2").iterdir()) == [
        "day_0.csv",
        "day_1.csv",
        "day_2.csv",
    ]
    manifest = json.loads((tmp_path / "out" / "synth_manifest.json").read_text())
    assert (
        manifest["preset"] == "tiny"
        and manifest["days"] == 3
        and manifest["regions"] == ["R2", "R5"]
    )
    # The request table covers the last generated day.
    part = next((root / "per_request" / "R2").iterdir())
    lines = part.read_text().splitlines()[1:]
    assert all(2 * 86_400 <= float(line.split(",")[0]) < 3 * 86_400 for line in lines)


def test_cli_reports_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "out"), *QUICK[:-1]])
    assert result.exit_code == 0
    assert "cold starts" in result.output and "cold_start_dataset" in result.output


def test_non_empty_dest_refused_without_force(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["synth", str(dest), *QUICK])
    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output
    assert (dest / "keep.txt").read_text() == "mine"
    assert not (dest / "cold_start_dataset").exists()


def test_force_replaces_previous_trace(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    assert runner.invoke(app, ["synth", str(dest), *QUICK, "--seed", "1"]).exit_code == 0
    first = tree_digest(dest / "cold_start_dataset")
    assert runner.invoke(app, ["synth", str(dest), *QUICK, "--seed", "2", "--force"]).exit_code == 0
    assert tree_digest(dest / "cold_start_dataset") != first
    assert sorted(p.name for p in dest.iterdir()) == ["cold_start_dataset", "synth_manifest.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "huge"], "valid presets: tiny, small, medium, large"),
        (["--regions", "R1,R7"], "valid regions: R1, R2, R3, R4, R5"),
        (["--days", "40"], "--days must be between 1 and 31"),
        (["--days", "0"], "--days must be between 1 and 31"),
    ],
)
def test_bad_options_name_the_valid_values(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "o"), "--quiet", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unwritable_dest_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["synth", str(blocker / "sub"), *QUICK])
    assert result.exit_code == 1
    assert "cannot write" in result.output and str(blocker) in result.output


def test_full_disk_leaves_no_half_written_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write failing mid-way (ENOSPC) leaves DEST as it was: no tree, no staging folder."""
    dest = tmp_path / "out"
    assert runner.invoke(app, ["synth", str(dest), *QUICK]).exit_code == 0
    before = tree_digest(dest)
    calls = {"n": 0}
    original = synth_writer.RegionWriter.write_chunk

    def failing(self, *a, **k):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return original(self, *a, **k)

    monkeypatch.setattr(synth_writer.RegionWriter, "write_chunk", failing)
    with pytest.raises(OutputError, match=r"No space left on device.*nothing was published"):
        generate(dest, preset="tiny", regions=["R2", "R5"], days=3, seed=9, force=True)
    assert tree_digest(dest) == before
    assert sorted(p.name for p in dest.iterdir()) == ["cold_start_dataset", "synth_manifest.json"]


def test_library_raises_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown preset"):
        generate("/nonexistent-never-written", preset="nope")


def test_readme_preset_table_is_rendered_from_presets() -> None:
    """Preset sizes and times are stated once, in presets.py; README and --help render them."""
    from coldstart.synth import presets

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = text.split(presets.START, 1)[1].split(presets.END, 1)[0].strip("\n")
    assert block == presets.preset_table()
    small = presets.PRESETS["small"]
    assert small.measured is not None
    assert small.measured.cold_starts in block and small.measured.cold_starts in small.description


def test_metrics_option_restricts_the_statistics(tmp_path: Path) -> None:
    """--metrics writes the counts plus the named metrics; the events are the same bytes."""
    a = generate(tmp_path / "a", preset="tiny", seed=4, regions=["R5"], days=2)
    b = generate(tmp_path / "b", preset="tiny", seed=4, regions=["R5"], days=2, metrics=["busCost"])
    qa = Path(a.dataset) / "quantiles" / "R5"
    qb = Path(b.dataset) / "quantiles" / "R5"
    assert len(list(qa.iterdir())) == 163
    assert sorted(p.name for p in qb.iterdir()) == sorted(
        ["requests", "num_pods", "num_cold_starts"] + [f"busCost_{s}" for s in release.STATS]
    )
    for rel in ["cold_start/R5/day_1.csv", "quantiles/R5/busCost_avg/day_1.csv"]:
        assert (Path(a.dataset) / rel).read_bytes() == (Path(b.dataset) / rel).read_bytes()
    parts = sorted((Path(a.dataset) / "per_request" / "R5").iterdir())
    for p in parts:
        assert p.read_bytes() == (Path(b.dataset) / "per_request" / "R5" / p.name).read_bytes()


def test_metrics_option_names_a_bad_metric(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path / "x"), "--metrics", "cpu,busCost"])
    assert result.exit_code != 0
    assert "unknown metric 'cpu' in --metrics" in result.output

"""The packaged file list against the release README's table of files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from coldstart.download import load_catalog
from coldstart.errors import InputError

# Transcribed by hand from sir-lab/data-release README_data_release_2025.md at commit
# d1947af52c4f2a71819d15637e3a3e0b730bf44f: one cold-start and one quantile link per region,
# request parts R1 1-20, R2 1-10, R3 1-5, R4 1-2, R5 one link, and Region 2's function table.
README_COUNTS = {
    ("R1", "cold_starts"): 1, ("R2", "cold_starts"): 1, ("R3", "cold_starts"): 1,
    ("R4", "cold_starts"): 1, ("R5", "cold_starts"): 1,
    ("R1", "requests"): 20, ("R2", "requests"): 10, ("R3", "requests"): 5,
    ("R4", "requests"): 2, ("R5", "requests"): 1,
    ("R1", "timeseries"): 1, ("R2", "timeseries"): 1, ("R3", "timeseries"): 1,
    ("R4", "timeseries"): 1, ("R5", "timeseries"): 1,
    ("R2", "functions"): 1,
}  # fmt: skip
README_COMMIT = "d1947af52c4f2a71819d15637e3a3e0b730bf44f"


def test_entries_match_the_readme_table_per_region_and_table() -> None:
    cat = load_catalog()
    assert Counter((f.region, f.table) for f in cat.files) == README_COUNTS
    assert len(cat.files) == 49


def test_entries_are_well_formed_and_unique() -> None:
    cat = load_catalog()
    assert len({f.drive_id for f in cat.files}) == len(cat.files)
    assert len({f.name for f in cat.files}) == len(cat.files)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{25,44}", f.drive_id) for f in cat.files)
    assert {f.readme_commit for f in cat.files} == {README_COMMIT}
    # Parts are numbered 1..N per region and table, as the README's "part N" links.
    for (region, table), n in README_COUNTS.items():
        parts = sorted(f.part for f in cat.files if (f.region, f.table) == (region, table))
        assert parts == list(range(1, n + 1))
    assert [f.name for f in cat.files if f.table == "cold_starts"] == [
        f"cold_start/R{i}.zip" for i in range(1, 6)
    ]
    assert cat.url_for(cat.files[0], None).endswith("id=" + cat.files[0].drive_id)
    assert cat.url_for(cat.files[0], "https://copy.example/data/") == (
        "https://copy.example/data/cold_start/R1.zip"
    )


def test_no_code_names_a_host_or_an_id() -> None:
    """Only the data file names the Drive host or ids; code builds URLs from it."""
    pkg = Path(__file__).resolve().parents[2] / "coldstart"
    ids = [f.drive_id for f in load_catalog().files]
    for py in pkg.rglob("*.py"):
        text = py.read_text()
        assert "google.com" not in text, py
        assert not any(i in text for i in ids), py


def test_a_malformed_list_is_named_by_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text(
        "# download_url: http://127.0.0.1/{drive_id}\n"
        "region,table,part,drive_id,name,size_bytes,name_source,readme_commit\n"
        "R1,cold_starts,1,abc,cold_start/R1.zip,,x,y\n"
        "R1,coldstarts,1,abc,cold_start/R1.zip,,x,y\n"
    )
    with pytest.raises(InputError, match=rf"^{re.escape(str(bad))}:4: table 'coldstarts'"):
        load_catalog(bad)

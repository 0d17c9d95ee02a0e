"""Small request parts loaded as packs that share one Parquet part (coldstart.ingest.packs).

Every test checks packs against what the same files give loaded one by one (packing switched
off), or against answers worked out by hand: the rows, the manifest's counters, and each
source's row range in the shared part.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from _ingest_fixtures import REQ_HEADER, csv_text, tree_snapshot

from coldstart.errors import InputError, OutputError
from coldstart.ingest import ingest, packs, run
from coldstart.ingest.sources import Source
from coldstart.warehouse import MANIFEST_FILE, TABLES

DAY30 = 2592000.5
POOL = "pool22-300-128-0000000001"


def row(i: int, t: float = DAY30, pod: str = POOL, cost: str = "0.5") -> str:
    """A request row whose requestID is ``i`` in hex (so rows can be told apart)."""
    return f"{t},{t - 0.25},{i:064x},1,400,{pod},418,{cost},0.1,0.4,0.6,0.05,0.01,0.02,0.03,0.2,64.5,327.0"


def write_parts(src: Path, parts: dict[str, list[str]], region: str = "R2") -> Path:
    base = src / "cold_start_dataset" / "per_request" / region
    base.mkdir(parents=True, exist_ok=True)
    for name, rows in parts.items():
        (base / name).write_text(csv_text(REQ_HEADER, rows))
    return src / "cold_start_dataset"


def manifest(wh: Path) -> dict[str, dict]:
    return json.loads((wh / MANIFEST_FILE).read_text())["sources"]


def requests(wh: Path) -> pl.DataFrame:
    df = pl.read_parquet(wh / "requests" / "**" / "*.parquet", hive_partitioning=True)
    return df.sort("requestID")


def assert_ranges_hold(wh: Path) -> None:
    """Each source's rows in each of its outputs are exactly its rows there: re-read its CSV
    and compare request IDs in order."""
    for key, entry in manifest(wh).items():
        src = Path(entry["container"])
        if entry["rows_read"] == 0:
            assert entry["outputs"] == [] and "part_rows" not in entry
            continue
        ids = pl.read_csv(src, schema_overrides={"requestID": pl.String})["requestID"]
        got: list[str] = []
        for rel in entry["outputs"]:
            table = pq.ParquetFile(wh / rel).read()
            start, stop = entry.get("part_rows", {}).get(rel, [0, table.num_rows])
            got += [
                b.hex() for b in table.column("requestID").slice(start, stop - start).to_pylist()
            ]
        assert got == ids.to_list(), key


PARTS = {
    "part-00000.csv": [row(0), row(1), row(2)],
    "part-00001.csv": [row(3), row(4, pod="not-a-pod")],
    "part-00002.csv": [row(5)],
}


def test_small_parts_share_one_part_with_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_parts(tmp_path / "src", PARTS)
    write_parts(tmp_path / "src", {"part-00000.csv": [row(9)]}, region="R5")  # alone in R5
    packed = ingest([src], warehouse=tmp_path / "packed")
    assert packed.ingested == 4
    r2 = sorted((tmp_path / "packed" / "requests" / "region=R2" / "day=30").iterdir())
    r5 = sorted((tmp_path / "packed" / "requests" / "region=R5" / "day=30").iterdir())
    assert [p.name[:5] for p in r2] == ["pack-"] and [p.name[:5] for p in r5] == ["part-"]
    m = manifest(tmp_path / "packed")
    ranges = {k.split("/")[-1]: e.get("part_rows") for k, e in m.items() if "/R2/" in k}
    rel = f"requests/region=R2/day=30/{r2[0].name}"
    assert ranges == {
        "part-00000.csv": {rel: [0, 3]},
        "part-00001.csv": {rel: [3, 5]},
        "part-00002.csv": {rel: [5, 6]},
    }
    assert m["requests/R2/part-00001.csv"]["counters"]["podID_unparseable"] == 1
    assert m["requests/R2/part-00000.csv"]["counters"]["podID_unparseable"] == 0
    assert_ranges_hold(tmp_path / "packed")

    monkeypatch.setattr(packs, "PACKED_TABLES", ())
    single = ingest([src], warehouse=tmp_path / "single")
    assert single.ingested == 4
    assert requests(tmp_path / "packed").equals(requests(tmp_path / "single"))
    strip = {"outputs", "part_rows"}
    assert {k: {f: v for f, v in e.items() if f not in strip} for k, e in m.items()} == {
        k: {f: v for f, v in e.items() if f not in strip}
        for k, e in manifest(tmp_path / "single").items()
    }
    assert packed.quality.issues.equals(single.quality.issues)


def test_reingesting_some_sources_of_a_pack_keeps_the_others(tmp_path: Path) -> None:
    src = write_parts(tmp_path / "src", PARTS)
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    pack_file = next((wh / "requests").rglob("pack-*.parquet")).name

    changed = write_parts(tmp_path / "src", {"part-00001.csv": [row(6), row(7), row(8)]})
    again = ingest([src], warehouse=wh)
    assert again.ingested == 1 and again.skipped == 2
    assert requests(wh)["requestID"].to_list() == [
        bytes.fromhex(f"{i:064x}") for i in (0, 1, 2, 5, 6, 7, 8)
    ]
    shared = manifest(wh)["requests/R2/part-00002.csv"]["part_rows"]
    assert shared == {f"requests/region=R2/day=30/{pack_file}": [3, 4]}
    assert_ranges_hold(wh)

    # The other sources' files are gone (deleted after ingest): a change to one still works,
    # from the rows already in the warehouse.
    (changed / "per_request" / "R2" / "part-00000.csv").unlink()
    (changed / "per_request" / "R2" / "part-00002.csv").unlink()
    one = write_parts(tmp_path / "src", {"part-00001.csv": [row(10)]})
    again = ingest([one / "per_request" / "R2" / "part-00001.csv"], warehouse=wh, replace=True)
    assert again.ingested == 1
    assert requests(wh)["requestID"].to_list() == [
        bytes.fromhex(f"{i:064x}") for i in (0, 1, 2, 5, 10)
    ]
    assert len(list((wh / "requests").rglob("*.parquet"))) == 2

    # Every source of the old pack re-ingested (its files are back): the old pack goes, one
    # new pack holds them all.
    write_parts(tmp_path / "src", {k: PARTS[k] for k in ("part-00000.csv", "part-00002.csv")})
    write_parts(tmp_path / "src", {"part-00003.csv": [row(11)]})
    again = ingest([src], warehouse=wh, force=True)
    assert again.ingested == 4
    assert requests(wh)["requestID"].to_list() == [
        bytes.fromhex(f"{i:064x}") for i in (0, 1, 2, 5, 10, 11)
    ]
    files = list((wh / "requests").rglob("*.parquet"))
    assert len(files) == 1 and files[0].name != pack_file
    assert_ranges_hold(wh)


def test_forced_rebuild_of_packs_gives_the_same_files(tmp_path: Path) -> None:
    src = write_parts(tmp_path / "src", PARTS)
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    before = {p.relative_to(wh): pl.read_parquet(p) for p in wh.rglob("*.parquet")}
    ingest([src], warehouse=wh, force=True)
    after = {p.relative_to(wh): pl.read_parquet(p) for p in wh.rglob("*.parquet")}
    assert before.keys() == after.keys()
    assert all(before[k].equals(after[k]) for k in before)


def test_a_bad_value_in_a_pack_is_named_or_skipped(tmp_path: Path) -> None:
    parts = {**PARTS, "part-00001.csv": [row(3), row(4, cost="oops")]}
    src = write_parts(tmp_path / "src", parts)
    with pytest.raises(InputError) as err:
        ingest([src], warehouse=tmp_path / "wh")
    assert "part-00001.csv, line 3, column totalCost_worker: oops" in str(err.value)
    assert not (tmp_path / "wh").exists()

    got = ingest([src], warehouse=tmp_path / "wh", skip_bad_rows=True)
    assert got.ingested == 3
    assert requests(tmp_path / "wh").height == 5
    assert manifest(tmp_path / "wh")["requests/R2/part-00001.csv"]["bad_rows"] == 1
    ids = requests(tmp_path / "wh")["requestID"].to_list()
    assert ids == [bytes.fromhex(f"{i:064x}") for i in (0, 1, 2, 3, 5)]


def test_a_truncated_last_line_in_a_pack_is_named(tmp_path: Path) -> None:
    src = write_parts(tmp_path / "src", PARTS)
    f = src / "per_request" / "R2" / "part-00002.csv"
    f.write_text(f.read_text()[:-40])  # cut inside the last row, no newline
    with pytest.raises(InputError) as err:
        ingest([src], warehouse=tmp_path / "wh")
    assert "part-00002.csv, line 2: expected 18 fields" in str(err.value)


def test_a_pack_with_rows_of_two_days_writes_a_part_per_day(tmp_path: Path) -> None:
    parts = {**PARTS, "part-00002.csv": [row(5), row(6, t=DAY30 - 86400)]}
    src = write_parts(tmp_path / "src", parts)
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    m = manifest(wh)
    entry = m["requests/R2/part-00002.csv"]
    days = sorted(rel.split("/")[2] for rel in entry["outputs"])
    assert days == ["day=29", "day=30"]
    assert sorted(entry["part_rows"].values()) == [[0, 1], [5, 6]]
    assert entry["counters"]["outside_request_day"] == 1
    assert m["requests/R2/part-00000.csv"]["counters"]["outside_request_day"] == 0
    assert_ranges_hold(wh)


def test_empty_and_header_only_files_in_a_pack(tmp_path: Path) -> None:
    src = write_parts(tmp_path / "src", {**PARTS, "part-00003.csv": []})
    (src / "per_request" / "R2" / "part-00004.csv").write_text("")
    wh = tmp_path / "wh"
    got = ingest([src], warehouse=wh)
    assert requests(wh).height == 6
    m = manifest(wh)
    assert m["requests/R2/part-00003.csv"]["rows_read"] == 0
    assert m["requests/R2/part-00003.csv"]["outputs"] == []
    assert m["requests/R2/part-00004.csv"]["rows_read"] == 0
    assert m["requests/R2/part-00004.csv"]["outputs"] == []
    assert got.ingested == 5
    assert_ranges_hold(wh)


def _source(region: str, size: int, table: str = "requests") -> Source:
    return Source(Path("x"), None, size, "mtime:0", table, region, None)


def test_form_packs_groups_small_sources_by_region_up_to_the_pack_size() -> None:
    mb = 1 << 20
    cands = [
        ("requests", _source("R1", 3 * mb), "r1/a"),
        ("requests", _source("R1", 3 * mb), "r1/b"),
        ("requests", _source("R1", 3 * mb), "r1/c"),  # a+b+c > 8 MB: c starts a new pack
        ("requests", _source("R1", 4 * mb), "r1/d"),  # 4 MB (the most a packed source may be)
        ("requests", _source("R1", 5 * mb), "r1/e"),  # > 4 MB: never packed
        ("requests", _source("R2", mb), "r2/a"),  # alone in its region
        ("cold_starts", _source("R3", mb), "c3/a"),
        ("cold_starts", _source("R3", mb), "c3/b"),  # cold starts are never packed
    ]
    got, alone = packs.form_packs(cands)
    assert [[k for _, k in p.members] for p in got] == [["r1/a", "r1/b"], ["r1/c", "r1/d"]]
    assert sorted(k for _, _, k in alone) == ["c3/a", "c3/b", "r1/e", "r2/a"]
    assert all(p.size <= packs.PACK_BYTES for p in got)
    assert got[0].file_name != got[1].file_name


def test_carry_over_refuses_ranges_outside_the_file(tmp_path: Path) -> None:
    src = write_parts(tmp_path / "src", PARTS)
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    part = next((wh / "requests").rglob("pack-*.parquet"))
    kept = packs.carry_over(part, tmp_path / "out.parquet", "requests", {"b": [3, 6], "a": [0, 1]})
    assert kept == {"a": [0, 1], "b": [1, 4]}
    assert (
        pq.ParquetFile(tmp_path / "out.parquet").schema_arrow == TABLES["requests"].arrow_schema()
    )
    with pytest.raises(InputError, match=r"rows 5–9 .* has 6: .*--force"):
        packs.carry_over(part, tmp_path / "x.parquet", "requests", {"a": [5, 9]})


def test_a_failure_while_rewriting_a_pack_leaves_the_warehouse_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_parts(tmp_path / "src", PARTS)
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    before = tree_snapshot(wh)
    write_parts(tmp_path / "src", {"part-00001.csv": [row(6)]})

    def broken(published: Path, staged: Path, table: str, kept: dict) -> None:
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(b"half a Parquet file")
        raise OSError("disk full")

    monkeypatch.setattr(run, "carry_over", broken)
    with pytest.raises(OutputError, match="disk full"):
        ingest([src], warehouse=wh, replace=True)  # 2 rows → 1: needs --replace
    assert tree_snapshot(wh) == before

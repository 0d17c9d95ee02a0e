"""The synthetic trace is in the release's exact format, read back with Python's csv module."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import pytest

from coldstart import release

HEX64 = re.compile(r"^[0-9a-f]{64}$")
PART = re.compile(
    r"^part-(\d{5})-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-c000\.csv$"
)


def rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, list(reader)


def test_top_level_layout(tiny_release: Path) -> None:
    assert sorted(p.name for p in tiny_release.iterdir()) == [
        "cold_start",
        "coldstart-synthetic.json",  # the provenance marker (coldstart.provenance)
        "per_request",
        "quantiles",
        "runtime_triggerType",
    ]
    for table in ("cold_start", "per_request", "quantiles"):
        assert sorted(p.name for p in (tiny_release / table).iterdir()) == list(release.REGIONS)
    assert (tiny_release / release.FUNCTION_FILE).is_file()


@pytest.mark.parametrize("region", release.REGIONS)
def test_cold_start_files(tiny_release: Path, region: str) -> None:
    files = sorted((tiny_release / "cold_start" / region).iterdir())
    assert sorted(f.name for f in files) == sorted(f"day_{d}.csv" for d in range(31))
    for f in files:
        header, body = rows(f)
        assert header == list(release.COLD_START_COLUMNS)
        day = int(f.stem.split("_")[1])
        times = []
        for r in body:
            assert len(r) == 12
            assert int(r[0]) == day
            t = float(r[1])
            assert day * 86_400 <= t < (day + 1) * 86_400
            assert round(t, 3) == t  # millisecond resolution
            times.append(t)
            assert r[2] in {"1", "2", "3", "4"}
            int(r[3]), int(r[4])  # hashed ints
            assert HEX64.match(r[5])
            total, alloc, code, dep, sched = map(float, r[6:11])
            assert total == pytest.approx(alloc + code + dep + sched, abs=2e-6)
            assert round(code * 1000, 6).is_integer() and round(dep * 1000, 6).is_integer()
            assert release.POD_ID_PATTERN.match(r[11]), r[11]
        assert times == sorted(times)


@pytest.mark.parametrize("region", release.REGIONS)
def test_request_files(tiny_release: Path, region: str) -> None:
    files = sorted((tiny_release / "per_request" / region).iterdir())
    assert len(files) == 4  # the tiny preset's part count
    assert all(PART.match(f.name) for f in files)
    assert [int(PART.match(f.name)[1]) for f in files] == list(range(4))  # type: ignore[index]
    assert len({f.name.split("-", 2)[2] for f in files}) == 1  # one Spark job uuid
    n_bad_pod = 0
    for f in files:
        header, body = rows(f)
        assert header == list(release.REQUEST_COLUMNS)
        for r in body:
            assert len(r) == 18
            t = float(r[0])
            assert 30 * 86_400 <= t < 31 * 86_400
            assert HEX64.match(r[2])
            if not release.POD_ID_PATTERN.match(r[5]):
                n_bad_pod += 1
            total, worker, runtime = float(r[7]), float(r[8]), float(r[9])
            assert total == pytest.approx(worker + runtime, abs=2e-6)
            fe = [r[release.REQUEST_COLUMNS.index(c)] for c in release.FRONTEND_COLUMNS]
            assert all(v == "" for v in fe) or all(v != "" for v in fe)  # NaN together
            assert float(r[15]) > 0 and float(r[16]) > 0
    if region == "R5":
        assert n_bad_pod == 0  # the authors' notebook splits every podID of Region 5
    else:
        assert n_bad_pod >= 2  # the release's unparseable/empty podIDs


def test_request_quirks_present(tiny_release: Path) -> None:
    """Across regions: NaN frontend rows, empty and malformed podIDs."""
    empty_pod = malformed_pod = nan_fe = 0
    for f in (tiny_release / "per_request").rglob("*.csv"):
        for r in rows(f)[1]:
            empty_pod += r[5] == ""
            malformed_pod += r[5] != "" and not release.POD_ID_PATTERN.match(r[5])
            nan_fe += r[1] == ""
    assert empty_pod >= 1 and malformed_pod >= 1 and nan_fe >= 1


@pytest.mark.parametrize("region", release.REGIONS)
def test_series_folders_and_shape(tiny_release: Path, region: str) -> None:
    """Every metric of the release with all ten statistics, plus the counts: 163 folders."""
    folders = sorted(p.name for p in (tiny_release / "quantiles" / region).iterdir())
    expected = set(release.COUNT_SERIES) | {
        f"{m}_{s}" for m in release.METRICS for s in release.STATS
    }
    assert len(expected) == 163
    assert set(folders) == expected
    for folder in folders:
        metric, stat = release.split_series_folder(folder)
        assert metric in release.METRICS or metric in release.COUNT_SERIES
        assert (stat is None) == (folder in release.COUNT_SERIES)
        files = sorted(f.name for f in (tiny_release / "quantiles" / region / folder).iterdir())
        assert files == sorted(f"day_{d}.csv" for d in range(31))


@pytest.mark.parametrize(
    "folder",
    [
        "requests",
        "num_pods",
        "totalCost_cold_start_quantile_050",
        "cpu_usage_std",
        "busCost_quantile_099",
        "deployDependencyCost_avg",
        "requestBodySize_quantile_000",
        "workerCost_quantile_075",
    ],
)
def test_series_files(tiny_release: Path, folder: str) -> None:
    files = sorted((tiny_release / "quantiles" / "R2" / folder).iterdir())
    assert sorted(f.name for f in files) == sorted(f"day_{d}.csv" for d in range(31))
    column_sets = set()
    for f in files:
        header, body = rows(f)
        assert header[:2] == ["day", "time"]
        assert all(re.match(r"^\d+---\d+---pool\d+-\d+-\d+$", c) for c in header[2:])
        column_sets.add(tuple(header[2:]))
        day = int(f.stem.split("_")[1])
        assert len(body) == 1440
        assert [int(r[1]) for r in body] == [day * 86_400 + 60 * m for m in range(1440)]
        for r in body:
            for v in r[2:]:
                if v:
                    x = float(v)
                    assert not math.isnan(x)
                    if folder in release.COUNT_SERIES:
                        assert x.is_integer() and x > 0 and "." in v  # counts written as floats
    assert len(column_sets) > 1  # the set of function columns differs between days


def test_function_table(tiny_release: Path) -> None:
    header, body = rows(tiny_release / release.FUNCTION_FILE)
    assert header == list(release.FUNCTION_COLUMNS)
    series_funcs = set()
    for f in (tiny_release / "quantiles" / "R2" / "requests").iterdir():
        series_funcs |= set(rows(f)[0][2:])
    table_funcs = set()
    for fid, cpu_req, runtime, trig in body:
        table_funcs.add(fid)
        pool_cpu = int(fid.split("---")[2].split("-")[1])
        assert int(cpu_req) == release.CPU_LIMIT_TO_REQUEST[pool_cpu]
        assert runtime in release.RUNTIMES
        for item in trig.split(" "):
            assert item == "unknown" or item.split("-")[0] in release.TRIGGER_TYPES
    # Every function is in the table: the authors' notebook merges R2's cold starts with it
    # and finds no unmatched row.
    assert table_funcs == series_funcs


def test_zip_layout(tiny_zip_release: Path, tiny_release: Path) -> None:
    """--zip writes the downloaded zips; their members hold the same bytes as the folders."""
    names = sorted(
        str(p.relative_to(tiny_zip_release)) for p in tiny_zip_release.rglob("*") if p.is_file()
    )
    assert "cold_start/R1.zip" in names and "quantiles/R3.zip" in names
    assert "runtime_triggerType.zip" in names
    assert all(n.endswith(".zip") for n in names if n != "coldstart-synthetic.json")
    with zipfile.ZipFile(tiny_zip_release / "cold_start" / "R1.zip") as zf:
        members = [m for m in zf.namelist() if m != "coldstart-synthetic.json"]
        assert "coldstart-synthetic.json" in zf.namelist()  # provenance marker in every zip
        assert sorted(members) == sorted(f"R1/day_{d}.csv" for d in range(31))
        assert members != sorted(
            members, key=lambda m: int(m.split("_")[1].split(".")[0])
        )  # not sorted
        assert zf.read("R1/day_7.csv") == (tiny_release / "cold_start/R1/day_7.csv").read_bytes()
    req_zips = sorted(p.name for p in (tiny_zip_release / "per_request").iterdir())
    assert req_zips == ["R1_00000_00000.zip", "R1_00001_00001.zip", "R1_00002_00002.zip", "R1_00003_00003.zip",
                        "R2_00000_00000.zip", "R2_00001_00001.zip", "R2_00002_00002.zip", "R2_00003_00003.zip",
                        "R3_00000_00000.zip", "R3_00001_00001.zip", "R3_00002_00002.zip", "R3_00003_00003.zip",
                        "R4_00000_00001.zip", "R4_00002_00003.zip", "R5_00000_00003.zip"]  # fmt: skip
    with zipfile.ZipFile(tiny_zip_release / "per_request" / "R4_00002_00003.zip") as zf:
        parts = [m for m in zf.namelist() if m != "coldstart-synthetic.json"]
        assert all(m.startswith("R4_00002_00003/part-0000") for m in parts)
        member = parts[0]
        header = next(csv.reader(io.TextIOWrapper(zf.open(member), newline="")))
        assert header == list(release.REQUEST_COLUMNS)
    with zipfile.ZipFile(tiny_zip_release / "quantiles" / "R2.zip") as zf:
        assert "R2/cpu_usage_quantile_099/day_30.csv" in zf.namelist()

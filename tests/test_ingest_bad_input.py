"""Every bad-input case of issue 3: a clear error naming the file (and line, column, value),
or, with skip_bad_rows, a skipped row that is counted — never a silent loss."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from _ingest_fixtures import (
    COLD_HEADER,
    COLD_ROWS,
    FUNC_HEADER,
    FUNC_ROWS,
    REQ_HEADER,
    REQ_ROWS,
    csv_text,
    tree_snapshot,
    write_tree,
)

from coldstart.errors import InputError, UsageError
from coldstart.ingest import check, ingest


def _cold(tmp_path: Path, rows: list[str], name: str = "day_0.csv", end: str = "\n") -> Path:
    p = tmp_path / "cold_start" / "R1" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join([COLD_HEADER, *rows]) + end)
    return p


def test_header_matching_no_table(tmp_path: Path) -> None:
    p = tmp_path / "R1" / "weird.csv"
    p.parent.mkdir()
    p.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    msg = str(err.value)
    assert str(p) in msg
    assert "found: a,b,c" in msg
    assert "cold_starts: day,time,clusterName" in msg  # the expected columns
    assert not (tmp_path / "wh").exists()  # a new warehouse that failed leaves no trace


def test_truncated_last_line_names_file_and_line(tmp_path: Path) -> None:
    p = _cold(tmp_path, [*COLD_ROWS[:2], "0,90000.5,1,4"], end="")
    with pytest.raises(InputError, match=r"day_0\.csv, line 4: expected 12 fields, found 4"):
        ingest([p], warehouse=tmp_path / "wh")


def test_truncated_last_line_skipped_and_counted(tmp_path: Path) -> None:
    p = _cold(tmp_path, [*COLD_ROWS[:2], "0,90000.5,1,4"], end="")
    wh = tmp_path / "wh"
    r = ingest([p], warehouse=wh, skip_bad_rows=True)
    assert r.quality.totals["rows"].to_list() == [2]
    issues = r.quality.issues.filter(pl.col("issue") == "bad_rows")
    assert issues["count"].to_list() == [1]
    assert any("line 4" in e for e in r.quality.examples)


def test_non_numeric_value_names_line_column_value(tmp_path: Path) -> None:
    bad = COLD_ROWS[1].replace("86399.999", "abc")
    p = _cold(tmp_path, [COLD_ROWS[0], bad])
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    assert "day_0.csv, line 3, column time: abc is not a valid number" in str(err.value)
    assert "--skip-bad-rows" in str(err.value)  # says what to do


def test_non_numeric_skipped_with_flag(tmp_path: Path) -> None:
    bad = COLD_ROWS[1].replace(",1,7,9,", ",x,7,9,")
    p = _cold(tmp_path, [COLD_ROWS[0], bad])
    r = ingest([p], warehouse=tmp_path / "wh", skip_bad_rows=True)
    assert r.quality.totals["rows"].to_list() == [1]
    assert "column clusterName: x is not a valid integer" in r.quality.examples[0]


def test_integer_out_of_its_column_range_names_line_and_range(tmp_path: Path) -> None:
    bad = COLD_ROWS[1].replace("0,86399.999", "40000,86399.999")  # day is Int16
    p = _cold(tmp_path, [COLD_ROWS[0], bad])
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    assert "line 3, column day: 40000 is not a valid integer from -32768 to 32767" in str(err.value)


@pytest.mark.parametrize("time", ["1e12", "inf", "-2e8"])
def test_time_the_bins_cannot_hold_is_named_or_skipped(tmp_path: Path, time: str) -> None:
    # Its hour (Int16) would overflow: refused by name, not a traceback from the cast.
    bad = COLD_ROWS[1].replace("86399.999", time)
    p = _cold(tmp_path, [COLD_ROWS[0], bad])
    with pytest.raises(InputError, match=r"line 3, column time: .* is not a time in seconds"):
        ingest([p], warehouse=tmp_path / "wh")
    r = ingest([p], warehouse=tmp_path / "wh", skip_bad_rows=True)
    assert r.quality.totals["rows"].to_list() == [1]
    req = tmp_path / "per_request" / "R1" / "part-0.csv"
    req.parent.mkdir(parents=True)
    req.write_text(csv_text(REQ_HEADER, [REQ_ROWS[0], REQ_ROWS[1].replace("2592061.0", time)]))
    with pytest.raises(InputError, match=r"line 3, column time_worker: .* is not a time"):
        ingest([req], warehouse=tmp_path / "wh2")


def test_bad_request_id(tmp_path: Path) -> None:
    bad = COLD_ROWS[0].replace("a" * 64, "xyz")
    p = _cold(tmp_path, [bad])
    with pytest.raises(InputError, match="line 2, column requestID: 'xyz' is not a 64-hex"):
        ingest([p], warehouse=tmp_path / "wh")


def test_unparseable_pod_kept_and_counted(tmp_path: Path) -> None:
    p = _cold(tmp_path, [COLD_ROWS[2]])
    r = ingest([p], warehouse=tmp_path / "wh")
    assert r.quality.totals["rows"].to_list() == [1]
    issues = r.quality.issues.filter(pl.col("issue") == "podID_unparseable")
    assert issues["count"].to_list() == [1]


@pytest.mark.parametrize("content", ["", COLD_HEADER + "\n"])
def test_empty_file_gives_no_rows_and_no_error(tmp_path: Path, content: str) -> None:
    p = tmp_path / "cold_start" / "R1" / "day_3.csv"
    p.parent.mkdir(parents=True)
    p.write_text(content)
    r = ingest([p], warehouse=tmp_path / "wh")
    assert r.quality.rows.height == 0
    assert r.sources["status"].to_list() == ["ingested"]
    assert len(r.notes) == 1 and "day_3.csv: no data rows (empty file)" in r.notes[0]


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "R1.zip"
    p.write_text("this is html, not a zip")
    with pytest.raises(InputError, match=r"R1\.zip: not a zip file"):
        ingest([p], warehouse=tmp_path / "wh")


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        ingest([tmp_path / "nope"], warehouse=tmp_path / "wh")


def test_non_integral_count(tmp_path: Path) -> None:
    p = tmp_path / "quantiles" / "R1" / "requests" / "day_0.csv"
    p.parent.mkdir(parents=True)
    p.write_text("day,time,1---2---pool22-300-128\n0,0,1.0\n0,60,2.5\n")
    with pytest.raises(InputError, match=r"line 3, column 1---2---pool22-300-128: 2\.5 is not"):
        ingest([p], warehouse=tmp_path / "wh")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("inf,0,1.0", r"line 2, column day: inf is not a whole number from -32768 to 32767"),
        ("0,1e12,1.0", r"line 2, column time: 1000000000000\.0 is not a whole number from"),
        ("0,0,1.0\n40000,60,1.0", r"line 3, column day: 40000\.0 is not a whole number"),
    ],
)
def test_day_or_time_its_column_cannot_hold(tmp_path: Path, rows: str, message: str) -> None:
    # Stored as Int16 / Int32: without the check they would wrap around silently.
    p = tmp_path / "quantiles" / "R1" / "cpu_usage_avg" / "day_0.csv"
    p.parent.mkdir(parents=True)
    p.write_text(f"day,time,1---2---pool22-300-128\n{rows}\n")
    with pytest.raises(InputError, match=message):
        ingest([p], warehouse=tmp_path / "wh")


@pytest.mark.parametrize(("series", "value"), [("num_pods", "1e10"), ("requests", "inf")])
def test_count_its_column_cannot_hold(tmp_path: Path, series: str, value: str) -> None:
    # num_pods is Int32, requests Int64 (exact up to 2**53 from the release's floats).
    p = tmp_path / "quantiles" / "R1" / series / "day_0.csv"
    p.parent.mkdir(parents=True)
    p.write_text(f"day,time,1---2---pool22-300-128\n0,0,1.0\n0,60,{value}\n")
    with pytest.raises(InputError, match=r"line 3, column 1---2---pool22-300-128: .* is not a "):
        ingest([p], warehouse=tmp_path / "wh")
    r = ingest([p], warehouse=tmp_path / "wh", skip_bad_rows=True)
    assert r.quality.totals.filter(pl.col("table") == "counts")["rows"].to_list() == [1]


@pytest.mark.parametrize("cpu", ["1e12", "inf", "-5", "12.5"])
def test_function_cpu_request_that_is_not_millicores(tmp_path: Path, cpu: str) -> None:
    p = tmp_path / "runtime_triggerType" / "df_funcID_runtime_triggerType.csv"
    p.parent.mkdir(parents=True)
    p.write_text(csv_text(FUNC_HEADER, [FUNC_ROWS[0], FUNC_ROWS[1].replace(",300,", f",{cpu},")]))
    with pytest.raises(InputError, match=r"line 3, column cpu_request: .* is not a whole number"):
        ingest([p], warehouse=tmp_path / "wh")
    r = ingest([p], warehouse=tmp_path / "wh", skip_bad_rows=True)
    assert r.quality.totals["rows"].to_list() == [1]


def test_region_unknown(tmp_path: Path) -> None:
    p = tmp_path / "loose" / "day_0.csv"
    p.parent.mkdir()
    p.write_text(csv_text(COLD_HEADER, COLD_ROWS[:1]))
    with pytest.raises(InputError, match="cannot tell which region"):
        ingest([p], warehouse=tmp_path / "wh")


def test_bad_options(tmp_path: Path) -> None:
    src = write_tree(tmp_path / "src")
    with pytest.raises(UsageError, match="--tables: unknown value 'colds'"):
        ingest([src], warehouse=tmp_path / "wh", tables=["colds"])
    with pytest.raises(UsageError, match="--regions: unknown value 'R9'"):
        ingest([src], warehouse=tmp_path / "wh", regions=["R9"])


def test_failure_leaves_existing_warehouse_unchanged(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    before = tree_snapshot(wh)
    bad = _cold(tmp_path / "more", [COLD_ROWS[0], "0,1,2"])
    with pytest.raises(InputError):
        ingest([bad], warehouse=wh)
    assert tree_snapshot(wh) == before
    assert check(wh).totals["rows"].sum() == 13


def test_line_numbers_stay_exact_across_blocks() -> None:
    import io

    from coldstart.ingest.csvread import LINE_COL, ReadStats, iter_blocks

    rows = [f"{i},{i}.5" for i in range(200)]
    rows[150] = "150"  # short line, far past the first block
    data = ("\n".join(["a,b", *rows]) + "\n").encode()
    schema = {"a": pl.Int64, "b": pl.Float64}
    fh = io.BytesIO(data)
    fh.readline()
    with pytest.raises(InputError, match=r"x\.csv, line 152: expected 2 fields, found 1"):
        list(
            iter_blocks(
                fh,
                "x.csv",
                ["a", "b"],
                schema,
                skip_bad_rows=False,
                stats=ReadStats(),
                block_bytes=64,
            )
        )
    fh = io.BytesIO(data)
    fh.readline()
    stats = ReadStats()
    frames = list(
        iter_blocks(
            fh, "x.csv", ["a", "b"], schema, skip_bad_rows=True, stats=stats, block_bytes=64
        )
    )
    out = pl.concat(frames)
    assert out.height == 199
    assert stats.bad_rows == 1
    assert (out[LINE_COL] - out["a"]).unique().to_list() == [2]  # line = a + 2 everywhere


def test_damaged_zip_member_is_a_clear_error(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "cold_start" / "R1.zip"
    p.parent.mkdir(parents=True)
    body = csv_text(COLD_HEADER, COLD_ROWS * 50)
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("R1/day_0.csv", body)
    raw = bytearray(p.read_bytes())
    mid = len(raw) // 3
    raw[mid : mid + 40] = bytes(40)  # corrupt the compressed data, keep the directory
    p.write_bytes(bytes(raw))
    with pytest.raises(InputError, match=r"R1\.zip:R1/day_0\.csv: cannot read this zip member"):
        ingest([p], warehouse=tmp_path / "wh")
    assert not (tmp_path / "wh").exists()

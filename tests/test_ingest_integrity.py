"""Issue 13: nothing lost, nothing counted twice, one clear line for any input.

Each case is a tiny hand-made input that the ingest got wrong before, the exact message (file,
line, counts), the warehouse byte-identical after a refused run, and row counts equal to a
count of the CSV's lines made here by hand.
"""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
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
from typer.testing import CliRunner

import coldstart.cli.ingest_cmd
import coldstart.cli.query_cmd  # noqa: F401
from coldstart.cli._common import app
from coldstart.errors import BadRowError, InputError, OutputError
from coldstart.ingest import check, ingest, publish
from coldstart.warehouse import MANIFEST_FILE

runner = CliRunner()
F1, F2 = "400---418---pool22-300-128", "7---9---pool24-600-512"


def _write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def _cold(day: int, t: float, pod: int) -> str:
    """A cold-start row of ``day`` at time ``t`` with a podID of its own."""
    return COLD_ROWS[0].replace("0,51937.425", f"{day},{t}").replace("0000000001", f"{pod:010d}")


def _rows(wh: Path, table: str) -> int:
    return int(check(wh).rows.filter(pl.col("table") == table)["rows"].sum())


def _series(wh: Path, table: str = "timeseries") -> pl.DataFrame:
    return pl.read_parquet(wh / table / "**" / "*.parquet", hive_partitioning=True)


# --- Must 1: rows of another day add to that day's partition; check sees a disagreeing part ---


def test_per_minute_rows_of_another_day_add_to_that_day(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    avg = "quantiles/R2/cpu_usage_avg"
    day0 = _write(tmp_path / "a", f"{avg}/day_0.csv", f"day,time,{F1}\n0,0,1.0\n0,60,2.0\n")
    ingest([day0], warehouse=wh)
    # day_1.csv also carries a day-0 minute (120 s): it used to overwrite day 0's partition.
    day1 = _write(
        tmp_path / "b", f"{avg}/day_1.csv", f"day,time,{F1},{F2}\n1,86400,3.0,\n0,120,,4.0\n"
    )
    ingest([day1], warehouse=wh)
    got = _series(wh).sort("day", "time").select("day", "funcID", "time", "avg").rows()
    assert got == [
        (0, F1, 0, 1.0),
        (0, F1, 60, 2.0),  # day_0.csv's cells are all still there
        (0, F2, 120, 4.0),  # and day_1.csv's day-0 cell was added
        (1, F1, 86400, 3.0),
    ]
    q = check(wh)
    assert q.mismatches == []
    assert len(list((wh / "timeseries").rglob("*.parquet"))) == 1  # one file for both days
    # Re-ingesting day_1.csv alone cannot take its day-0 cell out of a partition it shares.
    before = tree_snapshot(wh)
    day1.write_text(f"day,time,{F1}\n1,86400,5.0\n")
    with pytest.raises(InputError, match=r"day=0 column avg holds cells of .*day_1\.csv.*day_0"):
        ingest([day1], warehouse=wh)
    assert tree_snapshot(wh) == before
    # Both files given: day_0.csv's cells are its own again, day_1.csv's day-0 cell is gone.
    ingest([day0, day1], warehouse=wh, force=True, replace=True)
    got = _series(wh).sort("day", "time").select("day", "time", "avg").rows()
    assert got == [(0, 0, 1.0), (0, 60, 2.0), (1, 86400, 5.0)]
    assert check(wh).mismatches == []


def test_check_names_a_part_whose_rows_disagree_with_the_manifest(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    assert check(wh).mismatches == []
    # R2's cold starts: one file (version 5) holding day_0.csv's 2 rows and day_1.csv's 1
    part = next((wh / "cold_starts" / "region=R2").glob("*.parquet"))
    table = pq.ParquetFile(part).read()
    assert table.num_rows == 3
    pq.write_table(table.slice(0, 1), part)  # what the old overwrite did: rows vanish
    extra = part.with_name("part-extra.parquet")
    pq.write_table(table, extra)
    rel = part.relative_to(wh).as_posix()
    mismatches = check(wh).mismatches
    assert f"{rel}: 1 rows in the file, 3 in the manifest" in mismatches
    assert f"{extra.relative_to(wh).as_posix()}: 3 rows in a file the manifest does not list" in (
        mismatches
    )
    res = runner.invoke(app, ["check", "--warehouse", str(wh)])
    assert res.exit_code == 1
    assert rel in res.output and "disagrees with its files" in res.output
    extra.unlink()
    part.unlink()
    assert f"{rel}: listed in the manifest (3 rows), missing" in check(wh).mismatches


def test_check_is_read_only(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    (wh / "_staging" / "abc" / "new").mkdir(parents=True)  # an ingest running (or killed)
    (wh / "_lock").unlink()
    before = tree_snapshot(wh)
    q = check(wh)
    assert q.interrupted is not None
    assert tree_snapshot(wh) == before
    assert not (wh / "_lock").exists()  # it never took the writer's lock
    assert (wh / "_staging" / "abc").is_dir()


# --- Must 2: a source that shrinks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("shrunk", "now"),
    [(COLD_HEADER + "\n", 0), ("", 0), (csv_text(COLD_HEADER, COLD_ROWS[:2]), 2)],
)
def test_a_source_that_shrinks_is_refused_unless_replace(
    tmp_path: Path, shrunk: str, now: int
) -> None:
    p = _write(tmp_path, "cold_start/R1/day_0.csv", csv_text(COLD_HEADER, COLD_ROWS))
    wh = tmp_path / "wh"
    ingest([p], warehouse=wh)
    before = tree_snapshot(wh)
    p.write_text(shrunk)
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=wh)
    assert f"{p} now gives {now} rows, 3 when it was ingested" in str(err.value)
    assert "--replace" in str(err.value)
    assert tree_snapshot(wh) == before
    r = ingest([p], warehouse=wh, replace=True)
    assert r.ingested == 1
    assert _rows(wh, "cold_starts") == now
    assert check(wh).mismatches == []


# --- Must 3: a last field cut short --------------------------------------------------------------


def test_a_last_field_cut_short_is_refused_or_skipped(tmp_path: Path) -> None:
    cut = COLD_ROWS[1][:-4]  # the podID loses its last digits, and there is no newline
    p = _write(tmp_path, "cold_start/R1/day_0.csv", "\n".join([COLD_HEADER, COLD_ROWS[0], cut]))
    with pytest.raises(BadRowError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    msg = str(err.value)
    assert f"{p}, line 3: the file ends inside this line, without a newline" in msg
    assert "\n" not in msg
    r = ingest([p], warehouse=tmp_path / "wh", skip_bad_rows=True)
    assert _rows(tmp_path / "wh", "cold_starts") == 1
    assert r.quality.issues.filter(pl.col("issue") == "bad_rows")["count"].to_list() == [1]


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        ("quantiles/R1/cpu_usage_avg/day_0.csv", f"day,time,{F1}\n0,0,1.0\n0,60,24", 3),
        ("per_request/R1/part-00000.csv", REQ_HEADER + "\n" + REQ_ROWS[0][:-2], 2),
    ],
)
def test_cut_short_per_minute_and_request_files(
    tmp_path: Path, rel: str, text: str, line: int
) -> None:
    # 0,60,24 was 0,60,248.0: stored as 24 before. A small request part goes through packs.
    p = _write(tmp_path, rel, text)
    other = _write(tmp_path, "per_request/R1/part-00001.csv", csv_text(REQ_HEADER, REQ_ROWS))
    with pytest.raises(BadRowError, match=rf"{p.name}, line {line}: the file ends inside"):
        ingest([p, other], warehouse=tmp_path / "wh")
    assert not (tmp_path / "wh").exists()


# --- Must 4: blank lines -------------------------------------------------------------------------


def test_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    cold = f"{COLD_HEADER}\n{COLD_ROWS[0]}\n\n{COLD_ROWS[1]}\n\r\n\n"
    series = f"day,time,{F1}\n0,0,1.0\n\n0,60,2.0\n\n"
    req = f"{REQ_HEADER}\n\n{REQ_ROWS[0]}\n{REQ_ROWS[1]}\n\n"
    src = tmp_path / "src"
    _write(src, "cold_start/R2/day_0.csv", cold)
    _write(src, "quantiles/R2/cpu_usage_avg/day_0.csv", series)
    _write(src, "per_request/R2/part-00000.csv", req)
    _write(src, "per_request/R2/part-00001.csv", csv_text(REQ_HEADER, REQ_ROWS))
    wh = tmp_path / "wh"
    r = ingest([src], warehouse=wh)
    # rows = the non-blank data lines, counted by hand: 2 cold starts, 2 + 2 requests, 2 cells
    assert _rows(wh, "cold_starts") == 2
    assert _rows(wh, "requests") == 4
    assert _rows(wh, "timeseries") == 2
    blanks = r.quality.issues.filter(pl.col("issue") == "blank_lines")
    assert sorted(blanks.select("table", "count").rows()) == [
        ("cold_starts", 3),
        ("requests", 2),
        ("timeseries", 2),
    ]


# --- Must 5: the same rows under two names -------------------------------------------------------


def test_day_5_and_day_05_with_the_same_rows_are_added_once(tmp_path: Path) -> None:
    text = csv_text(COLD_HEADER, [_cold(5, 432000.5, 1), _cold(5, 432001.5, 2)])
    src = tmp_path / "src"
    _write(src, "cold_start/R1/day_5.csv", text)
    _write(src, "cold_start/R1/day_05.csv", text)
    wh = tmp_path / "wh"
    r = ingest([src], warehouse=wh)
    assert _rows(wh, "cold_starts") == 2
    assert r.notes == [
        f"{src / 'cold_start/R1/day_5.csv'}: same content as {src / 'cold_start/R1/day_05.csv'} "
        "(read in this ingest): skipped"
    ]
    # Later, a copy under a third name: skipped too, saying the warehouse has it.
    copy = _write(tmp_path / "later", "cold_start/R1/day_5_copy.csv", text)
    r = ingest([copy], warehouse=wh)
    assert "(already in the warehouse): skipped" in r.notes[0]
    assert _rows(wh, "cold_starts") == 2


def test_another_file_for_a_filled_day_is_refused_unless_force(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    day5 = _write(
        tmp_path / "a", "cold_start/R1/day_5.csv", csv_text(COLD_HEADER, [_cold(5, 432000.5, 1)])
    )
    ingest([day5], warehouse=wh)
    before = tree_snapshot(wh)
    # day_99.csv holds day 5's rows (other ones): the day column is the truth, not the name
    day99 = _write(
        tmp_path / "b", "cold_start/R1/day_99.csv", csv_text(COLD_HEADER, [_cold(5, 432009.5, 2)])
    )
    with pytest.raises(InputError) as err:
        ingest([day99], warehouse=wh)
    assert str(err.value).startswith(
        f"{day99} holds cold_starts rows of R1 day 5, which {day5} already holds with other content"
    )
    assert tree_snapshot(wh) == before
    ingest([day99], warehouse=wh, force=True)  # the user says both are real: both are kept
    assert _rows(wh, "cold_starts") == 2


def test_same_member_in_two_zips_and_folder_then_zip(tmp_path: Path) -> None:
    text = csv_text(COLD_HEADER, [_cold(0, 10.5, 1), _cold(0, 11.5, 2), _cold(0, 12.5, 3)])
    zips = []
    for name in ("R1.zip", "R1 (1).zip"):
        z = tmp_path / "dl" / name
        z.parent.mkdir(exist_ok=True)
        with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("R1/day_0.csv", text)
        zips.append(z)
    wh = tmp_path / "wh"
    r = ingest(zips, warehouse=wh)
    assert _rows(wh, "cold_starts") == 3
    assert r.notes == [f"{zips[1]}:R1/day_0.csv: same content as {zips[0]}:R1/day_0.csv"]
    # The folder of the same release afterwards: the same content, skipped without a re-ingest.
    folder = _write(tmp_path / "unzipped", "cold_start/R1/day_0.csv", text)
    assert ingest([folder], warehouse=wh).skipped == 1
    # Two different files with one logical name in one ingest: refused, naming both.
    other = _write(tmp_path / "other", "cold_start/R1/day_0.csv", text.replace("10.5", "10.25"))
    with pytest.raises(InputError, match=r"are both cold_starts/R1/day_0\.csv but their contents"):
        ingest([folder, other], warehouse=tmp_path / "wh2")


def test_identical_per_minute_file_under_another_name_is_skipped(tmp_path: Path) -> None:
    text = f"day,time,{F1}\n0,0,1.0\n0,60,2.0\n"
    src = tmp_path / "src"
    _write(src, "quantiles/R2/requests/day_0.csv", text)
    _write(src, "quantiles/R2/requests/day_00.csv", text)
    wh = tmp_path / "wh"
    r = ingest([src], warehouse=wh)
    assert len(r.notes) == 1 and "same content as" in r.notes[0]
    assert _series(wh, "counts")["requests"].to_list() == [1, 2]


# --- Must 6: duplicate keys inside a table -------------------------------------------------------


def test_a_funcid_listed_twice(tmp_path: Path) -> None:
    same = _write(tmp_path / "a", "runtime_triggerType/df_funcID_runtime_triggerType.csv",
                  csv_text(FUNC_HEADER, [FUNC_ROWS[0], FUNC_ROWS[1], FUNC_ROWS[0]]))  # fmt: skip
    r = ingest([same], warehouse=tmp_path / "wh")
    assert _rows(tmp_path / "wh", "functions") == 2
    dup = r.quality.issues.filter(pl.col("issue") == "funcID_duplicate")
    assert dup["count"].to_list() == [1]
    differ = FUNC_ROWS[0].replace(",123,", ",125,")
    bad = _write(tmp_path / "b", "runtime_triggerType/df_funcID_runtime_triggerType.csv",
                 csv_text(FUNC_HEADER, [FUNC_ROWS[0], FUNC_ROWS[1], differ]))  # fmt: skip
    with pytest.raises(InputError) as err:
        ingest([bad], warehouse=tmp_path / "wh2")
    assert f"{bad}, lines 2 and 4: funcID {F1} is listed twice with different values" in str(
        err.value
    )


def test_two_rows_for_one_minute_in_a_per_minute_file(tmp_path: Path) -> None:
    p = _write(tmp_path, "quantiles/R1/num_pods/day_0.csv",
               f"day,time,{F1},{F2}\n0,0,1.0,\n0,60,2.0,1.0\n0,0,3.0,\n")  # fmt: skip
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    assert f"{p}, lines 2 and 4: both give day 0, time 0 a value for the same funcID ({F1})" in (
        str(err.value)
    )


# --- Must 8: what is not a release CSV -----------------------------------------------------------


def test_gzip_named_csv(tmp_path: Path) -> None:
    p = tmp_path / "cold_start" / "R1" / "day_0.csv"
    p.parent.mkdir(parents=True)
    p.write_bytes(gzip.compress(csv_text(COLD_HEADER, COLD_ROWS).encode()))
    with pytest.raises(InputError, match=r"day_0\.csv: not a CSV file: it looks gzip-compressed"):
        ingest([p], warehouse=tmp_path / "wh")


def test_zip_without_release_files_exits_non_zero(tmp_path: Path) -> None:
    z = tmp_path / "R1.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("README.txt", "nothing here")
    res = runner.invoke(app, ["ingest", str(z), "--warehouse", str(tmp_path / "wh")])
    assert res.exit_code == 1
    assert f"no release files found in {z}" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_header_that_matches_no_table_names_expected_and_found(tmp_path: Path) -> None:
    misspelt = COLD_HEADER.replace("clusterName", "clustername")
    p = _write(tmp_path, "cold_start/R1/day_0.csv", f"{misspelt}\n{COLD_ROWS[0]}\n")
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    msg = str(err.value)
    assert msg.startswith(
        f"{p}: not the cold_starts header (column 3 is clustername, expected clusterName). "
        "expected: day,time,clusterName,"
    )
    assert "found: day,time,clustername," in msg
    assert "timeseries" not in msg  # it used to say the header "is that of timeseries"
    loose = _write(tmp_path, "R1/x.csv", "a,\x1b[31mred," + "w" * 5000 + "\n1,2,3\n")
    with pytest.raises(InputError) as err:
        ingest([loose], warehouse=tmp_path / "wh")
    msg = str(err.value)
    assert "found: a,\\x1b[31mred," in msg and "\x1b" not in msg
    assert "expected one of cold_starts: day,time,clusterName" in msg
    assert len(msg) < 700 and "\n" not in msg


# --- Must 7 and 8: bounded memory on hostile inputs, and no hang on a FIFO -----------------------

_HOSTILE = r"""
import json, os, sys, zipfile
from pathlib import Path
from coldstart import release
from coldstart.errors import InputError
from coldstart.ingest import ingest

tmp = Path(sys.argv[1])
header = (",".join(release.COLD_START_COLUMNS) + "\n").encode()
cases = {}
# a 256 MB line with no newline inside a zip member (written in 1 MB chunks)
z = tmp / "cold_start" / "R1.zip"
z.parent.mkdir(parents=True)
with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
    with zf.open("R1/day_0.csv", "w") as fh:
        fh.write(header)
        chunk = b"7" * (1 << 20)
        for _ in range(256):
            fh.write(chunk)
cases["zip_line"] = [z]
# a 50 MB header
big = tmp / "h" / "cold_start" / "R1" / "day_0.csv"
big.parent.mkdir(parents=True)
with open(big, "wb") as fh:
    for _ in range(50):
        fh.write(b"col," * (1 << 18))
cases["header"] = [big]
# /dev/zero behind a symlink: given, and found in a folder
link = tmp / "z" / "cold_start" / "R1" / "day_0.csv"
link.parent.mkdir(parents=True)
link.symlink_to("/dev/zero")
cases["dev_zero"] = [link]
cases["dev_zero_folder"] = [tmp / "z"]
# a 200 MB file without a newline after its header (sparse: no 200 MB written)
sparse = tmp / "s" / "cold_start" / "R1" / "day_0.csv"
sparse.parent.mkdir(parents=True)
with open(sparse, "wb") as fh:
    fh.write(header)
    fh.truncate(200 << 20)
cases["no_newline"] = [sparse]
# a FIFO: refused at once, never a wait for a writer
fifo = tmp / "f" / "cold_start" / "R1" / "day_0.csv"
fifo.parent.mkdir(parents=True)
os.mkfifo(fifo)
cases["fifo"] = [fifo]
cases["fifo_folder"] = [tmp / "f"]
out = {}
for name, paths in cases.items():
    try:
        ingest(paths, warehouse=tmp / ("wh-" + name))
        out[name] = "no error"
    except InputError as exc:
        out[name] = str(exc)
    out[name + "_wh"] = (tmp / ("wh-" + name)).exists()
# The child's own peak, VmHWM: its memory map is new since exec. Neither getrusage is: RUSAGE_SELF
# folds in the forked pytest worker's high-water mark at exec (1.3 GB after the Spark tests), and
# RUSAGE_CHILDREN in the test is the largest of every child that worker ever waited for.
status = Path("/proc/self/status").read_text()
out["peak_kb"] = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
print(json.dumps(out))
"""


def test_hostile_inputs_in_bounded_memory(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _HOSTILE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert got["peak_kb"] / 1024 < 1024  # KB on Linux
    zip_line = got["zip_line"]
    assert "R1.zip:R1/day_0.csv, line 2: no newline in" in zip_line
    assert "not a release CSV" in zip_line
    assert "its first line (the header) runs past 4 MB without a newline" in got["header"]
    assert "a character device, not a regular file" in got["dev_zero"]
    assert "a character device, not a regular file" in got["dev_zero_folder"]
    assert "day_0.csv, line 2: no newline in" in got["no_newline"]
    assert "a FIFO (named pipe), not a regular file" in got["fifo"]
    assert "a FIFO (named pipe), not a regular file" in got["fifo_folder"]
    for name in ("zip_line", "header", "dev_zero", "no_newline", "fifo"):
        msg = got[name]
        assert len(msg) < 500 and "\n" not in msg and "\x00" not in msg, name
        assert got[name + "_wh"] is False, name  # a new warehouse that failed leaves no trace


# --- Must 9: a damaged manifest; a failed publish leaves no temporary file ------------------------


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda text: text[: len(text) // 2], "not readable JSON"),
        (lambda text: "[1, 2]", "a JSON list, expected an object"),
        (
            lambda text: text.replace('"outputs": [', '"outputs": 5, "x": ['),
            "cold_starts/R2/day_0.csv: outputs is not a list",
        ),
        (lambda text: json.dumps({"schema_version": "2"}), "schema_version is missing or not"),
    ],
)
def test_a_damaged_manifest_is_one_line_and_force_rebuilds(
    tmp_path: Path, damage, what: str
) -> None:  # type: ignore[no-untyped-def]
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    path = wh / MANIFEST_FILE
    path.write_text(damage(path.read_text()))
    before = tree_snapshot(wh)
    for command in (["check"], ["ingest", str(src)]):
        res = runner.invoke(app, [*command, "--warehouse", str(wh)])
        assert res.exit_code == 1, res.output
        line = res.output.strip()
        assert len(line.splitlines()) == 1, res.output
        assert f"{path}: damaged manifest ({what}" in line.replace("\n", "")
        assert "--force" in line
    assert tree_snapshot(wh) == before
    r = ingest([src], warehouse=wh, force=True)
    assert r.ingested == 7
    assert check(wh).mismatches == []
    assert int(check(wh).rows["rows"].sum()) == 13


def test_a_failed_manifest_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh, tables=["cold_starts"])
    before = tree_snapshot(wh)
    real = os.fsync

    def written_then_fail(fd: int) -> None:  # the manifest's temporary file is written, then
        if os.readlink(f"/proc/self/fd/{fd}").endswith(MANIFEST_FILE + ".tmp"):  # the disk fills
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(publish.os, "fsync", written_then_fail)
    with pytest.raises(OutputError, match=r"No space left on device\. Nothing was published"):
        ingest([src], warehouse=wh)
    monkeypatch.undo()
    assert tree_snapshot(wh) == before  # no _manifest.json.tmp, no journal, no staging


# --- Must 10: commands that write never clobber ---------------------------------------------------


def test_sql_output_inside_the_warehouse_is_refused(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)
    before = tree_snapshot(wh)
    for target in (wh / "out.csv", wh / "cold_starts" / "x.parquet"):
        res = runner.invoke(
            app, ["sql", "SELECT 1 AS x", "-o", str(target), "--warehouse", str(wh)]
        )
        assert res.exit_code == 2, res.output
        assert "is inside the warehouse" in res.output
    link = tmp_path / "into-wh"
    link.symlink_to(wh)
    res = runner.invoke(app, ["sql", "SELECT 1", "-o", str(link / "a.csv"), "--warehouse", str(wh)])
    assert res.exit_code == 2 and "is inside the warehouse" in res.output
    assert tree_snapshot(wh) == before
    ok = runner.invoke(
        app, ["sql", "SELECT 1 AS x", "-o", str(tmp_path / "x.csv"), "--warehouse", str(wh)]
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "x.csv").read_text() == "x\n1\n"


def test_catalog_never_clobbers(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    ingest([write_tree(tmp_path / "src")], warehouse=wh)

    def catalog(path: Path, *extra: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["catalog", str(path), "--warehouse", str(wh), *extra])

    notes = tmp_path / "notes.duckdb"
    notes.write_text("my notes")
    res = catalog(notes)
    assert res.exit_code == 1 and "exists and is not a coldstart catalog" in res.output
    assert notes.read_text() == "my notes"
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "link.duckdb"
    link.symlink_to(precious)
    res = catalog(link)
    assert res.exit_code == 1 and "is a symbolic link" in res.output
    assert catalog(link, "--force").exit_code == 0
    assert precious.read_text() == "keep me" and not link.is_symlink()  # the link was replaced
    before = tree_snapshot(wh)
    res = catalog(wh / "c.duckdb", "--force")
    assert res.exit_code == 1 and "is inside the warehouse" in res.output
    assert tree_snapshot(wh) == before
    fresh = tmp_path / "c.duckdb"
    assert catalog(fresh).exit_code == 0
    assert catalog(fresh).exit_code == 0  # an earlier catalog is replaced without --force
    assert catalog(notes, "--force").exit_code == 0


def test_a_part_of_a_pack_table_written_by_hand_is_named(tmp_path: Path) -> None:
    # A shared pack part whose rows no longer cover its sources' ranges.
    src = tmp_path / "src"
    for i in range(3):
        rows = [r.replace("2592000.5", f"259200{i}.5") for r in REQ_ROWS]
        _write(src, f"per_request/R2/part-0000{i}.csv", csv_text(REQ_HEADER, rows))
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    pack = next((wh / "requests").rglob("pack-*.parquet"))
    table = pq.read_table(pack)
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), pack)
    rel = pack.relative_to(wh).as_posix()
    assert f"{rel}: 7 rows in the file, its sources in the manifest give 6" in check(wh).mismatches


def test_a_later_day_and_a_changed_column_are_compacted_into_the_folder(tmp_path: Path) -> None:
    """Another day's statistic joins the folder in a file of its own without touching day 0's
    file; a re-ingested column replaces only itself, the folder rewritten as one file (no
    second copy); `coldstart check` agrees with the files each time."""
    src = write_tree(tmp_path / "src")
    wh = tmp_path / "wh"
    ingest([src], warehouse=wh)
    folder = wh / "timeseries" / "region=R2" / "metric=cpu_usage"
    first = sorted(p.name for p in folder.glob("*.parquet"))
    before = _series(wh).sort("funcID", "time")
    _write(
        tmp_path / "more", "quantiles/R2/cpu_usage_std/day_1.csv", f"day,time,{F1}\n1,86400,0.5\n"
    )
    r = ingest([tmp_path / "more"], warehouse=wh)
    assert r.ingested == 1
    after = _series(wh).sort("funcID", "time")
    assert after.filter(pl.col("day") == 0).equals(before)
    assert after.filter(pl.col("day") == 1)["std"].to_list() == [0.5]
    files = sorted(p.name for p in folder.glob("*.parquet"))
    # day 1 comes after every published day: day 0's file is kept, day 1 is a new file
    assert len(files) == 2 and set(first) < set(files)
    assert check(wh).mismatches == []
    # re-ingesting day 0's avg (changed, as many cells) replaces that column only
    avg = src / "quantiles/R2/cpu_usage_avg/day_0.csv"
    avg.write_text(avg.read_text().replace("0.25", "0.75"))
    ingest([src], warehouse=wh)
    day0 = _series(wh).filter(pl.col("day") == 0).sort("funcID", "time")
    assert day0["avg"].drop_nulls().to_list() == [0.5, 0.75]
    assert day0["std"].drop_nulls().to_list() == before["std"].drop_nulls().to_list()
    assert _series(wh).filter(pl.col("day") == 1)["std"].to_list() == [0.5]
    assert len(list(folder.glob("*.parquet"))) == 1
    assert check(wh).mismatches == []


def test_cli_says_what_it_skipped_and_needs_replace_for_fewer_rows(tmp_path: Path) -> None:
    text = csv_text(COLD_HEADER, [_cold(5, 432000.5, 1), _cold(5, 432001.5, 2)])
    src = tmp_path / "src"
    day5 = _write(src, "cold_start/R1/day_5.csv", text)
    _write(src, "cold_start/R1/day_05.csv", text)
    wh = ["--warehouse", str(tmp_path / "wh")]
    res = runner.invoke(app, ["ingest", str(src), *wh, "--quiet"])
    assert res.exit_code == 0, res.output
    assert f"note: {day5}: same content as" in res.output.replace("\n", "")
    assert "1 identical, 1 ingested" in res.output
    # day_5.csv was never ingested (day_05.csv was, first in key order): changed, it is a
    # second source for day 5; day_05.csv cut short is a re-ingest with fewer rows.
    day5.write_text(csv_text(COLD_HEADER, [_cold(5, 432000.5, 1)]))
    res = runner.invoke(app, ["ingest", str(day5), *wh, "--quiet"])
    assert res.exit_code == 1
    assert "holds cold_starts rows of R1 day 5, which" in res.output.replace("\n", "")
    day05 = src / "cold_start/R1/day_05.csv"
    day05.write_text(csv_text(COLD_HEADER, [_cold(5, 432000.5, 1)]))
    res = runner.invoke(app, ["ingest", str(day05), *wh, "--quiet"])
    assert res.exit_code == 1
    assert "now gives 1 rows, 2 when it was ingested" in res.output.replace("\n", "")
    res = runner.invoke(app, ["ingest", str(day05), *wh, "--quiet", "--replace"])
    assert res.exit_code == 0, res.output

"""The ingest's fast paths give exactly what its general paths give.

Long tables: a block with nothing to reject is derived in one fused query
(``loaders._derive_fast``); a block with a bad value goes the validating way
(``loaders._derive_checked``), which names the file, line, column and value. Per-minute
tables: a new partition is merged on a dense grid (``timeseries._merge_dense``) instead of
full outer joins.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
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
    write_tree,
)

from coldstart.errors import InputError
from coldstart.ingest import ingest, results, timeseries
from coldstart.ingest.attributes import STAGED_COLD_STARTS
from coldstart.ingest.csvread import ReadStats, iter_blocks
from coldstart.ingest.loaders import (
    EXPECTED_COLUMNS,
    READ_SCHEMAS,
    LoadContext,
    SourceResult,
    _count_quality,
    _derive_checked,
    _derive_fast,
)
from coldstart.ingest.sources import Source
from coldstart.warehouse import TABLES


def _block(table: str, rows: list[str]) -> pl.DataFrame:
    header = COLD_HEADER if table == "cold_starts" else REQ_HEADER
    fh = io.BytesIO(csv_text(header, rows).encode())
    fh.readline()
    cols = list(EXPECTED_COLUMNS[table])
    blocks = list(
        iter_blocks(fh, "x.csv", cols, READ_SCHEMAS[table], skip_bad_rows=False, stats=ReadStats())
    )
    assert len(blocks) == 1
    return blocks[0]


def _source() -> Source:
    return Source(Path("x.csv"), None, 0, "mtime:0", None, "R2", None)


@pytest.mark.parametrize("table", ["cold_starts", "requests"])
@pytest.mark.parametrize("with_function_table", [False, True])
def test_fast_and_validating_derivations_agree(
    tmp_path: Path, table: str, with_function_table: bool
) -> None:
    rows = COLD_ROWS if table == "cold_starts" else REQ_ROWS
    raw = _block(table, rows * 50)
    fn = (
        pl.DataFrame(
            {"funcID": ["400---418---pool22-300-128"], "cpu_request": [123]},
            schema={"funcID": pl.String, "cpu_request": pl.Int32},
        )
        if with_function_table
        else None
    )
    time_col = "time" if table == "cold_starts" else "time_worker"
    ctx = LoadContext(staging=tmp_path, scratch=tmp_path)
    fast = _derive_fast(raw, table, time_col, fn, ctx)
    assert fast is not None
    block, counts, rids = fast
    assert rids is not None  # clean request IDs are decoded outside polars
    block = block.with_columns(pl.Series("requestID", rids))
    slow = _derive_checked(raw, table, time_col, fn, _source(), ctx, ReadStats())
    # What the loaders write: the cold starts' function groups are added at their publish.
    spec = STAGED_COLD_STARTS if table == "cold_starts" else TABLES[table]
    cols = list(dict.fromkeys([*spec.column_names, "day"]))  # a file column since v5
    assert block.select(cols).equals(slow.select(cols))
    expected = SourceResult(source=_source(), table=table, key="k")
    _count_quality(slow, table, time_col, expected)
    counts.pop("__one_day")
    assert counts == expected.counters


def _big_cold_file(tmp_path: Path, bad_line: int, bad_row: str, n: int = 3000) -> Path:
    rows = [COLD_ROWS[i % 2] for i in range(n)]
    rows[bad_line - 2] = bad_row  # line 1 is the header
    p = tmp_path / "cold_start" / "R1" / "day_0.csv"
    p.parent.mkdir(parents=True)
    p.write_text(csv_text(COLD_HEADER, rows))
    return p


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (COLD_ROWS[0].replace("a" * 64, "g" * 64), "column requestID: '" + "g" * 64 + "' is not"),
        (COLD_ROWS[0].replace("51937.425", ""), "column time: None is empty (the row has no time)"),
        (COLD_ROWS[0].replace("0,51937.425", ",51937.425", 1), "column day: None is empty"),
    ],
)
def test_bad_value_in_an_otherwise_clean_file(tmp_path: Path, bad_row: str, message: str) -> None:
    p = _big_cold_file(tmp_path, 2345, bad_row)
    with pytest.raises(InputError) as err:
        ingest([p], warehouse=tmp_path / "wh")
    assert f"day_0.csv, line 2345, {message}" in str(err.value)
    r = ingest([p], warehouse=tmp_path / "wh2", skip_bad_rows=True)
    assert r.quality.totals["rows"].to_list() == [2999]
    assert any("line 2345" in e for e in r.quality.examples)


def _wide(funcs: list[str], day: int, values: np.ndarray, times: list[int]) -> str:
    lines = ["day,time," + ",".join(funcs)]
    for t, row in zip(times, values, strict=True):
        cells = ["" if np.isnan(v) else repr(float(v)) for v in row]
        lines.append(f"{day},{t}," + ",".join(cells))
    return "\n".join(lines) + "\n"


def _random_tree(seed: int, repeat_minute: bool = False) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    names = [f"{i}---{j}---pool{k}-300-128" for i, j, k in rng.integers(0, 50, (12, 3))]
    names = [*sorted(set(names)), "é---1---pool1-300-128", "Z---1---pool1-300-128"]
    out: dict[str, str] = {
        "runtime_triggerType/df_funcID_runtime_triggerType.csv": csv_text(FUNC_HEADER, FUNC_ROWS)
    }
    for day in (0, 1):
        times = [day * 86400 + 60 * m for m in range(20)]
        if repeat_minute:
            times[5] = times[4]
        for folder in ("cpu_usage_avg", "cpu_usage_std", "cpu_usage_quantile_050", "requests"):
            cols = [n for n in names if rng.random() < 0.8]
            vals = rng.integers(0, 5, (len(times), len(cols))).astype(float)
            vals[rng.random(vals.shape) < 0.5] = np.nan
            if repeat_minute:  # the repeated minute fills other funcIDs (one value per cell)
                vals[5, ~np.isnan(vals[4])] = np.nan
            out[f"quantiles/R2/{folder}/day_{day}.csv"] = _wide(cols, day, vals, times)
    return out


def _tables(wh: Path) -> dict[str, pl.DataFrame]:
    """Partition folder → its rows (a folder's one file is named after the ingest that wrote
    it; its days are a column)."""
    return {
        str(p.parent.relative_to(wh)): pl.read_parquet(p)
        for name in ("timeseries", "counts")
        for p in sorted((wh / name).rglob("*.parquet"))
    }


@pytest.mark.parametrize("slice_rows", [timeseries.MERGE_SLICE_ROWS, 1, 25])
@pytest.mark.parametrize(("seed", "repeat"), [(1, False), (2, False), (3, True)])
def test_dense_merge_equals_joins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, repeat: bool, slice_rows: int
) -> None:
    # slice_rows 1 and 25: the dense merge writes a funcID (or a few) per row group
    src = write_tree(tmp_path / "src", _random_tree(seed, repeat))
    monkeypatch.setattr(timeseries, "MERGE_SLICE_ROWS", slice_rows)
    ingest([src], warehouse=tmp_path / "dense")
    monkeypatch.setattr(timeseries, "_merge_dense", lambda *a, **k: None)
    ingest([src], warehouse=tmp_path / "joins")
    assert_same_series_tables(tmp_path / "dense", tmp_path / "joins", ties_free=repeat)


def assert_same_series_tables(a: Path, b: Path, *, ties_free: bool) -> None:
    """The per-minute partitions of two warehouses of ``_random_tree`` hold the same rows.

    ``ties_free``: a repeated minute goes the join way, where the order of tied rows is free.
    """
    mine, other = _tables(a), _tables(b)
    assert mine.keys() == other.keys()
    assert len(mine) == 2  # timeseries/region=R2/metric=cpu_usage and counts/region=R2
    for rel, frame in mine.items():
        assert frame["day"].unique().sort().to_list() == [0, 1], rel
        x, y = frame, other[rel]
        if ties_free:
            x, y = x.sort(pl.all()), y.sort(pl.all())
        assert x.equals(y), rel


def test_two_files_for_one_day_is_an_error_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second, different file for a filled day is refused (identical bytes would be skipped);
    # with --force its cells are added, and a cell both give is an error on both merge paths.
    tree = _random_tree(4)
    lines = tree["quantiles/R2/cpu_usage_avg/day_0.csv"].splitlines()
    first = lines[1].split(",")
    lines[1] = ",".join([*first[:2], "7.5", *first[3:]])  # one value differs
    tree["quantiles/R2/cpu_usage_avg/day_0_copy.csv"] = "\n".join(lines) + "\n"
    src = write_tree(tmp_path / "src", tree)
    with pytest.raises(InputError, match=r"day_0_copy\.csv holds timeseries cpu_usage_avg rows"):
        ingest([src], warehouse=tmp_path / "a")
    with pytest.raises(InputError, match="two files give cpu_usage_avg for R2 day 0"):
        ingest([src], warehouse=tmp_path / "a", force=True)
    monkeypatch.setattr(timeseries, "_merge_dense", lambda *a, **k: None)
    with pytest.raises(InputError, match="two files give cpu_usage_avg for R2 day 0"):
        ingest([src], warehouse=tmp_path / "b", force=True)


@pytest.mark.parametrize(
    "times",
    [
        [0, 60, 120, 86_340],  # one day: lookup array
        [0, 60, 30 * 86_400],  # a month apart: binary search
        [5],
    ],
)
def test_time_index_gives_positions(times: list[int]) -> None:
    t = np.array(times, dtype=np.int32)
    index = timeseries._time_index(t)
    cells = np.array([times[-1], times[0], *times], dtype=np.int32)
    assert index(cells).tolist() == [len(times) - 1, 0, *range(len(times))]


def test_spilled_pieces_and_days_give_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no memory budget every piece and merged day goes through scratch files: the same
    rows as when they are held in memory (the default on small inputs)."""
    src = write_tree(tmp_path / "src", _random_tree(5, True))
    ingest([src], warehouse=tmp_path / "held")
    monkeypatch.setattr(results, "MEMORY_BUDGET_BYTES", 0)
    ingest([src], warehouse=tmp_path / "spilled")
    assert_same_series_tables(tmp_path / "held", tmp_path / "spilled", ties_free=False)

"""Streaming, validating CSV reader shared by every table loader.

One code path for files and zip members: the stream is read in blocks of whole lines (about
16 MB), each block is checked for its field counts with NumPy and parsed by polars with an
explicit schema. Memory is bounded by the block size whatever the file size, polars parses
each block on all cores, and every row keeps its line number so errors can name it.

Bad rows (wrong number of fields — e.g. the last line of a file cut short — or a value that does
not parse as its column's type) raise an InputError naming file, line, column and value; with
``skip_bad_rows`` they are dropped and counted instead. The slow, exact diagnosis (plain Python
over the lines of one block) runs only after polars has refused a block.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import polars as pl

from coldstart.errors import BadRowError, InputError
from coldstart.ingest.messages import shown

BLOCK_BYTES = 16 << 20
# The longest line the reader holds: the release's widest rows (2,420 per-minute columns) are
# ≈ 30 KB, its widest header ≈ 80 KB. A line without a newline after this many bytes (a 200 MB
# file without newlines, /dev/zero, a binary file) is refused instead of filling memory.
MAX_LINE_BYTES = BLOCK_BYTES
MAX_HEADER_BYTES = 4 << 20
_MAGIC = {  # what a file that is not a CSV starts with → what it is, what to do
    b"\x1f\x8b": "looks gzip-compressed: decompress it first (gunzip)",
    b"PK\x03\x04": "looks like a zip archive: give it a .zip name (zips are read in place)",
    b"\xfd7zXZ": "looks xz-compressed: decompress it first (unxz)",
    b"BZh": "looks bzip2-compressed: decompress it first (bunzip2)",
}
LINE_COL = "__line"
MAX_EXAMPLES = 5
_NEWLINE, _COMMA = ord("\n"), ord(",")


@dataclass
class ReadStats:
    """What a read did to the rows: kept, skipped (with a few examples)."""

    rows_read: int = 0  # data lines seen (blank lines excluded)
    bad_rows: int = 0  # skipped with skip_bad_rows
    blank_lines: int = 0  # empty lines (also "\r" alone): no data, skipped and counted
    examples: list[str] = field(default_factory=list)

    def skipped(self, reason: str) -> None:
        self.bad_rows += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(reason)


def read_header(fh: IO[bytes], display: str = "the file") -> list[str]:
    """Column names of the first line (UTF-8 BOM, quotes and CR tolerated); [] for an empty file.

    Reads at most MAX_HEADER_BYTES: a longer first line, or a file that starts like a gzip,
    zip, xz or bzip2 file, is an InputError naming the file.
    """
    line = fh.readline(MAX_HEADER_BYTES + 1)
    for magic, what in _MAGIC.items():
        if line.startswith(magic):
            raise InputError(f"{display}: not a CSV file: it {what}")
    if len(line) > MAX_HEADER_BYTES:
        raise InputError(
            f"{display}: its first line (the header) runs past {MAX_HEADER_BYTES >> 20} MB "
            f"without a newline (starts {shown(line[:40], 40)}): not a release CSV, whose "
            "headers are at most ~100 KB"
        )
    if not line.strip():
        return []
    text = line.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    return [c.strip().strip('"') for c in text.split(",")]


def iter_blocks(
    fh: IO[bytes],
    display: str,
    columns: list[str],
    schema: dict[str, pl.DataType],
    *,
    skip_bad_rows: bool,
    stats: ReadStats,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[pl.DataFrame]:
    """Yield parsed blocks of the data lines after the header (already consumed from ``fh``).

    Each frame has ``columns`` typed by ``schema`` plus ``__line`` (Int64, 1-based line number
    in the file, header = line 1).
    """
    next_line = 2
    rest = b""
    reads = _read_ahead(fh, block_bytes)
    while True:
        buf = next(reads)
        at_eof = not buf
        data = rest + buf
        if at_eof:
            if not data:
                return
            if not data.endswith(b"\n"):
                data = _cut_last_line(data, next_line, display, columns, skip_bad_rows, stats)
                if not data:
                    return
            rest = b""
        else:
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > MAX_LINE_BYTES:
                    raise InputError(
                        f"{display}, line {next_line}: no newline in {len(data) >> 20} MB "
                        f"(starts {shown(data[:40], 40)}): not a release CSV, whose lines are "
                        "at most ~100 KB"
                    )
                rest = data
                continue
            data, rest = data[:cut], data[cut:]
        frame, n_lines = _parse_block(
            data, next_line, display, columns, schema, skip_bad_rows, stats
        )
        next_line += n_lines
        if frame is not None and frame.height:
            yield frame
        if at_eof:
            return


def _cut_last_line(
    data: bytes,
    first_line: int,
    display: str,
    columns: list[str],
    skip_bad_rows: bool,
    stats: ReadStats,
) -> bytes:
    """``data`` (the file's last lines) without its final line, which has no newline.

    Every file of the release ends with a newline, so a last line without one was cut short
    (an interrupted download: a podID cut, ``248.0`` stored as ``24``). It is refused with its
    line number, or dropped and counted with ``skip_bad_rows``; only spaces there are a blank
    line.
    """
    cut = data.rfind(b"\n") + 1
    tail = data[cut:]
    if not tail.strip():
        stats.blank_lines += 1
        return data[:cut]
    line = first_line + data.count(b"\n", 0, cut)
    fields = tail.count(b",") + 1
    count = "" if fields == len(columns) else f"expected {len(columns)} fields, found {fields}; "
    text = shown(tail.rstrip(b"\r"), 60)
    reason = (
        f"{display}, line {line}: {count}the file ends inside this line, without a newline (a "
        f"download cut short?): {text}"
    )
    if not skip_bad_rows:
        raise BadRowError(reason)
    stats.rows_read += 1
    stats.skipped(reason)
    return data[:cut]


def _read_ahead(fh: IO[bytes], block_bytes: int) -> Iterator[bytes]:
    """Yield ``fh.read(block_bytes)`` results (b"" at the end), reading one block ahead.

    A zip member is inflated by zlib, which releases the GIL: reading the next block on a
    helper thread overlaps decompression with parsing. One block ahead bounds the memory.
    """
    first = fh.read(block_bytes)
    if len(first) < block_bytes:  # a small file (or a slow stream): no thread
        yield first
        while first:
            first = fh.read(block_bytes)
            yield first
        return
    yield first
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-read-ahead") as pool:
        nxt = pool.submit(fh.read, block_bytes)
        while True:
            buf = nxt.result()
            if buf:
                nxt = pool.submit(fh.read, block_bytes)
            yield buf
            if not buf:
                return


def _line_bounds(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ends = np.flatnonzero(arr == 10)  # block always ends with "\n"
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    return starts, ends


def _parse_block(
    data: bytes,
    first_line: int,
    display: str,
    columns: list[str],
    schema: dict[str, pl.DataType],
    skip_bad_rows: bool,
    stats: ReadStats,
) -> tuple[pl.DataFrame | None, int]:
    fast = _parse_fast(data, first_line, columns, schema, stats)
    if fast is not None:
        return fast
    arr = np.frombuffer(data, dtype=np.uint8)
    starts, ends = _line_bounds(arr)
    n_lines = len(ends)
    # Blank lines ("" or "\r") carry nothing; polars skips them too.
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (arr[starts] == 13))
    commas = np.bincount(np.searchsorted(ends, np.flatnonzero(arr == 44)), minlength=n_lines)
    bad = (commas != len(columns) - 1) & ~blank
    stats.blank_lines += int(blank.sum())
    line_numbers = np.arange(first_line, first_line + n_lines, dtype=np.int64)
    keep = ~blank
    if bad.any():
        for i in np.flatnonzero(bad):
            line = data[starts[i] : ends[i]].rstrip(b"\r").decode("utf-8", errors="replace")
            reason = (
                f"{display}, line {line_numbers[i]}: expected {len(columns)} fields, found "
                f"{commas[i] + 1} (a truncated or malformed line): {_clip(line)}"
            )
            if not skip_bad_rows:
                raise BadRowError(reason)
            stats.skipped(reason)
        keep &= ~bad
    if not keep.all():  # blank or bad lines out: polars would read "\r" alone as a row
        data = _select_lines(data, starts, ends, keep)
    stats.rows_read += int((~blank).sum())
    good_lines = line_numbers[keep]
    if len(good_lines) == 0:
        return None, n_lines
    try:
        frame = _read(data, columns, schema)
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError) as exc:
        frame, good_lines = _diagnose(
            data, good_lines, display, columns, schema, skip_bad_rows, stats, exc
        )
    if frame.height != len(good_lines):  # pragma: no cover - guards the line bookkeeping
        raise InputError(f"{display}: parsed {frame.height} rows from {len(good_lines)} lines")
    return frame.hstack([pl.Series(LINE_COL, good_lines)]), n_lines


def _parse_fast(
    data: bytes,
    first_line: int,
    columns: list[str],
    schema: dict[str, pl.DataType],
    stats: ReadStats,
) -> tuple[pl.DataFrame, int] | None:
    """The common case in two vectorised counts and one polars parse (:func:`parse_plain`);
    None → go the slow way."""
    # NumPy rather than bytes.count: SIMD-fast (6× here) and it lets go of the GIL, which
    # bytes.count holds — with two files loading at once, it held the other worker back.
    n_lines = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == _NEWLINE))
    frame = parse_plain(data, n_lines, columns, schema)
    if frame is None:
        return None
    stats.rows_read += n_lines
    lines = np.arange(first_line, first_line + n_lines, dtype=np.int64)
    return frame.hstack([pl.Series(LINE_COL, lines)]), n_lines


def parse_plain(
    data: bytes, n_lines: int, columns: list[str], schema: dict[str, pl.DataType]
) -> pl.DataFrame | None:
    """``data`` (``n_lines`` whole lines) parsed, if every line is a plain row; else None.

    Exactly (columns − 1) commas per line on average and polars accepting the block mean every
    line has the right number of fields: a short line would need a long one to balance the
    count, and polars refuses long lines. Blank lines upset the count (→ None).
    """
    commas = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == _COMMA))
    if commas != (len(columns) - 1) * n_lines:
        return None
    try:
        frame = _read(data, columns, schema)
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return None
    return frame if frame.height == n_lines else None


def _read(data: bytes, columns: list[str], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.read_csv(
        data,
        has_header=False,
        new_columns=columns,
        schema={c: schema[c] for c in columns},
        raise_if_empty=False,
    )


def _select_lines(data: bytes, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray) -> bytes:
    return b"".join(data[s : e + 1] for s, e, k in zip(starts, ends, keep, strict=True) if k)


def _diagnose(
    data: bytes,
    line_numbers: np.ndarray,
    display: str,
    columns: list[str],
    schema: dict[str, pl.DataType],
    skip_bad_rows: bool,
    stats: ReadStats,
    exc: Exception,
) -> tuple[pl.DataFrame, np.ndarray]:
    """Find the rows polars refused, in plain Python; raise for the first or drop them all."""
    lines = [ln for ln in data.split(b"\n") if ln.strip(b"\r")]
    checks = [(i, c, _checker(schema[c])) for i, c in enumerate(columns)]
    keep = np.ones(len(lines), dtype=bool)
    for j, raw in enumerate(lines):
        fields = raw.rstrip(b"\r").decode("utf-8", errors="replace").split(",")
        for i, col, check in checks:
            if check is None:
                continue
            value = fields[i]
            if value == "" or check(value):
                continue
            reason = (
                f"{display}, line {line_numbers[j]}, column {col}: {_clip(value)!s} is not a "
                f"valid {_type_word(schema[col])}"
            )
            if not skip_bad_rows:
                raise BadRowError(reason)
            stats.skipped(reason)
            keep[j] = False
            break
    if keep.all():
        raise InputError(f"{display}: could not parse the CSV: {str(exc).splitlines()[0]}")
    kept = b"\n".join(ln for ln, k in zip(lines, keep, strict=True) if k) + b"\n"
    line_numbers = line_numbers[keep]
    if not keep.any():
        return pl.DataFrame(schema={c: schema[c] for c in columns}), line_numbers
    return _read(kept, columns, schema), line_numbers


def _checker(dtype: pl.DataType):  # type: ignore[no-untyped-def]
    if dtype.is_integer():
        info = np.iinfo(str(dtype).lower())
        return functools.partial(_is_int, lo=int(info.min), hi=int(info.max))
    if dtype.is_float():
        return _is_float
    return None


def _is_int(v: str, lo: int, hi: int) -> bool:
    """A whole number the column's integer type holds (e.g. Int16: −32768…32767)."""
    try:
        x = int(v)
    except ValueError:
        return False
    return lo <= x <= hi


def _is_float(v: str) -> bool:
    try:
        x = float(v)
    except ValueError:
        return False
    return not math.isinf(x) or v.strip().lower() in ("inf", "-inf", "+inf")


def _type_word(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        info = np.iinfo(str(dtype).lower())
        return f"integer from {info.min} to {info.max}"
    if dtype.is_float():
        return "number"
    return str(dtype)


def _clip(text: str, n: int = 120) -> str:
    return shown(text, n)

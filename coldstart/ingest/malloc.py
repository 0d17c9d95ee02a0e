"""glibc malloc settings for the ingest: keep freed memory for reuse instead of returning it.

The ingest allocates and frees arrays of 1–30 MB thousands of times (a per-minute file's masks
and cell indexes, a partition's merge). glibc serves many of them from fresh ``mmap`` pages
and trims its heap as soon as a little of it is free, so file after file pays the kernel to
zero pages again: on `medium`'s Region 2 per-minute files 3.8 M page faults, 23 s. Fixed
32 MB mmap and trim thresholds keep that memory in the heap for the next file: 0.14 M
faults, 17.4 s. The cost: up to 32 MB freed per malloc arena may stay mapped until reused
(peak RSS, which the benchmarks measure, includes it; a larger trim threshold, 256 MB, was
no faster and raised peak RSS by up to 200 MB).

Process-wide and only on glibc (Linux); elsewhere, or if it cannot be set, nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 32 << 20


@functools.cache
def keep_freed_memory() -> bool:
    """Apply the settings (once per process); True if glibc took them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and ok


def release_free_memory() -> None:
    """Hand memory freed by a phase of the ingest back to the system before the next one.

    The long tables' loaders leave ≈ 80 MB free in pyarrow's allocator (mimalloc keeps what
    it served) and ≈ 25 MB in glibc's arenas (each thread's arena keeps up to
    TRIM_THRESHOLD); the per-minute files' merges hold the same kind of leftovers between
    region-days. Kept, they add to the next phase's own peak (on `medium`'s Region 2: 336 MB
    after the long tables, 229 MB after this, 182 MB once polars' jemalloc has decayed too,
    which it does by itself in ≈ 10 s). Costs a few ms; affects no setting.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.malloc_trim(0)
        except (OSError, AttributeError):
            pass

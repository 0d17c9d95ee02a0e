"""glibc malloc settings for the ingest: keep freed memory for reuse instead of returning it.

The ingest allocates and frees arrays of 1–30 MB thousands of times (a per-minute file's masks
and cell indexes, a partition's merge). glibc serves those from fresh ``mmap`` pages (and
gives back the top of its heap when 128 KB of it is free), so every file pays the kernel to
zero its pages again: on `medium`'s Region 2 per-minute files, 3.5 M page faults and 12 s of
system time in a 25 s ingest. A fixed 32 MB mmap threshold and a 256 MB trim threshold keep
that memory in the heap for the next file: 0.14 M faults, 4 s of system time, 20 s. The cost
is that up to 256 MB freed at the end of a step may stay mapped until the next step reuses it
(peak RSS is what the benchmarks measure, and they include it).

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
TRIM_THRESHOLD = 256 << 20


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

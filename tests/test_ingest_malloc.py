"""The malloc settings of the ingest (coldstart.ingest.malloc): after them, arrays of a few MB
come from the heap, where freed memory is reused, instead of fresh mmap pages the kernel must
zero each time (what the time goes to is measured in benchmarks/, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PROBE = """
import ctypes, ctypes.util
import numpy as np
from coldstart.ingest.malloc import keep_freed_memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = MallInfo2

def mmapped_by(n):
    before = libc.mallinfo2().hblkhd
    a = np.empty(n, dtype=np.uint8)
    grown = libc.mallinfo2().hblkhd - before
    del a
    return grown

# glibc raises its threshold to the largest mmapped block freed so far (8 MB here), so a
# 24 MB array is mmapped by default and comes from the heap only below our 32 MB.
print(mmapped_by(8 << 20) >= 8 << 20, keep_freed_memory(), mmapped_by(24 << 20) == 0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_arrays_of_a_few_mb_come_from_the_heap_after_the_settings() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    ).stdout.split()
    # fresh process: mmapped (glibc's default); the settings taken; then from the heap
    assert out == ["True", "True", "True"]

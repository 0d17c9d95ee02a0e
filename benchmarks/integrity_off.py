"""Switch the ingest's content fingerprints off, to measure what they cost (``ingest_bench.py``
tool ``coldstart-nofingerprint``; issue 13 allows them at most 5 % of the ingest's throughput).

An attribution experiment, not a mode of coldstart: it patches internals of
:mod:`coldstart.ingest`, and the warehouse it writes has no fingerprints, so an identical copy
under another name would no longer be recognised.

Files on disk are read through :class:`coldstart.ingest.sources.HashingReader`, which runs
CRC-32 over every byte; here the checksum is a no-op and every such source reports no
fingerprint (as a manifest of coldstart 0.2 does). Zip members keep the CRC the zip stores,
which costs nothing to read. The admission rules (dictionary lookups per source) and the
duplicate-key checks, which are part of row validation, stay on.
"""

from __future__ import annotations

from coldstart.ingest.sources import HashingReader


def apply(mode: str) -> None:
    if mode != "nofingerprint":
        raise ValueError(mode)
    HashingReader.crc32 = staticmethod(lambda data, crc=0: crc)  # type: ignore[assignment]
    HashingReader.fingerprint = property(lambda self: None)  # type: ignore[assignment, method-assign]

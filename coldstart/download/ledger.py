"""The record of what ``coldstart download`` wrote and verified, so a re-run skips it.

One JSON file in the download folder maps each file we published (whole release files and
single members) to its size and modification time when it was verified. A file whose size and
mtime still match is skipped without reading it again. A file under a name we would write but
not in the record was not written by us: it is checked, adopted if it is the release's file,
and otherwise left alone with an error (we never overwrite what we did not write).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

LEDGER_NAME = ".coldstart-download.json"


@dataclass
class Ledger:
    path: Path
    entries: dict[str, dict[str, int]]

    @classmethod
    def open(cls, root: Path) -> Ledger:
        path = root / LEDGER_NAME
        try:
            entries = json.loads(path.read_text())
            if not isinstance(entries, dict):
                entries = {}
        except (OSError, ValueError):
            entries = {}
        return cls(path=path, entries=entries)

    def is_verified(self, key: str, file: Path) -> bool:
        """The file is there, unchanged since we verified it."""
        entry = self.entries.get(key)
        try:
            st = file.stat()
        except OSError:
            return False
        return entry is not None and entry == {"size": st.st_size, "mtime_ns": st.st_mtime_ns}

    def record(self, key: str, file: Path) -> None:
        st = file.stat()
        self.entries[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, self.path)

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
_MEMBERS = "#members"  # key suffix: a zip's member names (never a file's key: no "#" in names)


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
        self._save()

    def record_members(self, zip_name: str, members: list[str]) -> None:
        """The member names of a zip read whole (its server ignores Range), so that a re-run
        can tell the wanted members are all on disk without fetching the zip again."""
        self.entries[zip_name + _MEMBERS] = {"members": sorted(members)}  # type: ignore[dict-item]
        self._save()

    def members_of(self, zip_name: str) -> list[str] | None:
        entry = self.entries.get(zip_name + _MEMBERS)
        members = entry.get("members") if isinstance(entry, dict) else None
        return members if isinstance(members, list) else None

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, self.path)

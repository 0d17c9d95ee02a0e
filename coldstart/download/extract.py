"""Single members out of a zip on disk: the fallback when a server ignores range requests.

The whole zip has then been fetched and verified (directory and every CRC); each wanted member
is copied out to ``NAME.part`` beside its place in the release layout and renamed once
complete, so an interrupted extraction leaves no file under a final name. :mod:`zipfile`
checks the member's CRC-32 again as it is read through.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

from coldstart.download.errors import VerifyError

_CHUNK = 1 << 20


def extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, out_path: Path, shown: str) -> None:
    """Write ``info``'s bytes to ``out_path`` (via a ``.part``); VerifyError on a bad CRC."""
    part = out_path.with_name(out_path.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zf.open(info) as src, open(part, "wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
    except zipfile.BadZipFile as exc:
        part.unlink(missing_ok=True)
        raise VerifyError(f"{shown}: {exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, out_path)

"""The release's file list: which file holds which region and table, and where to fetch it.

The list is data (``release_files.csv`` beside this module), transcribed from the release's
README with the commit noted in the file and on every row. It is the only place that names a
host or a Drive id: code builds URLs from its ``download_url`` template, or from a mirror's
base URL and the file's release name (``cold_start/R1.zip``). A user can pass a corrected list
of the same format (``--file-list``) when the authors move their files.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from coldstart.errors import InputError, UsageError

TABLES: tuple[str, ...] = ("cold_starts", "requests", "timeseries", "functions")
COLUMNS: tuple[str, ...] = (
    "region",
    "table",
    "part",
    "drive_id",
    "name",
    "size_bytes",
    "name_source",
    "readme_commit",
)
_TEMPLATE_KEY = "# download_url:"
MIRROR_ENV = "COLDSTART_MIRROR"


@dataclass(frozen=True)
class ReleaseFile:
    """One file of the release as its README lists it."""

    region: str
    table: str
    part: int  # the README's "part N" (1 for tables with one file per region)
    drive_id: str
    name: str  # path under cold_start_dataset/, e.g. "per_request/R1/R1_00000_00009.zip"
    size_bytes: int | None  # None: the README does not publish sizes
    name_source: str
    readme_commit: str

    @property
    def published(self) -> bool:
        """The README links the file (an empty id: announced, "coming soon")."""
        return bool(self.drive_id)

    @property
    def name_inferred(self) -> bool:
        """The release publishes no name for the file: ``name`` is our guess (R3's requests)."""
        return self.name_source == "inferred"

    @property
    def is_zip(self) -> bool:
        return self.name.endswith(".zip")

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name


@dataclass(frozen=True)
class Catalog:
    """The file list plus how to turn a row into a URL."""

    files: tuple[ReleaseFile, ...]
    download_url: str  # template with {drive_id}
    source: str  # where the list was read from, for messages

    def url_for(self, f: ReleaseFile, mirror: str | None) -> str:
        """The mirror's copy (base URL + release name) if a mirror is set, else the Drive link."""
        if mirror:
            return mirror.rstrip("/") + "/" + f.name
        return self.download_url.format(drive_id=f.drive_id)


def resolve_mirror(mirror: str | None) -> str | None:
    """``--mirror`` wins over $COLDSTART_MIRROR; an empty value means no mirror."""
    value = mirror if mirror is not None else os.environ.get(MIRROR_ENV, "")
    value = value.strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise UsageError(f"--mirror {value!r}: expected an http:// or https:// base URL")
    return value


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Read the packaged file list, or a user's file of the same format.

    Raises InputError naming the file and line for a malformed row.
    """
    if path is None:
        text = resources.files("coldstart.download").joinpath("release_files.csv").read_text()
        source = "coldstart/download/release_files.csv"
    else:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise InputError(f"{path}: cannot read the file list: {exc.strerror or exc}") from None
        source = str(path)
    lines = text.splitlines()
    template = None
    body: list[tuple[int, str]] = []
    for n, line in enumerate(lines, start=1):
        if line.startswith(_TEMPLATE_KEY):
            template = line[len(_TEMPLATE_KEY) :].strip()
        elif not line.startswith("#") and line.strip():
            body.append((n, line))
    if template is None or "{drive_id}" not in template:
        raise InputError(f"{source}: no '{_TEMPLATE_KEY} ...{{drive_id}}...' line")
    if not body or tuple(body[0][1].split(",")) != COLUMNS:
        raise InputError(f"{source}: the header must be {','.join(COLUMNS)}")
    numbers = [n for n, _ in body[1:]]
    rows = csv.reader(line for _, line in body[1:])
    files = [_parse_row(source, n, row) for n, row in zip(numbers, rows, strict=True)]
    return Catalog(files=tuple(files), download_url=template, source=source)


def _parse_row(source: str, line: int, row: list[str]) -> ReleaseFile:
    if len(row) != len(COLUMNS):
        raise InputError(f"{source}:{line}: expected {len(COLUMNS)} fields, found {len(row)}")
    rec = dict(zip(COLUMNS, row, strict=True))
    if rec["table"] not in TABLES:
        raise InputError(
            f"{source}:{line}: table {rec['table']!r} is not one of {', '.join(TABLES)}"
        )
    name = PurePosixPath(rec["name"])
    if name.is_absolute() or ".." in name.parts or not rec["name"]:
        raise InputError(f"{source}:{line}: name {rec['name']!r} must be a relative path")
    try:
        part = int(rec["part"])
        size = int(rec["size_bytes"]) if rec["size_bytes"] else None
    except ValueError:
        raise InputError(
            f"{source}:{line}: part {rec['part']!r} / size_bytes {rec['size_bytes']!r} "
            "must be integers"
        ) from None
    return ReleaseFile(
        region=rec["region"],
        table=rec["table"],
        part=part,
        drive_id=rec["drive_id"],
        name=rec["name"],
        size_bytes=size,
        name_source=rec["name_source"],
        readme_commit=rec["readme_commit"],
    )

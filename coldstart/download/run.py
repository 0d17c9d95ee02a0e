"""``download()``: the plan carried out file by file, each published only once verified.

Layout: everything goes under ``DEST/cold_start_dataset/`` as the release names it — whole
files as downloaded (``cold_start/R1.zip``), single members in the extracted layout
(``quantiles/R1/cpu_usage_avg/day_5.csv``) — so ``coldstart ingest DEST`` reads both. Files
are fetched one after another over one keep-alive connection: Drive throttles parallel
downloads of the same user, and one stream fills a link.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import httpx
import polars as pl

from coldstart.download import fetch, remote_zip
from coldstart.download.catalog import Catalog, ReleaseFile, load_catalog, resolve_mirror
from coldstart.download.drive import open_file
from coldstart.download.errors import (
    DownloadError,
    NotFoundError,
    RangeUnsupportedError,
    VerifyError,
)
from coldstart.download.extract import extract_member
from coldstart.download.ledger import Ledger
from coldstart.download.progress import ByteProgress, NullByteProgress
from coldstart.download.selection import Plan, PlanItem, make_plan
from coldstart.download.transport import BulkTransport, wants_default_transport
from coldstart.download.verify import verify_file
from coldstart.errors import OutputError

DATASET_DIR = "cold_start_dataset"
RESULT_SCHEMA = {
    "name": pl.String,  # release file, or release file:member
    # file | member | directory (a zip's directory, read by range) | archive (a whole zip
    # fetched only to extract members from, because the server ignores Range; not kept)
    "kind": pl.String,
    # fetched | resumed | restarted | skipped | adopted | extracted | to fetch | have | read
    "status": pl.String,
    "bytes": pl.Int64,  # bytes read from the server in this run (dry run: bytes to read)
    "path": pl.String,  # where it is (or will be) on disk
}


@dataclass
class DownloadResult:
    """What a download did (or, for a dry run, would do): one row per file or member."""

    dataset: Path
    files: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total_bytes(self) -> int:
        return int(self.files["bytes"].sum() or 0)

    def paths(self) -> list[Path]:
        """The release files on disk that this selection covers (for ``--ingest``): CSVs and
        zips, not the notes fetched beside them (a synthetic trace's provenance marker, which
        the ingest finds on its own next to the CSVs)."""
        kept = self.files.filter(pl.col("kind").is_in(["file", "member"]))
        paths = [Path(p) for p in kept["path"].to_list()]
        return [p for p in paths if p.suffix.lower() in (".csv", ".zip")]


def make_client(timeout: float = 60.0) -> httpx.Client:
    """The one HTTP client of a run: redirects followed (Drive's download host), cookies kept.

    Below it, :class:`~coldstart.download.transport.BulkTransport` (1 MB reads, a third of
    httpx's own transport's CPU per MB), unless the environment names a proxy.
    """
    from coldstart import __version__

    return httpx.Client(
        transport=None if wants_default_transport() else BulkTransport(),
        follow_redirects=True,
        timeout=httpx.Timeout(timeout, connect=30.0),
        headers={"User-Agent": f"coldstart/{__version__}", "Accept-Encoding": "identity"},
    )


def download(
    dest: str | os.PathLike[str],
    *,
    regions: Sequence[str] | None = None,
    tables: Sequence[str] | None = None,
    days: str | None = None,
    metrics: Sequence[str] | None = None,
    mirror: str | None = None,
    file_list: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    progress: ByteProgress | None = None,
    client: httpx.Client | None = None,
) -> DownloadResult:
    """Fetch the selected release files into ``dest/cold_start_dataset``; resumable, verified.

    ``days`` like ``"0-6,14"`` and ``metrics`` (``cpu_usage``, ``cpu_usage_avg``, ``requests``)
    make the cold-start and quantile zips be read member by member. ``mirror`` (or
    $COLDSTART_MIRROR) fetches by release name from a base URL instead of the Drive links.
    ``dry_run`` reads only sizes and zip directories and writes nothing.
    """
    catalog = load_catalog(file_list)
    mirror = resolve_mirror(mirror)
    plan = make_plan(
        catalog, regions=regions, tables=tables, days=days, metrics=metrics, mirror=mirror
    )
    root = Path(dest) / DATASET_DIR
    if Path(dest).exists() and not Path(dest).is_dir():
        raise OutputError(f"{dest} exists and is not a folder")
    own_client = client is None
    http = client or make_client()
    job = _Job(root, catalog, http, progress or NullByteProgress(), dry_run)
    try:
        for item in plan.items:
            try:
                if item.members is None:
                    job.whole_file(item)
                else:
                    job.members(item)
            except OSError as exc:  # the download folder: not writable, full, not a folder
                where = exc.filename or root
                raise OutputError(
                    f"{where}: cannot write the download there: {exc.strerror or exc}"
                ) from None
            except NotFoundError as exc:
                if not (item.file.name_inferred and mirror):
                    raise
                raise NotFoundError(
                    f"{exc}; {item.file.name} is a guessed name (the release publishes no name "
                    "for this file, only a Google Drive link): fetch it without --mirror, or "
                    "pass --file-list with the name your mirror uses"
                ) from None
    finally:
        if own_client:
            http.close()
    return DownloadResult(
        dataset=root,
        files=pl.DataFrame(job.rows, schema=RESULT_SCHEMA, orient="row"),
        notes=[*plan.notes, *job.notes],
        dry_run=dry_run,
    )


def plan_only(
    *,
    regions: Sequence[str] | None = None,
    tables: Sequence[str] | None = None,
    days: str | None = None,
    metrics: Sequence[str] | None = None,
    mirror: str | None = None,
    file_list: str | os.PathLike[str] | None = None,
) -> Plan:
    """The plan without touching the network (for listing what a selection covers)."""
    return make_plan(
        load_catalog(file_list),
        regions=regions,
        tables=tables,
        days=days,
        metrics=metrics,
        mirror=resolve_mirror(mirror),
    )


@dataclass(frozen=True)
class _Place:
    """A member's place: ledger key (``quantiles/R1/cpu_usage_avg/day_5.csv``), path, and
    the name messages show (``quantiles/R1.zip:R1/cpu_usage_avg/day_5.csv``)."""

    key: str
    path: Path
    shown: str


class _Job:
    """One run's state: where to write, the ledger, the bars, the rows of the result."""

    def __init__(
        self, root: Path, catalog: Catalog, http: httpx.Client, bars: ByteProgress, dry: bool
    ) -> None:
        self.root, self.catalog, self.http, self.bars, self.dry = root, catalog, http, bars, dry
        self.ledger = Ledger.open(root)
        self.rows: list[tuple[Any, ...]] = []
        self.notes: list[str] = []
        self.overall = bars.add_task("all files", total=None)
        self.overall_total = 0

    # --- progress ----------------------------------------------------------------------
    def _file_bar(self, name: str) -> tuple[Any, Any, Any]:
        task = self.bars.add_task(name, total=None)

        def advance(n: int) -> None:
            self.bars.advance(task, n)
            self.bars.advance(self.overall, n)

        counted = [0]  # this file's share of the overall total (set again on each retry)

        def set_total(total: int) -> None:
            self.bars.update(task, total=total)
            self.overall_total += total - counted[0]
            counted[0] = total
            self.bars.update(self.overall, total=self.overall_total)

        return task, advance, set_total

    # --- whole files -------------------------------------------------------------------

    def _fetch_verified(
        self, f: ReleaseFile, url: str, final: Path, bar: str
    ) -> tuple[Path, fetch.FetchOutcome]:
        """Fetch ``f`` into its part file and verify it; a failed check keeps nothing."""
        _, advance, set_total = self._file_bar(bar)
        part, outcome = fetch.fetch_to_part(
            self.http, f.name, url, final, advance, set_total, stream_check=f.is_zip
        )
        try:
            verify_file(part, f, f.name, outcome.streamed)
        except VerifyError as exc:
            fetch.discard(final)
            raise VerifyError(f"{exc}; nothing was kept, run again to fetch it anew") from None
        return part, outcome

    def whole_file(self, item: PlanItem) -> None:
        f = item.file
        final = self.root / f.name
        if self.ledger.is_verified(f.name, final):
            self.rows.append((f.name, "file", "skipped" if not self.dry else "have", 0, str(final)))
            return
        if final.exists():
            self._adopt_file(f, final)
            return
        if self.dry:
            self.rows.append((f.name, "file", "to fetch", self._bytes_left(item), str(final)))
            return
        part, outcome = self._fetch_verified(f, item.url, final, f.name)
        fetch.publish(part, final)
        self.ledger.record(f.name, final)
        if outcome.discarded:
            self.notes.append(
                f"{f.name}: a partial file of {outcome.discarded:,} bytes was begun anew (its "
                "state was missing or it came from another URL)"
            )
        if f.name_inferred and outcome.served_name and outcome.served_name != f.basename:
            self.notes.append(
                f"{f.name}: stored under this guessed name; the server calls the file "
                f"{outcome.served_name!r} (the release README publishes no name for it)"
            )
        status = "resumed" if outcome.resumed_from else "fetched"
        if outcome.restarted:
            status = "restarted"
            self.notes.append(f"{f.name}: the server ignored Range, so it was fetched anew")
        self.rows.append((f.name, "file", status, outcome.bytes_fetched, str(final)))

    def _adopt_file(self, f: ReleaseFile, final: Path) -> None:
        """A file under our final name that we did not write: keep it only if it checks out."""
        try:
            verify_file(final, f, str(final))
        except VerifyError as exc:
            raise OutputError(
                f"{exc}; it was not written by coldstart download, so it is left as it is: "
                "move it away to fetch the release's file"
            ) from None
        if not self.dry:
            self.ledger.record(f.name, final)
        self.rows.append((f.name, "file", "have" if self.dry else "adopted", 0, str(final)))

    def _bytes_left(self, item: PlanItem) -> int:
        """For a dry run: the file's size (from the list, else asked of the server) less a part."""
        part, _ = fetch.part_paths(self.root / item.file.name)
        have = part.stat().st_size if part.exists() else 0
        if item.file.size_bytes is not None:
            return item.file.size_bytes - have
        response = open_file(self.http, item.file.name, item.url, {"Range": "bytes=0-0"})
        if response.status_code == 206:
            response.read()  # one byte; keeps the connection for the next request
        response.close()
        total = response.headers.get("content-range", "").rpartition("/")[2]
        if response.status_code == 206 and total.isdigit():
            return int(total) - have
        length = response.headers.get("content-length", "")
        if length.isdigit():
            return int(length)  # no Range: the whole file again
        raise DownloadError(f"{item.file.name}: the server does not say how big the file is")

    # --- single members ----------------------------------------------------------------
    def members(self, item: PlanItem) -> None:
        """The wanted members by range requests; if the server ignores Range, from the whole
        zip (fetched resumably, verified, the wanted members extracted, the zip not kept)."""
        done: set[str] = set()  # members this run already handled (a fallback skips them)
        try:
            self._members_by_range(item, done)
        except RangeUnsupportedError as exc:
            self._members_from_whole_zip(item, done, exc.size)

    def _member_place(self, f: ReleaseFile, member: str) -> _Place:
        """Where one member of ``f`` goes in the release layout, and its ledger key."""
        rel = PurePosixPath(member)
        if rel.is_absolute() or ".." in rel.parts:
            raise VerifyError(f"{f.name}: member name {member!r} leaves its folder")
        key = str(PurePosixPath(f.name).parent / rel)
        return _Place(key=key, path=self.root / key, shown=f"{f.name}:{member}")

    def _have_member(self, place: _Place, crc: int, size: int) -> bool:
        """Whether the member is on disk already (verified by us, or checked and adopted)."""
        if self.ledger.is_verified(place.key, place.path):
            status = "have" if self.dry else "skipped"
            self.rows.append((place.shown, "member", status, 0, str(place.path)))
            return True
        if place.path.exists():
            self._adopt_member(place.key, place.shown, place.path, crc, size)
            return True
        return False

    def _members_by_range(self, item: PlanItem, done: set[str]) -> None:
        f = item.file
        assert item.members is not None
        directory = remote_zip.read_directory(self.http, f.name, item.url)
        self.rows.append((f.name, "directory", "read", directory.bytes_read, str(self.root)))
        wanted = [m for m in directory.members if item.members.wants(m.info.filename)]
        if not wanted:
            self.notes.append(f"{f.name}: no member matches the --days/--metrics selection")
        advance = None  # one bar for all of this zip's members, made when the first is fetched
        for m in wanted:
            place = self._member_place(f, m.info.filename)
            if self._have_member(place, m.info.CRC, m.info.file_size):
                pass
            elif self.dry:
                self.rows.append((place.shown, "member", "to fetch", m.span, str(place.path)))
            else:
                if advance is None:
                    _, advance, set_total = self._file_bar(f"{f.name} (members)")
                    set_total(sum(w.span for w in wanted))
                read = remote_zip.fetch_member(self.http, f.name, directory, m, place.path, advance)
                self.ledger.record(place.key, place.path)
                self.rows.append((place.shown, "member", "fetched", read, str(place.path)))
            done.add(place.key)

    def _members_from_whole_zip(self, item: PlanItem, done: set[str], size: int | None) -> None:
        f = item.file
        assert item.members is not None
        final = self.root / f.name
        part, _ = fetch.part_paths(final)
        if self._members_all_here(item, done):
            return
        if self.dry:
            # The whole file: a server that ignores Range cannot resume a part either.
            need = next((n for n in (f.size_bytes, size) if n is not None), None)
            need = need if need is not None else self._bytes_left(item)
            self.rows.append((f.name, "archive", "to fetch", need, str(part)))
            self.notes.append(
                f"{f.name}: the server ignores range requests, so the whole zip "
                f"({need:,} bytes) would be fetched to keep only the wanted members"
            )
            return
        part, outcome = self._fetch_verified(f, item.url, final, f"{f.name} (whole: no Range)")
        kept = 0
        with zipfile.ZipFile(part) as zf:
            self.ledger.record_members(f.name, [i.filename for i in zf.infolist()])
            for info in zf.infolist():
                if info.is_dir() or not item.members.wants(info.filename):
                    continue
                place = self._member_place(f, info.filename)
                if place.key in done or self._have_member(place, info.CRC, info.file_size):
                    continue
                extract_member(zf, info, place.path, place.shown)
                self.ledger.record(place.key, place.path)
                self.rows.append((place.shown, "member", "extracted", 0, str(place.path)))
                kept += 1
        fetch.discard(final)  # only the members were asked for: the zip is not kept
        self.rows.append((f.name, "archive", "fetched", outcome.bytes_fetched, str(part)))
        self.notes.append(
            f"{f.name}: the server ignores range requests, so the whole zip "
            f"({outcome.total:,} bytes) was fetched and verified, {kept} wanted members were "
            "extracted from it and the zip was deleted"
        )

    def _members_all_here(self, item: PlanItem, done: set[str]) -> bool:
        """Whether an earlier whole-zip fallback left every wanted member on disk, verified:
        then the zip is not fetched again (its member names are in the ledger)."""
        assert item.members is not None
        names = self.ledger.members_of(item.file.name)
        if names is None:
            return False
        places = [self._member_place(item.file, n) for n in names if item.members.wants(n)]
        if not all(self.ledger.is_verified(p.key, p.path) for p in places):
            return False
        status = "have" if self.dry else "skipped"
        for p in places:
            if p.key not in done:
                self.rows.append((p.shown, "member", status, 0, str(p.path)))
        return True

    def _adopt_member(self, key: str, shown: str, out: Path, crc: int, size: int) -> None:
        got, n = 0, 0
        with open(out, "rb") as fh:
            while chunk := fh.read(1 << 20):
                got, n = zlib.crc32(chunk, got), n + len(chunk)
        if got != crc or n != size:
            raise OutputError(
                f"{out} exists and differs from {shown}; it was not written by coldstart "
                "download, so it is left as it is: move it away to fetch the member"
            )
        if not self.dry:
            self.ledger.record(key, out)
        self.rows.append((shown, "member", "have" if self.dry else "adopted", 0, str(out)))

"""Typed download errors: each message is one line naming the file and what to do."""

from __future__ import annotations

from coldstart.errors import ColdstartError


class DownloadError(ColdstartError):
    """A file could not be fetched (HTTP error, connection lost for good, bad answer)."""


class NotFoundError(DownloadError):
    """The server has no file at the URL (HTTP 404 or 410)."""


class DriveRefusedError(DownloadError):
    """Google Drive answered with a page instead of the file (quota, sign-in, unknown page)."""


class VerifyError(DownloadError):
    """A fetched file is not what the release holds (size, zip directory, a member's CRC)."""


class RangeUnsupportedError(DownloadError):
    """The server sent the whole file to a range request: single members cannot be read.

    Caught by the orchestration, which then fetches the whole zip and extracts the members;
    ``size`` is the whole file's length if the server said it (else None).
    """

    def __init__(self, message: str, size: int | None) -> None:
        super().__init__(message)
        self.size = size

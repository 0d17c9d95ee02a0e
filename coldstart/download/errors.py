"""Typed download errors: each message is one line naming the file and what to do."""

from __future__ import annotations

from coldstart.errors import ColdstartError


class DownloadError(ColdstartError):
    """A file could not be fetched (HTTP error, connection lost for good, bad answer)."""


class DriveRefusedError(DownloadError):
    """Google Drive answered with a page instead of the file (quota, sign-in, unknown page)."""


class VerifyError(DownloadError):
    """A fetched file is not what the release holds (size, zip directory, a member's CRC)."""

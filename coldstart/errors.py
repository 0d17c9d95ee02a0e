"""Errors that reach users.

Library code raises these with a message that names the file, line, column or value at fault
and what was expected; the CLI prints the message (no traceback) and exits non-zero. Anything
else escaping the library is a bug.
"""

from __future__ import annotations


class ColdstartError(Exception):
    """Base class: an error whose message is meant for the user as it is."""

    exit_code = 1


class UsageError(ColdstartError):
    """An option or argument value is not acceptable (unknown preset, region, ...)."""

    exit_code = 2


class InputError(ColdstartError):
    """Input data is malformed: the message names the file (and line/column/value)."""


class BadRowError(InputError):
    """A row of an input file breaks the release's format (the message names file and line);
    ``--skip-bad-rows`` drops and counts such rows instead."""


class OutputError(ColdstartError):
    """An output location cannot be written (permissions, full disk, not empty)."""


class MissingTableError(InputError):
    """A figure, section or query needs a warehouse table that was not ingested.

    Carries the table's name, so callers decide (skip a figure, fail a query) on the type and
    the attribute, never on the wording of the message.
    """

    def __init__(self, table: str, *, needed_by: str = "", hint: str = "") -> None:
        self.table = table
        self.needed_by = needed_by
        what = f"{needed_by} needs" if needed_by else "needs"
        source = f" (ingest the release's {hint})" if hint else ""
        super().__init__(f"{what} the warehouse table {table!r}, which is not ingested{source}")

"""The query library is parsed once per process and listed from an index between processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coldstart.query import library
from coldstart.query.library import QUERIES_DIR, index_path, list_queries, load_library


@pytest.fixture
def queries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of queries/ and a private cache folder."""
    monkeypatch.setenv("COLDSTART_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "queries"
    shutil.copytree(QUERIES_DIR, root)
    return root


def _retitle(root: Path, summary: str) -> None:
    path = root / "region" / "summary.sql"
    lines = path.read_text().splitlines()
    assert lines[0] == "-- @query region_summary"
    path.write_text("\n".join([lines[0], f"-- {summary}.", *lines[2:]]) + "\n")


def test_listing_equals_the_parsed_library(queries: Path) -> None:
    parsed = load_library(queries).queries
    listing = list_queries(queries)
    assert [q.name for q in listing] == list(parsed)
    for q in listing:
        named = parsed[q.name]
        assert q.summary == named.summary
        assert q.params == tuple(p.signature for p in named.params)
        assert q.file == f"queries/{named.path.relative_to(queries).as_posix()}"


def test_second_listing_reads_the_index_without_parsing(
    queries: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = list_queries(queries)
    assert index_path(queries).is_file()

    def no_parsing(*_: object, **__: object) -> None:
        raise AssertionError("parsed although the index is current")

    monkeypatch.setattr(library, "load_library", no_parsing)
    assert list_queries(queries) == first


def test_an_edited_query_file_refreshes_the_listing_and_the_library(queries: Path) -> None:
    before = load_library(queries)
    assert load_library(queries) is before  # kept while nothing changed
    assert list_queries(queries)  # index written
    _retitle(queries, "Totals per region, edited")
    summary = {q.name: q.summary for q in list_queries(queries)}["region_summary"]
    assert summary == "Totals per region, edited"
    after = load_library(queries)
    assert after is not before and after.queries["region_summary"].summary == summary


def test_a_new_query_file_appears(queries: Path) -> None:
    list_queries(queries)
    shutil.copy(queries / "region" / "summary.sql", queries / "region" / "copy.sql")
    text = (queries / "region" / "copy.sql").read_text()
    (queries / "region" / "copy.sql").write_text(text.replace("region_summary", "region_copy"))
    assert "region_copy" in [q.name for q in list_queries(queries)]


def test_an_unwritable_or_damaged_index_still_lists(
    queries: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = list_queries(queries)
    index_path(queries).write_text("{not json")
    assert list_queries(queries) == expected
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("COLDSTART_CACHE_DIR", str(blocker / "sub"))  # cannot be created
    assert list_queries(queries) == expected

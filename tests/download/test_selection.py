"""Options to plan: days, metrics, and which files are read whole or member by member."""

from __future__ import annotations

import pytest

from coldstart.download.catalog import load_catalog
from coldstart.download.selection import (
    MemberFilter,
    make_plan,
    member_day,
    parse_days,
    parse_metrics,
)
from coldstart.errors import UsageError


def test_days() -> None:
    assert parse_days("0-2,5") == {0, 1, 2, 5}
    assert parse_days("0-30") is None  # every day: no filter
    assert parse_days(None) is None
    with pytest.raises(UsageError, match=r"^--days '3-31': '3-31' is outside 0-30"):
        parse_days("3-31")
    with pytest.raises(UsageError, match=r"^--days 'x': 'x' is not a day"):
        parse_days("x")


def test_metrics_expand_to_folders() -> None:
    got = parse_metrics(["cpu_usage", "requests", "totalCost_cold_start_avg"])
    assert got is not None
    assert len(got) == 12
    assert {"cpu_usage_avg", "cpu_usage_quantile_100", "requests"} <= got
    assert "totalCost_cold_start_avg" in got and "totalCost_avg" not in got
    with pytest.raises(UsageError, match=r"^--metrics: 'cpu' is not a metric"):
        parse_metrics(["cpu"])


def test_member_filter_and_day_names() -> None:
    f = MemberFilter(days=frozenset({5}), series=frozenset({"cpu_usage_avg"}))
    assert f.wants("R1/cpu_usage_avg/day_5.csv")
    assert f.wants("R1/cpu_usage_avg/day_05.csv")  # zero padding is not relied on
    assert not f.wants("R1/cpu_usage_avg/day_15.csv")
    assert not f.wants("R1/cpu_usage_std/day_5.csv")
    assert not f.wants("R1/cpu_usage_avg/")
    assert member_day("R3/day_28.csv") == 28
    with pytest.raises(UsageError, match="no number ends its name"):
        member_day("R3/readme.csv")


def test_plan_whole_files_unless_members_are_chosen() -> None:
    cat = load_catalog()
    whole = make_plan(cat, regions=["R1"], tables=["cold_starts", "requests"])
    assert len(whole.items) == 21 and all(i.members is None for i in whole.items)
    some = make_plan(cat, regions=["R2"], days="0-6", metrics=["cpu_usage_avg"])
    by_table = {i.file.table: i for i in some.items}
    assert set(by_table) == {"cold_starts", "timeseries", "functions"}  # requests: day 30 only
    assert by_table["cold_starts"].members == MemberFilter(frozenset(range(7)), None)
    assert by_table["timeseries"].members == MemberFilter(
        frozenset(range(7)), frozenset({"cpu_usage_avg"})
    )
    assert by_table["functions"].members is None
    assert some.notes == (
        "requests skipped: the request table covers day 30 only, which --days leaves out",
    )
    with pytest.raises(UsageError, match=r"^--regions: R9 not one of"):
        make_plan(cat, regions=["R9"])
    with pytest.raises(UsageError, match="add timeseries to --tables"):
        make_plan(cat, tables=["cold_starts"], metrics=["cpu_usage"])

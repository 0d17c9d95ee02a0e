"""Derived-column rules (coldstart.derive) on hand-made values."""

from __future__ import annotations

import polars as pl
import pytest

from coldstart import derive, release


def test_pool_fields_and_func_id() -> None:
    df = pl.DataFrame(
        {
            "podID": ["pool24-600-512-0000577863", "pool22-300-128-1", "pod-x", None, ""],
            "funcName": [400, 1, 2, 3, 4],
            "userID": [418, 5, 6, 7, 8],
        }
    ).with_columns(*derive.pool_fields())
    df = df.with_columns(derive.func_id(), derive.pool_size(), derive.cpu_request_from_limit())
    assert df["poolName"].to_list() == ["pool24-600-512", "pool22-300-128", None, None, None]
    assert df["cpu_limit"].to_list() == [600, 300, None, None, None]
    assert df["mem_limit"].to_list() == [512, 128, None, None, None]
    assert (
        df["funcID"].to_list()
        == ["400---418---pool24-600-512", "1---5---pool22-300-128"] + [None] * 3
    )
    assert df["pool_size"].to_list() == ["large", "small", None, None, None]
    assert df["cpu_request"].to_list() == [300, 100, None, None, None]


def test_pool_pattern_agrees_with_release() -> None:
    pods = ["pool24-600-512-0000577863", "pool1-2-3-4", "pool24-600-512", "x-1-2-3", "pool2-a-3-4"]
    ours = pl.Series(pods).str.extract(derive._POOL_PATTERN, 1).is_not_null().to_list()
    theirs = [release.POD_ID_PATTERN.match(p) is not None for p in pods]
    assert ours == theirs == [True, True, False, False, False]


@pytest.mark.parametrize(
    ("cpu", "mem", "size"),
    [(300, 128, "small"), (400, 256, "small"), (400, 512, "large"), (600, 256, "large")],
)
def test_pool_size_boundaries(cpu: int, mem: int, size: str) -> None:
    out = pl.DataFrame({"cpu_limit": [cpu], "mem_limit": [mem]}).select(derive.pool_size())
    assert out.item() == size


def test_cpu_request_prefers_function_table() -> None:
    table = pl.DataFrame(
        {"funcID": ["a"], "cpu_request": [777]}, schema_overrides={"cpu_request": pl.Int32}
    )
    df = pl.DataFrame({"funcID": ["a", "b", "c"], "cpu_limit": [300, 300, 999]})
    assert df.select(derive.cpu_request(table)).to_series().to_list() == [777, 100, None]
    assert df.select(derive.cpu_request(None)).to_series().to_list() == [100, 100, None]


def test_split_func_id() -> None:
    df = pl.DataFrame({"funcID": ["400---418---pool22-300-128", "garbage"]})
    out = df.select(*derive.split_func_id())
    assert out.rows() == [(400, 418, "pool22-300-128"), (None, None, None)]


def test_time_bins() -> None:
    df = pl.DataFrame({"time": [0.0, 59.999, 60.0, 86399.999, 86400.0, 2678399.5]})
    out = df.select(derive.day_of(), derive.minute_of(), derive.hour_of())
    assert out["day"].to_list() == [0, 0, 0, 0, 1, 30]
    assert out["time_minute"].to_list() == [0, 0, 60, 86340, 86400, 2678340]
    assert out["hour"].to_list() == [0, 0, 0, 23, 24, 743]


@pytest.mark.parametrize(
    ("field", "group"),
    [
        ("TIMER-A", "TIMER-A"),
        ("APIG-S TIMER-A", "TIMER-A"),
        ("TIMER-A OBS-A APIG-S", "TIMER-A"),
        ("OBS-A", "OBS-A"),
        ("APIG-S", "APIG-S"),
        ("workflow-S", "workflow-S"),
        ("APIG-S APIG-S", "APIG-S"),
        ("unknown", "unknown"),
        ("unknown-unknown", "unknown"),
        ("unknown-A unknown-S", "unknown"),
        ("unknown-S unknown-A", "unknown"),
        ("unknown-S", "other S"),
        ("KAFKA-S", "other S"),
        ("unknown-A", "other A"),
        ("LTS-A", "other A"),
        ("CTS-A SMN-A", "other A"),
        ("TIMER-S", "other S"),
        ("APIG-S OBS-A", "other S"),  # tie → other S
        ("DIS-A workflow-S", "other S"),
        ("APIG-A APIG-S", "other S"),
        ("DIS-A LTS-A workflow-S", "other A"),  # majority asynchronous
        ("APIG-S CTS-S OBS-A", "other S"),
        ("", "unknown"),
        (None, None),
    ],
)
def test_trigger_group_rule(field: str | None, group: str | None) -> None:
    assert derive.trigger_group(field) == group


def test_trigger_groups_are_the_papers_seven() -> None:
    fields = ["TIMER-A", "OBS-A", "APIG-S", "workflow-S", "LTS-A", "KAFKA-S", "unknown"]
    assert {derive.trigger_group(f) for f in fields} == set(derive.TRIGGER_GROUPS)
    assert "ASSUMPTION" in derive.TRIGGER_GROUP_ASSUMPTION


def test_trigger_columns() -> None:
    df = pl.DataFrame({"t": ["APIG-S TIMER-A", "unknown", "unknown-unknown"]})
    out = df.select(*derive.trigger_columns("t"))
    assert out["triggers"].to_list() == [["APIG-S", "TIMER-A"], ["unknown"], ["unknown-unknown"]]
    assert out["trigger_types"].to_list() == [["APIG", "TIMER"], ["unknown"], ["unknown"]]
    assert out["invocation_types"].to_list() == [["S", "A"], [None], ["unknown"]]
    assert out["trigger_group"].to_list() == ["TIMER-A", "unknown", "unknown"]
    assert derive.split_trigger("workflow-S") == ("workflow", "S")


def test_runtime_groups() -> None:
    runtimes = list(release.RUNTIMES)
    expected = [
        r if r in {"Custom", "Java", "Node.js", "Python2", "Python3", "http"} else "other"
        for r in runtimes
    ]
    assert [derive.runtime_group(r) for r in runtimes] == expected
    out = pl.DataFrame({"runtime": [*runtimes, None]}).select(derive.runtime_group_expr())
    assert out.to_series().to_list() == [*expected, None]
    assert set(expected) == set(derive.RUNTIME_GROUPS)


def test_cpu_request_from_limit_is_the_published_table_and_nothing_else() -> None:
    listed = sorted(release.CPU_LIMIT_TO_REQUEST)
    # every listed limit, the numbers around each, the step's multiples that are not listed,
    # the ends of the lookup array and beyond, negatives and NULL
    probes = sorted(
        {v + d for v in listed for d in (-100, -1, 0, 1, 100)}
        | {0, 100, 200, -100, -300, max(listed) + 100, 10**9, -(10**9)}
    )
    df = pl.DataFrame({"cpu_limit": [*probes, None]}, schema={"cpu_limit": pl.Int32})
    got = df.select(derive.cpu_request_from_limit()).to_series().to_list()
    assert got == [release.CPU_LIMIT_TO_REQUEST.get(v) for v in probes] + [None]
    assert df.select(derive.cpu_request_from_limit()).dtypes == [pl.Int32]

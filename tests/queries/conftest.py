"""Fixtures for the query layer: hand-made tiny warehouses and the ingested `tiny` trace.

``write_warehouse(root, cold_starts=[...], ...)`` writes Parquet files laid out and typed
exactly as docs/warehouse.md says (columns not given are NULL; time bins and pool fields are
derived from time and podID as the ingest does), so each test states only the values that
matter for its hand-worked answer.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from coldstart import warehouse
from coldstart.query import Session
from coldstart.query.sources import full_schema

Row = dict[str, Any]

_POD = re.compile(r"^(pool\d+-(\d+)-(\d+))-\d+$")


def _derive(table: str, row: Row) -> Row:
    """Fill the derived columns the ingest would compute (only where the test left them out)."""
    out = dict(row)
    tcol = {"cold_starts": "time", "requests": "time_worker"}.get(table)
    if tcol and out.get(tcol) is not None:
        t = out[tcol]
        out.setdefault("day", int(t // 86400))
        out.setdefault("time_minute", int(t // 60) * 60)
        out.setdefault("hour", int(t // 3600))
    if table in {"counts", "timeseries"} and "day" not in out:
        out["day"] = int(out["time"] // 86400)
    if table in {"cold_starts", "requests"}:
        m = _POD.match(out.get("podID") or "")
        if m:
            out.setdefault("poolName", m.group(1))
            out.setdefault("cpu_limit", int(m.group(2)))
            out.setdefault("mem_limit", int(m.group(3)))
        if out.get("cpu_limit") is not None:
            small = out["cpu_limit"] <= 400 and out["mem_limit"] <= 256
            out.setdefault("pool_size", "small" if small else "large")
    if table == "functions":
        m = re.match(r"^-?\d+---(-?\d+)---(pool\d+-(\d+)-(\d+))$", out["funcID"])
        if m:
            out.setdefault("poolName", m.group(2))
            out.setdefault("cpu_limit", int(m.group(3)))
            out.setdefault("mem_limit", int(m.group(4)))
    return out


def write_table(root: Path, table: str, rows: list[Row]) -> None:
    """Write rows as Hive-partitioned Parquet, one file per partition."""
    spec = warehouse.TABLES[table]
    schema = full_schema(table)
    parts: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for raw in rows:
        row = _derive(table, raw)
        unknown = set(row) - set(schema.names)
        assert not unknown, f"{table}: no columns {unknown}"
        parts[tuple(row[p] for p in spec.partition_names)].append(row)
    file_schema = spec.arrow_schema()
    for key, part_rows in parts.items():
        folder = warehouse.table_dir(root, table)
        for name, value in zip(spec.partition_names, key, strict=True):
            folder = folder / f"{name}={value}"
        folder.mkdir(parents=True, exist_ok=True)
        data = {c: [r.get(c) for r in part_rows] for c in file_schema.names}
        pq.write_table(pa.table(data, schema=file_schema), folder / "part-0.parquet")


def write_warehouse(root: Path, **tables: list[Row]) -> Path:
    """A warehouse folder with the given tables (table name -> rows). The cold starts get
    their function's groups from the function rows given, as the ingest writes them (a test
    may still set them itself)."""
    root.mkdir(parents=True, exist_ok=True)
    if "cold_starts" in tables:
        tables = {**tables, "cold_starts": _with_groups(tables)}
    for table, rows in tables.items():
        write_table(root, table, rows)
    return root


def _with_groups(tables: dict[str, list[Row]]) -> list[Row]:
    by_function = {(f.get("region"), f["funcID"]): f for f in tables.get("functions", [])}
    out = []
    for row in tables["cold_starts"]:
        function = by_function.get((row.get("region"), row.get("funcID")), {})
        out.append({**{c: function.get(c) for c in warehouse.FUNCTION_GROUP_COLUMNS}, **row})
    return out


# --- the hand-made warehouse used by tests/queries/test_named_queries.py -------------------

F1 = "1---10---pool22-300-128"
F2 = "2---11---pool26-1000-1024"
F3 = "3---10---pool22-300-128"
F5 = "5---20---pool22-300-128"
F6 = "6---21---pool24-600-512"
F7 = "7---22---pool22-300-128"
F8 = "8---23---pool34-3400-4096"
F9 = "9---24---pool22-300-128"
F10 = "10---20---pool22-300-128"
DAY30 = 30 * 86400  # 2 592 000 s


def _cs(region: str, time: float, func: str | None, pod: str | None, parts: tuple) -> Row:
    pod_alloc, code, dep, sched = parts
    return {
        "region": region,
        "time": time,
        "funcID": func,
        "podID": pod,
        "totalCost_cold_start": pod_alloc + code + dep + sched,
        "podAllocationCost": pod_alloc,
        "deployCodeCost": code,
        "deployDependencyCost": dep,
        "schedulingCost": sched,
    }


def _r2(t: float) -> tuple:
    """R2 components: a quarter allocation, a quarter code, no dependencies, half scheduling."""
    return (t / 4, t / 4, 0.0, t / 2)


HAND_COLD_STARTS: list[Row] = [
    # R1: a tie at t = 10, one large pool, one row without a podID (NULL funcID and pool).
    _cs("R1", 10.0, F1, "pool22-300-128-1", (0.1, 0.2, 0.0, 0.7)),
    _cs("R1", 10.0, F1, "pool22-300-128-2", (0.5, 0.5, 1.0, 1.0)),
    _cs("R1", 3700.0, F2, "pool26-1000-1024-3", (2.0, 1.0, 1.0, 1.0)),
    _cs("R1", 3700.5, None, None, (0.5, 0.5, 0.5, 0.5)),
    # R2 (function table region), day 30 = the request table's day.
    _cs("R2", DAY30 + 100, F5, "pool22-300-128-50", _r2(2.0)),  # 2 requests
    _cs("R2", DAY30 + 200, F6, "pool24-600-512-60", _r2(4.0)),  # ratio exactly 1
    _cs("R2", DAY30 + 300, F7, "pool22-300-128-70", _r2(1.0)),  # not in the function table
    _cs("R2", DAY30 + 86300, F5, "pool22-300-128-51", _r2(1.0)),  # cut off at the trace end
    _cs("R2", DAY30 + 400, F5, "pool22-300-128-52", _r2(0.5)),  # no requests
    _cs("R2", DAY30 + 1000, F6, "pool24-600-512-61", _r2(2.0)),  # podID cold-started twice
    _cs("R2", DAY30 + 8000, F6, "pool24-600-512-61", _r2(4.0)),
    _cs("R2", DAY30 - 1000, F5, "pool22-300-128-53", _r2(1.0)),  # day 29: not covered
]


def _req(t: float, pod: str, cost: float | None) -> Row:
    return {"region": "R2", "time_worker": t, "podID": pod, "totalCost_worker": cost}


HAND_REQUESTS: list[Row] = [
    _req(DAY30 + 100, "pool22-300-128-50", 0.5),
    _req(DAY30 + 150, "pool22-300-128-50", 1.0),  # last end 2 592 151 -> useful 51
    _req(DAY30 + 200, "pool24-600-512-60", 4.0),  # useful 4 = its cold start
    _req(DAY30 + 300, "pool22-300-128-70", 0.1),
    _req(DAY30 + 86300, "pool22-300-128-51", 50.0),  # ends 50 s before the window end
    _req(DAY30 + 1000, "pool24-600-512-61", 1.0),
    _req(DAY30 + 1100, "pool24-600-512-61", 0.5),  # first life ends 2 593 100.5
    _req(DAY30 + 8000, "pool24-600-512-61", 2.0),
    _req(DAY30 + 8500, "pool24-600-512-61", 0.0),  # second life: 500 s
    _req(DAY30 + 50, "pool22-300-128-53", 1.0),  # belongs to the day-29 pod: not counted
]


def _fn(func: str, runtime: str, group: str, trigger: str, tgroup: str) -> Row:
    return {
        "region": "R2",
        "funcID": func,
        "runtime": runtime,
        "runtime_group": group,
        "trigger_field": trigger,
        "trigger_group": tgroup,
    }


HAND_FUNCTIONS: list[Row] = [
    _fn(F5, "Python3", "Python3", "TIMER-A", "TIMER-A"),
    _fn(F6, "Java", "Java", "APIG-S", "APIG-S"),
    _fn(F8, "Go1.x", "other", "workflow-S", "workflow-S"),
    _fn(F10, "Python3", "Python3", "APIG-S", "APIG-S"),
]


def _cnt(region: str, func: str, time: int, requests: int, pods: int, cs: int) -> Row:
    return {
        "region": region,
        "funcID": func,
        "time": time,
        "requests": requests,
        "num_pods": pods,
        "num_cold_starts": cs,
    }


HAND_COUNTS: list[Row] = [
    _cnt("R1", F1, 0, 5, 1, 1),
    _cnt("R1", F1, 60, 3, 3, 0),
    _cnt("R1", F2, 3600, 0, 1, 0),  # pods but no requests
    _cnt("R1", F1, 86400, 2, 2, 1),
    _cnt("R1", F3, 86460, 10, 1, 1),
    _cnt("R2", F5, DAY30, 4, 2, 1),
    _cnt("R2", F6, DAY30 + 60, 6, 3, 2),
    _cnt("R2", F9, DAY30 + 120, 1, 1, 0),  # in no other table
]

HAND_TIMESERIES: list[Row] = [
    {"region": "R1", "metric": "cpu_usage", "funcID": F1, "time": 0, "avg": 0.2},
    {"region": "R1", "metric": "cpu_usage", "funcID": F1, "time": 60, "avg": 0.4},
    {"region": "R1", "metric": "cpu_usage", "funcID": F2, "time": 3600, "avg": None},
    {"region": "R1", "metric": "cpu_usage", "funcID": F3, "time": 86460, "avg": 0.0},
    {"region": "R1", "metric": "totalCost", "funcID": F1, "time": 0, "avg": 9.9},
]


@pytest.fixture(scope="session")
def hand_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made warehouse above (all five tables)."""
    return write_warehouse(
        tmp_path_factory.mktemp("hand") / "wh",
        cold_starts=HAND_COLD_STARTS,
        requests=HAND_REQUESTS,
        functions=HAND_FUNCTIONS,
        counts=HAND_COUNTS,
        timeseries=HAND_TIMESERIES,
    )


@pytest.fixture(scope="session")
def hand(hand_warehouse: Path) -> Iterator[Session]:
    """A session over the hand-made warehouse."""
    with Session(hand_warehouse) as s:
        yield s


# --- the synthetic tiny trace, ingested once per test run ----------------------------------


# `tiny_warehouse` (the tiny trace, ingested once per run) comes from tests/conftest.py.


@pytest.fixture(scope="session")
def tiny(tiny_warehouse: Path) -> Iterator[Session]:
    """A session over the ingested tiny trace."""
    with Session(tiny_warehouse) as s:
        yield s


def approx_rows(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Row-by-row comparison with float tolerance; NULLs must match exactly."""
    assert len(actual) == len(expected), (actual, expected)
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        for key, want in e.items():
            got = a[key]
            if isinstance(want, float) and got is not None:
                assert math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9), (i, key, got, want)
            else:
                assert got == want, (i, key, got, want)

"""The long-table scheduler (schedule.run_bounded): order of results, the bound on big files in
flight (the ingest's memory bound), small work taken while big work waits, and errors."""

from __future__ import annotations

import threading
import time

import pytest

from coldstart.ingest.schedule import run_bounded as _run_bounded


def test_results_in_order_and_big_items_bounded() -> None:
    items = [("big", i) for i in range(6)] + [("small", i) for i in range(20)]
    lock = threading.Lock()
    running = {"big": 0, "small": 0}
    peak = {"big": 0, "small": 0}
    done: list[tuple[str, int]] = []

    def fn(item: tuple[str, int]) -> str:
        kind = item[0]
        with lock:
            running[kind] += 1
            peak[kind] = max(peak[kind], running[kind])
        time.sleep(0.02 if kind == "big" else 0.002)
        with lock:
            running[kind] -= 1
        return f"{kind}{item[1]}"

    out = _run_bounded(
        items, fn, threads=4, is_big=lambda it: it[0] == "big", big_slots=2, on_done=done.append
    )
    assert out == [f"{k}{i}" for k, i in items]
    assert sorted(done) == sorted(items)
    assert peak["big"] == 2  # never more than the slots, and the slots were used
    assert peak["small"] >= 2  # the threads without a big slot took small files meanwhile


def test_first_error_is_raised_and_stops_the_rest() -> None:
    started: list[int] = []

    def fn(i: int) -> int:
        started.append(i)
        if i == 3:
            raise ValueError("bad file 3")
        time.sleep(0.01)
        return i

    with pytest.raises(ValueError, match="bad file 3"):
        _run_bounded(
            list(range(200)), fn, threads=4, is_big=lambda i: False, big_slots=2, on_done=print
        )
    assert len(started) < 200  # the other threads stopped taking work


def test_only_big_items() -> None:
    out = _run_bounded(
        list(range(10)),
        lambda i: i * i,
        threads=4,
        is_big=lambda i: True,
        big_slots=1,
        on_done=lambda _: None,
    )
    assert out == [i * i for i in range(10)]

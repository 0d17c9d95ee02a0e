"""The ingest's two thread schedulers: plain parallel work, and work with a bound on big items.

Loading is I/O, zlib (GIL released), polars and pyarrow (GIL released) and some Python between
them, so threads keep two cores busy. Memory is what bounds them: a big file in flight holds
≈ 15 blocks' worth, a big per-minute merge ≈ 400 MB, so :func:`run_bounded` lets at most a
few big items run at once while the other threads take small ones. Both return results in the
order of the items and raise the first error (the other threads finish the item they are on).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


def run_parallel(
    items: list[Any], fn: Callable[[Any], Any], workers: int, on_done: Callable[[Any], None]
) -> list[Any]:
    """Run ``fn`` over ``items`` on ``workers`` threads; the first error cancels the rest."""
    if workers <= 1 or len(items) <= 1:
        out = []
        for it in items:
            out.append(fn(it))
            on_done(it)
        return out
    results: list[Any] = [None] * len(items)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: list[Future[Any]] = [pool.submit(fn, it) for it in items]
        try:
            for i, fut in enumerate(futures):
                results[i] = fut.result()
                on_done(items[i])
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return results


def run_bounded(
    items: list[Any],
    fn: Callable[[Any], Any],
    *,
    threads: int,
    is_big: Callable[[Any], bool],
    big_slots: int,
    on_done: Callable[[Any], None],
) -> list[Any]:
    """Like :func:`run_parallel`, but at most ``big_slots`` big items run at once, and a thread
    takes small work rather than wait for a big slot. Results in the order of ``items``; the
    first error stops the threads (each finishes the item it is on) and is raised here."""
    if threads <= 1 or len(items) <= 1:
        return run_parallel(items, fn, 1, on_done)
    bigs = deque(i for i, it in enumerate(items) if is_big(it))
    smalls = deque(i for i, it in enumerate(items) if not is_big(it))
    lock = threading.Lock()
    slots = threading.Semaphore(big_slots)
    stop = threading.Event()
    finished: queue.SimpleQueue[tuple[int, BaseException | None]] = queue.SimpleQueue()
    results: list[Any] = [None] * len(items)

    def take() -> tuple[int | None, bool]:
        with lock:
            if bigs and slots.acquire(blocking=False):
                return bigs.popleft(), True
            if smalls:
                return smalls.popleft(), False
            if not bigs:
                return None, False
        slots.acquire()  # only big work is left: wait for a slot
        with lock:
            if bigs:
                return bigs.popleft(), True
        slots.release()
        return None, False

    def work() -> None:
        while not stop.is_set():
            i, big = take()
            if i is None:
                return
            try:
                results[i] = fn(items[i])
            except BaseException as exc:  # handed to the caller's thread
                stop.set()
                finished.put((i, exc))
                return
            finally:
                if big:
                    slots.release()
            finished.put((i, None))

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ingest") as pool:
        for _ in range(threads):
            pool.submit(work)
        try:
            for _ in items:
                while True:
                    try:
                        i, exc = finished.get(timeout=0.2)  # a timeout keeps Ctrl-C responsive
                        break
                    except queue.Empty:
                        continue
                if exc is not None:
                    raise exc
                on_done(items[i])
        finally:
            stop.set()
    return results

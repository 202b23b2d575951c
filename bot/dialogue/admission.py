"""How many turns a worker takes on at once: a crowd waits in a short queue, in order, and the rest are refused.

Work accepted past what the database and the one event loop can carry is paid for again and again
(threads fighting for the GIL, pool waits, timeouts): the rate falls as the crowd grows. So a worker
accepts at most `running + waiting` updates; `running` turns hold a database connection at a time
and the others wait for one in arrival order. An update beyond that is refused before anything of it
is done, in the way its channel redelivers: Telegram's webhook gets a 503 and Telegram sends the update
again later, the web chat gets a 429 with Retry-After and its page sends again by itself, a Zalo event
(stored before Zalo was answered) stays in the inbox until the inbox is next gone through.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from sqlalchemy import Engine

T = TypeVar("T")
# Seconds a refused update is told to wait: at least one, and longer the more were refused in the last
# second, so that a crowd's redeliveries come back spread out, about as fast as the worker takes them.
RETRY_AFTER_SECONDS = 1
MAX_RETRY_AFTER_SECONDS = 30
# Updates that may wait for a turn. A press costs a worker 5-9 ms of CPU, so this queue drains in a few
# tens of ms: waiting stays bounded. More in flight only adds work per update (bench/run.py, 128 citizens
# against the best rate: with 68 let in, 1 worker on PostgreSQL kept 72 % of it; with 12, 84 %; with 8, 93 %).
WAITING = 4


class Busy(Exception):
    """This worker already holds as many updates as it may: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int = RETRY_AFTER_SECONDS):
        super().__init__(f"busy; try again in {retry_after} s")
        self.retry_after = retry_after


def running_for(engine: Engine | None) -> int:
    """Turns that may run at once: what the database serves without anyone waiting on its pool.

    SQLite writes one transaction at a time, so one; a server database as many as the pool holds
    connections, but at most 2 per core: the turns share one interpreter's GIL, so more threads would only
    take it from each other, while two per core still overlap one turn's database wait with another's work."""
    if engine is None or engine.dialect.name == "sqlite":
        return 1
    size = getattr(engine.pool, "size", None)
    pool = size() if callable(size) else 4
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(int(pool), 2 * cores))


class Admission:
    """Tickets for updates (accepted, not yet finished) and slots for their database work."""

    def __init__(self, running: int, waiting: int | None = None):
        if running < 1:
            raise ValueError("at least one turn must be able to run")
        self.running = running
        self.waiting = WAITING if waiting is None else waiting
        self.held = 0  # tickets out: updates accepted and not finished
        self.refused = 0
        self._window_started, self._window_refused = 0.0, 0  # refusals in the current second
        self._slots = asyncio.Semaphore(running)  # its waiters are woken in arrival order
        # The turns' own threads: never more than the slots, and never queued behind the admin's work.
        self._threads = ThreadPoolExecutor(max_workers=running, thread_name_prefix="turn")

    @property
    def limit(self) -> int:
        return self.running + self.waiting

    def accepting(self) -> bool:
        return self.held < self.limit

    @contextlib.contextmanager
    def ticket(self) -> Iterator[None]:
        """Hold one update from its acceptance to its last reply; Busy when the worker is full.

        Synchronous on purpose: the check and the count happen with no await between them, so
        concurrent requests on the event loop can never take more tickets than the limit."""
        if self.held >= self.limit:
            raise self._refusal()
        self.held += 1
        try:
            yield
        finally:
            self.held -= 1

    def _refusal(self) -> Busy:
        now = time.monotonic()
        if now - self._window_started >= 1.0:
            self._window_started, self._window_refused = now, 0
        self._window_refused += 1
        self.refused += 1
        wait = RETRY_AFTER_SECONDS + self._window_refused // self.limit
        return Busy(min(wait, MAX_RETRY_AFTER_SECONDS))

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(*args)` in a turn thread once a slot is free, waiting in arrival order."""
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._threads, work, *args)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)

"""SQLite's worker threads: readers, and one writer that commits queued units in batches.

Each thread owns one sqlite3 connection and runs the plain functions it is given in order;
the result (or the exception) is handed back to the event loop with call_soon_threadsafe.
`WriteBatcher` queues write units and runs every unit waiting, up to a batch, in one
transaction (one SAVEPOINT each, so a unit that raises is undone alone): the classic group
commit, so 50 posters cost one COMMIT per batch instead of 50 and one thread hop per batch.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

Opener = Callable[[], sqlite3.Connection]
Work = Callable[[sqlite3.Connection], Any]


def _settle(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.done():  # the caller gave up (cancelled); the work has been done anyway
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


def _retrieve(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()


class ConnectionThreads:
    """`count` threads, each with its own connection from `opener`, sharing one queue.

    `run(work)` returns what work(connection) returns, or raises what it raised. At most
    `max_pending` calls wait at once; a further caller waits its turn on the loop.
    """

    def __init__(self, opener: Opener, *, count: int, name: str, max_pending: int) -> None:
        self._opener = opener
        self._queue: queue.SimpleQueue[tuple[Work, asyncio.Future[Any], Any] | None] = (
            queue.SimpleQueue()
        )
        self._slots = asyncio.Semaphore(max_pending)
        self._name = name
        self._count = count
        self._threads: list[threading.Thread] = []
        self._started = False

    def _start(self) -> None:
        """Start the threads (again, after close(): each opens a fresh connection)."""
        self._started = True
        self._threads = [
            threading.Thread(target=self._main, name=f"{self._name}-{i}", daemon=True)
            for i in range(self._count)
        ]
        for t in self._threads:
            t.start()

    async def run(self, work: Work) -> Any:
        if not self._started:
            self._start()
        loop = asyncio.get_running_loop()
        async with self._slots:
            fut: asyncio.Future[Any] = loop.create_future()
            self._queue.put((work, fut, loop))
            return await fut

    def _main(self) -> None:
        con: sqlite3.Connection | None = None
        while True:
            item = self._queue.get()
            if item is None:
                break
            work, fut, loop = item
            try:
                if con is None:
                    con = self._opener()
                value, ok = work(con), True
            except BaseException as exc:  # handed to the awaiting caller, never lost
                value, ok = exc, False
            try:
                loop.call_soon_threadsafe(_settle, fut, ok, value)
            except RuntimeError:  # the loop has closed: nobody is waiting any more
                pass
        if con is not None:
            con.close()

    def close(self) -> None:
        """Stop the threads after the work already queued; waits for them."""
        if not self._started:
            return
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout=10)
        self._started = False


Unit = Callable[[sqlite3.Connection], Any]


def run_batch(con: sqlite3.Connection, units: list[Unit]) -> list[tuple[bool, Any]]:
    """Run `units` in one transaction, each inside its own savepoint; commit once.

    Returns (ok, result or exception) per unit. A unit that raises is rolled back to its
    savepoint and the others still commit; if the transaction itself fails (BEGIN, COMMIT,
    or a savepoint that cannot be undone, e.g. on a full disk) every unit fails with it.
    """
    out: list[tuple[bool, Any]] = []
    try:
        con.execute("BEGIN IMMEDIATE")
        for unit in units:
            con.execute("SAVEPOINT unit")
            try:
                value = unit(con)
            except Exception as exc:
                con.execute("ROLLBACK TO unit")
                con.execute("RELEASE unit")
                out.append((False, exc))
            else:
                con.execute("RELEASE unit")
                out.append((True, value))
        con.execute("COMMIT")
    except sqlite3.Error as exc:
        if con.in_transaction:
            try:
                con.execute("ROLLBACK")
            except sqlite3.Error:  # pragma: no cover - the connection is gone
                log.exception("rollback after a failed batch failed")
        return [(False, exc)] * len(units)
    return out


class WriteBatcher:
    """Queues write units and commits them in batches on one writer thread.

    `submit(unit)` returns what unit(connection) returned once its batch has committed, or
    raises what it raised (a sqlite3.Error when the batch's transaction failed). `lock` is
    the asyncio.Lock that the ORM's writers hold too, so the two kinds of writer take turns.
    At most `max_queued` units wait; a further caller waits for room (back-pressure).
    """

    def __init__(
        self,
        thread: ConnectionThreads,
        lock: asyncio.Lock,
        *,
        max_batch: int = 128,
        max_queued: int = 4096,
    ) -> None:
        self._thread = thread
        self._lock = lock
        self._max_batch = max_batch
        self._room = asyncio.Semaphore(max_queued)
        self._waiting: deque[tuple[Unit, asyncio.Future[Any]]] = deque()
        self._flusher: asyncio.Task[None] | None = None
        self.batches = 0  # counters for bench/ and tests
        self.units = 0

    async def submit(self, unit: Unit) -> Any:
        async with self._room:
            fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            # a caller cancelled while its unit runs (a hang-up) leaves nobody to read the
            # outcome: read it here, so a failed unit is not "never retrieved" on the log
            fut.add_done_callback(_retrieve)
            self._waiting.append((unit, fut))
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.get_running_loop().create_task(
                    self._flush(), name="db-write-batcher"
                )
            return await asyncio.shield(fut)

    async def _flush(self) -> None:
        while self._waiting:
            async with self._lock:
                batch = [
                    self._waiting.popleft() for _ in range(min(self._max_batch, len(self._waiting)))
                ]
                units = [u for u, _ in batch]
                try:
                    results = await self._thread.run(partial(run_batch, units=units))
                except BaseException as exc:  # the thread is gone or we are cancelled
                    results = [(False, exc)] * len(batch)
                    for (_, fut), (ok, value) in zip(batch, results, strict=True):
                        _settle(fut, ok, value)
                    raise
            self.batches += 1
            self.units += len(batch)
            for (_, fut), (ok, value) in zip(batch, results, strict=True):
                _settle(fut, ok, value)

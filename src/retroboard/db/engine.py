"""Build the async engine: SQLite pragmas and BEGIN IMMEDIATE for writers, or PostgreSQL;
and the hot paths' fast path (db/fastpath.py) beside it: `fetch`, `read_unit`, `write_unit`."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from retroboard.db.fastpath import Prepared, Raw, Tracer
from retroboard.db.workers import ConnectionThreads, WriteBatcher
from retroboard.domain.errors import StorageError

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "foreign_keys=ON",
    "busy_timeout=10000",
    "synchronous=NORMAL",
    "cache_size=-32000",
    "temp_store=MEMORY",
    # The board checkpoints in the background (db/maintenance.py); this larger automatic
    # threshold is only the safety net that keeps the WAL bounded if that ever stops.
    "wal_autocheckpoint=20000",
)
# An inline read (Database.fetch on SQLite) is interrupted after this many virtual-machine
# steps (checked every 1,000; ~0.5 ms of work here) and run again on a reader thread.
INLINE_STEP_LIMIT = 50_000


def storage_error(exc: BaseException) -> StorageError:
    """The user-facing StorageError for a driver error (logged by the caller)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "full" in text or "disk" in text:
        return StorageError("The board's disk is full; nothing was saved.")
    if "locked" in text or "busy" in text:
        return StorageError("The board is busy; please try again.")
    return StorageError("The board could not save that; please try again.")


def _sqlite_setup(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's `begin` listener below emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The engine plus two session factories: `read()` and `write()` units of work.

    On SQLite a writer starts with BEGIN IMMEDIATE so concurrent read-then-write transactions
    queue on the write lock instead of failing with "database is locked".
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine = create_async_engine(url, **kwargs)
        writer_engine = self.engine
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
            writer_engine = self.engine.execution_options(sqlite_immediate=True)
        self._writer_engine = writer_engine
        self._driver_errors: tuple[type[BaseException], ...] = (
            sqlite3.Error,
            OperationalError,
            self.engine.dialect.loaded_dbapi.Error,
        )
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(writer_engine, expire_on_commit=False)
        # SQLite has one writer at a time anyway; queueing writers here (first come, first
        # served) replaces busy_timeout's sleep-and-retry backoff, which made the tail slow.
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None
        # The fast path (db/fastpath.py). On an SQLite file: point reads inline, other reads on
        # two reader threads, writes batched on one writer thread; elsewhere (PostgreSQL, an
        # in-memory SQLite) every unit runs through the engine's own connection with run_sync.
        self.trace: Tracer | None = None  # sees the fast path's statements (bench/board.py)
        # called with each new fast-path sqlite3 connection after the pragmas (tests use it to
        # cap the file size, as the engine's "connect" event does for the ORM's connections)
        self.connect_hooks: list[Callable[[sqlite3.Connection], None]] = []
        self._file = (
            parsed.database
            if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:")
            else None
        )
        self._inline: sqlite3.Connection | None = None
        self._inline_steps = 0
        self._readers: ConnectionThreads | None = None
        self._batcher: WriteBatcher | None = None
        self._writer_threads: ConnectionThreads | None = None
        if self._file is not None and self._write_lock is not None:
            self._readers = ConnectionThreads(
                self._open_reader, count=2, name="db-reader", max_pending=1024
            )
            self._writer_threads = ConnectionThreads(
                self._open_writer, count=1, name="db-writer", max_pending=4
            )
            self._batcher = WriteBatcher(self._writer_threads, self._write_lock)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work."""
        async with self._reader() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that commits on success and rolls back on error.

        A full disk or a lock held too long becomes StorageError with a message fit for a user.
        """
        async with self._write_turn(), self._writer() as session:
            try:
                async with session.begin():
                    yield session
            except OperationalError as exc:
                text = str(exc.orig).lower() if exc.orig else str(exc).lower()
                log.error("database write failed: %s", exc.orig or exc)
                if "full" in text or "disk" in text:
                    raise StorageError("The board's disk is full; nothing was saved.") from exc
                if "locked" in text or "busy" in text:
                    raise StorageError("The board is busy; please try again.") from exc
                raise StorageError("The board could not save that; please try again.") from exc

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            yield

    # ---- the fast path ---------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        assert self._file is not None
        con = sqlite3.connect(self._file, isolation_level=None, check_same_thread=False)
        for pragma in SQLITE_PRAGMAS:
            con.execute(f"PRAGMA {pragma}")
        for hook in self.connect_hooks:
            hook(con)
        return con

    def _open_reader(self) -> sqlite3.Connection:
        con = self._connect()
        con.execute("PRAGMA query_only=ON")
        return con

    def _open_writer(self) -> sqlite3.Connection:
        return self._connect()

    def _raw(self, con: sqlite3.Connection) -> Raw:
        return Raw(self.engine.dialect, con.cursor, self.trace)

    def _step(self) -> int:
        self._inline_steps += 1
        return 1 if self._inline_steps * 1000 > INLINE_STEP_LIMIT else 0

    async def fetch(self, prep: Prepared, values: dict[str, Any]) -> list[Any]:
        """The rows of one short read (an indexed lookup returning a few rows): read_quick
        of one statement. Raises StorageError on a driver error."""
        return await self.read_quick(lambda raw: raw.rows(prep, values))

    async def read_quick(self, unit: Callable[[Raw], T]) -> T:
        """Run unit(raw), a few short reads (indexed lookups returning a few rows), in one read
        transaction; returns what it returns. `unit` must only read: it may be run twice.

        On an SQLite file it runs inline on the event loop, as a function call: a warm
        indexed lookup costs less than the thread hop that would carry it (~7 us against
        ~70 us here). It never waits there: the connection has busy_timeout 0 and a step
        limit (INLINE_STEP_LIMIT for the whole unit), and a unit that is refused either way
        (a lock, a long plan) is run again on a reader thread (read_unit). Elsewhere it is
        read_unit. Domain errors raised by `unit` pass through; driver errors become
        StorageError.
        """
        if self._file is None:
            return await self.read_unit(unit)
        con = self._inline
        if con is None:
            con = self._inline = self._connect()
            con.execute("PRAGMA busy_timeout=0")
            con.execute("PRAGMA query_only=ON")
            con.set_progress_handler(self._step, 1000)
        self._inline_steps = 0
        try:
            con.execute("BEGIN")
            try:
                return unit(self._raw(con))
            finally:
                self._inline_steps = 0  # the ROLLBACK itself is never cut short
                con.execute("ROLLBACK")
        except sqlite3.OperationalError:  # busy, or past the step limit: not on the loop
            return await self.read_unit(unit)
        except sqlite3.Error as exc:
            log.error("database read failed: %s", exc)
            raise storage_error(exc) from exc

    async def read_unit(self, unit: Callable[[Raw], T]) -> T:
        """Run unit(raw) whole in one read transaction, off the loop; returns what it returns.

        On an SQLite file: one hop to a reader thread. Elsewhere: one pooled connection with
        run_sync. Domain errors raised by `unit` pass through; driver errors become
        StorageError.
        """
        trace = self.trace
        try:
            if self._readers is not None:

                def work(con: sqlite3.Connection) -> T:
                    raw = Raw(self.engine.dialect, con.cursor, trace)
                    con.execute("BEGIN")
                    try:
                        return unit(raw)
                    finally:
                        con.execute("ROLLBACK")

                return await self._readers.run(work)  # type: ignore[no-any-return]
            async with self.engine.connect() as c:
                return await c.run_sync(lambda sc: unit(self._engine_raw(sc, trace)))
        except self._driver_errors as exc:
            log.error("database read failed: %s", exc)
            raise storage_error(exc) from exc

    async def write_unit(self, unit: Callable[[Raw], T]) -> T:
        """Run unit(raw) whole in one write transaction; returns what it returns once it has
        committed.

        On an SQLite file the unit joins the writer thread's next batch (group commit; its
        own savepoint, so a unit that raises is undone alone). Elsewhere: one transaction on
        a pooled connection with run_sync. Domain errors raised by `unit` pass through (its
        writes undone); driver errors (a full disk) become StorageError, nothing saved.
        """
        trace = self.trace
        try:
            if self._batcher is not None:
                dialect = self.engine.dialect
                return await self._batcher.submit(  # type: ignore[no-any-return]
                    lambda con: unit(Raw(dialect, con.cursor, trace))
                )
            async with self._write_turn(), self._writer_engine.begin() as c:
                return await c.run_sync(lambda sc: unit(self._engine_raw(sc, trace)))
        except self._driver_errors as exc:
            log.error("database write failed: %s", exc)
            raise storage_error(exc) from exc

    async def in_session(self, session: AsyncSession, unit: Callable[[Raw], T]) -> T:
        """Run unit(raw) inside an open ORM session's transaction, on its connection (after
        what the session has flushed): how an ORM write shares a fast-path write unit's
        statements. Returns what the unit returns; errors pass through as the session's."""
        conn = await session.connection()
        trace = self.trace
        return await conn.run_sync(lambda sc: unit(self._engine_raw(sc, trace)))

    def _engine_raw(self, sync_conn: Any, trace: Tracer | None) -> Raw:
        """A Raw over the engine's own DB-API connection (inside run_sync, where the async
        drivers' adapters may be called as if they were synchronous)."""
        dbapi = sync_conn.connection.dbapi_connection
        return Raw(self.engine.dialect, dbapi.cursor, trace)

    @property
    def write_batches(self) -> tuple[int, int]:
        """(batches, units) the SQLite writer thread has committed (0, 0 elsewhere)."""
        b = self._batcher
        return (b.batches, b.units) if b is not None else (0, 0)

    async def dispose(self) -> None:
        """Close every connection; the Database may be used again (it reconnects)."""
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        for threads in (self._readers, self._writer_threads):
            if threads is not None:
                await asyncio.to_thread(threads.close)
        await self.engine.dispose()

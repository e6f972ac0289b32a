"""Build the async engine: SQLite pragmas and BEGIN IMMEDIATE for writers, or PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from retroboard.domain.errors import StorageError

log = logging.getLogger(__name__)


def _sqlite_setup(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's `begin` listener below emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-32000")
        cur.execute("PRAGMA temp_store=MEMORY")
        # The board checkpoints in the background (db/maintenance.py); this larger automatic
        # threshold is only the safety net that keeps the WAL bounded if that ever stops.
        cur.execute("PRAGMA wal_autocheckpoint=20000")
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
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(writer_engine, expire_on_commit=False)
        # SQLite has one writer at a time anyway; queueing writers here (first come, first
        # served) replaces busy_timeout's sleep-and-retry backoff, which made the tail slow.
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None

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

    async def dispose(self) -> None:
        await self.engine.dispose()

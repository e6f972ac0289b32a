"""Background upkeep for SQLite: WAL checkpoints and full-text index merges, off the post path.

SQLite would otherwise do both inside whichever commit crosses a threshold, so one unlucky
post in a few hundred took 30-300 ms. Here a task does the work in small steps between posts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import text

from retroboard.db.engine import Database

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between rounds
MERGE_PAGES = 64  # FTS5 pages merged per round: bounded work while holding the write lock


async def maintenance_round(db: Database) -> None:
    """One round: merge a little of the full-text index, then checkpoint the WAL passively."""
    async with db.write() as s:
        await s.execute(
            text("INSERT INTO articles_fts(articles_fts, rank) VALUES ('merge', :pages)"),
            {"pages": MERGE_PAGES},
        )
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


class SqliteMaintenance:
    """Runs `maintenance_round` every INTERVAL seconds while the board is up (SQLite only)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._db.is_sqlite and self._task is None:
            self._task = asyncio.create_task(self._run(), name="sqlite-maintenance")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(INTERVAL)
            try:
                await maintenance_round(self._db)
            except Exception:  # never let upkeep kill the board; SQLite's own limits still apply
                log.warning("database maintenance round failed", exc_info=True)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

"""A full disk: the write fails with a clear message and leaves nothing half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from retroboard.app import build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.errors import StorageError


async def test_post_on_a_full_disk_is_refused_cleanly(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'full.db'}")
    await upgrade(db)
    sv = build_services(
        Settings(
            argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, default_groups=""
        ),
        db,
        EventBus(),
    )
    alice = await sv.users.register("alice", "Alice-pass-1")
    await sv.articles.post(alice, ["misc.test"], "fits", "a small post")
    await db.dispose()  # every connection, the ORM's and the fast path's
    with sqlite3.connect(tmp_path / "full.db") as raw:  # no free pages left inside the file
        raw.execute("VACUUM")
        pages = int(
            raw.execute("PRAGMA page_count").fetchone()[0]
        )  # new connections get the limit below

    @event.listens_for(db.engine.sync_engine, "connect")
    def _cap(dbapi_conn: Any, _rec: Any) -> None:  # SQLite's way to make "the disk" full
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA max_page_count = {pages + 2}")
        cur.close()

    db.connect_hooks.append(lambda con: con.execute(f"PRAGMA max_page_count = {pages + 2}"))
    with pytest.raises(StorageError, match="disk is full"):
        await sv.articles.post(alice, ["misc.test"], "too big", "x " * 30_000)
    status = await sv.groups.status(alice, "misc.test")
    assert status.group.high == 1 and status.group.article_count == 1
    async with db.read() as s:
        assert (await s.execute(text("SELECT count(*) FROM articles"))).scalar_one() == 1
        assert (await s.execute(text("SELECT count(*) FROM xref"))).scalar_one() == 1
    await db.dispose()

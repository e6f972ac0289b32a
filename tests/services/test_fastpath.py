"""The fast path (db/fastpath.py, db/workers.py): typed rows, units, batches, fallbacks."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)

from retroboard.db.engine import Database
from retroboard.db.fastpath import Prepared, Raw
from retroboard.domain.errors import NotFound, StorageError

MD = MetaData()
ITEMS = Table(
    "fp_items",
    MD,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("at", DateTime(timezone=True)),
    Column("flag", Boolean, nullable=False),
)
ADD = Prepared(
    insert(ITEMS)
    .values(name=bindparam("name"), at=bindparam("at"), flag=False)
    .returning(ITEMS.c.id)
)
GET = Prepared(
    select(ITEMS.c.id, ITEMS.c.name.label("label"), ITEMS.c.at, ITEMS.c.flag).where(
        ITEMS.c.name == bindparam("name")
    )
)
COUNT = Prepared(select(func.count()).select_from(ITEMS))
RENAME = Prepared(
    update(ITEMS).where(ITEMS.c.name == bindparam("old")).values(name=bindparam("new"))
)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    async with database.engine.begin() as c:
        await c.run_sync(MD.create_all)
    try:
        yield database
    finally:
        await database.dispose()


async def test_rows_come_back_typed_and_named(db: Database) -> None:
    at = datetime(1988, 3, 12, 14, 3, tzinfo=UTC)
    new_id = await db.write_unit(lambda raw: raw.scalar(ADD, {"name": "modem", "at": at}))
    rows = await db.fetch(GET, {"name": "modem"})
    assert len(rows) == 1
    row = rows[0]
    assert row.id == new_id and row.label == "modem"
    assert row.flag is False  # a Boolean, not SQLite's 0
    assert row.at.replace(tzinfo=UTC) == at  # a datetime, not SQLite's text
    assert await db.read_unit(lambda raw: raw.scalar(COUNT, {})) == 1


async def test_a_unit_that_raises_leaves_nothing_and_the_others_commit(db: Database) -> None:
    def failing(raw: Raw) -> None:
        raw.scalar(ADD, {"name": "half", "at": None})
        raise NotFound("no such thing")

    def fine(n: int) -> object:
        return lambda raw: raw.scalar(ADD, {"name": f"ok{n}", "at": None})

    results = await asyncio.gather(
        db.write_unit(fine(1)),
        db.write_unit(failing),
        db.write_unit(fine(2)),
        return_exceptions=True,
    )
    assert isinstance(results[1], NotFound)
    assert not isinstance(results[0], BaseException) and not isinstance(results[2], BaseException)
    names = await db.read_unit(
        lambda raw: [r.label for n in ("ok1", "half", "ok2") for r in raw.rows(GET, {"name": n})]
    )
    assert names == ["ok1", "ok2"]
    assert await db.write_unit(lambda raw: raw.execute(RENAME, {"old": "ok1", "new": "x"})) == 1


async def test_concurrent_writers_share_commits(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}")
    async with db.engine.begin() as c:
        await c.run_sync(MD.create_all)
    await asyncio.gather(
        *(
            db.write_unit(lambda raw, n=n: raw.scalar(ADD, {"name": f"n{n}", "at": None}))  # type: ignore[misc]
            for n in range(50)
        )
    )
    batches, units = db.write_batches
    assert units == 50 and batches < 25  # group commit: one transaction for many units
    assert await db.read_unit(lambda raw: raw.scalar(COUNT, {})) == 50
    await db.dispose()


async def test_a_long_inline_read_moves_to_a_reader_thread(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'l.db'}")
    async with db.engine.begin() as c:
        await c.run_sync(MD.create_all)
    long_count = Prepared(
        text(
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < :upto)"
            " SELECT count(*) AS total FROM c"
        ).columns(total=Integer)
    )
    await db.write_unit(
        lambda raw: [raw.scalar(ADD, {"name": f"n{n}", "at": None}) for n in range(3000)]
    )
    hops: list[str] = []
    real = db.read_unit

    async def counting(unit):  # type: ignore[no-untyped-def]
        hops.append("thread")
        return await real(unit)

    db.read_unit = counting  # type: ignore[method-assign]
    assert (await db.fetch(COUNT, {}))[0][0] == 3000  # short: inline, no hop
    assert hops == []
    assert (await db.fetch(long_count, {"upto": 200_000}))[0].total == 200_000  # too long
    assert hops == ["thread"]
    await db.dispose()


async def test_a_full_disk_is_a_storage_error_and_saves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with db.engine.begin() as c:
        await c.run_sync(MD.create_all)
    await db.write_unit(lambda raw: raw.scalar(ADD, {"name": "fits", "at": None}))
    await db.dispose()
    with sqlite3.connect(path) as con:
        con.execute("VACUUM")
        pages = int(con.execute("PRAGMA page_count").fetchone()[0])
    db.connect_hooks.append(lambda con: con.execute(f"PRAGMA max_page_count = {pages + 2}"))
    with pytest.raises(StorageError, match="disk is full"):
        await db.write_unit(
            lambda raw: [raw.scalar(ADD, {"name": "x" * 40, "at": None}) for _ in range(5000)]
        )
    assert await db.read_unit(lambda raw: raw.scalar(COUNT, {})) == 1
    await db.dispose()

"""The ban service on a fresh database (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import BanRow, utcnow
from retroboard.domain.errors import Conflict, NotFound, ValidationError
from retroboard.domain.events import BansChanged
from retroboard.services.bans import BanService


@pytest.fixture
async def bans(db_url: str) -> AsyncIterator[BanService]:
    db = Database(db_url)
    await upgrade(db)
    try:
        yield BanService(db, EventBus())
    finally:
        await db.dispose()


async def _expire(bans: BanService, ban_id: int) -> None:
    async with bans._db.write() as s:
        await s.execute(
            update(BanRow)
            .where(BanRow.id == ban_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


async def test_add_stores_normalised_target_and_publishes(bans: BanService) -> None:
    with bans._bus.subscribe(BansChanged) as sub:
        b = await bans.add(" 10.1.2.3/8 ", reason="spam\x1b[2J run\u202e", by="sysop")
        events = sub.drain()
    assert events == [BansChanged()]
    assert (b.kind, b.value, b.reason, b.expires_at, b.created_by) == (
        "network",
        "10.0.0.0/8",
        "spam run",
        None,
        "sysop",
    )
    async with bans._db.read() as s:
        row = await s.scalar(select(BanRow))
    assert row is not None and (row.kind, row.value, row.reason) == (
        "network",
        "10.0.0.0/8",
        "spam run",
    )
    assert b.matches_address("10.9.9.9")


async def test_reason_is_one_line_and_capped(bans: BanService) -> None:
    b = await bans.add("Troll", reason="line one\nline two\t" + "x" * 500)
    assert b.kind == "handle" and b.value == "troll"
    assert "\n" not in b.reason and "\t" not in b.reason and len(b.reason) == 200
    assert b.reason.startswith("line one line two")


async def test_duration_sets_expiry(bans: BanService) -> None:
    before = utcnow()
    b = await bans.add("192.0.2.1", duration=timedelta(hours=2))
    assert b.expires_at is not None
    assert timedelta(hours=2) <= b.expires_at - before < timedelta(hours=2, minutes=1)
    assert b.active(utcnow()) and not b.active(utcnow() + timedelta(hours=3))
    with pytest.raises(ValidationError, match="longer than zero"):
        await bans.add("192.0.2.9", duration=timedelta(0))


async def test_duplicate_active_ban_is_refused(bans: BanService) -> None:
    first = await bans.add("192.0.2.1")
    with pytest.raises(Conflict, match="already banned"):
        await bans.add("::ffff:192.0.2.1")  # the same caller, written another way
    await _expire(bans, first.id)
    again = await bans.add("192.0.2.1")  # an expired ban does not stand in the way
    assert again.id != first.id


async def test_bad_target(bans: BanService) -> None:
    with pytest.raises(ValidationError, match="not a valid IP"):
        await bans.add("300.2.3.4")
    with pytest.raises(ValidationError):
        await bans.remove("x")
    assert await bans.list(include_expired=True) == []


async def test_list_active_and_expired(bans: BanService) -> None:
    a = await bans.add("192.0.2.1")
    b = await bans.add("2001:db8::/32", duration=timedelta(days=1))
    c = await bans.add("spammer")
    await _expire(bans, b.id)
    assert [x.id for x in await bans.list()] == [a.id, c.id]
    assert [x.id for x in await bans.active()] == [a.id, c.id]
    assert [x.id for x in await bans.list(include_expired=True)] == [a.id, b.id, c.id]


async def test_remove_by_target_and_by_number(bans: BanService) -> None:
    a = await bans.add("192.0.2.1")
    await _expire(bans, a.id)
    await bans.add("192.0.2.1")
    h = await bans.add("spammer")
    with bans._bus.subscribe(BansChanged) as sub:
        assert await bans.remove("::ffff:192.0.2.1") == 2  # in force and expired alike
        assert sub.drain() == [BansChanged()]
    assert await bans.remove(f"#{h.id}") == 1
    assert await bans.list(include_expired=True) == []
    with pytest.raises(NotFound, match="no ban on 192.0.2.1"):
        await bans.remove("192.0.2.1")
    with pytest.raises(NotFound, match="no ban number 999"):
        await bans.remove("999")


async def test_purge_expired(bans: BanService) -> None:
    keep = await bans.add("192.0.2.1", duration=timedelta(days=1))
    gone = await bans.add("192.0.2.2", duration=timedelta(days=1))
    await _expire(bans, gone.id)
    with bans._bus.subscribe(BansChanged) as sub:
        assert await bans.purge_expired() == 1
        assert sub.drain() == [BansChanged()]
        assert await bans.purge_expired() == 0
        assert sub.drain() == []
    assert [b.id for b in await bans.list(include_expired=True)] == [keep.id]

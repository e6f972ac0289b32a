"""The twit filter's store and cache (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, select

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import IgnoreRow
from retroboard.domain.errors import Conflict, NotFound, ValidationError
from retroboard.domain.users import User


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await upgrade(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def sv(db: Database) -> Services:
    settings = Settings(
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, default_groups=""
    )
    return build_services(settings, db, EventBus())


async def member(sv: Services, handle: str) -> User:
    return await sv.users.register(handle, f"{handle}-Pass-123")


async def test_ignore_list_and_unignore(sv: Services) -> None:
    ada, bob, carol = await member(sv, "ada2"), await member(sv, "Bob2"), await member(sv, "carol2")
    assert await sv.ignores.ignore(ada, " bob2 ") == "Bob2"  # as they spell it
    assert await sv.ignores.ignore(ada, "CAROL2") == "carol2"
    assert await sv.ignores.ignored(ada) == ["Bob2", "carol2"]
    assert await sv.ignores.is_ignoring(ada.id, bob.id)
    assert not await sv.ignores.is_ignoring(bob.id, ada.id)  # one way only
    assert await sv.ignores.unignore(ada, "bob2") == "Bob2"
    assert await sv.ignores.ignored(ada) == ["carol2"]
    assert not await sv.ignores.is_ignoring(ada.id, bob.id)
    assert await sv.ignores.is_ignoring(ada.id, carol.id)


async def test_unknown_handle_yourself_twice_and_not_ignored_are_refused(sv: Services) -> None:
    ada, bob = await member(sv, "ada"), await member(sv, "bob")
    with pytest.raises(NotFound, match="No user called 'nobody'"):
        await sv.ignores.ignore(ada, "nobody")
    with pytest.raises(ValidationError, match="cannot ignore yourself"):
        await sv.ignores.ignore(ada, "ADA")
    with pytest.raises(ValidationError, match="Give a handle"):
        await sv.ignores.ignore(ada, " \x1b[2J ")
    await sv.ignores.ignore(ada, "bob")
    with pytest.raises(Conflict, match="already ignoring bob"):
        await sv.ignores.ignore(ada, "bob")
    with pytest.raises(NotFound, match="not ignoring ada"):
        await sv.ignores.unignore(bob, "ada")
    with pytest.raises(NotFound, match="No user called 'ghost'"):
        await sv.ignores.unignore(bob, "ghost")


async def test_the_cache_answers_without_the_database_and_follows_changes(
    sv: Services, db: Database
) -> None:
    ada, bob = await member(sv, "ada"), await member(sv, "bob")
    assert sv.ignores.cached(ada.id) is None  # never asked: not loaded
    assert await sv.ignores.ignored_ids(ada.id) == frozenset()
    assert sv.ignores.cached(ada.id) == frozenset()
    await sv.ignores.ignore(ada, "bob")
    assert sv.ignores.cached(ada.id) == {bob.id}  # refreshed on change, not dropped
    # a row written behind the service's back is not seen: the answer is the cache's
    async with db.write() as s:
        await s.execute(delete(IgnoreRow))
    assert await sv.ignores.is_ignoring(ada.id, bob.id)
    async with db.read() as s:
        assert (await s.scalars(select(IgnoreRow))).all() == []

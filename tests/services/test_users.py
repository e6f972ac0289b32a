"""The account service on a fresh database (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import head_revision, upgrade
from retroboard.domain.errors import AuthFailed, Conflict, NotFound, ValidationError
from retroboard.domain.events import UserRegistered
from retroboard.domain.users import Level
from retroboard.services.passwords import HashParams, Passwords
from retroboard.services.users import UserService


@pytest.fixture
async def users(db_url: str) -> AsyncIterator[UserService]:
    db = Database(db_url)
    await upgrade(db)
    try:
        yield UserService(db, Passwords(HashParams(1, 1024, 1)), EventBus())
    finally:
        await db.dispose()


async def test_upgrade_is_idempotent(db_url: str) -> None:
    db = Database(db_url)
    try:
        before, after = await upgrade(db)
        assert before is None and after == head_revision()
        assert await upgrade(db) == (after, after)
    finally:
        await db.dispose()


async def test_register_then_authenticate(users: UserService) -> None:
    bus_events = []
    with users._bus.subscribe(UserRegistered) as sub:
        user = await users.register(
            "Ada", "Analytical-1", real_name="Ada Lovelace", location="London"
        )
        bus_events = sub.drain()
    assert user.handle == "Ada" and user.level == Level.USER and user.login_count == 1
    assert bus_events == [UserRegistered(user.id, "Ada")]
    again = await users.authenticate("ada", "Analytical-1")  # handles are case-insensitive
    assert again.id == user.id and again.login_count == 2
    assert again.last_login_at is not None  # the previous call: registration


async def test_password_is_stored_as_argon2id(users: UserService) -> None:
    from sqlalchemy import select

    from retroboard.db.tables import UserRow

    await users.register("bob", "Bobs-secret-9")
    async with users._db.read() as s:
        stored = await s.scalar(select(UserRow.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and "Bobs" not in stored


async def test_wrong_password_and_unknown_handle(users: UserService) -> None:
    await users.register("carol", "Carols-pass-1")
    with pytest.raises(AuthFailed):
        await users.authenticate("carol", "nope-nope-nope")
    with pytest.raises(AuthFailed):
        await users.authenticate("nobody-here", "whatever-1")


async def test_handle_unique_case_insensitive(users: UserService) -> None:
    await users.register("Dave", "Daves-pass-1")
    with pytest.raises(Conflict, match="taken"):
        await users.register("DAVE", "Other-pass-1")
    assert await users.handle_taken("dave")


async def test_concurrent_registrations_of_one_handle(users: UserService) -> None:
    results = await asyncio.gather(
        *(users.register("eve", f"Eves-pass-{i}1") for i in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))


@pytest.mark.parametrize("handle", ["x", "new", "NEW", "1abc", "a b", "x" * 21, "bad!", "sysop"])
async def test_bad_handles(users: UserService, handle: str) -> None:
    with pytest.raises(ValidationError):
        await users.register(handle, "Good-pass-123")


async def test_bad_passwords(users: UserService) -> None:
    with pytest.raises(ValidationError, match="8"):
        await users.register("frank", "short")
    with pytest.raises(ValidationError, match="handle"):
        await users.register("franklin", "Franklin")


async def test_profile_fields_are_sanitised(users: UserService) -> None:
    user = await users.register(
        "gina", "Ginas-pass-1", real_name="Gina\x1b[2J\x1b]0;pwn\x07 G", location="Ro\x00me"
    )
    assert user.real_name == "Gina G" and user.location == "Rome"


async def test_levels_and_listing(users: UserService) -> None:
    await users.register("hal", "Hals-pass-01")
    await users.register("ida", "Idas-pass-01", level=Level.SYSOP)
    promoted = await users.set_level("hal", Level.MODERATOR)
    assert promoted.level == Level.MODERATOR
    assert [(u.handle, u.level) for u in await users.list()] == [
        ("hal", Level.MODERATOR),
        ("ida", Level.SYSOP),
    ]
    with pytest.raises(NotFound):
        await users.set_level("zed", Level.USER)


async def test_editor_preference(users: UserService) -> None:
    u = await users.register("jan", "Jans-pass-01")
    assert u.editor == "line"
    assert (await users.set_editor(u.id, "fse")).editor == "fse"
    with pytest.raises(ValidationError):
        await users.set_editor(u.id, "vi")

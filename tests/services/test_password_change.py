"""Changing one's own password, the sysop's reset and the forced choice after it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import UserRow
from retroboard.domain.errors import AuthFailed, NotFound, PermissionDenied, ValidationError
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


async def failed_logins(users: UserService, user_id: int) -> int:
    async with users._db.read() as s:
        return int(await s.scalar(select(UserRow.failed_logins).where(UserRow.id == user_id)) or 0)


async def test_change_password_needs_the_old_one(users: UserService) -> None:
    ada = await users.register("Ada", "Analytical-1")
    with pytest.raises(AuthFailed):
        await users.change_password(ada.id, "wrong-guess-9", "Difference-2")
    assert await failed_logins(users, ada.id) == 1  # counted like a failed login
    await users.authenticate("ada", "Analytical-1")  # unchanged
    await users.change_password(ada.id, "Analytical-1", "Difference-2")
    with pytest.raises(AuthFailed):
        await users.authenticate("ada", "Analytical-1")
    assert (await users.authenticate("ada", "Difference-2")).id == ada.id


async def test_change_password_follows_the_registration_rules(users: UserService) -> None:
    ada = await users.register("Ada", "Analytical-1")
    for weak in ("short", "password1", "12345678", "ada", "Analytical-1"):
        with pytest.raises(ValidationError):
            await users.change_password(ada.id, "Analytical-1", weak)
    await users.authenticate("ada", "Analytical-1")
    with pytest.raises(NotFound):
        await users.change_password(ada.id + 99, "Analytical-1", "Difference-2")


async def test_reset_then_choose(users: UserService) -> None:
    ada = await users.register("Ada", "Analytical-1")
    with pytest.raises(PermissionDenied):  # only after a reset
        await users.choose_password(ada.id, "Difference-2")
    reset, temporary = await users.reset_password("ADA")
    assert reset.must_change_password and len(temporary) >= 12
    with pytest.raises(AuthFailed):
        await users.authenticate("ada", "Analytical-1")
    assert (await users.authenticate("ada", temporary)).must_change_password
    with pytest.raises(ValidationError):
        await users.choose_password(ada.id, "qwertyuiop")
    chosen = await users.choose_password(ada.id, "Difference-2")
    assert not chosen.must_change_password
    assert not (await users.authenticate("ada", "Difference-2")).must_change_password
    with pytest.raises(NotFound):
        await users.reset_password("nobody")


async def test_sysop_passwd_clears_a_reset(users: UserService) -> None:
    await users.register("Ada", "Analytical-1")
    await users.reset_password("ada")
    assert not (await users.set_password("ada", "Difference-2")).must_change_password
    assert not (await users.get("ada")).must_change_password

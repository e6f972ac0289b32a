"""Logging in under attack: the same answer for unknown and wrong, growing delays, locks, quotas."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import UserRow, utcnow
from retroboard.domain.errors import AuthFailed, ValidationError
from retroboard.services.auth import (
    WRONG,
    AccountLocked,
    LoginPolicy,
    LoginService,
    LoginThrottled,
)
from retroboard.services.guard import ConnectionGuard, Limits
from retroboard.services.passwords import HashParams, Passwords
from retroboard.services.users import UserService

PW = "Null-modem-cable-7"


@dataclass
class Rig:
    db: Database
    users: UserService
    auth: LoginService
    guard: ConnectionGuard
    delays: list[float]
    now: list[float]


async def make_rig(db_url: str, *, real_sleep: bool = False, **policy: int) -> Rig:
    db = Database(db_url)
    await upgrade(db)
    bus = EventBus()
    pw = Passwords(HashParams(1, 1024, 1))
    users = UserService(db, pw, bus)
    guard = ConnectionGuard(Limits())
    delays: list[float] = []
    now = [1000.0]

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    auth = LoginService(
        db,
        pw,
        bus,
        users,
        guard,
        LoginPolicy(**policy),
        clock=time.monotonic if real_sleep else (lambda: now[0]),
        sleep=asyncio.sleep if real_sleep else fake_sleep,
    )
    return Rig(db, users, auth, guard, delays, now)


@pytest.fixture
async def rig(db_url: str) -> AsyncIterator[Rig]:
    r = await make_rig(db_url, lock_failures=5, lock_minutes=15, registrations_per_hour=2)
    await r.users.register("victim", PW, first_call=False)
    try:
        yield r
    finally:
        await r.db.dispose()


async def test_unknown_handle_and_wrong_password_look_the_same(rig: Rig) -> None:
    before = rig.auth.hashes
    with pytest.raises(AuthFailed) as unknown:
        await rig.auth.login("nobody-here", PW, "10.0.0.1")
    with pytest.raises(AuthFailed) as wrong:
        await rig.auth.login("victim", "Wrong-password-1", "10.0.0.2")
    assert str(unknown.value) == str(wrong.value) == WRONG
    assert type(unknown.value) is type(wrong.value) is AuthFailed
    assert rig.auth.hashes - before == 2  # the unknown handle cost a real hash too


async def test_failures_from_one_address_make_each_attempt_wait_longer(rig: Rig) -> None:
    for i in range(8):
        with pytest.raises(AuthFailed):
            await rig.auth.login(f"someone{i}", "Wrong-password-1", "10.0.0.5")
    assert rig.delays == [0.5, 1.0, 2.0, 4.0, 8.0]  # the first three are free
    rig.delays.clear()
    result = await rig.auth.login("victim", PW, "10.0.0.6")  # another address: no wait
    assert result.user.handle == "victim" and rig.delays == []
    rig.now[0] += 901  # the address's failures age out of the window
    with pytest.raises(AuthFailed):
        await rig.auth.login("someone", "Wrong-password-1", "10.0.0.5")
    assert rig.delays == []


async def test_repeated_failures_lock_the_handle_and_the_owner_is_told(rig: Rig) -> None:
    for i in range(5):
        with pytest.raises(AuthFailed):
            await rig.auth.login("victim", f"Wrong-password-{i}", f"10.0.1.{i}")
    hashes = rig.auth.hashes
    with pytest.raises(AccountLocked) as locked:
        await rig.auth.login("victim", PW, "10.0.2.1")  # even the right password
    assert "locked" in str(locked.value) and "15 minutes" in str(locked.value)
    assert rig.auth.hashes == hashes  # refused before any hashing
    async with rig.db.read() as s:
        row = await s.scalar(select(UserRow).where(UserRow.handle_key == "victim"))
        assert row is not None and row.failed_logins == 5 and row.lock_until is not None
    # An unknown handle locks the same way, so a lock does not tell which handles exist.
    for i in range(5):
        with pytest.raises(AuthFailed):
            await rig.auth.login("ghost", f"Wrong-password-{i}", f"10.0.3.{i}")
    with pytest.raises(AccountLocked):
        await rig.auth.login("ghost", "Wrong-password-9", "10.0.4.1")
    # Time passes (in memory and in the database): the owner gets in and is told.
    rig.now[0] += 15 * 60 + 1
    async with rig.db.write() as s:
        await s.execute(
            update(UserRow)
            .where(UserRow.handle_key == "victim")
            .values(lock_until=utcnow() - timedelta(seconds=1))
        )
    result = await rig.auth.login("victim", PW, "10.0.2.1")
    assert result.failed_attempts == 5 and result.was_locked and result.last_failed_at
    again = await rig.auth.login("victim", PW, "10.0.2.1")
    assert again.failed_attempts == 0 and not again.was_locked


async def test_a_sysop_lock_is_only_revealed_to_who_knows_the_password(rig: Rig) -> None:
    async with rig.db.write() as s:
        await s.execute(
            update(UserRow)
            .where(UserRow.handle_key == "victim")
            .values(locked=True, locked_reason="spamming")
        )
    with pytest.raises(AuthFailed) as wrong:
        await rig.auth.login("victim", "Wrong-password-1", "10.0.0.1")
    assert str(wrong.value) == WRONG
    with pytest.raises(AccountLocked) as right:
        await rig.auth.login("victim", PW, "10.0.0.1")
    assert "locked by the sysop" in str(right.value) and "spamming" in str(right.value)
    status = await rig.auth.account_status("Victim")
    assert status is not None and status[2] is True


async def test_sign_ups_per_address_per_hour(rig: Rig) -> None:
    await rig.auth.register("first1", PW, "10.0.0.7")
    await rig.auth.register("second2", PW, "10.0.0.7")
    with pytest.raises(ValidationError, match="Too many new accounts"):
        rig.auth.check_signup("10.0.0.7")
    with pytest.raises(ValidationError, match="Too many new accounts"):
        await rig.auth.register("third3", PW, "10.0.0.7")
    assert not await rig.users.handle_taken("third3")
    await rig.auth.register("third3", PW, "10.0.0.8")  # another address may
    rig.now[0] += 3601
    await rig.auth.register("fourth4", PW, "10.0.0.7")


async def test_ten_thousand_guesses_from_one_address_hash_a_handful_while_others_log_in(
    db_url: str,
) -> None:
    """Real sleeps: 10,000 wrong passwords fired at once from one address, and a legitimate
    login from another address meanwhile."""
    r = await make_rig(db_url, real_sleep=True, lock_failures=10_000)
    try:
        await r.users.register("other", PW, first_call=False)
        before = r.auth.hashes

        async def guess(i: int) -> str:
            try:
                await r.auth.login("victim", f"Guess-{i}-Secret", "10.9.9.9")
            except LoginThrottled:
                return "throttled"
            except AuthFailed:
                return "wrong"
            return "ok"

        attack = [asyncio.ensure_future(guess(i)) for i in range(10_000)]
        await asyncio.sleep(0)  # the attack is under way
        t0 = time.monotonic()
        result = await r.auth.login("other", PW, "10.1.1.1")
        took = time.monotonic() - t0
        outcomes = await asyncio.gather(*attack)
        assert result.user.handle == "other"
        assert took < 1.0, f"a legitimate login took {took:.2f} s during the attack"
        assert "ok" not in outcomes
        assert outcomes.count("throttled") >= 9_990
        hashed = r.auth.hashes - before - 1  # minus the legitimate login
        assert hashed <= 6, f"{hashed} guesses were hashed"
    finally:
        await r.db.dispose()

"""Logging in and signing up, as every transport does it: throttled, lockable, ban-aware.

One `LoginService` is shared by telnet (the login screen), SSH (password auth) and later
transports, so an attacker gains nothing by switching between them:
- per address: recent failures make each further attempt wait longer (0.5 s doubling up to
  30 s) before its password is even hashed, attempts from one address are checked one at a
  time (a few may wait; more are refused at once), and a distrusted address only ever gets
  one of the hashing slots;
- per handle (existing or not, so a lock says nothing about which handles exist): after
  `lock_failures` wrong passwords the handle is locked for `lock_minutes`; on a real account
  the lock and the count are stored, and the owner is told at their next login;
- the same message, and the same hashing work, for an unknown handle and a wrong password;
- a sysop's lock or a handle ban is only revealed to whoever knows the password.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import UserRow, utc, utcnow
from retroboard.domain.errors import AuthFailed, ValidationError
from retroboard.domain.throttle import FailureLog, HourlyQuota, delay_for
from retroboard.domain.users import Level, User
from retroboard.services.guard import ConnectionGuard, ban_text, normalise_address
from retroboard.services.passwords import Passwords
from retroboard.services.users import LoginResult, UserService

WRONG = "Wrong handle or password."
HANDLE_MAX_KEY = 40  # longer "handles" are cut before they are used as a throttle key
ADDRESS_WINDOW = 900.0  # seconds over which an address's failures count
MAX_WAITING_PER_ADDRESS = 3  # attempts from one address that may queue behind the one checked


class AccountLocked(AuthFailed):
    """The handle is locked (too many failures, the sysop, or a ban); the text says which."""


class LoginThrottled(AuthFailed):
    """Too many attempts at once from one address; nothing was checked."""


@dataclass(frozen=True)
class LoginPolicy:
    lock_failures: int = 10
    lock_minutes: int = 15
    registrations_per_hour: int = 3
    guests: bool = False  # GUEST logs in as a fresh guest account (a demo board)


class _Lane:
    """Attempts from one address, checked one at a time."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class LoginService:
    """Every method is one unit of work; errors are domain errors with user-fit messages."""

    def __init__(
        self,
        db: Database,
        passwords: Passwords,
        bus: EventBus,
        users: UserService,
        guard: ConnectionGuard,
        policy: LoginPolicy = LoginPolicy(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._db = db
        self._pw = passwords
        self._bus = bus
        self._users = users
        self._guard = guard
        self.policy = policy
        self._clock = clock
        self._sleep = sleep
        self._by_address = FailureLog(ADDRESS_WINDOW)
        self._by_handle = FailureLog(policy.lock_minutes * 60.0)
        self._locked_until: dict[str, float] = {}  # handle key -> clock time
        self._lanes: dict[str, _Lane] = {}
        self._signups = HourlyQuota(policy.registrations_per_hour)

    @property
    def hashes(self) -> int:
        """Password hashes computed so far (verifications and new hashes)."""
        return self._pw.hashes

    # ---- logging in -----------------------------------------------------------------------
    async def login(self, handle: str, password: str, address: str) -> LoginResult:
        """Check a handle and password from `address`; record the login.

        Returns a LoginResult. Raises AuthFailed (wrong handle or password), AccountLocked
        (temporarily locked after failures, locked by the sysop, or banned), LoginThrottled
        (too many attempts at once from this address). May wait up to 30 s first when the
        address has failed recently.
        """
        address = normalise_address(address)
        key = handle.strip().lower()[:HANDLE_MAX_KEY]
        ban = self._guard.ban_for_address(address)
        if ban is not None:
            raise AccountLocked(ban_text(self._guard.board_name, ban))
        self._check_temporary_lock(key)
        lane = self._lanes.get(address)
        if lane is None:
            lane = self._lanes[address] = _Lane()
        if lane.users > MAX_WAITING_PER_ADDRESS:
            raise LoginThrottled(
                "Too many login attempts from your address at once. Please wait a minute."
            )
        lane.users += 1
        try:
            async with lane.lock:
                return await self._check(key, password, address)
        finally:
            lane.users -= 1
            if lane.users == 0:
                self._lanes.pop(address, None)

    def _check_temporary_lock(self, key: str) -> None:
        until = self._locked_until.get(key)
        if until is None:
            return
        left = until - self._clock()
        if left <= 0:
            del self._locked_until[key]
            return
        raise AccountLocked(_locked_text(left))

    async def _check(self, key: str, password: str, address: str) -> LoginResult:
        failures = self._by_address.count(address, self._clock())
        delay = delay_for(failures)
        if delay:
            await self._sleep(delay)
        self._check_temporary_lock(key)  # it may have been locked while this one waited
        async with self._db.read() as s:
            row = await s.scalar(select(UserRow).where(UserRow.handle_key == key))
        if row is not None and row.lock_until is not None:
            left = (utc(row.lock_until) - utcnow()).total_seconds()  # type: ignore[operator]
            if left > 0:
                self._locked_until[key] = self._clock() + left
                raise AccountLocked(_locked_text(left))
        stored = row.password_hash if row is not None else None
        ok = await self._pw.verify(stored, password, trusted=failures < 3)
        if not ok or row is None:
            await self._failed(key, address, row)
            raise AuthFailed(WRONG)
        if row.locked:
            why = f" ({row.locked_reason})" if row.locked_reason else ""
            raise AccountLocked(f"This account is locked by the sysop{why}.")
        ban = self._guard.ban_for_handle(key)
        if ban is not None:
            raise AccountLocked(ban_text(self._guard.board_name, ban))
        return await self._succeeded(key, row, password)

    async def _failed(self, key: str, address: str, row: UserRow | None) -> None:
        now = self._clock()
        self._by_address.add(address, now)
        count = self._by_handle.add(key, now)
        lock = count >= self.policy.lock_failures
        if lock:
            self._locked_until[key] = now + self.policy.lock_minutes * 60.0
            self._by_handle.clear(key)
            if len(self._locked_until) > 20000:  # bounded: forget the oldest lock
                self._locked_until.pop(next(iter(self._locked_until)))
        if row is None:
            return
        values: dict[str, object] = {
            "failed_logins": UserRow.failed_logins + 1,
            "last_failed_at": utcnow(),
        }
        if lock:
            values["lock_until"] = utcnow() + timedelta(minutes=self.policy.lock_minutes)
        async with self._db.write() as s:
            await s.execute(update(UserRow).where(UserRow.id == row.id).values(**values))

    async def _succeeded(self, key: str, row: UserRow, password: str) -> LoginResult:
        self._by_handle.clear(key)
        return await self._users.record_login(row.id, password, row.password_hash)

    async def guest_login(self, address: str) -> LoginResult:
        """Log in as GUEST from `address` on a board with guest logins (a demo board): a
        fresh guest account (guest1, guest2, ...), no password, no registration.

        Returns the LoginResult. Raises AuthFailed when the board has no guest logins,
        AccountLocked when the address is banned, ValidationError when the board has made
        its last guest account (UserService.GUESTS_MAX).
        """
        if not self.policy.guests:
            raise AuthFailed("There are no guest logins on this board. Type NEW to join.")
        ban = self._guard.ban_for_address(normalise_address(address))
        if ban is not None:
            raise AccountLocked(ban_text(self._guard.board_name, ban))
        return LoginResult(await self._users.new_guest())

    # ---- signing up -----------------------------------------------------------------------
    def check_signup(self, address: str) -> None:
        """Raise ValidationError when `address` has made its hourly quota of new accounts."""
        if not self._signups.allowed(normalise_address(address), self._clock()):
            raise ValidationError(
                "Too many new accounts from your address this hour. Please call again later."
            )

    async def register(
        self,
        handle: str,
        password: str,
        address: str,
        *,
        real_name: str = "",
        location: str = "",
    ) -> User:
        """Create an account for a caller at `address` (counted against its hourly quota).

        Returns the new User. Raises ValidationError (a rule, or the quota) or Conflict.
        """
        address = normalise_address(address)
        self.check_signup(address)
        if self._guard.ban_for_handle(handle.strip().lower()) is not None:
            raise ValidationError(f"'{handle.strip()[:20]}' is not available; pick another.")
        user = await self._users.register(
            handle, password, real_name=real_name, location=location, level=Level.USER
        )
        self._signups.note(address, self._clock())
        return user

    async def account_status(self, handle: str) -> tuple[int, int, bool, str] | None:
        """(user id, level, may not log in, the sysop's reason) for a handle; None when there
        is no such account. `may not log in` covers a sysop's lock and a handle ban."""
        key = handle.strip().lower()[:HANDLE_MAX_KEY]
        async with self._db.read() as s:
            row = (
                await s.execute(
                    select(UserRow.id, UserRow.level, UserRow.locked, UserRow.locked_reason).where(
                        UserRow.handle_key == key
                    )
                )
            ).first()
        if row is None:
            return None
        if row.locked:
            return row.id, row.level, True, row.locked_reason
        ban = self._guard.ban_for_handle(key)
        if ban is not None:
            return row.id, row.level, True, f"banned: {ban.reason}" if ban.reason else "banned"
        return row.id, row.level, False, ""

    def stats(self) -> dict[str, int]:
        return {
            "password_hashes": self._pw.hashes,
            "addresses_failing": len(self._by_address),
            "handles_locked": len(self._locked_until),
        }


def _locked_text(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed logins for this handle. It is locked; try again in {minutes} {unit}."


__all__ = ["LoginPolicy", "LoginResult", "LoginService"]

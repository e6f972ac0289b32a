"""Accounts: register, authenticate, look up, list; the sysop's level, password, lock, delete."""

from __future__ import annotations

import builtins
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import (
    ArticleRow,
    CallRow,
    DraftRow,
    GroupRow,
    IgnoreRow,
    LetterRecipientRow,
    LetterRow,
    OneLinerRow,
    SubscriptionRow,
    UserRow,
    utc,
    utcnow,
)
from retroboard.domain.community import ABOUT_MAX, Profile
from retroboard.domain.errors import (
    AuthFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from retroboard.domain.events import UserChanged, UserLoggedIn, UserRegistered
from retroboard.domain.modem import is_speed
from retroboard.domain.text import sanitize
from retroboard.domain.users import (
    CHARSETS,
    EDITORS,
    LOCATION_MAX,
    REAL_NAME_MAX,
    Level,
    User,
    check_handle,
    check_password,
)
from retroboard.services.passwords import Passwords

log = logging.getLogger(__name__)

DELETED_AUTHOR = "(deleted user)"  # what a deleted account's articles show as their author
LOCK_REASON_MAX = 200
MEMBERS_PAGE_MAX = 200  # the most members one `members` call returns
SEARCH_MAX = 40  # the longest user-list search text
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread on the phone
TEMPORARY_LENGTH = 12
NO_PASSWORD = "!"  # a password hash no password matches: accounts nobody logs in to by password
GUEST_PREFIX = "guest"  # guest accounts are guest1, guest2, ...
GUESTS_MAX = 999  # guest accounts a demo board makes before `retroboard demo --reset`


@dataclass(frozen=True, slots=True)
class AccountLock:
    """An account's lock state, for the sysop's listing (not part of what screens see)."""

    locked: bool  # locked by the sysop: no logins until `user unlock`
    reason: str
    lock_until: datetime | None  # a temporary lock after failed logins, while in the future
    failed_logins: int  # wrong passwords since the last good login


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the user, and what happened to the account since the last call."""

    user: User
    failed_attempts: int = 0  # wrong passwords since the last good login
    last_failed_at: datetime | None = None
    was_locked: bool = False  # the account was locked for failures meanwhile


def to_user(row: UserRow) -> User:
    created = utc(row.created_at)
    assert created is not None
    return User(
        id=row.id,
        handle=row.handle,
        level=Level(row.level),
        real_name=row.real_name,
        location=row.location,
        created_at=created,
        last_login_at=utc(row.last_login_at),
        login_count=row.login_count,
        editor=row.editor,
        charset=row.charset,
        skin=row.skin or "",
        expert=bool(row.expert),
        do_not_disturb=bool(row.do_not_disturb),
        show_real_name=bool(row.show_real_name),
        about=row.about or "",
        must_change_password=bool(row.must_change_password),
        bps=row.bps,
        guest=bool(row.guest),
    )


def _clean_field(value: str, limit: int) -> str:
    return sanitize(value, multiline=False).strip()[:limit]


class UserService:
    """Every method is one unit of work; errors are domain errors with user-fit messages."""

    def __init__(
        self,
        db: Database,
        passwords: Passwords,
        bus: EventBus,
        default_groups: tuple[str, ...] = (),
    ) -> None:
        self._db = db
        self._pw = passwords
        self._bus = bus
        self._default_groups = default_groups  # a new account starts subscribed to these

    def check_new_handle(self, handle: str, *, staff: bool = False) -> str:
        """Validate a handle's form (not its availability). Raises ValidationError.

        `staff`: the account is made at moderator level or above (by the sysop), so it may
        carry a staff-looking handle such as "sysop2"; callers signing up never are."""
        try:
            return check_handle(handle, staff=staff)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    async def handle_taken(self, handle: str) -> bool:
        async with self._db.read() as s:
            found = await s.scalar(select(UserRow.id).where(UserRow.handle_key == handle.lower()))
            return found is not None

    async def register(
        self,
        handle: str,
        password: str,
        *,
        real_name: str = "",
        location: str = "",
        level: Level = Level.USER,
        first_call: bool = True,
    ) -> User:
        """Create an account in one transaction. Raises ValidationError or Conflict.

        `first_call`: the caller is online now (registering counts as their first call); a
        sysop creating an account from the command line passes False. Staff-looking handles
        are only accepted for accounts made at moderator level or above.
        """
        handle = self.check_new_handle(handle, staff=level >= Level.MODERATOR)
        try:
            check_password(password, handle)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        password_hash = await self._pw.hash(password)
        row = UserRow(
            handle=handle,
            handle_key=handle.lower(),
            password_hash=password_hash,
            level=int(level),
            real_name=_clean_field(real_name, REAL_NAME_MAX),
            location=_clean_field(location, LOCATION_MAX),
            created_at=utcnow(),
            last_login_at=utcnow() if first_call else None,
            login_count=1 if first_call else 0,
        )
        try:
            async with self._db.write() as s:
                s.add(row)
                await s.flush()
                await self._subscribe_defaults(s, row.id)
        except IntegrityError:
            raise Conflict(f"The handle '{handle}' is taken.") from None
        user = replace(to_user(row), last_login_at=None)  # no call before this one
        self._bus.publish(UserRegistered(user.id, user.handle))
        return user

    async def _subscribe_defaults(self, s: AsyncSession, user_id: int) -> None:
        """Subscribe a new account to the board's default groups (those that exist)."""
        if not self._default_groups:
            return
        ids = await s.scalars(select(GroupRow.id).where(GroupRow.name.in_(self._default_groups)))
        s.add_all(
            SubscriptionRow(user_id=user_id, group_id=g, subscribed=True, read_ranges="")
            for g in ids
        )

    async def add_member(
        self, handle: str, *, real_name: str = "", location: str = "", level: Level = Level.USER
    ) -> User:
        """Create an account nobody can log in to with a password (the demo board's period
        authors and regulars): the handle rules of `register` hold, the name and location are
        cleaned and cut like a registration's. Returns the User. Raises ValidationError or
        Conflict (the handle is taken)."""
        handle = self.check_new_handle(handle, staff=level >= Level.MODERATOR)
        row = UserRow(
            handle=handle,
            handle_key=handle.lower(),
            password_hash=NO_PASSWORD,
            level=int(level),
            real_name=_clean_field(real_name, REAL_NAME_MAX),
            location=_clean_field(location, LOCATION_MAX),
            created_at=utcnow(),
            login_count=0,
        )
        try:
            async with self._db.write() as s:
                s.add(row)
        except IntegrityError:
            raise Conflict(f"The handle '{handle}' is taken.") from None
        return to_user(row)

    async def new_guest(self) -> User:
        """A fresh guest account for one guest login: the first free handle of guest1,
        guest2, ... (users.guest true, user level, no password), its login counted. Each
        guest login gets its own account, so a class can be told apart in who's online.
        Returns the User (with no previous call). Raises ValidationError when GUESTS_MAX
        guest accounts exist."""
        async with self._db.read() as s:
            made = int(await s.scalar(select(func.count(UserRow.id)).where(UserRow.guest)) or 0)
        if made >= GUESTS_MAX:
            raise ValidationError(
                "Every guest account is in use; the sysop can reset the demo board."
            )
        number = made + 1
        while True:
            handle = f"{GUEST_PREFIX}{number}"
            row = UserRow(
                handle=handle,
                handle_key=handle,
                password_hash=NO_PASSWORD,
                level=int(Level.USER),
                created_at=utcnow(),
                last_login_at=utcnow(),
                login_count=1,
                guest=True,
            )
            try:
                async with self._db.write() as s:
                    s.add(row)
                    await s.flush()
                    await self._subscribe_defaults(s, row.id)
            except IntegrityError:  # taken (a member called guest7, or a guest at once)
                number += 1
                if number > GUESTS_MAX + 1000:
                    raise ValidationError("No guest handle is free.") from None
                continue
            user = replace(to_user(row), last_login_at=None)
            self._bus.publish(UserLoggedIn(user.id, user.handle))
            return user

    async def authenticate(self, handle: str, password: str) -> User:
        """Check a handle and password and record the login, with no throttling or locks.
        Raises AuthFailed. Callers (telnet, SSH) log in through auth.LoginService.login,
        which throttles and then records the login with `record_login`."""
        async with self._db.read() as s:
            row = await s.scalar(
                select(UserRow).where(UserRow.handle_key == handle.strip().lower())
            )
        stored = row.password_hash if row else None
        if not await self._pw.verify(stored, password) or row is None:
            raise AuthFailed("Wrong handle or password.")
        return (await self.record_login(row.id, password, row.password_hash)).user

    async def record_login(self, user_id: int, password: str, stored_hash: str) -> LoginResult:
        """A correct password was given: count the call, clear failed logins and any
        temporary lock, upgrade the hash if its parameters are old. Returns the user (with
        the *previous* call's time, which is what screens show) and what happened to the
        account since then. Raises AuthFailed if the account vanished meanwhile."""
        new_hash = await self._pw.hash(password) if self._pw.needs_rehash(stored_hash) else None
        async with self._db.write() as s:
            fresh = await s.get(UserRow, user_id)
            if fresh is None:
                raise AuthFailed("Wrong handle or password.")
            result = LoginResult(
                replace(to_user(fresh), last_login_at=utc(fresh.last_login_at)),
                fresh.failed_logins,
                utc(fresh.last_failed_at),
                fresh.lock_until is not None,
            )
            fresh.last_login_at = utcnow()
            fresh.login_count += 1
            fresh.failed_logins = 0
            fresh.lock_until = None
            if new_hash:
                fresh.password_hash = new_hash
            result = replace(result, user=replace(result.user, login_count=fresh.login_count))
        self._bus.publish(UserLoggedIn(result.user.id, result.user.handle))
        return result

    async def get(self, handle: str) -> User:
        async with self._db.read() as s:
            row = await s.scalar(
                select(UserRow).where(UserRow.handle_key == handle.strip().lower())
            )
            if row is None:
                raise NotFound(f"No user called '{handle}'.")
            return to_user(row)

    async def get_by_id(self, user_id: int) -> User:
        async with self._db.read() as s:
            row = await s.get(UserRow, user_id)
            if row is None:
                raise NotFound("No such user.")
            return to_user(row)

    async def list_with_locks(self) -> list[tuple[User, AccountLock]]:
        """Every account by handle, each with its lock state (for `retroboard user list`)."""
        async with self._db.read() as s:
            rows = await s.scalars(select(UserRow).order_by(UserRow.handle_key))
            return [
                (
                    to_user(r),
                    AccountLock(
                        locked=bool(r.locked),
                        reason=r.locked_reason,
                        lock_until=utc(r.lock_until),
                        failed_logins=r.failed_logins,
                    ),
                )
                for r in rows
            ]

    async def list(self) -> list[User]:
        async with self._db.read() as s:
            rows = await s.scalars(select(UserRow).order_by(UserRow.handle_key))
            return [to_user(r) for r in rows]

    async def count(self) -> int:
        async with self._db.read() as s:
            return int(await s.scalar(select(func.count(UserRow.id))) or 0)

    async def _change(self, handle: str, apply: Callable[[UserRow], None]) -> User:
        """Apply `apply` to the account's row in one unit of work, then publish UserChanged."""
        async with self._db.write() as s:
            row = await s.scalar(
                select(UserRow).where(UserRow.handle_key == handle.strip().lower())
            )
            if row is None:
                raise NotFound(f"No user called '{handle.strip()[:20]}'.")
            apply(row)
            user = to_user(row)
            event = UserChanged(
                row.id,
                row.handle,
                int(row.level),
                bool(row.locked),
                row.locked_reason if row.locked else "",
            )
        self._bus.publish(event)
        return user

    async def set_level(self, handle: str, level: Level) -> User:
        """Change an account's level; running sessions follow (UserChanged).

        Returns the changed User. Raises NotFound for an unknown handle.
        """

        def apply(row: UserRow) -> None:
            row.level = int(level)

        return await self._change(handle, apply)

    async def set_password(self, handle: str, password: str) -> User:
        """Give an account a new password (the sysop's reset).

        Returns the User. Raises ValidationError for a password the rules refuse, NotFound
        for an unknown handle.
        """
        user = await self.get(handle)
        try:
            check_password(password, user.handle)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        password_hash = await self._pw.hash(password)

        def apply(row: UserRow) -> None:
            row.password_hash = password_hash
            row.must_change_password = False

        return await self._change(handle, apply)

    async def reset_password(self, handle: str) -> tuple[User, str]:
        """Give an account a temporary password its owner must replace at the next login.

        Returns the User and the temporary password (for the sysop to pass on). Raises
        NotFound for an unknown handle.
        """
        user = await self.get(handle)
        while True:
            temporary = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))
            try:
                check_password(temporary, user.handle)
                break
            except ValueError:
                continue
        password_hash = await self._pw.hash(temporary)

        def apply(row: UserRow) -> None:
            row.password_hash = password_hash
            row.must_change_password = True

        return await self._change(handle, apply), temporary

    def _check_new_password(self, new: str, handle: str) -> None:
        try:
            check_password(new, handle)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    async def change_password(self, user_id: int, old: str, new: str) -> User:
        """A member changes their own password; `old` must be their current one.

        A wrong `old` counts as a failed login (the owner is told at their next login, as
        after wrong passwords at the login prompt). Returns the User. Raises AuthFailed for
        a wrong `old`, ValidationError for a `new` the registration rules refuse or equal to
        `old`, NotFound for no such user.
        """
        async with self._db.read() as s:
            row = await s.get(UserRow, user_id)
            if row is None:
                raise NotFound("No such user.")
            handle, stored = row.handle, row.password_hash
        if not await self._pw.verify(stored, old):
            async with self._db.write() as s:
                await s.execute(
                    update(UserRow)
                    .where(UserRow.id == user_id)
                    .values(failed_logins=UserRow.failed_logins + 1, last_failed_at=utcnow())
                )
            raise AuthFailed("That is not your current password.")
        if new == old:
            raise ValidationError("The new password must differ from the old one.")
        self._check_new_password(new, handle)
        return await self._store_own_password(user_id, new)

    async def choose_password(self, user_id: int, new: str) -> User:
        """The new password of a member whose password the sysop reset (must_change_password).

        Returns the User, no longer bound to change it. Raises PermissionDenied when the
        account was not reset, ValidationError for a `new` the registration rules refuse,
        NotFound for no such user.
        """
        user = await self.get_by_id(user_id)
        if not user.must_change_password:
            raise PermissionDenied("Your password was not reset; change it in your settings.")
        self._check_new_password(new, user.handle)
        return await self._store_own_password(user_id, new)

    async def _store_own_password(self, user_id: int, new: str) -> User:
        password_hash = await self._pw.hash(new)
        async with self._db.write() as s:
            row = await s.get(UserRow, user_id)
            if row is None:
                raise NotFound("No such user.")
            row.password_hash = password_hash
            row.must_change_password = False
            return to_user(row)

    async def lock(self, handle: str, reason: str = "") -> User:
        """Lock an account: it may not log in, and its running sessions are hung up.

        `reason` (one line, at most 200 characters) is shown to its owner. Returns the User.
        Raises NotFound for an unknown handle.
        """
        reason = sanitize(reason, multiline=False).strip()[:LOCK_REASON_MAX]

        def apply(row: UserRow) -> None:
            row.locked = True
            row.locked_reason = reason

        return await self._change(handle, apply)

    async def unlock(self, handle: str) -> User:
        """Lift the sysop's lock and any temporary lock after failed logins (count reset too).

        Returns the User. Raises NotFound for an unknown handle.
        """

        def apply(row: UserRow) -> None:
            row.locked = False
            row.locked_reason = ""
            row.lock_until = None
            row.failed_logins = 0

        return await self._change(handle, apply)

    async def delete(self, handle: str) -> int:
        """Delete an account for good: its subscriptions, draft and copies of letters go, its
        articles, the letters it sent, its calls and its one-liners stay.

        The articles keep their place in every thread with the author "(deleted user)" (no
        real name, no link to an account). Running sessions of the account are hung up
        (UserChanged with level None). Returns how many articles were kept. Raises NotFound
        for an unknown handle.
        """
        async with self._db.write() as s:
            row = await s.scalar(
                select(UserRow).where(UserRow.handle_key == handle.strip().lower())
            )
            if row is None:
                raise NotFound(f"No user called '{handle.strip()[:20]}'.")
            user_id, shown = row.id, row.handle
            kept = await s.execute(
                update(ArticleRow)
                .where(ArticleRow.author_id == user_id)
                # SQLite's full-text trigger re-indexes it under the new author (0004).
                # The stored overview named the old author: NULL, made again when served.
                .values(
                    author=DELETED_AUTHOR,
                    author_name="",
                    author_id=None,
                    overview_head=None,
                    overview_tail=None,
                    overview_octets=None,
                )
                .execution_options(synchronize_session=False)
            )
            await s.execute(delete(SubscriptionRow).where(SubscriptionRow.user_id == user_id))
            await s.execute(delete(DraftRow).where(DraftRow.user_id == user_id))
            # Mail: the account's copies of letters go; letters it sent stay with the others,
            # under the handle they were sent with; the twit filter forgets it both ways.
            await s.execute(delete(LetterRecipientRow).where(LetterRecipientRow.user_id == user_id))
            await s.execute(
                update(LetterRow)
                .where(LetterRow.sender_id == user_id)
                .values(sender_id=None, sender_deleted=True)
                .execution_options(synchronize_session=False)
            )
            await s.execute(
                delete(IgnoreRow).where(
                    or_(IgnoreRow.user_id == user_id, IgnoreRow.ignored_id == user_id)
                )
            )
            # Its calls (last callers) and one-liners stay, under the handle, unlinked.
            for table in (CallRow, OneLinerRow):
                await s.execute(
                    update(table)
                    .where(table.user_id == user_id)
                    .values(user_id=None)
                    .execution_options(synchronize_session=False)
                )
            await s.execute(delete(UserRow).where(UserRow.id == user_id))
        self._bus.publish(UserChanged(user_id, shown, None, True, "Your account was removed."))
        return int(kept.rowcount or 0)  # type: ignore[attr-defined]

    async def _set(self, user_id: int, **values: str | bool | int | None) -> User:
        """Store already-checked preference columns. Raises NotFound for no such user."""
        async with self._db.write() as s:
            row = await s.get(UserRow, user_id)
            if row is None:
                raise NotFound("No such user.")
            for column, value in values.items():
                setattr(row, column, value)
            return to_user(row)

    async def set_editor(self, user_id: int, editor: str) -> User:
        if editor not in EDITORS:
            raise ValidationError(f"Unknown editor {editor!r}.")
        return await self._set(user_id, editor=editor)

    async def set_charset(self, user_id: int, charset: str) -> User:
        if charset not in CHARSETS:
            raise ValidationError(f"Unknown character set {charset!r}.")
        return await self._set(user_id, charset=charset)

    async def set_skin(self, user_id: int, skin: str) -> User:
        """Remember the user's skin ('' = the board's default). Returns the updated user.
        Raises ValidationError for a name that is not a skin name, NotFound for no such user.
        (Which skins exist is the UI's business: an unknown name falls back to the default.)"""
        if len(skin) > 16 or not all(c.isalnum() or c in "-_" for c in skin):
            raise ValidationError(f"Unknown skin {skin!r}.")
        return await self._set(user_id, skin=skin)

    async def set_bps(self, user_id: int, bps: int | None) -> User:
        """Remember the speed the user's output is paced at: one of domain.modem.MODEM_SPEEDS,
        0 (unthrottled) or None (the era's speed, else the board's). Returns the updated user.
        Raises ValidationError for any other number, NotFound for no such user."""
        if bps is not None and not is_speed(bps):
            raise ValidationError(f"Unknown modem speed {bps!r}.")
        return await self._set(user_id, bps=bps)

    async def update_profile(self, user_id: int, *, real_name: str, location: str) -> User:
        async with self._db.write() as s:
            row = await s.get(UserRow, user_id)
            if row is None:
                raise NotFound("No such user.")
            row.real_name = _clean_field(real_name, REAL_NAME_MAX)
            row.location = _clean_field(location, LOCATION_MAX)
            return to_user(row)

    async def profile(self, handle: str) -> Profile:
        """What anyone may see of a member: posts counted from their articles, calls from
        their logins, the real name only when its owner shows it. Raises NotFound."""
        async with self._db.read() as s:
            row = await s.scalar(
                select(UserRow).where(UserRow.handle_key == handle.strip().lower())
            )
            if row is None:
                raise NotFound(f"No user called '{_clean_field(handle, 20)}'.")
            posts = await s.scalar(
                select(func.count())
                .select_from(ArticleRow)
                .where(
                    ArticleRow.author_id == row.id,
                    ArticleRow.status == "posted",
                    ArticleRow.deleted.is_(False),
                )
            )
        created = utc(row.created_at)
        assert created is not None
        return Profile(
            handle=row.handle,
            location=row.location,
            member_since=created,
            calls=row.login_count,
            posts=int(posts or 0),
            last_on=utc(row.last_login_at),
            about=row.about or "",
            real_name=row.real_name if row.show_real_name else "",
            level_name=Level(row.level).name.lower(),
            bps=row.bps,
        )

    async def set_about(self, user_id: int, text: str) -> User:
        """Store the user's "about me": one paragraph (line breaks become spaces), cleaned.
        Returns the user. Raises ValidationError when over ABOUT_MAX characters."""
        about = " ".join(sanitize(text).split())
        if len(about) > ABOUT_MAX:
            raise ValidationError(
                f"'About me' is at most {ABOUT_MAX} characters (that has {len(about)})."
            )
        return await self._set(user_id, about=about)

    async def set_show_real_name(self, user_id: int, on: bool) -> User:
        """Show (or hide) the user's real name in their profile. Returns the user."""
        return await self._set(user_id, show_real_name=bool(on))

    async def set_do_not_disturb(self, user_id: int, on: bool) -> User:
        """Refuse (or accept) pages. Returns the user."""
        return await self._set(user_id, do_not_disturb=bool(on))

    async def set_expert(self, user_id: int, on: bool) -> User:
        """Skip (or show) the logon sequence. Returns the user."""
        return await self._set(user_id, expert=bool(on))

    async def members(
        self, search: str = "", offset: int = 0, limit: int = 50
    ) -> builtins.list[User]:
        """Members by handle, for the user list: those whose handle or location contains
        `search` (case-insensitive; '' = everyone), `limit` (at most MEMBERS_PAGE_MAX) from
        `offset`. Raises ValidationError for a search over SEARCH_MAX characters."""
        needle = " ".join(sanitize(search, multiline=False).split()).lower()
        if len(needle) > SEARCH_MAX:
            raise ValidationError(f"A search is at most {SEARCH_MAX} characters.")
        q = select(UserRow).order_by(UserRow.handle_key)
        if needle:
            pattern = (
                "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            q = q.where(
                UserRow.handle_key.like(pattern, escape="\\")
                | func.lower(UserRow.location).like(pattern, escape="\\")
            )
        q = q.offset(max(0, offset)).limit(max(0, min(limit, MEMBERS_PAGE_MAX)))
        async with self._db.read() as s:
            return [to_user(r) for r in await s.scalars(q)]

"""The twit filter: whom each member ignores, stored in `ignores` and cached for delivery checks.

Pages, chat lines and letters from someone a member ignores are kept from that member; those
services ask `is_ignoring` (or, where they cannot wait, read `cached`) before delivering.
The cache lives in this process: one small frozenset per member asked about (the empty set
is shared), bounded by the number of accounts, replaced here after every change committed.
A board of several processes would also have to tell the others to drop their copy (an
event on the bus backend); today there is one process.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, and_, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.fastpath import Prepared
from retroboard.db.tables import IgnoreRow, UserRow
from retroboard.domain.errors import Conflict, NotFound, ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.users import HANDLE_MAX, User

IGNORES_MAX = 200  # handles one member may ignore
_EMPTY: frozenset[int] = frozenset()
_IGNORES = cast(Table, IgnoreRow.__table__)
# whom a member ignores, on the fast path (the first chat join or page of each member asks)
_IGNORED_IDS = Prepared(
    select(_IGNORES.c.ignored_id).where(_IGNORES.c.user_id == bindparam("user_id"))
)


def _clean_handle(handle: str) -> str:
    text = sanitize(handle, multiline=False).strip().lstrip("@")
    if not text:
        raise ValidationError("Whom? Give a handle.")
    if len(text) > HANDLE_MAX:
        raise NotFound(f"No user called '{text[:HANDLE_MAX]}...'.")
    return text


class IgnoreService:
    """ignore / unignore / ignored for a member; is_ignoring and cached for delivery checks."""

    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus
        self._cache: dict[int, frozenset[int]] = {}

    async def _load(self, s: AsyncSession, user_id: int) -> frozenset[int]:
        rows = await s.scalars(select(IgnoreRow.ignored_id).where(IgnoreRow.user_id == user_id))
        ids = frozenset(rows.all())
        return ids or _EMPTY

    async def ignored_ids(self, user_id: int) -> frozenset[int]:
        """The ids `user_id` ignores (from the cache; loaded from the database once)."""
        found = self._cache.get(user_id)
        if found is None:
            rows = await self._db.fetch(_IGNORED_IDS, {"user_id": user_id})
            found = frozenset(r.ignored_id for r in rows) or _EMPTY
            self._cache[user_id] = found
        return found

    async def is_ignoring(self, user_id: int, other_id: int) -> bool:
        """True when `user_id` ignores `other_id`: what `other_id` sends is kept from them."""
        return other_id in await self.ignored_ids(user_id)

    def cached(self, user_id: int) -> frozenset[int] | None:
        """The ids `user_id` ignores if the cache holds them (after `ignored_ids`), else None;
        never waits (for delivery checks inside a bus listener)."""
        return self._cache.get(user_id)

    async def ignored(self, user: User) -> list[str]:
        """The handles `user` ignores, in alphabetical order."""
        async with self._db.read() as s:
            rows = await s.scalars(
                select(UserRow.handle)
                .join(IgnoreRow, IgnoreRow.ignored_id == UserRow.id)
                .where(IgnoreRow.user_id == user.id)
                .order_by(UserRow.handle_key)
            )
            return list(rows.all())

    async def ignore(self, user: User, handle: str) -> str:
        """Ignore the member `handle` from now on. Returns their handle as they spell it.

        Raises ValidationError for an empty handle, yourself, or more than IGNORES_MAX;
        NotFound for a handle nobody has; Conflict when `user` already ignores them."""
        wanted = _clean_handle(handle)
        async with self._db.write() as s:
            other = await s.scalar(select(UserRow).where(UserRow.handle_key == wanted.lower()))
            if other is None:
                raise NotFound(f"No user called '{wanted}'.")
            if other.id == user.id:
                raise ValidationError("You cannot ignore yourself.")
            ids = await self._load(s, user.id)
            if other.id in ids:
                raise Conflict(f"You are already ignoring {other.handle}.")
            if len(ids) >= IGNORES_MAX:
                raise ValidationError(f"You can ignore at most {IGNORES_MAX} members.")
            s.add(IgnoreRow(user_id=user.id, ignored_id=other.id))
            found = other.handle
        self._cache[user.id] = ids | {other.id}
        return found

    async def unignore(self, user: User, handle: str) -> str:
        """Stop ignoring the member `handle`. Returns their handle as they spell it.

        Raises ValidationError for an empty handle; NotFound for a handle nobody has or one
        `user` does not ignore."""
        wanted = _clean_handle(handle)
        async with self._db.write() as s:
            other = await s.scalar(select(UserRow).where(UserRow.handle_key == wanted.lower()))
            if other is None:
                raise NotFound(f"No user called '{wanted}'.")
            gone = await s.execute(
                delete(IgnoreRow).where(
                    and_(IgnoreRow.user_id == user.id, IgnoreRow.ignored_id == other.id)
                )
            )
            if not gone.rowcount:  # type: ignore[attr-defined]
                raise NotFound(f"You are not ignoring {other.handle}.")
            ids = await self._load(s, user.id)
            found = other.handle
        self._cache[user.id] = ids
        return found

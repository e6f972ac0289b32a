"""Calls: each login recorded (node, transport), the last-callers list, "since your last call"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import CallRow, UserRow, utc, utcnow
from retroboard.domain.community import LAST_CALLERS_SHOWN, Call, SinceLastCall
from retroboard.domain.users import LOCATION_MAX, User
from retroboard.services.groups import GroupService
from retroboard.services.mail import MailService

LAST_MAX = 100  # the most a caller may ask `last` for


def _call(row: CallRow) -> Call:
    at = utc(row.at)
    assert at is not None
    return Call(row.handle, row.location, at, row.node, row.transport)


class CallService:
    """One unit of work per method. `groups` and `mail` answer the since-last-call summary's
    unread articles and new letters."""

    def __init__(
        self,
        db: Database,
        bus: EventBus,
        groups: GroupService,
        mail: MailService,
    ) -> None:
        self._db = db
        self._bus = bus
        self._groups = groups
        self._mail = mail

    async def record(self, user: User, node: int, transport: str) -> Call:
        """Record a login by `user` on `node` over `transport` (telnet, ssh...). Returns it.
        The location is the account's at this moment."""
        async with self._db.write() as s:
            location = await s.scalar(select(UserRow.location).where(UserRow.id == user.id))
            row = CallRow(
                user_id=user.id,
                handle=user.handle,
                location=(location if location is not None else user.location)[:LOCATION_MAX],
                node=node,
                transport=transport[:8],
                at=utcnow(),
            )
            s.add(row)
        return _call(row)

    async def last(self, n: int = LAST_CALLERS_SHOWN) -> list[Call]:
        """The newest `n` calls (at most LAST_MAX), newest first."""
        n = max(0, min(n, LAST_MAX))
        async with self._db.read() as s:
            rows = await s.scalars(select(CallRow).order_by(CallRow.id.desc()).limit(n))
            return [_call(r) for r in rows]

    async def callers_since(self, when: datetime, *, except_user: User | None = None) -> int:
        """How many calls were made after `when`, not counting `except_user`'s own."""
        q = select(func.count()).select_from(CallRow).where(CallRow.at > when)
        if except_user is not None:
            q = q.where((CallRow.user_id != except_user.id) | CallRow.user_id.is_(None))
        async with self._db.read() as s:
            return int(await s.scalar(q) or 0)

    async def since_last_call(self, user: User, previous_login: datetime | None) -> SinceLastCall:
        """What waits for the user: unread articles in their subscribed groups (the newsrc's
        exact counts), unread letters, and other callers since `previous_login` (all calls
        by others when None: a first call)."""
        groups = await self._groups.selector(user, subscribed_only=True)
        articles = sum(g.unread for g in groups)
        letters = await self._mail.unread_count(user)
        since = previous_login or datetime.min.replace(tzinfo=utcnow().tzinfo)
        callers = await self.callers_since(since, except_user=user)
        return SinceLastCall(new_articles=articles, new_letters=letters, callers=callers)

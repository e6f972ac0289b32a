"""Groups: create and list them, subscriptions, unread counts, catch-up (the group selector)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import GroupRow, SubscriptionRow, utcnow
from retroboard.domain.boards import Group, GroupStatus, Policy
from retroboard.domain.errors import Conflict, ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import UsenetRuleError, validate_group_name
from retroboard.domain.users import Level, User
from retroboard.services.board_common import (
    check_read,
    group_row,
    subscription,
    to_group,
    unread_count,
    visible_groups,
)

DESCRIPTION_MAX = 200


class GroupService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    async def create(
        self,
        name: str,
        description: str = "",
        policy: Policy = Policy.OPEN,
        read_level: Level = Level.USER,
        post_level: Level | None = None,
    ) -> Group:
        """Add a group. Raises ValidationError for a bad Usenet name, Conflict if it exists."""
        try:
            name = validate_group_name(name)
        except UsenetRuleError as exc:
            raise ValidationError(str(exc)) from None
        description = sanitize(description, multiline=False).strip()
        if len(description) > DESCRIPTION_MAX:
            raise ValidationError(f"A description is at most {DESCRIPTION_MAX} characters.")
        if post_level is None:
            post_level = Level.MODERATOR if policy == Policy.READ_ONLY else Level.USER
        row = GroupRow(
            name=name,
            description=description,
            policy=policy.value,
            read_level=int(read_level),
            post_level=int(max(post_level, read_level)),
            high=0,
            article_count=0,
            deleted_numbers="",
            created_at=utcnow(),
        )
        try:
            async with self._db.write() as s:
                s.add(row)
        except IntegrityError:
            raise Conflict(f"The group {name} already exists.") from None
        return to_group(row)

    async def all_groups(self) -> list[Group]:
        """Every group, for the sysop's CLI."""
        async with self._db.read() as s:
            rows = await s.scalars(select(GroupRow).order_by(GroupRow.name))
            return [to_group(r) for r in rows]

    async def selector(self, user: User, *, subscribed_only: bool) -> list[GroupStatus]:
        """Groups the user may read, with subscription and exact unread counts, by name."""
        async with self._db.read() as s:
            q = (
                select(GroupRow, SubscriptionRow)
                .outerjoin(
                    SubscriptionRow,
                    (SubscriptionRow.group_id == GroupRow.id)
                    & (SubscriptionRow.user_id == user.id),
                )
                .where(GroupRow.read_level <= int(user.level))
            )
            if subscribed_only:
                q = q.where(SubscriptionRow.subscribed.is_(True))
            rows = (await s.execute(q.order_by(GroupRow.name))).all()
        return [
            GroupStatus(
                group=to_group(g),
                subscribed=bool(sub and sub.subscribed),
                unread=unread_count(g, sub.read_ranges if sub else ""),
            )
            for g, sub in rows
        ]

    async def status(self, user: User, name: str) -> GroupStatus:
        async with self._db.read() as s:
            g = await group_row(s, name)
            check_read(user, g)
            sub = await subscription(s, user.id, g.id)
            return GroupStatus(
                group=to_group(g),
                subscribed=bool(sub and sub.subscribed),
                unread=unread_count(g, sub.read_ranges if sub else ""),
            )

    async def names(self, user: User) -> list[str]:
        async with self._db.read() as s:
            rows = await s.scalars(select(GroupRow))
            return sorted(g.name for g in visible_groups(user, list(rows)))

    async def subscribe(self, user: User, name: str, on: bool = True) -> GroupStatus:
        async with self._db.write() as s:
            g = await group_row(s, name)
            check_read(user, g)
            sub = await subscription(s, user.id, g.id)
            if sub is None:
                sub = SubscriptionRow(user_id=user.id, group_id=g.id, subscribed=on, read_ranges="")
                s.add(sub)
            sub.subscribed = on
            return GroupStatus(
                group=to_group(g), subscribed=on, unread=unread_count(g, sub.read_ranges)
            )

    async def catch_up(self, user: User, name: str) -> None:
        """Mark every article in the group read (newsrc becomes 1-high)."""
        async with self._db.write() as s:
            g = await group_row(s, name)
            check_read(user, g)
            sub = await subscription(s, user.id, g.id)
            if sub is None:
                sub = SubscriptionRow(
                    user_id=user.id, group_id=g.id, subscribed=False, read_ranges=""
                )
                s.add(sub)
            sub.read_ranges = f"1-{g.high}" if g.high > 1 else ("1" if g.high == 1 else "")

    async def newsrc(self, user: User) -> str:
        """The user's read state as a .newsrc file (for export and debugging)."""
        from retroboard.domain.newsrc import RangeSet, format_newsrc_line

        async with self._db.read() as s:
            rows = (
                await s.execute(
                    select(GroupRow.name, SubscriptionRow.subscribed, SubscriptionRow.read_ranges)
                    .join(SubscriptionRow, SubscriptionRow.group_id == GroupRow.id)
                    .where(SubscriptionRow.user_id == user.id)
                    .order_by(GroupRow.name)
                )
            ).all()
        return "".join(
            format_newsrc_line(n, bool(sub), RangeSet.parse(r)) + "\n" for n, sub, r in rows
        )

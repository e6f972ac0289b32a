"""Groups: create, change, remove and list them, subscriptions, unread counts, catch-up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, bindparam, delete, exists, select, type_coerce, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.fastpath import Prepared
from retroboard.db.tables import (
    ArticleRow,
    GroupRow,
    GroupThreadRow,
    PendingGroupRow,
    SubscriptionRow,
    ThreadRow,
    XrefRow,
    utcnow,
)
from retroboard.domain.boards import Group, GroupStatus, Policy
from retroboard.domain.errors import Conflict, NotFound, ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import UsenetRuleError, validate_group_name
from retroboard.domain.users import Level, User
from retroboard.services.board_common import (
    GROUPS,
    SUBSCRIPTIONS,
    check_read,
    group_row,
    normalise_name,
    subscription,
    to_group,
    unread_count,
    visible_groups,
)

DESCRIPTION_MAX = 200
GROUP_MEMO = 1024  # Groups remembered by the selector (key: the group's columns)
STATUS_MEMO = 4096  # GroupStatuses remembered by the selector (key: a user's row)
_CHUNK = 500  # ids per IN (...) list: far below SQLite's and asyncpg's parameter limits


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


def _clean_description(description: str) -> str:
    description = sanitize(description, multiline=False).strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(f"A description is at most {DESCRIPTION_MAX} characters.")
    return description


def _selector_columns() -> tuple[Any, ...]:
    return (
        *(GROUPS.c[n] for n in _SELECTOR_GROUP_COLUMNS),
        # as stored (SQLite's 0/1, no result processor per row): the caller takes bool() of it
        type_coerce(SUBSCRIPTIONS.c.subscribed, Integer).label("subscribed"),
        SUBSCRIPTIONS.c.read_ranges,
    )


def _with_subscription(user_id: Any) -> Any:
    return GROUPS.outerjoin(
        SUBSCRIPTIONS,
        (SUBSCRIPTIONS.c.group_id == GROUPS.c.id) & (SUBSCRIPTIONS.c.user_id == user_id),
    )


def _selector_statement(*, subscribed_only: bool) -> Any:
    """The selector in one statement of columns: readable groups by name, each with the
    user's subscription flag and read marks (NULL without a newsrc row). Subscribed only,
    it starts from the user's newsrc rows (an inner join: a subscribed row always exists)."""
    columns = _selector_columns()
    if subscribed_only:
        q = (
            select(*columns)
            .select_from(SUBSCRIPTIONS.join(GROUPS, GROUPS.c.id == SUBSCRIPTIONS.c.group_id))
            .where(
                SUBSCRIPTIONS.c.user_id == bindparam("user_id"),
                SUBSCRIPTIONS.c.subscribed.is_(True),
            )
        )
    else:
        q = select(*columns).select_from(_with_subscription(bindparam("user_id")))
    return q.where(GROUPS.c.read_level <= bindparam("level")).order_by(GROUPS.c.name)


class _GroupColumns(NamedTuple):
    """The group columns the selector reads, in its statement's order."""

    id: int
    name: str
    description: str
    policy: str
    read_level: int
    post_level: int
    high: int
    article_count: int
    deleted_numbers: str


_SELECTOR_GROUP_COLUMNS = _GroupColumns._fields
_GROUP_WIDTH = len(_SELECTOR_GROUP_COLUMNS)


# The selector turns every group of the list into a Group on every visit, and groups change
# rarely: the same columns give the same (frozen) Group, remembered for all users.
@lru_cache(maxsize=GROUP_MEMO)
def _group(columns: tuple[Any, ...]) -> Group:
    return to_group(_GroupColumns._make(columns))


# Between two visits most of a user's rows are as they were (only the groups just read or
# posted to change), and a GroupStatus is a pure (frozen) function of its row: the same row
# gives the same GroupStatus, remembered, so a visit costs a lookup per unchanged group.
@lru_cache(maxsize=STATUS_MEMO)
def _status(row: tuple[Any, ...]) -> GroupStatus:
    subscribed, read_ranges = row[_GROUP_WIDTH:]
    return GroupStatus(
        group=_group(row[:_GROUP_WIDTH]),
        subscribed=bool(subscribed),
        unread=unread_count(_GroupColumns._make(row[:_GROUP_WIDTH]), read_ranges or ""),
    )


_SELECTOR = Prepared(_selector_statement(subscribed_only=False))
_SELECTOR_SUBSCRIBED = Prepared(_selector_statement(subscribed_only=True))
# One group by name as the selector shows it (the same columns, so the same memo).
_STATUS = Prepared(
    select(*_selector_columns())
    .select_from(_with_subscription(bindparam("user_id")))
    .where(GROUPS.c.name == bindparam("name"))
)


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
        description = _clean_description(description)
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

    async def update(
        self,
        name: str,
        *,
        description: str | None = None,
        policy: Policy | None = None,
        read_level: Level | None = None,
        post_level: Level | None = None,
    ) -> Group:
        """Change a group's description, policy or levels (None leaves a field as it is).

        The rules are those of `create`: the description is one clean line of at most 200
        characters, and the post level is never below the read level (it is raised to match);
        a group made read-only without a post level given gets moderator as its post level.
        Returns the changed Group. Raises NotFound (no such group) or ValidationError.
        """
        if description is not None:
            description = _clean_description(description)
        async with self._db.write() as s:
            row = await group_row(s, name, for_update=True)
            if description is not None:
                row.description = description
            if policy is not None:
                row.policy = policy.value
                if policy == Policy.READ_ONLY and post_level is None:
                    post_level = max(Level(row.post_level), Level.MODERATOR)
            if read_level is not None:
                row.read_level = int(read_level)
            if post_level is not None:
                row.post_level = int(post_level)
            row.post_level = max(row.post_level, row.read_level)
            return to_group(row)

    async def remove(self, name: str) -> int:
        """Remove a group for good, in one unit of work.

        Its numbers, thread index, subscriptions and moderation-queue entries go. Articles that
        were only in this group are deleted (with their search index entries); cross-posted
        ones stay in their other groups, with this group taken off their Newsgroups line.
        Threads left without articles go too. Returns how many articles were deleted.
        Raises NotFound when there is no such group.
        """
        async with self._db.write() as s:
            g = await group_row(s, name, for_update=True)
            here = set(
                await s.scalars(
                    union(
                        select(XrefRow.article_id).where(XrefRow.group_id == g.id),
                        select(PendingGroupRow.article_id).where(PendingGroupRow.group_id == g.id),
                    )
                )
            )
            elsewhere = set(
                await s.scalars(
                    union(
                        select(XrefRow.article_id).where(XrefRow.group_id != g.id),
                        select(PendingGroupRow.article_id).where(PendingGroupRow.group_id != g.id),
                    )
                )
            )
            only_here = sorted(here - elsewhere)
            await _drop_from_newsgroups(s, sorted(here & elsewhere), g.name)
            for table in (XrefRow, PendingGroupRow, GroupThreadRow, SubscriptionRow):
                await s.execute(delete(table).where(table.group_id == g.id))
            threads = await _delete_articles(s, only_here)
            await _delete_empty_threads(s, threads)
            await s.execute(delete(GroupRow).where(GroupRow.id == g.id))
        return len(only_here)

    async def all_groups(self) -> list[Group]:
        """Every group, for the sysop's CLI."""
        async with self._db.read() as s:
            rows = await s.scalars(select(GroupRow).order_by(GroupRow.name))
            return [to_group(r) for r in rows]

    async def selector(self, user: User, *, subscribed_only: bool) -> list[GroupStatus]:
        """Groups the user may read, with subscription and exact unread counts, by name."""
        q = _SELECTOR_SUBSCRIBED if subscribed_only else _SELECTOR
        values = {"level": int(user.level), "user_id": user.id}
        # One indexed statement of a row per group (~4,000 SQLite steps for 100 groups): a
        # short read, inline on SQLite (engine.read_quick), a reader thread if refused there.
        rows = await self._db.fetch(q, values)
        return [_status(g) for g in rows]

    async def status(self, user: User, name: str) -> GroupStatus:
        """The group `name` as the selector shows it to `user`: one short read (inline on
        SQLite). Raises NotFound (no such group, or one the user may not read)."""
        rows = await self._db.fetch(_STATUS, {"user_id": user.id, "name": normalise_name(name)})
        if not rows:
            raise NotFound(f"There is no group called '{name.strip()[:80]}'.")
        check_read(user, rows[0])
        return _status(rows[0])

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


async def _drop_from_newsgroups(s: AsyncSession, ids: Sequence[int], name: str) -> None:
    """Take the group `name` off the Newsgroups line of the cross-posted articles `ids`."""
    changes: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        rows = await s.execute(
            select(ArticleRow.id, ArticleRow.newsgroups).where(ArticleRow.id.in_(chunk))
        )
        for article_id, newsgroups in rows:
            kept = [n for n in newsgroups.split(",") if n and n != name]
            if len(kept) != len(newsgroups.split(",")):
                changes.append({"id": article_id, "newsgroups": ",".join(kept)})
    if changes:
        await s.execute(update(ArticleRow), changes)  # bulk UPDATE by primary key


async def _delete_articles(s: AsyncSession, ids: Sequence[int]) -> set[int]:
    """Delete articles (no longer numbered anywhere). Returns the threads they were in."""
    threads: set[int] = set()
    for chunk in _chunks(ids):
        threads.update(
            await s.scalars(select(ArticleRow.thread_id).where(ArticleRow.id.in_(chunk)))
        )
        # Follow-ups that stay elsewhere lose their parent link (References keeps the thread).
        await s.execute(
            update(ArticleRow)
            .where(ArticleRow.parent_id.in_(chunk))
            .values(parent_id=None)
            .execution_options(synchronize_session=False)
        )
        # SQLite's full-text index drops each one by its delete trigger (migration 0004).
        await s.execute(delete(ArticleRow).where(ArticleRow.id.in_(chunk)))
    return threads


async def _delete_empty_threads(s: AsyncSession, thread_ids: Iterable[int]) -> None:
    """Delete those of `thread_ids` that no article belongs to any more."""
    for chunk in _chunks(sorted(thread_ids)):
        empty = list(
            await s.scalars(
                select(ThreadRow.id).where(
                    ThreadRow.id.in_(chunk),
                    ~exists().where(ArticleRow.thread_id == ThreadRow.id),
                )
            )
        )
        if empty:
            await s.execute(delete(GroupThreadRow).where(GroupThreadRow.thread_id.in_(empty)))
            await s.execute(delete(ThreadRow).where(ThreadRow.id.in_(empty)))

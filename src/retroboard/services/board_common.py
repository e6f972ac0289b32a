"""Queries and rules shared by the discussion services: rows to dataclasses, newsrc, permissions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol, cast

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    Table,
    bindparam,
    exists,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.db.fastpath import Prepared, Raw
from retroboard.db.tables import ArticleRow, GroupRow, SubscriptionRow, utc
from retroboard.domain.boards import ArticleHead, Group, Policy, posting_refusal
from retroboard.domain.errors import NotFound, PermissionDenied
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.usenet import UsenetRuleError, validate_group_name
from retroboard.domain.users import Level, User

UNREAD_MEMO = 1024  # unread counts remembered (key: a group's high and two range strings)
GROUPS = cast(Table, GroupRow.__table__)
SUBSCRIPTIONS = cast(Table, SubscriptionRow.__table__)
_ARTICLES = cast(Table, ArticleRow.__table__)
# The article columns an ArticleHead is made of (head_of), for Core statements.
HEAD_CORE = tuple(
    _ARTICLES.c[n]
    for n in (
        "id",
        "message_id",
        "subject",
        "author",
        "author_name",
        "date",
        "refs",
        "thread_id",
        "deleted",
    )
)


class GroupFields(Protocol):
    """What the rules below read of a group: a GroupRow, or a Core row with its column names."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def read_level(self) -> int: ...
    @property
    def high(self) -> int: ...
    @property
    def deleted_numbers(self) -> str: ...


class GroupColumns(GroupFields, Protocol):
    """Every column to_group needs."""

    @property
    def description(self) -> str: ...
    @property
    def policy(self) -> str: ...
    @property
    def post_level(self) -> int: ...
    @property
    def article_count(self) -> int: ...


def to_group(row: GroupColumns) -> Group:
    return Group(
        id=row.id,
        name=row.name,
        description=row.description,
        policy=Policy(row.policy),
        read_level=Level(row.read_level),
        post_level=Level(row.post_level),
        high=row.high,
        article_count=row.article_count,
    )


def head_of(row: Any, *, number: int = 0, read: bool = False, group: str = "") -> ArticleHead:
    """An ArticleHead from an ArticleRow or a Core row with the same column names."""
    date = utc(row.date)
    assert date is not None
    return ArticleHead(
        id=row.id,
        message_id=row.message_id,
        subject=row.subject,
        author=row.author,
        author_name=row.author_name,
        date=date,
        references=tuple(row.refs.split()) if row.refs else (),
        thread_id=row.thread_id,
        number=number,
        read=read,
        deleted=bool(row.deleted),
        group=group,
    )


def normalise_name(name: str) -> str:
    try:
        return validate_group_name(name)
    except UsenetRuleError:
        raise NotFound(f"There is no group called '{name.strip()[:80]}'.") from None


async def group_row(s: AsyncSession, name: str, *, for_update: bool = False) -> GroupRow:
    q = select(GroupRow).where(GroupRow.name == normalise_name(name))
    if for_update:
        q = q.with_for_update()
    row = await s.scalar(q)
    if row is None:
        raise NotFound(f"There is no group called '{name.strip()[:80]}'.")
    return row


def can_read(user: User, group: GroupFields) -> bool:
    return user.level >= group.read_level


def check_read(user: User, group: GroupFields) -> None:
    if not can_read(user, group):
        raise NotFound(f"There is no group called '{group.name}'.")  # hidden, not just refused


def check_post(user: User, group: GroupRow) -> None:
    check_read(user, group)
    reason = posting_refusal(user, to_group(group))
    if reason:
        raise PermissionDenied(reason)


def unread_count(group: GroupFields, read_ranges: str) -> int:
    """Exact unread count: every number 1..high exists, minus tombstones, minus what was read."""
    if group.high <= 0:
        return 0
    return _unread(group.high, read_ranges, group.deleted_numbers)


# A pure function of three values; the selector asks it for every group on every visit, and
# between two visits only the groups just read change, so most answers are remembered.
@lru_cache(maxsize=UNREAD_MEMO)
def _unread(high: int, read_ranges: str, deleted_numbers: str) -> int:
    read = RangeSet.parse(read_ranges)
    deleted = RangeSet.parse(deleted_numbers)
    live = high - deleted.count_in(1, high)
    read_live = read.count_in(1, high) - sum(read.count_in(lo, hi) for lo, hi in deleted.ranges)
    return max(0, live - read_live)


def skip_set(group: GroupFields, read_ranges: str) -> RangeSet:
    """Numbers that are not unread: read ones and tombstones."""
    skip = RangeSet.parse(read_ranges)
    for lo, hi in RangeSet.parse(group.deleted_numbers).ranges:
        skip.add_range(lo, hi)
    return skip


# One group by name with the user's read marks in it (read_ranges None: no newsrc row).
_GROUP_WITH_READ = (
    select(
        GROUPS.c.id,
        GROUPS.c.name,
        GROUPS.c.read_level,
        GROUPS.c.high,
        GROUPS.c.deleted_numbers,
        SUBSCRIPTIONS.c.read_ranges,
    )
    .select_from(
        GROUPS.outerjoin(
            SUBSCRIPTIONS,
            (SUBSCRIPTIONS.c.group_id == GROUPS.c.id)
            & (SUBSCRIPTIONS.c.user_id == bindparam("user_id")),
        )
    )
    .where(GROUPS.c.name == bindparam("name"))
)


GROUP_WITH_READ = Prepared(_GROUP_WITH_READ)


async def group_with_read(s: AsyncSession, user: User, name: str) -> Any:
    """The readable group called `name` with the user's `read_ranges` ("" without a newsrc
    row), in one statement: a Core row with the GroupFields columns.

    Raises NotFound (no such group, or one the user may not read).
    """
    row = (
        await s.execute(_GROUP_WITH_READ, {"user_id": user.id, "name": normalise_name(name)})
    ).first()
    if row is None:
        raise NotFound(f"There is no group called '{name.strip()[:80]}'.")
    check_read(user, row)
    return row


_MARK_UPDATE = (
    update(SUBSCRIPTIONS)
    .where(
        SUBSCRIPTIONS.c.user_id == bindparam("b_user"),
        SUBSCRIPTIONS.c.group_id == bindparam("b_group"),
    )
    .values(read_ranges=bindparam("b_ranges"))
)
_MARK_INSERT = insert(SUBSCRIPTIONS).values(
    user_id=bindparam("b_user"),
    group_id=bindparam("b_group"),
    subscribed=False,
    read_ranges=bindparam("b_ranges"),
)


async def mark_known(
    s: AsyncSession,
    user_id: int,
    marks: Iterable[tuple[int, int]],
    current: Mapping[int, str | None],
) -> None:
    """Mark (group_id, number) pairs read, given each group's read marks as already read in
    this unit of work (`current`; None: no newsrc row yet, one is added unsubscribed, as
    mark_numbers does). Only changed rows are written, with Core statements."""
    by_group: dict[int, RangeSet] = {}
    for group_id, number in marks:
        ranges = by_group.get(group_id)
        if ranges is None:
            ranges = by_group[group_id] = RangeSet.parse(current.get(group_id) or "")
        ranges.add(number)
    for group_id, ranges in by_group.items():
        text = str(ranges)
        before = current.get(group_id)
        params = {"b_user": user_id, "b_group": group_id, "b_ranges": text}
        if before is None:
            await s.execute(_MARK_INSERT, params)
        elif text != before:
            await s.execute(_MARK_UPDATE, params)


_SUBS_WHERE = (
    SUBSCRIPTIONS.c.user_id == bindparam("b_user"),
    SUBSCRIPTIONS.c.group_id == bindparam("b_group"),
)
_P_MARK_SWAP = Prepared(
    update(SUBSCRIPTIONS)
    .where(*_SUBS_WHERE, SUBSCRIPTIONS.c.read_ranges == bindparam("b_old"))
    .values(read_ranges=bindparam("b_ranges"))
)
_P_MARK_UPDATE = Prepared(_MARK_UPDATE)
_P_MARK_INSERT = Prepared(_MARK_INSERT)
# A first row for a group the user had none in, unless one appeared meanwhile (then 0 rows).
_P_MARK_ADD = Prepared(
    insert(SUBSCRIPTIONS).from_select(
        ["user_id", "group_id", "subscribed", "read_ranges"],
        select(
            bindparam("b_user", type_=Integer),
            bindparam("b_group", type_=Integer),
            literal(False, Boolean),
            bindparam("b_ranges", type_=String),
        ).where(~exists().where(*_SUBS_WHERE)),
    )
)
_P_MARK_NOW = Prepared(select(SUBSCRIPTIONS.c.read_ranges).where(*_SUBS_WHERE))


def mark_read_unit(
    user_id: int, marks: Iterable[tuple[int, int]], seen: Mapping[int, str | None]
) -> Any:
    """A write unit (Database.write_unit) marking (group_id, number) pairs read, given each
    group's read marks as the caller last read them (`seen`; None: no newsrc row then).

    Each group costs one compare-and-set UPDATE when its marks are still as seen, or one
    INSERT-unless-present when there was no row; when they changed meanwhile (another session
    of the same user) it reads them again and merges, so a mark is never lost. A new row is unsubscribed, as mark_numbers
    adds it. Returns nothing.
    """
    by_group: dict[int, list[int]] = {}
    for group_id, number in marks:
        by_group.setdefault(group_id, []).append(number)

    def unit(raw: Raw) -> None:
        for group_id, numbers in by_group.items():
            key = {"b_user": user_id, "b_group": group_id}
            before = seen.get(group_id)
            if before is not None:
                ranges = RangeSet.parse(before)
                for n in numbers:
                    ranges.add(n)
                text = str(ranges)
                if text == before:
                    continue
                if raw.execute(_P_MARK_SWAP, {**key, "b_old": before, "b_ranges": text}):
                    continue
            else:
                fresh = RangeSet.parse("")
                for n in numbers:
                    fresh.add(n)
                if raw.execute(_P_MARK_ADD, {**key, "b_ranges": str(fresh)}):
                    continue
            row = raw.first(_P_MARK_NOW, key)
            ranges = RangeSet.parse(row.read_ranges or "" if row else "")
            for n in numbers:
                ranges.add(n)
            if row is None:
                raw.execute(_P_MARK_INSERT, {**key, "b_ranges": str(ranges)})
            elif str(ranges) != (row.read_ranges or ""):
                raw.execute(_P_MARK_UPDATE, {**key, "b_ranges": str(ranges)})

    return unit


async def subscription(s: AsyncSession, user_id: int, group_id: int) -> SubscriptionRow | None:
    return await s.get(SubscriptionRow, (user_id, group_id))


async def mark_numbers(
    s: AsyncSession, user_id: int, marks: Iterable[tuple[int, int]], *, read: bool = True
) -> None:
    """Mark (group_id, number) pairs read (or unread) in the user's newsrc, in every group.

    A group the user is not subscribed to still keeps read marks (unsubscribed row), so a
    cross-posted article read in one group is read in all of them.
    """
    by_group: dict[int, list[int]] = {}
    for group_id, number in marks:
        by_group.setdefault(group_id, []).append(number)
    existing = {
        r.group_id: r
        for r in (
            await s.scalars(
                select(SubscriptionRow).where(
                    SubscriptionRow.user_id == user_id, SubscriptionRow.group_id.in_(list(by_group))
                )
            )
        ).all()
    }
    for group_id, numbers in by_group.items():
        row = existing.get(group_id)
        if row is None:
            row = SubscriptionRow(
                user_id=user_id, group_id=group_id, subscribed=False, read_ranges=""
            )
            s.add(row)
        ranges = RangeSet.parse(row.read_ranges)
        for n in numbers:
            if read:
                ranges.add(n)
            else:
                ranges.discard(n)
        text = str(ranges)
        if text != row.read_ranges:
            row.read_ranges = text


def visible_groups(user: User, rows: Sequence[GroupRow]) -> list[GroupRow]:
    return [g for g in rows if can_read(user, g)]

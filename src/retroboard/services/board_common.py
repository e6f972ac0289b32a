"""Queries and rules shared by the discussion services: rows to dataclasses, newsrc, permissions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.db.tables import GroupRow, SubscriptionRow, utc
from retroboard.domain.boards import ArticleHead, Group, Policy, posting_refusal
from retroboard.domain.errors import NotFound, PermissionDenied
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.usenet import UsenetRuleError, validate_group_name
from retroboard.domain.users import Level, User


def to_group(row: GroupRow) -> Group:
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


def can_read(user: User, group: GroupRow) -> bool:
    return user.level >= group.read_level


def check_read(user: User, group: GroupRow) -> None:
    if not can_read(user, group):
        raise NotFound(f"There is no group called '{group.name}'.")  # hidden, not just refused


def check_post(user: User, group: GroupRow) -> None:
    check_read(user, group)
    reason = posting_refusal(user, to_group(group))
    if reason:
        raise PermissionDenied(reason)


def unread_count(group: GroupRow, read_ranges: str) -> int:
    """Exact unread count: every number 1..high exists, minus tombstones, minus what was read."""
    if group.high <= 0:
        return 0
    read = RangeSet.parse(read_ranges)
    deleted = RangeSet.parse(group.deleted_numbers)
    live = group.high - deleted.count_in(1, group.high)
    read_live = read.count_in(1, group.high) - sum(
        read.count_in(lo, hi) for lo, hi in deleted.ranges
    )
    return max(0, live - read_live)


def skip_set(group: GroupRow, read_ranges: str) -> RangeSet:
    """Numbers that are not unread: read ones and tombstones."""
    skip = RangeSet.parse(read_ranges)
    for lo, hi in RangeSet.parse(group.deleted_numbers).ranges:
        skip.add_range(lo, hi)
    return skip


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

"""Publishing an article: its number in every group, its thread's place, the author's read mark."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.db.tables import ArticleRow, GroupRow, GroupThreadRow, SubscriptionRow, XrefRow


async def publish(
    s: AsyncSession, article: ArticleRow, groups: Sequence[tuple[int, str]]
) -> list[int]:
    """Give the article the next number in each group (never reused) and index it for search.

    Few statements on purpose: on SQLite every statement costs several hops to the driver's
    thread. The full-text index follows by itself (triggers / generated column).
    """
    numbers = []
    for group_id, _ in groups:
        numbers.append(
            (
                await s.execute(
                    update(GroupRow)
                    .where(GroupRow.id == group_id)
                    .values(high=GroupRow.high + 1, article_count=GroupRow.article_count + 1)
                    .returning(GroupRow.high)
                )
            ).scalar_one()
        )
    await s.execute(
        insert(XrefRow),
        [
            {"group_id": g, "number": n, "article_id": article.id, "thread_id": article.thread_id}
            for (g, _), n in zip(groups, numbers, strict=True)
        ],
    )
    dialect_insert = sqlite_insert if s.get_bind().dialect.name == "sqlite" else pg_insert
    stmt = dialect_insert(GroupThreadRow)
    await s.execute(
        stmt.on_conflict_do_update(
            index_elements=[GroupThreadRow.group_id, GroupThreadRow.thread_id],
            set_={
                "last_post_at": stmt.excluded.last_post_at,
                "article_count": GroupThreadRow.article_count + 1,
            },
        ),
        [
            {
                "group_id": g,
                "thread_id": article.thread_id,
                "last_post_at": article.date,
                "article_count": 1,
            }
            for g, _ in groups
        ],
    )
    return numbers


async def mark_own_post_read(
    s: AsyncSession, user_id: int, marks: Sequence[tuple[int, int]]
) -> None:
    """The author has read their own post: append its numbers to their read ranges.

    One upsert per post instead of read-modify-write; RangeSet.parse merges the appended
    ",n" the next time the ranges are read, and every later write stores them merged.
    """
    dialect_insert = sqlite_insert if s.get_bind().dialect.name == "sqlite" else pg_insert
    for group_id, number in marks:
        stmt = dialect_insert(SubscriptionRow).values(
            user_id=user_id, group_id=group_id, subscribed=False, read_ranges=str(number)
        )
        await s.execute(
            stmt.on_conflict_do_update(
                index_elements=[SubscriptionRow.user_id, SubscriptionRow.group_id],
                set_={
                    "read_ranges": case(
                        (SubscriptionRow.read_ranges == "", str(number)),
                        else_=SubscriptionRow.read_ranges + "," + str(number),
                    )
                },
            )
        )

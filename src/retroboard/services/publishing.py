"""Publishing an article: its number in every group, its thread's place, the author's read mark.

Written as parts of a write unit (db/fastpath.py Raw), statements compiled once per dialect,
so a post is one unit of work whether it runs in the writer thread's batch or in an ORM
session's transaction (moderation, through Database.in_session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from retroboard.db.fastpath import Prepared, Raw
from retroboard.db.tables import GroupRow, GroupThreadRow, SubscriptionRow, XrefRow

_GROUPS = cast(Table, GroupRow.__table__)
_XREF = cast(Table, XrefRow.__table__)
_GROUP_THREADS = cast(Table, GroupThreadRow.__table__)
_SUBSCRIPTIONS = cast(Table, SubscriptionRow.__table__)

_NEXT_NUMBER = Prepared(
    update(_GROUPS)
    .where(_GROUPS.c.id == bindparam("g"))
    .values(high=_GROUPS.c.high + 1, article_count=_GROUPS.c.article_count + 1)
    .returning(_GROUPS.c.high)
)
_XREF_ADD = Prepared(
    insert(_XREF).values(
        group_id=bindparam("g"),
        number=bindparam("n"),
        article_id=bindparam("a"),
        thread_id=bindparam("t"),
    )
)


def _thread_upsert(dialect_insert: Any) -> Prepared:
    stmt = dialect_insert(_GROUP_THREADS).values(
        group_id=bindparam("g"),
        thread_id=bindparam("t"),
        last_post_at=bindparam("at", type_=_GROUP_THREADS.c.last_post_at.type),
        article_count=1,
    )
    return Prepared(
        stmt.on_conflict_do_update(
            index_elements=[_GROUP_THREADS.c.group_id, _GROUP_THREADS.c.thread_id],
            set_={
                "last_post_at": stmt.excluded.last_post_at,
                "article_count": _GROUP_THREADS.c.article_count + 1,
            },
        )
    )


def _own_read_upsert(dialect_insert: Any) -> Prepared:
    subs = _SUBSCRIPTIONS
    stmt = dialect_insert(subs).values(
        user_id=bindparam("u"),
        group_id=bindparam("g"),
        subscribed=False,
        read_ranges=bindparam("r"),
    )
    number = bindparam("r2", type_=subs.c.read_ranges.type)
    return Prepared(
        stmt.on_conflict_do_update(
            index_elements=[subs.c.user_id, subs.c.group_id],
            set_={
                "read_ranges": case(
                    (subs.c.read_ranges == "", number),
                    else_=subs.c.read_ranges + "," + number,
                )
            },
        )
    )


# The upserts are dialect statements: one of each per dialect (the names SQLAlchemy uses).
_THREAD_PLACE = {"sqlite": _thread_upsert(sqlite_insert), "postgresql": _thread_upsert(pg_insert)}
_OWN_READ = {"sqlite": _own_read_upsert(sqlite_insert), "postgresql": _own_read_upsert(pg_insert)}


def publish(
    raw: Raw, article_id: int, thread_id: int, date: datetime, group_ids: Sequence[int]
) -> list[int]:
    """Give the article the next number in each group of `group_ids` (never reused), list it
    there and move its thread to the top of each group's list (by `date`). Returns the
    numbers in the order of `group_ids`. The full-text index follows by itself (triggers /
    generated column). Two statements per group plus one.
    """
    numbers = [int(raw.scalar(_NEXT_NUMBER, {"g": g})) for g in group_ids]
    for g, n in zip(group_ids, numbers, strict=True):
        raw.execute(_XREF_ADD, {"g": g, "n": n, "a": article_id, "t": thread_id})
    place = _THREAD_PLACE[raw.dialect.name]
    for g in group_ids:
        raw.execute(place, {"g": g, "t": thread_id, "at": date})
    return numbers


def mark_own_post_read(raw: Raw, user_id: int, marks: Sequence[tuple[int, int]]) -> None:
    """The author has read their own post: append its numbers to their read ranges.

    One upsert per group instead of read-modify-write; RangeSet.parse merges the appended
    ",n" the next time the ranges are read, and every later write stores them merged.
    """
    upsert = _OWN_READ[raw.dialect.name]
    for group_id, number in marks:
        raw.execute(upsert, {"u": user_id, "g": group_id, "r": str(number), "r2": str(number)})

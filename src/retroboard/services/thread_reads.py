"""Thread lists and whole threads read on the fast path: statements built once, one read unit."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, tuple_

from retroboard.db.fastpath import Prepared, Raw
from retroboard.db.tables import ArticleRow, GroupThreadRow, ThreadRow, XrefRow, utc, utcnow
from retroboard.domain.boards import ArticleHead, ThreadPage, ThreadView
from retroboard.domain.errors import NotFound
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.users import User
from retroboard.services.board_common import GROUP_WITH_READ, HEAD_CORE, can_read, head_of

HEADS_SHAPES = 256  # heads statements kept compiled, one per number of threads asked
_ARTICLES = cast(Table, ArticleRow.__table__)
_THREADS = cast(Table, ThreadRow.__table__)
_XREF = cast(Table, XrefRow.__table__)
_GROUP_THREADS = cast(Table, GroupThreadRow.__table__)
_HEADS = (*HEAD_CORE, _XREF.c.number)


@lru_cache(maxsize=8)
def _threads_statement(*, upward: bool, keyed: bool) -> Prepared:
    """A page of a group's threads by latest activity: newest first (`upward` False, below
    the key k_at/k_id when `keyed`) or oldest first (`upward`, above the key when `keyed`),
    `limit` rows."""
    gt = _GROUP_THREADS
    q = (
        select(gt.c.thread_id, gt.c.last_post_at, _THREADS.c.subject, _THREADS.c.locked)
        .join(_THREADS, _THREADS.c.id == gt.c.thread_id)
        .where(gt.c.group_id == bindparam("group_id"))
    )
    key = tuple_(gt.c.last_post_at, gt.c.thread_id)
    bound = tuple_(
        bindparam("k_at", type_=gt.c.last_post_at.type),
        bindparam("k_id", type_=gt.c.thread_id.type),
    )
    if upward:
        if keyed:
            q = q.where(key > bound)
        q = q.order_by(gt.c.last_post_at.asc(), gt.c.thread_id.asc())
    else:
        if keyed:
            q = q.where(key < bound)
        q = q.order_by(gt.c.last_post_at.desc(), gt.c.thread_id.desc())
    return Prepared(q.limit(bindparam("limit")))


_THREAD_COUNT = Prepared(
    select(func.count())
    .select_from(_GROUP_THREADS)
    .where(_GROUP_THREADS.c.group_id == bindparam("group_id"))
)
_ONE_THREAD = Prepared(
    select(
        _THREADS.c.id,
        _THREADS.c.subject,
        _THREADS.c.locked,
        _THREADS.c.created_at,
        _GROUP_THREADS.c.last_post_at,
    )
    .select_from(
        _THREADS.outerjoin(
            _GROUP_THREADS,
            (_GROUP_THREADS.c.thread_id == _THREADS.c.id)
            & (_GROUP_THREADS.c.group_id == bindparam("group_id")),
        )
    )
    .where(_THREADS.c.id == bindparam("thread_id"))
)


@lru_cache(maxsize=HEADS_SHAPES)
def _heads_statement(count: int) -> Prepared:
    """The heads (with numbers) of the articles of `count` threads (t0..) in one group."""
    return Prepared(
        select(*_HEADS)
        .join(_XREF, _XREF.c.article_id == _ARTICLES.c.id)
        .where(
            _XREF.c.group_id == bindparam("group_id"),
            _XREF.c.thread_id.in_([bindparam(f"t{i}") for i in range(count)]),
        )
    )


def _group(raw: Raw, user: User, name: str) -> Any:
    """The readable group `name` (normalised) with the user's read marks. Raises NotFound."""
    g = raw.first(GROUP_WITH_READ, {"user_id": user.id, "name": name})
    if g is None or not can_read(user, g):
        raise NotFound(f"There is no group called '{name[:80]}'.")
    return g


def _heads_by_thread(raw: Raw, g: Any, ids: list[int]) -> dict[int, list[ArticleHead]]:
    heads: dict[int, list[ArticleHead]] = {i: [] for i in ids}
    if not ids:
        return heads
    read = RangeSet.parse(g.read_ranges or "")
    values: dict[str, Any] = {"group_id": g.id}
    for start in range(0, len(ids), HEADS_SHAPES):
        chunk = ids[start : start + HEADS_SHAPES]
        values.update((f"t{i}", t) for i, t in enumerate(chunk))
        for r in raw.rows(_heads_statement(len(chunk)), values):
            heads[r.thread_id].append(
                head_of(r, number=r.number, read=r.number in read, group=g.name)
            )
    return heads


def thread_page_unit(
    user: User,
    name: str,
    *,
    cursor: tuple[datetime, int] | None,
    limit: int,
    above: tuple[datetime, int] | None,
    from_end: bool,
) -> Any:
    """A read unit (Database.read_quick) returning the ThreadPage of ArticleService.thread_page
    for the group `name` (normalised): two or three statements (the group with the user's read
    marks, the page of threads, their articles' heads) and a count with `from_end`.
    Raises NotFound (no such group, or one the user may not read)."""
    upward = from_end or above is not None
    key = None if from_end else (above if upward else cursor)

    def unit(raw: Raw) -> ThreadPage:
        g = _group(raw, user, name)
        values: dict[str, Any] = {"group_id": g.id, "limit": limit + 1}
        if key is not None:
            values.update(k_at=key[0], k_id=key[1])
        threads = raw.rows(_threads_statement(upward=upward, keyed=key is not None), values)
        more = len(threads) > limit
        threads = threads[:limit]
        if upward:
            threads.reverse()  # fetched nearest first, shown newest first
        skipped = 0
        if from_end:
            total = raw.scalar(_THREAD_COUNT, {"group_id": g.id})
            skipped = max(0, int(total or 0) - len(threads))
        heads = _heads_by_thread(raw, g, [t.thread_id for t in threads])
        views = tuple(
            ThreadView(
                thread_id=t.thread_id,
                subject=t.subject,
                last_post_at=utc(t.last_post_at) or utcnow(),
                locked=bool(t.locked),
                articles=tuple(sorted(heads[t.thread_id], key=lambda h: h.number)),
            )
            for t in threads
        )
        edge = (threads[0] if upward else threads[-1]) if threads else None
        next_cursor = (
            (utc(edge.last_post_at) or utcnow(), edge.thread_id)
            if more and edge and not from_end
            else None
        )
        return ThreadPage(threads=views, cursor=next_cursor, skipped=skipped)

    return unit


def thread_unit(user: User, name: str, thread_id: int) -> Any:
    """A read unit returning the ThreadView of ArticleService.thread: the whole thread as seen
    in the group `name` (normalised), in three statements. Raises NotFound (no such group, one
    the user may not read, no such thread)."""

    def unit(raw: Raw) -> ThreadView:
        g = _group(raw, user, name)
        t = raw.first(_ONE_THREAD, {"group_id": g.id, "thread_id": thread_id})
        if t is None:
            raise NotFound("That thread is gone.")
        heads = _heads_by_thread(raw, g, [thread_id])[thread_id]
        return ThreadView(
            thread_id=t.id,
            subject=t.subject,
            last_post_at=utc(t.last_post_at or t.created_at) or utcnow(),
            locked=bool(t.locked),
            articles=tuple(sorted(heads, key=lambda h: h.number)),
        )

    return unit

"""A post as one write unit: groups checked, thread and article stored, numbered, marked read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select

from retroboard.db.fastpath import Prepared, Raw
from retroboard.db.tables import ArticleRow, PendingGroupRow, ThreadRow
from retroboard.domain.boards import Policy, Status
from retroboard.domain.errors import Conflict, NotFound, PermissionDenied
from retroboard.domain.news import overview_parts, wire_octets
from retroboard.domain.usenet import followup_references, parse_references
from retroboard.domain.users import User
from retroboard.services.board_common import GROUPS
from retroboard.services.board_common import check_post as check_may_post
from retroboard.services.publishing import mark_own_post_read, publish

PARENT_GONE = "The article you are replying to is gone."
_ARTICLES = cast(Table, ArticleRow.__table__)
_THREADS = cast(Table, ThreadRow.__table__)
_PENDING = cast(Table, PendingGroupRow.__table__)
_ARTICLE_COLUMNS = (
    "message_id",
    "thread_id",
    "parent_id",
    "author_id",
    "author",
    "author_name",
    "subject",
    "body",
    "date",
    "refs",
    "newsgroups",
    "status",
    "deleted",
    "lines",
    "flowed",
    "overview_head",
    "overview_tail",
    "overview_octets",
)


@lru_cache(maxsize=8)
def _groups_named(count: int) -> Prepared:
    """Every column of the groups called n0..n{count-1}, locked for the post (PostgreSQL)."""
    return Prepared(
        select(GROUPS)
        .where(GROUPS.c.name.in_([bindparam(f"n{i}") for i in range(count)]))
        .with_for_update()
    )


_PARENT = Prepared(
    select(
        _ARTICLES.c.id,
        _ARTICLES.c.refs,
        _ARTICLES.c.thread_id,
        _ARTICLES.c.status,
        _THREADS.c.locked,
    )
    .join(_THREADS, _THREADS.c.id == _ARTICLES.c.thread_id)
    .where(_ARTICLES.c.message_id == bindparam("mid"))
)
_TAKEN = Prepared(select(_ARTICLES.c.id).where(_ARTICLES.c.message_id == bindparam("mid")))
_NEW_THREAD = Prepared(
    insert(_THREADS)
    .values(
        subject=bindparam("subject"),
        locked=False,
        created_at=bindparam("at", type_=_THREADS.c.created_at.type),
    )
    .returning(_THREADS.c.id)
)
_NEW_ARTICLE = Prepared(
    insert(_ARTICLES)
    .values({n: bindparam(n, type_=_ARTICLES.c[n].type) for n in _ARTICLE_COLUMNS})
    .returning(_ARTICLES.c.id)
)
_HOLD = Prepared(insert(_PENDING).values(article_id=bindparam("a"), group_id=bindparam("g")))


@dataclass(frozen=True, slots=True)
class Stored:
    """What a post unit stored: the article's columns (`row`, attribute access as an
    ArticleRow), its groups' columns in the order asked, (group, number) pairs (empty when
    held), the thread's lock and whether it waits for a moderator."""

    row: Any
    groups: tuple[Any, ...]
    xref: tuple[tuple[str, int], ...]
    locked: bool
    held: bool


@dataclass(frozen=True, slots=True)
class _ArticleColumns:
    id: int
    message_id: str
    thread_id: int
    parent_id: int | None
    author_id: int
    author: str
    author_name: str
    subject: str
    body: str
    date: datetime
    refs: str
    newsgroups: str
    status: str
    deleted: bool
    lines: int
    flowed: bool
    overview_head: str
    overview_tail: str
    overview_octets: int


def post_unit(
    user: User,
    names: Sequence[str],
    subject: str,
    body: str,
    parent_message_id: str | None,
    *,
    message_id: str,
    date: datetime,
    flowed: bool,
    moderated: bool,
    check_taken: bool,
) -> Callable[[Raw], Stored]:
    """A write unit (Database.write_unit) storing a post in the groups `names` (clean,
    lower-case, distinct): checks each group exists and takes the user's post, the parent
    (clean Message-ID) is posted and its thread not locked (moderators may); a new thread
    without a parent; the article (its body marked `flowed` or fixed) numbered in every
    group, or held for moderation when `moderated` and a group is moderated (not for
    moderators); the author's read marks. `check_taken`: first look whether `message_id` is
    taken (a Message-ID chosen by the caller; one statement more). Returns Stored. Raises
    NotFound (group, parent), PermissionDenied (a group's rules, a locked thread), Conflict
    (`check_taken` and `message_id` is taken); the unit is undone.
    """

    def unit(raw: Raw) -> Stored:
        if check_taken and raw.scalar(_TAKEN, {"mid": message_id}) is not None:
            raise Conflict(f"An article with the Message-ID {message_id} exists.")
        found = {
            g.name: g
            for g in raw.rows(_groups_named(len(names)), {f"n{i}": n for i, n in enumerate(names)})
        }
        for n in names:
            if n not in found:
                raise NotFound(f"There is no group called '{n[:80]}'.")
        groups = tuple(found[n] for n in names)
        for g in groups:
            check_may_post(user, g)
        refs: list[str] = []
        parent_id: int | None = None
        locked = False
        if parent_message_id:
            parent = raw.first(_PARENT, {"mid": parent_message_id})
            if parent is None or parent.status != Status.POSTED:
                raise NotFound(PARENT_GONE)
            if parent.locked and not user.is_moderator:
                raise PermissionDenied("This thread is locked: no more follow-ups.")
            locked = bool(parent.locked)
            parent_id, thread_id = parent.id, parent.thread_id
            refs = followup_references(parse_references(parent.refs), parent_message_id)
        else:
            thread_id = int(raw.scalar(_NEW_THREAD, {"subject": subject, "at": date}))
        held = (
            moderated
            and any(g.policy == Policy.MODERATED for g in groups)
            and not user.is_moderator
        )
        values: dict[str, Any] = {
            "message_id": message_id,
            "thread_id": thread_id,
            "parent_id": parent_id,
            "author_id": user.id,
            "author": user.handle,
            "author_name": user.real_name,
            "subject": subject,
            "body": body,
            "date": date,
            "refs": " ".join(refs),
            "newsgroups": ",".join(g.name for g in groups),
            "status": str(Status.PENDING if held else Status.POSTED),
            "deleted": False,
            "lines": body.count("\n") + 1,
            "flowed": flowed,
        }
        head, tail, octets = overview_parts(
            subject,
            user.handle,
            user.real_name,
            date,
            message_id,
            values["refs"],
            wire_octets(body),
            values["lines"],
        )
        values.update(overview_head=head, overview_tail=tail, overview_octets=octets)
        article_id = int(raw.scalar(_NEW_ARTICLE, values))
        xref: tuple[tuple[str, int], ...] = ()
        if held:
            for g in groups:
                raw.execute(_HOLD, {"a": article_id, "g": g.id})
        else:
            ids = [g.id for g in groups]
            numbers = publish(raw, article_id, thread_id, date, ids)
            xref = tuple((g.name, n) for g, n in zip(groups, numbers, strict=True))
            mark_own_post_read(raw, user.id, list(zip(ids, numbers, strict=True)))
        return Stored(_ArticleColumns(id=article_id, **values), groups, xref, locked, held)

    return unit

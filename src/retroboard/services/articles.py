"""Articles: post and follow up, thread lists, reading with exact read marks, next unread."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.fastpath import Prepared
from retroboard.db.tables import (
    ArticleRow,
    GroupRow,
    ThreadRow,
    XrefRow,
    utcnow,
)
from retroboard.domain.boards import (
    Article,
    ArticleHead,
    PostResult,
    Status,
    ThreadPage,
    ThreadView,
)
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import ArticlePosted
from retroboard.domain.flowed import encode as encode_flowed
from retroboard.domain.guests import write_refusal
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.text import sanitize
from retroboard.domain.threads import build_tree, flatten
from retroboard.domain.usenet import (
    UsenetRuleError,
    check_post,
    is_valid_message_id,
    make_message_id,
)
from retroboard.domain.users import User
from retroboard.services.board_common import (
    GROUP_WITH_READ,
    GROUPS,
    HEAD_CORE,
    SUBSCRIPTIONS,
    check_read,
    group_row,
    head_of,
    mark_numbers,
    mark_read_unit,
    normalise_name,
    skip_set,
    subscription,
)
from retroboard.services.moderation import shown_body
from retroboard.services.posting import PARENT_GONE, post_unit
from retroboard.services.thread_reads import thread_page_unit, thread_unit

log = logging.getLogger(__name__)

MAX_CROSSPOST = 5
SIGNATURE_SEPARATOR = "-- "  # keeps its trailing space, so readers can find the signature
HEAD_COLUMNS = (
    ArticleRow.id,
    ArticleRow.message_id,
    ArticleRow.subject,
    ArticleRow.author,
    ArticleRow.author_name,
    ArticleRow.date,
    ArticleRow.refs,
    ArticleRow.thread_id,
    ArticleRow.deleted,
)

_ARTICLES = cast(Table, ArticleRow.__table__)
_THREADS = cast(Table, ThreadRow.__table__)
_XREF = cast(Table, XrefRow.__table__)


def _open_statement() -> Any:
    """Opening an article in one statement: the group by name, the article numbered there,
    its thread's lock, and one row per group it is in (this one too) with that group's name,
    read level and the reader's read marks there (x_read None: no newsrc row). Outer joins
    throughout, so a group without that number still comes back (article columns NULL)."""
    here = _XREF.alias("here")
    other = _XREF.alias("other")
    other_group = GROUPS.alias("other_group")
    subs = SUBSCRIPTIONS.alias("subs")
    return (
        select(
            GROUPS.c.id.label("g_id"),
            GROUPS.c.name.label("g_name"),
            GROUPS.c.read_level,
            *HEAD_CORE,
            _ARTICLES.c.body,
            _ARTICLES.c.newsgroups,
            _ARTICLES.c.status,
            _ARTICLES.c.lines,
            _ARTICLES.c.flowed,
            _THREADS.c.locked,
            other.c.group_id.label("x_group"),
            other.c.number.label("x_number"),
            other_group.c.name.label("x_name"),
            other_group.c.read_level.label("x_level"),
            subs.c.read_ranges.label("x_read"),
        )
        .select_from(
            GROUPS.outerjoin(
                here, (here.c.group_id == GROUPS.c.id) & (here.c.number == bindparam("number"))
            )
            .outerjoin(_ARTICLES, _ARTICLES.c.id == here.c.article_id)
            .outerjoin(_THREADS, _THREADS.c.id == _ARTICLES.c.thread_id)
            .outerjoin(other, other.c.article_id == _ARTICLES.c.id)
            .outerjoin(other_group, other_group.c.id == other.c.group_id)
            .outerjoin(
                subs,
                (subs.c.group_id == other.c.group_id) & (subs.c.user_id == bindparam("user_id")),
            )
        )
        .where(GROUPS.c.name == bindparam("name"))
    )


_OPEN = Prepared(_open_statement())
_HEAD_AT = (
    select(*HEAD_CORE)
    .join(_XREF, _XREF.c.article_id == _ARTICLES.c.id)
    .where(_XREF.c.group_id == bindparam("group_id"), _XREF.c.number == bindparam("number"))
)
_P_HEAD_AT = Prepared(_HEAD_AT)


def _clean(subject: str, body: str) -> tuple[str, str]:
    """Subject and body without control or invisible characters, trailing spaces (the
    signature separator's kept) or blank lines around the body."""
    subject = sanitize(subject, multiline=False).strip()
    body = "\n".join(
        line if line == SIGNATURE_SEPARATOR else line.rstrip()
        for line in sanitize(body).split("\n")
    ).strip("\n")
    return subject, body


def clean_message_id(
    message_id: str, missing: str = "There is no article with that Message-ID."
) -> str:
    """A Message-ID typed or sent by a user, without invisible characters or whitespace.

    Raises NotFound(`missing`) when what is left is not a valid Message-ID (no article can
    carry it).
    """
    cleaned = sanitize(message_id, multiline=False).strip()
    if not is_valid_message_id(cleaned):
        raise NotFound(missing)
    return cleaned


class ArticleService:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        *,
        domain: str,
        path_host: str,
        guests_read_only: bool = False,
    ) -> None:
        self._db = db
        self._bus = bus
        self._guests_read_only = guests_read_only  # demo board: guests may not post
        self._domain = domain
        self._path = path_host

    # ---- posting --------------------------------------------------------------------------
    async def post(
        self,
        user: User,
        groups: Sequence[str],
        subject: str,
        body: str,
        parent_message_id: str | None = None,
    ) -> PostResult:
        """Post a new thread or a follow-up; returns the PostResult (pending when held).

        `body` is the text as typed, one paragraph per line; it is stored as RFC 3676
        format=flowed (long paragraphs broken into soft lines of at most 78 characters).
        Control and invisible characters (escapes, bidi controls, zero-width characters,
        line separators) are stripped from every field, group names and the parent's
        Message-ID included. A group the user may not read counts as missing.

        Raises ValidationError (limits, empty), NotFound (group or parent), PermissionDenied
        (read-only group, locked thread, level too low, a guest on a board whose guests are
        read-only), StorageError (disk full).
        """
        subject, body = _clean(subject, body)
        return await self._store(
            user,
            groups,
            subject,
            encode_flowed(body),
            parent_message_id,
            date=None,
            message_id=None,
            flowed=True,
        )

    async def post_as_sent(
        self,
        user: User,
        groups: Sequence[str],
        subject: str,
        body: str,
        *,
        flowed: bool,
        parent_message_id: str | None = None,
        message_id: str | None = None,
    ) -> PostResult:
        """Post an article written elsewhere (a newsreader's POST): the rules of `post`
        (levels, read-only and moderated groups, locked threads, limits, guests), but the
        body is kept as it came, marked `flowed` (RFC 3676) or fixed as its sender declared:
        only control and invisible characters are taken out (CR LF becomes LF), trailing
        spaces (flowed soft breaks) and blank lines stay. The subject is sanitized as in
        `post`. `message_id`, when given, is the article's Message-ID (else the board makes
        one). Returns the PostResult (pending when a moderated group holds it). Raises
        ValidationError (limits, empty, an invalid Message-ID), NotFound (group or parent),
        PermissionDenied (as `post`), Conflict (an article with `message_id` exists),
        StorageError (disk full).
        """
        if message_id is not None:
            message_id = sanitize(message_id, multiline=False).strip()
            if not is_valid_message_id(message_id):
                raise ValidationError(f"'{message_id[:80]}' is not a valid Message-ID.")
        subject = sanitize(subject, multiline=False).strip()
        return await self._store(
            user,
            groups,
            subject,
            sanitize(body),
            parent_message_id,
            date=None,
            message_id=message_id,
            flowed=flowed,
        )

    async def import_article(
        self,
        author: User,
        groups: Sequence[str],
        subject: str,
        body: str,
        *,
        date: datetime,
        message_id: str,
        parent_message_id: str | None = None,
    ) -> PostResult:
        """Store an article written at `date` (timezone-aware) with a fixed `message_id`:
        how the demo seeder puts period articles on a board. Only the seeder calls it.

        The checks of `post` hold (every field sanitized, the subject and body limits, the
        author's right to post in each group, a locked thread); unlike `post` the body is
        kept as written (fixed lines, not flowed), the article is never held for moderation,
        and it carries `date` and `message_id`. Numbers are given in the order of calls, so
        call it in date order for numbers in date order. The full-text index follows as for
        any article. Returns the PostResult (never pending). Raises Conflict when an article
        with `message_id` exists, ValidationError (limits, an invalid Message-ID, a naive
        date), NotFound (group or parent), PermissionDenied (as `post`).
        """
        if date.tzinfo is None:
            raise ValidationError("An imported article's date needs a time zone.")
        message_id = sanitize(message_id, multiline=False).strip()
        if not is_valid_message_id(message_id):
            raise ValidationError(f"'{message_id[:80]}' is not a valid Message-ID.")
        subject, body = _clean(subject, body)
        return await self._store(
            author,
            groups,
            subject,
            body,
            parent_message_id,
            date=date,
            message_id=message_id,
            flowed=False,
            imported=True,
        )

    async def known_message_ids(self, message_ids: Sequence[str]) -> set[str]:
        """Which of `message_ids` are stored articles (any status): the seeder's check before
        it imports. Reads in chunks of 500, so any number may be asked. Never raises."""
        found: set[str] = set()
        async with self._db.read() as s:
            for start in range(0, len(message_ids), 500):
                chunk = list(message_ids[start : start + 500])
                found |= set(
                    await s.scalars(
                        select(ArticleRow.message_id).where(ArticleRow.message_id.in_(chunk))
                    )
                )
        return found

    async def _store(
        self,
        user: User,
        groups: Sequence[str],
        subject: str,
        body: str,
        parent_message_id: str | None,
        *,
        date: datetime | None,
        message_id: str | None,
        flowed: bool,
        imported: bool = False,
    ) -> PostResult:
        """`post`, `post_as_sent` and `import_article` after cleaning: `date` None for a post
        made now, `message_id` None for one the board names; `imported` (the seeder's
        articles) is never held for moderation. A given `message_id` is checked for being
        taken inside the write unit (Conflict)."""
        refusal = write_refusal(user, self._guests_read_only, "posting")
        if refusal:
            raise PermissionDenied(refusal)
        try:
            check_post(subject, body)
        except UsenetRuleError as exc:
            raise ValidationError(str(exc)) from None
        names = list(
            dict.fromkeys(
                n for n in (sanitize(g, multiline=False).strip().lower() for g in groups) if n
            )
        )
        if not names:
            raise ValidationError("Choose at least one group to post to.")
        if len(names) > MAX_CROSSPOST:
            raise ValidationError(f"A post may go to at most {MAX_CROSSPOST} groups.")
        if parent_message_id:
            parent_message_id = clean_message_id(parent_message_id, PARENT_GONE)
        stored = await self._db.write_unit(
            post_unit(
                user,
                names,
                subject,
                body,
                parent_message_id,
                message_id=message_id or make_message_id(self._domain),
                date=date or utcnow(),
                flowed=flowed,
                moderated=not imported,
                check_taken=message_id is not None,
            )
        )
        result = self._article(
            stored.row,
            stored.xref,
            stored.locked,
            readable={g.name for g in stored.groups},  # check_may_post: the poster reads all
            number=stored.xref[0][1] if stored.xref else 0,
            group=stored.groups[0].name,
            read=True,
        )
        if not stored.held:
            row = stored.row
            self._bus.publish(
                ArticlePosted(
                    row.id, row.message_id, tuple(g for g, _ in stored.xref), user.handle, subject
                )
            )
        return PostResult(article=result, pending=stored.held)

    def _article(
        self,
        row: Any,
        xref: Sequence[tuple[str, int]],
        locked: bool,
        *,
        number: int,
        group: str,
        read: bool,
        readable: Collection[str],
    ) -> Article:
        """The Article as its reader may see it: Newsgroups and Xref name only the groups in
        `readable` (the ones the reader's level may read), so a hidden group is never named."""
        return Article(
            head=head_of(row, number=number, read=read, group=group),
            body=shown_body(row.body, row.deleted),  # a tombstone, never the text kept under it
            newsgroups=tuple(n for n in row.newsgroups.split(",") if n in readable),
            xref=tuple((g, n) for g, n in xref if g in readable),
            status=Status(row.status),
            path=f"{self._path}!not-for-mail",
            lines=row.lines,
            thread_locked=locked,
            flowed=row.flowed,
        )

    # ---- reading --------------------------------------------------------------------------
    async def thread_page(
        self,
        user: User,
        group: str,
        *,
        cursor: tuple[datetime, int] | None = None,
        limit: int = 20,
        above: tuple[datetime, int] | None = None,
        from_end: bool = False,
    ) -> ThreadPage:
        """Threads by latest activity (keyset paging), each with its articles' heads.

        By default the `limit` threads after `cursor` (from the top without one); the page's
        cursor is passed back for the next page, None at the end. With `from_end` the last
        `limit` threads of the group (its cursor None, `skipped` the number of threads above
        it), in one query whatever the group's size. With `above` (a thread's key, as a
        cursor is) the `limit` threads just above that one; its cursor is passed back as
        `above` for the page above it, None at the top. Pages are always in list order.
        Raises NotFound (no such group, or one the user may not read).
        """
        return await self._db.read_quick(
            thread_page_unit(
                user,
                normalise_name(group),
                cursor=cursor,
                limit=limit,
                above=above,
                from_end=from_end,
            )
        )

    async def thread(self, user: User, group: str, thread_id: int) -> ThreadView:
        """One whole thread as seen in `group` (for navigation inside it). Raises NotFound
        (no such group, one the user may not read, no such thread)."""
        return await self._db.read_quick(thread_unit(user, normalise_name(group), thread_id))

    async def read_article(
        self, user: User, group: str, number: int, *, mark_read: bool = True
    ) -> Article:
        """The article with `number` in `group`, as `user` may see it (see _article).

        Marks it read in every group it is in that the user may read. Raises NotFound.
        One statement reads it all (see _open_statement), plus one write per group whose
        read marks change.
        """
        name = normalise_name(group)
        rows = await self._db.fetch(_OPEN, {"name": name, "number": number, "user_id": user.id})
        if not rows:
            raise NotFound(f"There is no group called '{group.strip()[:80]}'.")
        first = rows[0]
        if user.level < first.read_level:
            raise NotFound(f"There is no group called '{first.g_name}'.")  # hidden
        if first.id is None:
            raise NotFound(f"There is no article {number} in {first.g_name}.")
        current = {r.x_group: r.x_read for r in rows}
        was_read = number in RangeSet.parse(current.get(first.g_id) or "")
        readable = [r for r in rows if user.level >= r.x_level]
        if mark_read and not was_read:
            await self._db.write_unit(
                mark_read_unit(user.id, [(r.x_group, r.x_number) for r in readable], current)
            )
        return self._article(
            first,
            [(r.x_name, r.x_number) for r in rows],
            bool(first.locked),
            number=number,
            group=first.g_name,
            read=was_read or mark_read,
            readable={r.x_name for r in readable},
        )

    async def article_by_message_id(self, user: User, message_id: str) -> Article:
        """The posted article with this Message-ID, as `user` may see it.

        Raises NotFound when there is none, or it is only in groups the user may not read.
        """
        message_id = clean_message_id(message_id)
        async with self._db.read() as s:
            row = await s.scalar(select(ArticleRow).where(ArticleRow.message_id == message_id))
            if row is None or row.status != Status.POSTED:
                raise NotFound("No such article.")
            xref = (
                await s.execute(
                    select(GroupRow, XrefRow.number)
                    .join(XrefRow, XrefRow.group_id == GroupRow.id)
                    .where(XrefRow.article_id == row.id)
                )
            ).all()
            readable = [(g, n) for g, n in xref if user.level >= g.read_level]
            if not readable:
                raise NotFound("No such article.")
            thread = await s.get(ThreadRow, row.thread_id)
            g, n = readable[0]
            return self._article(
                row,
                [(gg.name, nn) for gg, nn in xref],
                bool(thread and thread.locked),
                number=n,
                group=g.name,
                read=False,
                readable={gg.name for gg, _ in readable},
            )

    async def mark(self, user: User, group: str, number: int, *, read: bool) -> None:
        """Mark one article read or unread, in every group it was posted to that the user
        may read (a hidden group gets no newsrc entry). Raises NotFound."""
        async with self._db.write() as s:
            g = await group_row(s, group)
            check_read(user, g)
            x = await s.get(XrefRow, (g.id, number))
            if x is None:
                raise NotFound(f"There is no article {number} in {g.name}.")
            marks = (
                await s.execute(
                    select(XrefRow.group_id, XrefRow.number)
                    .join(GroupRow, GroupRow.id == XrefRow.group_id)
                    .where(
                        XrefRow.article_id == x.article_id, GroupRow.read_level <= int(user.level)
                    )
                )
            ).all()
            await mark_numbers(s, user.id, [(m.group_id, m.number) for m in marks], read=read)

    async def mark_thread_read(self, user: User, group: str, thread_id: int) -> int:
        """Mark every article of one thread in `group` read (the thread list's K), in one
        read of the thread's numbers and one write of the read marks; a cross-posted article
        is marked in its other groups the user may read too, as `mark` does.

        Returns how many of the thread's articles in `group` were unread before (tombstones
        do not count). Raises NotFound (no such group, one the user may not read, or the
        thread is not in it).
        """
        async with self._db.write() as s:
            g = await group_row(s, group)
            check_read(user, g)
            in_group = select(XrefRow.article_id).where(
                XrefRow.group_id == g.id, XrefRow.thread_id == thread_id
            )
            marks = (
                await s.execute(
                    select(XrefRow.group_id, XrefRow.number)
                    .join(GroupRow, GroupRow.id == XrefRow.group_id)
                    .where(XrefRow.article_id.in_(in_group), GroupRow.read_level <= int(user.level))
                )
            ).all()
            here = [m.number for m in marks if m.group_id == g.id]
            if not here:
                raise NotFound("That thread is gone.")
            sub = await subscription(s, user.id, g.id)
            skip = skip_set(g, sub.read_ranges if sub else "")
            newly = sum(1 for n in here if n not in skip)
            await mark_numbers(s, user.id, [(m.group_id, m.number) for m in marks])
            return newly

    async def next_unread(self, user: User, group: str, after: int = 0) -> ArticleHead | None:
        """The first unread article numbered above `after` (wrapping to the start), or None.

        Raises NotFound (no such group, or one the user may not read)."""
        rows = await self._db.fetch(
            GROUP_WITH_READ, {"user_id": user.id, "name": normalise_name(group)}
        )
        if not rows:
            raise NotFound(f"There is no group called '{group.strip()[:80]}'.")
        g = rows[0]
        check_read(user, g)
        skip = skip_set(g, g.read_ranges or "")
        n = skip.first_missing(1, g.high, after)
        if n is None and after:
            n = skip.first_missing(1, g.high, 0)
        if n is None:
            return None
        heads = await self._db.fetch(_P_HEAD_AT, {"group_id": g.id, "number": n})
        return head_of(heads[0], number=n, read=False, group=g.name) if heads else None

    async def unread_in_thread_order(
        self, user: User, group: str, limit: int = 500
    ) -> list[ArticleHead]:
        """Unread articles of a group, thread by thread, each thread in tree order (new-scan)."""
        async with self._db.read() as s:
            g = await group_row(s, group)
            check_read(user, g)
            sub = await subscription(s, user.id, g.id)
            skip = skip_set(g, sub.read_ranges if sub else "")
            numbers = list(skip.missing_in(1, g.high, limit))
            if not numbers:
                return []
            rows = (
                await s.execute(
                    select(*HEAD_COLUMNS, XrefRow.number)
                    .join(XrefRow, XrefRow.article_id == ArticleRow.id)
                    .where(XrefRow.group_id == g.id, XrefRow.number.in_(numbers))
                )
            ).all()
        unread = [head_of(r, number=r.number, read=False, group=g.name) for r in rows]
        by_thread: dict[int, list[ArticleHead]] = {}
        for h in unread:
            by_thread.setdefault(h.thread_id, []).append(h)
        ordered: list[ArticleHead] = []
        for heads in sorted(by_thread.values(), key=lambda hs: min(h.date for h in hs)):
            ordered += [row.item for row in flatten(build_tree(heads))]
        return ordered

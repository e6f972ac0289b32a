"""Moderation: tombstone articles, lock threads, approve or reject held posts (the author is
told of a rejection by mail, with the moderator's reason)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import ArticleRow, GroupRow, PendingGroupRow, ThreadRow, UserRow, XrefRow
from retroboard.domain.boards import ArticleHead, Status
from retroboard.domain.community import LETTER_BODY_MAX, REJECT_REASON_MAX
from retroboard.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import ArticlePosted
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.text import sanitize
from retroboard.domain.users import Level, User
from retroboard.services.board_common import head_of
from retroboard.services.mail import MailService
from retroboard.services.publishing import publish

TOMBSTONE = "[This article was deleted by {who}.]"
# A deleted article's body is the tombstone, KEPT_MARK, then the text it had, so a moderator
# can undelete it; readers only ever get the tombstone (shown_body). The mark holds a control
# character, which posted text never does (domain.text.sanitize removes them).
KEPT_MARK = "\n\x1e\n"


def shown_body(body: str, deleted: bool) -> str:
    """The body a reader gets: a deleted article's tombstone without the text kept under it."""
    return body.split(KEPT_MARK, 1)[0] if deleted else body


REJECTED_SUBJECT = "Your post was not accepted: {subject}"
REJECTED_BODY = (
    "Moderator {moderator} did not accept your post to {groups}.\n"
    "\n"
    "Reason: {reason}\n"
    "\n"
    "Your post:\n"
    "\n"
    "Subject: {subject}\n"
    "\n"
    "{body}"
)


async def _current_level(s: AsyncSession, user: User) -> Level:
    """The user's level as the database has it now (a demotion counts at once), or GUEST for
    an account that was deleted or locked meanwhile."""
    row = (
        await s.execute(select(UserRow.level, UserRow.locked).where(UserRow.id == user.id))
    ).first()
    if row is None or row.locked:
        return Level.GUEST
    return Level(row.level)


async def _require_moderator(s: AsyncSession, user: User) -> None:
    """Raise PermissionDenied unless `user` is a moderator *now* (not when they logged in)."""
    if not user.is_moderator or await _current_level(s, user) < Level.MODERATOR:
        raise PermissionDenied("Only moderators and the sysop may do that.")


async def _thread_articles(s: AsyncSession, thread_id: int) -> list[ArticleRow]:
    """The thread's posted articles (held or rejected posts are not in it). NotFound if the
    thread is gone."""
    if await s.get(ThreadRow, thread_id) is None:
        raise NotFound("That thread is gone.")
    return list(
        (
            await s.scalars(
                select(ArticleRow)
                .where(ArticleRow.thread_id == thread_id, ArticleRow.status == Status.POSTED)
                .order_by(ArticleRow.id)
            )
        ).all()
    )


async def _mark_numbers(s: AsyncSession, row: ArticleRow, deleted: bool) -> None:
    """Add the article's numbers to (or take them from) each group's deleted numbers."""
    xrefs = (await s.execute(select(XrefRow).where(XrefRow.article_id == row.id))).scalars()
    for x in xrefs:
        g = await s.get(GroupRow, x.group_id)
        assert g is not None
        numbers = RangeSet.parse(g.deleted_numbers)
        if deleted:
            numbers.add(x.number)
        else:
            numbers.discard(x.number)
        g.deleted_numbers = str(numbers)


async def _tombstone(s: AsyncSession, row: ArticleRow, who: str) -> None:
    row.deleted = True
    row.body = TOMBSTONE.format(who=who) + KEPT_MARK + row.body
    await _mark_numbers(s, row, deleted=True)


async def _restore(s: AsyncSession, row: ArticleRow) -> None:
    row.deleted = False
    row.body = row.body.split(KEPT_MARK, 1)[1]
    await _mark_numbers(s, row, deleted=False)


class ModerationService:
    def __init__(self, db: Database, bus: EventBus, mail: MailService | None = None) -> None:
        self._db = db
        self._bus = bus
        self._mail = mail or MailService(db, bus)

    async def delete(self, user: User, article_id: int) -> None:
        """Replace an article with a tombstone; the thread tree keeps its place.

        Moderators may delete anything; an author may delete (cancel) their own article.
        """
        async with self._db.write() as s:
            row = await s.get(ArticleRow, article_id)
            if row is None or row.deleted:
                raise NotFound("That article is already gone.")
            if row.author_id != user.id:
                if not user.is_moderator:
                    raise PermissionDenied("You may only delete your own articles.")
                await _require_moderator(s, user)
            who = "its author" if row.author_id == user.id else f"moderator {user.handle}"
            await _tombstone(s, row, who)

    async def undelete(self, user: User, article_id: int) -> None:
        """Bring a deleted article back with the text it had. Moderators only (an author's
        cancel is final). Raises PermissionDenied (not a moderator now), NotFound (no such
        article, or it is not deleted), Conflict (it was deleted before deleted text was kept:
        there is nothing to bring back)."""
        async with self._db.write() as s:
            await _require_moderator(s, user)
            row = await s.get(ArticleRow, article_id)
            if row is None or not row.deleted:
                raise NotFound("That article is not deleted.")
            if KEPT_MARK not in row.body:
                raise Conflict("That article was deleted before its text was kept; it is gone.")
            await _restore(s, row)

    async def delete_thread(self, user: User, thread_id: int) -> int:
        """Delete every article of a thread (each keeps its place as a tombstone). Moderators
        only. Returns how many articles were deleted (0: all were already). Raises
        PermissionDenied (not a moderator now), NotFound (no such thread)."""
        async with self._db.write() as s:
            await _require_moderator(s, user)
            rows = await _thread_articles(s, thread_id)
            live = [r for r in rows if not r.deleted]
            for row in live:
                await _tombstone(s, row, f"moderator {user.handle}")
            return len(live)

    async def undelete_thread(self, user: User, thread_id: int) -> int:
        """Bring back every deleted article of a thread whose text was kept. Moderators only.
        Returns how many came back (articles deleted before text was kept stay deleted).
        Raises PermissionDenied (not a moderator now), NotFound (no such thread)."""
        async with self._db.write() as s:
            await _require_moderator(s, user)
            rows = await _thread_articles(s, thread_id)
            back = [r for r in rows if r.deleted and KEPT_MARK in r.body]
            for row in back:
                await _restore(s, row)
            return len(back)

    async def queue_count(self, user: User) -> int:
        """How many posts wait for a moderator. Raises PermissionDenied (not a moderator now)."""
        async with self._db.read() as s:
            await _require_moderator(s, user)
            n = await s.scalar(
                select(func.count())
                .select_from(ArticleRow)
                .where(ArticleRow.status == Status.PENDING)
            )
            return int(n or 0)

    async def lock(self, user: User, thread_id: int, locked: bool = True) -> None:
        async with self._db.write() as s:
            await _require_moderator(s, user)
            t = await s.get(ThreadRow, thread_id)
            if t is None:
                raise NotFound("That thread is gone.")
            t.locked = locked

    async def queue(self, user: User) -> list[tuple[ArticleHead, str, tuple[str, ...]]]:
        """Held posts, oldest first: (head, body, groups)."""
        async with self._db.read() as s:
            await _require_moderator(s, user)
            rows = (
                await s.scalars(
                    select(ArticleRow)
                    .where(ArticleRow.status == Status.PENDING)
                    .order_by(ArticleRow.id)
                )
            ).all()
            return [(head_of(r), r.body, tuple(r.newsgroups.split(","))) for r in rows]

    async def approve(self, user: User, article_id: int) -> None:
        async with self._db.write() as s:
            await _require_moderator(s, user)
            row = await s.get(ArticleRow, article_id)
            if row is None or row.status != Status.PENDING:
                raise NotFound("That post is no longer waiting.")
            pend = (
                await s.scalars(
                    select(PendingGroupRow).where(PendingGroupRow.article_id == article_id)
                )
            ).all()
            groups = [g for g in [await s.get(GroupRow, p.group_id) for p in pend] if g]
            row.status = Status.POSTED
            for p in pend:
                await s.delete(p)
            await s.flush()
            numbers = await self._db.in_session(
                s,
                lambda raw: publish(raw, row.id, row.thread_id, row.date, [g.id for g in groups]),
            )
            xref = [(g.name, n) for g, n in zip(groups, numbers, strict=True)]
        self._bus.publish(
            ArticlePosted(
                row.id, row.message_id, tuple(g for g, _ in xref), row.author, row.subject
            )
        )

    async def reject(self, user: User, article_id: int, reason: str = "") -> None:
        """Reject a held post and tell its author by mail, with `reason` (one line, at most
        REJECT_REASON_MAX characters once cleaned; may be empty). Raises PermissionDenied
        (not a moderator now), NotFound (the post is no longer waiting), ValidationError
        (an over-long reason; nothing is rejected)."""
        why = sanitize(reason, multiline=False).strip()
        if len(why) > REJECT_REASON_MAX:
            raise ValidationError(
                f"The reason is {len(why)} characters long; at most {REJECT_REASON_MAX}."
            )
        async with self._db.write() as s:
            await _require_moderator(s, user)
            row = await s.get(ArticleRow, article_id)
            if row is None or row.status != Status.PENDING:
                raise NotFound("That post is no longer waiting.")
            row.status = Status.REJECTED
            for p in (
                await s.scalars(
                    select(PendingGroupRow).where(PendingGroupRow.article_id == article_id)
                )
            ).all():
                await s.delete(p)
            author_id, subject, body = row.author_id, row.subject, row.body
            groups = row.newsgroups.replace(",", ", ")
        if author_id is None:
            return
        await self._mail.notify(
            user,
            author_id,
            REJECTED_SUBJECT.format(subject=subject),
            REJECTED_BODY.format(
                moderator=user.handle,
                groups=groups,
                reason=why or "(none given)",
                subject=subject,
                body=body[: LETTER_BODY_MAX // 2],
            ),
        )

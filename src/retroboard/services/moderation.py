"""Moderation: tombstone articles, lock threads, approve or reject held posts (the author is
told of a rejection by mail, with the moderator's reason)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import ArticleRow, GroupRow, PendingGroupRow, ThreadRow, UserRow, XrefRow
from retroboard.domain.boards import ArticleHead, Status
from retroboard.domain.community import LETTER_BODY_MAX, REJECT_REASON_MAX
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import ArticlePosted
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.text import sanitize
from retroboard.domain.users import Level, User
from retroboard.services.board_common import head_of
from retroboard.services.mail import MailService
from retroboard.services.publishing import publish

TOMBSTONE = "[This article was deleted by {who}.]"
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
            row.deleted = True
            row.body = TOMBSTONE.format(who=who)
            xrefs = (await s.execute(select(XrefRow).where(XrefRow.article_id == row.id))).scalars()
            for x in xrefs:
                g = await s.get(GroupRow, x.group_id)
                assert g is not None
                deleted = RangeSet.parse(g.deleted_numbers)
                deleted.add(x.number)
                g.deleted_numbers = str(deleted)

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
            numbers = await publish(s, row, [(g.id, g.name) for g in groups])
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

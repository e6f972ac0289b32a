"""Private mail: letters between members, with CC, forwarding, folders and the sysop's feedback.

Who may touch a letter is decided here and only here: its sender (until they delete it from
their sent folder) and its recipients (until each deletes it). Anyone else, a sysop included,
gets the same NotFound as for a letter that never existed, so an id reveals nothing. A letter
from someone a recipient ignores (the twit filter, `ignores`) is kept from that recipient
silently: the sender is not told. Each delivered letter publishes NoticeSent(kind="mail").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import IgnoreRow, LetterRecipientRow, LetterRow, UserRow, utc, utcnow
from retroboard.domain.community import (
    LETTER_BODY_MAX,
    LETTER_RECIPIENTS_MAX,
    LETTER_SUBJECT_MAX,
    MAILBOX_SHOWN,
    Letter,
    LetterHead,
)
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import NoticeSent
from retroboard.domain.guests import write_refusal
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import reply_subject
from retroboard.domain.users import HANDLE_MAX, Level, User

NO_SUCH_LETTER = "No such letter."
NOTICE_TEXT = "New letter from {sender}: {subject}"
NOTICE_SUBJECT_SHOWN = 60  # characters of the subject in the arrival notice
FORWARD_PREFIX = "Fwd: "


class UnknownRecipient(NotFound):
    """One or more handles name no member; `handles` lists them as typed (cleaned)."""

    def __init__(self, handles: Sequence[str]) -> None:
        self.handles = tuple(handles)
        names = ", ".join(f"'{h}'" for h in self.handles)
        word = "user" if len(self.handles) == 1 else "users"
        super().__init__(f"No {word} called {names}.")


@dataclass(frozen=True)
class ReplyHead:
    """What a reply to a letter starts with: its addressees, subject and the letter itself."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    reply_to_id: int
    letter: Letter


def split_handles(text: str) -> list[str]:
    """Handles typed on one line, separated by commas, semicolons or spaces, cleaned."""
    cleaned = sanitize(text, multiline=False)
    for sep in ",;":
        cleaned = cleaned.replace(sep, " ")
    return [h for h in cleaned.split() if h]


def _clean_handles(handles: Iterable[str]) -> list[str]:
    out: list[str] = []
    for h in handles:
        out.extend(split_handles(h))
    return out


def _fold(handles: Sequence[str], seen: set[str]) -> list[str]:
    """`handles` without repeats (case-insensitive), skipping those in `seen` (updated)."""
    kept: list[str] = []
    for h in handles:
        key = h.lower()
        if key not in seen:
            seen.add(key)
            kept.append(h)
    return kept


def _clean_subject(subject: str) -> str:
    text = sanitize(subject, multiline=False).strip()
    if not text:
        raise ValidationError("A letter needs a subject.")
    if len(text) > LETTER_SUBJECT_MAX:
        raise ValidationError(
            f"The subject is {len(text)} characters long; at most {LETTER_SUBJECT_MAX}."
        )
    return text


def _clean_body(body: str) -> str:
    text = sanitize(body).rstrip()
    if not text.strip():
        raise ValidationError("The letter is empty.")
    if len(text) > LETTER_BODY_MAX:
        raise ValidationError(
            f"The letter is {len(text)} characters long; at most {LETTER_BODY_MAX}."
        )
    return text


async def _addressees(
    s: AsyncSession, letter_ids: Sequence[int]
) -> dict[int, tuple[list[str], list[str]]]:
    """letter id -> (to handles, cc handles), in the order they were written."""
    out: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in letter_ids}
    if not letter_ids:
        return out
    rows = await s.execute(
        select(LetterRecipientRow.letter_id, LetterRecipientRow.kind, UserRow.handle)
        .join(UserRow, UserRow.id == LetterRecipientRow.user_id)
        .where(LetterRecipientRow.letter_id.in_(letter_ids))
        .order_by(LetterRecipientRow.letter_id, UserRow.handle_key)
    )
    for letter_id, kind, handle in rows:
        out[letter_id][1 if kind == "cc" else 0].append(handle)
    return out


def _head(row: LetterRow, names: tuple[list[str], list[str]], unread: bool) -> LetterHead:
    sent_at = utc(row.sent_at)
    assert sent_at is not None
    return LetterHead(
        id=row.id,
        sender=row.sender,
        to=tuple(names[0]),
        cc=tuple(names[1]),
        subject=row.subject,
        sent_at=sent_at,
        unread=unread,
    )


async def _visible(
    s: AsyncSession, user: User, letter_id: int
) -> tuple[LetterRow, LetterRecipientRow | None]:
    """The letter and the user's recipient row (None when only its sender), or NotFound: the
    same NotFound whether the letter does not exist, was deleted by this user, or is
    someone else's (a sysop has no key to others' mail)."""
    row = await s.get(LetterRow, letter_id)
    if row is None:
        raise NotFound(NO_SUCH_LETTER)
    mine = await s.scalar(
        select(LetterRecipientRow).where(
            LetterRecipientRow.letter_id == letter_id,
            LetterRecipientRow.user_id == user.id,
            LetterRecipientRow.deleted.is_(False),
        )
    )
    is_sender = row.sender_id == user.id and not row.sender_deleted
    if mine is None and not is_sender:
        raise NotFound(NO_SUCH_LETTER)
    return row, mine


class MailService:
    """Every method is one unit of work; arrivals publish NoticeSent after the commit."""

    def __init__(self, db: Database, bus: EventBus, *, guests_read_only: bool = False) -> None:
        self._db = db
        self._bus = bus
        self._guests_read_only = guests_read_only  # demo board: guests may not write letters

    # ------------------------------------------------------------------ writing

    async def send(
        self,
        sender: User,
        to: Sequence[str],
        cc: Sequence[str] = (),
        subject: str = "",
        body: str = "",
        reply_to: int | None = None,
    ) -> Letter:
        """Send a letter to the members `to` and `cc` (handles, case-insensitive; a string may
        hold several separated by commas or spaces). Returns the letter as its sender sees it.

        Repeated handles are folded (a handle in both To and CC stays in To only). Raises
        UnknownRecipient (a NotFound naming every unknown handle; nothing is sent),
        ValidationError (no recipient, more than LETTER_RECIPIENTS_MAX, an empty or over-long
        subject or body) or NotFound (`reply_to` is not a letter the sender may read).
        Recipients who ignore the sender do not get it (silently). A guest on a board whose
        guests are read-only is refused (PermissionDenied).
        """
        refusal = write_refusal(sender, self._guests_read_only, "a letter")
        if refusal:
            raise PermissionDenied(refusal)
        seen: set[str] = set()
        to_h = _fold(_clean_handles(to), seen)
        cc_h = _fold(_clean_handles(cc), seen)
        if not to_h:
            raise ValidationError("A letter needs at least one recipient (To:).")
        if len(to_h) + len(cc_h) > LETTER_RECIPIENTS_MAX:
            raise ValidationError(
                f"A letter may go to at most {LETTER_RECIPIENTS_MAX} members (To and CC)."
            )
        subject_text = _clean_subject(subject)
        body_text = _clean_body(body)
        async with self._db.write() as s:
            if reply_to is not None:
                await _visible(s, sender, reply_to)
            users = await self._resolve(s, to_h + cc_h)
            kinds = [(users[h.lower()], "to") for h in to_h] + [
                (users[h.lower()], "cc") for h in cc_h
            ]
            letter, delivered = await self._store(
                s, sender, kinds, subject_text, body_text, reply_to, honour_ignores=True
            )
        self._announce(sender.handle, subject_text, delivered)
        return letter

    async def feedback(self, sender: User, subject: str, body: str) -> Letter:
        """Mail the sysop: a letter to every sysop account (level sysop). Returns it as its
        sender sees it. Raises ValidationError (bad subject or body, or the board has no
        sysop account)."""
        subject_text = _clean_subject(subject)
        body_text = _clean_body(body)
        async with self._db.write() as s:
            sysops = (
                await s.execute(
                    select(UserRow.id, UserRow.handle)
                    .where(UserRow.level >= int(Level.SYSOP), UserRow.locked.is_(False))
                    .order_by(UserRow.handle_key)
                    .limit(LETTER_RECIPIENTS_MAX)
                )
            ).all()
            if not sysops:
                raise ValidationError("This board has no sysop account to write to.")
            kinds = [((uid, handle), "to") for uid, handle in sysops]
            letter, delivered = await self._store(
                s, sender, kinds, subject_text, body_text, None, honour_ignores=False
            )
        self._announce(sender.handle, subject_text, delivered)
        return letter

    async def notify(self, sender: User, recipient_id: int, subject: str, body: str) -> Letter:
        """A letter from staff about the recipient's own doings (a rejected post): delivered
        whatever the twit filter says. Raises NotFound (no such member), ValidationError."""
        subject_text = _clean_subject(subject[:LETTER_SUBJECT_MAX])
        body_text = _clean_body(body)
        async with self._db.write() as s:
            found = await s.get(UserRow, recipient_id)
            if found is None:
                raise NotFound("No such user.")
            kinds = [((found.id, found.handle), "to")]
            letter, delivered = await self._store(
                s, sender, kinds, subject_text, body_text, None, honour_ignores=False
            )
        self._announce(sender.handle, subject_text, delivered)
        return letter

    async def forward(
        self,
        user: User,
        letter_id: int,
        to: Sequence[str],
        cc: Sequence[str] = (),
        note: str = "",
    ) -> Letter:
        """Send a letter the user may read on to others, under `note` (may be empty), with
        its From/To/Date/Subject lines. Raises NotFound (not the user's letter),
        UnknownRecipient and ValidationError as `send` does."""
        original = await self.get(user, letter_id)
        head = original.head
        lines = [
            "----- Forwarded letter -----",
            f"From: {head.sender}",
            f"To: {', '.join(head.to)}",
        ]
        if head.cc:
            lines.append(f"CC: {', '.join(head.cc)}")
        lines += [
            f"Date: {head.sent_at:%Y-%m-%d %H:%M} UTC",
            f"Subject: {head.subject}",
            "",
            original.body,
        ]
        note_text = sanitize(note).strip()
        body = (note_text + "\n\n" if note_text else "") + "\n".join(lines)
        subject = head.subject
        if not subject.lower().startswith(FORWARD_PREFIX.lower()):
            subject = (FORWARD_PREFIX + subject)[:LETTER_SUBJECT_MAX]
        return await self.send(user, to, cc, subject, body)

    async def reply_head(self, user: User, letter_id: int, *, to_all: bool = False) -> ReplyHead:
        """How a reply to a letter the user may read starts: To the sender (and, `to_all`,
        everyone else it went to, in CC, the user left out), "Re: " subject. Raises NotFound."""
        letter = await self.get(user, letter_id)
        head = letter.head
        to = (head.sender,)
        cc: tuple[str, ...] = ()
        if to_all:
            me = user.handle.lower()
            skip = {me, head.sender.lower()}
            cc = tuple(h for h in head.to + head.cc if h.lower() not in skip)
        subject = reply_subject(head.subject)[:LETTER_SUBJECT_MAX]
        return ReplyHead(to=to, cc=cc, subject=subject, reply_to_id=head.id, letter=letter)

    async def reply(self, user: User, letter_id: int, body: str, *, to_all: bool = False) -> Letter:
        """Answer a letter the user may read (see `reply_head`); raises as `send` does."""
        start = await self.reply_head(user, letter_id, to_all=to_all)
        return await self.send(user, start.to, start.cc, start.subject, body, letter_id)

    async def addressees(
        self, to: Sequence[str], cc: Sequence[str] = ()
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The To and CC handles as registered, repeats folded as `send` folds them (so a
        composer can check them before the letter is written). Raises UnknownRecipient and
        ValidationError (more than LETTER_RECIPIENTS_MAX) as `send` does; an empty To is
        allowed here (the composer asks again)."""
        seen: set[str] = set()
        to_h = _fold(_clean_handles(to), seen)
        cc_h = _fold(_clean_handles(cc), seen)
        if len(to_h) + len(cc_h) > LETTER_RECIPIENTS_MAX:
            raise ValidationError(
                f"A letter may go to at most {LETTER_RECIPIENTS_MAX} members (To and CC)."
            )
        async with self._db.read() as s:
            users = await self._resolve(s, to_h + cc_h)
        return (
            tuple(users[h.lower()][1] for h in to_h),
            tuple(users[h.lower()][1] for h in cc_h),
        )

    # ------------------------------------------------------------------ reading

    async def inbox(self, user: User, limit: int = MAILBOX_SHOWN) -> list[LetterHead]:
        """Letters to the user (To or CC), newest first, not deleted, each marked unread
        until read. At most `limit` (bounded by MAILBOX_SHOWN)."""
        limit = max(1, min(limit, MAILBOX_SHOWN))
        async with self._db.read() as s:
            rows = (
                await s.execute(
                    select(LetterRow, LetterRecipientRow.read_at)
                    .join(LetterRecipientRow, LetterRecipientRow.letter_id == LetterRow.id)
                    .where(
                        LetterRecipientRow.user_id == user.id,
                        LetterRecipientRow.deleted.is_(False),
                    )
                    .order_by(LetterRow.id.desc())
                    .limit(limit)
                )
            ).all()
            names = await _addressees(s, [r.id for r, _ in rows])
            return [_head(r, names[r.id], read_at is None) for r, read_at in rows]

    async def sent(self, user: User, limit: int = MAILBOX_SHOWN) -> list[LetterHead]:
        """Letters the user sent and has not deleted from the sent folder, newest first
        (never marked unread)."""
        limit = max(1, min(limit, MAILBOX_SHOWN))
        async with self._db.read() as s:
            rows = (
                await s.scalars(
                    select(LetterRow)
                    .where(LetterRow.sender_id == user.id, LetterRow.sender_deleted.is_(False))
                    .order_by(LetterRow.id.desc())
                    .limit(limit)
                )
            ).all()
            names = await _addressees(s, [r.id for r in rows])
            return [_head(r, names[r.id], False) for r in rows]

    async def get(self, user: User, letter_id: int) -> Letter:
        """A letter the user may read, without marking it read. Raises NotFound."""
        async with self._db.read() as s:
            row, mine = await _visible(s, user, letter_id)
            names = await _addressees(s, [row.id])
            unread = mine is not None and mine.read_at is None
            return Letter(_head(row, names[row.id], unread), row.body, row.reply_to_id)

    async def read(self, user: User, letter_id: int) -> Letter:
        """A letter the user may read, marked read for them when they are a recipient (the
        returned head says whether it was unread before). Raises NotFound."""
        async with self._db.write() as s:
            row, mine = await _visible(s, user, letter_id)
            unread = mine is not None and mine.read_at is None
            if mine is not None and mine.read_at is None:
                mine.read_at = utcnow()
            names = await _addressees(s, [row.id])
            return Letter(_head(row, names[row.id], unread), row.body, row.reply_to_id)

    async def unread_count(self, user: User) -> int:
        """How many letters to the user are not yet read (deleted ones not counted)."""
        async with self._db.read() as s:
            n = await s.scalar(
                select(func.count())
                .select_from(LetterRecipientRow)
                .where(
                    LetterRecipientRow.user_id == user.id,
                    LetterRecipientRow.deleted.is_(False),
                    LetterRecipientRow.read_at.is_(None),
                )
            )
            return int(n or 0)

    async def delete(self, user: User, letter_id: int) -> None:
        """Hide a letter from the user: from their inbox when a recipient, from their sent
        folder when its sender (both when they wrote to themselves). Others keep their copy.
        Raises NotFound (not the user's letter, or already deleted)."""
        async with self._db.write() as s:
            row, mine = await _visible(s, user, letter_id)
            if mine is not None:
                mine.deleted = True
            if row.sender_id == user.id:
                row.sender_deleted = True

    # ------------------------------------------------------------------ internals

    async def _resolve(self, s: AsyncSession, handles: Sequence[str]) -> dict[str, tuple[int, str]]:
        """handle key -> (user id, handle as registered); UnknownRecipient for the rest."""
        keys = {h.lower() for h in handles if len(h) <= HANDLE_MAX}
        found: dict[str, tuple[int, str]] = {}
        if keys:
            rows = await s.execute(
                select(UserRow.handle_key, UserRow.id, UserRow.handle).where(
                    UserRow.handle_key.in_(keys)
                )
            )
            found = {key: (uid, handle) for key, uid, handle in rows}
        unknown = [h for h in handles if h.lower() not in found]
        if unknown:
            raise UnknownRecipient([h[: HANDLE_MAX + 10] for h in unknown])
        return found

    async def _store(
        self,
        s: AsyncSession,
        sender: User,
        recipients: Sequence[tuple[tuple[int, str], str]],
        subject: str,
        body: str,
        reply_to: int | None,
        *,
        honour_ignores: bool,
    ) -> tuple[Letter, list[int]]:
        """Write the letter and its recipient rows; returns it and who it was delivered to.
        A recipient who ignores the sender gets a row already deleted (they never see it)."""
        ignored_by: set[int] = set()
        ids = [uid for (uid, _), _ in recipients]
        if honour_ignores and ids:
            ignored_by = set(
                (
                    await s.scalars(
                        select(IgnoreRow.user_id).where(
                            and_(IgnoreRow.ignored_id == sender.id, IgnoreRow.user_id.in_(ids))
                        )
                    )
                ).all()
            )
        row = LetterRow(
            sender_id=sender.id,
            sender=sender.handle,
            subject=subject,
            body=body,
            sent_at=utcnow(),
            reply_to_id=reply_to,
            sender_deleted=False,
        )
        s.add(row)
        await s.flush()
        delivered: list[int] = []
        for (uid, _), kind in recipients:
            withheld = uid in ignored_by
            s.add(LetterRecipientRow(letter_id=row.id, user_id=uid, kind=kind, deleted=withheld))
            if not withheld:
                delivered.append(uid)
        await s.flush()
        names = await _addressees(s, [row.id])
        return Letter(_head(row, names[row.id], False), body, reply_to), delivered

    def _announce(self, sender: str, subject: str, recipients: Sequence[int]) -> None:
        shown = (
            subject
            if len(subject) <= NOTICE_SUBJECT_SHOWN
            else subject[: NOTICE_SUBJECT_SHOWN - 3] + "..."
        )
        text = NOTICE_TEXT.format(sender=sender, subject=shown)
        for uid in recipients:
            self._bus.publish(NoticeSent(text, "mail", to_user=uid))  # the text names them

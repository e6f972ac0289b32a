"""Drafts: the messages a user is writing (several, up to a cap), kept across dropped connections."""

from __future__ import annotations

import builtins

from sqlalchemy import func, select

from retroboard.db.engine import Database
from retroboard.db.tables import DraftRow, utc, utcnow
from retroboard.domain.boards import Draft
from retroboard.domain.community import LETTER_RECIPIENTS_MAX
from retroboard.domain.errors import ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import BODY_MAX, SUBJECT_MAX, is_valid_message_id
from retroboard.domain.users import HANDLE_MAX

KINDS = ("post", "mail")
DRAFTS_MAX = 20  # drafts kept per user; a new one past this is refused, none is dropped


def _handles(values: tuple[str, ...]) -> list[str]:
    """Handles for a letter draft: cleaned, no separators inside, bounded in count and size."""
    out = []
    for v in values:
        for part in sanitize(v, multiline=False).replace(";", " ").replace(",", " ").split():
            out.append(part[: HANDLE_MAX + 10])
    return out[: LETTER_RECIPIENTS_MAX * 2]


def encode_recipients(draft: Draft) -> str:
    """A letter draft's addressees for drafts.recipients: "to:a,b;cc:c;re:42" ('' for a post)."""
    if draft.kind != "mail":
        return ""
    parts = [f"to:{','.join(_handles(draft.to))}", f"cc:{','.join(_handles(draft.cc))}"]
    if draft.reply_to_id is not None:
        parts.append(f"re:{int(draft.reply_to_id)}")
    return ";".join(parts)


def decode_recipients(text: str) -> tuple[tuple[str, ...], tuple[str, ...], int | None]:
    """(to, cc, reply_to_id) from drafts.recipients; a bare list is the To handles."""
    to: list[str] = []
    cc: list[str] = []
    reply_to: int | None = None
    for part in text.split(";"):
        key, sep, value = part.partition(":")
        if not sep:
            key, value = "to", part
        names = [n for n in value.split(",") if n]
        if key == "to":
            to += names
        elif key == "cc":
            cc += names
        elif key == "re" and value.isdigit():
            reply_to = int(value)
    return tuple(to), tuple(cc), reply_to


def _as_draft(row: DraftRow) -> Draft:
    to, cc, reply_to = decode_recipients(row.recipients or "")
    return Draft(
        groups=tuple(g for g in row.groups.split(",") if g),
        subject=row.subject,
        body=row.body,
        parent_message_id=row.parent_message_id,
        updated_at=utc(row.updated_at),
        kind=row.kind if row.kind in KINDS else "post",
        to=to,
        cc=cc,
        reply_to_id=reply_to,
        id=row.id,
    )


class DraftService:
    def __init__(self, db: Database, limit: int = DRAFTS_MAX) -> None:
        self._db = db
        self.limit = limit

    async def save(self, user_id: int, draft: Draft, draft_id: int | None = None) -> int:
        """Keep `draft` for the user; returns its id.

        With `draft_id` (a draft of this user's that is still there) that draft is updated;
        otherwise a new one is kept beside the others: a draft never replaces another. Raises
        ValidationError when the user already keeps `limit` drafts (none is dropped to make room).
        Every field loses control and invisible characters, like a post; a parent
        Message-ID that is not valid once cleaned is dropped (the text is kept). A letter
        (`kind` "mail") keeps its To and CC handles and the letter it answers.
        """
        kind = draft.kind if draft.kind in KINDS else "post"
        body = sanitize(draft.body)[: BODY_MAX * 2]
        subject = sanitize(draft.subject, multiline=False)[:SUBJECT_MAX]
        groups = [
            name.strip()
            for g in draft.groups
            for name in sanitize(g, multiline=False).split(",")
            if name.strip()
        ]
        parent = sanitize(draft.parent_message_id or "", multiline=False).strip()
        async with self._db.write() as s:
            row = await s.get(DraftRow, draft_id) if draft_id is not None else None
            if row is None or row.user_id != user_id:
                kept = await s.scalar(
                    select(func.count()).select_from(DraftRow).where(DraftRow.user_id == user_id)
                )
                if (kept or 0) >= self.limit:
                    raise ValidationError(
                        f"You already keep {self.limit} unfinished messages, the most there is "
                        "room for: finish or discard one first."
                    )
                row = DraftRow(user_id=user_id)
                s.add(row)
            row.groups = ",".join(groups)
            row.subject = subject
            row.body = body
            row.parent_message_id = parent if is_valid_message_id(parent) else None
            row.updated_at = utcnow()
            row.kind = kind
            row.recipients = encode_recipients(draft) if kind == "mail" else ""
            await s.flush()
            return row.id

    async def list(self, user_id: int) -> builtins.list[Draft]:
        """The user's drafts, newest first (at most `limit`); [] when there are none."""
        async with self._db.read() as s:
            rows = await s.scalars(
                select(DraftRow)
                .where(DraftRow.user_id == user_id)
                .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
                .limit(self.limit * 2)
            )
            return [_as_draft(row) for row in rows]

    async def get(self, user_id: int, draft_id: int) -> Draft | None:
        """The user's draft `draft_id`, or None (also when it is someone else's)."""
        async with self._db.read() as s:
            row = await s.get(DraftRow, draft_id)
            if row is None or row.user_id != user_id:
                return None
            return _as_draft(row)

    async def discard(self, user_id: int, draft_id: int) -> None:
        """Forget the user's draft `draft_id` (nothing happens when it is not there or not
        the user's)."""
        async with self._db.write() as s:
            row = await s.get(DraftRow, draft_id)
            if row is not None and row.user_id == user_id:
                await s.delete(row)

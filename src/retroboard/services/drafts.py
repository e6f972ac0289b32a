"""Drafts: one message being written per user, kept across dropped connections."""

from __future__ import annotations

from retroboard.db.engine import Database
from retroboard.db.tables import DraftRow, utc, utcnow
from retroboard.domain.boards import Draft
from retroboard.domain.community import LETTER_RECIPIENTS_MAX
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import BODY_MAX, SUBJECT_MAX, is_valid_message_id
from retroboard.domain.users import HANDLE_MAX

KINDS = ("post", "mail")


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


class DraftService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, user_id: int, draft: Draft) -> None:
        """Keep `draft` as the user's one draft (replacing an older one); returns nothing.

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
            row = await s.get(DraftRow, user_id)
            if row is None:
                row = DraftRow(user_id=user_id)
                s.add(row)
            row.groups = ",".join(groups)
            row.subject = subject
            row.body = body
            row.parent_message_id = parent if is_valid_message_id(parent) else None
            row.updated_at = utcnow()
            row.kind = kind
            row.recipients = encode_recipients(draft) if kind == "mail" else ""

    async def get(self, user_id: int) -> Draft | None:
        """The user's draft, or None."""
        async with self._db.read() as s:
            row = await s.get(DraftRow, user_id)
            if row is None:
                return None
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
            )

    async def discard(self, user_id: int) -> None:
        """Forget the user's draft (nothing happens when there is none)."""
        async with self._db.write() as s:
            row = await s.get(DraftRow, user_id)
            if row is not None:
                await s.delete(row)

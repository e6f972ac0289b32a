"""Drafts: one message being written per user, kept across dropped connections."""

from __future__ import annotations

from retroboard.db.engine import Database
from retroboard.db.tables import DraftRow, utc, utcnow
from retroboard.domain.boards import Draft
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import BODY_MAX, SUBJECT_MAX, is_valid_message_id


class DraftService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, user_id: int, draft: Draft) -> None:
        """Keep `draft` as the user's one draft (replacing an older one); returns nothing.

        Every field loses control and invisible characters, like a post; a parent
        Message-ID that is not valid once cleaned is dropped (the text is kept).
        """
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

    async def get(self, user_id: int) -> Draft | None:
        """The user's draft, or None."""
        async with self._db.read() as s:
            row = await s.get(DraftRow, user_id)
            if row is None:
                return None
            return Draft(
                groups=tuple(g for g in row.groups.split(",") if g),
                subject=row.subject,
                body=row.body,
                parent_message_id=row.parent_message_id,
                updated_at=utc(row.updated_at),
            )

    async def discard(self, user_id: int) -> None:
        """Forget the user's draft (nothing happens when there is none)."""
        async with self._db.write() as s:
            row = await s.get(DraftRow, user_id)
            if row is not None:
                await s.delete(row)

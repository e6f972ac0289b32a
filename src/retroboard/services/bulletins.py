"""Bulletins: sysop-written news; who has seen which (users.last_bulletin_id)."""

from __future__ import annotations

import builtins

from sqlalchemy import delete, func, select, update

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import BulletinRow, UserRow, utc, utcnow
from retroboard.domain.community import BULLETIN_BODY_MAX, BULLETIN_TITLE_MAX, Bulletin
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.users import User

UNSEEN_MAX = 20  # bulletins shown at one logon at most (the newest)


def _bulletin(row: BulletinRow) -> Bulletin:
    created = utc(row.created_at)
    assert created is not None
    return Bulletin(row.id, row.title, row.body, row.author, created)


def clean_bulletin(title: str, body: str) -> tuple[str, str]:
    """The title (one line) and body (lines kept) cleaned of control, bidi and zero-width
    characters. Raises ValidationError for an empty or over-long title or body."""
    title = " ".join(sanitize(title, multiline=False).split())
    body = sanitize(body).strip("\n")
    if not title:
        raise ValidationError("A bulletin needs a title.")
    if len(title) > BULLETIN_TITLE_MAX:
        raise ValidationError(f"A bulletin's title is at most {BULLETIN_TITLE_MAX} characters.")
    if not body.strip():
        raise ValidationError("A bulletin needs some text.")
    if len(body) > BULLETIN_BODY_MAX:
        raise ValidationError(f"A bulletin is at most {BULLETIN_BODY_MAX} characters.")
    return title, body


class BulletinService:
    """One unit of work per method; errors are domain errors with messages fit to show."""

    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    async def add(self, author: User, title: str, body: str) -> Bulletin:
        """Publish a bulletin by `author` (counted as seen by them when they had seen all the
        others). Returns it. Raises PermissionDenied unless the author is a sysop,
        ValidationError for an empty or over-long title or body."""
        if not author.is_sysop:
            raise PermissionDenied("Only a sysop may write bulletins.")
        title, body = clean_bulletin(title, body)
        row = BulletinRow(title=title, body=body, author=author.handle, created_at=utcnow())
        async with self._db.write() as s:
            newest = int(await s.scalar(select(func.max(BulletinRow.id))) or 0)
            s.add(row)
            await s.flush()
            # The author has read it: not "new" at their own next logon (if they were up to date).
            await s.execute(
                update(UserRow)
                .where(UserRow.id == author.id, UserRow.last_bulletin_id >= newest)
                .values(last_bulletin_id=row.id)
                .execution_options(synchronize_session=False)
            )
        return _bulletin(row)

    async def list(self) -> list[Bulletin]:
        """Every bulletin, newest first."""
        async with self._db.read() as s:
            rows = await s.scalars(select(BulletinRow).order_by(BulletinRow.id.desc()))
            return [_bulletin(r) for r in rows]

    async def get(self, bulletin_id: int) -> Bulletin:
        """One bulletin. Raises NotFound."""
        async with self._db.read() as s:
            row = await s.get(BulletinRow, bulletin_id)
            if row is None:
                raise NotFound(f"No bulletin number {bulletin_id}.")
            return _bulletin(row)

    async def delete(self, by: User | None, bulletin_id: int) -> None:
        """Remove a bulletin. `by` None is the sysop at the console (the CLI). Raises
        PermissionDenied unless a sysop, NotFound for no such bulletin."""
        if by is not None and not by.is_sysop:
            raise PermissionDenied("Only a sysop may remove bulletins.")
        async with self._db.write() as s:
            gone = await s.execute(delete(BulletinRow).where(BulletinRow.id == bulletin_id))
            if not gone.rowcount:  # type: ignore[attr-defined]
                raise NotFound(f"No bulletin number {bulletin_id}.")

    async def last_seen(self, user: User) -> int:
        """The newest bulletin id the user has seen (0: none)."""
        async with self._db.read() as s:
            seen = await s.scalar(select(UserRow.last_bulletin_id).where(UserRow.id == user.id))
            return int(seen or 0)

    async def unseen(self, user: User) -> builtins.list[Bulletin]:
        """Bulletins newer than the last the user has seen, oldest first (the newest
        UNSEEN_MAX at most)."""
        async with self._db.read() as s:
            seen = await s.scalar(select(UserRow.last_bulletin_id).where(UserRow.id == user.id))
            rows = await s.scalars(
                select(BulletinRow)
                .where(BulletinRow.id > int(seen or 0))
                .order_by(BulletinRow.id.desc())
                .limit(UNSEEN_MAX)
            )
            return [_bulletin(r) for r in reversed(list(rows))]

    async def mark_seen(self, user: User, up_to_id: int) -> None:
        """Remember the user has seen every bulletin up to `up_to_id` (never goes back).
        Raises NotFound when the account is gone."""
        async with self._db.write() as s:
            row = await s.get(UserRow, user.id)
            if row is None:
                raise NotFound("No such user.")
            row.last_bulletin_id = max(int(row.last_bulletin_id or 0), up_to_id)

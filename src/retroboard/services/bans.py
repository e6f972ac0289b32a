"""Bans: add, list, remove and expire bans on addresses, networks and handles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import BanRow, utc, utcnow
from retroboard.domain.bans import REASON_MAX, Ban, BanKind, parse_target
from retroboard.domain.errors import Conflict, NotFound, ValidationError
from retroboard.domain.events import BansChanged
from retroboard.domain.text import sanitize

CREATED_BY_MAX = 40


def to_ban(row: BanRow) -> Ban:
    created = utc(row.created_at)
    assert created is not None
    kind: BanKind = row.kind  # type: ignore[assignment]
    return Ban(
        id=row.id,
        kind=kind,
        value=row.value,
        reason=row.reason,
        created_at=created,
        expires_at=utc(row.expires_at),
        created_by=row.created_by,
    )


def _target(text: str) -> tuple[BanKind, str]:
    try:
        return parse_target(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class BanService:
    """Every method is one unit of work; a change publishes BansChanged after its commit."""

    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    async def add(
        self,
        target: str,
        *,
        duration: timedelta | None = None,
        reason: str = "",
        by: str = "sysop",
    ) -> Ban:
        """Ban an address, a CIDR network or a handle, for `duration` or (None) for good.

        Returns the new Ban. Raises ValidationError (a target that is none of the three, a
        duration not above zero) or Conflict (the same target is already banned and in force).
        """
        kind, value = _target(target)
        if duration is not None and duration <= timedelta(0):
            raise ValidationError("A ban's duration must be longer than zero.")
        reason = sanitize(reason, multiline=False).strip()[:REASON_MAX]
        by = sanitize(by, multiline=False).strip()[:CREATED_BY_MAX]
        async with self._db.write() as s:
            now = utcnow()
            existing = await s.scalar(
                select(BanRow).where(
                    BanRow.kind == kind,
                    BanRow.value == value,
                    or_(BanRow.expires_at.is_(None), BanRow.expires_at > now),
                )
            )
            if existing is not None:
                raise Conflict(f"{value} is already banned (ban {existing.id}).")
            row = BanRow(
                kind=kind,
                value=value,
                reason=reason,
                created_at=now,
                expires_at=now + duration if duration is not None else None,
                created_by=by,
            )
            s.add(row)
            await s.flush()
            ban = to_ban(row)
        self._bus.publish(BansChanged())
        return ban

    async def active(self) -> list[Ban]:
        """Bans in force now (the connection guard keeps these in memory)."""
        return await self.list(include_expired=False)

    async def list(self, include_expired: bool = False) -> list[Ban]:
        """Bans in the order they were made; expired ones only with `include_expired`."""
        async with self._db.read() as s:
            q = select(BanRow).order_by(BanRow.id)
            if not include_expired:
                q = q.where(or_(BanRow.expires_at.is_(None), BanRow.expires_at > utcnow()))
            return [to_ban(r) for r in await s.scalars(q)]

    async def remove(self, target_or_id: str) -> int:
        """Lift the ban with this number, or every ban (in force or expired) on this target.

        Returns how many bans were removed. Raises ValidationError for a target that is none
        of address, network, handle or number, and NotFound when there was no such ban.
        """
        text = target_or_id.strip().removeprefix("#")
        if text.isdigit():
            where = BanRow.id == int(text)
            shown = f"number {text}"
        else:
            kind, value = _target(text)
            where = (BanRow.kind == kind) & (BanRow.value == value)
            shown = f"on {value}"
        async with self._db.write() as s:
            ids = list(await s.scalars(select(BanRow.id).where(where)))
            if not ids:
                raise NotFound(f"There is no ban {shown}.")
            await s.execute(delete(BanRow).where(BanRow.id.in_(ids)))
        self._bus.publish(BansChanged())
        return len(ids)

    async def purge_expired(self) -> int:
        """Delete bans whose time is up. Returns how many went (BansChanged if any did)."""
        async with self._db.write() as s:
            ids = list(
                await s.scalars(
                    select(BanRow.id).where(
                        BanRow.expires_at.is_not(None), BanRow.expires_at <= utcnow()
                    )
                )
            )
            if ids:
                await s.execute(delete(BanRow).where(BanRow.id.in_(ids)))
        if ids:
            self._bus.publish(BansChanged())
        return len(ids)

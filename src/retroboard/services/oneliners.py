"""The one-liners wall: add a line (at most ONELINER_MAX characters), list the latest."""

from __future__ import annotations

from sqlalchemy import select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import OneLinerRow, utc, utcnow
from retroboard.domain.community import ONELINER_MAX, ONELINERS_SHOWN, OneLiner
from retroboard.domain.errors import PermissionDenied, ValidationError
from retroboard.domain.guests import write_refusal
from retroboard.domain.text import sanitize
from retroboard.domain.users import User

LATEST_MAX = 100  # the most a caller may ask `latest` for


def clean_oneliner(text: str) -> str:
    """A one-liner as the wall will show it: one line, cleaned of control, bidi and
    zero-width characters, spaces squeezed. Raises ValidationError when empty or longer
    than ONELINER_MAX characters (never cut)."""
    cleaned = " ".join(sanitize(text, multiline=False).split())
    if not cleaned:
        raise ValidationError("A one-liner needs some text.")
    if len(cleaned) > ONELINER_MAX:
        raise ValidationError(
            f"A one-liner is at most {ONELINER_MAX} characters (that one has {len(cleaned)})."
        )
    return cleaned


def _oneliner(row: OneLinerRow) -> OneLiner:
    created = utc(row.created_at)
    assert created is not None
    return OneLiner(handle=row.handle, text=row.text, created_at=created)


class OneLinerService:
    """One unit of work per method; errors are domain errors with messages fit to show."""

    def __init__(self, db: Database, bus: EventBus, *, guests_read_only: bool = False) -> None:
        self._db = db
        self._bus = bus
        self._guests_read_only = guests_read_only  # demo board: guests may not write

    async def add(self, user: User, text: str) -> OneLiner:
        """Put `text` on the wall under the user's handle. Returns the stored one-liner.
        Raises ValidationError for an empty line or one over ONELINER_MAX characters,
        PermissionDenied for a guest on a board whose guests are read-only."""
        refusal = write_refusal(user, self._guests_read_only, "a one-liner")
        if refusal:
            raise PermissionDenied(refusal)
        cleaned = clean_oneliner(text)
        row = OneLinerRow(user_id=user.id, handle=user.handle, text=cleaned, created_at=utcnow())
        async with self._db.write() as s:
            s.add(row)
        return _oneliner(row)

    async def latest(self, n: int = ONELINERS_SHOWN) -> list[OneLiner]:
        """The newest `n` one-liners (at most LATEST_MAX), oldest first as a wall reads."""
        n = max(0, min(n, LATEST_MAX))
        async with self._db.read() as s:
            rows = await s.scalars(select(OneLinerRow).order_by(OneLinerRow.id.desc()).limit(n))
            return [_oneliner(r) for r in reversed(list(rows))]

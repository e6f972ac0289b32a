"""Pages and node messages: a one-line page to an online member, a yell for the sysop, a
sysop's broadcast to every node.

Every page goes out on the bus as `NoticeSent(kind="page")` to the recipient's user id, so
each of their sessions shows it through its own notice path (never written to another
terminal from here). Refusals are domain errors with a sentence fit to show: paging yourself,
a handle nobody has, a member who is not online, one with "do not disturb" on, one who
ignores the sender (worded exactly like "do not disturb", so the ignore is not revealed), an
empty or over-long line, more than PAGES_PER_MINUTE pages a minute. Sysops get through "do
not disturb" and the twit filter (the sysop may always break in, as on a BBS; both are passed
over alike so neither is revealed). The sysop's level is read from the database for every
sysop-only act, so a stale `User` cannot broadcast with an old level.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.fastpath import Prepared, Raw
from retroboard.db.tables import UserRow
from retroboard.domain.community import BROADCAST_MAX, PAGE_MAX
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import NoticeSent
from retroboard.domain.text import sanitize
from retroboard.domain.throttle import FailureLog
from retroboard.domain.users import HANDLE_MAX, Level, User
from retroboard.services.ignores import IgnoreService
from retroboard.services.presence import Presence

log = logging.getLogger(__name__)

_USERS = cast(Table, UserRow.__table__)
_PAGED = select(_USERS.c.id, _USERS.c.handle, _USERS.c.do_not_disturb)
_USER_BY_ID = Prepared(_PAGED.where(_USERS.c.id == bindparam("id")))
_USER_BY_KEY = Prepared(_PAGED.where(_USERS.c.handle_key == bindparam("key")))
_LEVEL = Prepared(select(_USERS.c.level).where(_USERS.c.id == bindparam("id")))

PAGES_PER_MINUTE = 5  # pages (and yells) one member may send in PAGE_WINDOW seconds
PAGE_WINDOW = 60.0
REASON_MAX = PAGE_MAX  # a yell's reason is one line too


def one_line(text: str) -> str:
    """`text` as one clean line: controls, bidi and zero-width characters gone, spaces
    collapsed."""
    return " ".join(sanitize(text, multiline=False).split())


@dataclass(frozen=True)
class Paged:
    """A page delivered: to whom (as they spell their handle) and on how many sessions."""

    to: str
    sessions: int


class PageService:
    """page / page_sysop / broadcast, and `online_handles` for a prompt that offers them."""

    def __init__(
        self,
        db: Database,
        bus: EventBus,
        presence: Presence,
        ignores: IgnoreService,
        *,
        per_minute: int = PAGES_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._bus = bus
        self._presence = presence
        self._ignores = ignores
        self._clock = clock
        self._per_minute = per_minute
        self._sent = FailureLog(PAGE_WINDOW, max_keys=5000, max_per_key=per_minute + 1)

    # ---- questions -------------------------------------------------------------------------
    def online_handles(self, but: str = "") -> list[str]:
        """The handles logged in now, each once, alphabetically (without `but`)."""
        seen: dict[str, str] = {}
        for user_id, handle in self._presence.members():
            if user_id and handle.lower() != but.lower():
                seen.setdefault(handle.lower(), handle)
        return [seen[k] for k in sorted(seen)]

    # ---- pages -----------------------------------------------------------------------------
    async def reachable(self, sender: User, handle: str) -> Paged:
        """Whether `sender` may page `handle` now, before any text is asked for: whom it
        would reach (as they spell their handle) and on how many sessions. Raises what `page`
        raises for the handle (yourself, nobody, not online, "do not disturb" or an ignore)."""
        return (await self._reach(sender, handle))[1]

    async def page(self, sender: User, session_id: str, handle: str, text: str) -> Paged:
        """Page the member `handle` with the line `text`, on every session they have.

        Returns whom it reached. Raises ValidationError (no handle, yourself, an empty or
        over-long line, "do not disturb" or an ignore — worded alike —, more than
        PAGES_PER_MINUTE a minute), NotFound (nobody has that handle, or they are not online).
        Nothing is sent when it raises."""
        to_id, paged = await self._reach(sender, handle)
        line = self._line(text, PAGE_MAX, "A page")
        self._count(sender)
        self._bus.publish(NoticeSent(line, "page", sender.handle, to_user=to_id))
        log.info("page from %s (session %s) to %s", sender.handle, session_id, paged.to)
        return paged

    async def _reach(self, sender: User, handle: str) -> tuple[int, Paged]:
        wanted = one_line(handle).lstrip("@")
        if not wanted:
            raise ValidationError("Page whom? Give a handle.")
        if len(wanted) > HANDLE_MAX:
            raise NotFound(f"No user called '{wanted[:HANDLE_MAX]}...'.")
        if wanted.lower() == sender.handle.lower():
            raise ValidationError("That is you: you cannot page yourself.")
        nodes = [uid for uid, h in self._presence.members() if uid and h.lower() == wanted.lower()]
        key = {"id": nodes[0]} if nodes else {"key": wanted.lower()}

        def unit(raw: Raw) -> tuple[Any, Any]:
            to = raw.first(_USER_BY_ID if nodes else _USER_BY_KEY, key)
            return to, raw.scalar(_LEVEL, {"id": sender.id})

        to, sender_level = await self._db.read_quick(unit)
        if to is None:
            raise NotFound(f"No user called '{wanted}'.")
        if not nodes:
            raise NotFound(f"{to.handle} is not online. Send them a letter instead.")
        override = (sender_level or 0) >= Level.SYSOP
        if not override and (
            to.do_not_disturb or await self._ignores.is_ignoring(to.id, sender.id)
        ):
            raise ValidationError(f"{to.handle} does not want to be disturbed right now.")
        return to.id, Paged(to.handle, len(nodes))

    async def page_sysop(self, sender: User, session_id: str, reason: str) -> int:
        """Yell for the sysop: `reason` shown on every session of every sysop online and
        written to the log with the sender. Returns how many sysop sessions it reached.

        Raises ValidationError (an empty or over-long reason, too many pages a minute) and
        NotFound when no sysop is online (the message suggests feedback mail)."""
        line = self._line(reason, REASON_MAX, "The reason")
        online = {n.user_id: n for n in self._presence.nodes() if n.user_id}
        if online:
            async with self._db.read() as s:
                rows = await s.scalars(
                    select(UserRow.id).where(
                        UserRow.id.in_(online), UserRow.level >= int(Level.SYSOP)
                    )
                )
                sysops = [i for i in rows.all() if i != sender.id]
        else:
            sysops = []
        log.info(
            "sysop paged by %s (session %s): %s%s",
            sender.handle,
            session_id,
            line,
            "" if sysops else " (no sysop online)",
        )
        if not sysops:
            raise NotFound(
                "No sysop is online right now. Leave them feedback mail (E-mail, then F)."
            )
        self._count(sender)
        for sysop_id in sysops:
            self._bus.publish(NoticeSent(line, "page", sender.handle, to_user=sysop_id))
        return sum(1 for n in self._presence.nodes() if n.user_id in sysops)

    async def broadcast(self, sender: User, text: str) -> int:
        """A sysop's notice to every node (logged in or not). Returns how many sessions it
        went to. Raises PermissionDenied for anyone but a sysop (the level as the database
        has it now), ValidationError for an empty or over-long line."""
        async with self._db.read() as s:
            level = await s.scalar(select(UserRow.level).where(UserRow.id == sender.id))
        if (level or 0) < Level.SYSOP:
            raise PermissionDenied("Only a sysop can broadcast to every node.")
        line = self._line(text, BROADCAST_MAX, "A broadcast")
        self._bus.publish(NoticeSent(line, "broadcast", sender.handle))
        count = len(self._presence)
        log.info("broadcast by %s to %d sessions: %s", sender.handle, count, line)
        return count

    # ---- inside ------------------------------------------------------------------------------
    @staticmethod
    def _line(text: str, limit: int, what: str) -> str:
        line = one_line(text)
        if not line:
            raise ValidationError(f"{what} needs some text.")
        if len(line) > limit:
            raise ValidationError(
                f"{what} is at most {limit} characters (that one has {len(line)})."
            )
        return line

    def _count(self, sender: User) -> None:
        """Count one page by `sender`; raises ValidationError past the limit (not counted)."""
        key, now = str(sender.id), self._clock()
        if self._sent.count(key, now) >= self._per_minute:
            raise ValidationError(
                f"Slow down: at most {self._per_minute} pages a minute. Try again shortly."
            )
        self._sent.add(key, now)

"""The connection guard: bans by address, caps per address and on pre-login lines, byte budgets.

Every transport asks `ConnectionGuard.admit(kind, address)` the moment a connection is
accepted, before any negotiation or password. The guard is in memory (it counts live
connections); the ban list is loaded into it from the database by the app (`load_bans`) at
start and whenever it changes.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from retroboard.domain.users import Level

log = logging.getLogger(__name__)


class BanLike(Protocol):
    """What the guard needs of a ban (domain.bans.Ban)."""

    @property
    def reason(self) -> str: ...

    @property
    def expires_at(self) -> datetime | None: ...

    def matches_address(self, ip: str) -> bool: ...

    def matches_handle(self, handle: str) -> bool: ...


@dataclass(frozen=True)
class Limits:
    """The numbers the guard enforces (from Settings)."""

    max_sessions: int = 2000
    max_prelogin: int = 64
    max_per_address: int = 40
    max_prelogin_per_address: int = 8
    sysop_reserve: int = 4
    prelogin_byte_budget: int = 65536
    # Connections the process can hold before it runs out of file descriptors (the open-file
    # limit minus what the database, logs and listeners need); 0 = no such limit known.
    fd_budget: int = 0


BUSY = "Sorry, all lines are busy. Please call again later."
ADDRESS_BUSY = (
    "Too many connections from your address right now. Please hang up one and call again."
)
PRELOGIN_BUSY = (
    "Too many callers from your address are logging in at once. Please call again in a minute."
)
RESERVE_ONLY = (
    "Sorry, all lines are busy; this line is kept for the sysop. Please call again later."
)


@functools.lru_cache(maxsize=4096)  # every connect parses its address two or three times
def normalise_address(address: str) -> str:
    """'::ffff:1.2.3.4' -> '1.2.3.4'; anything unparsable is kept as it is (a Unix socket)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def ban_text(board_name: str, ban: BanLike) -> str:
    """The ban screen: what a banned caller reads before the line drops."""
    why = f" Reason: {ban.reason}." if ban.reason else ""
    until = (
        f" The ban ends {ban.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC."
        if ban.expires_at
        else ""
    )
    return f"*** You are banned from {board_name}.{why}{until} ***"


class GuardTicket:
    """One connection's place in the guard's counts (see transports.base.Ticket)."""

    def __init__(
        self,
        guard: ConnectionGuard | None,
        kind: str,
        address: str,
        refusal: str | None,
        *,
        budget: int = 0,
        reserve: bool = False,
    ) -> None:
        self._guard = guard
        self.kind = kind
        self.address = address
        self.refusal = refusal
        self.reserve = reserve  # admitted on a sysop-only line
        self.logged_in = False
        self.bytes_in = 0
        self._budget = budget
        self._released = refusal is not None

    def take_bytes(self, n: int) -> bool:
        """Count `n` raw bytes from the client. False once a caller not yet logged in is over
        the pre-login budget (the transport then hangs up)."""
        self.bytes_in += n
        return self.logged_in or self.bytes_in <= self._budget

    def log_in(self, level: Level) -> str | None:
        """The caller logged in at `level`. Returns a refusal text when this line is kept for
        the sysop and the caller is not one; otherwise the line stops counting as pre-login."""
        if self.logged_in:
            return None
        if self.reserve and level < Level.SYSOP:
            return RESERVE_ONLY
        self.logged_in = True
        if self._guard is not None and not self._released:
            self._guard._promote(self.address)
        return None

    def release(self) -> None:
        """The connection is gone (safe to call more than once)."""
        if self._released:
            return
        self._released = True
        if self._guard is not None:
            self._guard._release(self.address, self.logged_in)


class ConnectionGuard:
    """Decides who may connect, and counts who is connected, by address."""

    def __init__(self, limits: Limits, board_name: str = "retroboard") -> None:
        self.limits = limits
        self.board_name = board_name
        self.total = 0
        self.prelogin = 0
        self.refused = 0
        self._per_address: dict[str, list[int]] = {}  # address -> [connections, pre-login]
        self._bans: list[BanLike] = []

    # ---- bans -----------------------------------------------------------------------------
    def load_bans(self, bans: Iterable[BanLike]) -> None:
        """Replace the in-memory ban list (the app calls this at start and on BansChanged)."""
        self._bans = list(bans)

    def ban_for_address(self, address: str) -> BanLike | None:
        now = datetime.now(UTC)
        ip = normalise_address(address)
        for ban in self._bans:
            if (ban.expires_at is None or ban.expires_at > now) and ban.matches_address(ip):
                return ban
        return None

    def ban_for_handle(self, handle: str) -> BanLike | None:
        now = datetime.now(UTC)
        for ban in self._bans:
            if (ban.expires_at is None or ban.expires_at > now) and ban.matches_handle(handle):
                return ban
        return None

    # ---- admission ------------------------------------------------------------------------
    def admit(self, kind: str, address: str) -> GuardTicket:
        """A new connection from `address`: a ticket that is admitted or carries a refusal."""
        address = normalise_address(address)
        refusal = self._refusal(address)
        if refusal is not None:
            self.refused += 1
            return GuardTicket(None, kind, address, refusal)
        lim = self.limits
        counts = self._per_address.setdefault(address, [0, 0])
        counts[0] += 1
        counts[1] += 1
        self.total += 1
        self.prelogin += 1
        return GuardTicket(
            self,
            kind,
            address,
            None,
            budget=lim.prelogin_byte_budget,
            reserve=self.total > lim.max_sessions,
        )

    def _refusal(self, address: str) -> str | None:
        ban = self.ban_for_address(address)
        if ban is not None:
            return ban_text(self.board_name, ban)
        lim = self.limits
        if lim.fd_budget and self.total >= lim.fd_budget:
            return BUSY
        if self.total >= lim.max_sessions + lim.sysop_reserve:
            return BUSY
        counts = self._per_address.get(address, (0, 0))
        if counts[0] >= lim.max_per_address:
            return ADDRESS_BUSY
        if counts[1] >= lim.max_prelogin_per_address:
            return PRELOGIN_BUSY
        if self.prelogin >= lim.max_prelogin:
            return BUSY
        return None

    def _promote(self, address: str) -> None:
        self.prelogin -= 1
        counts = self._per_address.get(address)
        if counts is not None:
            counts[1] -= 1

    def _release(self, address: str, logged_in: bool) -> None:
        self.total -= 1
        if not logged_in:
            self.prelogin -= 1
        counts = self._per_address.get(address)
        if counts is None:
            return
        counts[0] -= 1
        if not logged_in:
            counts[1] -= 1
        if counts[0] <= 0:
            del self._per_address[address]

    def stats(self) -> dict[str, int]:
        return {
            "connections": self.total,
            "prelogin": self.prelogin,
            "addresses": len(self._per_address),
            "refused": self.refused,
        }

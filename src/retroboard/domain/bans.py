"""Bans on an address, a network (CIDR) or a handle: parsing targets and durations, matching."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

BanKind = Literal["address", "network", "handle"]
KINDS: tuple[BanKind, ...] = ("address", "network", "handle")
REASON_MAX = 200
MAX_DURATION = timedelta(days=3650)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_HANDLE_RE = re.compile(r"[a-z][a-z0-9_.-]{1,19}")
_DURATION_PART = re.compile(r"(\d+)\s*([a-z]+)")
_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
}
_DURATION_HELP = "use a number and a unit, e.g. 90s, 30m, 2h, 7d or 1w"


def _parse_ip(text: str) -> IPAddress | None:
    """An address from text such as `1.2.3.4`, `::1`, `[::1]` or `fe80::1%eth0`; None if not one.

    An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) comes back as the IPv4 address.
    """
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]  # an IPv6 zone id says nothing about who is calling
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


@dataclass(frozen=True, slots=True)
class Ban:
    """One ban. `value` is normalised (see `parse_target`); `expires_at` None is for good."""

    id: int
    kind: BanKind
    value: str
    reason: str
    created_at: datetime
    expires_at: datetime | None
    created_by: str
    _net: IPNetwork | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown ban kind {self.kind!r}")
        if self.kind != "handle":
            try:
                net = ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                net = None  # a damaged row matches nothing rather than everything
            object.__setattr__(self, "_net", net)

    def active(self, now: datetime) -> bool:
        """True while the ban is in force at `now` (an aware UTC datetime)."""
        return self.expires_at is None or self.expires_at > now

    def matches_address(self, ip: str) -> bool:
        """True when an address or network ban covers the caller's address `ip`.

        `::ffff:1.2.3.4` is the IPv4 caller 1.2.3.4; text that is no address matches nothing.
        """
        if self._net is None:
            return False
        text = ip.strip().split("%", 1)[0].strip("[]")
        try:
            raw = ipaddress.ip_address(text)
        except ValueError:
            return False
        mapped = _parse_ip(text)
        return raw in self._net or (mapped is not None and mapped in self._net)

    def matches_handle(self, handle: str) -> bool:
        """True when this is a ban on `handle` (compared case-insensitively)."""
        return self.kind == "handle" and self.value == handle.strip().lower()

    @property
    def target(self) -> str:
        """What the sysop typed, normalised: `10.0.0.0/8`, `1.2.3.4` or `handle`."""
        return self.value


def parse_target(text: str) -> tuple[BanKind, str]:
    """What a ban is on: `(kind, normalised value)`. Raises ValueError saying what is wrong.

    An IP address becomes `address` (IPv4-mapped IPv6 as the IPv4 address), a CIDR `network`
    (host bits cleared: `10.1.2.3/8` is `10.0.0.0/8`; a /32 or /128 is an `address`), anything
    else a `handle`, lower-cased: 2 to 20 letters, digits, `_ . -`, starting with a letter.
    """
    text = text.strip()
    if not text:
        raise ValueError("Say what to ban: an address, a network such as 10.0.0.0/8, or a handle.")
    if "/" in text:
        try:
            net = ipaddress.ip_network(text.split("%", 1)[0], strict=False)
        except ValueError:
            raise ValueError(
                f"'{text[:60]}' is not a network: write it as an address and a prefix "
                "length, e.g. 192.0.2.0/24 or 2001:db8::/32."
            ) from None
        if isinstance(net, ipaddress.IPv6Network) and net.prefixlen >= 96:
            mapped = net.network_address.ipv4_mapped
            if mapped is not None:
                net = ipaddress.ip_network(f"{mapped}/{net.prefixlen - 96}", strict=False)
        if net.prefixlen == net.max_prefixlen:
            return "address", str(net.network_address)
        return "network", str(net)
    ip = _parse_ip(text)
    if ip is not None:
        return "address", str(ip)
    handle = text.lower()
    if _HANDLE_RE.fullmatch(handle):
        return "handle", handle
    if re.fullmatch(r"[0-9.]+|[0-9a-z.%\[\]]*:[0-9a-z.:%\[\]]*", handle):
        raise ValueError(f"'{text[:60]}' is not a valid IP address.")
    raise ValueError(
        f"'{text[:60]}' is not an address, a network (CIDR) or a handle "
        "(2 to 20 letters, digits, _ . -, starting with a letter)."
    )


def parse_duration(text: str) -> timedelta:
    """`90s`, `30m`, `2h`, `7d`, `1w` (or `1h30m`) as a timedelta. Raises ValueError.

    The result is more than zero and at most ten years (leave the duration out for good).
    """
    raw = text.strip().lower()
    if not raw:
        raise ValueError(f"A duration is empty: {_DURATION_HELP}.")
    total = 0
    pos = 0
    compact = raw.replace(" ", "")
    for m in _DURATION_PART.finditer(compact):
        if m.start() != pos:
            break
        unit = _UNITS.get(m.group(2))
        if unit is None:
            raise ValueError(
                f"'{text.strip()[:40]}': unknown unit '{m.group(2)}'; {_DURATION_HELP}."
            )
        total += int(m.group(1)) * unit
        pos = m.end()
    if pos != len(compact) or pos == 0:
        raise ValueError(f"'{text.strip()[:40]}' is not a duration: {_DURATION_HELP}.")
    if total <= 0:
        raise ValueError("A duration must be longer than zero.")
    if total > MAX_DURATION.total_seconds():
        raise ValueError("A duration is at most ten years; leave it out for a ban for good.")
    return timedelta(seconds=total)


def format_remaining(ban: Ban, now: datetime) -> str:
    """How long a ban still runs, for listings: `for good`, `3d 4h`, `12m`, `expired`."""
    if ban.expires_at is None:
        return "for good"
    left = int((ban.expires_at - now).total_seconds())
    if left <= 0:
        return "expired"
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{seconds}s"

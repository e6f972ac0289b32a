"""Modem speeds a session's output can be paced at, and how they are written ("14.4K")."""

from __future__ import annotations

# The speeds of the modems callers had, 1978 to 1994 (bits per second). 0 means unthrottled.
MODEM_SPEEDS = (300, 1200, 2400, 9600, 14400, 28800, 57600)
UNTHROTTLED = 0
BITS_PER_CHARACTER = 10  # 8 data bits, a start bit and a stop bit (8-N-1)


def is_speed(bps: int) -> bool:
    """True for a modem speed of MODEM_SPEEDS or UNTHROTTLED."""
    return bps == UNTHROTTLED or bps in MODEM_SPEEDS


def characters_per_second(bps: int) -> float:
    """What a line at `bps` carries: 2400 bps is 240 characters a second. 0 for unthrottled."""
    return bps / BITS_PER_CHARACTER


def speed_label(bps: int) -> str:
    """The speed as modems advertised it: "300", "2400", "14.4K", "28.8K", "57.6K"; "" for 0."""
    if bps == UNTHROTTLED:
        return ""
    if bps >= 10000 and bps % 1000:
        return f"{bps / 1000:.1f}K"
    return str(bps)


def parse_speed(text: str) -> int:
    """A speed typed by a sysop or a caller: "2400", "14400", "14.4k", "off"/"0" (unthrottled).
    Raises ValueError naming the speeds there are."""
    t = text.strip().lower().removesuffix("bps").strip()
    if t in ("0", "off", "none", "unthrottled", "full"):
        return UNTHROTTLED
    try:
        bps = int(float(t[:-1]) * 1000) if t.endswith("k") else int(t)
    except ValueError:
        bps = -1
    if bps not in MODEM_SPEEDS:
        speeds = ", ".join(str(s) for s in MODEM_SPEEDS)
        raise ValueError(f"a modem speed is one of {speeds} or 0 (unthrottled), not {text!r}")
    return bps

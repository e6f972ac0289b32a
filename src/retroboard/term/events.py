"""Input events a Terminal yields: keys, resizes, cursor reports, and the Disconnected error."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Key:
    """One keypress. `name` is the printable character itself, or a named key.

    Named keys: enter, backspace, delete, tab, escape, up, down, left, right, home, end,
    pgup, pgdn, insert, f1..f4, and ctrl-a..ctrl-z (except the ones that have names:
    ctrl-h is backspace, ctrl-i is tab, ctrl-m/ctrl-j are enter).
    """

    name: str

    @property
    def is_char(self) -> bool:
        """True for a printable character (including space)."""
        return len(self.name) == 1 and self.name.isprintable()

    @property
    def char(self) -> str:
        """The printable character, or '' for a named key."""
        return self.name if self.is_char else ""


@dataclass(frozen=True, slots=True)
class Resize:
    """The client's window changed size."""

    cols: int
    rows: int


Event = Key | Resize


@dataclass(frozen=True, slots=True)
class CursorReport:
    """The terminal's answer to a cursor-position request (ESC [ 6 n): ESC [ row ; col R.

    Not input for screens: the terminal hands it to whoever asked (the charset probe) and
    drops it otherwise, so it never reaches a key read. 1-based, as the terminal reports.
    """

    row: int
    col: int


@dataclass(frozen=True, slots=True)
class Wake:
    """Not input: something other than the client (a notice) wants the reader's attention."""


class Disconnected(Exception):
    """The connection is gone (closed, dropped, or idle too long)."""


class IdleTimeout(Disconnected):
    """The user was idle past the limit and has been disconnected."""

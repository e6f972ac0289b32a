"""Decode a byte stream from any client into Key events: one decoder for every transport."""

from __future__ import annotations

import codecs
import re

from retroboard.term.events import CursorReport, Key

# Final bytes of CSI sequences without parameters: ESC [ A etc.
_CSI_FINAL = {
    "A": "up",
    "B": "down",
    "C": "right",
    "D": "left",
    "H": "home",
    "F": "end",
    "K": "end",
    "P": "f1",
    "Q": "f2",
    "R": "f3",
    "S": "f4",
    "Z": "backtab",
}
# ESC [ n ~  (VT220 style)
_CSI_TILDE = {
    "1": "home",
    "2": "insert",
    "3": "delete",
    "4": "end",
    "5": "pgup",
    "6": "pgdn",
    "7": "home",
    "8": "end",
    "11": "f1",
    "12": "f2",
    "13": "f3",
    "14": "f4",
}
# ESC O x  (SS3, application cursor keys and VT100 PF keys)
_SS3 = {
    "A": "up",
    "B": "down",
    "C": "right",
    "D": "left",
    "H": "home",
    "F": "end",
    "P": "f1",
    "Q": "f2",
    "R": "f3",
    "S": "f4",
}
MAX_REPORTS = 4  # cursor reports held for the terminal to take (the charset probe asks for 2)
_CPR_PARAMS = re.compile(r"([0-9]{1,4});([0-9]{1,4})")
MAX_SEQ = 32  # longest escape sequence we wait for before giving up on it (then resync)


def _control_name(code: int) -> str | None:
    if code in (0x08, 0x7F):
        return "backspace"
    if code == 0x09:
        return "tab"
    if code in (0x0D, 0x0A):
        return "enter"
    if code == 0x1B:
        return "escape"
    if 1 <= code <= 26:
        return "ctrl-" + chr(ord("a") + code - 1)
    return None


class KeyDecoder:
    """Incremental bytes -> Key decoder.

    Handles every form of Enter (CR LF, CR NUL, CR, LF), Backspace as BS or DEL, CSI/SS3 cursor
    and function keys, and a lone ESC: when `pending_escape` is true after `feed`, the caller
    waits briefly and calls `flush()`, which turns an unfinished sequence into an Escape key.
    Invalid bytes in the chosen encoding are dropped, never raised.

    Bounded: an escape sequence longer than MAX_SEQ characters, or one broken by a byte that
    cannot be part of it, is dropped; a control character (ESC, Enter, ...) that breaks one is
    then decoded as itself, so the stream resynchronises at once. At most MAX_SEQ + 1
    characters and one partial character are ever held (`buffered`).

    A cursor-position report (ESC [ row ; col R, the answer to ESC [ 6 n) is not a key: it is
    kept in `reports` (the newest MAX_REPORTS) for the terminal to take with `take_reports`.
    (xterm's Shift/Ctrl-F3, ESC [ 1 ; m R, looks the same and is taken for a report too.)
    """

    __slots__ = ("_decoder", "_after_cr", "_seq", "reports")  # one per caller

    def __init__(self, encoding: str = "utf-8") -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="ignore")
        self._after_cr = False
        self._seq = ""  # an escape sequence being collected
        # A list kept to the newest MAX_REPORTS (an empty deque is ~600 bytes per session).
        self.reports: list[CursorReport] = []

    def set_encoding(self, encoding: str) -> None:
        """Switch the character set (e.g. utf-8 <-> cp437); any half character is dropped."""
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="ignore")

    @property
    def pending_escape(self) -> bool:
        """True while an ESC has arrived whose sequence is not finished."""
        return bool(self._seq)

    @property
    def buffered(self) -> int:
        """Characters held back: the unfinished escape sequence plus bytes of a partial
        character."""
        return len(self._seq) + len(self._decoder.getstate()[0])

    def feed(self, data: bytes) -> list[Key]:
        """Decode `data`; return the complete keys it finished."""
        out: list[Key] = []
        for ch in self._decoder.decode(data):
            self._char(ch, out)
        return out

    def take_reports(self) -> list[CursorReport]:
        """The cursor reports decoded since the last call, oldest first."""
        if not self.reports:
            return []
        out, self.reports = self.reports, []
        return out

    def flush(self) -> list[Key]:
        """Give up waiting for the rest of an escape sequence (a lone ESC was pressed)."""
        if not self._seq:
            return []
        seq, self._seq = self._seq, ""
        out = [Key("escape")]
        for ch in seq[1:]:
            self._char(ch, out)
        return out

    def _char(self, ch: str, out: list[Key]) -> None:
        if self._seq:
            self._sequence(ch, out)
            return
        code = ord(ch)
        if self._after_cr:
            self._after_cr = False
            if code in (0x0A, 0x00):  # CR LF or CR NUL: one Enter
                return
        if code == 0x0D:
            self._after_cr = True
            out.append(Key("enter"))
        elif code == 0x1B:
            self._seq = ch
        elif code < 0x20 or code == 0x7F:
            name = _control_name(code)
            if name:
                out.append(Key(name))
        elif 0x80 <= code < 0xA0:  # C1 controls: never a key
            return
        elif ch.isprintable():
            out.append(Key(ch))

    def _sequence(self, ch: str, out: list[Key]) -> None:
        self._seq += ch
        seq = self._seq
        if len(seq) == 2:
            if ch in "[O":
                return
            # ESC followed by something else: an Alt-key or a lone ESC then a key
            self._seq = ""
            out.append(Key("escape"))
            self._char(ch, out)
            return
        intro = seq[1]
        if intro == "O":
            self._seq = ""
            name = _SS3.get(ch)
            if name:
                out.append(Key(name))
            else:
                self._resync(ch, out)
            return
        # CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E
        if "\x40" <= ch <= "\x7e":
            self._seq = ""
            params = seq[2:-1]
            if ch == "~":
                name = _CSI_TILDE.get(params.split(";")[0])
            elif ch == "[" and len(seq) == 3:  # Linux console F-keys: ESC [ [ A
                self._seq = seq
                return
            elif len(seq) == 4 and seq[2] == "[":
                name = {"A": "f1", "B": "f2", "C": "f3", "D": "f4"}.get(ch)
            elif ch == "R" and (cpr := _CPR_PARAMS.fullmatch(params)):
                self.reports.append(CursorReport(int(cpr.group(1)), int(cpr.group(2))))
                del self.reports[:-MAX_REPORTS]
                return
            else:
                name = _CSI_FINAL.get(ch)
            if name:
                out.append(Key(name))
            return
        if not ("\x20" <= ch <= "\x3f"):
            self._seq = ""  # garbage inside a sequence: drop it
            self._resync(ch, out)
        elif len(seq) > MAX_SEQ:
            self._seq = ""  # endless parameters: drop them

    def _resync(self, ch: str, out: list[Key]) -> None:
        """`ch` broke an escape sequence: a control character still counts as itself (an ESC
        starts a new sequence, an Enter is still an Enter); anything else is dropped."""
        if ch < "\x20" or ch == "\x7f":
            self._char(ch, out)

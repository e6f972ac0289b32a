"""Output paced at a modem's speed: the credit model (`Pacer`) and the bounded byte queue it meters.

Both are pure (no clock of their own, no I/O): `StreamTerminal` runs one small task per paced
session that asks the pacer how much the line may take now, takes that much from the queue (cut
where no escape sequence or UTF-8 character is split) and sends it, then sleeps `wait()`.
"""

from __future__ import annotations

from dataclasses import dataclass

PACE_TICK = 0.04  # seconds between the chunks a paced session sends (its wake-ups)
CATCH_UP = 0.5  # seconds of credit a late wake-up may catch up on (never more in one burst)
SEQUENCE_MAX = 64  # bytes an escape sequence may run on past a cut before it is cut anyway
ESC = 0x1B


class Pacer:
    """Credit for a line carrying `rate` characters (bytes) a second.

    While output is waiting, credit grows at `rate` and is spent by what is sent, so over any
    stretch of continuous output the bytes sent are `rate` times the time taken, however late
    the sender wakes (up to CATCH_UP seconds of lateness are made good). Idle time earns nothing
    beyond one tick's worth: output after a pause starts with a small burst, never a flood.
    """

    def __init__(self, rate: float, tick: float = PACE_TICK) -> None:
        if rate <= 0:
            raise ValueError("a pacer needs a rate above 0 (unthrottled output has none)")
        self.rate = float(rate)
        self.tick = tick
        self._credit = 0.0
        self._stamp: float | None = None  # None: idle (the next output starts a burst)

    @property
    def burst(self) -> float:
        """Bytes sent at once when output starts after a pause (at least one)."""
        return max(1.0, self.rate * self.tick)

    def allowance(self, now: float) -> int:
        """Bytes the line may take at `now` (seconds, monotonic); 0 while in debt."""
        if self._stamp is None:
            self._credit = self.burst
        else:
            cap = max(self.burst, self.rate * CATCH_UP)
            self._credit = min(cap, self._credit + (now - self._stamp) * self.rate)
        self._stamp = now
        return max(0, int(self._credit))

    def spend(self, sent: int) -> None:
        """`sent` bytes went out (a chunk may overshoot the allowance: that is debt, repaid)."""
        self._credit -= sent

    def wait(self) -> float:
        """Seconds until the next chunk is due: a tick, or longer while paying off a debt."""
        short = 1.0 - self._credit  # bytes of credit still missing before a byte may go
        return max(self.tick, short / self.rate)

    def idle(self) -> None:
        """Nothing is waiting: the next output starts afresh (credit is not saved up)."""
        self._stamp = None
        self._credit = 0.0


def safe_cut(data: bytes | bytearray, at: int, utf8: bool) -> int:
    """The first position >= `at` where `data` may be cut without splitting an escape sequence
    (CSI, or ESC and one byte) or, when `utf8`, a UTF-8 character. A sequence still unfinished
    SEQUENCE_MAX bytes past `at` is cut at `at + SEQUENCE_MAX`."""
    size = len(data)
    if at <= 0 or at >= size:
        return max(0, min(at, size))
    start = data.rfind(b"\x1b", max(0, at - SEQUENCE_MAX), at)
    if start >= 0:
        end = _sequence_end(data, start)
        if end > at:
            return min(end, at + SEQUENCE_MAX, size)
    if utf8:
        limit = min(size, at + 4)
        while at < limit and 0x80 <= data[at] <= 0xBF:  # continuation bytes stay with their lead
            at += 1
    return at


def _sequence_end(data: bytes | bytearray, start: int) -> int:
    """Where the escape sequence starting at `start` ends (one past its final byte)."""
    size = len(data)
    i = start + 1
    if i >= size:
        return size + 1  # unfinished: it goes on in a later write
    if data[i] != ord("["):
        return i + 1  # ESC and one byte (ESC 7, ESC 8, ESC c...)
    i += 1
    while i < size and 0x20 <= data[i] <= 0x3F:  # parameters and intermediates
        i += 1
    return i + 1 if i < size else size + 1


COMPACT = 4096  # bytes already sent from a piece before its buffer is trimmed


@dataclass
class _Piece:
    data: bytearray
    skippable: bool
    sent: int = 0  # bytes of `data` already taken


class PaceQueue:
    """The bytes a paced session has written but the line has not yet carried, in the order
    written, each write remembered as a piece that is (or is not) skippable."""

    __slots__ = ("_pieces", "pending")  # one per caller

    def __init__(self) -> None:
        # A list, not a deque: an empty deque is ~600 bytes and most sessions are never paced;
        # pieces are few (writes of the same kind join the last one), so pop(0) is cheap.
        self._pieces: list[_Piece] = []
        self.pending = 0  # bytes waiting

    def __bool__(self) -> bool:
        return self.pending > 0

    def put(self, data: bytes, skippable: bool = False) -> None:
        if not data:
            return
        last = self._pieces[-1] if self._pieces else None
        if last is not None and last.skippable == skippable:
            last.data += data
        else:
            self._pieces.append(_Piece(bytearray(data), skippable))
        self.pending += len(data)

    @property
    def skippable(self) -> bool:
        """Some of what waits belongs to a skippable piece (art a key press may cut short)."""
        return any(p.skippable for p in self._pieces)

    def take(self, size: int, utf8: bool) -> bytes:
        """At least `size` bytes (fewer when fewer wait), ending where a cut is safe (see
        `safe_cut`); a chunk never runs across two pieces."""
        if not self._pieces or size <= 0:
            return b""
        piece = self._pieces[0]
        end = safe_cut(piece.data, piece.sent + size, utf8)
        chunk = bytes(piece.data[piece.sent : end])
        piece.sent = end
        if piece.sent >= len(piece.data):
            self._pieces.pop(0)
        elif piece.sent > COMPACT and piece.sent * 2 > len(piece.data):
            del piece.data[: piece.sent]  # a long run of writes: keep only what waits
            piece.sent = 0
        self.pending -= len(chunk)
        return chunk

    def skip(self, replacement: bytes = b"") -> int:
        """Drop what is left of every skippable piece, with `replacement` (an SGR reset) where
        the first of them was; returns the bytes dropped. Pieces are only ever cut where `take`
        left them, so no sequence or character is split."""
        dropped = 0
        kept: list[_Piece] = []
        for piece in self._pieces:
            if not piece.skippable:
                kept.append(piece)
                continue
            if not dropped and replacement:
                kept.append(_Piece(bytearray(replacement), False))
                self.pending += len(replacement)
            dropped += len(piece.data) - piece.sent
            self.pending -= len(piece.data) - piece.sent
        self._pieces = kept
        return dropped

    def take_all(self) -> bytes:
        """Everything waiting, at once (the speed went to unthrottled, or the line closes)."""
        out = b"".join(p.data[p.sent :] for p in self._pieces)
        self._pieces.clear()
        self.pending = 0
        return out

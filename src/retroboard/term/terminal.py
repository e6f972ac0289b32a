"""The Terminal every session talks to: decoded input events in, encoded text out.

Transports subclass `StreamTerminal` and provide `_send`, `_drain` and `_close` (and, to bound
output, `_write_buffer_size` and `_abort`); they call `feed()` with the raw bytes they read,
`resize()` on a window change and `lost()` when the peer goes away. The UI only ever uses
`info`, `read_input`, `write`, `drain` and `close`.

Every buffer is bounded: input is a small queue (a full queue stops the transport reading, so
TCP holds a fast sender back), keys are paced at `key_rate` per second, and output that a
client does not take (the transport's write buffer over `write_buffer_cap`, or `drain()` not
finishing within `drain_timeout`) hangs the client up with an abort, never a flush.

Output may be paced at a modem's speed (`set_pace`, term.pacing): writes then go to one bounded
queue that a small task per session meters out in chunks every PACE_TICK seconds (the event
loop is never held; the queue counts towards `write_buffer_cap`); a key press drops what is
left of a piece written as skippable (`write(text, skippable=True)`, `skippable()`).
Unthrottled output goes straight to the transport, as if there were no pacing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from retroboard.term.codec import encode
from retroboard.term.events import CursorReport, Disconnected, Event, Key, Resize, Wake
from retroboard.term.keys import KeyDecoder
from retroboard.term.pacing import PaceQueue, Pacer
from retroboard.term.profile import OutputFilter, Profile, profile_for

log = logging.getLogger(__name__)

ESC_WAIT = 0.06  # seconds to wait for the rest of an escape sequence before it is a lone ESC
DRAIN_TIMEOUT = 10.0  # a client that reads nothing for this long is dropped (bounded memory)
WRITE_BUFFER_CAP = 1 << 20  # bytes of output a client may leave untaken before it is dropped
CLOSE_GRACE = 2.0  # after a hang-up, seconds a client gets to take the goodbye before an abort
QUEUE_SIZE = 256  # input events buffered per session before the transport stops reading
FEED_PIECE = 256  # bytes decoded at a time (so at most this many keys wait outside the queue)
KEY_RATE = 2000  # keys per second a session may send; more are paced (delayed), never lost
BYTES_PER_KEY = 8  # input that yields no keys (garbage, sequences) is paced as a key per 8 bytes
LINE_MODE_MAX = 2000  # characters of one line from a line-mode client; the rest is dropped
TERM_TYPE_MAX = 40  # characters of a client-supplied terminal type that are kept
PACE_HIGH_WATER = 4096  # bytes a paced session may leave in the transport before it waits
SGR_RESET = b"\x1b[0m"  # sent where skipped art was cut, so its colours do not leak
T = TypeVar("T")
_TERM_TYPE_JUNK = re.compile(r"[^a-z0-9._+-]+")

MIN_COLS, MAX_COLS = 20, 400
MIN_ROWS, MAX_ROWS = 5, 200


@dataclass(frozen=True, slots=True)
class TermInfo:
    """What is known about the client's terminal."""

    kind: str = "fake"  # telnet | ssh | fake
    term_type: str = "ansi"
    cols: int = 80
    rows: int = 24
    encoding: str = "utf-8"  # utf-8 | cp437 | ascii
    colors: int = 16  # 0 (none), 8 (ANSI.SYS), 16, 256, 16777216
    peer: str = "-"
    # The client edits and echoes whole lines itself (ssh -T): no server echo, and a line of
    # one character is taken as that hotkey alone.
    line_mode: bool = False
    cursor: bool = True  # the terminal can address the cursor (full-screen drawing)
    upper: bool = False  # everything sent in upper case (an era's teletype: see term.profile)

    @property
    def unicode(self) -> bool:
        return self.encoding.replace("-", "").lower() == "utf8"

    @property
    def profile(self) -> Profile:
        """The capability profile every screen draws through (see term.profile)."""
        return Profile(
            charset=self.encoding, colors=self.colors, cursor=self.cursor, upper=self.upper
        )


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """Sizes outside what a screen can use (0 from a PTY-less ssh, 9999 from a liar) are clamped."""
    cols = 80 if cols <= 0 else min(max(cols, MIN_COLS), MAX_COLS)
    rows = 24 if rows <= 0 else min(max(rows, MIN_ROWS), MAX_ROWS)
    return cols, rows


def clean_term_type(term_type: str | None) -> str:
    """A client-supplied terminal type as it may be stored and logged: lower case, only
    [a-z0-9._+-], at most 40 characters; 'unknown' when nothing is left."""
    term = _TERM_TYPE_JUNK.sub("", (term_type or "").lower())
    return term[:TERM_TYPE_MAX] or "unknown"


def guess_info(
    kind: str, term_type: str | None, cols: int, rows: int, peer: str, line_mode: bool = False
) -> TermInfo:
    """Build TermInfo from what a transport learned: the capability profile from TERM (which
    is cleaned first: see `clean_term_type`) by `term.profile.profile_for`."""
    term = clean_term_type(term_type)
    profile = profile_for(term)
    c, r = clamp_size(cols, rows)
    return TermInfo(
        kind=kind,
        term_type=term,
        cols=c,
        rows=r,
        encoding=profile.charset,
        colors=profile.colors,
        peer=peer,
        line_mode=line_mode,
        cursor=profile.cursor,
    )


def _input_encoding(charset: str) -> str:
    """What to decode a client's bytes with: an ASCII terminal's bytes are read as UTF-8."""
    return "utf-8" if charset == "ascii" else charset


class TokenBucket:
    """A token bucket holding at most one second's worth: `take` says how long to wait."""

    __slots__ = ("_tokens", "_stamp")  # two per caller

    def __init__(self) -> None:
        self._tokens: float | None = None  # full on first use
        self._stamp = 0.0

    def take(self, cost: float, rate: float, now: float) -> float:
        """Spend `cost` tokens at `now` (seconds, monotonic); returns the seconds the caller
        should wait before going on (0.0 while within the rate). A rate <= 0 means no limit."""
        if rate <= 0:
            return 0.0
        if self._tokens is None:
            self._tokens = float(rate)
        else:
            self._tokens = min(float(rate), self._tokens + (now - self._stamp) * rate)
        self._stamp = now
        self._tokens -= cost
        return -self._tokens / rate if self._tokens < 0 else 0.0


class InputQueue(Generic[T]):
    """A bounded FIFO with asyncio.Queue's put/get/put_nowait/get_nowait/full/empty/qsize, in
    a fraction of its memory: an idle session's empty asyncio.Queue holds three deques and a
    lock-free event (~2.8 KB); this holds a list, and waiter lists only while someone waits.
    Items are few (at most `maxsize`, QUEUE_SIZE), so taking from the front of a list is cheap."""

    __slots__ = ("maxsize", "_items", "_getters", "_putters")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: list[T] = []
        self._getters: list[asyncio.Future[None]] | None = None
        self._putters: list[asyncio.Future[None]] | None = None

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._items)

    def put_nowait(self, item: T) -> None:
        """Add `item`; raises asyncio.QueueFull when full."""
        if self.full():
            raise asyncio.QueueFull
        self._items.append(item)
        self._wake_one(self._getters)

    def get_nowait(self) -> T:
        """The oldest item; raises asyncio.QueueEmpty when there is none."""
        if not self._items:
            raise asyncio.QueueEmpty
        item = self._items.pop(0)
        self._wake_one(self._putters)
        return item

    async def put(self, item: T) -> None:
        """Add `item`, waiting while the queue is full."""
        while self.full():
            if self._putters is None:
                self._putters = []
            await self._wait(self._putters, self.full)
        self.put_nowait(item)

    async def get(self) -> T:
        """The oldest item, waiting while there is none."""
        while not self._items:
            if self._getters is None:
                self._getters = []
            await self._wait(self._getters, self.empty)
        return self.get_nowait()

    async def _wait(self, waiters: list[asyncio.Future[None]], blocked: Callable[[], bool]) -> None:
        fut = asyncio.get_running_loop().create_future()
        waiters.append(fut)
        try:
            await fut
        except BaseException:
            fut.cancel()
            if fut in waiters:
                waiters.remove(fut)
            if not blocked():  # woken, but cancelled: pass the turn on (as asyncio.Queue)
                self._wake_one(waiters)
            raise

    @staticmethod
    def _wake_one(waiters: list[asyncio.Future[None]] | None) -> None:
        while waiters:
            fut = waiters.pop(0)
            if not fut.done():
                fut.set_result(None)
                return


class StreamTerminal:
    """A Terminal over a byte stream; transports fill in the I/O hooks."""

    # Slots: one of these is held by every caller, and with more than 30 attributes (with a
    # transport's own) an instance dict no longer shares its keys and costs ~1.5 KB.
    # Subclasses without __slots__ (tests') get a __dict__ for their own attributes.
    __slots__ = (
        "_info",
        "_filter",
        "_decoder",
        "_queue",
        "_wake_pending",
        "_esc_timer",
        "_abort_timer",
        "_closed",
        "_hung_up",
        "_eof_read",
        "_dropped",
        "_bucket",
        "_line_len",
        "bytes_out",
        "drain_timeout",
        "write_buffer_cap",
        "key_rate",
        "_pacer",
        "_paced",
        "_pump",
        "_paced_done",
        "_skippable",
        "pace_clock",
        "pace_sleep",
        "probe_deadline",
        "probed_charset",
        "_cursor_reports",
    )

    def __init__(self, info: TermInfo) -> None:
        self._info = info
        self._filter = OutputFilter(info.profile)
        self._decoder = KeyDecoder(_input_encoding(info.encoding))
        # None: the connection is gone (the sentinel after the last key)
        self._queue: InputQueue[Event | Wake | None] = InputQueue(QUEUE_SIZE)
        self._wake_pending = False
        self._esc_timer: asyncio.TimerHandle | None = None
        self._abort_timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._hung_up = False
        self._eof_read = False  # the UI has been told Disconnected: every later read raises
        self._dropped = False
        self._bucket = TokenBucket()
        self._line_len = 0  # characters of the current line from a line-mode client
        self.bytes_out = 0
        self.drain_timeout = DRAIN_TIMEOUT
        self.write_buffer_cap = WRITE_BUFFER_CAP
        # Keys per second this caller may send (the app sets it from settings); faster input
        # is delayed, which with the transport's back-pressure slows the client down.
        self.key_rate: float = KEY_RATE
        # Output pacing (set_pace): the credit model, the one queue, the task metering it.
        self._pacer: Pacer | None = None
        self._paced = PaceQueue()
        self._pump: asyncio.Task[None] | None = None
        self._paced_done: asyncio.Event | None = None  # set when the queue is empty again
        self._skippable = 0  # depth of `skippable()` blocks
        self.pace_clock: Callable[[], float] = time.monotonic  # tests swap in a fake clock
        self.pace_sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
        # Seconds the session may spend asking the client which character set it shows (see
        # term.probe); 0 never asks. The transport sets it; what the probe found is kept in
        # `probed_charset` (a member's 'auto' character set is this one).
        self.probe_deadline = 0.0
        self.probed_charset: str | None = None
        self._cursor_reports: asyncio.Queue[CursorReport] | None = None

    @property
    def info(self) -> TermInfo:
        return self._info

    @info.setter
    def info(self, info: TermInfo) -> None:
        self._info = info
        self._filter = OutputFilter(info.profile)

    # ---- called by the transport -------------------------------------------------------
    async def feed(self, data: bytes) -> None:
        """Hand raw input bytes to the decoder; waits (back-pressure) while the UI is behind,
        and while the caller is over `key_rate` keys per second. Nothing is dropped (except
        the tail of an overlong line from a line-mode client). Decoded a piece at a time, so
        a session holds at most FEED_PIECE keys besides its queue."""
        if self._closed:
            return
        if self._esc_timer:
            self._esc_timer.cancel()
            self._esc_timer = None
        loop = asyncio.get_running_loop()
        # A one-character line from a line-mode client is a hotkey (the packet is the line).
        hotkey = self.info.line_mode and len(data) <= FEED_PIECE
        for start in range(0, len(data), FEED_PIECE):
            piece = data[start : start + FEED_PIECE]
            keys = self._decoder.feed(piece)
            for report in self._decoder.take_reports():
                if self._cursor_reports is not None and not self._cursor_reports.full():
                    self._cursor_reports.put_nowait(report)
            if self.info.line_mode:
                if hotkey and len(keys) == 2 and keys[0].is_char and keys[1].name == "enter":
                    keys.pop()
                keys = self._cap_line(keys)
            if keys and self._paced.skippable:
                self._skip()
            for key in keys:
                await self._queue.put(key)
                if self._closed:
                    return
            cost = max(len(keys), len(piece) / BYTES_PER_KEY)
            delay = self._bucket.take(cost, self.key_rate, loop.time())
            if delay > 0:
                await asyncio.sleep(delay)
                if self._closed:
                    return
        if self._decoder.pending_escape:
            self._esc_timer = loop.call_later(ESC_WAIT, self._flush_escape)

    def _cap_line(self, keys: list[Key]) -> list[Key]:
        """A line-mode client sends whole lines: past LINE_MODE_MAX characters the rest of the
        line is dropped (its Enter is kept)."""
        kept: list[Key] = []
        for key in keys:
            if key.name == "enter":
                self._line_len = 0
            elif self._line_len >= LINE_MODE_MAX:
                continue
            else:
                self._line_len += 1
            kept.append(key)
        return kept

    def _flush_escape(self) -> None:
        self._esc_timer = None
        if self._closed:
            return
        if self._queue.maxsize - self._queue.qsize() < self._decoder.buffered + 1:
            # No room for what the flush yields: try again once the UI has read some.
            self._esc_timer = asyncio.get_running_loop().call_later(ESC_WAIT, self._flush_escape)
            return
        for key in self._decoder.flush():
            if not self._queue.full():
                self._queue.put_nowait(key)

    def resize(self, cols: int, rows: int) -> None:
        """The client reported a new window size."""
        cols, rows = clamp_size(cols, rows)
        if (cols, rows) == (self.info.cols, self.info.rows):
            return
        self.info = replace(self.info, cols=cols, rows=rows)
        if self._queue.full():
            return  # the UI will redraw at the size in `info` when it catches up
        self._queue.put_nowait(Resize(cols, rows))

    def set_term_type(self, term_type: str) -> None:
        """A late terminal type (telnet TTYPE) may change encoding and colours."""
        new = guess_info(
            self.info.kind,
            term_type,
            self.info.cols,
            self.info.rows,
            self.info.peer,
            self.info.line_mode,
        )
        self.info = new
        self._decoder.set_encoding(_input_encoding(new.encoding))

    def set_encoding(self, encoding: str) -> None:
        """Switch the character set both ways (a user's preference overriding the guess); the
        colour depth follows the profile of the new character set."""
        if encoding not in ("utf-8", "cp437", "ascii"):
            raise ValueError(f"unsupported encoding {encoding!r}")
        profile = profile_for(self.info.term_type, encoding)
        self.info = replace(
            self.info, encoding=profile.charset, colors=profile.colors, cursor=profile.cursor
        )
        self._decoder.set_encoding(_input_encoding(profile.charset))

    def lost(self) -> None:
        """The peer went away: wake any reader with Disconnected. Never raises."""
        if self._closed:
            return
        self._closed = True
        if self._esc_timer:
            self._esc_timer.cancel()
            self._esc_timer = None
        # Keys already queued are still read; the sentinel after them wakes a waiting reader.
        # (A feed blocked on the full queue may add one key after it: it is never read.)
        while self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(None)
        self._paced_empty()  # wake a drain waiting for paced output

    # ---- used by the UI ------------------------------------------------------------------
    @contextmanager
    def cursor_reports(self, maxsize: int = 4) -> Iterator[asyncio.Queue[CursorReport]]:
        """While the block runs, the client's cursor-position reports (answers to ESC [ 6 n)
        go into the returned queue (at most `maxsize`; more are dropped); outside it they are
        dropped. Keys typed meanwhile stay in the input queue, in order."""
        queue: asyncio.Queue[CursorReport] = asyncio.Queue(maxsize)
        self._cursor_reports = queue
        try:
            yield queue
        finally:
            self._cursor_reports = None

    def send_bytes(self, data: bytes) -> None:
        """Send `data` exactly as given (no profile filter, no character set): for terminal
        queries such as the charset probe's, which must reach the client unchanged."""
        if self._closed or not data:
            return
        self.bytes_out += len(data)
        self._send(data)

    @property
    def closed(self) -> bool:
        return self._closed

    async def read_input(self) -> Event:
        """Next Key or Resize. Raises Disconnected once the connection is gone (and on every
        read after that)."""
        while True:
            event = await self.next_event()
            if not isinstance(event, Wake):
                return event

    async def next_event(self) -> Event | Wake:
        """Next Key, Resize or Wake (see `wake`). Raises Disconnected once the connection is
        gone (and on every read after that)."""
        if self._eof_read or (self._closed and self._queue.empty()):
            self._eof_read = True
            raise Disconnected()
        event = await self._queue.get()
        if event is None:
            self._eof_read = True
            raise Disconnected()
        if isinstance(event, Wake):
            self._wake_pending = False
        return event

    def poll_event(self) -> Event | Wake | None:
        """An event already waiting, or None (never blocks). Raises Disconnected like
        `next_event` once the connection is gone and nothing is left to read."""
        if self._queue.empty():
            if self._eof_read or self._closed:
                self._eof_read = True
                raise Disconnected()
            return None
        event = self._queue.get_nowait()
        if event is None:
            self._eof_read = True
            raise Disconnected()
        if isinstance(event, Wake):
            self._wake_pending = False
        return event

    def wake(self) -> None:
        """Wake a reader waiting in `next_event` (something besides input wants its attention).
        At most one wake is queued; with a full queue the reader is busy anyway."""
        if self._closed or self._wake_pending or self._queue.full():
            return
        self._wake_pending = True
        self._queue.put_nowait(Wake())

    async def read_key(self) -> Key:
        """Next Key, skipping resizes (for prompts that do not redraw)."""
        while True:
            event = await self.read_input()
            if isinstance(event, Key):
                return event

    def write(self, text: str, skippable: bool = False) -> None:
        """Queue text for the client: newlines become CR LF, unencodable characters become '?'.
        A client that has left more than `write_buffer_cap` bytes untaken (paced output
        waiting included) is dropped here. `skippable`: a key press while this text is still
        being paced drops the rest of it (long art); unpaced output is never skipped."""
        if self._closed or not text:
            return
        text = self._filter(text.replace("\r\n", "\n").replace("\n", "\r\n"))
        data = encode(text, self.info.encoding)
        self.bytes_out += len(data)
        if self._pacer is None:
            self._send(data)
        else:
            self._paced.put(data, skippable or self._skippable > 0)
            self._start_pump()
        if self._buffered_out() + self._paced.pending > self.write_buffer_cap:
            self.drop(f"over {self.write_buffer_cap} bytes unsent")

    # ---- output pacing ---------------------------------------------------------------------
    @property
    def pace(self) -> float:
        """Characters a second output is paced at; 0.0 when unthrottled."""
        return self._pacer.rate if self._pacer is not None else 0.0

    @property
    def paced_pending(self) -> int:
        """Bytes written but still waiting for the paced line."""
        return self._paced.pending

    def set_pace(self, rate: float) -> None:
        """Pace output at `rate` characters (bytes) a second from now on; 0 or less:
        unthrottled (anything still waiting goes out at once)."""
        if rate <= 0:
            self._pacer = None
            if self._paced:
                self._send(self._paced.take_all())
                self._paced_empty()
            return
        if self._pacer is None or self._pacer.rate != rate:
            self._pacer = Pacer(rate)

    @contextmanager
    def skippable(self) -> Iterator[None]:
        """Every write inside the block is skippable (see `write`)."""
        self._skippable += 1
        try:
            yield
        finally:
            self._skippable -= 1

    def _skip(self) -> None:
        """A key press: drop what is left of the skippable output, then reset the colours."""
        reset = SGR_RESET if self.info.colors else b""
        if self._paced.skip(reset):
            log.debug("skipped the rest of paced output on a key press: %s", self.info.peer)
        if not self._paced:
            self._paced_empty()

    def _start_pump(self) -> None:
        if self._pump is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop to pace on (a teardown): send it as it is
            self._send(self._paced.take_all())
            return
        if self._paced_done is not None:
            self._paced_done.clear()
        self._pump = loop.create_task(self._pace_out())

    async def _pace_out(self) -> None:
        """Send the queue a chunk at a time as the pacer allows; ends one tick after the queue
        empties (so writes a tick apart share one credit). A client that takes nothing of a
        chunk for `drain_timeout` seconds is dropped."""
        pacer = self._pacer
        try:
            while pacer is not None and not self._closed:
                if self._paced:
                    size = pacer.allowance(self.pace_clock())
                    if size:
                        chunk = self._paced.take(size, self.info.unicode)
                        pacer.spend(len(chunk))
                        self._send(chunk)
                        if not self._paced:
                            self._paced_empty()
                        if self._buffered_out() > PACE_HIGH_WATER:
                            async with asyncio.timeout(self.drain_timeout):
                                await self._drain()
                else:
                    break  # a tick went by with nothing new: the line is idle
                await self.pace_sleep(pacer.wait())
                if self._pacer is not pacer:  # the speed changed: the new pacer takes over
                    pacer = self._pacer
        except TimeoutError:
            self.drop(f"nothing taken for {self.drain_timeout:g} s (paced)")
        except (ConnectionError, OSError):
            self.close()
        finally:
            if pacer is not None:
                pacer.idle()
            self._pump = None
            self._paced_empty()
            if self._paced and not self._closed and self._pacer is not None:
                self._start_pump()  # written while this task was ending

    def _paced_empty(self) -> None:
        if self._paced_done is not None:
            self._paced_done.set()

    async def _drain_paced(self) -> None:
        """Wait until the paced queue is empty (the pump drops a client that stops reading)."""
        while self._paced and not self._closed and self._pacer is not None:
            if self._paced_done is None:
                self._paced_done = asyncio.Event()
            self._paced_done.clear()
            allow = self._paced.pending / self._pacer.rate + self.drain_timeout
            try:
                async with asyncio.timeout(allow):  # no task per wait, unlike wait_for
                    await self._paced_done.wait()
            except TimeoutError as exc:
                self.drop(f"paced output not taken within {allow:.0f} s")
                raise Disconnected() from exc
        if self._closed:
            raise Disconnected()

    async def drain(self) -> None:
        """Wait until the client has taken what was written (paced output: until the line
        has carried it); a client that takes nothing for `drain_timeout` seconds is dropped.
        Raises Disconnected when the client is gone."""
        if self._closed:
            return
        if self._paced:
            await self._drain_paced()
        try:
            async with asyncio.timeout(self.drain_timeout):  # no task per drain (wait_for's)
                await self._drain()
        except TimeoutError as exc:
            self.drop(f"nothing taken for {self.drain_timeout:g} s")
            raise Disconnected() from exc
        except (ConnectionError, OSError) as exc:
            self.close()
            raise Disconnected() from exc

    def drop(self, why: str) -> None:
        """Hang up a client that stopped reading: abort the connection at once (a graceful
        close would wait to flush to a peer that never reads). Logged once per session."""
        if self._dropped:
            return
        self._dropped = True
        log.info("dropping a client that stopped reading (%s): %s", why, self.info.peer)
        self.lost()
        self._paced.take_all()
        self._hung_up = True
        self._abort_now()

    def close(self) -> None:
        """Hang up. Safe to call more than once. Output still queued gets CLOSE_GRACE seconds
        to reach the client before the connection is aborted; paced output still waiting
        goes out at once (the goodbye is not cut short by the modem speed)."""
        rest = self._paced.take_all()
        self.lost()
        if self._hung_up:
            return
        self._hung_up = True
        try:
            if rest:
                self._send(rest)
            self._close()
        except Exception:  # teardown: never let a dead socket raise here
            log.debug("error while closing", exc_info=True)
        if self._buffered_out() > 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._abort_now()
            else:
                self._abort_timer = loop.call_later(CLOSE_GRACE, self._abort_now)

    def _buffered_out(self) -> int:
        try:
            return self._write_buffer_size()
        except Exception:  # a transport already torn down holds nothing
            return 0

    def _abort_now(self) -> None:
        self._abort_timer = None
        try:
            self._abort()
        except Exception:  # teardown: never let a dead socket raise here
            log.debug("error while aborting", exc_info=True)

    # ---- transport hooks -------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        raise NotImplementedError

    async def _drain(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def _write_buffer_size(self) -> int:
        """Bytes written but not yet taken by the client (0 when the transport cannot tell)."""
        return 0

    def _abort(self) -> None:
        """Drop the connection at once, discarding unsent output."""
        self._close()

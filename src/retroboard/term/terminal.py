"""The Terminal every session talks to: decoded input events in, encoded text out.

Transports subclass `StreamTerminal` and provide `_send`, `_drain` and `_close`; they call
`feed()` with the raw bytes they read, `resize()` on a window change and `lost()` when the peer
goes away. The UI only ever uses `info`, `read_input`, `write`, `drain` and `close`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from retroboard.term.codec import encode
from retroboard.term.events import Disconnected, Event, IdleTimeout, Key, Resize
from retroboard.term.keys import KeyDecoder

log = logging.getLogger(__name__)

ESC_WAIT = 0.06  # seconds to wait for the rest of an escape sequence before it is a lone ESC
DRAIN_TIMEOUT = 20.0  # a client that reads nothing for this long is dropped (bounded memory)
QUEUE_SIZE = 256  # input events buffered per session before the transport stops reading

# Terminal types that expect IBM PC code page 437 rather than UTF-8.
CP437_TERMS = ("syncterm", "ansi", "ansi-bbs", "pcansi", "scoansi", "cterm", "netrunner-cp437")
MIN_COLS, MAX_COLS = 20, 400
MIN_ROWS, MAX_ROWS = 5, 200


@dataclass(frozen=True, slots=True)
class TermInfo:
    """What is known about the client's terminal."""

    kind: str = "fake"  # telnet | ssh | fake
    term_type: str = "ansi"
    cols: int = 80
    rows: int = 24
    encoding: str = "utf-8"  # utf-8 | cp437
    colors: int = 16  # 0 (none), 16, 256
    peer: str = "-"
    # The client edits and echoes whole lines itself (ssh -T): no server echo, and a line of
    # one character is taken as that hotkey alone.
    line_mode: bool = False

    @property
    def unicode(self) -> bool:
        return self.encoding.replace("-", "").lower() == "utf8"


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """Sizes outside what a screen can use (0 from a PTY-less ssh, 9999 from a liar) are clamped."""
    cols = 80 if cols <= 0 else min(max(cols, MIN_COLS), MAX_COLS)
    rows = 24 if rows <= 0 else min(max(rows, MIN_ROWS), MAX_ROWS)
    return cols, rows


def guess_info(
    kind: str, term_type: str | None, cols: int, rows: int, peer: str, line_mode: bool = False
) -> TermInfo:
    """Build TermInfo from what a transport learned: encoding and colour depth from TERM."""
    term = (term_type or "unknown").strip().lower() or "unknown"
    encoding = "cp437" if term.startswith(CP437_TERMS) else "utf-8"
    if term in ("dumb", "unknown-dumb"):
        colors = 0
    elif "256" in term or "truecolor" in term or "direct" in term:
        colors = 256
    else:
        colors = 16
    c, r = clamp_size(cols, rows)
    return TermInfo(
        kind=kind,
        term_type=term,
        cols=c,
        rows=r,
        encoding=encoding,
        colors=colors,
        peer=peer,
        line_mode=line_mode,
    )


class StreamTerminal:
    """A Terminal over a byte stream; transports fill in the three I/O hooks."""

    def __init__(self, info: TermInfo) -> None:
        self.info = info
        self._decoder = KeyDecoder(info.encoding)
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_SIZE)
        self._esc_timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._hung_up = False
        self.bytes_out = 0
        self.drain_timeout = DRAIN_TIMEOUT
        # Idle handling: after `idle_timeout - idle_warning` seconds without input the user is
        # warned, after `idle_timeout` they are disconnected. None disables it.
        self.idle_timeout: float | None = None
        self.idle_warning: float = 60.0
        self.idle_warning_text = (
            "\a\r\n*** Are you still there? Press a key, or you will be disconnected. ***\r\n"
        )
        self.idle_goodbye_text = "\r\n*** Disconnected: idle too long. ***\r\n"

    # ---- called by the transport -------------------------------------------------------
    async def feed(self, data: bytes) -> None:
        """Hand raw input bytes to the decoder; waits (back-pressure) while the UI is behind."""
        if self._esc_timer:
            self._esc_timer.cancel()
            self._esc_timer = None
        keys = self._decoder.feed(data)
        if self.info.line_mode and len(keys) == 2 and keys[0].is_char and keys[1].name == "enter":
            keys.pop()  # a one-character line from a line-mode client is a hotkey
        for key in keys:
            await self._queue.put(key)
        if self._decoder.pending_escape:
            self._esc_timer = asyncio.get_running_loop().call_later(ESC_WAIT, self._flush_escape)

    def _flush_escape(self) -> None:
        self._esc_timer = None
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
        self._decoder.set_encoding(new.encoding)

    def set_encoding(self, encoding: str) -> None:
        """Switch the character set both ways (a user's preference overriding the guess)."""
        if encoding not in ("utf-8", "cp437"):
            raise ValueError(f"unsupported encoding {encoding!r}")
        self.info = replace(self.info, encoding=encoding)
        self._decoder.set_encoding(encoding)

    def lost(self) -> None:
        """The peer went away: wake any reader with Disconnected."""
        if self._closed:
            return
        self._closed = True
        if self._esc_timer:
            self._esc_timer.cancel()
        while self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(None)

    # ---- used by the UI ------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    async def read_input(self) -> Event:
        """Next Key or Resize. Raises Disconnected once the connection is gone."""
        if self._closed and self._queue.empty():
            raise Disconnected()
        event = await self._next_event()
        if event is None:
            self._queue.put_nowait(None)  # every later read raises too
            raise Disconnected()
        return event

    async def _next_event(self) -> Event | None:
        if not self.idle_timeout:
            return await self._queue.get()
        warning = min(self.idle_warning, self.idle_timeout)
        try:
            return await asyncio.wait_for(self._queue.get(), self.idle_timeout - warning)
        except TimeoutError:
            pass
        if warning:
            self.write(self.idle_warning_text)
            try:
                return await asyncio.wait_for(self._queue.get(), warning)
            except TimeoutError:
                pass
        self.write(self.idle_goodbye_text)
        try:
            await asyncio.wait_for(self._drain(), 2)
        except Exception:  # the goodbye is best effort
            pass
        self.close()
        raise IdleTimeout()

    async def read_key(self) -> Key:
        """Next Key, skipping resizes (for prompts that do not redraw)."""
        while True:
            event = await self.read_input()
            if isinstance(event, Key):
                return event

    def write(self, text: str) -> None:
        """Queue text for the client: newlines become CR LF, unencodable characters become '?'."""
        if self._closed or not text:
            return
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        data = encode(text, self.info.encoding)
        self.bytes_out += len(data)
        self._send(data)

    async def drain(self) -> None:
        """Wait until the client has taken what was written; a stalled client is dropped."""
        if self._closed:
            return
        try:
            await asyncio.wait_for(self._drain(), self.drain_timeout)
        except (TimeoutError, ConnectionError, OSError) as exc:
            log.info("dropping a client that stopped reading (%s)", type(exc).__name__)
            self.close()
            raise Disconnected() from exc

    def close(self) -> None:
        """Hang up. Safe to call more than once."""
        self.lost()
        if not self._hung_up:
            self._hung_up = True
            try:
                self._close()
            except Exception:  # teardown: never let a dead socket raise here
                log.debug("error while closing", exc_info=True)

    # ---- transport hooks -------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        raise NotImplementedError

    async def _drain(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

"""The session's one input point: keys, resizes and notices from a single event source.

Every screen and widget reads through `SessionTerminal.read_input` / `read_key`. While it waits
for the caller, the same call shows notices that arrive for the session (pages, broadcasts,
mail, the idle warning, shutdown) through the interruption handler the current screen declared
(`interruptions(handler)`): a status line on a full screen, a line between prompts with the
prompt printed again on a line-oriented one. A notice is never written at whatever place the
cursor happens to be, and never in the middle of a screen being drawn.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

from retroboard.term.events import Disconnected, Event, IdleTimeout, Key, Resize, Wake
from retroboard.term.terminal import StreamTerminal, TermInfo

MAX_NOTICES = 8  # notices waiting for a busy session; older ones go first
FEED_MAX = 256  # items a screen's feed holds for a busy session; older ones go first
TICK = object()  # what a feed's callback receives when its tick is due


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the caller now. `kind`: page, broadcast, mail, idle, shutdown, system."""

    text: str
    kind: str = "system"
    sender: str = ""

    @property
    def style(self) -> str:
        return {"idle": "warn", "shutdown": "error", "page": "hotkey", "mail": "ok"}.get(
            self.kind, "info"
        )


class Interruption(Protocol):
    """How a screen takes a notice while it waits for a key (see ui.notices)."""

    def show(self, notice: Notice) -> None: ...


class _Between:
    """The fallback: the notice on a line of its own (a line-oriented screen with no prompt)."""

    def __init__(self, term: SessionTerminal) -> None:
        self.term = term

    def show(self, notice: Notice) -> None:
        self.term.write(f"\r\n*** {notice.text} ***\r\n")


class Feed:
    """A screen's live inbox (chat lines, presence changes): filled by bus listeners with
    `put`, bounded (the oldest item goes first, counted in `dropped`), and drained into the
    screen's callback while any read on the session waits for the caller, exactly like a
    notice, so a widget reading a line in between keeps working and its text is kept."""

    def __init__(
        self,
        term: SessionTerminal,
        deliver: Callable[[object], object],
        maxlen: int,
        tick: float | None,
    ) -> None:
        self._term = term
        self.deliver = deliver
        self.items: deque[object] = deque(maxlen=maxlen)
        self.tick = tick
        self.due = time.monotonic() + tick if tick else None
        self.dropped = 0
        self.delivered = 0

    def put(self, item: object) -> None:
        """Queue `item` for the screen; never blocks (the oldest waiting item is dropped)."""
        if len(self.items) == self.items.maxlen:
            self.dropped += 1
        self.items.append(item)
        self._term.raw.wake()

    def _tick_due(self, now: float) -> bool:
        if self.due is None or now < self.due:
            return False
        assert self.tick is not None
        self.due = now + self.tick
        return True


class SessionTerminal:
    """A caller's terminal as the UI sees it: `info`, `write`, `drain`, `read_input`/`read_key`
    (the one event source), `post` (a notice), idle warning and hang-up.

    Raises Disconnected from reads once the connection is gone, IdleTimeout after
    `idle_timeout` seconds without input (after a warning `idle_warning` seconds before).
    """

    def __init__(self, term: StreamTerminal) -> None:
        self.raw = term
        # A short list, oldest first (an empty deque is ~600 bytes per idle session).
        self._notices: list[Notice] = []
        self._held: Event | None = None  # a key read ahead by discard_enter, given out next
        self._handlers: list[Interruption] = []
        self._feeds: list[Feed] = []
        self.idle_timeout: float | None = None
        self.idle_warning: float = 60.0
        self.idle_warning_text = "Are you still there? Press a key, or you will be disconnected."
        self.idle_goodbye_text = "Disconnected: idle too long."
        self.last_input = time.monotonic()
        self._warned = False
        self.notices_shown = 0
        self.notices_dropped = 0
        self.columns = 0  # the widest screens are drawn (0: the window's width; cap_columns)
        self._capped: tuple[TermInfo, TermInfo] | None = None  # (transport's info, capped)

    # ---- output and facts: the terminal's own ---------------------------------------------
    @property
    def info(self) -> TermInfo:
        """The terminal as the screens draw for it: the transport's, at most `columns` wide."""
        info = self.raw.info
        if not self.columns or info.cols <= self.columns:
            return info
        if self._capped is None or self._capped[0] is not info:
            self._capped = (info, replace(info, cols=self.columns))
        return self._capped[1]

    def cap_columns(self, columns: int) -> None:
        """Draw at most `columns` wide however wide the window is (an era's 64-column screen);
        0 for the window's own width. A resize keeps the cap."""
        self.columns = max(0, columns)
        self._capped = None

    def set_upper(self, upper: bool) -> None:
        """Send everything in upper case (an era's teletype), or mixed case again."""
        if self.raw.info.upper != upper:
            self.raw.info = replace(self.raw.info, upper=upper)

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def write(self, text: str, skippable: bool = False) -> None:
        self.raw.write(text, skippable)

    def skippable(self) -> AbstractContextManager[None]:
        """Writes inside the block are skipped by a key press while paced (term.terminal)."""
        return self.raw.skippable()

    def set_pace(self, rate: float) -> None:
        """Pace output at `rate` characters a second (0: unthrottled), see term.pacing."""
        self.raw.set_pace(rate)

    async def drain(self) -> None:
        await self.raw.drain()

    def set_encoding(self, encoding: str) -> None:
        self.raw.set_encoding(encoding)

    def narrow(self, *, colors: int, cursor: bool) -> None:
        """Draw with less than the terminal can (a linear skin): fewer colours, no cursor codes."""
        self.raw.info = replace(
            self.raw.info, colors=min(colors, self.raw.info.colors), cursor=cursor
        )

    def set_term_type(self, term_type: str) -> None:
        self.raw.set_term_type(term_type)

    def close(self) -> None:
        self.raw.close()

    # ---- notices -----------------------------------------------------------------------------
    def post(self, notice: Notice) -> None:
        """Queue a notice for the caller; it is shown at the next wait for input. Never blocks."""
        if len(self._notices) >= MAX_NOTICES:
            self.notices_dropped += 1
            del self._notices[0]
        self._notices.append(notice)
        self.raw.wake()

    @property
    def pending_notices(self) -> int:
        return len(self._notices)

    @contextmanager
    def interruptions(self, handler: Interruption) -> Iterator[Interruption]:
        """While the block runs, notices are shown by `handler` (the innermost one wins)."""
        self._handlers.append(handler)
        try:
            yield handler
        finally:
            self._handlers.remove(handler)

    @contextmanager
    def feed(
        self,
        deliver: Callable[[object], object],
        *,
        maxlen: int = FEED_MAX,
        tick: float | None = None,
    ) -> Iterator[Feed]:
        """While the block runs, items put in the returned Feed are handed to `deliver` (one at
        a time, between reads of the caller's keys); with `tick`, `deliver(TICK)` runs every
        `tick` seconds of waiting too (a live screen's clock). The innermost feed is served."""
        feed = Feed(self, deliver, maxlen, tick)
        self._feeds.append(feed)
        try:
            yield feed
        finally:
            self._feeds.remove(feed)

    def _feed_wait(self, wait: float | None) -> float | None:
        if not self._feeds or self._feeds[-1].due is None:
            return wait
        left = max(0.0, self._feeds[-1].due - time.monotonic())
        return left if wait is None else min(wait, left)

    def _serve_feed(self) -> bool:
        """Hand one waiting item (or a due tick) to the innermost feed; False if none."""
        if not self._feeds:
            return False
        feed = self._feeds[-1]
        if feed.items:
            item = feed.items.popleft()
        elif feed._tick_due(time.monotonic()):
            item = TICK
        else:
            return False
        feed.deliver(item)
        feed.delivered += 1
        return True

    def _show(self, notice: Notice) -> None:
        handler = self._handlers[-1] if self._handlers else _Between(self)
        handler.show(notice)
        self.notices_shown += 1

    # ---- input ---------------------------------------------------------------------------------
    def discard_enter(self) -> None:
        """After a one-key answer (y/n), drop an Enter typed right behind it and already here:
        a caller who types "y" and Enter (a line-mode client sends both in one packet) must not
        have that Enter taken as the next screen's choice. Never waits; any other key waiting
        is kept and is the next one read."""
        if self._held is not None:
            return
        try:
            event = self.raw.poll_event()
        except Disconnected:  # the hang-up shows at the next read
            return
        if event is None or isinstance(event, Wake):
            return
        if not (isinstance(event, Key) and event.name == "enter"):
            self._held = event

    async def read_input(self) -> Event:
        """The next Key or Resize, showing any notice that arrives meanwhile."""
        if self._held is not None:
            held, self._held = self._held, None
            self.last_input = time.monotonic()
            return held
        while True:
            if self._notices:
                self._show(self._notices.pop(0))
                await self.drain()
                continue
            event = self.raw.poll_event()  # typed-ahead keys: no timer needed
            if event is None and self._serve_feed():
                await self.drain()
                continue
            if event is None:
                idle_wait = self._idle_wait()
                wait = self._feed_wait(idle_wait)
                try:
                    async with asyncio.timeout(wait):
                        event = await self.raw.next_event()
                except TimeoutError:
                    if wait == idle_wait:
                        await self._idle()
                    continue
            if isinstance(event, Wake):
                continue
            self.last_input = time.monotonic()
            self._warned = False
            return event

    async def read_key(self) -> Key:
        """The next Key (resizes are skipped: for prompts that do not redraw)."""
        while True:
            event = await self.read_input()
            if isinstance(event, Key):
                return event

    async def next_key(self, redraw: Callable[[], object]) -> Key:
        """The next Key; on a resize meanwhile `redraw()` draws the screen again."""
        while True:
            event = await self.read_input()
            if isinstance(event, Key):
                return event
            redraw()
            await self.drain()

    # ---- idle ------------------------------------------------------------------------------------
    def _idle_wait(self) -> float | None:
        if not self.idle_timeout:
            return None
        warning = min(self.idle_warning, self.idle_timeout)
        due = self.last_input + self.idle_timeout - (0 if self._warned or not warning else warning)
        return max(0.0, due - time.monotonic())

    async def _idle(self) -> None:
        assert self.idle_timeout
        if not self._warned and self.idle_warning > 0:
            self._warned = True
            self.write("\a")
            self._show(Notice(self.idle_warning_text, "idle"))
            await self.drain()
            return
        self.write(f"\r\n*** {self.idle_goodbye_text} ***\r\n")
        try:
            await asyncio.wait_for(self.raw.drain(), 2)
        except (Disconnected, TimeoutError, OSError):  # the goodbye is best effort
            pass
        self.raw.close()
        raise IdleTimeout()


__all__ = ["TICK", "Feed", "Interruption", "Notice", "Resize", "SessionTerminal"]

"""What every transport shares: the session callback type, the reader pump, the read gate."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from retroboard.term.terminal import StreamTerminal, TermInfo, TokenBucket

log = logging.getLogger(__name__)


class Ticket(Protocol):
    """One admitted (or refused) connection, as the connection guard sees it.

    A transport asks the guard for a ticket the moment a connection is accepted, before any
    negotiation or password. If `refusal` is not None the transport shows that text (a busy
    or ban screen) and hangs up. Otherwise it counts every raw byte the client sends with
    `take_bytes` (False: over the pre-login budget, hang up) and calls `release()` exactly
    once when the connection is gone. The app marks the ticket logged in.
    """

    address: str
    refusal: str | None
    logged_in: bool  # False until the caller has logged in (the app sets it)

    def take_bytes(self, n: int) -> bool: ...

    def release(self) -> None: ...


class Guard(Protocol):
    """The one connection guard every transport calls (app injects it)."""

    def admit(self, kind: str, address: str) -> Ticket: ...


# app injects this: run one whole session on a Terminal. `auth` is whatever the injected
# authenticate callable returned for an SSH login (None for telnet); `register` is True when
# the caller asked to become a new user (ssh new@host); `ticket` is the connection's guard
# ticket (already admitted).
OnSession = Callable[[StreamTerminal, object, bool, Ticket | None], Awaitable[None]]
# app injects this for SSH: (handle, password, address) -> an opaque user, or None when
# refused. It throttles by itself (it may wait); the transport only relays the answer.
Authenticate = Callable[[str, str, str], Awaitable[object | None]]

READ_SIZE = 4096
# Most bytes asyncio takes from a socket in one read (its default is 256 KiB). A connection
# that is paused has at most one read on top of its buffers, so this bounds what it holds.
RECV_SIZE = 16 * 1024


def limit_recv(transport: Any) -> None:
    """Make `transport` read at most RECV_SIZE bytes at a time (asyncio's selector transports
    read `max_size` bytes per call; an instance attribute overrides the class default)."""
    if transport is not None and hasattr(transport, "max_size"):
        transport.max_size = RECV_SIZE


class ReadGate:
    """Pauses reading on one connection's asyncio transport while any reason holds.

    Two things stop a connection reading: the session is behind (its input is full; telnetlib3's
    reader calls `pause_reading`/`resume_reading` on this object, given to it as its
    "transport"), and the caller is over its raw byte rate (`pace`). Neither resumes what the
    other paused. While paused the kernel's socket buffer fills and TCP holds the sender back.
    """

    __slots__ = ("_transport", "_reasons", "_bucket", "_timer", "hold_back")  # one per caller

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self._reasons: set[str] = set()
        self._bucket = TokenBucket()
        self._timer: asyncio.TimerHandle | None = None
        # False: "input full" does not stop reading (the transport bounds what is buffered
        # some other way, e.g. the pre-login byte budget).
        self.hold_back = True

    @property
    def paused(self) -> bool:
        return bool(self._reasons)

    # The two methods telnetlib3's TelnetReader calls on its transport.
    def pause_reading(self) -> None:
        if self.hold_back:
            self.pause("input full")

    def resume_reading(self) -> None:
        self.resume("input full")

    def pause(self, reason: str) -> None:
        if not self._reasons:
            self._call("pause_reading")
        self._reasons.add(reason)

    def resume(self, reason: str) -> None:
        if reason not in self._reasons:
            return
        self._reasons.discard(reason)
        if not self._reasons:
            self._call("resume_reading")

    def pace(self, nbytes: int, rate: float) -> None:
        """Count `nbytes` just received; over `rate` bytes per second (burst: one second's
        worth) reading stops for as long as it takes to be back within the rate."""
        loop = asyncio.get_running_loop()
        delay = self._bucket.take(nbytes, rate, loop.time())
        if delay > 0 and self._timer is None:
            self.pause("rate")
            self._timer = loop.call_later(delay, self._rate_ok)

    def _rate_ok(self) -> None:
        self._timer = None
        self.resume("rate")

    def close(self) -> None:
        """The connection is gone: forget the rate timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _call(self, method: str) -> None:
        try:
            getattr(self._transport, method)()
        except (AttributeError, NotImplementedError, RuntimeError):
            pass  # a transport that cannot pause (or is gone): nothing to hold back


class TurnBufferedTerminal(StreamTerminal):
    """A StreamTerminal whose writes made in one turn of the event loop go out as one at its
    end, through the transport's own `_write`: a screen is many writes, and each would
    otherwise be its own send (telnet: an IAC-escaping pass and send(); SSH: a channel
    packet, encrypted and MACed; the web: a WebSocket frame). `_pending_size` counts what
    waits, for the transport's write buffer size; `_drop_pending()` forgets it (an abort)."""

    __slots__ = ("_pending", "_pending_size")

    def __init__(self, info: TermInfo) -> None:
        super().__init__(info)
        self._pending: list[bytes] = []
        self._pending_size = 0

    def _write(self, data: bytes) -> None:
        """Send `data` now (the transport's own write)."""
        raise NotImplementedError

    def _send(self, data: bytes) -> None:
        if not self._pending:
            try:
                asyncio.get_running_loop().call_soon(self._flush)
            except RuntimeError:  # no loop (a teardown): send it as it is
                self._write(data)
                return
        self._pending.append(data)
        self._pending_size += len(data)

    def _flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._drop_pending()
        self._write(data)

    def _drop_pending(self) -> None:
        self._pending = []
        self._pending_size = 0


SESSION_GRACE = 5.0  # seconds a session has to clean up once its connection is gone


async def run_with_pump(
    term: StreamTerminal, pump: Awaitable[None], session: Awaitable[None]
) -> None:
    """Run the reader pump and the session together; whichever ends first ends both.

    The session runs in the calling task (the one the transport library started for this
    connection) and only the pump gets a task of its own: one task less per connection.
    When the pump ends first (the caller hung up) the session is woken with Disconnected
    and given SESSION_GRACE seconds to clean up, then cancelled. What the session raises
    ends it and is logged with the peer and its traceback."""
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    assert me is not None
    pump_task = asyncio.ensure_future(pump)
    grace: asyncio.TimerHandle | None = None
    graced_out = False

    def cut() -> None:
        nonlocal graced_out
        graced_out = True
        me.cancel()

    def pump_ended(_: object) -> None:
        nonlocal grace
        term.lost()  # wakes the UI with Disconnected; give it a moment to clean up
        grace = loop.call_later(SESSION_GRACE, cut)

    pump_task.add_done_callback(pump_ended)
    try:
        await session
    except asyncio.CancelledError:
        if not graced_out:
            raise
        graced_out = False  # our own cut, taken back; cancelled from outside too: stay so
        if me.uncancel() > 0:
            raise
    except Exception:  # the session's own failure ends it (Board.on_session logs its own)
        log.exception("[%s] session failed", term.info.peer)
    finally:
        pump_task.remove_done_callback(pump_ended)
        if grace is not None:
            grace.cancel()
        if graced_out:  # the session swallowed our cut: take it back all the same
            me.uncancel()
        pump_task.cancel()
        await asyncio.gather(pump_task, return_exceptions=True)
        term.close()

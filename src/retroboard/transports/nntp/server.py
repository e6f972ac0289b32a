"""NNTP listener: asyncio streams around an NNTPSession (transports/nntp/session.py, no I/O).

Every connection is admitted by the guard (`guard.admit("nntp", address)`) before a byte is
read; a refused one is told "400 <reason>" (busy) or "502 <reason>" (banned) and hung up.
Everything a client sends is bounded: command lines are cut at `options.max_line` octets (a
longer one is discarded up to its LF and answered with `session.too_long()`, never buffered
whole), a POSTed article at `options.max_article_bytes` (the rest is read and dropped up to its
".", and the session is told `receive_article(None)`), and at most RECV_SIZE bytes are taken
from the socket at a time; a connection without a command for `options.idle_timeout` seconds
is told "400 Idle timeout" and hung up. Responses are written a piece at a time (the session
yields multi-line blocks in chunks of ~64 KiB), each write waited out with a timeout: a client
that stops reading is dropped instead of being buffered for. TCP_NODELAY is set and the pieces
of one response are written together, so a reader that fetches one article at a time is not
held back by delayed ACKs.

Where the guard's pre-login budget applies: a reader that may not read before logging in
(`anonymous_read` off) has every byte counted with `ticket.take_bytes` until AUTHINFO succeeds.
When anonymous reading is on, a reader is admitted as a guest (`ticket.log_in(Level.GUEST)`):
it does not hold one of the board's pre-login places for its whole visit, and its input is
bounded by the line cap and by being read one command at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, cast

from retroboard.domain.users import Level, User
from retroboard.transports.base import RECV_SIZE, Guard, Ticket
from retroboard.transports.nntp.backend import NewsBackend
from retroboard.transports.nntp.options import NNTPOptions

log = logging.getLogger(__name__)

# The kernel's send buffer per connection (Linux doubles it): a reader that stops reading holds
# at most this much kernel memory, instead of the ~4 MB loopback/LAN autotuning grows to.
# 256 KiB still fills a 20 MB/s link at 25 ms round trip.
SEND_BUFFER = 256 * 1024
# Seconds one write may take to be taken by the client before it is dropped.
SEND_TIMEOUT = 30.0
# What the transport buffers for one connection before it waits for the client to take it.
WRITE_HIGH_WATER = 64 * 1024
# Response pieces gathered before one write (the pieces of a short response go out together).
FLUSH_SIZE = 64 * 1024
# Seconds a kicked or shut-down connection has to take its "400" line.
GOODBYE_GRACE = 1.0
# The lingering close: how long, and how much, a hung-up client's last input is read and dropped.
LINGER = 0.5
LINGER_BYTES = 64 * 1024
IDLE_TEXT = b"400 Idle timeout\r\n"
TOO_MUCH_INPUT = b"400 Too much input before logging in\r\n"
PROGRAM_FAULT = b"403 Internal fault, closing connection\r\n"


class Session(Protocol):
    """What the server needs of transports.nntp.session.NNTPSession (so tests can stand in)."""

    expecting_article: bool
    closing: bool
    user: User | None

    def greeting(self) -> bytes: ...

    def handle(self, line: str) -> AsyncIterator[bytes]: ...

    def receive_article(self, lines: list[bytes] | None) -> AsyncIterator[bytes]: ...

    def too_long(self) -> bytes: ...


SessionFactory = Callable[[NewsBackend, NNTPOptions, str], Session]


class _Gone(Exception):
    """The client hung up, was dropped, or sent more than it may."""


_TOO_LONG = object()  # what _LineReader.line returns for a line over its cap


class _LineReader:
    """Lines from a StreamReader, each at most `cap` octets (LF included); a longer one is
    discarded as it arrives. Bytes are counted against the ticket while `metered` is True."""

    __slots__ = ("_reader", "_ticket", "_buf", "_scan", "metered")

    def __init__(self, reader: asyncio.StreamReader, ticket: Ticket, metered: bool) -> None:
        self._reader = reader
        self._ticket = ticket
        self._buf = bytearray()
        self._scan = 0  # where the search for LF resumes
        self.metered = metered

    def has_line(self) -> bool:
        return self._buf.find(b"\n", self._scan) >= 0

    async def _fill(self) -> None:
        try:
            data = await self._reader.read(RECV_SIZE)
        except (ConnectionError, OSError) as exc:
            raise _Gone(type(exc).__name__) from None
        if not data:
            raise _Gone("hung up")
        if self.metered and not self._ticket.take_bytes(len(data)):
            raise _Gone("over the pre-login input budget")
        self._buf += data

    async def line(self, cap: int) -> bytes | object:
        """The next line with its line end, or _TOO_LONG when it was longer than `cap`."""
        discarding = False
        while True:
            end = self._buf.find(b"\n", self._scan)
            if end >= 0:
                self._scan = 0
                if discarding:
                    del self._buf[: end + 1]
                    return _TOO_LONG
                line = bytes(self._buf[: end + 1])
                del self._buf[: end + 1]
                return _TOO_LONG if len(line) > cap else line
            if len(self._buf) > cap:
                discarding = True
                self._buf.clear()
            self._scan = len(self._buf)
            await self._fill()


def _strip(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(b"\n") else line


class NNTPConnection:
    """One newsreader's connection: what the app's bans, kicks and account changes act on."""

    __slots__ = ("address", "ticket", "session", "_writer", "_task", "_busy", "_goodbye")

    def __init__(
        self, address: str, ticket: Ticket, session: Session, writer: asyncio.StreamWriter
    ) -> None:
        self.address = address
        self.ticket = ticket
        self.session = session
        self._writer = writer
        self._task: asyncio.Task[Any] | None = asyncio.current_task()
        self._busy = False  # in the middle of a response
        self._goodbye: str | None = None

    @property
    def user(self) -> User | None:
        return self.session.user

    def set_user(self, user: User) -> None:
        """The account changed (a new level): the session serves it from now on."""
        self.session.user = user

    async def kick(self, reason: str) -> None:
        """Say "400 <reason>" (unless in the middle of a response) and hang up."""
        self._goodbye = reason
        task = self._task
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                async with asyncio.timeout(GOODBYE_GRACE * 2):
                    await asyncio.shield(task)

    async def _say_goodbye(self) -> None:
        reason = self._goodbye
        if reason is None or self._writer.is_closing():
            return
        if not self._busy:
            text = " ".join(reason.split())[:400]
            self._writer.write(f"400 {text}\r\n".encode("utf-8", "replace"))
        with contextlib.suppress(Exception):
            async with asyncio.timeout(GOODBYE_GRACE):
                await self._writer.drain()


class NNTPTransport:
    """Listens for newsreaders; every connection is an NNTPSession over `backend`."""

    def __init__(
        self,
        backend: NewsBackend,
        guard: Guard,
        options: NNTPOptions,
        *,
        host: str,
        port: int,
        session_factory: SessionFactory | None = None,
    ) -> None:
        self._backend = backend
        self._session_factory = session_factory  # tests: a stand-in session
        self._guard = guard
        self.options = options
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None
        self._connections: set[NNTPConnection] = set()
        self.send_timeout = SEND_TIMEOUT  # a client that takes no output this long is dropped
        self.send_buffer: int | None = SEND_BUFFER  # SO_SNDBUF per connection; None: the kernel's
        self.stopping_text = "Server shutting down"

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def connections(self) -> list[NNTPConnection]:
        return list(self._connections)

    def make_session(self, address: str) -> Session:
        """One connection's session."""
        if self._session_factory is not None:
            return self._session_factory(self._backend, self.options, address)
        module = importlib.import_module("retroboard.transports.nntp.session")
        return cast(Session, module.NNTPSession(self._backend, self.options, address))

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._connected, self._host, self._port, limit=RECV_SIZE, backlog=100
        )

    async def stop(self) -> None:
        """Stop listening, tell every reader "400 <stopping_text>" and hang up (~1 s at most)."""
        if self._server is not None:
            self._server.close()
        connections = list(self._connections)
        if connections:
            await asyncio.wait(
                [asyncio.ensure_future(c.kick(self.stopping_text)) for c in connections],
                timeout=GOODBYE_GRACE * 2,
            )
        if self._server is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(0.5):
                    await self._server.wait_closed()

    # ---- one connection -------------------------------------------------------------------
    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "-"
        ticket = self._guard.admit("nntp", address)
        try:
            if ticket.refusal is not None:
                code = "502" if "banned" in ticket.refusal.lower() else "400"
                text = " ".join(ticket.refusal.strip("* \r\n").split())
                writer.write(f"{code} {text}\r\n".encode("utf-8", "replace"))
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(GOODBYE_GRACE):
                        await writer.drain()
                return
            await self._serve(reader, writer, address, ticket)
        finally:
            try:
                await _close(reader, writer)
            finally:
                ticket.release()

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        address: str,
        ticket: Ticket,
    ) -> None:
        transport: Any = writer.transport
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                # asyncio sets it too (3.11); said here because the responses rely on it.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.send_buffer:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)
        if hasattr(transport, "max_size"):
            transport.max_size = RECV_SIZE
        transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        options = self.options
        if options.anonymous_read and not _log_in(ticket, Level.GUEST):
            writer.write(b"400 Sorry, all lines are busy. Please call again later.\r\n")
            return
        session = self.make_session(address)
        conn = NNTPConnection(address, ticket, session, writer)
        self._connections.add(conn)
        lines = _LineReader(reader, ticket, metered=not ticket.logged_in)
        out = _Output(writer, self.send_timeout)
        reason = "quit"
        try:
            await out.send(session.greeting())
            await out.flush()
            while not session.closing:
                try:
                    async with asyncio.timeout(options.idle_timeout):
                        await out.flush()
                        raw = await lines.line(options.max_line)
                except TimeoutError:
                    reason = "idle"
                    await out.send(IDLE_TEXT)
                    await out.flush()
                    break
                conn._busy = True
                if raw is _TOO_LONG:
                    await out.send(session.too_long())
                else:
                    assert isinstance(raw, bytes)
                    text = _strip(raw).decode("utf-8", "surrogateescape")
                    async for piece in session.handle(text):
                        await out.send(piece)
                    if session.expecting_article and not session.closing:
                        await out.flush()
                        article = await self._read_article(lines)
                        async for piece in session.receive_article(article):
                            await out.send(piece)
                conn._busy = False
                if session.user is not None and not ticket.logged_in:
                    if not _log_in(ticket, session.user.level):
                        await out.send(b"400 This line is kept for the sysop\r\n")
                        break
                    lines.metered = False
                if not lines.has_line():  # answer now unless the next command is already here
                    await out.flush()
            await out.flush()
        except _Gone as exc:
            reason = str(exc)
            if reason == "over the pre-login input budget":
                with contextlib.suppress(Exception):
                    writer.write(TOO_MUCH_INPUT)
        except asyncio.CancelledError:
            reason = f"disconnected: {conn._goodbye}" if conn._goodbye else "cancelled"
            if conn._goodbye is None:
                raise
            me = asyncio.current_task()
            if me is not None:
                me.uncancel()  # our own kick, taken back: the goodbye is said below
            await conn._say_goodbye()
        except (ConnectionError, OSError) as exc:
            reason = type(exc).__name__
        except Exception:
            reason = "fault"
            log.exception("nntp session from %s failed", address)
            with contextlib.suppress(Exception):
                writer.write(PROGRAM_FAULT)
        finally:
            self._connections.discard(conn)
            user = session.user
            log.info(
                "nntp %s%s gone (%s)",
                address,
                f" user {user.handle}" if user is not None else "",
                reason,
            )

    async def _read_article(self, lines: _LineReader) -> list[bytes] | None:
        """A POSTed article up to its ".": dot-unstuffed lines without line ends, or None when
        it was over `max_article_bytes` (what came after the cap was read and dropped)."""
        cap = self.options.max_article_bytes
        idle = self.options.idle_timeout
        taken: list[bytes] | None = []
        size = 0
        while True:
            limit = cap - size + 2 if taken is not None else self.options.max_line
            async with asyncio.timeout(idle):
                raw = await lines.line(max(limit, 3))
            if raw is _TOO_LONG:
                taken = None
                continue
            assert isinstance(raw, bytes)
            line = _strip(raw)
            if line == b".":
                return taken
            if taken is None:
                continue
            size += len(raw)
            if size > cap:
                taken = None
                continue
            taken.append(line[1:] if line.startswith(b"..") else line)


async def _close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Hang up without losing the last response: send FIN, then read and drop what the client
    still sends for a moment (closing with unread input would send RST, and the client's
    kernel would throw away the response it had not read yet). A client that does not take
    what is written is cut at once."""
    transport = writer.transport
    if transport.is_closing():
        return
    if transport.get_write_buffer_size():
        transport.abort()
        return
    try:
        if writer.can_write_eof():
            writer.write_eof()
        async with asyncio.timeout(LINGER):
            taken = 0
            while taken < LINGER_BYTES:
                data = await reader.read(RECV_SIZE)
                if not data:
                    break
                taken += len(data)
    except asyncio.CancelledError:
        transport.abort()
        raise
    except Exception:
        pass
    if transport.get_write_buffer_size():
        transport.abort()
    else:
        transport.close()


def _log_in(ticket: Ticket, level: Level) -> bool:
    """Mark the ticket logged in (the guard stops counting it as pre-login). False when the
    guard keeps this line for the sysop."""
    if ticket.logged_in:
        return True
    log_in = getattr(ticket, "log_in", None)
    if log_in is None:
        ticket.logged_in = True
        return True
    return log_in(level) is None


class _Output:
    """Response pieces gathered and written together, each write waited out with a timeout."""

    __slots__ = ("_writer", "_timeout", "_pieces", "_size")

    def __init__(self, writer: asyncio.StreamWriter, timeout: float) -> None:
        self._writer = writer
        self._timeout = timeout
        self._pieces: list[bytes] = []
        self._size = 0

    async def send(self, piece: bytes) -> None:
        self._pieces.append(piece)
        self._size += len(piece)
        if self._size >= FLUSH_SIZE:
            await self.flush()

    async def flush(self) -> None:
        if not self._pieces:
            return
        data = self._pieces[0] if len(self._pieces) == 1 else b"".join(self._pieces)
        self._pieces = []
        self._size = 0
        if self._writer.is_closing():
            raise _Gone("hung up")
        self._writer.write(data)
        try:
            async with asyncio.timeout(self._timeout):
                await self._writer.drain()
        except TimeoutError:
            raise _Gone("stopped reading: dropped") from None

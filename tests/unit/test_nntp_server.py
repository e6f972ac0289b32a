"""NNTPTransport over a stand-in session: the guard, line caps, idle timeout, back-pressure,
the bounded article read, kicks and shutdown (the real session is covered in tests/e2e)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from retroboard.domain.users import Level, User
from retroboard.services.guard import ConnectionGuard, Limits
from retroboard.transports.nntp.options import NNTPOptions
from retroboard.transports.nntp.server import NNTPTransport

CHUNK = 64 * 1024


class StandIn:
    """Answers like a session: QUIT, BIG n (n chunks of 64 KiB), POST, AUTH, ECHO."""

    def __init__(self, _backend: Any, _options: NNTPOptions, address: str) -> None:
        self.address = address
        self.expecting_article = False
        self.closing = False
        self.user: User | None = None
        self.articles: list[list[bytes] | None] = []

    def greeting(self) -> bytes:
        return b"200 stand-in ready\r\n"

    def too_long(self) -> bytes:
        return b"501 Line too long\r\n"

    async def handle(self, line: str) -> AsyncIterator[bytes]:
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "QUIT":
            self.closing = True
            yield b"205 bye\r\n"
        elif word == "BIG":
            yield b"224 big follows\r\n"
            row = b"x" * 1023 + b"\n"
            for _ in range(int(rest)):
                yield row * (CHUNK // len(row))
            yield b".\r\n"
        elif word == "POST":
            self.expecting_article = True
            yield b"340 send it\r\n"
        elif word == "AUTH":
            self.user = User(1, rest, Level.USER, "", "", datetime.now(), None, 0)
            yield b"281 ok\r\n"
        else:
            yield f"500 What? {len(line.encode('utf-8', 'surrogateescape'))} {line[:20]}\r\n".encode(
                "utf-8", "surrogateescape"
            )

    async def receive_article(self, lines: list[bytes] | None) -> AsyncIterator[bytes]:
        self.expecting_article = False
        self.articles.append(lines)
        if lines is None:
            yield b"441 too big\r\n"
        else:
            yield f"240 {len(lines)} lines\r\n".encode()


@dataclass
class Rig:
    transport: NNTPTransport
    guard: ConnectionGuard
    sessions: list[StandIn]

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.transport.port)


async def rig(options: NNTPOptions | None = None, **limits: Any) -> Rig:
    guard = ConnectionGuard(Limits(**limits))
    sessions: list[StandIn] = []

    def factory(backend: Any, opts: NNTPOptions, address: str) -> StandIn:
        s = StandIn(backend, opts, address)
        sessions.append(s)
        return s

    t = NNTPTransport(
        object(),  # type: ignore[arg-type]
        guard,
        options or NNTPOptions(),
        host="127.0.0.1",
        port=0,
        session_factory=factory,  # type: ignore[arg-type]
    )
    await t.start()
    return Rig(t, guard, sessions)


async def line(r: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(r.readline(), 5)


@pytest.fixture
async def board() -> AsyncIterator[Rig]:
    r = await rig()
    yield r
    await r.transport.stop()


async def test_greeting_commands_quit_and_release(board: Rig) -> None:
    r, w = await board.connect()
    assert await line(r) == b"200 stand-in ready\r\n"
    w.write(b"HELLO there\r\nHELP\n")
    assert await line(r) == b"500 What? 11 HELLO there\r\n"
    assert await line(r) == b"500 What? 4 HELP\r\n"  # a bare LF ends a line too
    conn = board.transport.connections[0]
    sock = conn._writer.get_extra_info("socket")
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    assert conn.ticket.logged_in  # anonymous reading: a guest, not a pre-login place
    assert board.guard.stats()["connections"] == 1 and board.guard.prelogin == 0
    w.write(b"QUIT\r\n")
    assert await line(r) == b"205 bye\r\n"
    assert await asyncio.wait_for(r.read(), 5) == b""
    w.close()
    await asyncio.sleep(0.05)
    assert board.guard.stats()["connections"] == 0
    assert board.transport.connections == []


async def test_line_cap_512_octets(board: Rig) -> None:
    r, w = await board.connect()
    await line(r)
    w.write(b"A" * 510 + b"\r\n")  # 512 octets with its CRLF: allowed
    assert (await line(r)).startswith(b"500 What? 510 ")
    w.write(b"B" * 511 + b"\r\n")  # 513: too long
    assert await line(r) == b"501 Line too long\r\n"
    w.write(b"C" * 598 + b"\r\nNEXT\r\n")  # a 600-octet line, then a command
    assert await line(r) == b"501 Line too long\r\n"
    assert await line(r) == b"500 What? 4 NEXT\r\n"
    # A line of 2 MB, sent in pieces: discarded as it comes, never buffered whole.
    for _ in range(32):
        w.write(b"D" * 65536)
        await w.drain()
    reader = board.transport.connections[0]
    w.write(b"\r\nSTILL\r\n")
    assert await line(r) == b"501 Line too long\r\n"
    assert await line(r) == b"500 What? 5 STILL\r\n"
    assert reader is not None


async def test_long_line_is_not_buffered() -> None:
    b = await rig()
    try:
        r, w = await b.connect()
        await line(r)
        for _ in range(64):  # 4 MiB without a line end
            w.write(b"E" * 65536)
            await w.drain()
        await asyncio.sleep(0.1)
        # Find the connection's line reader through its task's frame: its buffer is small.
        import gc

        from retroboard.transports.nntp.server import _LineReader

        readers = [o for o in gc.get_objects() if isinstance(o, _LineReader)]
        assert readers and all(len(x._buf) <= 512 + 16 * 1024 for x in readers)
        w.write(b"\r\nOK\r\n")
        assert await line(r) == b"501 Line too long\r\n"
        assert await line(r) == b"500 What? 2 OK\r\n"
    finally:
        await b.transport.stop()


async def test_idle_timeout() -> None:
    b = await rig(NNTPOptions(idle_timeout=0.3))
    try:
        r, w = await b.connect()
        await line(r)
        w.write(b"PING\r\n")
        await line(r)
        assert await line(r) == b"400 Idle timeout\r\n"
        assert await asyncio.wait_for(r.read(), 5) == b""
        # A line trickled slower than the timeout does not keep the connection.
        r, w = await b.connect()
        await line(r)
        for ch in b"SLOW":
            w.write(bytes([ch]))
            await asyncio.sleep(0.1)
        assert await line(r) == b"400 Idle timeout\r\n"
    finally:
        await b.transport.stop()


async def test_client_that_stops_reading_is_dropped_others_unaffected() -> None:
    b = await rig()
    b.transport.send_timeout = 0.5
    try:
        sr, sw = await b.connect()
        sock = sw.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        await line(sr)
        sw.transport.pause_reading()  # never reads the response
        sw.write(b"BIG 4000\r\n")  # 250 MB if it were all buffered
        r, w = await b.connect()
        await line(r)
        for _ in range(5):
            w.write(b"PING\r\n")
            assert (await line(r)).startswith(b"500 What?")
        conns = b.transport.connections
        assert len(conns) == 2
        stalled = next(c for c in conns if c.session is b.sessions[0])
        assert stalled._writer.transport.get_write_buffer_size() <= 2 * CHUNK + 1024
        for _ in range(40):
            if len(b.transport.connections) == 1:
                break
            await asyncio.sleep(0.1)
        assert len(b.transport.connections) == 1
        assert b.guard.stats()["connections"] == 1
        w.write(b"PING\r\n")
        assert (await line(r)).startswith(b"500 What?")
    finally:
        await b.transport.stop()


async def test_post_dot_unstuffed_and_capped() -> None:
    b = await rig(NNTPOptions(max_article_bytes=1000))
    try:
        r, w = await b.connect()
        await line(r)
        w.write(b"POST\r\n")
        assert await line(r) == b"340 send it\r\n"
        w.write(b"Subject: x\r\n\r\n..leading dot\r\n...\r\nplain\n.\r\nPING\r\n")
        assert await line(r) == b"240 5 lines\r\n"
        assert (await line(r)).startswith(b"500 What? 4")
        assert b.sessions[0].articles[0] == [
            b"Subject: x",
            b"",
            b".leading dot",
            b"..",
            b"plain",
        ]
        w.write(b"POST\r\n")
        await line(r)
        w.write(b"x" * 600 + b"\r\n" + b"y" * 600 + b"\r\n" + b"z" * 5000 + b"\r\n.\r\nPING\r\n")
        assert await line(r) == b"441 too big\r\n"
        assert (await line(r)).startswith(b"500 What? 4")
        assert b.sessions[0].articles[1] is None
        # Many short lines over the budget.
        w.write(b"POST\r\n")
        await line(r)
        w.write(b"".join(b"s" * 98 + b"\r\n" for _ in range(20)))
        w.write(b".\r\nPING\r\n")
        assert await line(r) == b"441 too big\r\n"
        assert (await line(r)).startswith(b"500 What? 4")
        # A line as long as the whole article budget, without a line end for a while.
        w.write(b"POST\r\n")
        await line(r)
        w.write(b"q" * 100_000)
        w.write(b"\r\n.\r\nPING\r\n")
        assert await line(r) == b"441 too big\r\n"
        assert (await line(r)).startswith(b"500 What? 4")
    finally:
        await b.transport.stop()


async def test_connections_per_address_capped() -> None:
    b = await rig(max_per_address=2)
    try:
        clients = [await b.connect() for _ in range(2)]
        for r, _ in clients:
            assert (await line(r)).startswith(b"200")
        r, _w = await b.connect()
        refused = await line(r)
        assert refused.startswith(b"400 Too many connections from your address"), refused
        assert await asyncio.wait_for(r.read(), 5) == b""
        clients[0][1].close()
        await asyncio.sleep(0.1)
        r, _w = await b.connect()
        assert (await line(r)).startswith(b"200")
    finally:
        await b.transport.stop()


async def test_banned_address_gets_502() -> None:
    b = await rig()

    class Ban:
        reason = "spam"
        expires_at = None

        def matches_address(self, ip: str) -> bool:
            return True

        def matches_handle(self, handle: str) -> bool:
            return False

    b.guard.load_bans([Ban()])
    try:
        r, _w = await b.connect()
        text = await line(r)
        assert text.startswith(b"502 You are banned") and b"spam" in text, text
        assert await asyncio.wait_for(r.read(), 5) == b""
    finally:
        await b.transport.stop()


async def test_prelogin_budget_without_anonymous_reading() -> None:
    b = await rig(NNTPOptions(anonymous_read=False), prelogin_byte_budget=2000)
    try:
        r, w = await b.connect()
        await line(r)
        assert b.guard.prelogin == 1
        for _ in range(300):
            w.write(b"PING\r\n")
        w.write(b"x" * 1000 + b"\r\n")
        data = await asyncio.wait_for(r.read(), 5)
        assert data.endswith(b"400 Too much input before logging in\r\n")
        # One that logs in in time is no longer metered.
        r, w = await b.connect()
        await line(r)
        w.write(b"AUTH alice\r\n")
        assert await line(r) == b"281 ok\r\n"
        assert b.guard.prelogin == 0
        for _ in range(50):
            w.write(b"P" * 100 + b"\r\n")
            await line(r)
        w.write(b"QUIT\r\n")
        assert await line(r) == b"205 bye\r\n"
    finally:
        await b.transport.stop()


async def test_kick_and_stop() -> None:
    b = await rig()
    r1, w1 = await b.connect()
    r2, w2 = await b.connect()
    await line(r1)
    await line(r2)
    await asyncio.sleep(0.05)
    conn = next(c for c in b.transport.connections if c.session is b.sessions[0])
    await conn.kick("Your account is locked by the sysop.")
    assert await line(r1) == b"400 Your account is locked by the sysop.\r\n"
    assert await asyncio.wait_for(r1.read(), 5) == b""
    await b.transport.stop()
    assert await line(r2) == b"400 Server shutting down\r\n"
    assert await asyncio.wait_for(r2.read(), 5) == b""
    assert b.guard.stats()["connections"] == 0

"""The web transport end to end: a real board, real sockets, a Python WebSocket client.

What a browser's caller sees is read through pyte (tests/helpers/screen.py) as for telnet.
The pages' own content is the front-page helper's (tests of pages.py); here: the headers, the
Origin and guard checks before the upgrade, the limits after it, and the sessions.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import select
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.conftest import cheap_settings
from tests.helpers.clients import TelnetClient, _Waiting
from tests.helpers.screen import VirtualScreen
from tests.helpers.serve import PeakRSS, free_port, serve, wait_listening

# The async tests share the module's board (and its loop); the flood test is plain.
ON_BOARD = pytest.mark.asyncio(loop_scope="module")

MENU = r"\[G\] Goodbye"
PASSWORD = "Web-caller-42"
SECURITY = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=()",
}


class WebClient(_Waiting):
    """aiohttp's WebSocket client speaking the page's protocol: keys as binary frames, a
    resize message first; the board's binary frames drawn on a pyte screen."""

    def __init__(self, session: aiohttp.ClientSession, ws: Any, cols: int, rows: int) -> None:
        self.session, self.ws = session, ws
        self.screen = VirtualScreen(cols, rows)
        self.closed_code: int | None = None

    @classmethod
    async def connect(
        cls,
        port: int,
        cols: int = 80,
        rows: int = 25,
        source: str | None = None,
        origin: str | None = "own",
        max_msg_size: int = 0,
        send_size: bool = True,
    ) -> WebClient:
        base = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(local_addr=(source, 0) if source else None)
        session = aiohttp.ClientSession(connector=connector)
        headers = {} if origin is None else {"Origin": base if origin == "own" else origin}
        try:
            ws = await session.ws_connect(
                f"ws://127.0.0.1:{port}/ws",
                headers=headers,
                autoclose=False,
                max_msg_size=max_msg_size,
                timeout=aiohttp.ClientWSTimeout(ws_close=2),
            )
        except BaseException:
            await session.close()
            raise
        client = cls(session, ws, cols, rows)
        if send_size:
            await client.resize_to(cols, rows)
        return client

    async def _pump(self, wait: float) -> None:
        if self.ws.closed:
            await asyncio.sleep(wait)
            return
        try:
            msg = await self.ws.receive(timeout=wait)
        except TimeoutError:
            return
        if msg.type is aiohttp.WSMsgType.BINARY:
            self.screen.feed(msg.data)
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            self.closed_code = self.ws.close_code if msg.data is None else int(msg.data)
            await self.ws.close()

    async def send(self, text: str) -> None:
        await self._pump(0.005)
        self._input_mark()
        await self.ws.send_bytes(text.encode())

    async def line(self, text: str) -> None:
        await self.send(text + "\r")

    async def resize_to(self, cols: int, rows: int) -> None:
        self._input_mark()
        self.screen.resize(cols, rows)
        await self.ws.send_str(f'{{"type":"resize","cols":{cols},"rows":{rows}}}')

    async def wait_closed(self, timeout: float = 8.0) -> int | None:
        end = asyncio.get_running_loop().time() + timeout
        while not self.ws.closed and asyncio.get_running_loop().time() < end:
            await self._pump(0.1)
        assert self.ws.closed, f"still open after {timeout} s; screen:\n{self.text}"
        return self.closed_code if self.closed_code is not None else self.ws.close_code

    async def close(self) -> None:  # type: ignore[override]
        await self.ws.close()
        await self.session.close()


@dataclass
class Live:
    board: Any
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def live(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    from retroboard.app import Board

    data = tmp_path_factory.mktemp("web")
    board = Board(replace(cheap_settings(data), http_port=free_port()))
    await board.start()
    assert board.web is not None
    try:
        yield Live(board, board.web.port)
    finally:
        await board.stop()


async def register(port: int, handle: str, **kw: Any) -> WebClient:
    c = await WebClient.connect(port, **kw)
    await c.wait_for(r"Handle:\s*$")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20 letters\):\s*$")
    await c.line(handle)
    await c.wait_for(r"Password \(8 or more characters\):\s*$")
    await c.line(PASSWORD)
    await c.wait_for(r"confirm:\s*$")
    await c.line(PASSWORD)
    await c.wait_for(r"Real name \(optional\):\s*$")
    await c.line("")
    await c.wait_for(r"Location, city/state \(optional\):\s*$")
    await c.line("Leeds")
    await c.wait_for(r"\(Y/n\)")
    await c.send("y")
    await c.wait_for(MENU)
    return c


async def log_in(port: int, handle: str, **kw: Any) -> WebClient:
    c = await WebClient.connect(port, **kw)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORD)
    await c.wait_for(MENU)
    return c


async def http_get(url: str, **kw: Any) -> tuple[int, Any, str]:
    async with aiohttp.ClientSession() as s, s.get(url, **kw) as r:
        return r.status, r.headers, await r.text()


async def upgrade_status(port: int, origin: str | None, source: str | None = None) -> int:
    """The HTTP status a WebSocket upgrade to /ws gets (101 when it is accepted)."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, local_addr=(source, 0) if source else None
    )
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        + (f"Origin: {origin}\r\n" if origin is not None else "")
        + "\r\n"
    )
    writer.write(request.encode())
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    finally:
        writer.close()
    return int(head.split()[1])


# ---- sessions ------------------------------------------------------------------------------
@ON_BOARD
async def test_page_origin_reaches_handle_registers_and_logs_in(live: Live) -> None:
    c = await register(live.port, "webby", cols=90, rows=30)
    node = next(n for n in live.board.presence.nodes() if n.handle == "webby")
    assert node.transport == "web" and node.terminal == "xterm-256color"
    assert (node.cols, node.rows) == (90, 30)
    stats = await live.board._ctl_stats({})
    assert stats["web"] >= 1
    await c.send("g")
    await c.wait_for(r"Log off now\?")
    await c.send("y")
    assert await c.wait_closed() == 1000  # the board's closing handshake, after its goodbye
    await c.close()

    again = await log_in(live.port, "webby")
    await again.send("i")
    screen = await again.wait_for("80x25")
    assert "web" in screen
    await again.close()


@ON_BOARD
async def test_a_client_that_sends_no_size_gets_its_screen_at_80x25(live: Live) -> None:
    t0 = time.monotonic()
    c = await WebClient.connect(live.port, send_size=False)
    screen = await c.wait_for(r"Handle:\s*$")
    took = time.monotonic() - t0
    assert "80x25" in screen
    assert took < 3, f"{took:.1f} s to the login screen"  # app.WEB_SIZE_WAIT is 1 s
    await c.close()


@ON_BOARD
async def test_going_down_is_told_to_web_callers(tmp_path: Path) -> None:
    from retroboard.app import Board

    board = Board(replace(cheap_settings(tmp_path), http_port=free_port()))
    await board.start()
    stopped = False
    try:
        assert board.web is not None
        await board.services.users.register("leaver", PASSWORD)
        menu = await log_in(board.web.port, "leaver")
        prompt = await WebClient.connect(board.web.port)
        await prompt.wait_for(r"Handle:\s*$")
        marks = (menu.mark(), prompt.mark())
        stopping = asyncio.ensure_future(board.stop())
        for client, mark in zip((menu, prompt), marks, strict=True):
            await client.wait_for("going down", after=mark)
            await client.wait_closed()
        await stopping
        stopped = True
        await menu.close()
        await prompt.close()
    finally:
        if not stopped:
            await board.stop()


@ON_BOARD
async def test_resize_changes_the_screen_width(live: Live) -> None:
    await live.board.services.users.register("stretch", PASSWORD)
    c = await log_in(live.port, "stretch", cols=80, rows=25)
    await c.resize_to(120, 40)
    await c.settle()
    await c.send("i")
    await c.wait_for("120x40")
    await c.send("q")
    await c.settle()
    await c.send("w")  # who's online: its title bar spans the screen, the count at the right
    await c.wait_for(r"Who's online.{80,} \d+ on")
    await c.resize_to(60, 20)
    await c.wait_for(r"Who's online.{20,45} \d+ on")  # redrawn at 60 columns
    assert all(len(row) == 60 for row in c.screen.screen.display)
    await c.close()


@ON_BOARD
async def test_web_and_telnet_callers_see_each_other(live: Live) -> None:
    await live.board.services.users.register("tele", PASSWORD)
    await live.board.services.users.register("brow", PASSWORD)
    w = await log_in(live.port, "brow")
    t = await TelnetClient.connect(live.board.telnet.port)
    await t.wait_for("Handle:")
    await t.line("tele")
    await t.wait_for("Password:")
    await t.line(PASSWORD)
    await t.wait_for(MENU)
    await t.send("w")
    await t.wait_for("brow")
    await w.send("w")
    await w.wait_for("tele")
    t.close()
    await w.close()


@ON_BOARD
async def test_a_member_who_chose_cp437_still_gets_utf8_in_the_browser(live: Live) -> None:
    user = await live.board.services.users.register("vga", PASSWORD)
    await live.board.services.users.set_charset(user.id, "cp437")
    c = await log_in(live.port, "vga")
    assert "╔" in c.text and "Main Menu" in c.text  # box drawing read as UTF-8 by the browser
    (term,) = [t for t in live.board.web.connections if not t.closed]
    assert term.info.encoding == "utf-8"
    await c.close()


# ---- refused before the upgrade ---------------------------------------------------------------
@ON_BOARD
async def test_foreign_and_missing_origin_get_403_and_no_session(live: Live) -> None:
    guard = live.board.guard
    admitted, sessions = guard.total, len(live.board.sessions)
    assert await upgrade_status(live.port, "http://evil.example") == 403
    assert await upgrade_status(live.port, None) == 403
    assert await upgrade_status(live.port, "null") == 403
    assert await upgrade_status(live.port, f"https://127.0.0.1:{live.port}") == 403  # scheme
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await WebClient.connect(live.port, origin="http://evil.example")
    assert refused.value.status == 403
    # no ticket and no session for any of them (earlier tests' callers may still be leaving)
    assert guard.total <= admitted and len(live.board.sessions) <= sessions
    assert await upgrade_status(live.port, live.url) == 101  # the page's own origin: accepted


@ON_BOARD
async def test_extra_allowed_origin(tmp_path: Path) -> None:
    from retroboard.app import Board

    board = Board(
        replace(
            cheap_settings(tmp_path),
            http_port=free_port(),
            http_origins="https://bbs.example.org, http://school.example:8080",
        )
    )
    await board.start()
    try:
        assert board.web is not None
        assert await upgrade_status(board.web.port, "https://bbs.example.org") == 101
        assert await upgrade_status(board.web.port, "http://school.example:8080") == 101
        assert await upgrade_status(board.web.port, "http://school.example") == 403
    finally:
        await board.stop()


@ON_BOARD
async def test_banned_address_is_refused_and_a_banned_caller_is_cut_off(live: Live) -> None:
    caller = await WebClient.connect(live.port, source="127.0.0.6")
    await caller.wait_for(r"Handle:\s*$")
    await live.board.services.bans.add("127.0.0.5", reason="flooding")
    await live.board.services.bans.add("127.0.0.6", reason="rude")
    for _ in range(50):
        if live.board.guard.ban_for_address("127.0.0.5") is not None:
            break
        await asyncio.sleep(0.05)
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await WebClient.connect(live.port, source="127.0.0.5")
    assert refused.value.status == 503
    assert await upgrade_status(live.port, live.url, source="127.0.0.5") == 503
    # the caller already on from the other banned address is told why and hung up
    await caller.wait_for("banned", after=caller.mark())
    await caller.wait_closed()
    await caller.close()


@ON_BOARD
async def test_a_locked_account_is_cut_off_on_the_web_too(live: Live) -> None:
    await live.board.services.users.register("lockme", PASSWORD)
    c = await log_in(live.port, "lockme")
    mark = c.mark()
    await live.board.services.users.lock("lockme", "testing")
    await c.wait_for("locked", after=mark)
    await c.wait_closed()
    await c.close()


# ---- limits after the upgrade --------------------------------------------------------------
@ON_BOARD
async def test_an_oversized_message_closes_with_1009(live: Live) -> None:
    c = await WebClient.connect(live.port)
    await c.wait_for(r"Handle:\s*$")
    mark = c.mark()
    # WebOptions.max_frame octets, the page's largest piece: taken (2,048 keys at the key rate)
    await c.ws.send_bytes("\u00e9".encode() * 2048)
    await c.ws.send_bytes(b"\r")
    await c.wait_for(r"Password:\s*$", timeout=30, after=mark)
    await c.ws.send_bytes(b"x" * 4097)  # over it
    assert await c.wait_closed() == 1009
    await c.close()


@ON_BOARD
async def test_the_pre_login_byte_budget_applies(live: Live) -> None:
    c = await WebClient.connect(live.port, source="127.0.0.9")
    await c.wait_for(r"Handle:\s*$")
    for _ in range(20):  # 80 KB of keys, over the 64 KB budget
        if c.ws.closed:
            break
        try:
            await c.ws.send_bytes(b"a" * 4000)
        except (ConnectionError, aiohttp.ClientError):
            break
    await c.wait_closed()
    assert "Too much input" in c.screen.raw.decode("utf-8", "replace")
    await c.close()
    # and the board still answers
    other = await WebClient.connect(live.port)
    await other.wait_for(r"Handle:\s*$")
    await other.close()


@ON_BOARD
async def test_the_web_terminal_is_paced_like_telnet(tmp_path: Path) -> None:
    from retroboard.app import Board

    board = Board(replace(cheap_settings(tmp_path), http_port=free_port(), modem_bps=2400))
    await board.start()
    try:
        assert board.web is not None
        c = await WebClient.connect(board.web.port)
        await c.wait_for("CONNECT 2400")
        (term,) = board.web.connections
        assert term.pace == 240.0  # characters a second: 2400 bps, 10 bits a character
        await c.close()
    finally:
        await board.stop()


# ---- pages ---------------------------------------------------------------------------------
@ON_BOARD
@pytest.mark.parametrize(
    "path", ["/", "/terminal", "/classroom", "/nowhere", "/assets/../x", "/favicon.ico"]
)
async def test_security_headers_on_every_page(live: Live, path: str) -> None:
    status, headers, body = await http_get(live.url + path)
    # no icon: 204, not a 404 in every browser console
    assert status == (204 if path == "/favicon.ico" else status) and status in (200, 204, 404)
    for name, value in SECURITY.items():
        assert value in headers.get(name, ""), (path, name, headers.get(name))
    if status == 200:
        assert headers["Content-Type"].startswith("text/html")
        # nothing of a session in any URL the page links to: no query strings, no tokens
        urls = re.findall(r"""(?:href|src|action)\s*=\s*["']([^"']*)""", body, re.I)
        assert all("?" not in u and "#" not in u for u in urls), urls


@ON_BOARD
async def test_assets_are_served_from_the_package_and_nothing_else(live: Live) -> None:
    from retroboard.transports.web.server import STATIC_DIR

    status, _, _ = await http_get(live.url + "/assets/..%2f..%2fserver.py")
    assert status == 404
    status, _, _ = await http_get(live.url + "/assets/nothing-here.js")
    assert status == 404
    if (STATIC_DIR / "terminal.js").is_file():
        status, headers, body = await http_get(live.url + "/assets/terminal.js")
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")
        assert "xterm" in body


# ---- a flood from a logged-in caller (the board in its own process, for its memory) -------
FLOOD = 50 << 20


@dataclass
class Served:
    proc: Any
    telnet: int
    http: int
    log: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("webflood")
    telnet, http = free_port(), free_port()
    log = data / "serve.log"
    with serve(data, log, telnet_port=telnet, env={"RETROBOARD_HTTP_PORT": str(http)}) as proc:
        wait_listening(http)
        for _ in range(100):  # the start-up line names the http port
            if f"http port {http}" in log.read_text(errors="replace"):
                break
            time.sleep(0.05)
        assert f"http port {http}" in log.read_text(errors="replace")
        yield Served(proc, telnet, http, log)
    assert "Traceback" not in log.read_text(errors="replace")


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class RawSocket:
    """A WebSocket client on a plain non-blocking socket: the test decides every byte sent."""

    def __init__(self, port: int, rcvbuf: int = 0) -> None:
        self.sock = socket.socket()
        self.sock.settimeout(5)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        if rcvbuf:  # the kernel holds little for us once we stop reading
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert head.split()[1] == b"101", head
        self.output = b""

    @staticmethod
    def frame(payload: bytes, opcode: int = 2) -> bytes:
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return head + mask + masked

    def take(self, data: bytes) -> None:
        """Parse the board's frames (unmasked) into `output`."""
        self.buf += data
        while len(self.buf) >= 2:
            n = self.buf[1] & 0x7F
            at = 2
            if n == 126:
                n, at = int.from_bytes(self.buf[2:4], "big"), 4
            elif n == 127:
                n, at = int.from_bytes(self.buf[2:10], "big"), 10
            if len(self.buf) < at + n:
                return
            if self.buf[0] & 0x0F == 2:
                self.output += self.buf[at : at + n]
            self.buf = self.buf[at + n :]

    def until(self, pattern: str, timeout: float = 10) -> None:
        """Read until `pattern` is in what arrived since the last call (ANSI codes removed)."""
        self.sock.settimeout(timeout)
        while not re.search(pattern, ANSI.sub("", self.output.decode("utf-8", "replace"))):
            data = self.sock.recv(65536)
            assert data, f"closed; output: {self.output[-300:]!r}"
            self.take(data)
        self.output = b""

    def send(self, payload: bytes, opcode: int = 2) -> None:
        self.sock.sendall(self.frame(payload, opcode))


def raw_register(port: int, handle: str, rcvbuf: int = 0) -> RawSocket:
    """A new member, registered over a RawSocket, at the main menu."""
    ws = RawSocket(port, rcvbuf)
    ws.send(b'{"type":"resize","cols":80,"rows":25}', opcode=1)
    for prompt, answer in [
        (r"Handle:\s*$", "new\r"),
        (r"Handle \(2-20 letters\):\s*$", handle + "\r"),
        (r"Password \(8 or more characters\):\s*$", PASSWORD + "\r"),
        (r"confirm:\s*$", PASSWORD + "\r"),
        (r"Real name \(optional\):\s*$", "\r"),
        (r"Location, city/state \(optional\):\s*$", "\r"),
        (r"\(Y/n\)", "y"),
    ]:
        ws.until(prompt)
        ws.send(answer.encode())
    ws.until(MENU)
    return ws


def test_a_caller_who_stops_reading_is_hung_up(served: Served) -> None:
    ws = raw_register(served.http, "stalled", rcvbuf=4096)
    port = ws.sock.getsockname()[1]
    memory = PeakRSS(served.proc.pid)
    t0 = time.monotonic()
    gone, resizes = False, 0
    ws.sock.settimeout(1)
    while not gone and time.monotonic() - t0 < 40:
        try:  # from here on nothing is read: every redraw piles up
            ws.send(b'{"type":"resize","cols":%d,"rows":25}' % (80 + resizes % 2), opcode=1)
            resizes += 1
            time.sleep(0.002)
        except (BrokenPipeError, ConnectionResetError):
            gone = True
        except TimeoutError:
            pass  # our own send buffer is full: the board is not reading us either
    took = time.monotonic() - t0
    grew = memory.grew_mb()
    ws.sock.close()
    print(f"web: hung up after {took:.1f} s, {resizes} resizes, RSS +{grew:.2f} MB")
    assert gone, f"still connected after {resizes} resizes in {took:.0f} s"
    assert grew < 5, f"the board grew by {grew:.1f} MB"
    dropped: list[str] = []
    for _ in range(50):  # the log is written off the loop
        dropped = [
            line
            for line in served.log.read_text(errors="replace").splitlines()
            if "dropping a client that stopped reading" in line and f":{port}" in line
        ]
        if dropped:
            break
        time.sleep(0.1)
    assert len(dropped) == 1, dropped  # once for the session, never once per write


def test_a_flood_of_key_frames_is_held_back_and_costs_no_memory(served: Served) -> None:
    ws = raw_register(served.http, "flooder")
    time.sleep(0.5)
    memory = PeakRSS(served.proc.pid)
    # keys the main menu ignores, and control messages the board ignores, as fast as TCP takes
    keys = RawSocket.frame(b"\x00" * 1000)
    noise = RawSocket.frame(b'{"type":"noise"}', opcode=1) * 20
    chunk = (keys + noise) * 8
    ws.sock.setblocking(False)
    sent, t0, answered = 0, time.monotonic(), None
    while sent < FLOOD and time.monotonic() - t0 < 4:
        r, w, _ = select.select([ws.sock], [ws.sock], [], 0.2)
        try:
            if r:
                data = ws.sock.recv(65536)
                assert data, "the board hung up on a logged-in caller"
            if w:
                sent += ws.sock.send(chunk)
        except BlockingIOError:
            pass
        if answered is None and time.monotonic() - t0 > 1.5:
            # another caller, meanwhile: the login screen within a couple of seconds
            s0 = time.monotonic()
            other = socket.create_connection(("127.0.0.1", served.telnet), 5)
            other.settimeout(5)
            seen = b""
            while b"Handle:" not in seen:
                part = other.recv(65536)
                if not part:
                    break
                seen += part
            other.close()
            answered = time.monotonic() - s0
            assert b"Handle:" in seen
    took = time.monotonic() - t0
    grew = memory.grew_mb()
    ws.sock.close()
    print(
        f"web flood: {sent / 1e6:.1f} MB taken in {took:.1f} s of 50 MB offered, RSS +{grew:.1f} MB, "
        f"another caller answered in {answered:.2f} s"
    )
    # read at the byte rate (2000 keys/s x 16 bytes) plus what the kernel's buffers hold
    assert sent < 4 << 20, f"{sent >> 20} MB taken in {took:.1f} s: the socket is not held back"
    assert grew < 5, f"the board grew by {grew:.1f} MB"
    assert answered is not None and answered < 3


# ---- the two holds on reading, each on its own (the transport alone, on this loop) ----------
class _Ticket:
    address = "127.0.0.1"
    refusal = None

    def __init__(self, logged_in: bool) -> None:
        self.logged_in = logged_in

    def take_bytes(self, n: int) -> bool:
        return True  # no budget: only the holds under test bound what is read

    def release(self) -> None:
        pass


class _Guard:
    def __init__(self, logged_in: bool) -> None:
        self.logged_in = logged_in

    def admit(self, kind: str, address: str) -> _Ticket:
        return _Ticket(self.logged_in)


class _Backend:
    """The minimal WebBackend: no pages are asked for here."""

    async def front_page(self) -> Any:
        raise AssertionError("not used")

    async def classroom(self) -> Any:
        raise AssertionError("not used")


async def flood(on_session: Any, logged_in: bool, frames: bytes, seconds: float) -> int:
    """Offer `frames` over and over for `seconds` to a transport running `on_session`; returns
    the raw bytes the transport read from the socket."""
    from retroboard.transports.web.options import WebOptions
    from retroboard.transports.web.server import WebTransport

    web = WebTransport(
        on_session, _Guard(logged_in), _Backend(), WebOptions(host="127.0.0.1", port=0)
    )
    await web.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", web.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{web.port}\r\nOrigin: http://127.0.0.1:"
            f"{web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            f"{key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
            + RawSocket.frame(b'{"type":"resize","cols":80,"rows":25}', opcode=1)
        )
        assert b" 101 " in await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        while not web.connections:
            await asyncio.sleep(0.01)
        (term,) = web.connections
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end:
            writer.write(frames)
            try:
                await asyncio.wait_for(writer.drain(), max(0.01, end - loop.time()))
            except TimeoutError:
                break
        read = int(term._link.bytes_in)
        writer.transport.abort()
        return read
    finally:
        await web.stop()


@ON_BOARD
async def test_a_session_that_reads_nothing_stops_the_socket_being_read() -> None:
    """aiohttp's own flow control (its message queue full) pauses the socket, through the
    meter's gate: with no budget and no byte rate, only it bounds what is read."""

    async def asleep(term: Any, *_: Any) -> None:
        await asyncio.sleep(30)

    read = await flood(asleep, False, RawSocket.frame(b"k" * 1000) * 64, 2.0)
    print(f"session reading nothing: {read / 1e3:.0f} KB read in 2 s")
    # the meter's backlog hold (64 KiB of aiohttp's queue), one read, the session's queue
    assert read < 256 << 10, f"{read >> 10} KiB read from the socket"


@ON_BOARD
async def test_frames_that_yield_no_keys_are_held_to_the_byte_rate() -> None:
    """A logged-in caller whose session keeps up, sending control messages the board ignores
    (no keys, so no key rate): the meter's byte rate (key_rate x 16 bytes/s) holds it."""

    async def reader(term: Any, *_: Any) -> None:
        from retroboard.term.events import Disconnected

        try:
            while True:
                await term.read_input()
        except Disconnected:
            pass

    noise = RawSocket.frame(b'{"type":"noise","x":"' + b"n" * 200 + b'"}', opcode=1) * 64
    read = await flood(reader, True, noise, 2.0)
    print(f"ignored frames: {read / 1e3:.0f} KB read in 2 s (rate 32 KB/s, burst 32 KB)")
    assert read < 400_000, f"{read / 1e3:.0f} KB read in 2 s"


@ON_BOARD
async def test_idle_http_connections_are_closed_and_capped_but_sockets_stay() -> None:
    from retroboard.term.events import Disconnected
    from retroboard.transports.web.options import WebOptions
    from retroboard.transports.web.server import WebTransport

    async def echo(term: Any, *_: Any) -> None:
        term.write("Handle: ")
        try:
            while True:
                await term.read_input()
        except Disconnected:
            pass

    web = WebTransport(
        echo,
        _Guard(False),
        _Backend(),
        WebOptions(host="127.0.0.1", port=0),
        http_max_open=3,
        http_idle=0.5,
    )
    await web.start()
    try:
        # a WebSocket is not an idle HTTP connection: it outlives http_idle
        caller = await WebClient.connect(web.port)
        await caller.wait_for("Handle:")
        idle = [await asyncio.open_connection("127.0.0.1", web.port) for _ in range(3)]
        idle[0][1].write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a request that never ends
        await asyncio.sleep(0.05)
        busy_r, busy_w = await asyncio.open_connection("127.0.0.1", web.port)
        busy = await asyncio.wait_for(busy_r.read(), 2)
        head, body = busy.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 503") and b"too many" in body
        assert f"Content-Length: {len(body)}".encode() in head
        assert web.http_refused == 1
        for r, _ in idle:  # closed by the board after http_idle (0.5 s), silent or slow
            assert await asyncio.wait_for(r.read(), 3) == b""
        await asyncio.sleep(1.0)
        await caller.send("x")
        assert not caller.ws.closed
        for _, w in [*idle, (busy_r, busy_w)]:
            w.close()
        status, _, _ = await http_get(f"http://127.0.0.1:{web.port}/nowhere")
        assert status == 404  # room again
        await caller.close()
    finally:
        await web.stop()


@ON_BOARD
async def test_a_web_caller_costs_at_most_three_tasks(tmp_path: Path) -> None:
    """One more than telnet and SSH (tests/e2e/test_session_tasks.py): aiohttp's task for the
    connection awaits a task of its own per request (aiohttp 3.14 on Python 3.11: "a new task
    is used for copy context vars"), which runs the session; and the reader pump."""
    from retroboard.app import Board

    board = Board(replace(cheap_settings(tmp_path), http_port=free_port()))
    await board.start()
    try:
        assert board.web is not None
        await asyncio.sleep(0.1)
        before = set(asyncio.all_tasks())
        reader, writer = await asyncio.open_connection("127.0.0.1", board.web.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{board.web.port}\r\nOrigin: http://127.0.0.1:"
            f"{board.web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            f"{key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
            + RawSocket.frame(b'{"type":"resize","cols":80,"rows":25}', opcode=1)
        )
        seen = b""
        async with asyncio.timeout(10):
            while b"Handle:" not in seen:
                seen += await reader.read(65536)
        await asyncio.sleep(0.2)
        mine = asyncio.current_task()
        tasks = sorted(
            getattr(t.get_coro(), "__qualname__", repr(t.get_coro()))
            for t in asyncio.all_tasks() - before
            if t is not mine
        )
        assert len(tasks) <= 3, tasks
        assert "WebTransport._session.<locals>.pump" in tasks
        writer.close()
        async with asyncio.timeout(10):
            while set(asyncio.all_tasks()) - before - {mine}:
                await asyncio.sleep(0.05)
    finally:
        await board.stop()

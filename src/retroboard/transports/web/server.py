"""The web transport: aiohttp on the board's own event loop, serving the pages and /ws.

GET / (front page), /classroom (+ /classroom.json), /terminal (xterm.js), /assets/<file>
(the built scripts, styles and fonts under ./static) and the WebSocket at /ws, which becomes
a WebSocketTerminal handed to the same `on_session` as telnet and SSH.

A WebSocket is checked before the upgrade: its Origin must be the page's own (the request's
scheme://Host) or one of `WebOptions.allowed_origins` (else 403), and the connection guard
must admit its address (else 503 with the guard's text: banned, busy). After the upgrade every
raw byte passes a meter first (`_Meter`, set as the socket's protocol in front of aiohttp's):
it counts against the guard's pre-login budget, is paced at a byte rate once logged in, and
aiohttp's own read flow control (its message queue full because the session is behind) goes
through the same ReadGate as telnet's, so neither resumes what the other paused; reading also
stops while aiohttp's message queue holds more than BACKLOG (aiohttp's own limit is 512 KiB).
Messages are at most `max_frame` octets (more: close 1009); no compression is offered (a
deflate bomb). HTTP connections that are not a WebSocket are capped (HTTP_MAX_OPEN) and closed
when idle (HTTP_IDLE). Every response carries the security headers (SECURITY_HEADERS); no URL
carries session data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Protocol, cast

from aiohttp import WSMsgType, web

from retroboard.domain.errors import BoardError
from retroboard.domain.web import Classroom, FrontPage
from retroboard.term.terminal import CLOSE_GRACE, KEY_RATE, guess_info
from retroboard.transports.base import (
    Guard,
    OnSession,
    ReadGate,
    Ticket,
    limit_recv,
    run_with_pump,
)
from retroboard.transports.web.backend import WebBackend
from retroboard.transports.web.options import WebOptions
from retroboard.transports.web.pages import SITE_CSS_PATH, HtmlPages, terminal_html
from retroboard.transports.web.terminal import WebSocketTerminal, frame

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
# The terminal page's script: without it the assets are not built.
TERMINAL_JS = "terminal.js"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), usb=(), payment=(), interest-cohort=()"
    ),
}

TERM_TYPE = "xterm-256color"  # what xterm.js is; it also draws 24-bit colour
TRUECOLOR = 1 << 24
# Raw bytes per second per key of the key rate, once logged in: a browser sends a frame per
# key (6 bytes of header and the key's UTF-8), resizes while a window is dragged, and pastes
# as one frame. A flood of ignored or empty frames (which yield no keys) is held back by it.
RAW_BYTES_PER_KEY = 16
# What aiohttp's message queue may hold (its own accounting: payload + 128 octets a message)
# before the meter stops reading the socket; aiohttp itself pauses only at 512 KiB. Reading
# resumes when the session has taken it down to half.
BACKLOG = 64 * 1024
# The socket's write buffer above which the session's drain waits.
WRITE_HIGH_WATER = 64 * 1024
# Key frames that may arrive before the first resize message; more start the session at once.
EARLY_FRAMES = 16
# Seconds without a frame before aiohttp pings the browser (a dead peer is found and closed).
HEARTBEAT = 60.0
# HTTP connections that are not (yet) a WebSocket: at most this many open at once (more are
# answered 503 and closed as they come), and each is closed after this many seconds without a
# request (aiohttp's own default is an hour: a slow or silent client would hold a descriptor).
HTTP_MAX_OPEN = 256
HTTP_IDLE = 15.0
BUSY_TEXT = b"The board has too many web connections just now. Please try again.\r\n"
BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nConnection: close\r\nRetry-After: 5\r\n\r\n%s"
    % (len(BUSY_TEXT), BUSY_TEXT)
)
TOO_MUCH_INPUT = "\r\n*** Too much input before logging in. Goodbye. ***\r\n"
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".txt": "text/plain",
    ".map": "application/json",
}


# ---- pages ------------------------------------------------------------------------------
class Pages(Protocol):
    """The HTML of the pages (transports/web/pages.py's HtmlPages; everything in it escaped)."""

    def front_page(self, page: FrontPage, host: str | None = None) -> str: ...

    def classroom(self, room: Classroom) -> str: ...

    def terminal(self, board_name: str) -> str: ...

    def error(self, board_name: str, status: int, message: str) -> str: ...

    def site_css(self) -> str: ...


# ---- pure checks ----------------------------------------------------------------------------
def origin_allowed(origin: str | None, scheme: str, host: str, allowed: tuple[str, ...]) -> bool:
    """True when a WebSocket's Origin is the page's own (`scheme`://`host`, host as the Host
    header gives it) or one of `allowed`. A missing or "null" Origin is not allowed."""
    if not origin or not host:
        return False
    value = origin.strip().rstrip("/").lower()
    if value == "null":
        return False
    own = f"{scheme}://{host}".lower()
    return value == own or value in {a.strip().rstrip("/").lower() for a in allowed}


def parse_resize(text: str) -> tuple[int, int] | None:
    """(cols, rows) of a {"type": "resize", "cols": N, "rows": M} message; None for anything
    else (which is ignored)."""
    try:
        msg = json.loads(text)
    except ValueError:
        return None
    if not isinstance(msg, dict) or msg.get("type") != "resize":
        return None
    cols, rows = msg.get("cols"), msg.get("rows")
    if type(cols) is not int or type(rows) is not int:
        return None
    if not (0 < cols < 10000 and 0 < rows < 10000):
        return None
    return cols, rows


def asset_path(root: Path, name: str) -> Path | None:
    """The file under `root` that /assets/`name` names, or None (bad name, outside, missing)."""
    if not _ASSET_NAME.match(name) or ".." in name.split("/"):
        return None
    path = root / name
    try:
        resolved = path.resolve(strict=True)
        resolved.relative_to(root.resolve(strict=True))
    except (OSError, ValueError):
        return None
    return resolved if resolved.is_file() else None


# ---- the meter between the socket and aiohttp ------------------------------------------------
class _GatedTransport:
    """What aiohttp's protocol holds as its transport once a WebSocket is admitted: the socket's
    own, except that aiohttp's pause/resume of reading (its message queue is full) goes
    through the connection's ReadGate, which also holds the byte-rate pause."""

    __slots__ = ("_real", "_gate")

    def __init__(self, real: Any, gate: ReadGate) -> None:
        self._real = real
        self._gate = gate

    def pause_reading(self) -> None:
        self._gate.pause_reading()

    def resume_reading(self) -> None:
        self._gate.resume_reading()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Meter(asyncio.Protocol):
    """Every byte a WebSocket client sends passes here before aiohttp parses it (set as the
    socket transport's protocol, forwarding to aiohttp's): the pre-login budget, a byte rate
    once logged in, and the socket's write flow control for the terminal's drain."""

    def __init__(self, transport: Any, inner: Any, ticket: Ticket) -> None:
        self.transport = transport
        self._inner = inner
        self._ticket = ticket
        self.gate = ReadGate(transport)
        self._writable = asyncio.Event()
        self._writable.set()
        self.key_rate: float = KEY_RATE
        self.cut = False
        self.terminal: WebSocketTerminal | None = None
        self.bytes_in = 0
        # What aiohttp's message queue holds, once the WebSocket is open (see `queued_by`).
        self._queued: Callable[[], int] = lambda: 0
        transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        limit_recv(transport)

    def install(self) -> None:
        """Put the meter in front of aiohttp's protocol, and the gate under it."""
        self.transport.set_protocol(self)
        self._inner.transport = _GatedTransport(self.transport, self.gate)

    def data_received(self, data: bytes) -> None:
        if self.cut:
            return
        self.bytes_in += len(data)
        ticket = self._ticket
        if not ticket.take_bytes(len(data)):
            self.hang_up(f"hanging up {ticket.address}: over the pre-login input budget (web)")
            return
        if ticket.logged_in:
            self.gate.pace(len(data), self.key_rate * RAW_BYTES_PER_KEY)
        self._inner.data_received(data)
        if self._queued() > BACKLOG:
            self.gate.pause("backlog")

    def queued_by(self, ws: web.WebSocketResponse) -> None:
        """Watch `ws`'s message queue: reading stops while it holds more than BACKLOG."""
        # aiohttp 3.14's queue counts what it holds in `_size` (readonly in its C build,
        # plain in the Python one; aiohttp is pinned, and tests/e2e/test_web.py checks it).
        self._queued = lambda: int(getattr(ws._reader, "_size", 0) or 0)

    def taken(self) -> None:
        """The session took a message: read on once the queue is down to half of BACKLOG."""
        if self.gate.paused and self._queued() <= BACKLOG // 2:
            self.gate.resume("backlog")

    def eof_received(self) -> bool | None:
        result = self._inner.eof_received()
        return bool(result) if result is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        self.gate.close()
        self._writable.set()
        if self.terminal is not None:
            self.terminal.lost()
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._writable.clear()
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._writable.set()
        self._inner.resume_writing()

    async def writable(self) -> None:
        await self._writable.wait()

    def hang_up(self, why: str) -> None:
        """Over the budget: say so, stop reading, and close (abort if it is not taken)."""
        if self.cut:
            return
        self.cut = True
        log.info("%s", why)
        self.gate.pause("cut")
        if self.terminal is not None:
            self.terminal.lost()
        transport = self.transport
        if not transport.is_closing():
            transport.write(frame(TOO_MUCH_INPUT.encode()))
            transport.write(frame((1008).to_bytes(2, "big") + b"too much input", 0x8))
            transport.close()
        asyncio.get_running_loop().call_later(CLOSE_GRACE, transport.abort)

    def abort(self, why: str) -> None:
        """Drop the connection at once (the terminal's abort: output not taken)."""
        if why and not self.cut:
            log.info("%s", why)
        self.cut = True
        self._writable.set()
        self.transport.abort()


# ---- the listener ------------------------------------------------------------------------------
class _Busy(asyncio.Protocol):
    """A connection over HTTP_MAX_OPEN: told so, and closed."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        writer = cast(asyncio.WriteTransport, transport)
        writer.write(BUSY_RESPONSE)
        writer.close()


class _Site(web.TCPSite):
    """aiohttp's TCPSite, with each connection's protocol from `factory` (the HTTP cap)."""

    __slots__ = ("_factory",)

    def __init__(
        self,
        runner: web.AppRunner,
        host: str,
        port: int,
        factory: Callable[[], asyncio.BaseProtocol],
    ) -> None:
        super().__init__(runner, host, port)
        self._factory = factory

    async def start(self) -> None:
        await web.BaseSite.start(self)
        self._server = await asyncio.get_running_loop().create_server(
            self._factory,
            self._host,
            self._port,
            backlog=self._backlog,
            reuse_address=self._reuse_address,
            reuse_port=self._reuse_port,
        )


# ---- the transport ---------------------------------------------------------------------------
class WebTransport:
    """Listens for HTTP on the board's loop; each admitted /ws becomes a WebSocketTerminal."""

    def __init__(
        self,
        on_session: OnSession,
        guard: Guard,
        backend: WebBackend,
        options: WebOptions,
        pages: Pages | None = None,
        static_dir: Path = STATIC_DIR,
        *,
        http_max_open: int = HTTP_MAX_OPEN,
        http_idle: float = HTTP_IDLE,
    ) -> None:
        self._on_session = on_session
        self.guard = guard
        self.backend = backend
        self.options = options
        self.pages: Pages = pages if pages is not None else HtmlPages()
        self.static_dir = static_dir
        self.http_max_open = http_max_open
        self._http_idle = http_idle
        self.http_refused = 0  # connections answered 503 for HTTP_MAX_OPEN
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        # The open WebSockets (admitted, upgraded, not yet closed).
        self.connections: set[WebSocketTerminal] = set()
        self._sockets: set[web.WebSocketResponse] = set()
        self._stopping = False

    # ---- lifecycle -------------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=4096, middlewares=[self._error_pages])
        app.on_response_prepare.append(self._headers)
        routes: list[tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = [
            ("/", self._front_page),
            ("/classroom", self._classroom),
            ("/classroom.json", self._classroom_json),
            ("/terminal", self._terminal),
            (SITE_CSS_PATH, self._site_css),
            ("/assets/{name:.+}", self._asset),
            ("/ws", self._websocket),
            ("/favicon.ico", self._no_icon),
        ]
        for path, handler in routes:
            app.router.add_get(path, handler)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(
            self.make_app(),
            access_log=None,
            shutdown_timeout=0.5,
            handle_signals=False,
            keepalive_timeout=self._http_idle,
        )
        await self._runner.setup()
        self._site = _Site(self._runner, self.options.host, self.options.port, self._accept)
        await self._site.start()

    def _accept(self) -> asyncio.BaseProtocol:
        """A new connection's protocol: aiohttp's, unless HTTP_MAX_OPEN are open already."""
        assert self._runner is not None and self._runner.server is not None
        server = self._runner.server
        if len(server.connections) - len(self._sockets) >= self.http_max_open:
            self.http_refused += 1
            if self.http_refused % 1000 == 1:
                log.warning(
                    "web: %d HTTP connections open: refusing more (%d so far)",
                    self.http_max_open,
                    self.http_refused,
                )
            return _Busy()
        return server()

    @property
    def port(self) -> int:
        assert self._runner is not None
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening and close every connection (sessions are told by the board first)."""
        self._stopping = True
        for term in list(self.connections):
            term.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- HTTP ------------------------------------------------------------------------------
    @web.middleware
    async def _error_pages(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """A page's 4xx/5xx as the board's error page (the WebSocket's refusals stay text)."""
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400 or request.path == "/ws":
                raise
            text = self.pages.error(self.options.board_name, exc.status, exc.reason)
            return web.Response(
                status=exc.status, text=text, content_type="text/html", charset="utf-8"
            )

    async def _headers(self, _request: web.Request, response: web.StreamResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)

    @staticmethod
    def _html(text: str) -> web.Response:
        return web.Response(
            text=text,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-store"},
        )

    async def _front_page(self, request: web.Request) -> web.StreamResponse:
        try:
            page = await self.backend.front_page()
        except BoardError:
            log.exception("the front page could not be read")
            raise web.HTTPServiceUnavailable(
                text="The board cannot show this page just now."
            ) from None
        return self._html(self.pages.front_page(page, request.url.host))

    async def _read_classroom(self) -> Classroom:
        try:
            return await self.backend.classroom()
        except BoardError:
            log.exception("the classroom view could not be read")
            raise web.HTTPServiceUnavailable(
                text="The board cannot show this page just now."
            ) from None

    async def _no_icon(self, _request: web.Request) -> web.StreamResponse:
        """The board has no icon: 204, where a 404 would be logged in every browser console."""
        return web.Response(status=204)

    async def _classroom(self, _request: web.Request) -> web.StreamResponse:
        return self._html(self.pages.classroom(await self._read_classroom()))

    async def _classroom_json(self, _request: web.Request) -> web.StreamResponse:
        room = await self._read_classroom()
        return web.json_response(asdict(room), headers={"Cache-Control": "no-store"})

    async def _terminal(self, _request: web.Request) -> web.StreamResponse:
        if asset_path(self.static_dir, TERMINAL_JS) is None:  # not built: say how to build
            return self._html(terminal_html(self.options.board_name, False))
        return self._html(self.pages.terminal(self.options.board_name))

    async def _site_css(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(
            text=self.pages.site_css(),
            content_type="text/css",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        path = asset_path(self.static_dir, request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        content_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return web.FileResponse(
            path, headers={"Content-Type": content_type, "Cache-Control": "no-cache"}
        )

    # ---- the WebSocket -----------------------------------------------------------------------
    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, request.scheme, request.host, self.options.allowed_origins):
            log.info(
                "web: refused a WebSocket from %s: Origin %r", request.remote, (origin or "")[:80]
            )
            raise web.HTTPForbidden(text="This WebSocket is only for the board's own pages.")
        transport = request.transport
        if transport is None or self._stopping:
            raise web.HTTPServiceUnavailable(text="The board is going down.")
        peer = transport.get_extra_info("peername") or ("-", 0)
        ticket = self.guard.admit("web", str(peer[0]))
        try:
            if ticket.refusal is not None:
                raise web.HTTPServiceUnavailable(text=ticket.refusal.strip("\r\n"))
            return await self._run_socket(request, transport, ticket, peer)
        finally:
            ticket.release()

    async def _run_socket(
        self, request: web.Request, transport: Any, ticket: Ticket, peer: Any
    ) -> web.StreamResponse:
        ws = web.WebSocketResponse(
            timeout=CLOSE_GRACE,
            autoclose=True,
            autoping=True,
            heartbeat=HEARTBEAT,
            compress=False,
            max_msg_size=self.options.max_frame + 1,  # aiohttp refuses a message of this size
        )
        if not ws.can_prepare(request).ok:
            raise web.HTTPBadRequest(text="Not a WebSocket request.")
        meter = _Meter(transport, request.protocol, ticket)
        meter.install()
        await ws.prepare(request)
        meter.queued_by(ws)
        self._sockets.add(ws)
        try:
            await self._session(ws, meter, ticket, f"{peer[0]}:{peer[1]}")
        finally:
            self._sockets.discard(ws)
            if not ws.closed:
                try:
                    async with asyncio.timeout(CLOSE_GRACE + 0.5):
                        await ws.close()
                except (TimeoutError, ConnectionError, OSError):
                    transport.abort()
        return ws

    async def _session(
        self, ws: web.WebSocketResponse, meter: _Meter, ticket: Ticket, peer: str
    ) -> None:
        cols, rows = 80, 25
        early: list[bytes] = []
        try:
            async with asyncio.timeout(self.options.handshake_timeout):
                while len(early) < EARLY_FRAMES:
                    msg = await ws.receive()
                    meter.taken()
                    if msg.type is WSMsgType.TEXT:
                        size = parse_resize(msg.data)
                        if size is not None:
                            cols, rows = size
                            break
                    elif msg.type is WSMsgType.BINARY:
                        early.append(msg.data)
                    elif msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                        return
                    elif msg.type is WSMsgType.ERROR:
                        return
        except TimeoutError:
            pass  # no size from the browser: 80x25
        if meter.cut or ws.closed:
            return
        info = replace(guess_info("web", TERM_TYPE, cols, rows, peer), colors=TRUECOLOR)
        term = WebSocketTerminal(meter, info)
        meter.terminal = term
        self.connections.add(term)

        async def pump() -> None:
            try:
                for data in early:
                    await term.feed(data)
                while True:
                    msg = await ws.receive()
                    meter.taken()
                    if msg.type is WSMsgType.BINARY:
                        meter.key_rate = term.key_rate
                        await term.feed(msg.data)
                    elif msg.type is WSMsgType.TEXT:
                        size = parse_resize(msg.data)
                        if size is not None:
                            term.resize(*size)
                    elif msg.type in (
                        WSMsgType.CLOSE,
                        WSMsgType.CLOSING,
                        WSMsgType.CLOSED,
                        WSMsgType.ERROR,
                    ):
                        break
            except (ConnectionError, OSError, RuntimeError):
                pass
            finally:
                term.lost()

        try:
            await run_with_pump(term, pump(), self._on_session(term, None, False, ticket))
        except Exception:
            log.exception("web session from %s failed", peer)
        finally:
            self.connections.discard(term)
            meter.terminal = None

"""SSH transport: asyncssh with password auth, `new` for registration, PTY size and resize.

Hardened for the public internet: modern algorithms only unless `legacy_algorithms`, no
compression, one session channel per connection, a small channel window (the reader pump never
reads ahead of the session's queue), every raw byte metered (the pre-login budget and a byte
rate, including what asyncssh buffers while a password check is pending), and output that a
client does not take aborts the connection.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncssh

from retroboard.term.terminal import KEY_RATE, guess_info
from retroboard.transports.base import (
    READ_SIZE,
    Authenticate,
    Guard,
    OnSession,
    ReadGate,
    Ticket,
    TurnBufferedTerminal,
    limit_recv,
    run_with_pump,
)

log = logging.getLogger(__name__)

REGISTER_HANDLE = "new"
MAX_AUTH_FAILURES = 3
FAILED_AUTH_DELAY = 1.0

# Offered by default: no SHA-1, no UMAC, no CBC, no arcfour (asyncssh 2.24 names; it has no
# sntrup761, its post-quantum hybrid is ML-KEM). `legacy_algorithms` offers asyncssh's own
# defaults instead, for old BBS clients such as SyncTERM.
MODERN_KEX_ALGS = (
    "mlkem768x25519-sha256",
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha256",
)
MODERN_ENCRYPTION_ALGS = (
    "chacha20-poly1305@openssh.com",
    "aes256-gcm@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-ctr",
    "aes192-ctr",
    "aes128-ctr",
)
MODERN_MAC_ALGS = (
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
)

# The receive window of a session channel: what a client may have in flight unread. The
# session's reader stops taking data when this much is buffered, so a fast sender waits.
CHANNEL_WINDOW = 64 * 1024
# Raw bytes per second per key of the key rate (SSH packets carry ~40 bytes per keystroke).
RAW_BYTES_PER_KEY = 64
# What asyncssh may hold unparsed (it buffers without limit while a request, such as a
# password check, is being handled); legitimate clients stay far below (a packet is < 36 KB).
MAX_UNPARSED = 256 * 1024
# What a connection the guard refused may send before it is cut off (enough for the key
# exchange and the request that gets the refusal as its banner).
REFUSED_BUDGET = 64 * 1024
# A refused address is told why (the auth banner, after a key exchange) once per this many
# seconds; its other connections in between are cut before the key exchange.
EXPLAIN_EVERY = 10.0
# The session's writes wait (drain) while asyncssh's socket buffer is above this.
WRITE_HIGH_WATER = 64 * 1024


class HostKeyError(Exception):
    """The SSH host key file exists but cannot be used (corrupt, encrypted, unreadable)."""


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """Read the ed25519 host key, or generate one (file mode 0600) on first start.

    Raises HostKeyError, with one line saying what to do, when the file cannot be used."""
    advice = "move it away and a new one is generated on the next start"
    try:
        if path.exists():
            try:
                return asyncssh.read_private_key(str(path))
            except (asyncssh.KeyImportError, ValueError) as exc:
                raise HostKeyError(
                    f"SSH host key {path} is not a valid private key ({exc}); {advice}"
                ) from None
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519", comment="retroboard host key")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.export_private_key())
        os.chmod(path, 0o600)
    except OSError as exc:
        raise HostKeyError(
            f"SSH host key {path} cannot be read or written ({exc.strerror or exc}); "
            f"check the data folder's permissions, or {advice}"
        ) from None
    log.info("generated SSH host key %s (%s)", path, key.get_fingerprint())
    return key


class _Meter:
    """Every byte a client sends on one SSH connection passes here first.

    asyncssh has no hook for raw input and ignores the socket's write flow control, so the
    connection's protocol methods are wrapped on the instance (asyncssh 2.24.1 is pinned, and
    tests/e2e/test_flood.py covers this): input counts against the guard's pre-login budget
    and a byte rate, the unparsed buffer is capped, and writes know when the socket is full.
    """

    def __init__(self, conn: asyncssh.SSHServerConnection, ticket: Ticket) -> None:
        self._conn = conn
        self._ticket = ticket
        self._transport: Any = getattr(conn, "_transport", None)
        self.gate = ReadGate(self._transport)
        self._writable = asyncio.Event()
        self._writable.set()
        self._refused_bytes = 0
        self.key_rate: float = KEY_RATE
        self.cut = False
        self._forward = conn.data_received
        conn.data_received = self._data_received  # type: ignore[method-assign]
        conn.pause_writing = self._pause_writing  # type: ignore[method-assign]
        conn.resume_writing = self._resume_writing  # type: ignore[method-assign]
        if self._transport is not None:
            self._transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
            limit_recv(self._transport)

    def _data_received(self, data: bytes, datatype: Any = None) -> None:
        if self.cut:
            return
        address = self._ticket.address
        if self._ticket.refusal is not None:
            self._refused_bytes += len(data)
            if self._refused_bytes > REFUSED_BUDGET:
                self.abort(f"hanging up {address}: refused, and still sending")
                return
        elif not self._ticket.take_bytes(len(data)):
            self.abort(f"hanging up {address}: over the pre-login input budget (ssh)")
            return
        unparsed = len(getattr(self._conn, "_inpbuf", b""))
        if unparsed + len(data) > MAX_UNPARSED:
            self.abort(f"hanging up {address}: sent {unparsed + len(data)} bytes ahead (ssh)")
            return
        self.gate.pace(len(data), self.key_rate * RAW_BYTES_PER_KEY)
        self._forward(data, datatype)

    def _pause_writing(self) -> None:
        self._writable.clear()

    def _resume_writing(self) -> None:
        self._writable.set()

    async def writable(self) -> None:
        """Wait until the socket has room again (the peer is reading)."""
        await self._writable.wait()

    def write_buffer_size(self) -> int:
        """Bytes in asyncssh's socket buffer, not yet taken by the peer."""
        if self._transport is None or self._transport.is_closing():
            return 0
        return int(self._transport.get_write_buffer_size())

    def abort(self, why: str) -> None:
        """Drop the connection at once (logged once)."""
        if self.cut:
            return
        self.cut = True
        log.info("%s", why)
        self._writable.set()
        self._conn.abort()

    def close(self) -> None:
        self.gate.close()
        self._writable.set()


class SSHTerminal(TurnBufferedTerminal):
    __slots__ = ("_process", "_meter")

    def __init__(
        self, process: asyncssh.SSHServerProcess[bytes], info: Any, meter: _Meter | None = None
    ) -> None:
        super().__init__(info)
        self._process = process
        self._meter = meter

    def _write(self, data: bytes) -> None:
        try:
            self._process.stdout.write(data)
        except (BrokenPipeError, ConnectionError, OSError):
            self.lost()

    async def _drain(self) -> None:
        self._flush()
        await self._process.stdout.drain()
        if self._meter is not None:
            await self._meter.writable()

    def _close(self) -> None:
        self._flush()
        try:
            self._process.exit(0)
        except (OSError, asyncssh.Error):
            pass

    def _write_buffer_size(self) -> int:
        size = self._process.channel.get_write_buffer_size() + self._pending_size
        if self._meter is not None:
            size += self._meter.write_buffer_size()
        return int(size)

    def _abort(self) -> None:
        self._drop_pending()
        if self._meter is not None:
            self._meter.cut = True
        self._process.channel.get_connection().abort()


class _BoardSSHServer(asyncssh.SSHServer):
    def __init__(self, transport: SSHTransport) -> None:
        self._transport = transport
        self._conn: asyncssh.SSHServerConnection | None = None
        self._failures = 0
        self._sessions = 0
        self.ticket: Ticket | None = None
        self.meter: _Meter | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._transport.connections.add(conn)
        peer = conn.get_extra_info("peername") or ("-", 0)
        self.ticket = self._transport.guard.admit("ssh", str(peer[0]))
        conn.set_extra_info(retroboard_ticket=self.ticket)
        self.meter = _Meter(conn, self.ticket)
        if self.ticket.refusal is not None and not self._transport.may_explain(self.ticket.address):
            # This address was just told why it is refused: hang up before the key exchange,
            # which is the expensive part of an SSH connection, instead of telling it again.
            asyncio.get_running_loop().call_soon(conn.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._transport.connections.discard(self._conn)
        if self.ticket is not None:
            self.ticket.release()
        if self.meter is not None:
            self.meter.close()

    def begin_auth(self, username: str) -> bool:
        assert self._conn is not None and self.ticket is not None
        if self.ticket.refusal is not None:
            # Refused (banned, or too many callers): the client shows the banner, then the
            # connection closes before any password is asked for.
            self._conn.send_auth_banner(self.ticket.refusal + "\r\n")
            asyncio.get_running_loop().call_later(0.2, self._conn.close)
        return True

    def password_auth_supported(self) -> bool:
        return True

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return False

    async def validate_password(self, username: str, password: str) -> bool:
        assert self._conn is not None and self.ticket is not None
        if self.ticket.refusal is not None:
            return False
        if username.strip().lower() == REGISTER_HANDLE:
            self._conn.set_extra_info(retroboard_register=True)
            return True
        # The injected authenticate throttles (it may wait) and logs; it returns None when
        # the login is refused.
        user = await self._transport.authenticate(username, password, self.ticket.address)
        if user is not None:
            self._conn.set_extra_info(retroboard_user=user)
            return True
        self._failures += 1
        await asyncio.sleep(FAILED_AUTH_DELAY)
        if self._failures >= MAX_AUTH_FAILURES:
            self._conn.close()
        return False

    def session_requested(self) -> Any:
        """One session channel per connection: a second one is refused."""
        if self._sessions:
            assert self.ticket is not None
            log.info("refused a second session channel from %s", self.ticket.address)
            return False
        self._sessions += 1
        return asyncssh.SSHServerProcess(self._transport.handle_process, None, 0, False)


class SSHTransport:
    """Listens for SSH; each session channel becomes an SSHTerminal handed to `on_session`."""

    def __init__(
        self,
        on_session: OnSession,
        authenticate: Authenticate,
        guard: Guard,
        *,
        host: str,
        port: int,
        host_key_path: Path,
        legacy_algorithms: bool = False,
    ) -> None:
        self._on_session = on_session
        self.authenticate = authenticate
        self.guard = guard
        self._host = host
        self._port = port
        self._key_path = host_key_path
        self._legacy = legacy_algorithms
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self._explained: dict[str, float] = {}  # address -> when it last got a refusal banner

    def may_explain(self, address: str) -> bool:
        """True when a refused connection from `address` should get the refusal as its banner
        (at most one every EXPLAIN_EVERY seconds per address; the others are cut at once)."""
        now = asyncio.get_running_loop().time()
        last = self._explained.get(address)
        if last is not None and now - last < EXPLAIN_EVERY:
            return False
        if len(self._explained) >= 4096:  # bounded: forget the oldest
            self._explained.pop(next(iter(self._explained)))
        self._explained.pop(address, None)
        self._explained[address] = now
        return True

    @property
    def port(self) -> int:
        assert self._acceptor is not None
        return int(self._acceptor.sockets[0].getsockname()[1])

    def algorithms(self) -> dict[str, Sequence[str]]:
        """The algorithm lists passed to asyncssh (empty: asyncssh's defaults, legacy mode)."""
        if self._legacy:
            return {}
        return {
            "kex_algs": MODERN_KEX_ALGS,
            "encryption_algs": MODERN_ENCRYPTION_ALGS,
            "mac_algs": MODERN_MAC_ALGS,
            "compression_algs": ("none",),
        }

    async def start(self) -> None:
        """Listen. Raises HostKeyError when the host key file cannot be used."""
        key = await asyncio.to_thread(load_or_create_host_key, self._key_path)
        self._acceptor = await asyncssh.create_server(
            lambda: _BoardSSHServer(self),
            self._host,
            self._port,
            server_host_keys=[key],
            encoding=None,
            line_editor=False,
            window=CHANNEL_WINDOW,
            login_timeout=60,
            keepalive_interval=60,
            keepalive_count_max=3,
            server_version="retroboard",
            **self.algorithms(),
        )

    async def handle_process(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        """Run one session channel (asyncssh calls this once the shell or exec starts)."""
        conn = process.channel.get_connection()
        owner = conn.get_owner()
        meter = owner.meter if isinstance(owner, _BoardSSHServer) else None
        peer = conn.get_extra_info("peername") or ("-", 0)
        cols, rows, _, _ = process.get_terminal_size()
        term_type = process.get_terminal_type()
        info = guess_info(
            "ssh", term_type, cols, rows, f"{peer[0]}:{peer[1]}", line_mode=term_type is None
        )
        term = SSHTerminal(process, info, meter)
        user = conn.get_extra_info("retroboard_user")
        register = bool(conn.get_extra_info("retroboard_register"))
        ticket = conn.get_extra_info("retroboard_ticket")

        async def pump() -> None:
            try:
                while True:
                    try:
                        data = await process.stdin.read(READ_SIZE)
                    except asyncssh.TerminalSizeChanged as change:
                        term.resize(change.width, change.height)
                        continue
                    except asyncssh.BreakReceived:
                        continue
                    if not data:
                        break
                    if meter is not None:
                        meter.key_rate = term.key_rate
                    await term.feed(data)
            except (asyncssh.Error, ConnectionError, OSError):
                pass
            finally:
                term.lost()

        try:
            await run_with_pump(term, pump(), self._on_session(term, user, register, ticket))
        except Exception:
            log.exception("ssh session from %s failed", info.peer)
        finally:
            try:
                process.exit(0)
            except (OSError, asyncssh.Error):
                pass

    def close(self) -> None:
        """Stop listening and close every connection (asyncssh keeps them open otherwise)."""
        if self._acceptor is not None:
            self._acceptor.close()
        for conn in list(self.connections):
            conn.close()

    async def wait_closed(self) -> None:
        if self._acceptor is not None:
            await self._acceptor.wait_closed()

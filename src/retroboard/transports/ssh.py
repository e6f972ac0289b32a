"""SSH transport: asyncssh with password auth, `new` for registration, PTY size and resize."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

import asyncssh

from retroboard.term.terminal import StreamTerminal, guess_info
from retroboard.transports.base import READ_SIZE, Authenticate, OnSession, run_with_pump

log = logging.getLogger(__name__)

REGISTER_HANDLE = "new"
MAX_AUTH_FAILURES = 3
FAILED_AUTH_DELAY = 1.0


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """Read the ed25519 host key, or generate one (file mode 0600) on first start."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="retroboard host key")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.export_private_key())
    os.chmod(path, 0o600)
    log.info("generated SSH host key %s (%s)", path, key.get_fingerprint())
    return key


class SSHTerminal(StreamTerminal):
    def __init__(self, process: asyncssh.SSHServerProcess[bytes], info: Any) -> None:
        super().__init__(info)
        self._process = process

    def _send(self, data: bytes) -> None:
        try:
            self._process.stdout.write(data)
        except (BrokenPipeError, ConnectionError, OSError):
            self.lost()

    async def _drain(self) -> None:
        await self._process.stdout.drain()

    def _close(self) -> None:
        try:
            self._process.exit(0)
        except (OSError, asyncssh.Error):
            pass


class _BoardSSHServer(asyncssh.SSHServer):
    def __init__(self, transport: SSHTransport) -> None:
        self._transport = transport
        self._conn: asyncssh.SSHServerConnection | None = None
        self._failures = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._transport.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._transport.connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return False

    async def validate_password(self, username: str, password: str) -> bool:
        assert self._conn is not None
        if username.strip().lower() == REGISTER_HANDLE:
            self._conn.set_extra_info(retroboard_register=True)
            return True
        user = await self._transport.authenticate(username, password)
        if user is not None:
            self._conn.set_extra_info(retroboard_user=user)
            return True
        self._failures += 1
        peer = self._conn.get_extra_info("peername") or ("-", 0)
        log.info("ssh login failed for %r from %s:%s", username[:20], peer[0], peer[1])
        await asyncio.sleep(FAILED_AUTH_DELAY)
        if self._failures >= MAX_AUTH_FAILURES:
            self._conn.close()
        return False


class SSHTransport:
    """Listens for SSH; each session channel becomes an SSHTerminal handed to `on_session`."""

    def __init__(
        self,
        on_session: OnSession,
        authenticate: Authenticate,
        *,
        host: str,
        port: int,
        host_key_path: Path,
    ) -> None:
        self._on_session = on_session
        self.authenticate = authenticate
        self._host = host
        self._port = port
        self._key_path = host_key_path
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.connections: set[asyncssh.SSHServerConnection] = set()

    @property
    def port(self) -> int:
        assert self._acceptor is not None
        return int(self._acceptor.sockets[0].getsockname()[1])

    async def start(self) -> None:
        key = await asyncio.to_thread(load_or_create_host_key, self._key_path)
        self._acceptor = await asyncssh.create_server(
            lambda: _BoardSSHServer(self),
            self._host,
            self._port,
            server_host_keys=[key],
            process_factory=self._handle,
            encoding=None,
            line_editor=False,
            login_timeout=60,
            keepalive_interval=60,
            keepalive_count_max=3,
            server_version="retroboard",
        )

    async def _handle(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        conn = process.channel.get_connection()
        peer = conn.get_extra_info("peername") or ("-", 0)
        cols, rows, _, _ = process.get_terminal_size()
        term_type = process.get_terminal_type()
        info = guess_info(
            "ssh", term_type, cols, rows, f"{peer[0]}:{peer[1]}", line_mode=term_type is None
        )
        term = SSHTerminal(process, info)
        user = conn.get_extra_info("retroboard_user")
        register = bool(conn.get_extra_info("retroboard_register"))

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
                    await term.feed(data)
            except (asyncssh.Error, ConnectionError, OSError):
                pass
            finally:
                term.lost()

        try:
            await run_with_pump(term, pump(), self._on_session(term, user, register))
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

"""The SSH transport on its own (no board): algorithms offered, one session per connection,
host key errors, and the meter every byte a client sends passes through."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import pytest_asyncio

from retroboard.services.guard import ConnectionGuard, Limits
from retroboard.term.events import Disconnected
from retroboard.term.terminal import StreamTerminal
from retroboard.transports.ssh import (
    MAX_UNPARSED,
    HostKeyError,
    SSHTransport,
    _Meter,
    load_or_create_host_key,
)
from tests.helpers.clients import ProgramClient

# Tests that use the module's servers run on the module's event loop.
on_module_loop = pytest.mark.asyncio(loop_scope="module")

PASSWORD = "Sesame-open-1"


async def authenticate(handle: str, password: str, address: str) -> Any:
    return handle if password == PASSWORD else None


async def greet(term: StreamTerminal, user: Any, register: bool, ticket: Any) -> None:
    """A session that says hello and waits for the caller to leave."""
    ticket.log_in(1)
    term.write(f"hello {user}\r\n")
    try:
        await term.drain()
        while True:
            await term.read_input()
    except Disconnected:
        pass


async def start(tmp: Path, legacy: bool = False) -> SSHTransport:
    ssh = SSHTransport(
        greet,
        authenticate,
        ConnectionGuard(Limits()),
        host="127.0.0.1",
        port=0,
        host_key_path=tmp / "host_key",
        legacy_algorithms=legacy,
    )
    await ssh.start()
    return ssh


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("ssh")
    modern, legacy = await start(tmp), await start(tmp, legacy=True)
    try:
        yield {"modern": modern, "legacy": legacy}
    finally:
        for ssh in (modern, legacy):
            ssh.close()
            await ssh.wait_closed()


async def connect(port: int, **algs: Any) -> asyncssh.SSHClientConnection:
    return await asyncio.wait_for(
        asyncssh.connect(
            "127.0.0.1",
            port,
            username="tester",
            password=PASSWORD,
            known_hosts=None,
            client_keys=None,
            agent_path=None,
            preferred_auth="password",
            **algs,
        ),
        10,
    )


async def read_hello(conn: asyncssh.SSHClientConnection) -> str:
    process = await conn.create_process(term_type="xterm", encoding=None)
    got = b""
    while b"hello" not in got:
        got += await asyncio.wait_for(process.stdout.read(1024), 5)
    return got.decode()


@pytest.mark.parametrize(
    "algs",
    [
        {"kex_algs": ["diffie-hellman-group14-sha1"]},
        {"mac_algs": ["hmac-sha1"], "encryption_algs": ["aes128-ctr"]},
        {"mac_algs": ["umac-64@openssh.com"], "encryption_algs": ["aes128-ctr"]},
    ],
)
@on_module_loop
async def test_old_algorithms_are_refused_unless_legacy_is_on(
    servers: dict[str, Any], algs: dict[str, list[str]]
) -> None:
    with pytest.raises((asyncssh.KeyExchangeFailed, asyncssh.DisconnectError)):
        await connect(servers["modern"].port, **algs)
    conn = await connect(servers["legacy"].port, **algs)  # an old client such as SyncTERM
    try:
        assert "hello tester" in await read_hello(conn)
    finally:
        conn.close()


@on_module_loop
async def test_a_modern_client_gets_modern_algorithms(servers: dict[str, Any]) -> None:
    conn = await connect(servers["modern"].port)
    try:
        assert "hello tester" in await read_hello(conn)
        mac = conn.get_extra_info("send_mac")
        assert not any(old in mac for old in ("sha1", "umac", "md5")), mac
        assert conn.get_extra_info("send_cipher") in (
            "chacha20-poly1305@openssh.com",
            "aes256-gcm@openssh.com",
            "aes128-gcm@openssh.com",
        )
    finally:
        conn.close()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client")
@on_module_loop
async def test_openssh_connects_with_the_modern_list(servers: dict[str, Any]) -> None:
    c = ProgramClient.ssh(servers["modern"].port, "openssh", "-tt")
    try:
        await c.wait_for(r"password:\s*$")
        await c.line(PASSWORD)
        await c.wait_for("hello openssh")
    finally:
        c.close()


@on_module_loop
async def test_one_connection_carries_one_session(servers: dict[str, Any]) -> None:
    conn = await connect(servers["modern"].port)
    try:
        assert "hello" in await read_hello(conn)
        with pytest.raises(asyncssh.ChannelOpenError):
            await asyncio.wait_for(conn.create_process(term_type="xterm"), 5)
    finally:
        conn.close()


def test_a_corrupt_host_key_is_one_clear_line(tmp_path: Path) -> None:
    key = tmp_path / "ssh_host_ed25519_key"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n")
    with pytest.raises(HostKeyError) as err:
        load_or_create_host_key(key)
    message = str(err.value)
    assert "\n" not in message and str(key) in message
    assert "not a valid private key" in message and "move it away" in message


def test_an_unreadable_host_key_is_one_clear_line(tmp_path: Path) -> None:
    key = tmp_path / "ssh_host_ed25519_key"
    key.mkdir()  # a directory where the key should be: unreadable as a file
    with pytest.raises(HostKeyError) as err:
        load_or_create_host_key(key)
    assert "\n" not in str(err.value) and str(key) in str(err.value)


def test_a_good_host_key_is_kept(tmp_path: Path) -> None:
    key = tmp_path / "ssh_host_ed25519_key"
    first = load_or_create_host_key(key)
    assert load_or_create_host_key(key).get_fingerprint() == first.get_fingerprint()


class FakeConnection:
    """What the meter wraps: asyncssh's connection with its (private) input buffer."""

    def __init__(self) -> None:
        self._inpbuf = b""
        self._transport = None
        self.got = 0
        self.aborted = False

    def data_received(self, data: bytes, datatype: Any = None) -> None:
        self.got += len(data)

    def pause_writing(self) -> None: ...

    def resume_writing(self) -> None: ...

    def abort(self) -> None:
        self.aborted = True


class BudgetTicket:
    address = "198.51.100.4"
    refusal = None
    logged_in = False

    def __init__(self, budget: int) -> None:
        self.budget, self.taken = budget, 0

    def take_bytes(self, n: int) -> bool:
        self.taken += n
        return self.taken <= self.budget

    def release(self) -> None: ...


async def test_what_a_client_sends_before_its_session_counts_against_the_budget() -> None:
    conn = FakeConnection()
    _Meter(conn, BudgetTicket(10_000))  # type: ignore[arg-type]
    for _ in range(9):
        conn.data_received(b"x" * 1000)
    assert conn.got == 9000 and not conn.aborted
    conn.data_received(b"x" * 2000)
    assert conn.aborted and conn.got == 9000
    conn.data_received(b"x" * 1000)  # nothing more gets through once cut
    assert conn.got == 9000


async def test_what_asyncssh_buffers_during_a_password_check_is_capped() -> None:
    """While a password is checked asyncssh parses nothing and keeps appending: the meter
    cuts a connection whose unparsed input passes MAX_UNPARSED."""
    conn = FakeConnection()
    _Meter(conn, BudgetTicket(1 << 40))  # type: ignore[arg-type]
    conn._inpbuf = b"p" * (MAX_UNPARSED - 100)
    conn.data_received(b"x" * 50)
    assert not conn.aborted
    conn.data_received(b"x" * 200)
    assert conn.aborted

"""End to end: telnetlib3 and asyncssh clients against a real board on port 0."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from typing import Any

import asyncssh
import pytest

from tests.helpers.clients import SSHClient, TelnetClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

MENU = r"\[G\] Goodbye"


async def telnet_register(port: int, handle: str, password: str, **kw: Any) -> TelnetClient:
    c = await TelnetClient.connect(port, **kw)
    await c.wait_for(r"Handle:\s*$")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20 letters\):\s*$")
    await c.line(handle)
    await c.wait_for(r"Password \(8 or more characters\):\s*$")
    await c.line(password)
    await c.wait_for(r"confirm:\s*$")
    await c.line(password)
    await c.wait_for(r"Real name \(optional\):\s*$")
    await c.line("Grace Hopper")
    await c.wait_for(r"Location, city/state \(optional\):\s*$")
    await c.line("Arlington, VA")
    await c.wait_for(r"\(Y/n\)")
    await c.send("y")
    await c.wait_for(MENU)
    return c


async def test_register_over_telnet_then_login_over_ssh(live_board: Any) -> None:
    t = await telnet_register(live_board.telnet.port, "grace", "Cobol-1959!")
    assert "Welcome, grace!" in t.text
    t.close()
    s = await SSHClient.connect(live_board.ssh.port, "grace", "Cobol-1959!")
    screen = await s.wait_for(MENU)
    assert "Welcome, grace!" in screen and "Call #2" in screen
    s.close()
    user = await live_board.services.users.get("grace")
    assert user.location == "Arlington, VA" and user.login_count == 2


@pytest.mark.parametrize("cols,rows", [(80, 24), (132, 43)])
async def test_main_menu_fits_the_screen(live_board: Any, cols: int, rows: int) -> None:
    handle = f"user{cols}"
    await live_board.services.users.register(handle, "Pass-word-77")
    s = await SSHClient.connect(live_board.ssh.port, handle, "Pass-word-77", cols=cols, rows=rows)
    screen = await s.wait_for(MENU)
    assert "╔" in screen and "[U] User settings" in screen and "Command" in screen
    await s.send("i")
    screen = await s.wait_for("Terminal")
    assert f"{cols}x{rows}" in screen
    s.close()


async def test_resize_mid_session_over_ssh_and_telnet(live_board: Any) -> None:
    await live_board.services.users.register("resizer", "Pass-word-77")
    s = await SSHClient.connect(live_board.ssh.port, "resizer", "Pass-word-77")
    await s.wait_for(MENU)
    s.resize(132, 43)
    await s.settle()
    await s.send("i")
    await s.wait_for("132x43")
    s.close()

    t = await TelnetClient.connect(live_board.telnet.port)
    await t.wait_for("Handle:")
    await t.line("resizer")
    await t.wait_for("Password:")
    await t.line("Pass-word-77")
    await t.wait_for(MENU)
    t.resize(100, 30)
    await t.settle()
    await t.send("i")
    await t.wait_for("100x30")
    t.close()


async def test_ssh_new_leads_to_registration(live_board: Any) -> None:
    s = await SSHClient.connect(live_board.ssh.port, "new", "anything")
    await s.wait_for(r"New user application")
    await s.wait_for(r"Handle \(2-20")
    s.close()


async def test_ssh_wrong_password_is_refused(live_board: Any) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await SSHClient.connect(live_board.ssh.port, "grace", "wrong-password")


async def test_raw_socket_gets_login_screen_within_a_second(live_board: Any) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", live_board.telnet.port)
    t0 = time.monotonic()
    got = b""
    while b"Handle:" not in got and time.monotonic() - t0 < 3:
        got += await asyncio.wait_for(reader.read(4096), 3)
    elapsed = time.monotonic() - t0
    writer.close()
    assert b"Handle:" in got
    assert elapsed < 1.0


async def test_garbage_and_oversized_lines_hurt_nobody(live_board: Any) -> None:
    # A well-behaved user is at the menu while others misbehave.
    await live_board.services.users.register("steady", "Pass-word-77")
    steady = await SSHClient.connect(live_board.ssh.port, "steady", "Pass-word-77")
    await steady.wait_for(MENU)

    reader, writer = await asyncio.open_connection("127.0.0.1", live_board.telnet.port)
    writer.write(os.urandom(10_000))
    writer.write(b"A" * 5000 + b"\r\n")
    writer.write(b"\xff\xfe\xfd\xc3\x28\xa0\xa1\xe2\x28\xa1\r\n")  # invalid UTF-8 and IAC noise
    await writer.drain()
    await asyncio.sleep(0.5)
    writer.close()

    # A raw socket: telnetlib3's own client stops reading after a burst of BEL bytes, which
    # the board rings for every character past a prompt's limit.
    reader, writer = await asyncio.open_connection("127.0.0.1", live_board.telnet.port)
    seen = b""
    while b"Handle:" not in seen:
        chunk = await asyncio.wait_for(reader.read(65536), 8)
        assert chunk, "the board hung up before the Handle: prompt"
        seen += chunk
    writer.write(b"B" * 5000 + b"\r\n")
    after = b""
    while b"Password:" not in after:
        chunk = await asyncio.wait_for(reader.read(65536), 8)
        assert chunk, "the board hung up instead of asking for the password"
        after += chunk
    assert b"B" * 21 not in after and b"B" * 20 in after  # the prompt took 20 characters
    writer.close()

    await steady.send("i")
    await steady.wait_for("steady")
    steady.close()


async def test_disconnect_mid_registration_leaves_nothing(live_board: Any) -> None:
    t = await TelnetClient.connect(live_board.telnet.port)
    await t.wait_for("Handle:")
    await t.line("new")
    await t.wait_for(r"Handle \(2-20")
    await t.line("halfway")
    await t.wait_for(r"Password \(8")
    await t.line("Half-way-there")
    await t.wait_for("confirm")
    t.close()
    await asyncio.sleep(0.3)
    assert not await live_board.services.users.handle_taken("halfway")


async def test_dropped_connections_free_their_sessions(live_board: Any) -> None:
    clients = [await TelnetClient.connect(live_board.telnet.port) for _ in range(5)]
    for c in clients:
        await c.wait_for("Handle:")
    assert len(live_board.sessions) >= 5
    for c in clients:
        c.close()
    for _ in range(100):
        if not live_board.sessions:
            break
        await asyncio.sleep(0.05)
    assert live_board.sessions == {}


async def test_host_key_is_private_and_ed25519(live_board: Any) -> None:
    path = live_board.settings.host_key_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = asyncssh.read_private_key(str(path))
    assert key.get_algorithm() == "ssh-ed25519"


async def test_cp437_terminal_gets_cp437_and_doubled_iac(live_board: Any) -> None:
    c = await TelnetClient.connect(live_board.telnet.port, term="syncterm")
    await c.wait_for("Handle:")
    raw = bytes(c.screen.raw)
    assert "╔".encode("cp437") in raw or "█".encode("cp437") in raw
    assert "█".encode() not in raw  # no UTF-8 for a CP437 client
    c.close()
    # 0xFF in the data stream must reach the client doubled (IAC IAC): a CP437 non-breaking
    # space is byte 0xFF. Write one directly through a session's terminal.
    c = await TelnetClient.connect(live_board.telnet.port, term="syncterm")
    await c.wait_for("Handle:")
    term = next(t for t in live_board.sessions.values() if t.info.encoding == "cp437")
    term.write("x\u00a0y")
    await term.drain()
    await c.settle()
    assert b"x\xffy" in bytes(c.screen.raw)  # the client un-doubled IAC IAC back to one 0xFF
    c.close()


async def test_telnet_tells_client_its_terminal_type(live_board: Any) -> None:
    c = await TelnetClient.connect(live_board.telnet.port, term="vt100", cols=100, rows=30)
    screen = await c.wait_for("Handle:")
    assert "100x30" in screen and "vt100" in screen
    c.close()


async def test_slow_negotiator_still_gets_its_charset(live_board: Any) -> None:
    """A telnet client on a slow link (300 ms round trips) says its terminal type only after
    the 0.5 s a silent client is given: the welcome screen waits for it, so it comes in CP437."""
    IAC, DO, WILL, SB, SE, TTYPE = 255, 253, 251, 250, 240, 24
    reader, writer = await asyncio.open_connection("127.0.0.1", live_board.telnet.port)
    got = b""
    while bytes([IAC, DO, TTYPE]) not in got:
        got += await asyncio.wait_for(reader.read(4096), 3)
    await asyncio.sleep(0.3)  # a long round trip
    writer.write(bytes([IAC, WILL, TTYPE]))
    while bytes([IAC, SB, TTYPE, 1, IAC, SE]) not in got:
        got += await asyncio.wait_for(reader.read(4096), 3)
    await asyncio.sleep(0.4)  # the terminal type arrives about 0.7 s after connecting
    writer.write(bytes([IAC, SB, TTYPE, 0]) + b"syncterm" + bytes([IAC, SE]))
    while b"Handle:" not in got:
        got += await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    assert "█".encode("cp437") in got and "█".encode() not in got

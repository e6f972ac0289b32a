"""End to end with the real `telnet` and `ssh` programs in a pty, as a user would."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.helpers.clients import ProgramClient

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        shutil.which("telnet") is None or shutil.which("ssh") is None,
        reason="needs the telnet and ssh programs (apt-get install telnet)",
    ),
]
MENU = r"\[G\] Goodbye"


async def test_inetutils_telnet_registers_and_logs_off(live_board: Any) -> None:
    c = ProgramClient.telnet(live_board.telnet.port)
    try:
        await c.wait_for(r"Handle:\s*$")
        await c.line("new")
        await c.wait_for(r"Handle \(2-20 letters\):\s*$")
        await c.line("linus")
        await c.wait_for(r"characters\):\s*$")
        await c.line("Tux-on-ice-1991")
        await c.wait_for(r"confirm:\s*$")
        await c.line("Tux-on-ice-1991")
        await c.wait_for(r"Real name \(optional\):\s*$")
        await c.line("")
        await c.wait_for(r"\(optional\):\s*$")
        await c.line("Helsinki")
        await c.wait_for(r"\(Y/n\)")
        await c.send("y")
        screen = await c.wait_for(MENU)
        assert "Welcome, linus!" in screen
        assert (
            "XTERM" in live_board.sessions[next(iter(live_board.sessions))].info.term_type.upper()
        )
        await c.send("g")
        await c.wait_for(r"Log off now\?")
        await c.send("y")
        await c.wait_for("NO CARRIER")
    finally:
        c.close()
    assert (await live_board.services.users.get("linus")).location == "Helsinki"


async def test_openssh_login_resize_and_menu(live_board: Any) -> None:
    await live_board.services.users.register("openssh", "Pass-word-77")
    c = ProgramClient.ssh(live_board.ssh.port, "openssh", "-tt", cols=132, rows=43)
    try:
        await c.wait_for(r"password:\s*$")
        await c.line("Pass-word-77")
        await c.wait_for(MENU)
        c.resize(80, 24)
        await c.settle()
        await c.send("i")
        await c.wait_for("80x24")
    finally:
        c.close()


async def test_openssh_without_pty_gets_80x24(live_board: Any) -> None:
    await live_board.services.users.register("nopty", "Pass-word-77")
    c = ProgramClient.ssh(live_board.ssh.port, "nopty", "-T")
    try:
        await c.wait_for(r"password:\s*$")
        await c.line("Pass-word-77")
        await c.wait_for(MENU)
        await c.line("i")  # without a PTY the client sends whole lines
        await c.wait_for("80x24")
        assert "UTF-8" in c.text
    finally:
        c.close()


async def test_openssh_as_new_registers(live_board: Any) -> None:
    c = ProgramClient.ssh(live_board.ssh.port, "new", "-tt")
    try:
        await c.wait_for(r"password:\s*$")
        await c.line("whatever")
        await c.wait_for(r"Handle \(2-20 letters\):\s*$")
        await c.line("sshnewbie")
        await c.wait_for(r"characters\):\s*$")
        await c.line("Fresh-pass-1")
        await c.wait_for(r"confirm:\s*$")
        await c.line("Fresh-pass-1")
        await c.wait_for(r"Real name")
        await c.line("")
        await c.wait_for(r"Location")
        await c.line("")
        await c.wait_for(r"\(Y/n\)")
        await c.send("\r")
        await c.wait_for(MENU)
    finally:
        c.close()
    assert await live_board.services.users.handle_taken("sshnewbie")


@pytest.mark.skipif(
    shutil.which("plink") is None, reason="needs PuTTY's plink (apt-get install putty-tools)"
)
async def test_putty_plink_telnet_logs_in_and_reads_the_menu(live_board: Any) -> None:
    await live_board.services.users.register("putty", "Pass-word-77")
    c = ProgramClient(["plink", "-telnet", "-P", str(live_board.telnet.port), "127.0.0.1"])
    try:
        await c.wait_for(r"Handle:\s*$")
        await c.line("putty")
        await c.wait_for(r"Password:\s*$")
        await c.line("Pass-word-77")
        await c.wait_for(MENU)
        await c.send("i")
        screen = await c.wait_for("Terminal")
        assert "80x24" in screen and "xterm" in screen.lower()
    finally:
        c.close()

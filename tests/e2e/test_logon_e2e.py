"""The logon sequence over real telnet and SSH: a bulletin the sysop published with
`retroboard bulletin add` is shown once at each member's next logon, and the last-callers list
shows every call with its node and how it came (telnet, ssh)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.test_cli import run
from tests.helpers.clients import SSHClient, TelnetClient
from tests.helpers.serve import free_port, serve

PASSWORD = "Analytical-1"
MENU = r"\[G\] Goodbye"


def _account(data: Path, handle: str, *extra: str) -> None:
    r = run(data, "user", "add", handle, *extra, "--password-stdin", stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr


async def _telnet_login(port: int, handle: str) -> TelnetClient:
    c = await TelnetClient.connect(port)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORD)
    return c


@pytest.mark.asyncio
async def test_bulletin_once_at_logon_and_last_callers_over_telnet_and_ssh(
    tmp_path: Path,
) -> None:
    _account(tmp_path, "boss", "--level", "sysop")
    _account(tmp_path, "ada", "--location", "London")
    _account(tmp_path, "bob", "--location", "Leeds")
    news = tmp_path / "news.txt"
    news.write_text("Modem pool\nWe answer at 33600 bps now.\n")
    r = run(tmp_path, "bulletin", "add", str(news))
    assert r.returncode == 0, r.stderr
    tport, sport = free_port(), free_port()
    with serve(tmp_path, tmp_path / "serve.log", telnet_port=tport, ssh_port=sport):
        ada = await _telnet_login(tport, "ada")
        await ada.wait_for(r"New bulletins: 1")
        await ada.wait_for(r"We answer at 33600 bps now\.")
        await ada.send("\r")
        await ada.wait_for(MENU)
        ada.close()

        bob = await SSHClient.connect(sport, "bob", PASSWORD)
        await bob.wait_for(r"Modem pool")
        await bob.send("q")
        await bob.wait_for(MENU)
        await bob.send("l")
        screen = await bob.wait_for(r"Press Enter or Q to go back")
        rows = screen.split("\n")
        bob_row = next(r for r in rows if r.startswith("bob "))
        ada_row = next(r for r in rows if r.startswith("ada "))
        assert bob_row.split()[1] == "Leeds" and bob_row.split()[-1] == "ssh"
        assert ada_row.split()[1] == "London" and ada_row.split()[-1] == "telnet"
        bob.close()

        await asyncio.sleep(0.2)
        again = await _telnet_login(tport, "ada")  # seen once: straight to the menu
        await again.wait_for(MENU)
        assert "Modem pool" not in again.text
        again.close()

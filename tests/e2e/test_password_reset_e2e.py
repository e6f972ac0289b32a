"""A reset password over real SSH and telnet: the member chooses a new one before the menu."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.clients import SSHClient, TelnetClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_reset_then_new_password_over_ssh_then_telnet(live_board: Any) -> None:
    users = live_board.services.users
    await users.register("resetme", "Resets-pass-1")
    _, temporary = await users.reset_password("resetme")
    s = await SSHClient.connect(live_board.ssh.port, "resetme", temporary)
    await s.wait_for(r"reset your password")
    await s.wait_for(r"New password:\s*$")
    assert "Goodbye" not in s.text
    await s.line("Chosen-words-4")
    await s.wait_for(r"again:\s*$")
    await s.line("Chosen-words-4")
    await s.wait_for(r"\[G\] Goodbye")
    s.close()
    assert not (await users.get("resetme")).must_change_password
    t = await TelnetClient.connect(live_board.telnet.port)
    await t.wait_for(r"Handle:\s*$")
    await t.line("resetme")
    await t.wait_for(r"Password:\s*$")
    await t.line("Chosen-words-4")
    await t.wait_for(r"\[G\] Goodbye")  # no second change asked
    assert "reset your password" not in t.text
    t.close()

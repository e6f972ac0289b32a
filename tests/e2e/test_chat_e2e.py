"""Three callers chat over real telnet and SSH at once: bob, on the telnet program, types half
a line while ada (telnet) and carol (SSH) talk; his input row and cursor stay as they were
(pyte grid), and the line he finishes reaches both.

One `retroboard serve` for the module.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio

from retroboard.config import Settings
from tests.helpers.clients import ProgramClient, SSHClient
from tests.helpers.screen import START
from tests.helpers.serve import free_port, serve

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        shutil.which("telnet") is None, reason="needs the telnet program (apt-get install telnet)"
    ),
]

PASSWORD = "Chat-pass-1"
MENU = r"\[G\] Goodbye"
IN_CHAT = r"/\? lists the commands"


@dataclass
class Live:
    telnet: int
    ssh: int
    log: Path


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    from retroboard.app import Board
    from retroboard.db.migrate import upgrade

    data = tmp_path_factory.mktemp("chat")
    settings = replace(
        Settings(data=data), argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
    )
    seeding = Board(settings)
    await upgrade(seeding.db)
    try:
        for handle in ("ada", "bob", "carol"):
            await seeding.services.users.register(handle, PASSWORD)
    finally:
        await seeding.db.dispose()
    telnet, ssh = free_port(), free_port()
    log = data / "board.log"
    with serve(data, log, telnet_port=telnet, ssh_port=ssh):
        yield Live(telnet, ssh, log)
    assert "Traceback" not in log.read_text()


async def by_telnet(board: Live, handle: str) -> ProgramClient:
    c = ProgramClient.telnet(board.telnet)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORD)
    await c.wait_for(MENU)
    return c


async def test_three_callers_chat_and_a_half_typed_line_survives(board: Live) -> None:
    ada = await by_telnet(board, "ada")
    bob = await by_telnet(board, "bob")
    carol = await SSHClient.connect(board.ssh, "carol", PASSWORD)
    try:
        await carol.wait_for(MENU)
        for caller in (ada, bob, carol):
            await caller.send("t")
            await caller.wait_for(IN_CHAT)
        await ada.wait_for(r"^\*\*\* carol has joined #main", after=START)
        await bob.send("I think the Amiga wi")
        await bob.wait_for(r"^> I think the Amiga wi$", after=START)
        await bob.settle()
        await ada.line("the C64 sold more")
        await carol.line("but the Amiga had the demos")
        await ada.send("/me grins")
        await ada.send("\r")
        await bob.wait_for(r"^\* ada grins$", after=START)
        await bob.settle()
        rows = bob.screen.lines
        assert rows[-1].rstrip() == "> I think the Amiga wi"  # the input row, untouched
        assert (bob.screen.screen.cursor.y, bob.screen.screen.cursor.x) == (
            len(rows) - 1,
            len("> I think the Amiga wi"),
        )
        talk = [row.rstrip() for row in rows]
        assert "<ada> the C64 sold more" in talk
        assert "<carol> but the Amiga had the demos" in talk
        assert talk.index("<ada> the C64 sold more") < talk.index("* ada grins")
        await bob.line("ns on graphics")
        for caller in (ada, carol):
            await caller.wait_for(r"^<bob> I think the Amiga wins on graphics$", after=START)
        await carol.line("/quit")
        await carol.wait_for(MENU)
        await ada.wait_for(r"^\*\*\* carol has left #main$", after=START)
    finally:
        ada.close()
        bob.close()
        carol.close()

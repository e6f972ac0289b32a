"""Three callers at once over real telnet and SSH: each sees the others in who's online with the
right activity and line, and a page reaches the SSH caller in the reader without spoiling the
article (pyte grid compared before, during and after a redraw).

One `retroboard serve` for the module; ada and bob call with the telnet program, carol with
SSH (asyncssh, a PTY).
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
from tests.helpers.serve import free_port, serve

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        shutil.which("telnet") is None, reason="needs the telnet program (apt-get install telnet)"
    ),
]

PASSWORD = "Community-1"
MENU = r"\[G\] Goodbye"
DOWN = "\x1b[B"


@dataclass
class Live:
    data: Path
    telnet: int
    ssh: int
    log: Path


async def seed(data: Path) -> None:
    """ada (London), bob (Leeds), carol (Oslo) and one article in misc.test."""
    from retroboard.app import Board
    from retroboard.db.migrate import upgrade

    settings = replace(
        Settings(data=data), argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
    )
    board = Board(settings)
    await upgrade(board.db)
    try:
        users = board.services.users
        for handle, town in (("ada", "London"), ("bob", "Leeds"), ("carol", "Oslo")):
            user = await users.register(handle, PASSWORD)
            await users.update_profile(user.id, real_name="", location=town)
        ada = await users.get("ada")
        await board.services.articles.post(
            ada, ["misc.test"], "Tea at four", "Bring biscuits.\nAnd the kettle.\nThird line."
        )
    finally:
        await board.db.dispose()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    data = tmp_path_factory.mktemp("community")
    await seed(data)
    telnet, ssh = free_port(), free_port()
    log = data / "board.log"
    with serve(data, log, telnet_port=telnet, ssh_port=ssh):
        yield Live(data, telnet, ssh, log)
    assert "Traceback" not in log.read_text()


async def by_telnet(board: Live, handle: str) -> ProgramClient:
    c = ProgramClient.telnet(board.telnet)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORD)
    await c.wait_for(MENU)
    return c


def row_of(c: ProgramClient | SSHClient, handle: str) -> str:
    rows = [line for line in c.screen.lines if f" {handle} " in line]
    assert rows, f"{handle} is not on the screen:\n{c.text}"
    return rows[0]


async def test_three_callers_see_each_other_and_a_page_reaches_the_ssh_reader(
    board: Live,
) -> None:
    ada = await by_telnet(board, "ada")
    bob = await by_telnet(board, "bob")
    carol = await SSHClient.connect(board.ssh, "carol", PASSWORD)
    try:
        await carol.wait_for(MENU)
        # carol looks first: both telnet callers, at the main menu
        await carol.send("w")
        await carol.wait_for(r"Who's online +3 on")
        await carol.wait_for(r" ada +London +At the main menu +\d+[smh]\S* +telnet", after=None)
        await carol.settle()
        assert "Leeds" in row_of(carol, "bob") and "At the main menu" in row_of(carol, "bob")
        assert row_of(carol, "bob").split()[-1] == "telnet"
        assert row_of(carol, "carol").split()[-1] == "ssh"
        # carol goes to read the article; bob watches it happen, then ada looks too
        await bob.send("w")
        await bob.wait_for(r" carol +Oslo +Looking at who's online .* ssh")
        await bob.settle()
        mark = bob.mark()
        await carol.send("q")
        await carol.wait_for(MENU)
        await carol.send("m")
        await carol.wait_for(r"g goto")
        await carol.send("g")
        await carol.wait_for(r"Go to group:\s*$")
        await carol.line("misc.test")
        await carol.wait_for(r"Tea at four")
        await carol.send("\r")
        await carol.wait_for(r"Third line\.")
        await carol.settle()
        before = list(carol.screen.lines)
        await bob.wait_for(r" carol +Oslo +Reading misc\.test .* ssh", after=mark)
        await bob.settle()
        assert "Looking at who's online" in row_of(bob, "bob")
        assert row_of(bob, "ada").split()[-1] == "telnet"
        await ada.send("w")
        await ada.wait_for(r" carol +Oslo +Reading misc\.test .* ssh")
        await ada.settle()
        assert "Looking at who's online" in row_of(ada, "bob")
        assert "telnet" in row_of(ada, "bob")

        # ada pages carol from the list: down to carol's row, P, the line
        for _ in range(2):
            await ada.send(DOWN)
        await ada.wait_for(r"^> +3 carol")
        await ada.send("p")
        await ada.wait_for(r"Message to carol:")
        page_mark = carol.mark()
        await ada.line("Tea is ready!")
        await ada.wait_for(r"Page sent to carol\.")
        await carol.wait_for(r"\*\*\* ada: Tea is ready! \*\*\*", after=page_mark)
        await carol.settle()
        during = carol.screen.lines
        assert during[-1].startswith("*** ada: Tea is ready! ***")
        assert during[:-1] == before[:-1]  # the article rows untouched
        await carol.send("\x0c")  # ^L: the article drawn again, exactly as it was
        await carol.wait_for(r"Third line\.")
        await carol.settle()
        assert carol.screen.lines[:-1] == before[:-1]
    finally:
        ada.close()
        bob.close()
        carol.close()


async def test_a_letter_to_an_offline_member_waits_for_the_next_call_and_a_reply_is_told_live(
    board: Live,
) -> None:
    ada = await by_telnet(board, "ada")
    try:
        # ada writes to bob, who is not on
        await ada.send("e")
        await ada.wait_for(r"Mail: inbox")
        await ada.send("w")
        await ada.wait_for(r"To:\s*$")
        await ada.line("bob")
        await ada.wait_for(r"CC \(Enter for none\):\s*$")
        await ada.line("")
        await ada.wait_for(r"Subject:\s*$")
        await ada.line("Minutes of the modem club")
        await ada.wait_for(r"/S to save")
        await ada.line("Bring the null-modem cable. walrus77")
        await ada.line("/s")
        await ada.wait_for(r"Letter sent to bob\.")  # in the inbox's status row, no key to press
        await ada.wait_for(r"Mail: inbox")
        await ada.send("q")
        await ada.wait_for(MENU)
        await ada.settle()

        # bob calls: told of the letter at login, reads it, replies
        bob = await by_telnet(board, "bob")
        try:
            await bob.wait_for(r"You have 1 new letter\.", after=None)
            await bob.send("e")
            await bob.wait_for(r"N +ada +.*Minutes of the modem club")
            await bob.send("\r")
            await bob.wait_for(r"walrus77")
            assert "ada" in bob.text
            notice_mark = ada.mark()
            await bob.send("r")
            await bob.wait_for(r"^To: ada")  # the sender, kept with Enter
            await bob.line("")
            await bob.wait_for(r"CC \(Enter for none\):\s*$")
            await bob.line("")
            await bob.wait_for(r"^Subject: Re: Minutes")
            await bob.line("")
            await bob.wait_for(r"/S to save")
            await bob.line("I will bring two.")
            await bob.line("/s")
            await bob.wait_for(r"Letter sent to ada\.")
            # ada, sitting at the menu, is told at once
            await ada.wait_for(r"New letter from bob: Re: Minutes", after=notice_mark)
        finally:
            bob.close()
    finally:
        ada.close()

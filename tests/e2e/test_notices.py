"""Notices over real telnet: the idle warning and a sysop's `retroboard broadcast` reach a caller
on every kind of screen without spoiling it.

One `retroboard serve` for the module, the idle warning due 3 s after the caller's last key. On a
full screen (thread list, reader, full-screen editor) the notice takes one status row: the pyte
grid before and after differs in that row only and the cursor stays where the caller left it. At
a line prompt (go to group, the line editor) the notice gets a line of its own, the prompt and the
half-typed text are printed again after it, and finishing the line keeps what was typed.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio

from retroboard.config import Settings
from tests.e2e.test_cli import run
from tests.helpers.clients import ProgramClient
from tests.helpers.serve import free_port, serve

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        shutil.which("telnet") is None, reason="needs the telnet program (apt-get install telnet)"
    ),
]

PASSWORD = "Analytical-1"
MENU = r"\[G\] Goodbye"
# The idle warning comes IDLE_TIMEOUT - IDLE_WARNING = 3 s after the last key (timeout min. 30).
IDLE_ENV = {"RETROBOARD_IDLE_TIMEOUT": "30", "RETROBOARD_IDLE_WARNING": "27"}
IDLE = r"\*\*\* Are you still there\? Press a key, or you will be disconnected\. \*\*\*"
MISC_TEST = r"misc\.test\s+Test posts go here"  # the thread list's title row


@dataclass
class Live:
    data: Path
    port: int
    log: Path

    async def broadcast(self, text: str) -> None:
        r = await asyncio.to_thread(run, self.data, "broadcast", text)
        assert r.returncode == 0 and "sent to" in r.stdout, r.stdout + r.stderr

    def body(self, subject: str) -> str:
        """The stored body of the article with this subject."""
        with sqlite3.connect(self.data / "retroboard.db") as db:
            row = db.execute("SELECT body FROM articles WHERE subject = ?", (subject,)).fetchone()
        assert row is not None, f"no article {subject!r} in the database"
        return str(row[0])


async def seed(data: Path) -> None:
    """ada (line editor), eve (full-screen editor) and one thread in misc.test."""
    from retroboard.app import Board
    from retroboard.db.migrate import upgrade

    settings = replace(
        Settings(data=data), argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1
    )
    board = Board(settings)
    await upgrade(board.db)
    try:
        users = board.services.users
        ada = await users.register("ada", PASSWORD)
        eve = await users.register("eve", PASSWORD)
        await users.set_editor(eve.id, "fse")
        await board.services.articles.post(ada, ["misc.test"], "Tea at four", "Bring biscuits.")
    finally:
        await board.db.dispose()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    data = tmp_path_factory.mktemp("notices")
    await seed(data)
    port = free_port()
    log = data / "board.log"
    with serve(data, log, telnet_port=port, env=IDLE_ENV):
        yield Live(data, port, log)
    assert "Traceback" not in log.read_text()


async def login(board: Live, handle: str = "ada") -> ProgramClient:
    c = ProgramClient.telnet(board.port)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORD)
    await c.wait_for(MENU)
    return c


async def open_misc_test(c: ProgramClient) -> None:
    await c.send("m")
    await c.wait_for(r"g goto")
    await c.send("g")
    await c.wait_for(r"Go to group:\s*$")
    await c.line("misc.test")
    await c.wait_for(MISC_TEST)


@dataclass(frozen=True)
class Shot:
    lines: list[str]
    cursor: tuple[int, int]


def shot(c: ProgramClient) -> Shot:
    cur = c.screen.screen.cursor
    return Shot(c.screen.lines, (cur.y, cur.x))


def _grid(s: Shot) -> str:
    return "\n".join(f"{y:2}|{line}" for y, line in enumerate(s.lines))


async def in_status_row(
    c: ProgramClient, send: Callable[[], Awaitable[None]], pattern: str, where: str
) -> None:
    """`send()` makes a notice matching `pattern`; it must take one row of the full screen only."""
    await c.settle()
    before = shot(c)
    mark = c.mark()
    await send()
    await c.wait_for(pattern, timeout=10, after=mark)
    await c.settle()
    after = shot(c)
    rows = [y for y, line in enumerate(after.lines) if re.search(pattern, line)]
    changed = [
        y for y, (old, new) in enumerate(zip(before.lines, after.lines, strict=True)) if old != new
    ]
    assert len(rows) == 1 and changed == rows, (
        f"{where}: the notice must replace one status row and nothing else; rows {changed} "
        f"changed, the notice is on {rows}\n--- before:\n{_grid(before)}\n--- after:\n{_grid(after)}"
    )
    assert after.cursor == before.cursor, (
        f"{where}: the cursor must go back to where it was ({before.cursor}), "
        f"it is at {after.cursor}\n{_grid(after)}"
    )


async def on_own_line(
    c: ProgramClient, send: Callable[[], Awaitable[None]], pattern: str, prompt: str, where: str
) -> None:
    """`send()` makes a notice; it must be on a line of its own with `prompt` printed after it."""
    await c.settle()
    mark = c.mark()
    await send()
    await c.wait_for(pattern, timeout=10, after=mark)
    await c.settle()
    try:  # drawn after the mark: the prompt left above the notice does not count
        await c.wait_for(rf"{pattern}\s*\n(\s*\n)*{re.escape(prompt)}$", timeout=2, after=mark)
    except AssertionError as exc:
        raise AssertionError(
            f"{where}: after the notice the prompt and the text typed so far ({prompt!r}) must "
            f"be printed again on a line of their own: {exc}"
        ) from None
    y, x = shot(c).cursor
    assert (c.screen.lines[y], x) == (prompt, len(prompt)), (
        f"{where}: the cursor must be at the end of the re-printed {prompt!r}, it is at {(y, x)}"
        f"\n{c.text}"
    )


def idle() -> Callable[[], Awaitable[None]]:
    async def wait() -> None:  # the idle warning comes by itself, 3 s after the last key
        return None

    return wait


def broadcast(board: Live, text: str) -> Callable[[], Awaitable[None]]:
    async def send() -> None:
        await board.broadcast(text)

    return send


def sysop(text: str) -> str:
    return re.escape(f"*** sysop: {text} ***")


async def test_notice_in_the_thread_list(board: Live) -> None:
    c = await login(board)
    try:
        await open_misc_test(c)
        await c.wait_for("Tea at four", after=c.last_input)
        await in_status_row(c, idle(), IDLE, "thread list")
        await in_status_row(c, broadcast(board, "Tea is served"), sysop("Tea is served"), "list")
        await c.line("")  # the list still answers: Enter opens the thread under the bar
        await c.wait_for(r"^From: ")
    finally:
        c.close()


async def test_notice_in_the_reader(board: Live) -> None:
    c = await login(board)
    try:
        await open_misc_test(c)
        await c.line("")
        await c.wait_for(r"what next\?")
        await in_status_row(c, idle(), IDLE, "reader")
        await in_status_row(c, broadcast(board, "Cake too"), sysop("Cake too"), "reader")
        await c.send("q")  # the reader still answers: back to the thread list
        await c.wait_for(MISC_TEST)
    finally:
        c.close()


async def test_notice_at_the_go_to_group_prompt_keeps_the_half_typed_name(board: Live) -> None:
    c = await login(board)
    try:
        await c.send("m")
        await c.wait_for(r"g goto")
        await c.send("g")
        await c.wait_for(r"Go to group:\s*$")
        await c.send("misc.te")
        await c.wait_for(r"misc\.te$")  # the echo (the prompt was drawn before the keys)
        # A prompt on a full screen: the notice takes the status row above it, the prompt and
        # the half-typed name stay where they are (cursor included).
        await in_status_row(c, idle(), IDLE, "go-to-group prompt")
        await in_status_row(c, broadcast(board, "Mind the gap"), sysop("Mind the gap"), "g")
        await c.line("st")  # finishing the line: "misc.te" was kept
        await c.wait_for(MISC_TEST)
    finally:
        c.close()


async def test_notice_in_the_line_editor_keeps_the_half_typed_line(board: Live) -> None:
    c = await login(board)
    try:
        await open_misc_test(c)
        await c.send("w")
        await c.wait_for(r"Subject:\s*$")
        await c.line("Line editor notes")
        await c.wait_for(r"Also post to")
        await c.line("")
        await c.wait_for(r"^ 1:$")
        await c.line("first line")
        await c.wait_for(r"^ 2:$")
        await c.send("half a li")
        await c.wait_for(r"half a li$")
        prompt = " 2: half a li"
        await on_own_line(c, idle(), IDLE, prompt, "line editor")
        await on_own_line(c, broadcast(board, "Back soon"), sysop("Back soon"), prompt, "editor")
        await c.line("ne")
        await c.wait_for(r"^ 3:$")
        await c.line("/s")
        await c.wait_for(r"Article posted \(misc\.test")
    finally:
        c.close()
    assert board.body("Line editor notes") == "first line\nhalf a line"


async def test_notice_in_the_full_screen_editor_keeps_the_text(board: Live) -> None:
    c = await login(board, "eve")
    try:
        await open_misc_test(c)
        await c.send("w")
        await c.wait_for(r"Subject:\s*$")
        await c.line("Full screen notes")
        await c.wait_for(r"Also post to")
        await c.line("")
        await c.wait_for(r"Ctrl-Z save")
        await c.send("Some text typed\rand a sec")
        await c.wait_for(r"^and a sec$")
        await in_status_row(c, idle(), IDLE, "full-screen editor")
        await in_status_row(c, broadcast(board, "Nearly done"), sysop("Nearly done"), "fse")
        await c.send("ond line")
        await c.wait_for(r"^and a second line$")
        await c.send("\x1a")  # Ctrl-Z saves
        await c.wait_for(r"Article posted \(misc\.test")
    finally:
        c.close()
    assert board.body("Full screen notes") == "Some text typed\nand a second line"

"""The plain skin and a dumb terminal through the lists, the composer, info and goodbye."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.snapshot import SnapCaller, Target, fresh_board
from tests.ui.test_snapshots import GROUP, PASSWORD, seed

DUMB = Target("dumb", "dumb", 80, 24)
PLAIN = Target("plain", "xterm", 80, 24, skin="plain")


async def _caller(board: object, target: Target, editor: str = "line") -> SnapCaller:
    await seed(board)
    users, groups = board.services.users, board.services.groups  # type: ignore[attr-defined]
    carol = await users.register("carol", PASSWORD)
    carol = await users.set_editor(carol.id, editor)
    for group in (GROUP, "misc.test"):
        await groups.subscribe(carol, group)
    c = SnapCaller(board, target, user=carol)
    await c.keys(expect=r"Goodbye")
    return c


async def test_a_dumb_list_shows_title_rows_and_prompt_in_one_screenful(tmp_path: Path) -> None:
    async with fresh_board(tmp_path) as board:
        c = await _caller(board, DUMB)
        screen = await c.keys("m", expect=r"Subscribed groups")
        assert "Subscribed groups" in screen  # not scrolled off by blank rows
        assert "comp.sys.retro" in screen and "misc.test" in screen and "Enter open" in screen
        await c.keys("j")
        await c.keys("k")
        moved = [line for line in c.since_mark().split("\n") if "." in line and "  " in line]
        rows = [line for line in moved if "comp.sys.retro" in line or "misc.test" in line]
        # a teletype cannot go back up: a move prints the newly selected row only
        assert len(rows) == 1 and rows[0].startswith(">") and "comp.sys.retro" in rows[0]
        await c.hangup()


async def test_plain_lists_number_their_rows_and_a_number_picks_one(tmp_path: Path) -> None:
    async with fresh_board(tmp_path, skin="plain") as board:
        c = await _caller(board, PLAIN)
        screen = await c.keys("m", expect=r"Subscribed groups")
        assert "1." in screen and "2." in screen
        await c.keys("2", "\r", expect=r"Testing, one two")  # misc.test opened
        await c.keys("q", expect=r"Subscribed groups")
        await c.keys("9", "\r", expect=r"There is no number 9")
        await c.hangup()


async def test_plain_composer_uses_the_line_editor_and_shows_the_subject_once(
    tmp_path: Path,
) -> None:
    async with fresh_board(tmp_path, skin="plain") as board:
        c = await _caller(board, PLAIN, editor="fse")  # chosen, but not usable here
        await c.keys("m", "g", GROUP + "\r", expect=r"C64 SID chip")
        await c.keys("w", "Trapdoor clock\r", "\r", expect=r"/S to save")  # the line editor
        assert c.since_mark().count("Trapdoor clock") == 1
        await c.hangup()


async def test_plain_info_and_goodbye_are_ascii_and_say_no_carrier_once(tmp_path: Path) -> None:
    async with fresh_board(tmp_path, skin="plain") as board:
        c = await _caller(board, PLAIN)
        await c.keys("i", expect=r"Information")
        assert c.since_mark().isascii() and "+--" in c.since_mark()
        await c.keys(" ", expect=r"Goodbye")
        await c.keys("g", expect=r"Log off now")
        await c.keys("y", expect=r"NO CARRIER")
        said = c.since_mark()
        assert said.count("NO CARRIER") == 1 and board.board_info.name in said
        await c.hangup()

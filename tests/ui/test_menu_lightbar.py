"""The main menu's lightbar: arrows move it, Enter opens its item, hotkeys still work; the
plain skin has numbers instead."""

from __future__ import annotations

from typing import Any

from retroboard.domain.users import User
from tests.helpers.fakeui import FakeCaller

UP, DOWN, RIGHT, LEFT = "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D"


async def member(board: Any, handle: str = "bob") -> User:
    return await board.services.users.register(handle, f"{handle}-Password-1")


def lit(c: FakeCaller) -> list[str]:
    """The menu items drawn in reverse video (the lightbar), as their screen text."""
    found = []
    for y, line in enumerate(c.screen.lines):
        row = c.screen.screen.buffer[y]
        cells = [x for x in range(len(line)) if row[x].reverse and line[x] != " "]
        if cells:
            found.append(line[cells[0] : cells[-1] + 1])
    return found


async def test_arrows_move_the_lightbar_and_enter_opens_its_item(offline_board: Any) -> None:
    c = FakeCaller(offline_board, cols=80, rows=24, user=await member(offline_board))
    await c.wait_for(r"\[G\] Goodbye")
    assert lit(c) == ["[M] Message groups"]  # the first item to begin with
    await c.type(DOWN)
    await c.wait_for(r"\[G\] Goodbye")
    assert lit(c) == ["[N] New-scan (read everything new)"]
    await c.type(UP + UP)  # stops at the first item
    await c.wait_for(r"\[G\] Goodbye")
    assert lit(c) == ["[M] Message groups"]
    await c.type(RIGHT)  # the same row of the next column
    await c.wait_for(r"\[G\] Goodbye")
    (right,) = lit(c)
    row = next(line for line in c.screen.lines if right in line)
    assert row.index(right) > row.index("[M] Message groups")
    await c.type(LEFT + DOWN)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("\r")
    await c.wait_for("New-scan")  # Enter opened the highlighted item
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    assert lit(c) == ["[N] New-scan (read everything new)"]  # the bar stays where it was
    await c.type("m")  # a hotkey still opens its item at once
    await c.wait_for(r"Subscribed groups|All groups")
    await c.hangup()


async def test_unknown_key_says_so_and_the_plain_skin_has_numbers_not_a_bar(
    offline_board: Any,
) -> None:
    bob = await member(offline_board)
    c = FakeCaller(offline_board, cols=80, rows=24, user=bob)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("J")  # a letter no item has
    await c.wait_for(r"Unknown command, \? for help")
    await c.hangup()
    plain = await offline_board.services.users.set_skin(bob.id, "plain")
    p = FakeCaller(offline_board, cols=80, rows=24, user=plain)
    await p.wait_for(r"Goodbye")
    assert " 1. [M] Message groups" in p.text
    assert lit(p) == []
    await p.type(DOWN)
    await p.wait_for(r"Unknown command, \? for help")  # no lightbar to move
    await p.line("2")
    await p.wait_for("New-scan")
    await p.hangup()

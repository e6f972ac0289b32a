"""Modem speeds through the screens: the CONNECT banner, which speed a session gets, the settings
row, and a key press skipping the rest of paced art."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any

from retroboard.ui.context import SessionContext
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import at_menu, make_user
from tests.ui.test_login_register import register

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def context(board: Any) -> SessionContext:
    (line,) = board.nodes.values()
    ctx: SessionContext = line.ctx
    return ctx


async def test_a_paced_board_says_connect_first(offline_board: Any) -> None:
    offline_board.board_info.modem_bps = 57600
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    assert c.term.pace == 5760  # 57600 bps, 10 bits a character
    visible = ESCAPES.sub(b"", bytes(c.term.output)).decode()
    assert visible.lstrip().startswith("CONNECT 57600\r\n"), visible[:80]
    await c.hangup()


async def test_an_unthrottled_board_has_no_banner(offline_board: Any) -> None:
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    assert c.term.pace == 0 and b"CONNECT" not in bytes(c.term.output)
    await c.hangup()


async def test_the_member_speed_wins_over_the_era_which_wins_over_the_board(
    offline_board: Any,
) -> None:
    c = await register(offline_board)  # the board unthrottled, the default skin
    ctx = context(offline_board)
    assert ctx.modem_bps == 0 and c.term.pace == 0
    offline_board.board_info.modem_bps = 9600
    ctx.apply_speed()
    assert c.term.pace == 960  # the board's
    ctx.use_skin("ansi1989")  # the 1989 era: 2400 bps
    assert ctx.modem_bps == 2400 and c.term.pace == 240
    assert ctx.user is not None
    ctx.user = replace(ctx.user, bps=57600)
    ctx.apply_speed()
    assert c.term.pace == 5760  # the member's own
    ctx.user = replace(ctx.user, bps=0)
    ctx.use_skin("ansi1989")
    assert c.term.pace == 0  # unthrottled by choice, whatever the era
    ctx.user = replace(ctx.user, bps=None)
    ctx.use_skin("default")
    assert c.term.pace == 960  # back to the board's
    ctx.user = replace(ctx.user, bps=0)
    ctx.apply_speed()
    await c.hangup()


async def test_settings_row_cycles_the_speeds(offline_board: Any) -> None:
    c = await register(offline_board)
    users = offline_board.services.users
    ctx = context(offline_board)
    assert ctx.user is not None
    ctx.user = await users.set_bps(ctx.user.id, 28800)  # chosen on an earlier call
    ctx.apply_speed()
    await c.type("U")
    await c.wait_for(r"\[M\] Modem speed\s+28800 bps")
    await c.type("m")
    await c.wait_for(r"\[M\] Modem speed\s+57600 bps")
    assert c.term.pace == 5760 and (await users.get("ada")).bps == 57600
    await c.type("m")
    await c.wait_for(r"\[M\] Modem speed\s+Unthrottled")
    assert c.term.pace == 0 and (await users.get("ada")).bps == 0
    await c.type("m")
    await c.wait_for(r"\[M\] Modem speed\s+The era's or board's \(Unthrottled\)")
    assert (await users.get("ada")).bps is None
    await c.hangup()


async def test_a_key_skips_the_rest_of_the_paced_welcome_art(offline_board: Any) -> None:
    offline_board.board_info.modem_bps = 2400
    c = FakeCaller(offline_board)
    await c.wait_for(r"CONNECT 2400", after=c.mark())
    for _ in range(500):  # the art is being drawn, 240 characters a second
        if len(c.term.output) >= 300:
            break
        await asyncio.sleep(0.01)
    await c.type("j")
    screen = await c.wait_for(r"Handle: j", timeout=5)  # the key reached the prompt
    assert "Welcome to retroboard" in screen or "connected" in screen.lower()
    assert len(c.term.output) < 2500  # not the ~6800 bytes of the whole art
    assert b"\x1b[0m" in bytes(c.term.output)
    await c.hangup()


async def test_the_profile_shows_a_chosen_speed(offline_board: Any) -> None:
    users = offline_board.services.users
    bob = await make_user(offline_board, "bob")
    assert (await users.profile("bob")).bps is None
    await users.set_bps(bob.id, 2400)
    assert (await users.profile("bob")).bps == 2400
    ada = await make_user(offline_board, "ada")
    a = await at_menu(offline_board, ada)
    await a.type("a")
    await a.wait_for(r"Members")
    await a.type("\r")  # the first member: ada
    screen = await a.wait_for(r"Profile of ada")
    assert "Modem" not in screen  # she follows the era's or board's speed
    await a.type("q")
    await a.wait_for(r"Members")
    await a.type("\x1b[B\r")  # down to bob
    await a.wait_for(r"Profile of bob")
    (row,) = [line for line in a.screen.lines if line.strip().startswith("Modem")]
    assert row.split() == ["Modem", "2400", "bps"]
    await a.hangup()


async def test_the_caller_picks_a_speed_on_the_welcome_screen_for_this_call(
    offline_board: Any,
) -> None:
    """S at the handle prompt steps this call's speed on (57600, unthrottled, 300, ...); the
    welcome is drawn again saying it; it lasts through the login (over the member's own and
    the board's) until the member picks one in settings."""
    offline_board.board_info.modem_bps = 57600
    ada = await make_user(offline_board, "ada")
    await offline_board.services.users.set_bps(ada.id, 28800)
    c = FakeCaller(offline_board)
    await c.wait_for(r"now 57600 bps\)")
    assert c.term.pace == 5760
    before = len(c.term.output)
    await c.line("s")
    await c.wait_for(r"S the modem speed \(now full speed\)", after=c.last_input)
    assert c.term.pace == 0 and b"CONNECT" not in bytes(c.term.output[before:])
    await c.line("ada")
    await c.wait_for(r"Password")
    await c.line("ada-Password-1")
    for _ in range(5):  # the logon sequence (bulletins, since your last call) may come first
        screen = await c.wait_for(r"Goodbye|[Q]:? straight to the menu", after=c.last_input)
        if "Goodbye" in screen:
            break
        await c.type("q")
    ctx = context(offline_board)
    assert ctx.modem_bps == 0 and c.term.pace == 0  # the call's pick, not ada's 28800
    await c.type("U")
    await c.wait_for(r"\[M\] Modem speed")
    await c.type("m")  # ada's own again, stepped on from 28800
    await c.wait_for(r"\[M\] Modem speed\s+57600 bps", after=c.last_input)
    assert ctx.call_bps is None and c.term.pace == 5760
    await c.hangup()

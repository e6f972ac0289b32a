"""Login and registration screens, driven through a FakeTerminal and read off a pyte screen."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from retroboard.term.events import Disconnected
from tests.helpers.fakeui import FakeCaller


async def register(board: Any, handle: str = "ada", password: str = "Analytical-1") -> FakeCaller:
    c = FakeCaller(board)
    await c.wait_for(r"Handle:")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20")
    await c.line(handle)
    await c.wait_for(r"Password \(8")
    await c.line(password)
    await c.wait_for(r"again")
    await c.line(password)
    await c.wait_for(r"Real name")
    await c.line("Ada Lovelace")
    await c.wait_for(r"Location")
    await c.line("London")
    await c.wait_for(r"Create the account")
    await c.type("y")
    await c.wait_for(r"\[G\] Goodbye")
    return c


async def test_welcome_shows_art_and_prompt(offline_board: Any) -> None:
    c = FakeCaller(offline_board)
    screen = await c.wait_for(r"Handle:")
    assert "NEW" in screen
    assert "█" in screen  # the welcome art, as block characters
    await c.hangup()


async def test_register_reaches_main_menu_and_account_exists(offline_board: Any) -> None:
    c = await register(offline_board)
    screen = c.text
    assert "[I] Information about this board" in screen
    assert "Welcome, ada!" in screen
    user = await offline_board.services.users.get("ada")
    assert user.real_name == "Ada Lovelace" and user.location == "London"
    await c.hangup()


async def test_password_is_never_echoed(offline_board: Any) -> None:
    c = FakeCaller(offline_board)
    await c.wait_for("Handle:")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20")
    await c.line("zed")
    await c.wait_for(r"Password \(8")
    await c.line("Hunter2-secret")
    await c.wait_for("again")
    assert "Hunter2" not in bytes(c.term.output).decode()
    assert "**************" in c.text
    await c.hangup()


async def test_registration_rules_are_explained(offline_board: Any) -> None:
    await offline_board.services.users.register("taken", "Taken-pass-1")
    c = FakeCaller(offline_board)
    await c.wait_for("Handle:")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20")
    await c.line("x")
    await c.wait_for("2 to 20 characters")
    await c.line("TAKEN")
    await c.wait_for("is taken")
    await c.line("fresh")
    await c.wait_for(r"Password \(8")
    await c.line("short")
    await c.wait_for("at least 8")
    await c.line("Long-enough-1")
    await c.wait_for("again")
    await c.line("Different-2")
    await c.wait_for("differ")
    await c.hangup()


async def test_disconnect_mid_registration_leaves_no_account(offline_board: Any) -> None:
    c = FakeCaller(offline_board)
    await c.wait_for("Handle:")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20")
    await c.line("ghost")
    await c.wait_for(r"Password \(8")
    await c.line("Ghost-pass-1")
    await c.wait_for("again")
    await c.line("Ghost-pass-1")
    await c.wait_for("Real name")
    await c.hangup()
    assert not await offline_board.services.users.handle_taken("ghost")
    assert offline_board.sessions == {}


async def test_login_wrong_password_three_times_hangs_up(offline_board: Any) -> None:
    await offline_board.services.users.register("bob", "Bobs-pass-01")
    c = FakeCaller(offline_board)
    for _ in range(3):
        await c.wait_for(r"Handle:\s*$")
        await c.line("bob")
        await c.wait_for(r"Password:\s*$")
        await c.line("wrong-wrong")
    await c.wait_for("Too many attempts")
    await asyncio.wait_for(c.task, 5)
    assert c.term.hung_up


async def test_login_then_logoff_shows_goodbye(offline_board: Any) -> None:
    await offline_board.services.users.register("bob", "Bobs-pass-01")
    c = FakeCaller(offline_board)
    await c.wait_for("Handle:")
    await c.line("bob")
    await c.wait_for("Password:")
    await c.line("Bobs-pass-01")
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("g")
    await c.wait_for(r"Log off now\?")
    await c.type("y")
    await c.wait_for("NO CARRIER")
    await asyncio.wait_for(c.task, 5)
    assert c.term.hung_up


async def test_menu_redraws_at_new_size(offline_board: Any) -> None:
    c = await register(offline_board)
    await c.resize(40, 20)
    await c.wait_for(r"\[G\] Goodbye")
    assert all(len(line) <= 40 for line in c.text.splitlines())
    await c.hangup()


async def test_idle_user_is_warned_then_disconnected(offline_board: Any) -> None:
    offline_board.settings = replace(offline_board.settings, idle_timeout=0.4, idle_warning=0.2)
    c = FakeCaller(offline_board)
    await c.wait_for("Handle:")
    await c.wait_for("Are you still there", 2)
    await c.wait_for("idle too long", 2)
    await asyncio.wait_for(c.task, 5)
    assert c.term.hung_up


async def test_a_failing_screen_apologises_and_returns_to_menu(offline_board: Any) -> None:
    class Broken:
        async def run(self, ctx: Any) -> Any:
            raise RuntimeError("boom")

    offline_board.screens["info"] = Broken
    c = await register(offline_board)
    await c.type("i")
    await c.wait_for("something went wrong")
    assert "Traceback" not in c.text and "boom" not in c.text
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")  # the menu drawn again after the key, not the old one
    assert "Traceback" not in c.text and "boom" not in c.text
    await c.type("i")  # the menu answers keys: the broken screen fails again, still caught
    await c.wait_for("something went wrong")
    assert not c.task.done()
    await c.hangup()


async def test_read_after_hangup_raises_disconnected(offline_board: Any) -> None:
    c = FakeCaller(offline_board)
    await c.wait_for("Handle:")
    await c.hangup()
    try:
        await c.term.read_input()
    except Disconnected:
        pass
    else:
        raise AssertionError("expected Disconnected")


async def test_charset_preference_switches_to_cp437_and_sticks(offline_board: Any) -> None:
    c = await register(offline_board)
    await c.type("u")
    await c.wait_for("Character set")
    await c.type("c")  # auto -> utf-8
    await c.wait_for(r"Character set\s+UTF-8")
    await c.type("c")  # utf-8 -> cp437
    await c.wait_for(r"Character set\s+CP437")
    assert c.term.info.encoding == "cp437"
    mark = len(c.term.output)
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    assert "═".encode("cp437") in bytes(c.term.output[mark:])
    assert (await offline_board.services.users.get("ada")).charset == "cp437"
    await c.hangup()


async def test_yes_typed_as_a_line_lands_on_the_main_menu_not_its_first_item(
    offline_board: Any,
) -> None:
    """`y` and Enter at "Create the account? (Y/n)" (a line-mode telnet sends both at once) is
    one answer: the Enter is not taken by the main menu's lightbar as a choice."""
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    await c.line("new")
    for prompt, answer in (
        (r"Handle \(2-20", "ada"),
        (r"Password \(8", "Analytical-1"),
        (r"again", "Analytical-1"),
        (r"Real name", ""),
        (r"Location", ""),
    ):
        await c.wait_for(prompt)
        await c.line(answer)
    await c.wait_for(r"Create the account")
    await c.type("y\r")
    await c.wait_for(r"\[G\] Goodbye", after=c.last_input)
    await asyncio.sleep(0.3)  # an Enter taken as a choice would open the groups by now
    screen = c.text
    assert "[G] Goodbye" in screen and "Subscribed groups" not in screen
    await c.hangup()

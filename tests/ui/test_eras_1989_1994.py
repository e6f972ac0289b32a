"""The 1989 and 1994 eras: the ANSI board's lightbar menu, and the online service's keyword
screen ("Welcome! You've got mail!", MAIL and CHAT keywords, an unknown keyword answered)."""

from __future__ import annotations

from typing import Any

import pytest

from retroboard.domain.users import User
from retroboard.ui.menus import MenuError, parse_menu, validate_menus
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Era-Password-1"
KEYWORD = r"^Keyword:\s*$"  # the prompt on a row of its own (not a button's keyword)
DOWN = "\x1b[B"


async def member(board: Any, handle: str, skin: str) -> User:
    """A member in `skin`, unthrottled (the era's modem speed is the pacing's own tests)."""
    user = await board.services.users.register(handle, PASSWORD)
    await board.services.users.set_skin(user.id, skin)
    return await board.services.users.set_bps(user.id, 0)  # type: ignore[no-any-return]


def lit(c: FakeCaller) -> list[str]:
    """The text drawn with a background colour on a menu row (the 1989 lightbar)."""
    found = []
    for y, line in enumerate(c.screen.lines):
        row = c.screen.screen.buffer[y]
        cells = [x for x in range(len(line)) if row[x].bg == "cyan" and line[x] != " "]
        if cells:
            found.append(line[cells[0] : cells[-1] + 1])
    return found


async def keyword_screen(board: Any, user: User, cols: int = 80) -> FakeCaller:
    c = FakeCaller(board, cols=cols, rows=24, user=user)
    await c.wait_for(KEYWORD)
    return c


async def test_1994_welcome_says_you_have_got_mail_only_when_a_letter_waits(
    offline_board: Any,
) -> None:
    ada = await member(offline_board, "ada", "online1994")
    bob = await member(offline_board, "bob", "online1994")
    c = await keyword_screen(offline_board, ada)
    assert "Welcome!" in c.text
    assert "You've got mail!" not in c.text
    await c.hangup()
    await offline_board.services.mail.send(bob, ["ada"], [], "Hi", "hello")
    c = await keyword_screen(offline_board, ada)
    assert "Welcome! You've got mail!" in c.text
    assert "Since your last call" in c.text  # the main menu handed its greeting's lines over
    assert "retroboard Online" in c.text
    for button in ("[1] Mail", "[2] People Connection", "Keyword: MAIL", "Keyword: CHAT"):
        assert button in c.text, c.text
    await c.hangup()


async def test_1994_keywords_open_mail_and_chat_and_an_unknown_one_is_told(
    offline_board: Any,
) -> None:
    ada = await member(offline_board, "ada", "online1994")
    c = await keyword_screen(offline_board, ada)
    await c.line("mail")
    await c.wait_for(r"Mail: inbox")
    await c.type("q")
    await c.wait_for(KEYWORD)
    await c.line("CHAT")
    await c.wait_for(r"People Connection: #main")
    await c.line("/quit")
    await c.wait_for(KEYWORD)
    await c.line("kitchen")
    await c.wait_for(r"There is no keyword KITCHEN\. Try MAIL, CHAT, NEWS, PEOPLE, WHO\.")
    await c.line("?")
    await c.wait_for(r"Keywords: MAIL, CHAT, .*QUIT")
    await c.line("5")  # a channel's number: Who's Online
    await c.wait_for(r"Who's online")
    await c.type("q")
    await c.wait_for(KEYWORD)
    await c.line("era")  # back to today's board (or another year) from the time machine
    await c.wait_for(r"Time machine")
    await c.hangup()


async def test_1994_keyword_screen_fits_40_columns_and_quit_signs_off(offline_board: Any) -> None:
    ada = await member(offline_board, "ada", "online1994")
    c = await keyword_screen(offline_board, ada, cols=40)
    assert "│ [4] Member Directory   MEMBERS │" in c.text, c.text
    assert "Keyword or number, ? lists them" in c.text
    assert all(len(line.rstrip()) < 40 for line in c.screen.lines)
    await c.line("quit")
    await c.wait_for(r"Sign off now\?")
    await c.type("y")
    await c.wait_for(r"Thanks for signing on")
    await c.hangup()


async def test_1989_member_sees_the_period_lightbar_menu(offline_board: Any) -> None:
    bob = await member(offline_board, "bob", "ansi1989")
    c = FakeCaller(offline_board, cols=80, rows=24, user=bob)
    await c.wait_for(r"\[G\] Goodbye \(Log Off\)")
    for item in ("[M] Message Areas", "[T] Teleconference", "[Y] Yell for the SysOp"):
        assert item in c.text, c.text
    assert "Main Menu Command (?=Menu) >" in c.text
    assert lit(c) == ["[M] Message Areas"]
    await c.type(DOWN)
    await c.wait_for(r"\[G\] Goodbye \(Log Off\)")
    assert lit(c) == ["[N] New Message Scan"]
    await c.type("j")
    await c.wait_for(r"Invalid command! Press \? for the menu\.")
    await c.hangup()


def test_a_menu_keyword_or_screen_naming_nothing_stops_start_up() -> None:
    text = '[[items]]\nkey = "G"\nlabel = "Bye"\ntarget = "logoff"\n'
    validate_menus({"main": parse_menu("main", text + '[keywords]\nbye = "logoff"\n')}, set(), bool)
    with pytest.raises(MenuError, match="keyword NOPE has unknown target 'nowhere'"):
        validate_menus(
            {"main": parse_menu("main", text + '[keywords]\nnope = "nowhere"\n')}, set(), bool
        )
    with pytest.raises(MenuError, match="screen 'elsewhere' is not a known screen"):
        validate_menus({"main": parse_menu("main", 'screen = "elsewhere"\n' + text)}, set(), bool)
    with pytest.raises(MenuError, match="one word"):
        parse_menu("main", text + '[keywords]\n"two words" = "logoff"\n')

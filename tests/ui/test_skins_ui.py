"""Skins through the screens: a member switches to the plain skin and the board follows."""

from __future__ import annotations

from typing import Any

from tests.helpers.fakeui import FakeCaller
from tests.ui.test_login_register import register


async def test_plain_skin_numbers_the_menu_and_sends_no_escape_codes(offline_board: Any) -> None:
    c = await register(offline_board)
    await c.type("U")  # user settings
    await c.wait_for(r"\[K\] Skin\s+default")
    await c.type("k")
    await c.wait_for(r"\[K\] Skin\s+plain")
    user = await offline_board.services.users.get("ada")
    assert user.skin == "plain"  # remembered for the next call
    await c.type("q")
    mark = len(c.term.output)
    await c.wait_for(r"1\. \[M\] Message groups")  # numbered choices
    await c.type("1")
    await c.type("\r")  # a number and Enter pick the item
    await c.wait_for(r"Subscribed groups|All groups")  # the group selector, not the menu again
    sent = bytes(c.term.output[mark:])
    assert b"\x1b" not in sent, sent[:200]  # no colour, no cursor codes after the switch
    await c.hangup()


async def test_the_board_default_skin_applies_to_callers_who_chose_none(
    offline_board: Any,
) -> None:
    offline_board.board_info.default_skin = "plain"
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    assert b"\x1b" not in bytes(c.term.output)  # the welcome screen is plain text already
    await c.hangup()


async def test_every_item_of_a_long_plain_menu_has_a_number_that_picks_it(
    offline_board: Any,
) -> None:
    offline_board.board_info.default_skin = "plain"
    c = await register(offline_board)
    user = await offline_board.services.users.get("ada")
    items = offline_board.menus["main"].visible(user.level)
    assert len(items) > 9  # two-digit numbers are what this test is about
    last = next(i for i in items if i.target == "members")
    n = items.index(last) + 1
    assert n >= 10
    await c.wait_for(rf"{n}\. \[{last.key}\] ")
    await c.type("9")
    await c.type("9")  # two digits: the most a menu of 10-99 items takes
    await c.type("\r")
    await c.wait_for(r"There is no number 99 here")
    await c.type(str(n)[0])
    await c.type(str(n)[1])
    await c.type("\r")
    await c.wait_for(r"Handle\s+Location")  # the member list, picked by its number
    await c.hangup()

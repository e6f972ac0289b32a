"""The one screen skeleton through the line screens: the menu, settings and the draft offer
answer keys from their bindings, with generated `?` help and the unknown-key feedback."""

from __future__ import annotations

import re
from typing import Any

from retroboard.domain.users import User
from retroboard.ui.screens.settings import BINDINGS as SETTINGS_BINDINGS
from retroboard.ui.skin import load_skins
from tests.ui import test_group_screens
from tests.ui.test_group_screens import at_menu

people = test_group_screens.people  # the fixture: bob and friends

UNKNOWN = r"Unknown command, \? for help"


async def test_an_unknown_key_at_the_menu_rings_and_says_so(
    offline_board: Any, people: dict[str, User]
) -> None:
    c = await at_menu(offline_board, people["bob"])
    assert "Unknown command" not in c.text
    await c.type("~")
    await c.wait_for(UNKNOWN)  # drawn after the key, not left over from before
    assert b"\a" in bytes(c.term.output[c.last_input.offset :])  # the bell, after the key
    await c.wait_for(r"Command \(\? for menu\) >")  # the prompt again, below the message
    await c.type("?")  # ? still draws the menu again
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("u")  # and the menu still answers its keys
    await c.wait_for(r"\[E\] Message editor")
    await c.hangup()


async def test_settings_help_is_made_from_its_bindings(
    offline_board: Any, people: dict[str, User]
) -> None:
    c = await at_menu(offline_board, people["bob"])
    await c.type("u")
    await c.wait_for(r"Setting>")
    await c.type("?")
    await c.wait_for("User settings: keys")
    text = load_skins()["default"].text
    for row in SETTINGS_BINDINGS.help_rows():
        keys, what = row.resolve(text)
        assert re.search(re.escape(keys) + r"\s+" + re.escape(what), c.text), (keys, what)
    await c.type(" ")
    await c.wait_for(r"\[L\] Location")  # the settings again after the help
    await c.hangup()


async def test_an_unknown_key_in_settings_says_so_and_a_setting_still_changes(
    offline_board: Any, people: dict[str, User]
) -> None:
    bob = people["bob"]
    c = await at_menu(offline_board, bob)
    await c.type("u")
    await c.wait_for(r"Setting>")
    assert "Unknown command" not in c.text
    await c.type("Z")
    await c.wait_for(UNKNOWN)
    await c.wait_for(UNKNOWN + r"\s*\n\s*Setting>")  # then the prompt again
    before = (await offline_board.services.users.get(bob.handle)).editor
    await c.type("e")  # lower case works as well as E
    await c.wait_for(r"\[E\] Message editor")
    assert "Unknown command" not in c.text_after(c.last_input)
    after = (await offline_board.services.users.get(bob.handle)).editor
    assert after != before
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()

"""A letter waiting is told once at login: the greeting's "You have 1 new letter." and not again
in the since-your-last-call lines, with or without one-liners on the wall (and in expert mode)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from retroboard.domain.users import User
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"
MENU = r"Goodbye \(log off\)"
NEW_MAIL = re.compile(r"new letters?\b", re.IGNORECASE)
ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[78])|\r")


async def member(board: Any, handle: str) -> User:
    await board.services.users.register(handle, PASSWORD)
    # a second call: the account has a previous one, so "since your last call" is shown
    user: User = await board.services.users.authenticate(handle, PASSWORD)
    return user


def transcript(c: FakeCaller) -> str:
    """Everything the call has written so far, pages cleared since included, as plain text."""
    return ESCAPE.sub("", bytes(c.term.output).decode("utf-8", "replace"))


async def logged_in(board: Any, user: User) -> FakeCaller:
    """The call from login to the main menu, Enter at the wall page when there is one."""
    c = FakeCaller(board, user=user)
    screen = await c.wait_for(rf"{MENU}|Enter: to the menu")
    if "Enter: to the menu" in screen:
        await c.type("\r")
        await c.wait_for(MENU)
    return c


@pytest.mark.parametrize("wall", [False, True], ids=["in the greeting", "after the wall"])
async def test_a_new_letter_is_told_once_at_login(offline_board: Any, wall: bool) -> None:
    bob = await member(offline_board, "bob")
    ada = await member(offline_board, "ada")
    await offline_board.services.mail.send(bob, ["ada"], [], "Hi", "hello")
    await offline_board.services.calls.record(bob, 3, "ssh")
    if wall:
        await offline_board.services.oneliners.add(bob, "First on the wall!")
    c = await logged_in(offline_board, ada)
    screen = c.text
    assert re.search(r"^You have 1 new letter\.$", screen, re.MULTILINE), screen
    assert len(NEW_MAIL.findall(screen)) == 1, screen
    assert len(NEW_MAIL.findall(transcript(c))) == 1, transcript(c)
    assert "Since your last call" in transcript(c)  # the rest of the lines are still told
    assert re.search(r"^ +1  other caller$", transcript(c), re.MULTILINE), transcript(c)
    await c.hangup()


async def test_expert_mode_still_tells_the_new_letter(offline_board: Any) -> None:
    bob = await member(offline_board, "bob")
    ada = await member(offline_board, "ada")
    await offline_board.services.users.set_expert(ada.id, True)
    await offline_board.services.mail.send(bob, ["ada"], [], "Hi", "hello")
    c = await logged_in(offline_board, ada)
    assert len(NEW_MAIL.findall(transcript(c))) == 1, transcript(c)
    assert "You have 1 new letter." in c.text
    await c.hangup()

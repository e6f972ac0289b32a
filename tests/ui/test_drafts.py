"""Several unfinished messages: a second dropped post never replaces the first, the login offer
lists them all, and a composer that starts says they are there (D lists them)."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.domain.boards import Draft
from retroboard.domain.users import User
from retroboard.ui.screens.compose import ComposeScreen
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"
GROUP = "comp.sys.retro"
MENU = r"\[G\] Goodbye"


async def member(board: Any, handle: str, skin: str = "") -> User:
    user: User = await board.services.users.register(handle, PASSWORD)
    if skin:
        user = await board.services.users.set_skin(user.id, skin)
    return user


def compose_from_menu(board: Any) -> None:
    """The main menu's [I] item opens a new post to GROUP (as in tests/ui/test_compose.py)."""
    board.screens["info"] = lambda: ComposeScreen([GROUP])


async def settle(c: FakeCaller) -> None:
    quiet, last = 0, -1
    while quiet < 3:
        await asyncio.sleep(0.01)
        quiet = quiet + 1 if len(c.term.output) == last else 0
        last = len(c.term.output)


async def write_and_drop(board: Any, user: User, subject: str, words: str, notice: str) -> None:
    """Start a new post, write a line, lose the line. `notice` is the drafts notice expected
    where the composer starts ('' for none)."""
    offered = bool(await board.services.drafts.list(user.id))
    c = FakeCaller(board, user=user)
    if offered:
        await c.wait_for(r"\(L\)ater >$")  # the login offer: not now
        await c.type("l")
    await c.wait_for(MENU)
    await c.type("i")
    if notice:
        await c.wait_for(notice)
        await c.type("\r")
    screen = await c.wait_for(r"^Subject:$")
    if not notice:
        assert "unfinished" not in screen
    await c.line(subject)
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line(words)
    await settle(c)
    await c.hangup()


async def test_a_second_dropped_post_is_kept_beside_the_first(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board)
    await write_and_drop(offline_board, ada, "First thoughts", "one", "")
    await write_and_drop(
        offline_board,
        ada,
        "Second thoughts",
        "two",
        r"You have 1 unfinished message: \(D\) lists them, Enter writes a new one >$",
    )
    kept = await offline_board.services.drafts.list(ada.id)
    assert [(d.subject, d.body) for d in kept] == [
        ("Second thoughts", "two"),
        ("First thoughts", "one"),
    ]

    c = FakeCaller(offline_board, user=ada)
    screen = await c.wait_for(
        r"You have 2 unfinished messages: a \(number\) shows one, \(L\)ater >$"
    )
    assert "Unfinished messages" in screen
    assert " 1. " in screen and "Second thoughts" in screen
    assert " 2. " in screen and "First thoughts" in screen
    await c.type("2\r")
    screen = await c.wait_for(r"'First thoughts' —\s+\(R\)esume,\s+\(D\)iscard, \(L\)ater >$")
    assert "one" in screen.split("Subject: First thoughts")[1]
    await c.type("r")
    await c.wait_for(r"^ 1: one$")
    await c.line("/s")
    screen = await c.wait_for(r"posted")
    if "Press any key" in screen:  # the composer may pause on its confirmation
        await c.type(" ")
    await c.wait_for(MENU)
    left = await offline_board.services.drafts.list(ada.id)
    assert [d.subject for d in left] == ["Second thoughts"]  # the other one is still there
    await c.hangup()


async def test_the_notice_lists_the_drafts_with_d(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    bob = await member(offline_board, "bob")
    await offline_board.services.drafts.save(ada.id, Draft((GROUP,), "A post", "words"))
    await offline_board.services.drafts.save(
        ada.id, Draft((), "A letter", "dear bob", kind="mail", to=(bob.handle,))
    )
    compose_from_menu(offline_board)
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"\(L\)ater >$")
    await c.type("l")
    await c.wait_for(MENU)
    await c.type("i")
    await c.wait_for(r"You have 2 unfinished messages: \(D\) lists them")
    await c.type("d")
    screen = await c.wait_for(r"a \(number\) shows one, \(L\)ater >$")
    assert "A letter" in screen and "letter to bob" in screen
    assert "A post" in screen and GROUP in screen
    await c.type("1\r")
    await c.wait_for(r"A letter to: bob")
    await c.type("l")  # back to the list
    await c.wait_for(r"a \(number\) shows one, \(L\)ater >$")
    await c.type("l")  # and on: back where the post was started
    await c.wait_for(MENU)
    assert len(await offline_board.services.drafts.list(ada.id)) == 2
    await c.hangup()


async def test_plain_skin_picks_and_discards_from_the_list(offline_board: Any) -> None:
    ada = await member(offline_board, "ada", skin="plain")
    old = await offline_board.services.drafts.save(ada.id, Draft((GROUP,), "Old one", "x"))
    await offline_board.services.drafts.save(ada.id, Draft((GROUP,), "New one", "y"))
    c = FakeCaller(offline_board, user=ada)
    screen = await c.wait_for(r"\(L\)ater >$")
    assert " 1. " in screen and " 2. " in screen  # numbered choices
    await c.type("7\r")  # no such draft
    await c.wait_for(r"\(L\)ater >$")
    await c.type("r")  # nothing picked yet
    await c.wait_for(r"Type the number of a message first\.")
    await c.type("1\r")
    await c.wait_for(r"'New one' [—-]\s+\(R\)esume,\s+\(D\)iscard, \(L\)ater >$")
    await c.type("d")
    await c.wait_for(r"Discard it for good\? \(y/N\)")
    await c.type("y")
    # one left: it is shown at once
    await c.wait_for(r"'Old one' [—-]\s+\(R\)esume,\s+\(D\)iscard, \(L\)ater >$")
    assert [d.id for d in await offline_board.services.drafts.list(ada.id)] == [old]
    await c.type("l")
    await c.wait_for(MENU)
    await c.hangup()

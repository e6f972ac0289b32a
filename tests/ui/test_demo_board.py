"""The classroom demo board through whole sessions: GUEST logins, read-only guests, regulars."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from retroboard.demo.content import DemoRegular
from retroboard.demo.regulars import Regulars
from retroboard.demo.seed import seed
from tests.conftest import cheap_settings
from tests.helpers.fakeui import FakeCaller
from tests.services.test_demo_seed import tiny_content


async def make_board(tmp_path: Path, **changes: object) -> Any:
    from retroboard.app import Board
    from retroboard.db.migrate import upgrade

    board = Board(cheap_settings(tmp_path, default_groups="net.general", **changes))
    await upgrade(board.db)
    await seed(board.services, tiny_content())
    return board


@pytest.fixture
async def demo_board(tmp_path: Path) -> AsyncIterator[Any]:
    board = await make_board(tmp_path, guests=True, demo=True)
    try:
        yield board
    finally:
        for term in list(board.sessions.values()):
            term.lost()
        await board.db.dispose()


async def past_bulletins(c: FakeCaller) -> str:
    """From the login to the main menu: the demo's bulletins come first (Q skips them)."""
    screen = await c.wait_for(r"\[G\] Goodbye|Q: straight to the menu")
    if "[G] Goodbye" not in c.text_after(c.last_input):
        await c.type("q")
        screen = await c.wait_for(r"\[G\] Goodbye")
    return screen


async def guest_at_menu(board: Any) -> FakeCaller:
    c = FakeCaller(board)
    await c.wait_for(r"Handle:")
    await c.line("guest")
    await past_bulletins(c)
    return c


async def test_guest_reaches_the_main_menu_with_no_password_prompt(demo_board: Any) -> None:
    c = FakeCaller(demo_board)
    screen = await c.wait_for(r"Handle:")
    assert "Type GUEST" in screen  # the welcome says how a class gets in
    await c.line("GUEST")
    login = c.last_input
    await c.wait_for(r"Usenet, 1980")  # the demo's bulletins, at logon
    assert "Password" not in c.text_after(login)
    screen = await past_bulletins(c)
    assert "Password" not in c.text_after(login)
    assert "guest1" in screen
    assert (await demo_board.services.users.get("guest1")).guest
    await c.hangup()


async def test_guest_is_refused_on_a_normal_board(tmp_path: Path) -> None:
    board = await make_board(tmp_path)
    try:
        c = FakeCaller(board)
        screen = await c.wait_for(r"Handle:")
        assert "GUEST" not in screen
        await c.line("guest")
        await c.wait_for(r"no guest logins on this board")
        await c.wait_for(r"Handle:")
        await c.hangup()
    finally:
        await board.db.dispose()


async def test_two_guests_are_two_handles_on_two_nodes(demo_board: Any) -> None:
    a = await guest_at_menu(demo_board)
    b = await guest_at_menu(demo_board)
    nodes = {n.handle: n.number for n in demo_board.presence.nodes()}
    assert set(nodes) == {"guest1", "guest2"} and nodes["guest1"] != nodes["guest2"]
    await b.type("w")
    await b.wait_for(r"guest1 .*At the main menu")
    await a.hangup()
    await b.hangup()


async def test_a_read_only_guest_is_told_it_may_not_post(tmp_path: Path) -> None:
    board = await make_board(tmp_path, guests=True, demo_guests_read_only=True)
    try:
        c = await guest_at_menu(board)
        await c.type("o")  # the one-liners wall
        await c.wait_for(r"\[A\]dd a one-liner")
        await c.type("a")
        await c.wait_for(r"at most 75 characters")
        await c.line("hello from the back row")
        await c.wait_for(r"Guests on this demo board may look around but not write")
        assert [o.text for o in await board.services.oneliners.latest()] == [
            "300 baud is fast enough for anyone"
        ]
        await c.hangup()
    finally:
        for term in list(board.sessions.values()):
            term.lost()
        await board.db.dispose()


async def test_regulars_are_in_whos_online_and_talk_in_the_teleconference(
    demo_board: Any,
) -> None:
    content = tiny_content()
    ann = DemoRegular("ann", "Ann Arbor, MI", "chatting", ("Anyone tried the new 2400 modems?",))
    regulars = Regulars(
        demo_board.services,
        (*content.regulars, ann),
        interval=(0.05, 0.1),  # the test drives the interval: no waiting minutes
        rng=random.Random(7),
    )
    await regulars.start()
    try:
        handles = {n.handle for n in demo_board.presence.nodes()}
        assert handles == {"fred", "ann"}
        c = await guest_at_menu(demo_board)
        await c.type("w")
        await c.wait_for(r"fred .*reading net\.general")  # the content's words for it
        await c.wait_for(r"ann .*chatting")
        await c.type("q")
        await c.wait_for(r"\[G\] Goodbye")
        await c.type("t")
        await c.wait_for(r"/\? lists the commands")
        await c.wait_for(r"^<ann> Anyone tried the new 2400 modems\?$")
        await c.wait_for(r"^<fred> hi all$")
        await c.hangup()
    finally:
        await regulars.stop()
    assert not demo_board.presence.nodes()
    assert demo_board.services.chat.who("#main") == ()


async def test_a_regular_without_an_account_is_not_started(demo_board: Any) -> None:
    ghost = DemoRegular("nobody9", "Nowhere", "idling", ("boo",))
    regulars = Regulars(demo_board.services, (ghost, *tiny_content().regulars))
    await regulars.start()
    try:
        assert regulars.handles == ("fred",)
        assert regulars.say_next(0) is not None
    finally:
        await regulars.stop()


def test_content_regulars_are_bounded() -> None:
    many = tuple(replace(tiny_content().regulars[0], handle=f"r{i}") for i in range(10))
    assert len(Regulars(None, many)._regulars) == 6  # type: ignore[arg-type]

"""Moderation seen by a caller: a moderator is told at login how many posts wait."""

from __future__ import annotations

from typing import Any

from retroboard.domain.boards import Policy
from retroboard.domain.users import Level, User
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"


async def member(board: Any, handle: str, level: Level = Level.USER) -> User:
    user: User = await board.services.users.register(handle, PASSWORD, level=level)
    return user


async def hold_posts(board: Any, author: User, count: int) -> None:
    await board.services.groups.create("local.mod", "held posts", Policy.MODERATED)
    for n in range(count):
        await board.services.articles.post(author, ["local.mod"], f"Please {n}", "approve me")


async def test_a_moderator_is_told_at_login_how_many_posts_wait(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    await hold_posts(offline_board, ada, 2)
    c = FakeCaller(offline_board, user=mod)
    screen = await c.wait_for(r"\[G\] Goodbye")
    rows = screen.split("\n")
    welcome = next(i for i, row in enumerate(rows) if row.startswith("Welcome, mod!"))
    assert "2 posts wait for a moderator (the moderation queue)." in rows[welcome : welcome + 4]
    await c.hangup()


async def test_one_waiting_post_and_none_for_a_plain_member(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    await hold_posts(offline_board, ada, 1)
    c = FakeCaller(offline_board, user=mod)
    await c.wait_for(r"^1 post waits for a moderator \(the moderation queue\)\.$")
    await c.hangup()
    plain = FakeCaller(offline_board, user=ada)
    screen = await plain.wait_for(r"\[G\] Goodbye")
    assert "wait for a moderator" not in screen and "waits for a moderator" not in screen
    await plain.hangup()


async def test_no_line_when_the_queue_is_empty(offline_board: Any) -> None:
    mod = await member(offline_board, "mod", Level.MODERATOR)
    c = FakeCaller(offline_board, user=mod)
    screen = await c.wait_for(r"\[G\] Goodbye")
    assert "for a moderator" not in screen
    await c.hangup()

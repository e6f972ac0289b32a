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


async def thread_list_rows(board: Any, user: User, group: str) -> list[str]:
    c = FakeCaller(board, user=user)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("m")
    await c.wait_for(r"Subscribed groups|All groups")
    await c.type("g")
    await c.line(group)
    await c.wait_for(r"Modems")
    rows = list(c.screen.lines)
    await c.hangup()
    return rows


async def test_a_deleted_subject_is_hidden_but_a_moderator_sees_it(offline_board: Any) -> None:
    sv = offline_board.services
    ada = await member(offline_board, "ada")
    bob = await member(offline_board, "bob")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    root = (await sv.articles.post(ada, ["misc.test"], "Modems", "Which one?")).article
    rude = await sv.articles.post(
        bob,
        ["misc.test"],
        "Re: Modems -- rude words",
        "...",
        parent_message_id=root.head.message_id,
    )
    await sv.moderation.delete(mod, rude.article.head.id)

    rows = await thread_list_rows(offline_board, ada, "misc.test")
    [gone] = [row for row in rows if row.startswith(" D")]
    assert "[deleted]" in gone and "rude words" not in gone
    assert not any("rude words" in row for row in rows)

    rows = await thread_list_rows(offline_board, mod, "misc.test")
    [gone] = [row for row in rows if row.startswith(" D")]
    assert "[deleted] Re: Modems -- rude words" in gone


async def open_thread_list(board: Any, user: User, group: str) -> FakeCaller:
    c = FakeCaller(board, user=user)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("m")
    await c.wait_for(r"Subscribed groups|All groups")
    await c.type("g")
    await c.line(group)
    await c.wait_for(r"Modems")
    return c


async def a_thread(board: Any, author: User) -> None:
    sv = board.services
    root = (await sv.articles.post(author, ["misc.test"], "Modems", "Which one?")).article
    await sv.articles.post(
        author, ["misc.test"], "Re: Modems", "A USR.", parent_message_id=root.head.message_id
    )


async def test_a_moderator_deletes_and_undeletes_a_thread_from_the_list(
    offline_board: Any,
) -> None:
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    await a_thread(offline_board, ada)
    c = await open_thread_list(offline_board, mod, "misc.test")
    await c.type("D")
    await c.wait_for(r'Delete the whole thread "Modems"\?')
    await c.type("n")
    await c.wait_for(r"Nothing changed\.")
    await c.type("D")
    await c.wait_for(r'Delete the whole thread "Modems"\?')
    await c.type("y")
    screen = await c.wait_for(r'Deleted 2 article\(s\) of "Modems"\.')
    assert sum(row[1:2] == "D" for row in screen.split("\n")) == 2  # (col 1: the cursor)
    page = await offline_board.services.articles.thread_page(ada, "misc.test")
    assert all(h.deleted for t in page.threads for h in t.articles)
    await c.type("U")
    await c.wait_for(r'Bring back the whole thread "Modems"\?')
    await c.type("y")
    screen = await c.wait_for(r'Brought back 2 article\(s\) of "Modems"\.')
    assert not any(row[1:2] == "D" for row in screen.split("\n"))
    await c.type("?")
    screen = await c.wait_for(r"Press any key")
    assert "delete the whole thread" in screen and "bring a deleted thread back" in screen
    await c.hangup()


async def test_thread_delete_keys_are_not_a_members(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    await a_thread(offline_board, ada)
    c = await open_thread_list(offline_board, ada, "misc.test")
    await c.type("D")
    await c.wait_for(r"Unknown command")
    assert "Delete the whole thread" not in c.text_after(c.last_input)
    await c.type("?")
    screen = await c.wait_for(r"Press any key")
    assert "delete the whole thread" not in screen
    page = await offline_board.services.articles.thread_page(ada, "misc.test")
    assert not any(h.deleted for t in page.threads for h in t.articles)
    await c.hangup()

"""The moderation queue through whole sessions: held posts approved or rejected by a moderator."""

from __future__ import annotations

from typing import Any

from retroboard.domain.boards import Policy
from retroboard.domain.users import Level, User
from retroboard.ui.screens.compose import ComposeScreen
from retroboard.ui.screens.modqueue import ModerationQueueScreen
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import assert_help_is_the_table, assert_unknown_key_is_told

PASSWORD = "Secret-pass-1"


async def member(board: Any, handle: str, level: Level = Level.USER) -> User:
    user: User = await board.services.users.register(handle, PASSWORD, level=level)
    return user


async def open_queue(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, user=user, cols=cols, rows=rows)
    await c.wait_for(r"\[Q\] Moderation queue")
    await c.type("q")
    return c


async def test_held_post_is_approved_in_the_queue(offline_board: Any) -> None:
    services = offline_board.services
    await services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)

    # ada posts through the composer: it is held.
    offline_board.screens["info"] = lambda: ComposeScreen(["local.mod"])
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"\[G\] Goodbye")
    assert "Moderation queue" not in c.text  # not on a plain user's menu
    await c.type("i")
    await c.wait_for(r"Subject:$")
    await c.line("My first post")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("Hello, moderators.")
    await c.line("/s")
    await c.wait_for(r"Your article is waiting for a moderator's approval\.")
    await c.hangup()
    assert (await services.articles.thread_page(mod, "local.mod")).threads == ()

    c = await open_queue(offline_board, mod)
    screen = await c.wait_for(r"Moderation queue +1 waiting")
    row = next(line for line in c.text.split("\n") if line.startswith("> "))
    assert "ada" in row and "local.mod" in row and "My first post" in row
    assert "Hello, moderators." in screen  # the selected post's text below the list
    await c.type("a")
    await c.wait_for(r"Approved: 'My first post' by ada is now in local\.mod\.")
    await c.wait_for(r"No posts are waiting for approval\.")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()

    page = await services.articles.thread_page(ada, "local.mod")
    assert [t.subject for t in page.threads] == ["My first post"]
    article = await services.articles.read_article(ada, "local.mod", 1)
    assert article.body == "Hello, moderators."


async def test_reject_asks_first_and_keeps_the_post_out(offline_board: Any) -> None:
    services = offline_board.services
    await services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    await services.articles.post(ada, ["local.mod"], "Spam spam", "Buy now")
    await services.articles.post(ada, ["local.mod"], "Real question", "How do I post?")

    c = await open_queue(offline_board, mod)
    await c.wait_for(r"2 waiting")
    await c.type("r")
    await c.wait_for(r"Reject 'Spam spam' by ada\? \(y/N\)")
    await c.type("n")
    await c.wait_for(r"Not rejected\.")
    await c.type("r")
    await c.wait_for(r"Reject 'Spam spam'")
    await c.type("y")
    await c.wait_for(r"Reason \(mailed to ada; Esc: keep it\):")
    await c.type("\x1b")  # Esc: not rejected after all
    await c.wait_for(r"Not rejected\.")
    assert len(await services.moderation.queue(mod)) == 2
    await c.type("r")
    await c.wait_for(r"Reject 'Spam spam'")
    await c.type("y")
    await c.wait_for(r"Reason \(mailed to ada")
    await c.line("Advertising is not allowed here.")
    await c.wait_for(r"Rejected: 'Spam spam' by ada\.")
    await c.wait_for(r"1 waiting")
    assert [h.subject for h, _, _ in await services.moderation.queue(mod)] == ["Real question"]
    assert (await services.articles.thread_page(mod, "local.mod")).threads == ()
    [told] = await services.mail.inbox(ada)  # the author is told why, by mail
    assert told.sender == "mod" and told.subject == "Your post was not accepted: Spam spam"
    body = (await services.mail.read(ada, told.id)).body
    assert "Reason: Advertising is not allowed here." in body
    await c.hangup()


async def test_enter_reads_the_whole_post_and_can_approve(offline_board: Any) -> None:
    services = offline_board.services
    await services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    body = "\n".join(f"Paragraph line {i}" for i in range(1, 41))
    await services.articles.post(ada, ["local.mod", "misc.test"], "Long one", body)

    c = await open_queue(offline_board, mod)
    await c.wait_for(r"more lines: Enter reads it all")
    await c.type("\r")
    await c.wait_for(r"^Newsgroups: local\.mod,misc\.test$")
    await c.wait_for(r"-- More -- Space")
    assert "Paragraph line 40" not in c.text
    await c.type(" ")
    await c.wait_for(r"^Paragraph line 40$")
    await c.wait_for(r"End of post")
    await c.type("a")
    await c.wait_for(r"No posts are waiting for approval\.")
    await c.hangup()
    assert (await services.articles.read_article(ada, "misc.test", 1)).head.subject == "Long one"


async def test_empty_queue_says_so(offline_board: Any) -> None:
    mod = await member(offline_board, "mod", Level.MODERATOR)
    c = await open_queue(offline_board, mod)
    await c.wait_for(r"No posts are waiting for approval\.")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()


async def test_plain_user_is_refused(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    offline_board.screens["info"] = ModerationQueueScreen  # as if reached some other way
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("q")  # not on the menu: just a bell
    await c.type("i")
    await c.wait_for(r"Only moderators and the sysop may do that\.")
    await c.hangup()


async def test_queue_at_40_and_132_columns(offline_board: Any) -> None:
    services = offline_board.services
    await services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    for i in range(12):
        await services.articles.post(
            ada, ["local.mod"], f"Held post number {i:02d} " + "x" * 60, f"Body {i}"
        )
    c = await open_queue(offline_board, mod, cols=40)
    await c.wait_for(r"12 waiting")
    assert all(len(line) <= 40 for line in c.text.split("\n"))
    await c.type("j")
    await c.wait_for(r"^Body 1$")
    await c.resize(132, 43)
    await c.wait_for(r"12 waiting")
    await c.wait_for(r"^> ada +local\.mod +Held post number 01")
    await c.type("?")
    await c.wait_for(r"Moderation queue: keys")
    await c.type(" ")
    await c.wait_for(r"12 waiting")
    await c.hangup()


async def test_queue_help_is_its_bindings_and_unknown_keys_are_told(offline_board: Any) -> None:
    services = offline_board.services
    await services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", Level.MODERATOR)
    await services.articles.post(ada, ["local.mod"], "Spam spam", "Buy now")
    c = await open_queue(offline_board, mod)
    await c.wait_for(r"1 waiting")
    assert c.screen.lines[2].startswith("> ada")
    assert c.screen.screen.buffer[2][0].reverse and c.screen.screen.buffer[2][30].reverse
    await assert_help_is_the_table(c, ModerationQueueScreen.BINDINGS, "Moderation queue")
    await c.type(" ")
    await c.wait_for(r"1 waiting")
    await assert_unknown_key_is_told(c)
    assert "Buy now" in c.text  # the post shown below the list is intact
    assert [h.subject for h, _, _ in await services.moderation.queue(mod)] == ["Spam spam"]
    await c.hangup()

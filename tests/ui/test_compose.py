"""Posting through whole sessions: new threads, follow-ups in both editors, limits, refusals,
and drafts that survive a dropped line and come back at the next login."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.domain.boards import Article, Draft, Policy
from retroboard.domain.users import Level, User
from retroboard.ui.screens.compose import ComposeScreen
from tests.helpers.fakeui import FakeCaller

PASSWORD = "Secret-pass-1"
CTRL_Y, CTRL_Z = "\x19", "\x1a"
GROUP = "comp.sys.retro"
KEEP_GROUPS = r"^Newsgroups \(Enter to keep comp\.sys\.retro\):$"  # the follow-up prompt


async def the_draft(board: Any, user_id: int) -> Draft | None:
    """The user's one draft (these tests keep at most one), or None."""
    drafts = await board.services.drafts.list(user_id)
    assert len(drafts) <= 1, drafts
    return drafts[0] if drafts else None


async def member(
    board: Any, handle: str, *, editor: str = "line", level: Level = Level.USER, real_name: str = ""
) -> User:
    user: User = await board.services.users.register(
        handle, PASSWORD, real_name=real_name, level=level
    )
    if editor != "line":
        user = await board.services.users.set_editor(user.id, editor)
    return user


async def parent_post(
    board: Any, subject: str = "Amiga rules", body: str = "The 1200 is the best Amiga.\nFight me."
) -> Article:
    bob = await member(board, "bob", real_name="Bob Builder")
    result = await board.services.articles.post(bob, [GROUP], subject, body)
    article: Article = result.article
    return article


def compose_from_menu(board: Any, *args: Any, **kwargs: Any) -> None:
    """Make the main menu's [I] item open a ComposeScreen (screens above it are not built yet
    in these tests: the reader and thread list are tested on their own)."""
    board.screens["info"] = lambda: ComposeScreen(*args, **kwargs)


async def start_compose(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, user=user, cols=cols, rows=rows)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("i")
    return c


async def log_in(board: Any, handle: str) -> FakeCaller:
    c = FakeCaller(board)
    await c.wait_for(r"Handle:")
    await c.line(handle)
    await c.wait_for(r"Password:")
    await c.line(PASSWORD)
    return c


async def only_article(board: Any, user: User, group: str = GROUP) -> Article:
    page = await board.services.articles.thread_page(user, group)
    heads = [h for t in page.threads for h in t.articles]
    assert heads, f"nothing in {group}"
    newest = max(heads, key=lambda h: h.number)
    article: Article = await board.services.articles.read_article(
        user, group, newest.number, mark_read=False
    )
    return article


async def settle(c: FakeCaller) -> None:
    """Wait until the session stops writing (it has taken all the keys typed so far)."""
    quiet, last = 0, -1
    while quiet < 3:
        await asyncio.sleep(0.01)
        quiet = quiet + 1 if len(c.term.output) == last else 0
        last = len(c.term.output)


# ---- new threads ---------------------------------------------------------------------------


async def test_new_thread_in_line_editor_is_posted(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("Amiga 500 memory upgrade")
    await c.wait_for(r"^Newsgroups: comp\.sys\.retro$")
    await c.wait_for(r"Also post to \(comma separated, Enter for none\):$")
    await c.line("")
    await c.wait_for(r"Enter your message\. /S to save")
    await c.line("I found a 512K trapdoor card.")
    await c.line("Does it need a clock?")
    await c.line("/s")
    # no key to press: back at the menu, the confirmation under it
    await c.wait_for(r"Article posted \(comp\.sys\.retro #1\)\.")
    await c.wait_for(r"\[G\] Goodbye")

    page = await offline_board.services.articles.thread_page(ada, GROUP)
    assert [t.subject for t in page.threads] == ["Amiga 500 memory upgrade"]
    article = await only_article(offline_board, ada)
    assert article.body == "I found a 512K trapdoor card.\nDoes it need a clock?"
    assert article.head.references == ()
    assert await the_draft(offline_board, ada.id) is None
    await c.hangup()


async def test_cross_post_checks_each_group(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("Selling my C64")
    await c.wait_for(r"Also post to")
    await c.line("misc.forsale, misc.test")
    await c.wait_for(r"There is no group called 'misc\.forsale'\.")
    await c.line("misc.test")
    await c.wait_for(r"^Newsgroups: comp\.sys\.retro,misc\.test$")
    await c.wait_for(r"Enter your message")
    await c.line("Breadbin, works.")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #1, misc\.test #1\)\.")
    in_test = await only_article(offline_board, ada, "misc.test")
    assert in_test.head.subject == "Selling my C64"
    assert set(in_test.newsgroups) == {GROUP, "misc.test"}
    await c.hangup()


async def test_empty_subject_posts_nothing(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("   ")
    await c.wait_for(r"No subject, so nothing was posted\.")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    page = await offline_board.services.articles.thread_page(ada, GROUP)
    assert page.threads == ()
    await c.hangup()


async def test_over_long_subject_stops_at_the_limit(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("x" * 130)
    await c.wait_for(r"A subject is at most 120 characters long\.")
    assert c.term.output.count(b"\a") >= 10  # a bell for each character past the limit
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("body")
    await c.line("/s")
    await c.wait_for(r"Article posted")
    assert (await only_article(offline_board, ada)).head.subject == "x" * 120
    await c.hangup()


async def test_over_long_message_gets_the_limit_message(offline_board: Any) -> None:
    ada = await member(offline_board, "ada", editor="fse")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada, rows=8)
    await c.wait_for(r"^Subject:$")
    await c.line("Long one")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"\^Z Save")
    # 499 lines fit; the 500-line limit stops the rest (the editor never lets it grow past).
    await c.type("ab\r" * 505)
    await c.wait_for(r"The message is full \(500 lines at most\)\.")
    await c.type(CTRL_Z)
    await c.wait_for(r"Article posted")
    assert (await only_article(offline_board, ada)).lines == 500
    await c.hangup()


async def test_read_only_group_is_refused_with_the_reason(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, ["local.sysop"])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"local\.sysop is read-only: only moderators and the sysop post there\.")
    assert "Subject:" not in c.text  # refused before any typing
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()
    # ...and as a cross-post target too, while the rest of the post goes ahead.
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("News")
    await c.wait_for(r"Also post to")
    await c.line("local.sysop")
    await c.wait_for(r"local\.sysop is read-only")
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("hello")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #1\)\.")
    sysop = await member(offline_board, "root2", level=Level.SYSOP)
    page = await offline_board.services.articles.thread_page(sysop, "local.sysop")
    assert page.threads == ()
    await c.hangup()


async def test_sysop_may_post_to_read_only_group(offline_board: Any) -> None:
    sysop = await member(offline_board, "boss", level=Level.SYSOP)
    compose_from_menu(offline_board, ["local.sysop"])
    c = await start_compose(offline_board, sysop)
    await c.wait_for(r"^Subject:$")
    await c.line("Board rules")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("Be nice.")
    await c.line("/s")
    await c.wait_for(r"Article posted \(local\.sysop #1\)\.")
    await c.hangup()


async def test_moderated_group_holds_the_post(offline_board: Any) -> None:
    await offline_board.services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, ["local.mod"])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("Please approve")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"local\.mod is moderated: your post will wait for a moderator's approval\.")
    # and the line editor says it again in its intro, right where the writing starts
    screen = await c.wait_for(r"^ ?1:\s*$")
    rows = screen.split("\n")
    intro = next(i for i, row in enumerate(rows) if row.startswith("Enter your message."))
    assert rows[intro + 1] == "Moderated (local.mod): this post waits for a moderator's approval."
    await c.line("Held text")
    await c.line("/s")
    await c.wait_for(r"Your article is waiting for a moderator's approval\.")
    page = await offline_board.services.articles.thread_page(ada, "local.mod")
    assert page.threads == ()
    await c.hangup()


async def test_moderated_notice_stays_in_the_full_screen_editor_header(offline_board: Any) -> None:
    await offline_board.services.groups.create("local.mod", "x", Policy.MODERATED)
    ada = await member(offline_board, "ada", editor="fse")
    compose_from_menu(offline_board, ["local.mod"])
    c = await start_compose(offline_board, ada, cols=40)
    await c.wait_for(r"^Subject:$")
    await c.line("A subject long enough to be cut short")
    await c.wait_for(r"Also post to")
    await c.line("")
    screen = await c.wait_for(r"\^Z Save")
    assert screen.split("\n")[0].rstrip().endswith("Moderated: waits for approval")
    await c.type("Held text")
    screen = await c.wait_for(r"Held text")
    assert "Moderated: waits for approval" in screen.split("\n")[0]  # still there while typing
    await c.type(CTRL_Z)
    await c.wait_for(r"Your article is waiting for a\s+moderator's approval\.")  # 40 columns
    await c.hangup()


async def test_a_moderator_gets_no_moderated_notice(offline_board: Any) -> None:
    await offline_board.services.groups.create("local.mod", "x", Policy.MODERATED)
    mod = await member(offline_board, "mod", level=Level.MODERATOR)
    compose_from_menu(offline_board, ["local.mod"])
    c = await start_compose(offline_board, mod)
    await c.wait_for(r"^Subject:$")
    await c.line("Rules")
    await c.wait_for(r"Also post to")
    await c.line("")
    screen = await c.wait_for(r"^ ?1:\s*$")
    assert "moderated" not in screen.lower()
    await c.hangup()


# ---- follow-ups --------------------------------------------------------------------------------


async def test_followup_in_fse_quotes_and_threads(offline_board: Any) -> None:
    parent = await parent_post(offline_board, body="The 1200 is the best Amiga.\n\n> old news")
    ada = await member(offline_board, "ada", editor="fse", real_name="Ada Lovelace")
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject: Re: Amiga rules$")
    await c.wait_for(r"^In reply to: bob \(Bob Builder\)$")
    await c.wait_for(KEEP_GROUPS)  # a prompt, not a pre-filled field: Enter keeps them
    await c.line("")
    screen = await c.wait_for(r"^ Re: Amiga rules +Ctrl-Z save")
    rows = c.text.split("\n")
    assert rows[2].startswith("On ") and rows[2].endswith(", Bob Builder (bob) wrote:")
    assert rows[3:7] == ["> The 1200 is the best Amiga.", ">", ">> old news", ""]
    assert "Ln 6/6 Col 1" in screen  # the cursor waits below the quote and a blank line
    await c.type("I prefer the 4000.")
    await c.type(CTRL_Z)
    await c.wait_for(r"Article posted \(comp\.sys\.retro #2\)\.")

    reply = await only_article(offline_board, ada)
    assert reply.head.subject == "Re: Amiga rules"
    assert reply.head.references == (parent.head.message_id,)
    body = reply.body.split("\n")
    assert body[0] == rows[2]
    assert body[1:] == [
        "> The 1200 is the best Amiga.",
        ">",
        ">> old news",
        "",
        "I prefer the 4000.",
    ]
    await c.hangup()


async def test_followup_to_a_followup_keeps_one_re(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada")
    first = await offline_board.services.articles.post(
        ada, [GROUP], "Re: Amiga rules", "No, the 500.", parent.head.message_id
    )
    carol = await member(offline_board, "carol")
    compose_from_menu(offline_board, [GROUP], parent=first.article)
    c = await start_compose(offline_board, carol)
    await c.wait_for(r"^Subject: Re: Amiga rules$")
    await c.wait_for(KEEP_GROUPS)
    await c.line("")
    # The line editor lists the quote it starts with: line 1 the attribution, then quotes.
    await c.wait_for(r"^ 1: On .*, ada wrote:$")
    await c.wait_for(r"^ 2: > No, the 500\.$")
    await c.wait_for(r"^ 4:$")
    await c.line("Both are fine.")
    await c.line("/q")  # quoting again still works: the quote goes at the end
    await c.wait_for(r"Quote which lines")
    await c.line("")  # Enter: all of them
    await c.wait_for(r"Quoted 2 lines\.")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #3\)\.")
    reply = await only_article(offline_board, carol)
    assert reply.head.subject == "Re: Amiga rules"
    assert reply.head.references == (parent.head.message_id, first.article.head.message_id)
    lines = reply.body.split("\n")
    assert lines[1:4] == ["> No, the 500.", "", "Both are fine."]
    assert lines[4].endswith("ada wrote:") and lines[5] == "> No, the 500."
    await c.hangup()


async def test_followup_with_only_quoted_text_asks_first(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(KEEP_GROUPS)
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("/s")
    await c.wait_for(r"Your follow-up has only quoted text\. Post it anyway\? \(y/N\)")
    await c.type("n")
    await c.wait_for(r"^ 5:$")  # back in the editor, the text still there
    await c.line("Agreed.")
    await c.line("/s")
    await c.wait_for(r"Article posted")
    assert (await only_article(offline_board, ada)).body.endswith("\n\nAgreed.")
    await c.hangup()


async def test_followup_groups_can_be_edited(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada", editor="fse")
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(KEEP_GROUPS)
    await c.line("local.sysop")  # typing replaces the groups
    await c.wait_for(r"local\.sysop is read-only")
    await c.wait_for(r"^Newsgroups \(Enter to keep local\.sysop\):$")
    await c.line("alt.folklore.computers")
    await c.wait_for(r"\^Z Save")
    await c.type("Moved here." + CTRL_Z)
    await c.wait_for(r"Article posted \(alt\.folklore\.computers #1\)\.")
    reply = await only_article(offline_board, ada, "alt.folklore.computers")
    assert reply.head.references == (parent.head.message_id,)
    await c.hangup()


async def test_locked_thread_is_refused_before_writing(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    mod = await member(offline_board, "mod", level=Level.MODERATOR)
    await offline_board.services.moderation.lock(mod, parent.head.thread_id)
    ada = await member(offline_board, "ada")
    locked = await offline_board.services.articles.article_by_message_id(
        ada, parent.head.message_id
    )
    compose_from_menu(offline_board, [GROUP], parent=locked)
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"This thread is locked: no more follow-ups\.")
    await c.hangup()


async def test_post_failure_keeps_the_text_as_a_draft(offline_board: Any) -> None:
    """The thread is locked while ada writes: the post is refused, her text is kept."""
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada")
    mod = await member(offline_board, "mod", level=Level.MODERATOR)
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(KEEP_GROUPS)
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("A long considered reply.")
    await settle(c)
    await offline_board.services.moderation.lock(mod, parent.head.thread_id)
    await c.line("/s")
    await c.wait_for(r"This thread is locked: no more follow-ups\.")
    await c.wait_for(r"Your text is kept as a draft\.")
    await c.wait_for(r"\(E\)dit again, \(S\)ave as draft and leave, \(A\)bandon >$")
    draft = await the_draft(offline_board, ada.id)
    assert draft is not None and draft.body.endswith("A long considered reply.")
    assert draft.parent_message_id == parent.head.message_id
    await c.type("e")  # edit again: the text is all there
    await c.wait_for(r"^ 5: A long considered reply\.$")
    await c.line("/s")
    await c.wait_for(r"\(E\)dit again")
    await c.type("s")
    await c.wait_for(r"Saved\. You will be offered it when you next log in\.")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    assert await the_draft(offline_board, ada.id) is not None
    await c.hangup()


async def test_abandon_after_failure_discards_the_draft(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada", editor="fse")
    mod = await member(offline_board, "mod", level=Level.MODERATOR)
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(KEEP_GROUPS)
    await c.line("")
    await c.wait_for(r"\^Z Save")
    await c.type("Never mind.")
    await settle(c)
    await offline_board.services.moderation.lock(mod, parent.head.thread_id)
    await c.type(CTRL_Z)
    await c.wait_for(r"\(A\)bandon >$")
    assert await the_draft(offline_board, ada.id) is not None
    await c.type("a")
    await c.wait_for(r"Throw this message away\? \(y/N\)")
    await c.type("y")
    await c.wait_for(r"Message abandoned\.")
    assert await the_draft(offline_board, ada.id) is None
    await c.hangup()


# ---- drafts: a dropped line, and the offer at the next login -----------------------------------


async def test_hangup_mid_edit_leaves_a_draft_and_no_article(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("Lost in the ether")
    await c.wait_for(r"Also post to")
    await c.line("misc.test")
    await c.wait_for(r"Enter your message")
    await c.line("line one")
    await c.line("line two")
    await c.type("half a li")
    await settle(c)
    await c.hangup()

    draft = await the_draft(offline_board, ada.id)
    assert draft is not None
    assert draft.subject == "Lost in the ether"
    assert draft.groups == (GROUP, "misc.test")
    assert draft.body == "line one\nline two"  # the line being typed was not finished
    assert draft.parent_message_id is None
    assert (await offline_board.services.articles.thread_page(ada, GROUP)).threads == ()

    # Next login: the draft is offered; resuming and saving posts it and drops the draft.
    c = await log_in(offline_board, "ada")
    screen = await c.wait_for(
        r"You have an unfinished message from \d\d \w{3} \d\d:\d\d UTC: "
        r"'Lost in the ether' —\s+\(R\)esume, \(D\)iscard, \(L\)ater"
    )
    assert "line one" in screen  # a preview
    await c.type("r")
    await c.wait_for(r"^ 2: line two$")
    await c.line("line three")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #1, misc\.test #1\)\.")
    await c.wait_for(r"Welcome, ada!")  # back at the menu, greeted once
    assert await the_draft(offline_board, ada.id) is None
    article = await only_article(offline_board, ada)
    assert article.head.subject == "Lost in the ether"
    assert article.body == "line one\nline two\nline three"
    await c.hangup()


async def test_hangup_in_fse_followup_resumes_as_a_followup(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada", editor="fse")
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(KEEP_GROUPS)
    await c.line("")
    await c.wait_for(r"\^Z Save")
    await c.type("Typed before the modem hung up")
    await settle(c)
    await c.hangup()
    draft = await the_draft(offline_board, ada.id)
    assert draft is not None
    assert draft.subject == "Re: Amiga rules"
    assert draft.parent_message_id == parent.head.message_id
    assert draft.body.endswith("> Fight me.\n\nTyped before the modem hung up")

    c = await log_in(offline_board, "ada")
    screen = await c.wait_for(r"'Re: Amiga rules' —\s+\(R\)esume")
    assert "Typed before the modem hung up" in screen  # the preview shows her own words
    assert "> Fight me." not in screen
    await c.type("r")
    await c.wait_for(r"^Typed before the modem hung up$")
    await c.type(" and then some." + CTRL_Z)
    await c.wait_for(r"Article posted \(comp\.sys\.retro #2\)\.")
    reply = await only_article(offline_board, ada)
    assert reply.head.references == (parent.head.message_id,)
    assert reply.body.endswith("Typed before the modem hung up and then some.")
    assert await the_draft(offline_board, ada.id) is None
    await c.hangup()


async def test_untouched_editor_leaves_no_draft(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP], parent=parent)
    c = await start_compose(offline_board, ada)
    await c.wait_for(KEEP_GROUPS)
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.hangup()
    assert await the_draft(offline_board, ada.id) is None


async def test_draft_later_then_discard(offline_board: Any) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada)
    await c.wait_for(r"^Subject:$")
    await c.line("Maybe later")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"Enter your message")
    await c.line("some words")
    await settle(c)
    await c.hangup()

    c = await log_in(offline_board, "ada")
    await c.wait_for(r"\(L\)ater >$")
    await c.type("l")
    await c.wait_for(r"\[G\] Goodbye")
    assert "Welcome, ada!" in c.text
    await c.type("u")  # another screen and back: the offer is not repeated
    await c.wait_for(r"Setting>")
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    assert "unfinished" not in c.text
    await c.hangup()
    assert await the_draft(offline_board, ada.id) is not None

    c = await log_in(offline_board, "ada")
    await c.wait_for(r"\(L\)ater >$")
    await c.type("d")
    await c.wait_for(r"Discard it for good\? \(y/N\)")
    await c.type("y")
    await c.wait_for(r"\[G\] Goodbye")
    assert await the_draft(offline_board, ada.id) is None
    await c.hangup()


async def test_draft_whose_parent_is_gone_becomes_a_new_thread(offline_board: Any) -> None:
    from retroboard.domain.boards import Draft

    ada = await member(offline_board, "ada")
    await offline_board.services.drafts.save(
        ada.id, Draft((GROUP,), "Re: vanished", "my answer", "<gone.123@example.org>")
    )
    c = FakeCaller(offline_board, user=ada)
    await c.wait_for(r"\(R\)esume")
    await c.type("r")
    await c.wait_for(
        r"The article you were answering is gone: your message will start a new "
        r"thread\."
    )
    await c.type(" ")
    await c.wait_for(r"^ 1: my answer$")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #1\)\.")
    article = await only_article(offline_board, ada)
    assert article.head.references == () and article.head.subject == "Re: vanished"
    await c.hangup()


async def test_draft_offer_fits_narrow_and_wide_screens(offline_board: Any) -> None:
    from retroboard.domain.boards import Draft

    ada = await member(offline_board, "ada")
    body = "\n".join(f"line {i} " + "word " * 12 for i in range(20))
    await offline_board.services.drafts.save(ada.id, Draft((GROUP,), "S" * 100, body))
    c = FakeCaller(offline_board, user=ada, cols=40, rows=24)
    await c.wait_for(r"\(L\)ater >$")
    assert all(len(line) <= 40 for line in c.text.split("\n"))
    await c.resize(132, 43)
    await c.wait_for(r"\(L\)ater >$")
    await settle(c)
    assert "... 20 lines in all" in c.text
    await c.type("l")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()


async def test_compose_at_40_columns(offline_board: Any) -> None:
    parent = await parent_post(offline_board)
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada, cols=40)
    await c.wait_for(r"^Subject:$")
    await c.line("Narrow")
    await c.wait_for(r"Also post to \(Enter: none\):$")
    await c.line("")
    await c.wait_for(r"/S save,? /A abort,? /\? help")  # the short intro at 40 columns
    await c.line("fits")
    await c.line("/s")
    await c.wait_for(r"Article posted")
    assert all(len(line) <= 40 for line in c.text.split("\n"))
    await c.hangup()
    assert parent.head.subject == "Amiga rules"

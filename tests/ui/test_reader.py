"""The article reader and new-scan, driven through a FakeCaller and read off a pyte screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from retroboard.domain.users import Level, User
from retroboard.ui.screens.newscan import SCAN_BINDINGS, NewScanScreen
from retroboard.ui.screens.reader import BINDINGS, ReaderScreen
from retroboard.ui.skin import load_skins
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import (
    HAS_COMPOSER,
    PGUP,
    a_thread,
    at_menu,
    make_user,
    open_groups,
    post,
    unread_in_row,
)


@pytest.fixture
async def people(offline_board: Any) -> dict[str, User]:
    return {
        "ada": await make_user(offline_board, "ada", real_name="Ada Lovelace"),
        "bob": await make_user(offline_board, "bob"),
    }


async def open_group(
    board: Any, user: User, group: str = "comp.sys.retro", cols: int = 80, rows: int = 24
) -> FakeCaller:
    """Log in at the main menu, open the selector, go to `group`'s thread list."""
    c = await open_groups(board, user, cols, rows)
    await c.type("g")
    await c.wait_for("Go to group:")
    await c.line(group)
    await c.wait_for(r"^Enter read")
    return c


async def read_first(board: Any, user: User, **kw: Any) -> FakeCaller:
    """Open comp.sys.retro and read the article under the cursor."""
    c = await open_group(board, user, **kw)
    await c.type("\r")
    await c.wait_for(r"^(From|Path): ")
    return c


async def test_reader_shows_headers_and_body(offline_board: Any, people: dict[str, User]) -> None:
    await post(
        offline_board,
        people["ada"],
        "Amiga 500 memory upgrade",
        "I have 512K.\n> Someone once said\nHow do I get 1MB?",
    )
    c = await read_first(offline_board, people["bob"])
    lines = c.screen.lines
    assert lines[0] == "comp.sys.retro  #1  Lines: 3"  # alone in its thread: no "1 of 1"
    assert lines[1] == "From: ada (Ada Lovelace)"
    assert lines[2] == "Newsgroups: comp.sys.retro"
    assert lines[3] == "Subject: Amiga 500 memory upgrade"
    assert re.fullmatch(
        r"Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d UTC", lines[4]
    )
    assert lines[5] == "─" * 79  # the rule spans the width
    assert "I have 512K." in c.text and "How do I get 1MB?" in c.text
    assert lines[-1].startswith("End of article 1 (of 1) -- what next? [npq]")
    quoted = lines.index("> Someone once said")
    assert c.screen.screen.buffer[quoted][0].fg == "green"  # the "quote" style
    await c.hangup()


async def test_long_article_pages_with_more_prompt(
    offline_board: Any, people: dict[str, User]
) -> None:
    body = "\n".join(f"Line {i:02d}" for i in range(1, 61))
    await post(offline_board, people["ada"], "Long one", body)
    c = await read_first(offline_board, people["bob"])
    assert c.screen.lines[-1].startswith("-- More --(")
    assert "Line 01" in c.text and "Line 17" in c.text and "Line 18" not in c.text
    assert re.search(r"-- More --\((\d+)%\) \[space\]", c.text)
    assert len(c.screen.lines) == 24
    await c.type(" ")
    await c.wait_for("Line 18")
    assert "Line 01" not in c.text and "Long one (continued)" in c.screen.lines[0]
    assert "Line 39" in c.text and "Line 40" not in c.text
    await c.type("b")
    await c.wait_for("Line 01")
    await c.type("  ")
    await c.wait_for("Line 60")
    await c.wait_for(r"End of article 1 \(of 1\) -- what next\? \[npq\]")
    await c.type(PGUP)
    await c.wait_for("-- More --")
    await c.hangup()


async def test_long_lines_wrap_at_the_width(offline_board: Any, people: dict[str, User]) -> None:
    words = " ".join(f"word{i}" for i in range(40))
    await post(offline_board, people["ada"], "Wordy", words)
    c = await read_first(offline_board, people["bob"], cols=40)
    assert all(len(line) < 40 for line in c.screen.lines), c.text
    assert "word0" in c.text and "word39" in c.text
    assert c.screen.lines[-1].startswith("End of article 1 (of 1) [npq]")
    await c.hangup()


async def test_rot13_toggles_with_x_and_d(offline_board: Any, people: dict[str, User]) -> None:
    await post(offline_board, people["ada"], "Spoiler", "Gur ohgyre qvq vg.")
    c = await read_first(offline_board, people["bob"])
    await c.type("X")
    await c.wait_for("The butler did it.")
    await c.type("X")
    await c.wait_for("Gur ohgyre qvq vg.")
    await c.type("d")
    await c.wait_for("The butler did it.")
    assert "Subject: Spoiler" in c.text  # headers are never rotated
    await c.hangup()


async def test_full_headers_show_message_id(offline_board: Any, people: dict[str, User]) -> None:
    result = await post(offline_board, people["ada"], "Headers", "Body.")
    c = await read_first(offline_board, people["bob"])
    assert "Message-ID" not in c.text
    await c.type("h")
    await c.wait_for("Message-ID: " + re.escape(result.article.head.message_id))
    assert re.search(r"^Path: \S+!not-for-mail", c.text, re.M)
    assert "Xref: " in c.text and "comp.sys.retro:1" in c.text
    assert "Organization: retroboard" in c.text
    await c.type("v")
    await c.wait_for(r"^From: ada \(Ada Lovelace\)")
    assert "Message-ID" not in c.text
    await c.hangup()


async def test_mark_unread_brings_the_count_back(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "First")
    await post(offline_board, ada, "Second")
    await offline_board.services.groups.subscribe(bob, "comp.sys.retro")
    c = await open_groups(offline_board, bob)
    assert unread_in_row(c, "comp.sys.retro") == 2
    await c.type("\r")
    await c.wait_for(r"^>\+\s+Second")
    await c.type("\r")
    await c.wait_for("Subject: Second")
    await c.type("q")
    await c.wait_for(r"^> \s+Second")  # read now: no marker
    await c.type("q")
    await c.wait_for("Subscribed groups")
    assert unread_in_row(c, "comp.sys.retro") == 1
    await c.type("\r")
    await c.wait_for(r"^> \s+Second")
    await c.type("\r")
    await c.wait_for("Subject: Second")
    await c.type("u")
    await c.wait_for("Article 2 marked unread.")
    await c.type("q")
    await c.wait_for(r"^>\+\s+Second")
    await c.type("q")
    await c.wait_for("Subscribed groups")
    assert unread_in_row(c, "comp.sys.retro") == 2
    await c.hangup()


async def test_space_at_the_end_reads_the_next_unread(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    for subject in ("One", "Two", "Three", "Four"):
        await post(offline_board, ada, subject)
    await offline_board.services.articles.mark(bob, "comp.sys.retro", 3, read=True)
    c = await open_group(offline_board, bob)
    await c.type("\x1b[F")  # End: the oldest thread, "One"
    await c.wait_for(r"^>\+\s+One")
    await c.type("\r")
    await c.wait_for("Subject: One")
    await c.type(" ")
    await c.wait_for("Subject: Two")
    await c.type(" ")
    await c.wait_for("Subject: Four")  # Three was read already
    await c.type(" ")
    await c.wait_for("No more unread articles in comp.sys.retro.")
    assert re.search(r"^> \s+Four", c.text, re.M)  # the list, on the last article read
    await c.hangup()


async def test_thread_moves_n_N_parent_and_first_reply(
    offline_board: Any, people: dict[str, User]
) -> None:
    await a_thread(offline_board, people["ada"], people["bob"])
    c = await open_group(offline_board, people["bob"])
    await c.type("\r")
    await c.wait_for(r"From: ada.*\n.*\nSubject: Amiga 500 memory upgrade")
    await c.type("n")  # root -> r1 (bob) -> r11 (ada) -> r2 (bob), tree order
    await c.wait_for("Buy a trapdoor card.")
    await c.type("n")
    await c.wait_for("Thanks, ordered one.")
    await c.type("n")
    await c.wait_for("Or find a 501.")
    await c.type("n")
    await c.wait_for("This is the last article in the thread.")
    await c.type("N")
    await c.wait_for("Thanks, ordered one.")
    await c.type("<")
    await c.wait_for("Buy a trapdoor card.")
    await c.type("<")
    await c.wait_for("I have 512K.")
    await c.type("<")
    await c.wait_for("This article starts the thread")
    await c.type(">")
    await c.wait_for("Buy a trapdoor card.")
    await c.type(">")
    await c.wait_for("Thanks, ordered one.")
    await c.type(">")
    await c.wait_for("Nobody has replied to this article yet.")
    await c.hangup()


async def test_help_lists_the_reader_keys(offline_board: Any, people: dict[str, User]) -> None:
    await post(offline_board, people["ada"], "Help me")
    c = await read_first(offline_board, people["bob"])
    await c.type("?")
    await c.wait_for("Reading articles: keys")
    assert "rot13" in c.text and "full headers" in c.text and "parent article" in c.text
    assert "delete this article" not in c.text  # not bob's article, bob is no moderator
    await c.type(" ")
    await c.wait_for("Subject: Help me")
    await c.hangup()


async def test_help_is_made_from_the_binding_table(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Help me")
    c = await read_first(offline_board, people["ada"])  # her own article: she may delete it
    await c.type("?")
    await c.wait_for("Reading articles: keys")
    shown = [b for b in BINDINGS if not b.hidden and b.action != "lock"]
    text = load_skins()["default"].text
    for b in shown:
        keys, what = b.help_row.resolve(text)
        assert re.search(re.escape(keys) + r"\s+" + re.escape(what), c.text), b
    assert "lock / unlock" not in c.text  # ada is no moderator
    await c.hangup()


def test_every_reader_and_newscan_binding_has_its_action() -> None:
    for screen, table in ((ReaderScreen, BINDINGS), (NewScanScreen, SCAN_BINDINGS)):
        missing = [b.action for b in table if not callable(getattr(screen, "on_" + b.action, None))]
        assert not missing, (screen.__name__, missing)


async def test_unknown_key_rings_and_says_so_on_the_status_row(
    offline_board: Any, people: dict[str, User]
) -> None:
    body = "\n".join(f"Line {i:02d}" for i in range(1, 61))
    await post(offline_board, people["ada"], "Keys", body)
    c = await read_first(offline_board, people["bob"])
    start = len(c.term.output)
    await c.type("Z")
    await c.wait_for(r"Unknown command, \? for help")
    assert c.screen.lines[-1].startswith("Unknown command, ? for help  -- More --(")
    assert b"\a" in bytes(c.term.output[start:])
    assert "Line 01" in c.text  # the page stays as it was
    await c.type(" ")
    await c.wait_for("Line 19")
    assert "Unknown command" not in c.screen.lines[-1]  # the next key clears the message
    await c.hangup()


async def test_moderator_deletes_and_locks(offline_board: Any, people: dict[str, User]) -> None:
    sysop = await make_user(offline_board, "sysop1", Level.SYSOP)
    await post(offline_board, people["ada"], "Rude post", "Something rude.")
    c = await read_first(offline_board, sysop)
    await c.type("?")
    await c.wait_for("delete this article")
    assert "lock / unlock" in c.text
    await c.type(" ")
    await c.wait_for("Something rude.")
    await c.type("D")
    await c.wait_for(r"Delete article 1\? \(y/N\)")
    await c.type("y")
    await c.wait_for(r"\[This article was deleted by moderator sysop1\.\]")
    assert "Article deleted." in c.text
    await c.type("L")
    await c.wait_for("Thread locked: no more follow-ups.")
    await c.wait_for(r"Subject: Rude post  \[locked\]")
    await c.type("q")
    await c.wait_for(r"\[locked\] \[deleted\] Rude post")  # a moderator still sees what it was
    assert re.search(r"^>D", c.text, re.M)
    await c.type("\r")
    await c.wait_for("Subject: Rude post")
    await c.type("L")
    await c.wait_for("Thread unlocked.")
    await c.hangup()


async def test_users_delete_only_their_own(offline_board: Any, people: dict[str, User]) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Ada's post", "Mine.")
    await post(offline_board, bob, "Bob's post", "Oops, wrong group.")
    c = await open_group(offline_board, bob)
    await c.wait_for(r"^>\s+Bob's post")
    await c.type("\r")
    await c.wait_for("Oops, wrong group.")
    await c.type("D")
    await c.wait_for(r"\(y/N\)")
    await c.type("y")
    await c.wait_for(r"\[This article was deleted by its author\.\]")
    await c.type("L")
    await c.wait_for("Only moderators and the sysop may lock threads.")
    await c.type("q")
    await c.wait_for(r"^>D")
    await c.type("j\r")
    await c.wait_for("Subject: Ada's post")
    await c.type("D")
    await c.wait_for("You may only delete your own articles.")
    await c.hangup()


async def test_hostile_body_never_reaches_the_terminal(
    offline_board: Any, people: dict[str, User]
) -> None:
    result = await post(
        offline_board,
        people["ada"],
        "[bold]x[/bold]",
        "before \x1b[2J middle \x1b]0;owned\x07 after\n[red]not markup[/red]",
    )
    stored = await offline_board.services.articles.read_article(
        people["ada"], "comp.sys.retro", result.article.head.number, mark_read=False
    )
    assert "\x1b" not in stored.body and "\x07" not in stored.body
    c = await open_group(offline_board, people["bob"])
    await c.wait_for(re.escape("[bold]x[/bold]"))
    start = len(c.term.output)
    await c.type("\r")
    await c.wait_for(re.escape("Subject: [bold]x[/bold]"))
    await c.wait_for(r"before\s+middle\s+after")
    assert "[red]not markup[/red]" in c.text
    out = bytes(c.term.output[start:])
    assert b"\x1b]0;" not in out and b"\x07" not in out
    assert out.count(b"\x1b[2J") == 1  # the reader's own clear, nothing from the body
    await c.hangup()


async def test_crossposted_article_is_read_in_both_groups(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Everywhere", groups=("comp.sys.retro", "misc.test"))
    for g in ("comp.sys.retro", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await open_groups(offline_board, bob)
    assert unread_in_row(c, "misc.test") == 1
    await c.type("\r")
    await c.wait_for(r"^>\+\s+Everywhere")
    await c.type("\r")
    await c.wait_for("Newsgroups: comp.sys.retro,misc.test")
    await c.type("q")
    await c.wait_for(r"^> \s+Everywhere")
    await c.type("q")
    await c.wait_for("Subscribed groups")
    assert unread_in_row(c, "comp.sys.retro") == 0 and unread_in_row(c, "misc.test") == 0
    await c.hangup()


async def test_reader_redraws_on_resize(offline_board: Any, people: dict[str, User]) -> None:
    body = "\n".join(f"Line {i:02d}" for i in range(1, 61))
    await post(offline_board, people["ada"], "Resize me", body)
    c = await read_first(offline_board, people["bob"])
    await c.resize(132, 43)
    await c.wait_for("Line 36")  # 43 rows: 6 header lines + 36 body lines + the prompt
    assert "Line 37" not in c.text
    assert c.screen.lines[42].startswith("-- More --(")
    await c.hangup()


@pytest.mark.skipif(not HAS_COMPOSER, reason="ui/screens/compose.py is not there yet")
async def test_F_opens_a_follow_up_quoting_the_article(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Question", "What is a BBS?")
    c = await read_first(offline_board, people["bob"])
    await c.type("F")
    await c.wait_for("Follow-up")
    await c.wait_for(r"Newsgroups.*comp\.sys\.retro")
    await c.line("")  # keep the groups offered
    await c.wait_for(r"^ ?\d+:\s*$")  # the line editor, quoting the original
    assert "> What is a BBS?" in c.text
    await c.line("A bulletin board system.")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #2\)\.")
    await c.wait_for("Subject: Question")  # back on the article we followed up
    await c.type(">")
    await c.wait_for("Subject: Re: Question")
    await c.wait_for("> What is a BBS?")
    await c.hangup()


@pytest.mark.skipif(not HAS_COMPOSER, reason="ui/screens/compose.py is not there yet")
async def test_f_opens_a_follow_up_without_quoting(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Question", "What is a BBS?")
    c = await read_first(offline_board, people["bob"])
    await c.type("f")
    await c.wait_for("Follow-up")
    await c.wait_for(r"Newsgroups.*comp\.sys\.retro")
    await c.line("")
    await c.wait_for(r"^ ?1:\s*$")  # the editor starts on an empty first line
    assert "What is a BBS?" not in c.text
    await c.line("A bulletin board system.")
    await c.line("/s")
    await c.wait_for(r"Article posted \(comp\.sys\.retro #2\)\.")
    await c.type(">")
    await c.wait_for("Subject: Re: Question")
    await c.wait_for("A bulletin board system.")
    assert "What is a BBS?" not in c.text
    await c.hangup()


async def test_first_page_says_where_the_article_is_in_its_thread(
    offline_board: Any, people: dict[str, User]
) -> None:
    await a_thread(offline_board, people["ada"], people["bob"])
    c = await open_group(offline_board, people["bob"])
    await c.type("\r")
    await c.wait_for(r"^comp\.sys\.retro  #1  Lines: 1  1 of 4 in thread$")
    await c.type("n")
    await c.wait_for(r"^comp\.sys\.retro  #2  Lines: 1  2 of 4 in thread$")
    await c.resize(40, 24)  # too narrow for one row: the place in the thread gets its own
    await c.wait_for(r"^comp\.sys\.retro  #2  Lines: 1\n2 of 4 in thread\nFrom: bob")
    rule = next(line for line in c.screen.lines if line.startswith("─"))
    assert rule == "─" * 39  # the rule fits 40 columns
    await c.hangup()


async def test_C_cancels_only_your_own_article_after_asking(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Ada's post", "Mine.")
    await post(offline_board, bob, "Bob's post", "Oops, wrong group.")
    c = await open_group(offline_board, bob)
    await c.wait_for(r"^>\s+Bob's post")
    await c.type("\r")
    await c.wait_for("Oops, wrong group.")
    await c.type("?")
    await c.wait_for("cancel \\(withdraw\\) your own article")
    assert "without quoting" in c.text and "quoting the article" in c.text
    await c.type(" ")
    await c.wait_for("Subject: Bob's post")
    await c.type("C")
    await c.wait_for(r"Cancel your article \d\? \(y/N\)")
    await c.type("n")
    await c.wait_for("Not cancelled.")
    assert "Oops, wrong group." in c.text
    await c.type("C")
    await c.wait_for(r"\(y/N\)")
    await c.type("y")
    await c.wait_for("Article cancelled.")
    await c.wait_for(r"\[This article was deleted by its author\.\]")
    await c.type("q")
    await c.wait_for(r"^>D")
    await c.type("j\r")
    await c.wait_for("Subject: Ada's post")
    await c.type("?")
    await c.wait_for("Reading articles: keys")
    assert "cancel (withdraw)" not in c.text  # not bob's: not in his help
    await c.type(" ")
    await c.wait_for("Subject: Ada's post")
    await c.type("C")
    await c.wait_for("You may only cancel your own articles.")
    await c.hangup()


# ------------------------------------------------------------------------------ new-scan


async def test_newscan_reads_every_group_then_says_all_caught_up(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    root = await post(offline_board, ada, "Retro root", "root body")
    await post(offline_board, ada, "Unrelated", "other body")
    await post(offline_board, ada, "Re: Retro root", "reply body", parent=root)
    await post(offline_board, ada, "Test post", "test body", groups=("misc.test",))
    await post(offline_board, ada, "Not subscribed", groups=("rec.games.bbs",))
    for g in ("comp.sys.retro", "local.general", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await at_menu(offline_board, bob)
    await c.type("n")
    await c.wait_for(r"Scanning comp\.sys\.retro \(3 new\) \[R\]ead \[S\]kip \[L\]ist \[Q\]uit")
    await c.type("r")
    await c.wait_for("root body")  # thread order: the root, its reply, then the next thread
    assert "Subject: Retro root" in c.text
    await c.type(" ")
    await c.wait_for("reply body")
    await c.type(" ")
    await c.wait_for("other body")
    await c.type(" ")
    await c.wait_for(r"Scanning misc\.test \(1 new\) \[R\]ead \[S\]kip \[L\]ist \[Q\]uit")
    assert "End of comp.sys.retro." in c.text
    await c.type("R")  # either case, as the header shows it
    await c.wait_for("test body")
    await c.type(" ")
    await c.wait_for("You're all caught up.")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    statuses = await offline_board.services.groups.selector(bob, subscribed_only=True)
    assert [s.unread for s in statuses] == [0, 0, 0]
    unsubscribed = await offline_board.services.groups.status(bob, "rec.games.bbs")
    assert unsubscribed.unread == 1
    await c.hangup()


async def test_newscan_skip_goes_to_the_next_group(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Retro", "retro body")
    await post(offline_board, ada, "Lore", "lore body", groups=("alt.folklore.computers",))
    await post(offline_board, ada, "Test", "test body", groups=("misc.test",))
    for g in ("comp.sys.retro", "alt.folklore.computers", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await at_menu(offline_board, bob)
    await c.type("n")
    await c.wait_for(r"Scanning alt\.folklore\.computers \(1 new\)")
    await c.type("s")
    await c.wait_for(r"Scanning comp\.sys\.retro \(1 new\)")
    assert "End of" not in c.text  # skipped, not read
    await c.type("S")
    await c.wait_for(r"Scanning misc\.test \(1 new\)")  # the scan goes on
    await c.type("r")
    await c.wait_for("test body")
    await c.type(" ")
    await c.wait_for(r"New-scan finished; 2 articles are still unread")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    for g, unread in (("alt.folklore.computers", 1), ("comp.sys.retro", 1), ("misc.test", 0)):
        assert (await offline_board.services.groups.status(bob, g)).unread == unread
    await c.hangup()


async def test_newscan_list_shows_the_threads_and_back_returns_to_the_scan(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Retro thread", "retro body")
    await post(offline_board, ada, "Test", "test body", groups=("misc.test",))
    for g in ("comp.sys.retro", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await at_menu(offline_board, bob)
    await c.type("n")
    await c.wait_for(r"Scanning comp\.sys\.retro \(1 new\)")
    await c.type("l")
    await c.wait_for("Retro thread")  # the group's thread list
    assert "Scanning" not in c.text
    await c.type("q")
    await c.wait_for(r"Scanning comp\.sys\.retro \(1 new\)")  # nothing read: offered again
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    status = await offline_board.services.groups.status(bob, "misc.test")
    assert status.unread == 1
    await c.hangup()


async def test_newscan_q_stops_between_groups(offline_board: Any, people: dict[str, User]) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Retro", "retro body")
    await post(offline_board, ada, "Test", "test body", groups=("misc.test",))
    for g in ("comp.sys.retro", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await at_menu(offline_board, bob)
    await c.type("n")
    await c.wait_for(r"Scanning comp\.sys\.retro")
    await c.type("r")
    await c.wait_for("retro body")
    await c.type("q")  # leave the group early
    await c.wait_for(r"End of comp\.sys\.retro\.\s+Scanning misc\.test \(1 new\)")
    await c.type("Q")
    await c.wait_for(r"\[G\] Goodbye")
    status = await offline_board.services.groups.status(bob, "misc.test")
    assert status.unread == 1
    await c.hangup()


async def test_newscan_unknown_key_says_so_and_help_lists_its_keys(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Retro", "retro body")
    await post(offline_board, ada, "Test", "test body", groups=("misc.test",))
    for g in ("comp.sys.retro", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await at_menu(offline_board, bob)
    await c.type("n")
    await c.wait_for(r"Scanning comp\.sys\.retro")
    await c.type("r")
    await c.wait_for("retro body")
    await c.type("q")
    await c.wait_for(r"Scanning misc\.test \(1 new\)")
    await c.type("Z")
    await c.wait_for(r"Unknown command, \? for help")
    assert "Scanning misc.test (1 new)" in c.text  # the offer still stands
    await c.type("?")
    await c.wait_for("New-scan: keys")
    assert re.search(r"R Space Enter\s+read this group's new articles", c.text)
    assert re.search(r"S  n\s+skip this group \(it stays unread\)", c.text)
    assert re.search(r"L\s+list this group's threads", c.text)
    assert "? in the reader lists all its keys." in c.text
    await c.type(" ")
    await c.wait_for(r"Scanning misc\.test")
    assert "Unknown command" not in c.text
    await c.type(" ")
    await c.wait_for("test body")
    await c.hangup()


async def test_newscan_with_nothing_new_says_so(
    offline_board: Any, people: dict[str, User]
) -> None:
    await offline_board.services.groups.subscribe(people["bob"], "comp.sys.retro")
    c = await at_menu(offline_board, people["bob"])
    await c.type("n")
    await c.wait_for("Nothing new in your subscribed groups. You're all caught up.")
    await c.type(" ")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()

"""The group selector and the thread list, driven through a FakeCaller and read off a pyte screen."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from typing import Any

import pytest

from retroboard.domain.users import Level, User
from retroboard.ui.bindings import Bindings
from retroboard.ui.screens.groups import GroupSelectorScreen
from retroboard.ui.screens.threads import MODERATOR_ACTIONS, ThreadListScreen
from retroboard.ui.skin import load_skins
from tests.helpers.fakeui import FakeCaller

UP, DOWN, LEFT, PGUP, PGDN = "\x1b[A", "\x1b[B", "\x1b[D", "\x1b[5~", "\x1b[6~"
HAS_COMPOSER = importlib.util.find_spec("retroboard.ui.screens.compose") is not None


END = "\x1b[F"


async def make_user(
    board: Any, handle: str, level: Level = Level.USER, real_name: str = ""
) -> User:
    return await board.services.users.register(
        handle, f"{handle}-Password-1", real_name=real_name, level=level
    )


async def post(
    board: Any,
    user: User,
    subject: str,
    body: str = "Some text.",
    groups: tuple[str, ...] = ("comp.sys.retro",),
    parent: Any = None,
) -> Any:
    result = await board.services.articles.post(
        user,
        list(groups),
        subject,
        body,
        parent_message_id=parent.article.head.message_id if parent is not None else None,
    )
    return result


async def at_menu(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, cols=cols, rows=rows, user=user)
    await c.wait_for(r"\[G\] Goodbye")
    return c


async def open_groups(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = await at_menu(board, user, cols, rows)
    await c.type("m")
    await c.wait_for(r"Subscribed groups|All groups")
    return c


def row_of(c: FakeCaller, needle: str) -> str:
    rows = [line for line in c.screen.lines if needle in line]
    assert rows, f"{needle!r} is not on the screen:\n{c.text}"
    return rows[0]


def unread_in_row(c: FakeCaller, group: str) -> int:
    match = re.match(r"^[> ][u ]\s*(\d+)\s+" + re.escape(group) + r"\b", row_of(c, group))
    assert match, row_of(c, group)
    return int(match.group(1))


def help_panel_rows(c: FakeCaller) -> list[str]:
    """The rows of the `?` help panel on the screen, borders stripped."""
    lines = c.screen.lines
    top = next(i for i, line in enumerate(lines) if ": keys" in line)
    rows = []
    for line in lines[top + 1 :]:
        if line.startswith(("└", "+")):
            break
        rows.append(line.strip().strip("│|").strip())
    return rows


async def assert_help_is_the_table(
    c: FakeCaller,
    bindings: Bindings,
    title: str,
    after: tuple[str, ...] = (),
    allowed: set[str] | None = None,
) -> None:
    """`?` shows a panel whose rows are exactly the screen's bindings (the `allowed` ones),
    in their order, then the notes `after` them."""
    await c.type("?")
    await c.wait_for(re.escape(title) + ": keys")
    text = load_skins()["default"].text
    expected = [row.resolve(text) for row in bindings.help_rows(allowed)]
    shown = help_panel_rows(c)
    assert shown[len(expected) :] == list(after), c.text
    shown = shown[: len(expected)]
    assert len(shown) == len(expected), c.text
    for (keys, what), row in zip(expected, shown, strict=True):
        assert re.fullmatch(re.escape(keys) + r"\s{2,}" + re.escape(what), row), (row, keys, what)
    assert "this help" in shown[-2] and "draw the screen again" in shown[-1]


async def assert_unknown_key_is_told(c: FakeCaller, key: str = "Z") -> None:
    """A key no binding names: a bell, and the status row says so (drawn after the key)."""
    await c.type(key)
    await c.wait_for(r"Unknown command, \? for help")
    last_row = c.text_after(c.last_input).split("\n")[c.screen.screen.lines - 1]
    assert last_row.startswith("Unknown command, ? for help"), c.text
    assert b"\a" in bytes(c.term.output)[c.last_input.offset :]


@pytest.fixture
async def people(offline_board: Any) -> dict[str, User]:
    return {
        "ada": await make_user(offline_board, "ada", real_name="Ada Lovelace"),
        "bob": await make_user(offline_board, "bob"),
    }


async def a_thread(board: Any, ada: User, bob: User) -> dict[str, Any]:
    """A root by ada, two replies by bob (one with a reply by ada under it)."""
    root = await post(board, ada, "Amiga 500 memory upgrade", "I have 512K. How to get 1MB?")
    r1 = await post(board, bob, "Re: Amiga 500 memory upgrade", "Buy a trapdoor card.", parent=root)
    r11 = await post(board, ada, "Re: Amiga 500 memory upgrade", "Thanks, ordered one.", parent=r1)
    r2 = await post(board, bob, "Re: Amiga 500 memory upgrade", "Or find a 501.", parent=root)
    return {"root": root, "r1": r1, "r11": r11, "r2": r2}


# ------------------------------------------------------------------------------ selector


async def test_main_menu_lists_groups_and_newscan_first(
    offline_board: Any, people: dict[str, User]
) -> None:
    c = await at_menu(offline_board, people["bob"])
    assert "[M] Message groups" in c.text
    assert "[N] New-scan (read everything new)" in c.text
    await c.hangup()


async def test_selector_shows_subscribed_groups_with_exact_unread_counts(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    for i in range(3):
        await post(offline_board, ada, f"Retro {i}")
    await post(offline_board, ada, "Testing", groups=("misc.test",))
    await post(offline_board, bob, "My own post is read", groups=("misc.test",))
    for g in ("comp.sys.retro", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await open_groups(offline_board, bob)
    await c.wait_for("Subscribed groups \\(2\\)")
    assert unread_in_row(c, "comp.sys.retro") == 3
    assert unread_in_row(c, "misc.test") == 1
    assert "Vintage computers" in row_of(c, "comp.sys.retro")  # the description
    assert "rec.games.bbs" not in c.text  # not subscribed
    assert c.screen.lines[0].startswith(" Subscribed groups")
    assert row_of(c, "comp.sys.retro").startswith(">")  # the cursor
    assert c.screen.screen.buffer[1][5].reverse  # drawn in reverse video
    await c.hangup()


async def test_no_subscriptions_starts_browsing_and_walks_the_hierarchy(
    offline_board: Any, people: dict[str, User]
) -> None:
    groups = offline_board.services.groups
    await groups.create("comp.sys.amiga", "Commodore Amiga")
    await groups.create("comp.lang.c", "The C language")
    c = await open_groups(offline_board, people["bob"])
    await c.wait_for("All groups")
    assert "No subscriptions yet" in c.text
    assert re.search(r"comp\.\*\s+\(3 groups\)", c.text)
    for top in ("alt.*", "local.*", "misc.*", "rec.*"):
        assert top in c.text
    assert "comp.sys.retro" not in c.text  # one level at a time
    await c.type(DOWN)  # alt, comp, local, misc, rec
    await c.wait_for(r"^>\s+\d+\s+comp\.\*")
    await c.type("\r")
    await c.wait_for(r"All groups: comp\.\*")
    assert re.search(r"comp\.sys\.\*\s+\(2 groups\)", c.text)
    assert re.search(r"comp\.lang\.\*\s+\(1 group\)", c.text)
    await c.type("j\r")
    await c.wait_for(r"All groups: comp\.sys\.\*")
    assert "comp.sys.amiga" in c.text and "Commodore Amiga" in c.text
    assert "comp.sys.retro" in c.text
    await c.type(LEFT)
    await c.wait_for(r"All groups: comp\.\*")
    assert row_of(c, "comp.sys.*").startswith(">")  # back on the folder we came from
    await c.type("q")
    await c.wait_for(r"All groups\s+\d+ groups")
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()


async def test_subscribe_and_unsubscribe(offline_board: Any, people: dict[str, User]) -> None:
    bob = people["bob"]
    c = await open_groups(offline_board, bob)
    await c.type("g")
    await c.wait_for("Go to group:")
    await c.line("comp.sys.retro")
    await c.wait_for("No articles in comp.sys.retro yet")
    await c.type("q")
    await c.wait_for(r"All groups: comp\.sys\.\*")
    assert row_of(c, "comp.sys.retro").startswith(">u")  # not subscribed yet
    await c.type("s")
    await c.wait_for("Subscribed to comp.sys.retro.")
    assert row_of(c, "comp.sys.retro").startswith("> ")
    await c.type("y")
    await c.wait_for(r"Subscribed groups \(1\)")
    assert "comp.sys.retro" in c.text
    await c.type("u")
    await c.wait_for("Unsubscribed from comp.sys.retro.")
    await c.wait_for(r"Subscribed groups \(0\)")
    assert "not subscribed to any group" in c.text
    mine = await offline_board.services.groups.selector(bob, subscribed_only=True)
    assert mine == []
    await c.hangup()


async def test_catch_up_zeroes_unread_after_confirming(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    for i in range(4):
        await post(offline_board, ada, f"Post {i}")
    await offline_board.services.groups.subscribe(bob, "comp.sys.retro")
    c = await open_groups(offline_board, bob)
    assert unread_in_row(c, "comp.sys.retro") == 4
    await c.type("c")
    await c.wait_for(r"Mark every article in comp\.sys\.retro read\? \(y/N\)")
    await c.type("n")
    await c.wait_for("Nothing was marked.")
    assert unread_in_row(c, "comp.sys.retro") == 4
    await c.type("c")
    await c.wait_for(r"\(y/N\)")
    await c.type("y")
    await c.wait_for("Caught up with comp.sys.retro.")
    assert unread_in_row(c, "comp.sys.retro") == 0
    status = await offline_board.services.groups.status(bob, "comp.sys.retro")
    assert status.unread == 0
    await c.hangup()


async def test_go_to_unknown_group_says_so(offline_board: Any, people: dict[str, User]) -> None:
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.wait_for("Go to group:")
    await c.line("no.such.group")
    await c.wait_for("There is no group called 'no.such.group'.")
    await c.type("g")
    await c.wait_for("Go to group:")
    await c.line("misc.test")
    await c.wait_for("No articles in misc.test yet. Press P to post the first one.")
    await c.hangup()


async def test_tab_and_n_jump_to_the_next_group_with_unread(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Hello", groups=("misc.test",))
    for g in ("alt.folklore.computers", "comp.sys.retro", "misc.test"):
        await offline_board.services.groups.subscribe(bob, g)
    c = await open_groups(offline_board, bob)
    assert row_of(c, "alt.folklore.computers").startswith(">")
    await c.type("\t")
    await c.wait_for(r"^>\s+1\s+misc\.test")
    await c.type("n")  # wraps round to itself: the only group with unread
    await c.wait_for(r"^>\s+1\s+misc\.test")
    await c.hangup()


async def test_selector_redraws_on_resize_and_fits_40_columns(
    offline_board: Any, people: dict[str, User]
) -> None:
    await offline_board.services.groups.subscribe(people["bob"], "comp.sys.retro")
    c = await open_groups(offline_board, people["bob"])
    await c.resize(40, 20)
    await c.wait_for(r"^Enter open  s/u sub  \? help  q quit$")
    lines = c.screen.lines
    assert all(len(line) < 40 for line in lines)  # one column kept free: no auto-wrap
    assert lines[0].startswith(" Subscribed groups")
    assert "comp.sys.retro" in lines[1]
    await c.hangup()


# ------------------------------------------------------------------------------ thread list


async def test_thread_list_draws_the_tree_with_unread_markers(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, ada, bob)
    await post(offline_board, bob, "Another thread")
    c = await open_groups(offline_board, ada)
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for("Amiga 500 memory upgrade")
    lines = c.screen.lines
    assert "comp.sys.retro" in lines[0] and "3 unread of 5" in lines[0]
    assert "Another thread" in lines[1] and lines[1][1] == "+"  # newest thread first, unread
    root, r1, r11, r2 = lines[2:6]
    assert re.match(r"^  \s*\[3\] Amiga 500 memory upgrade\s+ada\s+\d\d \w{3}$", root)
    # a reply's subject is shown only when it differs from its parent's (tin, trn)
    assert r1[1] == "+" and re.search(r"├─\s+bob", r1)  # bob's, unread for ada
    assert r11[1] == " " and re.search(r"│ └─\s+ada", r11)  # ada's own: read
    assert r2[1] == "+" and re.search(r"^ \+\s+└─\s+bob", r2)
    assert "Amiga" not in r1 + r11 + r2
    assert lines[-2].startswith("Enter read")
    await c.hangup()


async def test_thread_list_pages_by_keyset_and_keeps_earlier_pages(
    offline_board: Any, people: dict[str, User]
) -> None:
    for i in range(1, 46):
        await post(offline_board, people["ada"], f"Thread {i:02d}")
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for("Thread 45")
    assert "Thread 25" in c.text and "Thread 24" not in c.text  # 21 rows per page
    await c.type(PGDN)
    await c.wait_for("Thread 24")
    assert "Thread 45" not in c.text and "Thread 04" in c.text
    await c.type(PGDN)
    await c.wait_for("Thread 03")
    assert "Thread 01" in c.text and "43/45" in c.text
    await c.type(PGUP)
    await c.wait_for("Thread 24")
    await c.type(PGUP)
    await c.wait_for("Thread 45")
    await c.type("k")  # already at the top: stays
    await c.wait_for(r"^>\+\s+Thread 45")
    await c.hangup()


async def test_n_moves_to_the_next_unread_article(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await post(offline_board, ada, "Old unread one")
    await post(offline_board, bob, "Bob wrote this")  # read for bob
    await post(offline_board, bob, "Bob again")
    c = await open_groups(offline_board, bob)
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for(r"^>\s+Bob again")
    await c.type("n")
    await c.wait_for(r"^>\+\s+Old unread one")
    await c.type("\t")  # Tab reads it
    await c.wait_for("Subject: Old unread one")
    await c.type("q")
    await c.wait_for(r"^> \s+Old unread one")  # now read: no marker
    await c.type("n")
    await c.wait_for("No unread articles in comp.sys.retro.")
    await c.hangup()


async def test_locked_threads_and_deleted_articles_are_marked(
    offline_board: Any, people: dict[str, User]
) -> None:
    sysop = await make_user(offline_board, "sysop1", Level.SYSOP)
    parts = await a_thread(offline_board, people["ada"], people["bob"])
    mod = offline_board.services.moderation
    await mod.lock(sysop, parts["root"].article.head.thread_id, True)
    await mod.delete(sysop, parts["r2"].article.head.id)
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for(r"\[locked\] Amiga 500")
    deleted = [line for line in c.screen.lines if re.search(r"^\s\S\s+└─ \[deleted\]", line)]
    assert len(deleted) == 1 and deleted[0].startswith(" D"), c.text  # its subject hidden too
    assert "Amiga" not in deleted[0]
    await c.hangup()


async def test_empty_group_invites_the_first_post(
    offline_board: Any, people: dict[str, User]
) -> None:
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.line("misc.test")
    await c.wait_for("No articles in misc.test yet. Press P to post the first one.")
    await c.type("?")
    await c.wait_for("Thread list of misc.test: keys")
    assert "catch up" in c.text
    await c.type(" ")
    await c.wait_for("No articles in misc.test yet")
    await c.type("c")
    await c.wait_for(r"\(y/N\)")
    await c.type("y")
    await c.wait_for("Caught up: misc.test has no unread articles.")
    await c.type("q")
    await c.wait_for("All groups")
    await c.hangup()


async def test_thread_list_at_40_columns_and_at_132x43(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, ada, bob)
    long = "A very long subject line that keeps going well past any narrow screen"
    await post(offline_board, ada, long)
    c = await open_groups(offline_board, bob, cols=40, rows=24)
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for("Enter read")
    lines = c.screen.lines
    assert all(len(line) < 40 for line in lines), c.text
    assert lines[1].startswith(">+") and "A very long subject" in lines[1]
    assert lines[1].endswith("ada")  # the author column survives the crop
    assert "└─" in c.text and "├─" in c.text
    await c.resize(132, 43)
    await c.wait_for(long)  # the whole subject fits now
    assert re.search(long + r"\s+ada\s+\d\d \w{3}$", c.screen.lines[1])
    await c.hangup()


async def test_help_panel_on_the_selector(offline_board: Any, people: dict[str, User]) -> None:
    c = await open_groups(offline_board, people["bob"])
    await c.type("?")
    await c.wait_for("Group selector: keys")
    assert "subscribe / unsubscribe" in c.text and "go to a group" in c.text
    await c.type(" ")
    await c.wait_for("All groups")
    await c.hangup()


async def test_hostile_subject_is_shown_literally(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada = people["ada"]
    await post(offline_board, ada, "[bold]x[/bold] \x1b[31mred", "evil")
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for(re.escape("[bold]x[/bold] red"))
    assert b"\x1b[31mred" not in bytes(c.term.output)
    await c.hangup()


# ------------------------------------------------------------------------------ composer


@pytest.mark.skipif(not HAS_COMPOSER, reason="ui/screens/compose.py is not there yet")
async def test_p_and_w_open_the_composer_and_the_new_thread_shows_up(
    offline_board: Any, people: dict[str, User]
) -> None:
    bob = people["bob"]
    await offline_board.services.groups.subscribe(bob, "misc.test")
    c = await open_groups(offline_board, bob)
    await c.type("p")
    await c.wait_for("New article")
    await c.wait_for("Subject:")
    await c.line("Hello from the selector")
    await c.wait_for("Also post to")
    await c.line("")
    await c.wait_for(" 1:")
    await c.line("First line.")
    await c.line("/s")  # no key to press after posting: straight back, the note in the status
    await c.wait_for(r"Article posted \(misc\.test #1\)\.")
    await c.type("\r")
    await c.wait_for(r"^>\s+Hello from the selector\s+bob")
    await c.type("w")
    await c.wait_for("New article")
    await c.hangup()


# ------------------------------------------------------------------------------ the skeleton


async def test_selector_help_is_its_bindings_and_unknown_keys_are_told(
    offline_board: Any, people: dict[str, User]
) -> None:
    await offline_board.services.groups.subscribe(people["bob"], "comp.sys.retro")
    c = await open_groups(offline_board, people["bob"])
    await assert_help_is_the_table(
        c,
        GroupSelectorScreen.BINDINGS,
        "Group selector",
        after=("after the count: m moderated, r read-only",),
    )
    await c.type(" ")
    await c.wait_for(r"Subscribed groups \(1\)")  # the whole screen again
    await assert_unknown_key_is_told(c)
    assert row_of(c, "comp.sys.retro").startswith(">")  # the list is untouched
    await c.type("j")  # the next key clears the message
    await c.wait_for(r"^1/1$")
    await c.hangup()


async def test_thread_list_help_is_its_bindings_and_unknown_keys_are_told(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Hello there")
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for(r"^>\+\s+Hello there")
    members = set(ThreadListScreen.BINDINGS.actions) - MODERATOR_ACTIONS  # bob is no moderator
    await assert_help_is_the_table(
        c, ThreadListScreen.BINDINGS, "Thread list of comp.sys.retro", allowed=members
    )
    await c.type(" ")
    await c.wait_for(r"^>\+\s+Hello there")
    await assert_unknown_key_is_told(c, "x")
    await c.hangup()


async def test_every_list_marks_the_selected_row_the_same_way(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Hello there")
    await offline_board.services.groups.subscribe(people["bob"], "comp.sys.retro")
    c = await open_groups(offline_board, people["bob"])
    row = c.screen.screen.buffer[1]
    assert row[0].data == ">" and row[0].reverse and row[30].reverse  # a bar across the row
    await c.type("\r")
    await c.wait_for(r"^>\+\s+Hello there")
    row = c.screen.screen.buffer[1]
    assert row[0].data == ">" and row[0].reverse and row[30].reverse
    assert not c.screen.screen.buffer[2][0].reverse
    await c.hangup()


async def test_the_list_texts_come_from_the_skin(
    offline_board: Any, people: dict[str, User]
) -> None:
    skins = offline_board.board_info.skins
    default = skins["default"]
    words = dict(default.strings)
    words.update(
        groups_title_subscribed="Meine Gruppen ({count})",
        groups_hints="Eingabe liest",
        unknown_key="Unbekannte Taste",
        catch_up_question="{group} ganz gelesen?",
        yes_no="(j/N)",
    )
    skins["default"] = dataclasses.replace(default, strings=words)
    await offline_board.services.groups.subscribe(people["bob"], "comp.sys.retro")
    c = await open_groups(offline_board, people["bob"])
    await c.wait_for(r"Meine Gruppen \(1\)")
    assert c.screen.lines[-2].startswith("Eingabe liest")
    await c.type("Z")
    await c.wait_for(r"^Unbekannte Taste")
    await c.type("c")
    await c.wait_for(r"comp\.sys\.retro ganz gelesen\? \(j/N\)")
    await c.hangup()


async def test_a_board_error_from_an_action_shows_in_the_status_row(
    offline_board: Any, people: dict[str, User]
) -> None:
    c = await open_groups(offline_board, people["bob"])
    await c.type("g")
    await c.wait_for("Go to group:")
    await c.line("no.such.group")
    await c.wait_for("There is no group called 'no.such.group'.")
    assert c.screen.lines[-1] == "There is no group called 'no.such.group'."
    assert "All groups" in c.screen.lines[0]  # the screen drawn again around it
    await c.hangup()


def test_a_binding_without_its_action_is_refused_when_the_screen_is_defined() -> None:
    from retroboard.ui.bindings import Binding
    from retroboard.ui.screens.kit import ListScreen

    with pytest.raises(TypeError, match="frobnicate"):

        class Broken(ListScreen[str]):
            BINDINGS = Bindings([Binding(("f",), "frobnicate", "does nothing")])


# ------------------------------------------------------------------------------ veteran keys


async def open_retro(board: Any, user: User, cols: int = 80) -> FakeCaller:
    c = await open_groups(board, user, cols)
    await c.type("g")
    await c.line("comp.sys.retro")
    await c.wait_for(r"^Enter read")
    return c


async def test_a_reply_with_a_new_subject_shows_it(
    offline_board: Any, people: dict[str, User]
) -> None:
    root = await post(offline_board, people["ada"], "Amiga 500 memory upgrade")
    await post(offline_board, people["bob"], "Amiga 501 prices (was: memory)", parent=root)
    c = await open_retro(offline_board, people["bob"])
    assert "└─ Amiga 501 prices (was: memory)" in row_of(c, "└─"), c.text
    await c.hangup()


async def test_tab_opens_the_highlighted_threads_first_unread(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, ada, bob)  # for bob: ada's root and r11 are unread
    await post(offline_board, ada, "A newer thread")
    c = await open_retro(offline_board, bob)
    await c.wait_for(r"^>\+\s+A newer thread")
    await c.type("jjjj")  # r2, bob's own (read), the thread's last row
    await c.wait_for(r"^> \s+└─\s+bob")
    await c.type("\t")  # the thread's first unread (the root), not the group's next (#5)
    await c.wait_for("I have 512K.")
    await c.hangup()


async def test_K_marks_the_highlighted_thread_read(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, bob, ada)  # bob's root; ada's replies unread for bob
    await post(offline_board, ada, "Unrelated")
    c = await open_retro(offline_board, bob)
    await c.type("j")
    await c.wait_for(r"^>\s+\[3\] Amiga")
    await c.type("K")
    await c.wait_for("Thread marked read: Amiga 500 memory upgrade")
    assert not [line for line in c.screen.lines[2:6] if line[1] == "+"], c.text
    assert row_of(c, "Unrelated")[1] == "+"  # the other thread is untouched
    assert "1 unread of 5" in c.screen.lines[0]
    await c.hangup()


async def test_slash_searches_subjects_and_a_authors_next_match_and_none(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    for i in range(3):
        await post(offline_board, ada, f"Modem talk {i}")
        await post(offline_board, bob, f"Printer woes {i}")
    c = await open_retro(offline_board, bob)
    await c.wait_for(r"^>\s+Printer woes 2")
    await c.type("/")
    await c.wait_for("Subject search:")
    await c.line("modem TALK")  # any case
    await c.wait_for(r"^>\+\s+Modem talk 2")
    await c.type("/")
    await c.wait_for('Subject search: \\(Enter: next "modem TALK"\\)')
    await c.line("")  # Enter alone: the next match
    await c.wait_for(r"^>\+\s+Modem talk 1")
    await c.type("/")
    await c.line("fax")
    await c.wait_for('No subject with "fax" in this group.')
    await c.type("a")
    await c.wait_for("Author search:")
    await c.line("bob")
    await c.wait_for(r"^>\s+Printer woes 0")
    await c.type("a")
    await c.line("nobody")
    await c.wait_for('No article by "nobody" in this group.')
    await c.hangup()


async def test_search_loads_pages_past_the_first(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Needle in the haystack")
    for i in range(45):
        await post(offline_board, people["ada"], f"Hay {i:02d}")
    c = await open_retro(offline_board, people["bob"])
    await c.type("/")
    await c.line("needle")
    await c.wait_for(r"^>\+\s+Needle in the haystack")
    assert "46/46" in c.screen.lines[-1]
    await c.hangup()


async def test_end_goes_to_the_real_end_and_the_counter_counts_the_group(
    offline_board: Any, people: dict[str, User]
) -> None:
    for i in range(45):
        await post(offline_board, people["ada"], f"Thread {i:02d}")
    c = await open_retro(offline_board, people["bob"])
    assert "1/45" in c.screen.lines[-1]  # the group's total, not the page's 20
    await c.type(END)
    await c.wait_for(r"^>\+\s+Thread 00")
    assert "45/45" in c.screen.lines[-1]
    assert "more below" not in c.screen.lines[-1]
    await c.hangup()


async def test_t_collapses_threads_to_one_row_and_e_expands_one(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, ada, bob)
    await post(offline_board, bob, "Another thread")
    c = await open_retro(offline_board, ada)
    await c.type("j")
    await c.wait_for(r"^>\s+\[3\] Amiga")
    await c.type("t")
    await c.wait_for("One row per thread")
    assert re.match(r"^>\+\s+4 Amiga 500 memory upgrade", c.screen.lines[2]), c.text
    assert "└─" not in c.text and "Buy a trapdoor" not in c.text
    assert "2/2" in c.screen.lines[-1] or "One row per thread" in c.screen.lines[-1]
    await c.type("e")
    await c.wait_for(r"├─\s+bob")
    assert len([line for line in c.screen.lines if "─ " in line]) == 3
    await c.type("e")  # folds it again
    await c.wait_for(r"^>\+\s+4 Amiga")
    assert "└─" not in c.text
    await c.type("t")
    await c.wait_for("Every article shown")
    assert "└─" in c.text
    await c.hangup()

"""Who's online, pages, the user list and profiles through whole sessions (FakeCaller)."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.domain.users import Level, User
from retroboard.ui.screens.who import idle_text
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import at_menu, make_user, post
from tests.ui.test_reader import read_first

DOWN = "\x1b[B"


def row_with(c: FakeCaller, needle: str) -> str:
    rows = [line for line in c.screen.lines if needle in line]
    assert rows, f"{needle!r} is not on the screen:\n{c.text}"
    return rows[0]


async def who(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = await at_menu(board, user, cols, rows)
    await c.type("w")
    await c.wait_for(r"Who's online")
    return c


async def test_who_shows_each_caller_and_follows_them_without_a_key(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    bob = await make_user(offline_board, "bob")
    await offline_board.services.users.update_profile(bob.id, real_name="", location="Leeds")
    b = await at_menu(offline_board, bob)
    a = await who(offline_board, ada)
    screen = await a.wait_for(r"bob +Leeds +At the main menu")
    assert "2 on" in screen.split("\n")[0]
    bob_row = row_with(a, "bob")
    assert bob_row.split()[:3] == [">", "1", "bob"]  # node 1, under the cursor
    assert bob_row.rstrip().endswith("fake")  # the transport column
    assert "Looking at who's online" in row_with(a, "ada")
    # bob moves: ada's list follows with no key pressed
    mark = a.mark()
    await b.type("m")
    await b.wait_for(r"Subscribed groups|All groups")
    await a.wait_for(r"bob +Leeds +Choosing a message group", after=mark)
    # bob leaves: his node goes from ada's list
    mark = a.mark()
    await b.hangup()
    await a.wait_for(r"1 on", after=mark)
    assert "bob" not in a.text
    await a.hangup()


async def test_idle_times_read_short() -> None:
    assert [idle_text(s) for s in (0, 59.9, 60, 3599, 3600, 3660 * 2, 36000, 400000)] == [
        "0s",
        "59s",
        "1m",
        "59m",
        "1h00",
        "2h02",
        "10h",
        "99h+",
    ]


async def test_a_page_from_who_reaches_the_reader_and_leaves_the_article_intact(
    offline_board: Any,
) -> None:
    ada = await make_user(offline_board, "ada")
    bob = await make_user(offline_board, "bob")
    await post(offline_board, ada, "Amiga 500 memory", "I have 512K.\nHow do I get 1MB?")
    b = await read_first(offline_board, bob)
    await b.wait_for(r"How do I get 1MB\?")
    before = list(b.screen.lines)
    a = await who(offline_board, ada)
    await a.wait_for(r"bob +.*Reading comp\.sys\.retro")
    while "bob" not in row_with(a, ">"):
        await a.type(DOWN)
        await asyncio.sleep(0.02)
    await a.type("p")
    await a.wait_for(r"Message to bob:")
    mark = b.mark()
    await a.line("Lunch at noon?")
    await a.wait_for(r"Page sent to bob\.")
    screen = await b.wait_for(r"\*\*\* ada: Lunch at noon\? \*\*\*", after=mark)
    after = screen.split("\n")
    assert after[-1].startswith("*** ada: Lunch at noon? ***")
    assert after[:-1] == before[:-1]  # every article row exactly as it was
    await b.type("\x0c")  # ^L draws it all again: the same article
    await b.wait_for(r"How do I get 1MB\?")
    assert b.screen.lines[:-1] == before[:-1]
    await a.hangup()
    await b.hangup()


async def test_paging_yourself_offline_and_do_not_disturb_say_so(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    bob = await make_user(offline_board, "bob")
    await make_user(offline_board, "carol")
    b = await at_menu(offline_board, bob)
    a = await at_menu(offline_board, ada)
    await a.type("p")
    screen = await a.wait_for(r"Page whom \(handle or number\)\?")
    assert "1) bob" in screen and "ada" not in screen.split("On now:")[1]  # others only
    await a.line("ada")
    await a.wait_for(r"That is you: you cannot page yourself\.")
    await a.type(" ")
    await a.wait_for(r"\[G\] Goodbye")
    await a.type("p")
    await a.wait_for(r"Page whom")
    await a.line("carol")
    await a.wait_for(r"carol is not online\. Send them a letter instead\.")
    await a.type(" ")
    await a.wait_for(r"\[G\] Goodbye")
    await offline_board.services.users.set_do_not_disturb(bob.id, True)
    await a.type("p")
    await a.wait_for(r"Page whom")
    mark = b.mark()
    await a.line("1")  # bob, by number: refused before a word is typed
    screen = await a.wait_for(r"bob does not want to be disturbed right now\.")
    assert "Message to bob" not in screen
    await asyncio.sleep(0.05)
    assert "***" not in b.text_after(mark)
    await offline_board.services.users.set_do_not_disturb(bob.id, False)
    await a.type(" ")
    await a.wait_for(r"\[G\] Goodbye")
    await a.type("p")
    await a.wait_for(r"Page whom")
    await a.line("bob")
    await a.wait_for(r"Message to bob:")
    await a.line("now?")
    await a.wait_for(r"Page sent to bob\.")
    await b.wait_for(r"\*\*\* ada: now\? \*\*\*", after=mark)
    await a.hangup()
    await b.hangup()


async def test_yell_reaches_the_sysop_or_says_nobody_is_there(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    boss = await make_user(offline_board, "boss", Level.SYSOP)
    a = await at_menu(offline_board, ada)
    await a.type("y")
    await a.wait_for(r"Why do you want the sysop\?")
    await a.line("My post vanished")
    await a.wait_for(r"No sysop is online right now\..*feedback")
    await a.type(" ")
    await a.wait_for(r"\[G\] Goodbye")
    s = await at_menu(offline_board, boss)
    mark = s.mark()
    await a.type("y")
    await a.wait_for(r"Why do you want the sysop\?")
    await a.line("My post vanished")
    await a.wait_for(r"The sysop has been paged\.")
    await s.wait_for(r"\*\*\* ada: My post vanished \*\*\*", after=mark)
    await a.hangup()
    await s.hangup()


async def test_a_sysop_broadcasts_from_who_and_a_member_may_not(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    boss = await make_user(offline_board, "boss", Level.SYSOP)
    a = await who(offline_board, ada)
    await a.type("s")
    await a.wait_for(r"Unknown command")
    await a.type("?")
    screen = await a.wait_for(r"page the caller")
    assert "broadcast" not in screen
    await a.type("q")
    await a.wait_for(r"Who's online")
    s = await who(offline_board, boss)
    mark = a.mark()
    await s.type("s")
    await s.wait_for(r"Broadcast to every node:")
    await s.line("Down at 10 for backups")
    # the sender's own session gets it too, in the row where "Broadcast sent" was
    await s.wait_for(r"\*\*\* boss: Down at 10 for backups \*\*\*")
    await a.wait_for(r"\*\*\* boss: Down at 10 for backups \*\*\*", after=mark)
    await a.hangup()
    await s.hangup()


async def test_the_list_changes_while_a_page_is_being_typed_and_keeps_the_text(
    offline_board: Any,
) -> None:
    ada = await make_user(offline_board, "ada")
    bob = await make_user(offline_board, "bob")
    carol = await make_user(offline_board, "carol")
    b = await at_menu(offline_board, bob)
    a = await who(offline_board, ada)
    await a.wait_for(r"bob +.*At the main menu")
    while "bob" not in row_with(a, ">"):
        await a.type(DOWN)
        await asyncio.sleep(0.02)
    await a.type("p")
    await a.wait_for(r"Message to bob:")
    await a.type("half a li")
    mark = a.mark()
    c = await at_menu(offline_board, carol)
    await a.wait_for(r"carol +.*At the main menu", after=mark)
    assert a.screen.lines[-1] == "Message to bob: half a li"
    await a.line("ne")
    await a.wait_for(r"Page sent to bob\.")
    await b.wait_for(r"\*\*\* ada: half a line \*\*\*")
    for x in (a, b, c):
        await x.hangup()


async def test_plain_skin_numbers_the_nodes_and_tells_changes_as_lines(
    offline_board: Any,
) -> None:
    ada = await make_user(offline_board, "ada")
    ada = await offline_board.services.users.set_skin(ada.id, "plain")
    bob = await make_user(offline_board, "bob")
    b = await at_menu(offline_board, bob)
    a = await at_menu(offline_board, ada)
    await a.type("w")
    screen = await a.wait_for(r"^>1\. +1 bob +At the main menu")
    assert "\x1b" not in bytes(a.term.output).decode("utf-8", "replace").split("Who's online")[-1]
    assert " 2.   2 ada" in screen
    mark = a.mark()
    await b.type("m")
    await a.wait_for(r"^Node 1: bob: Choosing a message group$", after=mark)
    await a.type("1")
    await a.type("\r")
    await a.wait_for(r"Profile of bob")
    for x in (a, b):
        await x.hangup()


async def test_who_at_40_columns_drops_location_first(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    await offline_board.services.users.update_profile(ada.id, real_name="", location="Leeds")
    a = await who(offline_board, ada, cols=40)
    screen = await a.wait_for(r"ada +Looking at")
    assert "Leeds" not in row_with(a, " ada ")
    assert all(len(line) <= 39 for line in screen.split("\n"))
    await a.type(" ")  # the detail row tells the rest
    assert "Leeds" in a.screen.lines[-2]
    await a.hangup()


async def test_profile_hides_the_real_name_unless_its_owner_allows(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    bob = await make_user(offline_board, "bob", real_name="Robert Smith")
    await offline_board.services.users.update_profile(
        bob.id, real_name="Robert Smith", location="Leeds"
    )
    await offline_board.services.users.set_about(bob.id, "I collect \x1b[31mAmigas\u202e.")
    await post(offline_board, bob, "Hello", "First post.")
    a = await at_menu(offline_board, ada)
    await a.type("a")
    await a.wait_for(r"Members")
    await a.type("/")
    await a.wait_for(r"Search handle or location")
    await a.line("leeds")
    await a.wait_for(r"Members matching 'leeds'")
    assert "ada" not in row_with(a, "bob") and "Leeds" in row_with(a, "bob")
    await a.type("\r")
    screen = await a.wait_for(r"Profile of bob")
    assert "Robert Smith" not in screen and "Real name" not in screen
    assert "I collect Amigas." in screen
    assert row_with(a, "Posts").split() == ["Posts", "1"]
    assert row_with(a, "Location").split() == ["Location", "Leeds"]
    await offline_board.services.users.set_show_real_name(bob.id, True)
    await a.type("q")
    await a.wait_for(r"Members matching")
    await a.type("\r")
    await a.wait_for(r"Profile of bob")
    assert "Robert Smith" in row_with(a, "Real name")
    await a.hangup()


async def test_members_lists_everyone_pages_on_and_search_finds_none(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    for n in range(30):
        await make_user(offline_board, f"user{n:02d}")
    a = await at_menu(offline_board, ada)
    await a.type("a")
    screen = await a.wait_for(r"31 members")
    assert "user00" in screen and "user29" not in screen
    await a.type("\x1b[F")  # End
    await a.wait_for(r"user29")
    await a.type("s")
    await a.wait_for(r"Search handle or location")
    await a.line("zzz")
    await a.wait_for(r"No member's handle or location contains 'zzz'")
    await a.hangup()


async def test_the_help_is_not_drawn_over_and_the_list_after_it_is_up_to_date(
    offline_board: Any,
) -> None:
    ada = await make_user(offline_board, "ada")
    bob = await make_user(offline_board, "bob")
    a = await who(offline_board, ada)
    await a.type("?")
    await a.wait_for(r"page the caller")
    shown = list(a.screen.lines)
    mark = a.mark()
    b = await at_menu(offline_board, bob)
    await asyncio.sleep(0.1)
    assert a.text_after(mark).strip("\x00\n ") == ""  # nothing drawn over the help
    assert a.screen.lines == shown
    await a.type("q")
    await a.wait_for(r"bob +At the main menu")
    for x in (a, b):
        await x.hangup()

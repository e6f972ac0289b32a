"""The search screen through whole sessions: find by body word and by author, open in the reader."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.domain.users import Level, User
from retroboard.ui.screens.search import SearchScreen
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import assert_help_is_the_table, assert_unknown_key_is_told

PASSWORD = "Secret-pass-1"


async def member(board: Any, handle: str, level: Level = Level.USER) -> User:
    user: User = await board.services.users.register(handle, PASSWORD, level=level)
    return user


async def seed(board: Any) -> User:
    """bob and carol post; returns ada, who searches."""
    bob = await member(board, "bob")
    carol = await member(board, "carol")
    await board.services.articles.post(
        bob,
        ["comp.sys.retro"],
        "Amiga 1200 accelerator",
        "The Blizzard board is fast.\nIt needs a fan.",
    )
    await board.services.articles.post(
        carol, ["rec.games.bbs"], "LORD strategy", "Visit the forest every day."
    )
    await board.services.articles.post(
        carol, ["comp.sys.retro"], "C64 SID chip", "The sound is great."
    )
    return await member(board, "ada")


async def open_search(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, user=user, cols=cols, rows=rows)
    await c.wait_for(r"\[F\] Find \(search articles\)")
    await c.type("f")
    await c.wait_for(r"Search for:$")
    return c


async def search(c: FakeCaller, words: str, group: str = "") -> None:
    await c.line(words)
    await c.wait_for(r"In group \(Enter for all\):$")
    await c.line(group)


async def test_find_by_body_word_and_read_it(offline_board: Any) -> None:
    ada = await seed(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "blizzard")
    screen = await c.wait_for(r"Search: blizzard +1 found")
    assert "Subject" in screen and "Author" in screen and "Group" in screen
    row = next(line for line in c.text.split("\n") if "Amiga 1200 accelerator" in line)
    assert row.startswith("> ") and "bob" in row and "comp.sys.retro" in row
    assert "C64 SID chip" not in screen
    await c.type("\r")  # Enter opens it in the reader
    await c.wait_for(r"^Subject: Amiga 1200 accelerator$")
    await c.wait_for(r"^The Blizzard board is fast\.$")
    await c.type("q")  # back to the hits, as they were
    await c.wait_for(r"Search: blizzard +1 found")
    await c.type("q")
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()


async def test_find_by_author_handle_and_move_the_cursor(offline_board: Any) -> None:
    ada = await seed(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "carol")
    await c.wait_for(r"Search: carol +2 found")
    assert "Amiga" not in c.text
    newest = next(line for line in c.text.split("\n") if line.startswith("> "))
    assert "C64 SID chip" in newest  # newest first, the cursor on it
    await c.type("j")
    await asyncio.sleep(0.05)
    await c.wait_for(r"^> LORD strategy")
    await c.wait_for(r"rec\.games\.bbs #1 from carol")  # the details line for the cursor's hit
    await c.type("\r")
    await c.wait_for(r"^Subject: LORD strategy$")
    await c.hangup()


async def test_group_filter_and_new_search(offline_board: Any) -> None:
    ada = await seed(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "carol", "no.such.group")
    await c.wait_for(r"There is no group called 'no\.such\.group'\.")
    await c.wait_for(r"Search for:$")
    await search(c, "carol", "rec.games.bbs")
    await c.wait_for(r"Search: carol in rec\.games\.bbs +1 found")
    await c.type("/")  # a new search from the list
    await c.wait_for(r"Search for:$")
    await search(c, "sound")
    await c.wait_for(r"Search: sound +1 found")
    assert "C64 SID chip" in c.text
    await c.hangup()


async def test_no_match_says_so(offline_board: Any) -> None:
    ada = await seed(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "xyzzy")
    await c.wait_for(r"No articles match 'xyzzy'\.")
    await c.line("")  # Enter on its own goes back
    await c.wait_for(r"\[G\] Goodbye")
    await c.hangup()


async def test_hidden_groups_stay_hidden(offline_board: Any) -> None:
    ada = await seed(offline_board)
    await offline_board.services.groups.create(
        "local.staff", "Staff only", read_level=Level.MODERATOR
    )
    mod = await member(offline_board, "mod", Level.MODERATOR)
    await offline_board.services.articles.post(
        mod, ["local.staff"], "Secret plans", "The blizzard of spam."
    )
    c = await open_search(offline_board, ada)
    await search(c, "blizzard")
    await c.wait_for(r"1 found")
    assert "Secret plans" not in c.text
    await c.hangup()


async def test_search_list_at_40_and_132_columns(offline_board: Any) -> None:
    ada = await seed(offline_board)
    c = await open_search(offline_board, ada, cols=40, rows=24)
    await search(c, "carol")
    await c.wait_for(r"2 found")
    lines = c.text.split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert any(line.startswith("> C64 SID chip") and "carol" in line for line in lines)
    await c.resize(132, 43)
    await c.wait_for(r"Search: carol +2 found")
    await asyncio.sleep(0.05)
    row = next(line for line in c.text.split("\n") if line.startswith("> C64 SID chip"))
    assert "carol" in row and "comp.sys.retro" in row
    assert c.text.split("\n")[42].startswith("Enter read  o order  / new search  q back  ? help")
    await c.type("?")
    await c.wait_for(r"Search: keys")
    await c.type(" ")
    await c.wait_for(r"Search: carol +2 found")
    await c.hangup()


async def test_many_hits_scroll(offline_board: Any) -> None:
    ada = await seed(offline_board)
    bob = await offline_board.services.users.get("bob")
    for i in range(30):
        await offline_board.services.articles.post(bob, ["misc.test"], f"Test post {i:02d}", "zork")
    c = await open_search(offline_board, ada, rows=12)
    await search(c, "zork")
    await c.wait_for(r"30 found")
    assert "Test post 29" in c.text and "Test post 00" not in c.text
    await c.type("\x1b[F")  # End
    await c.wait_for(r"^> Test post 00")
    assert "Test post 29" not in c.text
    await c.type("\x1b[H")  # Home
    await c.wait_for(r"^> Test post 29")
    await c.hangup()


async def test_search_help_is_its_bindings_and_unknown_keys_are_told(offline_board: Any) -> None:
    ada = await seed(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "carol")
    await c.wait_for(r"Search: carol +2 found")
    row = c.screen.lines.index(next(line for line in c.screen.lines if line.startswith("> ")))
    assert c.screen.screen.buffer[row][0].reverse and c.screen.screen.buffer[row][30].reverse
    await assert_help_is_the_table(c, SearchScreen.BINDINGS, "Search")
    await c.type(" ")
    await c.wait_for(r"Search: carol +2 found")
    await assert_unknown_key_is_told(c)
    assert "C64 SID chip" in c.text  # the hits are still there
    await c.type("j")  # the next key brings the key hints back
    await c.wait_for(r"^Enter read  o order  / new search  q back  \? help")
    await c.hangup()


async def seed_modems(board: Any) -> User:
    """Three modem articles: the oldest says it most (best match), the newest once."""
    bob = await member(board, "bob")
    filler = " ".join(f"word{i}" for i in range(60))
    await board.services.articles.post(
        bob, ["comp.sys.retro"], "Modems compared", "Every modem here: one modem per line."
    )
    await board.services.articles.post(
        bob, ["misc.test"], "Something else", f"{filler} and once a modem {filler}"
    )
    await board.services.articles.post(bob, ["comp.sys.retro"], "Latest news", f"{filler} modems")
    return await member(board, "ada")


async def test_hit_shows_an_excerpt_with_the_match(offline_board: Any) -> None:
    ada = await seed_modems(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "modem")
    screen = await c.wait_for(r"3 found, best first")
    lines = screen.split("\n")
    assert lines[21].strip() == "Every modem here: one modem per line."  # above the detail row
    row = lines[21].index("modem")
    assert c.screen.screen.buffer[21][row].bold and not c.screen.screen.buffer[21][0].bold
    await c.type("j")  # the excerpt follows the cursor; the match shows though it is far in
    screen = await c.wait_for(r"^ *\.\.\.word\d+ .*word59 (and once a modem|modems)")
    assert "word0 " not in screen.split("\n")[21]
    await c.hangup()


async def test_o_toggles_best_first_and_newest_first(offline_board: Any) -> None:
    ada = await seed_modems(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "modem")
    await c.wait_for(r"3 found, best first")
    first = next(line for line in c.text.split("\n") if line.startswith("> "))
    assert "Modems compared" in first
    await c.type("o")
    await c.wait_for(r"3 found, newest first")
    await c.wait_for(r"^Newest first\.")
    first = next(line for line in c.text.split("\n") if line.startswith("> "))
    assert "Latest news" in first
    await c.type("o")
    await c.wait_for(r"3 found, best first")
    assert "Modems compared" in next(line for line in c.text.split("\n") if line.startswith("> "))
    await c.hangup()


async def test_space_at_the_end_of_a_hit_goes_to_the_next_hit(offline_board: Any) -> None:
    ada = await seed_modems(offline_board)
    c = await open_search(offline_board, ada)
    await search(c, "modem")
    await c.type("o")
    await c.wait_for(r"3 found, newest first")
    await c.type("\r")
    await c.wait_for(r"^Subject: Latest news$")
    await c.type(" ")  # the article fits one page: Space goes to the next hit, not unread
    await c.wait_for(r"^Subject: Something else$")
    await c.type(" ")
    await c.wait_for(r"^Subject: Modems compared$")
    await c.type(" ")  # past the last hit: back to the list, told so
    await c.wait_for(r"^That was the last hit\.")
    await c.wait_for(r"^> Modems compared")  # the cursor on the hit the reader stopped at
    await c.hangup()


async def test_more_than_a_hundred_hits_load_as_the_cursor_goes(offline_board: Any) -> None:
    ada = await seed(offline_board)
    bob = await offline_board.services.users.get("bob")
    for i in range(105):
        await offline_board.services.articles.post(bob, ["misc.test"], f"Sale {i:03d}", "zork")
    c = await open_search(offline_board, ada)
    await search(c, "zork")
    await c.wait_for(r"100\+ found")
    await c.type("o")  # newest first: Sale 104 at the top
    await c.wait_for(r"100\+ found, newest first")
    await c.type("\x1b[F")  # End loads the rest
    await c.wait_for(r"^> Sale 000")
    await c.wait_for(r"105 found, newest first")
    await c.hangup()

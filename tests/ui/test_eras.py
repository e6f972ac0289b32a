"""The time machine: the era picker in settings and on the main menu, the 1978 and 1983 eras."""

from __future__ import annotations

import re
from typing import Any

from tests.helpers.fakeui import FakeCaller
from tests.helpers.screen import VirtualScreen
from tests.ui.test_group_screens import make_user, post
from tests.ui.test_login_register import register

PASSWORD = "Analytical-1"
SGR = re.compile(rb"\x1b\[[0-9;:]*m")
ESCAPE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|.)")


def era_key(screen: str, year: str) -> str:
    """The picker's key for `year` ("[1] 1978  CBBS, Chicago" -> "1")."""
    m = re.search(r"\[(\d)\] " + year + r"\b", screen)
    assert m, f"no {year} in the picker:\n{screen}"
    return m.group(1)


def drawn_lines(sent: bytes, cols: int = 80) -> list[str]:
    """What `sent` shows on a screen of `cols` columns, by line."""
    screen = VirtualScreen(cols, 200)
    screen.feed(sent)
    return [line for line in screen.text.splitlines() if line.strip()]


async def unpaced(board: Any, handle: str = "ada") -> None:
    """`handle` at no modem speed of their own (0: the era's 300 bps would slow the test)."""
    await board.services.users.set_bps((await board.services.users.get(handle)).id, 0)


async def pick_1978_in_settings(board: Any, c: FakeCaller) -> bytes:
    """From the main menu: settings, the Era row, 1978, back to the menu. Returns what the board
    sent after the pick."""
    await unpaced(board)
    await c.type("u")
    screen = await c.wait_for(r"\[T\] Era\s+None \(today's board\)")
    await c.type("t")
    screen = await c.wait_for(r"Time machine.*\n(.*\n)*.*\[0\] None \(today's board\)")
    assert re.search(r"\[\d\] 1983  Usenet with rn", screen)
    mark = len(c.term.output)
    await c.type(era_key(screen, "1978"))
    await c.wait_for(r"SETTING>")  # the settings again, upper case already
    await c.type("q")
    await c.wait_for(r"FUNCTION\?>")
    return bytes(c.term.output[mark:])


async def test_1978_from_settings_is_upper_case_colourless_and_64_wide(offline_board: Any) -> None:
    c = await register(offline_board)
    sent = await pick_1978_in_settings(offline_board, c)
    assert not SGR.findall(sent), SGR.findall(sent)[:3]  # no colour after the pick
    text = ESCAPE.sub(b"", sent).decode("utf-8")
    assert "[R] READ MESSAGES" in text and "[G] GOODBYE" in text
    letters = [ch for ch in text.replace("Ada Lovelace", "") if ch.isalpha()]
    assert len(letters) > 100 and not [ch for ch in letters if ch.islower()]
    lines = drawn_lines(sent)
    assert max(len(line) for line in lines) <= 64, max(lines, key=len)
    user = await offline_board.services.users.get("ada")
    assert user.skin == "cbbs1978"
    await c.hangup()


async def test_1978_holds_at_the_next_login(offline_board: Any) -> None:
    c = await register(offline_board)
    await pick_1978_in_settings(offline_board, c)
    await c.hangup()
    again = FakeCaller(offline_board)
    await again.wait_for(r"Handle:")
    await again.line("ada")
    await again.wait_for(r"Password:")
    await again.line(PASSWORD)
    await again.wait_for(r"FUNCTION\?>", timeout=10)
    sent = bytes(again.term.output[again.last_input.offset :])
    assert not SGR.findall(sent)
    text = ESCAPE.sub(b"", sent).decode("utf-8")
    assert not re.findall(r"[a-z]", text), text[:300]
    await again.hangup()


async def test_the_main_menus_time_machine_goes_to_1978_1983_and_back(offline_board: Any) -> None:
    c = await register(offline_board)
    await unpaced(offline_board)
    await c.type("z")
    screen = await c.wait_for(r"\[0\] None \(today's board\)  \(you are here\)")
    await c.type(era_key(screen, "1978"))
    await c.wait_for(r"FUNCTION\?>")
    await c.type("z")  # the 1978 menu has the time machine too
    screen = await c.wait_for(r"1978  CBBS, CHICAGO  \(YOU ARE HERE\)")
    await c.type(era_key(screen, "1983"))
    screen = await c.wait_for(r"\[R\] rn - read news")  # the 1983 main menu
    assert "[R] rn - read news" in screen  # in mixed case again (wait_for ignores case)
    await c.type("z")
    screen = await c.wait_for(r"1983  Usenet with rn  \(you are here\)")
    await c.type("0")
    screen = await c.wait_for(r"\[M\] Message groups")  # today's board: colour, full width
    assert "[M] Message groups" in screen
    sent = bytes(c.term.output[c.last_input.offset :])
    assert SGR.search(sent)
    assert max(len(line) for line in drawn_lines(sent)) > 64
    assert (await offline_board.services.users.get("ada")).skin == ""
    await c.hangup()


async def test_the_1983_reader_speaks_rn(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada", real_name="Ada Lovelace")
    for subject in ("Amiga 500 memory upgrade", "C64 SID chip"):
        await post(offline_board, ada, subject)
    bob = await make_user(offline_board, "bob")
    await offline_board.services.users.set_skin(bob.id, "usenet1983")
    bob = await offline_board.services.users.set_bps(bob.id, 0)
    c = FakeCaller(offline_board, user=bob)
    await c.wait_for(r"\[R\] rn - read news")
    await c.type("r")
    await c.wait_for(r"Newsgroups in your \.newsrc|All newsgroups")
    await c.type("g")
    await c.wait_for("Go to newsgroup:")
    await c.line("comp.sys.retro")
    await c.wait_for(r"^Enter read")
    await c.type("\r")
    screen = await c.wait_for(r"^End of article (\d) \(of 2\) -- what next\? \[npq\]")
    first = re.search(r"End of article (\d)", screen)
    assert first is not None
    await c.type("n")  # rn: the next unread article
    other = "1" if first.group(1) == "2" else "2"
    await c.wait_for(rf"^End of article {other} \(of 2\) -- what next\? \[npq\]")
    await c.type("h")  # rn's help key
    await c.wait_for(r"rn: reading articles")
    await c.hangup()

"""Terminal profiles end to end: what a `dumb` and an `ansi` telnet caller actually receive.

Each caller registers, opens the menu and the groups, goes to misc.test, opens a thread in the
reader, posts a new thread with the line editor and logs off; every data byte the server sent
(telnet commands taken out by the client) is then checked: a `dumb` caller gets 7-bit printable
text and no ESC at all, an `ansi` caller (ANSI.SYS / CP437) gets colour, but only the SGR codes
ANSI.SYS knows (0, 1, 5, 7, 30-37, 40-47): no aixterm bright colours (ESC[9xm, ESC[10xm).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import pytest_asyncio

from tests.helpers.clients import TelnetClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

PASSWORD = "Analytical-1"
MENU = r"\[G\] Goodbye"
ANSI_SYS_SGR = {0, 1, 5, 7, *range(30, 38), *range(40, 48)}
SGR = re.compile(rb"\x1b\[([0-9;:]*)m")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def seeded(live_board: Any) -> Any:
    """The shared board with one thread in misc.test to read."""
    ada = await live_board.services.users.register("ada", PASSWORD)
    await live_board.services.articles.post(ada, ["misc.test"], "Tea at four", "Bring biscuits.")
    return live_board


async def back_to_menu(c: TelnetClient) -> None:
    """q leaves a screen (in the group browser it climbs a level first), until the menu shows."""
    for _ in range(6):
        await c.send("q")
        await c.settle()
        if c.screen.has(MENU, after=c.last_input):
            return
    raise AssertionError(f"q never reached the main menu:\n{c.text}")


async def walk(board: Any, term: str, handle: str) -> TelnetClient:
    """Register, menu, groups, a thread, the reader, a post, log off; returns the caller."""
    c = await TelnetClient.connect(board.telnet.port, term=term)
    try:
        await c.wait_for(r"Handle:\s*$")
        await c.line("new")
        await c.wait_for(r"Handle \(2-20")
        await c.line(handle)
        await c.wait_for(r"characters\):\s*$")
        await c.line(PASSWORD)
        await c.wait_for(r"confirm:\s*$")
        await c.line(PASSWORD)
        await c.wait_for(r"Real name")
        await c.line("")
        await c.wait_for(r"Location")
        await c.line("")
        await c.wait_for(r"\(Y/n\)")
        await c.send("y")
        await c.wait_for(MENU)
        await c.send("m")
        await c.wait_for(r"g goto")
        await c.send("g")
        await c.wait_for(r"Go to group:")
        await c.line("misc.test")
        await c.wait_for(r"Tea at four")
        await c.line("")  # Enter opens the thread under the bar (the newest one)
        await c.wait_for(r"^Subject: (Tea at four|Hello from)")
        await c.send("q")
        await c.wait_for(r"Tea at four")
        await c.send("w")
        await c.wait_for(r"Subject:")
        await c.line(f"Hello from {handle}")
        await c.wait_for(r"Also post to")
        await c.line("")
        await c.wait_for(r"^ ?1:")
        await c.line("Plain words, sent over telnet.")
        await c.wait_for(r"^ ?2:")
        await c.line("/s")
        await c.wait_for(r"Article posted \(misc\.test")  # no key to press after posting
        await c.wait_for(r"Hello from")  # back in the thread list, the new thread in it
        await back_to_menu(c)
        await c.send("g")
        await c.wait_for(r"Log off now\?")
        await c.send("y")
        await c.wait_for("NO CARRIER")
        await c.settle()
    finally:
        c.close()
    return c


async def posted_body(board: Any, handle: str) -> str:
    """The body of the thread `handle` started in misc.test, as stored."""
    user = await board.services.users.get(handle)
    status = await board.services.groups.status(user, "misc.test")
    for number in range(1, status.group.high + 1):
        art = await board.services.articles.read_article(user, "misc.test", number, mark_read=False)
        if art.head.subject == f"Hello from {handle}":
            return str(art.body)
    raise AssertionError(f"{handle}'s post is not in misc.test")


def _around(raw: bytes, i: int) -> str:
    return repr(raw[max(0, i - 60) : i + 60])


async def test_dumb_caller_gets_7_bit_text_without_escapes(seeded: Any) -> None:
    c = await walk(seeded, "DUMB", "teletype")
    raw = bytes(c.screen.raw)
    esc = raw.find(b"\x1b")
    assert esc < 0, f"the dumb caller was sent an ESC at byte {esc}: {_around(raw, esc)}"
    high = next((i for i, b in enumerate(raw) if b > 0x7E), -1)
    assert high < 0, (
        f"the dumb caller was sent byte 0x{raw[high]:02x} at {high}: {_around(raw, high)}"
    )
    assert await posted_body(seeded, "teletype") == "Plain words, sent over telnet."


async def test_ansi_caller_gets_only_ansi_sys_colours(seeded: Any) -> None:
    c = await walk(seeded, "ansi", "pcuser")
    raw = bytes(c.screen.raw)
    codes = [m.group(1) for m in SGR.finditer(raw)]
    bad = [
        code
        for code in codes
        if any(int(p or 0) not in ANSI_SYS_SGR for p in re.split(rb"[;:]", code))
    ]
    assert not bad, f"the ansi caller was sent SGR codes ANSI.SYS does not know: {sorted(set(bad))}"
    bright = re.search(rb"\x1b\[(?:[0-9;]*;)?(?:9[0-7]|10[0-7])(?:;[0-9;]*)?m", raw)
    assert bright is None, f"aixterm bright colour sent: {_around(raw, bright.start())}"
    colours = {
        int(p) for code in codes for p in re.split(rb"[;:]", code) if p and 30 <= int(p) <= 47
    }
    assert colours, "the ansi caller got no colour at all"
    assert await posted_body(seeded, "pcuser") == "Plain words, sent over telnet."

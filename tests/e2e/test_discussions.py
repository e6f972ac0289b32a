"""End to end: two users on telnet and ssh discuss in a group, read new-scan and search."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers.clients import SSHClient, TelnetClient

pytestmark = pytest.mark.asyncio(loop_scope="module")
MENU = r"\[G\] Goodbye"


async def telnet_login(port: int, handle: str, password: str) -> TelnetClient:
    c = await TelnetClient.connect(port)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(password)
    await c.wait_for(MENU)
    return c


async def back_to_menu(c: TelnetClient | SSHClient) -> None:
    """q leaves a screen (in the group browser it climbs a level first), until the menu shows."""
    for _ in range(6):
        await c.send("q")
        await c.settle()
        if "[G] Goodbye" in c.text:
            return
    raise AssertionError(f"q never reached the main menu:\n{c.text}")


async def goto_group(c: TelnetClient | SSHClient, name: str) -> str:
    await c.send("g")
    await c.wait_for(r"Go to group:\s*$")
    await c.line(name)
    return await c.wait_for(name)


async def post_thread(
    c: TelnetClient | SSHClient, group: str, subject: str, body: list[str]
) -> str:
    """From the main menu: a new thread in `group` typed in the line editor, saved with /s;
    back at the main menu after. Returns the screen that said it was posted."""
    await c.send("m")
    await c.wait_for("groups")
    await goto_group(c, group)
    await c.send("w")
    await c.wait_for(r"Subject:\s*$")
    await c.line(subject)
    await c.wait_for(r"Also post to.*:\s*$")
    await c.line("")
    for n, text in enumerate(body, 1):
        await c.wait_for(rf"^ {n}:$")
        await c.line(text)
    await c.wait_for(rf"^ {len(body) + 1}:$")
    await c.line("/s")
    screen = await c.wait_for(r"Article posted \(" + re.escape(group) + r" #\d+\)")
    await back_to_menu(c)
    return screen


async def test_a_posts_b_follows_up_a_sees_exactly_the_reply(live_board: Any) -> None:
    users = live_board.services.users
    await users.register("alice", "Alice-pass-1", real_name="Alice Liddell")
    await users.register("bob", "Bobby-pass-1")

    # A (telnet) subscribes to comp.sys.retro and starts a thread.
    a = await telnet_login(live_board.telnet.port, "alice", "Alice-pass-1")
    await a.send("m")
    await a.wait_for(r"groups")
    await goto_group(a, "comp.sys.retro")
    await a.wait_for("No articles in comp.sys.retro yet")
    await a.send("q")
    await a.wait_for(r"comp\.sys\.retro")
    await a.send("s")
    await a.settle()
    await goto_group(a, "comp.sys.retro")
    await a.send("w")
    await a.wait_for(r"Subject:\s*$")
    await a.line("Amiga 500 PSU")
    await a.wait_for(r"Also post to.*:\s*$")
    await a.line("")
    await a.wait_for(r"^ 1:$")
    await a.line("Mine hums loudly.")
    await a.wait_for(r"^ 2:$")
    await a.line("/s")
    await a.wait_for(r"Article posted \(comp\.sys\.retro #1\)")  # no key to press
    await a.wait_for(r"Amiga 500 PSU")
    await back_to_menu(a)

    # B (ssh) sees it unread and follows up with a quote.
    b = await SSHClient.connect(live_board.ssh.port, "bob", "Bobby-pass-1")
    await b.wait_for(MENU)
    await b.send("m")
    await b.wait_for("groups")
    await goto_group(b, "comp.sys.retro")
    screen = await b.wait_for(r"Amiga 500 PSU")
    row = next(line for line in screen.splitlines() if "Amiga 500 PSU" in line)
    assert "+" in row.split("Amiga")[0]  # the unread marker
    await b.send("\r")
    await b.wait_for("Mine hums loudly")
    await b.send("F")  # F follows up with the article quoted (f without, as in rn)
    await b.wait_for(r"Newsgroups")
    await b.wait_for(r"\S.*:\s*comp\.sys\.retro\s*$|Also post to|:\s*$")
    await b.line("")
    screen = await b.wait_for(r"> Mine hums loudly\.")
    assert "wrote:" in screen and "Re: Amiga 500 PSU" in screen
    await b.wait_for(r"^ ?\d+:$")
    await b.line("Recap the capacitors.")
    await b.line("/s")
    await b.wait_for(r"Article posted \(comp\.sys\.retro #2\)")
    b.close()

    reply = await live_board.services.articles.article_by_message_id(
        await users.get("alice"),
        (await live_board.services.search.search(await users.get("alice"), "capacitors"))[
            0
        ].head.message_id,
    )
    assert reply.head.subject == "Re: Amiga 500 PSU"
    assert "> Mine hums loudly." in reply.body and len(reply.head.references) == 1

    # A's new-scan shows exactly B's reply.
    await a.send("n")
    await a.wait_for(r"Scanning comp\.sys\.retro \(1 new\) \[R\]ead")  # the group's header
    await a.send("r")
    screen = await a.wait_for("Recap the capacitors")
    assert "Re: Amiga 500 PSU" in screen and "From: bob" in screen
    await a.send(" ")
    await a.wait_for(r"caught up")
    await a.send(" ")
    await a.wait_for(MENU)

    # ...drawn under A's post in the thread tree.
    await a.send("m")
    await a.wait_for("comp.sys.retro")
    await goto_group(a, "comp.sys.retro")
    screen = await a.wait_for(r"└─")
    lines = screen.splitlines()
    root = next(i for i, line in enumerate(lines) if "Amiga 500 PSU" in line and "Re:" not in line)
    assert "└─" in lines[root + 1] and "bob" in lines[root + 1]
    await back_to_menu(a)

    # A search finds it and opens it.
    await a.send("f")
    await a.wait_for(r"Search for:\s*$")
    await a.line("capacitors")
    await a.wait_for(r"In group.*:\s*$")
    await a.line("")
    await a.wait_for(r"Re: Amiga 500 PSU")
    await a.send("\r")
    await a.wait_for("Recap the capacitors")
    a.close()


async def test_hostile_article_is_harmless_on_another_users_screen(live_board: Any) -> None:
    users = live_board.services.users
    mallory = await users.register("mallory", "Mallory-pass-1")
    await users.register("victim", "Victim-pass-1")
    await live_board.services.articles.post(
        mallory,
        ["misc.test"],
        "[bold]markup[/bold] \x1b[2Jsubject",
        "before\x1b[2J\x1b]0;x\x07after [bold]markup[/bold]\n\x9b31mred?",
    )
    v = await telnet_login(live_board.telnet.port, "victim", "Victim-pass-1")
    mark = len(v.screen.raw)
    await v.send("m")
    await v.wait_for("groups")
    await goto_group(v, "misc.test")
    screen = await v.wait_for(r"\[bold\]markup\[/bold\]")
    assert "[bold]markup[/bold] subject" in screen
    await v.send("\r")
    screen = await v.wait_for("beforeafter")
    assert "beforeafter [bold]markup[/bold]" in screen
    raw = bytes(v.screen.raw[mark:])
    assert b"\x1b]0;" not in raw and b"\x07" not in raw and b"\x9b" not in raw
    # the board's own screen clears are the only clears; none came from the article text
    assert raw.count(b"\x1b[2J") == screen_clears_expected(raw)
    v.close()


def screen_clears_expected(raw: bytes) -> int:
    """Every ESC[2J the board sends is preceded by its own reset (ESC[0m); count those."""
    return raw.count(b"\x1b[0m\x1b[2J")

"""End to end: invisible Unicode and hidden group names never reach another user's terminal."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from retroboard.domain.users import Level
from tests.e2e.test_cli import run
from tests.helpers.clients import SSHClient, TelnetClient

pytestmark = pytest.mark.asyncio(loop_scope="module")
MENU = r"\[G\] Goodbye"

# Bidi controls, zero-width and other format characters, tag characters: they reorder or hide
# text. The separators U+2028/U+2029 become line breaks (or spaces in one-line fields).
HIDDEN = (
    "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad\ufff9\ufffb"
    "\U000e0001\U000e0041\U000e007f"
)
SEPARATORS = "\u2028\u2029"
FORBIDDEN = [c.encode("utf-8") for c in HIDDEN + SEPARATORS]


def forbidden_in(raw: bytes) -> list[str]:
    """The forbidden code points whose UTF-8 bytes occur in `raw` (UTF-8 self-synchronises,
    so a match is always the character itself)."""
    return [f"U+{ord(b.decode()):04X}" for b in FORBIDDEN if b in raw]


def assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in HIDDEN + SEPARATORS})
    assert not found, f"{found} in {text!r}"


def hide(word: str) -> str:
    """`word` with the whole payload stuffed between its letters."""
    return HIDDEN.join(word)


async def goto_group(c: TelnetClient | SSHClient, name: str) -> str:
    await c.send("m")
    await c.wait_for("groups")
    await c.send("g")
    await c.wait_for(r"Go to group:\s*$")
    await c.line(name)
    return await c.wait_for(name)


async def test_payloads_from_telnet_and_services_reach_an_ssh_reader_stripped(
    live_board: Any,
) -> None:
    users, articles = live_board.services.users, live_board.services.articles

    # A registers over telnet with payloads in the real name and location, then posts one.
    a = await TelnetClient.connect(live_board.telnet.port)
    await a.wait_for(r"Handle:\s*$")
    await a.line("new")
    await a.wait_for(r"Handle \(2-20 letters\):\s*$")
    await a.line("quill")
    await a.wait_for(r"Password \(8 or more characters\):\s*$")
    await a.line("Null-modem-cable-7")
    await a.wait_for(r"confirm:\s*$")
    await a.line("Null-modem-cable-7")
    await a.wait_for(r"Real name \(optional\):\s*$")
    await a.line(f"{hide('Quill')} Pen\u2028")
    await a.wait_for(r"Location, city/state \(optional\):\s*$")
    await a.line(f"\u202e{hide('Bath')}")
    await a.wait_for(r"\(Y/n\)")
    await a.send("y")
    await a.wait_for(MENU)
    await goto_group(a, "misc.test")
    await a.send("w")
    await a.wait_for(r"Subject:\s*$")
    await a.line(f"Telnet {hide('subject')} here\u2029")
    await a.wait_for(r"Also post to.*:\s*$")
    await a.line("")
    await a.wait_for(r"^ 1:$")
    await a.line(f"Typed {hide('body')} text\u2028")
    await a.wait_for(r"^ 2:$")
    await a.line("/s")
    await a.wait_for(r"Article posted \(misc\.test #\d+\)")
    a.close()

    # B registers and posts through the services with the same payloads.
    ink = await users.register(
        "inkwell", "Analytical-1", real_name=f"Ink{HIDDEN}\u2028Well", location=hide("York")
    )
    ink = await users.update_profile(
        ink.id, real_name=f"Ink{HIDDEN}\u2028Well", location=f"{hide('York')}\u2029shire"
    )
    posted = await articles.post(
        ink,
        ["misc.test"],
        f"Service sub{HIDDEN}ject",
        f"first {hide('line')}\u2028second line\u2029third {HIDDEN}line",
    )

    # C reads both over SSH: no forbidden code point in the bytes, and the text reads right.
    await users.register("reader", "Pass-word-77")
    c = await SSHClient.connect(live_board.ssh.port, "reader", "Pass-word-77")
    await c.wait_for(MENU)
    mark = len(c.screen.raw)
    await goto_group(c, "misc.test")
    screen = await c.wait_for("Service subject")
    assert "Telnet subject here" in screen
    await c.send("\r")
    screen = await c.wait_for("third line")
    assert "From: inkwell (Ink Well)" in screen and "Subject: Service subject" in screen
    assert "first line\nsecond line\nthird line" in screen
    await c.send(" ")
    screen = await c.wait_for("Typed body text")
    assert "From: quill (Quill Pen)" in screen and "Subject: Telnet subject here" in screen
    await c.send("h")  # full headers: From with the real name, References, Xref
    await c.wait_for("Message-ID:")
    raw = bytes(c.screen.raw[mark:])
    c.close()
    assert forbidden_in(raw) == []
    assert b"Service subject" in raw and b"Ink Well" in raw

    # and what the database holds
    quill = await users.get("quill")
    assert (quill.real_name, quill.location) == ("Quill Pen", "Bath")
    ink = await users.get("inkwell")
    assert (ink.real_name, ink.location) == ("Ink Well", "York shire")
    stored = await articles.article_by_message_id(ink, posted.article.head.message_id)
    assert stored.head.subject == "Service subject"
    assert stored.body == "first line\nsecond line\nthird line"


async def test_cli_real_name_and_location_are_stored_stripped(tmp_path: Path) -> None:
    r = await asyncio.to_thread(
        run,
        tmp_path,
        "user",
        "add",
        "carol",
        "--real-name",
        f"Car{HIDDEN}ol\u2028Ann",
        "--location",
        f"\u202e{hide('Leeds')}",
        "--password-stdin",
        stdin="Null-modem-cable-7\n",
    )
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(tmp_path / "retroboard.db") as db:
        [(real_name, location)] = db.execute(
            "SELECT real_name, location FROM users WHERE handle_key = 'carol'"
        ).fetchall()
    assert (real_name, location) == ("Carol Ann", "Leeds")
    listing = await asyncio.to_thread(run, tmp_path, "user", "list")
    assert listing.returncode == 0 and "Leeds" in listing.stdout
    assert_clean(listing.stdout)


async def test_a_crosspost_hides_the_staff_group_from_an_ssh_reader(live_board: Any) -> None:
    users, groups, articles = (
        live_board.services.users,
        live_board.services.groups,
        live_board.services.articles,
    )
    await groups.create("local.staffroom", "moderators only", read_level=Level.MODERATOR)
    boss = await users.register(
        "boss", "Null-modem-cable-7", level=Level.MODERATOR, first_call=False
    )
    posted = (
        await articles.post(boss, ["local.staffroom", "rec.games.bbs"], "Door games", "Which?")
    ).article
    number = dict(posted.xref)["rec.games.bbs"]
    await users.register("player", "Pass-word-77")
    c = await SSHClient.connect(live_board.ssh.port, "player", "Pass-word-77")
    await c.wait_for(MENU)
    mark = len(c.screen.raw)
    await goto_group(c, "rec.games.bbs")
    await c.wait_for("Door games")
    await c.send("\r")
    screen = await c.wait_for("Which?")
    assert "Newsgroups: rec.games.bbs" in screen
    await c.send("h")
    screen = await c.wait_for("Xref:")
    assert f"rec.games.bbs:{number}" in screen
    await c.send("h")
    await c.wait_for("Which?")
    await c.send("f")  # the follow-up goes to the groups the reader sees
    await c.wait_for(r"Newsgroups")
    screen = await c.wait_for(r"Enter to keep rec\.games\.bbs\):\s*$")
    await c.line("")
    await c.wait_for(r"^ ?\d+:$")
    await c.line("Trade Wars.")
    await c.line("/s")
    await c.wait_for(r"Article posted \(rec\.games\.bbs #\d+\)")
    raw = bytes(c.screen.raw[mark:])
    c.close()
    assert b"staffroom" not in raw
    [hit] = await live_board.services.search.search(boss, "trade wars")
    reply = await articles.article_by_message_id(boss, hit.head.message_id)
    assert reply.newsgroups == ("rec.games.bbs",)  # nothing went to local.staffroom
    assert reply.head.references == (posted.head.message_id,)


async def test_community_payloads_reach_an_ssh_member_stripped(live_board: Any) -> None:
    """One-liners, letters, about-me and pages from someone else: what the SSH member's terminal
    receives holds none of the hidden characters, and the words still read right."""
    s = live_board.services
    sly = await s.users.register("sly", "Null-modem-cable-7", first_call=False)
    wall = await s.oneliners.add(sly, f"Wall {hide('text')} here\u2028")
    assert wall.text == "Wall text here"  # stored clean, not only drawn clean
    await s.users.set_about(sly.id, f"About {hide('me')}\u2029too")
    await s.users.register("mira", "Pass-word-77")
    await s.mail.send(sly, ["mira"], (), f"Mail {hide('subject')}", f"Mail {hide('body')} line")
    c = await SSHClient.connect(live_board.ssh.port, "mira", "Pass-word-77")
    try:
        await c.wait_for("Wall text here")  # the logon sequence shows the wall
        await c.send("\r")
        await c.wait_for(MENU)
        await s.pages.page(sly, "no-session", "mira", f"Page {hide('line')}\u202e")
        await c.wait_for("Page line")
        await c.send("o")
        await c.wait_for("Wall text here")
        await c.send("q")
        await c.wait_for(MENU)
        await c.send("e")
        await c.wait_for("Mail subject")
        await c.send("\r")
        await c.wait_for("Mail body line")
        await c.send("q")
        await c.wait_for("Mail: inbox")
        await c.send("q")
        await c.wait_for(MENU)
        await c.send("a")
        await c.wait_for(r"\bsly\b")
        rows = c.screen.lines
        while not any(line.startswith(">") and " sly " in line for line in rows):
            await c.send("\x1b[B")
            await asyncio.sleep(0.1)
            rows = c.screen.lines
        await c.send("\r")
        await c.wait_for("About me too")
        raw = bytes(c.screen.raw)  # everything the member received, logon sequence included
    finally:
        c.close()
    assert forbidden_in(raw) == []

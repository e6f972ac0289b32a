"""Every screen as a caller sees it, compared with the stored snapshots in tests/snapshots/.

One walk per terminal profile and size (xterm 80x24, 40x24 and 132x43; `dumb` and `ansi` at
80x24; the plain skin on xterm at 80x24) goes through the whole board with fixed data and records each screen; each screen is
then one test. After an intended change to a screen, refresh them all with

    RETROBOARD_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/ui/test_snapshots.py
"""

from __future__ import annotations

import asyncio
import re
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from retroboard.domain.boards import Draft, Policy
from retroboard.domain.users import Level
from tests.helpers.snapshot import (
    SnapCaller,
    Snapshot,
    Target,
    check_snapshot,
    fresh_board,
    normalise,
)

TARGETS = (
    Target("xterm", "xterm", 80, 24),
    Target("xterm", "xterm", 40, 24),
    Target("xterm", "xterm", 132, 43),
    Target("dumb", "dumb", 80, 24),
    Target("ansi", "ansi", 80, 24),
    Target("plain", "xterm", 80, 24, skin="plain"),
)
SCREENS = (
    "welcome",
    "login",
    "register",
    "menu",
    "groups",
    "threads",
    "threads_help",
    "reader",
    "compose_subject",
    "line_editor",
    "settings",
    "fse",
    "newscan",
    "search_prompt",
    "search",
    "info",
    "who",
    "members",
    "profile",
    "modqueue",
    "mail",
    "letter",
    "goodbye",
    "logon_bulletins",
    "logon_wall",
    "oneliners",
    "lastcallers",
    "bulletins",
    "chat",
    "draft_offer",
    "draft_offer_one",
)
# The eras (skins with `era`), each a member's skin: its main menu and the reader at 80x24.
ERA_TARGETS = (
    Target("cbbs1978", "xterm", 80, 24, skin="cbbs1978"),
    Target("usenet1983", "xterm", 80, 24, skin="usenet1983"),
)
ERA_SCREENS = ("menu", "reader")
PASSWORD = "Snapshot-pass-1"
CTRL_A = "\x01"
CTRL_U = "\x15"
GROUP = "comp.sys.retro"
AIXTERM = frozenset([*range(90, 98), *range(100, 108)])  # bright colours ANSI.SYS never knew


@dataclass
class Walk:
    """What one walk saw: each screen's snapshot, every byte the board sent, and the error
    that stopped it early (the screens before it are still checked)."""

    target: Target
    shots: dict[str, Snapshot] = field(default_factory=dict)
    callers: list[SnapCaller] = field(default_factory=list)
    error: str = ""

    def call(self, board: Any, user: Any = None) -> SnapCaller:
        caller = SnapCaller(board, self.target, user=user, shots=self.shots)
        self.callers.append(caller)
        return caller

    @property
    def raw(self) -> bytes:
        return b"".join(c.raw for c in self.callers)


async def seed(board: Any) -> None:
    """Fixed members and posts: a thread with replies, a second thread, a held post."""
    users, articles = board.services.users, board.services.articles
    ada = await users.register("ada", PASSWORD, real_name="Ada Lovelace", location="London")
    bob = await users.register("bob", PASSWORD, real_name="Bob Builder")
    await users.register("mod", PASSWORD, level=Level.MODERATOR)
    root = await articles.post(
        ada, [GROUP], "Amiga 500 memory upgrade", "I have 512K.\n> Someone said 1MB\nHow?"
    )
    mid = root.article.head.message_id
    reply = await articles.post(
        bob, [GROUP], "Re: Amiga 500 memory upgrade", "Buy a trapdoor card.", parent_message_id=mid
    )
    await articles.post(
        ada,
        [GROUP],
        "Re: Amiga 500 memory upgrade",
        "Thanks, ordered one.",
        parent_message_id=reply.article.head.message_id,
    )
    await articles.post(bob, [GROUP], "C64 SID chip", "The sound is great.\nThe 6581 most of all.")
    await articles.post(bob, ["misc.test"], "Testing, one two", "Is this thing on?")
    await board.services.groups.create("local.mod", "Moderated talk", Policy.MODERATED)
    await articles.post(ada, ["local.mod"], "Selling my Amiga", "A500, 1MB, two joysticks.")


async def walk_board(board: Any, walk: Walk) -> None:
    """A new caller registers, then visits every screen; a moderator logs in and opens the
    moderation queue."""
    await seed(board)
    c = walk.call(board)
    await c.keys(expect=r"Handle:")
    c.snap("welcome")
    await c.keys("new\r", expect=r"Handle \(2-20")
    await c.keys("carol\r", PASSWORD + "\r", PASSWORD + "\r", "Carol Cable\r", "Bristol\r")
    c.expect(r"Create the account")
    c.snap("register")
    await c.keys("y", expect=r"Goodbye")
    c.snap("menu")

    carol = await board.services.users.get("carol")
    for group in (GROUP, "misc.test"):
        await board.services.groups.subscribe(carol, group)
    await c.keys("m", expect=r"Subscribed groups")
    c.snap("groups")
    await c.keys("g", GROUP + "\r", expect=r"C64 SID chip")
    c.snap("threads")
    await c.keys("?", expect=r"Thread list of")
    c.snap("threads_help")
    await c.press_until(" ", r"C64 SID chip")  # the help may take more than one page
    await c.keys("\r", expect=r"Subject: C64 SID chip")
    c.snap("reader")
    await c.keys("q", expect=r"C64 SID chip")
    await c.keys("w", expect=r"Subject:")
    c.snap("compose_subject")
    await c.keys("Trapdoor clock\r", "\r", expect=r"/S")
    await c.keys("Does the A501 need a battery?\r", "It has a clock.\r")
    c.snap("line_editor")
    await c.keys("/a\r", "y", " ", expect=r"C64 SID chip")
    await c.keys("q", "q", expect=r"Goodbye")

    await c.keys("u", expect=r"User settings")
    c.snap("settings")
    await c.keys("e", "q", expect=r"Goodbye")
    await c.keys("m", "g", GROUP + "\r", expect=r"C64 SID chip")
    if walk.target.linear:  # the full-screen editor needs cursor addressing: the line editor
        await c.keys("w", "Trapdoor clock\r", "\r", expect=r"/S")
        await c.keys("Does the A501 need a battery?\r", "It has a clock.")
        c.snap("fse")
        await c.keys("\r", "/a\r", "y", " ", expect=r"C64 SID chip")
    else:
        await c.keys("w", "Trapdoor clock\r", "\r", expect=r"\^Z")
        await c.keys("Does the A501 need a battery?\r", "It has a clock.")
        c.snap("fse")
        await c.keys(CTRL_A, "y", " ", expect=r"C64 SID chip")
    await c.keys("q", "q", expect=r"Goodbye")

    await c.keys("n", expect=r"Scanning comp\.sys\.retro \(\d+ new\)")
    c.snap("newscan")
    await c.keys("q", expect=r"Goodbye")

    await c.keys("f", expect=r"Search for:")
    c.snap("search_prompt")
    await c.keys("amiga\r", "\r", expect=r"found")
    c.snap("search")
    await c.keys("q", expect=r"Goodbye")

    await c.keys("i", expect=r"Information")
    c.snap("info")
    await c.keys(" ", expect=r"Goodbye")

    await c.keys("w", expect=r"Who's online")
    c.snap("who")
    await c.keys("q", expect=r"Goodbye")
    ada_id = (await board.services.users.get("ada")).id
    await board.services.users.set_about(ada_id, "I write notes on the Analytical Engine.")
    await c.keys("a", expect=r"\d+ members")
    c.snap("members")
    await c.keys("\r", expect=r"Profile of ada")
    c.snap("profile")
    await c.keys("q", "q", expect=r"Goodbye")

    ada = await board.services.users.get("ada")
    await board.services.mail.send(
        ada, ["carol"], ["bob"], "Welcome aboard", "Hello Carol,\n\n> a quoted line\nSee you."
    )
    await board.services.mail.send(ada, ["carol"], [], "Second letter", "Short.")
    await c.keys(expect=r"New letter from ada")  # told live, at the menu
    await c.keys("e", expect=r"Mail: inbox")
    c.snap("mail")
    await c.keys("j", "\r", expect=r"End of letter")
    c.snap("letter")
    await c.keys("q", "q", expect=r"Goodbye")

    await c.keys("g", expect=r"Log off now")
    await c.keys("y", expect=r"NO CARRIER")
    c.snap("goodbye")
    await c.hangup()

    m = walk.call(board)
    await m.keys("mod\r", expect=r"Password:")
    await m.keys(PASSWORD)
    m.snap("login")
    await m.keys("\r", expect=r"Moderation queue")
    await m.keys("q", expect=r"1 waiting")
    m.snap("modqueue")
    await m.hangup()

    # the logon sequence: a bulletin and the wall wait for ada's next call
    boss = await board.services.users.register("boss", PASSWORD, level=Level.SYSOP)
    await board.services.bulletins.add(
        boss, "New modem pool", "We answer at 33600 bps now.\nCall often!"
    )
    for handle, line in (("bob", "First on the wall!"), ("carol", "Hello from Bristol")):
        await board.services.oneliners.add(await board.services.users.get(handle), line)
    a = walk.call(board)
    await a.keys("ada\r", expect=r"Password:")
    await a.keys(PASSWORD + "\r", expect=r"New bulletins: 1")
    a.snap("logon_bulletins")
    await a.keys("\r", expect=r"A: add")
    a.snap("logon_wall")
    await a.keys("\r", expect=r"Goodbye")
    await a.keys("o", expect=r"\[A\]dd a one-liner")
    a.snap("oneliners")
    await a.keys("q", expect=r"Goodbye")
    await a.keys("l", expect=r"Press Enter or Q")
    a.snap("lastcallers")
    await a.keys("q", expect=r"Goodbye")
    await a.keys("b", expect=r"1 bulletin, 0 new")
    a.snap("bulletins")
    await a.keys("q", expect=r"Goodbye")

    # the teleconference: bob is in #main already, with a topic and a few lines said
    chat = board.services.chat
    await chat.join("snap-bob", await board.services.users.get("bob"))
    chat.set_topic("snap-bob", "Amiga night")
    chat.say("snap-bob", "Anyone got a spare Kickstart 1.3 ROM?")
    chat.act("snap-bob", "waves")
    await a.keys("t", expect=r"/\? lists the commands")
    await a.keys("half a li", expect=r"half a li")
    chat.say("snap-bob", "hello ada")
    await a.keys(expect=r"hello ada")
    a.snap("chat")
    await a.keys(CTRL_U, "/quit\r", expect=r"Goodbye")
    chat.leave("snap-bob")
    await a.hangup()

    # two unfinished messages wait for carol's next call: the offer lists them, then shows one
    carol = await board.services.users.get("carol")
    drafts = board.services.drafts
    await drafts.save(carol.id, Draft((GROUP,), "Half a review", "The 1200 is\nfast."))
    await drafts.save(
        carol.id, Draft((), "Re: Welcome aboard", "Thanks, Ada.", kind="mail", to=("ada",))
    )
    d = walk.call(board)
    await d.keys("carol\r", expect=r"Password:")
    await d.keys(PASSWORD + "\r", expect=r"New bulletins: 1")
    await d.keys("\r", expect=r"A: add")
    await d.keys("\r", expect=r"shows one, \(L\)ater >")
    d.snap("draft_offer")
    await d.keys("2\r", expect=r"\(L\)ater >")
    d.snap("draft_offer_one")
    await d.keys("l", expect=r"shows one, \(L\)ater >")
    await d.keys("l", expect=r"Goodbye")
    await d.hangup()


async def walk_one(board: Any, target: Target) -> Walk:
    walk = Walk(target)
    try:
        await walk_board(board, walk)
    except AssertionError as exc:
        walk.error = str(exc)
    return walk


async def walk_all(data: Path) -> dict[str, Walk]:
    """Every target's walk, each on its own fresh board, all at once (the boards are made one
    after the other: alembic cannot migrate two databases at the same time in one process)."""
    async with AsyncExitStack() as stack:
        boards = []
        for target in TARGETS:
            folder = data / target.id
            folder.mkdir()
            changes = {"skin": target.skin} if target.skin else {}
            boards.append(await stack.enter_async_context(fresh_board(folder, **changes)))
        walks = await asyncio.gather(
            *(walk_one(b, t) for b, t in zip(boards, TARGETS, strict=True))
        )
    return {w.target.id: w for w in walks}


@pytest.fixture(scope="module")
def walks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Walk]:
    return asyncio.run(walk_all(tmp_path_factory.mktemp("snapshots")))


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_screen_matches_snapshot(walks: dict[str, Walk], target: Target, screen: str) -> None:
    walk = walks[target.id]
    shot = walk.shots.get(screen)
    if shot is None:
        pytest.fail(f"the walk stopped before the {screen!r} screen: {walk.error}", pytrace=False)
    check_snapshot(shot)


async def walk_era(board: Any, walk: Walk) -> None:
    """ada, whose skin is the era's (at no modem speed: the snapshots are of the screens), logs
    in at the era's main menu, then opens the message groups from it and reads an article."""
    await seed(board)
    era = walk.target.skin
    ada = await board.services.users.get("ada")
    await board.services.users.set_skin(ada.id, era)
    await board.services.users.set_bps(ada.id, 0)
    await board.services.groups.subscribe(ada, GROUP)
    main = board.board_info.skin_menus[era]["main"]
    bye = next(i for i in main.items if i.target == "logoff")
    groups = next(i for i in main.items if i.target == "groups")
    c = walk.call(board)
    await c.keys("ada\r", expect=r"Password")
    screen = await c.keys(PASSWORD + "\r")
    for _ in range(3):  # Enter past the logon's pages, if any, to the menu
        if re.search(re.escape(f"[{bye.key}] {bye.label}"), screen, re.I):
            break
        screen = await c.keys("\r")
    await c.keys("?")  # the menu again: what is above it no longer depends on the welcome
    c.snap("menu")
    await c.keys(groups.key.lower(), "g", GROUP + "\r", expect=r"C64 SID chip")
    await c.keys("\r", expect=r"Subject: C64 SID chip")
    c.snap("reader")
    await c.hangup()


async def walk_eras(data: Path) -> dict[str, Walk]:
    """Each era's walk on its own fresh board (the board's default skin stays the default)."""
    walks = {}
    for target in ERA_TARGETS:
        folder = data / target.id
        folder.mkdir()
        async with fresh_board(folder) as board:
            walk = Walk(target)
            try:
                await walk_era(board, walk)
            except AssertionError as exc:
                walk.error = str(exc)
            walks[target.id] = walk
    return walks


@pytest.fixture(scope="module")
def era_walks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Walk]:
    return asyncio.run(walk_eras(tmp_path_factory.mktemp("era-snapshots")))


@pytest.mark.parametrize("screen", ERA_SCREENS)
@pytest.mark.parametrize("target", ERA_TARGETS, ids=lambda t: t.id)
def test_era_screen_matches_snapshot(
    era_walks: dict[str, Walk], target: Target, screen: str
) -> None:
    walk = era_walks[target.id]
    shot = walk.shots.get(screen)
    if shot is None:
        pytest.fail(f"the walk stopped before the {screen!r} screen: {walk.error}", pytrace=False)
    check_snapshot(shot)


def around(raw: bytes, at: int) -> bytes:
    return raw[max(0, at - 40) : at + 40]


# ---- the eras' main screens (issue 10): the board's default skin is the era's ---------------
# Each case: a Target whose skin is the era's, and what its main screen shows when it is ready.
ERA_MAIN_SCREENS = (
    (Target("ansi1989", "xterm", 80, 24, skin="ansi1989"), r"Goodbye \(Log Off\)"),
    (Target("online1994", "xterm", 80, 24, skin="online1994"), r"^Keyword:\s*$"),
)


async def walk_era_main(board: Any, walk: Walk, ready: str) -> None:
    """carol calls with a letter from ada waiting (unthrottled: pacing has its own tests) and
    her main screen is recorded as "main"."""
    users = board.services.users
    ada = await users.register("ada", PASSWORD, real_name="Ada Lovelace", location="London")
    carol = await users.register("carol", PASSWORD, real_name="Carol Cable", location="Bristol")
    await board.services.mail.send(ada, ["carol"], [], "Welcome aboard", "Hello Carol")
    c = walk.call(board, user=await users.set_bps(carol.id, 0))
    await c.keys(expect=ready)
    c.snap("main")
    await c.hangup()


@pytest.mark.parametrize(
    ("target", "ready"), ERA_MAIN_SCREENS, ids=[t.id for t, _ in ERA_MAIN_SCREENS]
)
def test_era_main_screen_matches_snapshot(tmp_path: Path, target: Target, ready: str) -> None:
    async def run() -> Walk:
        walk = Walk(target)
        async with fresh_board(tmp_path, skin=target.skin) as board:
            await walk_era_main(board, walk, ready)
        return walk

    check_snapshot(asyncio.run(run()).shots["main"])


def test_dumb_terminal_gets_seven_bit_text_only(walks: dict[str, Walk]) -> None:
    walk = walks["dumb-80x24"]
    assert not walk.error, walk.error
    raw = walk.raw
    escapes = [i for i, b in enumerate(raw) if b == 0x1B]
    high = [i for i, b in enumerate(raw) if b > 0x7E]
    for what, where in (("ESC", escapes), ("bytes above 0x7E", high)):
        assert not where, f"{len(where)} x {what}, first at {where[0]}: {around(raw, where[0])!r}"


def test_ansi_terminal_gets_no_aixterm_colours(walks: dict[str, Walk]) -> None:
    walk = walks["ansi-80x24"]
    assert not walk.error, walk.error
    sgr = re.findall(rb"\x1b\[([0-9;]*)m", walk.raw)
    assert sgr, "no colour at all: is this still the ansi profile?"
    bright = [p for p in sgr if AIXTERM & {int(n or 0) for n in p.split(b";")}]
    assert not bright, f"ESC[9xm / ESC[10xm sent to a CP437 caller: {bright[:5]}"


def test_normalise_replaces_dates_times_and_counters() -> None:
    assert normalise("Date: Wed, 02 Dec 2026 03:53 UTC") == "Date: Www, DD Mmm YYYY HH:MM UTC"
    assert normalise("Welcome, carol!  Call #12  Last on: 01 Dec 2026 23:59 UTC") == (
        "Welcome, carol!  Call #NN  Last on: DD Mmm YYYY HH:MM UTC"
    )
    assert normalise("│ Calls        │ 3  │") == "│ Calls        │ N  │"
    assert normalise("You were online for 12 minutes.") == "You were online for NN minutes."
    assert (
        normalise("Goodbye, carol. You were online for 0")
        == "Goodbye, carol. You were online for N"
    )
    assert normalise("+  02 Dec  ada  Amiga 500") == "+  DD Mmm  ada  Amiga 500"
    assert normalise("article 1 (of 3)") == "article 1 (of 3)"


def test_normalise_replaces_idle_times_of_who_is_online() -> None:
    assert normalise(">   1 carol   Looking at who's online   12s fake") == (
        ">   1 carol   Looking at who's online   NNs fake"
    )
    assert normalise(" Node 1: carol via ssh, idle 3m: Reading") == (
        " Node N: carol via ssh, idle Nm: Reading"
    )
    assert normalise("the 80s were great") == "the 80s were great"

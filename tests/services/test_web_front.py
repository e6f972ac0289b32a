"""ui.web_front.WebFront over a real board's services (SQLite, and PostgreSQL when reachable):
what the front page and the classroom show, what they never show, and what they cost."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.activity import Activity
from retroboard.domain.users import Level, User
from retroboard.transports.web import pages
from retroboard.transports.web.backend import WebBackend
from retroboard.ui.art import ArtLibrary, default_art_dir, load_art
from retroboard.ui.art_html import art_html
from retroboard.ui.skin import load_skins
from retroboard.ui.web_front import LOGGING_IN, WebFront
from tests.helpers.boards import SERVICE_SETTINGS

SKINS = load_skins()
ADDRESS = "203.0.113.77"  # every caller's address: it must never reach a page
SECRETS = (
    "Alice Hidden-Realname",
    "Bob Shown-Realname",
    "Secretville",
    "Hometown Shown",
    ADDRESS,
    "staff.secret",
    "mods.only",
    "Moderators' corner",
    "xterm-256color",
)


@dataclass
class Clock:
    t: float = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Board:
    sv: Services
    db: Database
    settings: Settings


def _settings(**changes: object) -> Settings:
    return replace(
        SERVICE_SETTINGS, board_name="Floppy Shack", telnet_port=2323, ssh_port=2222, **changes
    )  # type: ignore[arg-type]


@pytest.fixture(name="b")
async def demo_board(db_url: str) -> AsyncIterator[Board]:
    """A demo board's services (guests and regulars on) over a fresh database."""
    db = Database(db_url)
    await upgrade(db)
    settings = _settings(guests=True, demo=True)
    try:
        yield Board(build_services(settings, db, EventBus()), db, settings)
    finally:
        await db.dispose()


def front(b: Board, **kw: object) -> WebFront:
    kw.setdefault("clock", Clock())
    return WebFront(b.sv, ArtLibrary([default_art_dir()]), SKINS["default"], b.settings, **kw)  # type: ignore[arg-type]


_sessions = iter(range(1, 1_000_000))


def connect(sv: Services, user: User | None, transport: str = "telnet") -> int:
    node = sv.presence.open(
        f"s{next(_sessions)}", transport=transport, address=ADDRESS, terminal="xterm-256color"
    ).number
    if user is not None:
        sv.presence.logged_in(node, user)
    return node


async def populate(b: Board) -> tuple[User, User]:
    """Two members with real names (one hides it, one shows it), a hidden group of each
    level above a new user's, calls recorded with locations, all on nodes from ADDRESS."""
    sv = b.sv
    alice = await sv.users.register(
        "alice", "correct horse 9", real_name="Alice Hidden-Realname", location="Secretville"
    )
    bob = await sv.users.register(
        "bob", "battery staple 7", real_name="Bob Shown-Realname", location="Hometown Shown"
    )
    bob = await sv.users.set_show_real_name(bob.id, True)
    await sv.groups.create("staff.secret", "Sysop stuff", read_level=Level.SYSOP)
    await sv.groups.create("mods.only", "Moderators' corner", read_level=Level.MODERATOR)
    await sv.groups.create("local.open", "Open to all", read_level=Level.USER)
    for user in (alice, bob):
        node = connect(sv, user)
        sv.presence.set_activity(node, Activity("reading", group="local.open"))
        await sv.calls.record(user, node, "telnet")
    return alice, bob


async def test_the_front_page_shows_handles_groups_and_ports_never_secrets(b: Board) -> None:
    await populate(b)
    connect(b.sv, None, "ssh")  # connected, not logged in: counted, not listed
    web = front(b)
    page = await web.front_page()

    assert page.board_name == "Floppy Shack"
    assert page.online_count == 3
    assert [(c.handle, c.doing, c.transport) for c in page.online] == [
        ("alice", "Reading local.open", "telnet"),
        ("bob", "Reading local.open", "telnet"),
    ]
    assert [c.handle for c in page.last_callers] == ["bob", "alice"]
    names = [g.name for g in page.groups]
    assert "local.open" in names and names == sorted(names)
    assert "staff.secret" not in names and "mods.only" not in names
    assert page.connect.telnet_port == 2323 and page.connect.ssh_port == 2222
    assert page.connect.host == b.settings.domain  # the listener's 0.0.0.0 is no name to show
    assert page.welcome_html.startswith('<pre class="art"')

    doc = pages.front_page_html(page)
    for secret in SECRETS:
        assert secret not in repr(page), secret
        assert secret not in doc, secret
        assert secret.replace("'", "&#x27;") not in doc, secret


async def test_groups_follow_the_anonymous_newsreader(db_url: str) -> None:
    """No anonymous reading on the board: the front page names no group at all."""
    db = Database(db_url)
    await upgrade(db)
    try:
        settings = _settings(nntp_anonymous_read=False)
        sv = build_services(settings, db, EventBus())
        await sv.groups.create("local.open", "Open to all")
        web = WebFront(sv, ArtLibrary([default_art_dir()]), SKINS["default"], settings)
        assert (await web.front_page()).groups == ()
    finally:
        await db.dispose()


async def test_the_classroom_lists_guests_first_and_never_an_address(b: Board) -> None:
    alice, bob = await populate(b)  # nodes 1 and 2
    waiting = connect(b.sv, None, "ssh")  # node 3
    g1 = await b.sv.users.new_guest()
    g2 = await b.sv.users.new_guest()
    n1 = connect(b.sv, g1, "web")  # node 4
    n2 = connect(b.sv, g2)  # node 5
    b.sv.presence.set_activity(n2, Activity("main_menu"))
    web = front(b)
    room = await web.classroom()

    assert room.board_name == "Floppy Shack" and room.demo
    assert [(n.node, n.handle, n.guest) for n in room.nodes] == [
        (n1, g1.handle, True),
        (n2, g2.handle, True),
        (1, "alice", False),
        (2, "bob", False),
        (waiting, LOGGING_IN, False),
    ]
    by_node = {n.node: n for n in room.nodes}
    assert by_node[n2].doing == "At the main menu"
    assert by_node[waiting].doing == "Logging in"
    assert by_node[n1].transport == "web"
    assert all(n.doing_seconds >= 0 and n.idle_seconds >= 0 for n in room.nodes)

    doc = pages.classroom_html(room)
    for secret in SECRETS:
        assert secret not in repr(room) and secret not in doc, secret


async def test_classroom_time_doing_comes_from_the_activity_start(b: Board) -> None:
    guest = await b.sv.users.new_guest()
    node = connect(b.sv, guest)
    since = b.sv.presence.node(node).activity_since  # type: ignore[union-attr]
    web = front(b, now=lambda: since + timedelta(seconds=90))
    (row,) = (await web.classroom()).nodes
    assert row.doing_seconds == pytest.approx(90.0)


async def test_a_board_without_guests_is_no_demo(db_url: str) -> None:
    db = Database(db_url)
    await upgrade(db)
    try:
        settings = _settings()
        sv = build_services(settings, db, EventBus())
        web = WebFront(sv, ArtLibrary([default_art_dir()]), SKINS["default"], settings)
        room = await web.classroom()
        assert room.demo is False and room.nodes == ()
    finally:
        await db.dispose()


async def test_guest_flags_are_read_once_per_account(b: Board) -> None:
    alice, bob = await populate(b)
    guest = await b.sv.users.new_guest()
    connect(b.sv, guest)
    web = front(b)
    reads: list[str] = []
    real_get, real_list = b.sv.users.get_by_id, b.sv.users.list

    async def get_by_id(uid: int) -> User:
        reads.append("get")
        return await real_get(uid)

    async def every() -> list[User]:
        reads.append("list")
        return await real_list()

    b.sv.users.get_by_id = get_by_id  # type: ignore[method-assign]
    b.sv.users.list = every  # type: ignore[method-assign]
    member = await b.sv.users.register("guest7", "battery staple 8")  # a member, named so
    connect(b.sv, member)
    room = await web.classroom()
    assert reads == ["get", "get"]  # the two guest-like handles, each read once
    assert [(n.handle, n.guest) for n in room.nodes if n.handle.startswith("guest")] == [
        (guest.handle, True),
        ("guest7", False),
    ]
    await web.classroom()
    await web.classroom()
    assert reads == ["get", "get"]
    for _ in range(4):  # many new accounts at once: one read of them all
        connect(b.sv, await b.sv.users.new_guest())
    room = await web.classroom()
    assert reads == ["get", "get", "list"]
    assert sum(n.guest for n in room.nodes) == 5


async def test_a_board_without_guest_logins_reads_no_accounts(db_url: str) -> None:
    db = Database(db_url)
    await upgrade(db)
    try:
        settings = _settings()
        sv = build_services(settings, db, EventBus())
        old_guest = await sv.users.new_guest()  # from when the board was a demo
        connect(sv, old_guest)
        web = WebFront(sv, ArtLibrary([]), SKINS["default"], settings)

        async def no_reads(*_: object) -> None:
            raise AssertionError("read an account")

        sv.users.get_by_id = no_reads  # type: ignore[method-assign,assignment]
        sv.users.list = no_reads  # type: ignore[method-assign,assignment]
        room = await web.classroom()
        assert [(n.handle, n.guest) for n in room.nodes] == [(old_guest.handle, False)]
    finally:
        await db.dispose()


async def test_last_callers_and_groups_are_read_once_per_interval(b: Board) -> None:
    await populate(b)
    clock = Clock()
    web = front(b, clock=clock, cache_seconds=2.0)
    counts = {"calls": 0, "groups": 0}
    real_last, real_groups = b.sv.calls.last, b.sv.news.groups

    async def last(n: int = 20) -> list[object]:
        counts["calls"] += 1
        await asyncio.sleep(0.01)  # a slow read: the others wait for it instead of reading
        return await real_last(n)  # type: ignore[return-value]

    async def groups(reader: User | None) -> list[object]:
        counts["groups"] += 1
        return await real_groups(reader)  # type: ignore[return-value]

    b.sv.calls.last = last  # type: ignore[method-assign,assignment]
    b.sv.news.groups = groups  # type: ignore[method-assign,assignment]
    first = await asyncio.gather(*(web.front_page() for _ in range(10)))
    assert counts == {"calls": 1, "groups": 1}
    assert len({p.last_callers for p in first}) == 1
    clock.t += 1.9
    await web.front_page()
    assert counts == {"calls": 1, "groups": 1}
    await b.sv.calls.record(await b.sv.users.get("alice"), 1, "ssh")
    clock.t += 0.2
    page = await web.front_page()
    assert counts == {"calls": 2, "groups": 2}
    assert (page.last_callers[0].handle, page.last_callers[0].transport) == ("alice", "ssh")


async def test_who_is_online_is_live_on_every_call(b: Board) -> None:
    web = front(b)
    assert (await web.front_page()).online == ()
    guest = await b.sv.users.new_guest()
    node = connect(b.sv, guest, "web")
    page = await web.front_page()  # within the cache interval: presence is still fresh
    assert [(c.node, c.handle, c.transport) for c in page.online] == [(node, guest.handle, "web")]
    b.sv.presence.close(node)
    assert (await web.front_page()).online_count == 0


async def test_welcome_is_the_art_librarys_rendered_once_per_file(b: Board, tmp_path: Path) -> None:
    """The sysop's art folder wins over the packaged welcome; a changed file is rendered anew,
    an unchanged one never again."""
    custom = tmp_path / "art"
    custom.mkdir()
    library = ArtLibrary([custom, default_art_dir()], interval=0)
    web = WebFront(b.sv, library, SKINS["default"], b.settings)
    packaged = art_html(load_art(default_art_dir() / "welcome.ans"), label="Floppy Shack: welcome")
    assert web.welcome_html() == packaged

    (custom / "welcome.ans").write_bytes(b"\x1b[1;32mOur own <welcome>\x1b[0m")
    first = web.welcome_html()
    assert first == (
        '<pre class="art" role="img" aria-label="Floppy Shack: welcome">'
        '<span class="fg10">Our own &lt;welcome&gt;</span></pre>'
    )
    assert web.welcome_html() is first  # the same art object: not rendered again
    assert (await web.front_page()).welcome_html is first

    (custom / "welcome.ans").write_bytes(b"\x1b[1;31mChanged!\x1b[0m")
    st = (custom / "welcome.ans").stat()
    os.utime(custom / "welcome.ans", ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert "Changed!" in web.welcome_html()


async def test_no_welcome_art_when_the_skin_draws_none(b: Board) -> None:
    web = WebFront(b.sv, ArtLibrary([default_art_dir()]), SKINS["plain"], b.settings)
    assert SKINS["plain"].art is False
    assert (await web.front_page()).welcome_html == ""
    empty = WebFront(b.sv, ArtLibrary([]), SKINS["default"], b.settings)
    assert (await empty.front_page()).welcome_html == ""


def test_host_and_http_port() -> None:
    sv = build_services(SERVICE_SETTINGS, Database("sqlite+aiosqlite://"), EventBus())
    art = ArtLibrary([default_art_dir()])
    named = WebFront(sv, art, SKINS["default"], replace(SERVICE_SETTINGS, host="10.0.0.5"))
    assert named.connect.host == "10.0.0.5"
    assert named.connect.http_port == SERVICE_SETTINGS.http_port == 8080
    given = WebFront(sv, art, SKINS["default"], SERVICE_SETTINGS, host="bbs.example", http_port=81)
    assert (given.connect.host, given.connect.http_port) == ("bbs.example", 81)


def test_it_is_a_web_backend() -> None:
    sv = build_services(SERVICE_SETTINGS, Database("sqlite+aiosqlite://"), EventBus())
    backend: WebBackend = WebFront(sv, ArtLibrary([]), SKINS["default"], SERVICE_SETTINGS)
    assert callable(backend.front_page) and callable(backend.classroom)


async def test_long_lists_are_capped_guests_kept(b: Board, monkeypatch: pytest.MonkeyPatch) -> None:
    from retroboard.ui import web_front

    monkeypatch.setattr(web_front, "ONLINE_SHOWN", 2)
    monkeypatch.setattr(web_front, "CLASSROOM_SHOWN", 2)
    await populate(b)  # alice and bob on nodes 1 and 2
    guest = await b.sv.users.new_guest()
    node = connect(b.sv, guest)  # node 3
    web = front(b)
    page = await web.front_page()
    assert page.online_count == 3 and [c.node for c in page.online] == [1, 2]
    assert "3 callers connected, 2 of them listed below." in pages.front_page_html(page)
    room = await web.classroom()
    assert [(n.node, n.guest) for n in room.nodes] == [(node, True), (1, False)]

"""Pages, yells for the sysop and sysop broadcasts (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.community import PAGE_MAX
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import NoticeSent
from retroboard.domain.users import Level, User
from retroboard.services.pages import PAGES_PER_MINUTE, Paged, PageService


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await upgrade(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def sv(db: Database, bus: EventBus) -> Services:
    settings = Settings(
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, default_groups=""
    )
    return build_services(settings, db, bus)


@pytest.fixture
def sent(bus: EventBus) -> Iterator[list[NoticeSent]]:
    got: list[NoticeSent] = []
    with bus.listen(NoticeSent, got.append):
        yield got


async def member(sv: Services, handle: str, level: Level = Level.USER) -> User:
    return await sv.users.register(handle, f"{handle}-Pass-123", level=level)


def online(sv: Services, user: User, transport: str = "telnet") -> str:
    """Put `user` on a node; returns the session id."""
    sid = f"s-{user.handle}-{len(sv.presence) + 1}"
    node = sv.presence.open(sid, transport=transport, address="127.0.0.1", terminal="xterm")
    sv.presence.logged_in(node.number, user)
    return sid


async def test_a_page_reaches_every_session_of_the_member(
    sv: Services, sent: list[NoticeSent]
) -> None:
    ada, bob = await member(sv, "ada"), await member(sv, "Bob")
    sid = online(sv, ada)
    online(sv, bob)
    online(sv, bob, "ssh")
    paged = await sv.pages.page(ada, sid, " bob ", "Lunch\x1b[31m at\u202e noon?")
    assert paged.to == "Bob" and paged.sessions == 2
    assert sent == [NoticeSent("Lunch at noon?", "page", "ada", to_user=bob.id)]
    # the listener installed per session decides; bob's sessions take it, ada's does not
    assert sent[0].for_session("any", bob.id) and not sent[0].for_session(sid, ada.id)


async def test_yourself_nobody_and_offline_are_refused_clearly(
    sv: Services, sent: list[NoticeSent]
) -> None:
    ada, _carol = await member(sv, "ada"), await member(sv, "carol")
    sid = online(sv, ada)
    with pytest.raises(ValidationError, match="cannot page yourself"):
        await sv.pages.page(ada, sid, "ADA", "hello")
    with pytest.raises(NotFound, match="No user called 'nobody'"):
        await sv.pages.page(ada, sid, "nobody", "hello")
    with pytest.raises(NotFound, match="carol is not online"):
        await sv.pages.page(ada, sid, "carol", "hello")
    with pytest.raises(ValidationError, match="Page whom"):
        await sv.pages.page(ada, sid, "  ", "hello")
    assert sent == []


async def test_empty_and_long_lines_are_refused_not_cut(
    sv: Services, sent: list[NoticeSent]
) -> None:
    ada, bob = await member(sv, "ada"), await member(sv, "bob")
    sid = online(sv, ada)
    online(sv, bob)
    with pytest.raises(ValidationError, match="needs some text"):
        await sv.pages.page(ada, sid, "bob", " \x1b\u200b ")
    with pytest.raises(ValidationError, match=f"at most {PAGE_MAX} characters .*{PAGE_MAX + 1}"):
        await sv.pages.page(ada, sid, "bob", "x" * (PAGE_MAX + 1))
    await sv.pages.page(ada, sid, "bob", "x" * PAGE_MAX)
    assert [len(n.text) for n in sent] == [PAGE_MAX]


async def test_do_not_disturb_and_an_ignore_read_alike_and_a_sysop_gets_through(
    sv: Services, sent: list[NoticeSent]
) -> None:
    ada, bob, carol = await member(sv, "ada"), await member(sv, "bob"), await member(sv, "carol")
    root = await member(sv, "boss", Level.SYSOP)
    sid, root_sid = online(sv, ada), online(sv, root)
    online(sv, bob)
    online(sv, carol)
    await sv.users.set_do_not_disturb(bob.id, True)
    await sv.ignores.ignore(carol, "ada")
    with pytest.raises(ValidationError) as dnd:
        await sv.pages.page(ada, sid, "bob", "hi")
    with pytest.raises(ValidationError) as ignored:
        await sv.pages.page(ada, sid, "carol", "hi")
    assert str(dnd.value) == "bob does not want to be disturbed right now."
    assert str(ignored.value) == str(dnd.value).replace("bob", "carol")  # the ignore not shown
    assert sent == []
    await sv.pages.page(root, root_sid, "bob", "sysop here")
    await sv.ignores.ignore(carol, "boss")
    await sv.pages.page(root, root_sid, "carol", "sysop here")
    assert [(n.sender, n.to_user) for n in sent] == [("boss", bob.id), ("boss", carol.id)]
    await sv.users.set_do_not_disturb(bob.id, False)
    await sv.pages.page(ada, sid, "bob", "now?")
    assert sent[-1].to_user == bob.id


async def test_a_sender_may_page_five_times_a_minute(
    db: Database, bus: EventBus, sv: Services, sent: list[NoticeSent]
) -> None:
    clock = Clock()
    pages = PageService(db, bus, sv.presence, sv.ignores, clock=clock)
    ada, bob = await member(sv, "ada"), await member(sv, "bob")
    sid = online(sv, ada)
    online(sv, bob)
    for n in range(PAGES_PER_MINUTE):
        await pages.page(ada, sid, "bob", f"page {n}")
    with pytest.raises(ValidationError, match=f"at most {PAGES_PER_MINUTE} pages a minute"):
        await pages.page(ada, sid, "bob", "one more")
    assert len(sent) == PAGES_PER_MINUTE
    clock.now += 61
    await pages.page(ada, sid, "bob", "later")
    assert sent[-1].text == "later"


async def test_yelling_for_the_sysop_reaches_every_sysop_session_and_the_log(
    sv: Services, sent: list[NoticeSent], caplog: pytest.LogCaptureFixture
) -> None:
    ada, bob = await member(sv, "ada"), await member(sv, "bob")
    root = await member(sv, "boss", Level.SYSOP)
    sid = online(sv, ada)
    online(sv, bob)
    online(sv, root)
    online(sv, root, "ssh")
    with caplog.at_level(logging.INFO, logger="retroboard.services.pages"):
        reached = await sv.pages.page_sysop(ada, sid, "My \x1b[2Jposts\u200b vanished")
    assert reached == 2
    assert sent == [NoticeSent("My posts vanished", "page", "ada", to_user=root.id)]
    assert any(
        "sysop paged by ada" in r.getMessage() and "My posts vanished" in r.getMessage()
        for r in caplog.records
    )
    with pytest.raises(ValidationError, match="needs some text"):
        await sv.pages.page_sysop(ada, sid, "")


async def test_no_sysop_online_says_so_and_suggests_feedback(
    sv: Services, sent: list[NoticeSent], caplog: pytest.LogCaptureFixture
) -> None:
    ada = await member(sv, "ada")
    await member(sv, "boss", Level.SYSOP)  # exists, but is not on
    sid = online(sv, ada)
    with (
        caplog.at_level(logging.INFO, logger="retroboard.services.pages"),
        pytest.raises(NotFound, match="No sysop is online.*feedback"),
    ):
        await sv.pages.page_sysop(ada, sid, "help")
    assert sent == []
    assert any("no sysop online" in r.getMessage() for r in caplog.records)


async def test_only_a_sysop_broadcasts_and_the_level_is_read_now(
    sv: Services, sent: list[NoticeSent]
) -> None:
    ada = await member(sv, "ada")
    root = await member(sv, "boss", Level.SYSOP)
    online(sv, ada)
    online(sv, root)
    sv.presence.open("waiting", transport="ssh", address="10.0.0.9", terminal="xterm")
    with pytest.raises(PermissionDenied, match="Only a sysop"):
        await sv.pages.broadcast(ada, "hello all")
    assert await sv.pages.broadcast(root, "Going down\x07 at 10") == 3
    assert sent == [NoticeSent("Going down at 10", "broadcast", "boss")]
    await sv.users.set_level("boss", Level.USER)
    with pytest.raises(PermissionDenied):
        await sv.pages.broadcast(root, "still sysop?")  # the User object is stale


async def test_online_handles_once_each_alphabetically(sv: Services) -> None:
    ada, bob, zed = await member(sv, "ada"), await member(sv, "Bob"), await member(sv, "zed")
    online(sv, zed)
    online(sv, bob)
    online(sv, bob)
    online(sv, ada)
    sv.presence.open("x", transport="telnet", address="1.2.3.4", terminal="ansi")  # not in yet
    assert sv.pages.online_handles() == ["ada", "Bob", "zed"]
    assert sv.pages.online_handles(but="ADA") == ["Bob", "zed"]


async def test_reachable_answers_before_any_text_and_sends_nothing(
    sv: Services, sent: list[NoticeSent]
) -> None:
    ada, bob, carol = await member(sv, "ada"), await member(sv, "Bob"), await member(sv, "carol")
    online(sv, ada)
    online(sv, bob)
    online(sv, bob)
    assert await sv.pages.reachable(ada, "BOB") == Paged("Bob", 2)
    with pytest.raises(ValidationError, match="cannot page yourself"):
        await sv.pages.reachable(ada, "ada")
    with pytest.raises(NotFound, match="carol is not online"):
        await sv.pages.reachable(ada, "carol")
    online(sv, carol)
    await sv.ignores.ignore(carol, "ada")
    with pytest.raises(ValidationError, match="carol does not want to be disturbed"):
        await sv.pages.reachable(ada, "carol")
    assert sent == []

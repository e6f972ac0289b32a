"""Guest accounts, read-only guests and importing dated articles (SQLite, and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.errors import AuthFailed, Conflict, PermissionDenied, ValidationError


@dataclass
class Board:
    sv: Services
    db: Database


def settings(**changes: object) -> Settings:
    base = Settings(
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        domain="test.example",
        default_groups="net.general",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await upgrade(database)
    try:
        yield database
    finally:
        await database.dispose()


def board(db: Database, **changes: object) -> Board:
    return Board(build_services(settings(**changes), db, EventBus()), db)


async def setup(b: Board) -> None:
    """A group, and fred (no password) with one article dated 1983 (<1001@wombat.UUCP>)."""
    await b.sv.groups.create("net.general", "Everything else")
    await b.sv.groups.create("net.micro", "Small computers")
    fred = await b.sv.users.add_member("fred", real_name="Fred Wombat")
    await b.sv.articles.import_article(
        fred,
        ["net.general"],
        "Modems",
        "300 baud.",
        date=datetime(1983, 5, 2, tzinfo=UTC),
        message_id="<1001@wombat.UUCP>",
    )


async def test_import_keeps_the_article_checks(db: Database) -> None:
    b = board(db)
    await setup(b)
    fred = await b.sv.users.get("fred")
    when = datetime(1984, 1, 1, tzinfo=UTC)
    with pytest.raises(Conflict):
        await b.sv.articles.import_article(
            fred, ["net.general"], "Again", "x", date=when, message_id="<1001@wombat.UUCP>"
        )
    with pytest.raises(ValidationError, match="time zone"):
        await b.sv.articles.import_article(
            fred, ["net.general"], "Naive", "x", date=datetime(1984, 1, 1), message_id="<9@x.y>"
        )
    with pytest.raises(ValidationError, match="Subject is empty"):
        await b.sv.articles.import_article(
            fred, ["net.general"], "\x1b[2J", "x", date=when, message_id="<9@x.y>"
        )
    result = await b.sv.articles.import_article(
        fred, ["net.general"], "Clean\u202e me", "body\x07", date=when, message_id="<9@x.y>"
    )
    assert result.article.head.subject == "Clean me" and result.article.body == "body"
    assert result.article.head.number == 2 and not result.pending


async def test_guests_are_fresh_distinct_accounts_only_where_guests_are_on(db: Database) -> None:
    off = board(db)
    with pytest.raises(AuthFailed, match="no guest logins"):
        await off.sv.auth.guest_login("192.0.2.1")
    on = board(db, guests=True)
    await setup(on)
    first = (await on.sv.auth.guest_login("192.0.2.1")).user
    second = (await on.sv.auth.guest_login("192.0.2.1")).user
    assert (first.handle, second.handle) == ("guest1", "guest2")
    assert first.guest and second.guest and first.id != second.id
    assert first.level.label == "user"
    status = await on.sv.groups.selector(first, subscribed_only=True)
    assert [g.group.name for g in status] == ["net.general"]  # the demo's default groups
    # a member who took a guest-like handle is skipped over
    await on.sv.users.register("guest3", "Guest-three-3")
    assert (await on.sv.auth.guest_login("192.0.2.1")).user.handle == "guest4"
    with pytest.raises(AuthFailed):  # and a guest cannot be logged in to by password
        await on.sv.auth.login("guest1", "", "192.0.2.9")


async def test_read_only_guests_cannot_write_but_members_and_writing_guests_can(
    db: Database,
) -> None:
    ro = board(db, guests=True, demo_guests_read_only=True)
    await setup(ro)
    guest = (await ro.sv.auth.guest_login("192.0.2.1")).user
    with pytest.raises(PermissionDenied, match="Guests on this demo board may look around"):
        await ro.sv.articles.post(guest, ["net.general"], "Hello", "Hi from class")
    with pytest.raises(PermissionDenied, match="a letter needs an account"):
        await ro.sv.mail.send(guest, ["fred"], subject="Hi", body="Hello")
    with pytest.raises(PermissionDenied, match="a one-liner needs an account"):
        await ro.sv.oneliners.add(guest, "hello")
    member = await ro.sv.users.register("teacher", "Teach-pass-7")
    assert not (await ro.sv.articles.post(member, ["net.general"], "Hello", "Hi")).pending
    rw = board(db, guests=True)
    posted = await rw.sv.articles.post(guest, ["net.general"], "Hello", "Hi from class")
    assert posted.article.head.author == "guest1"

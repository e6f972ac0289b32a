"""One-liners, calls, bulletins, profiles and preferences (SQLite, and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import utcnow
from retroboard.domain.community import ABOUT_MAX, ONELINER_MAX
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.users import Level, User


@dataclass
class Board:
    sv: Services
    db: Database


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[Board]:
    db = Database(db_url)
    await upgrade(db)
    settings = Settings(
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        domain="test.example",
        default_groups="",
    )
    try:
        yield Board(build_services(settings, db, EventBus()), db)
    finally:
        await db.dispose()


async def member(b: Board, handle: str, level: Level = Level.USER, location: str = "") -> User:
    return await b.sv.users.register(handle, f"{handle}-Pass-123", level=level, location=location)


# --- one-liners ---------------------------------------------------------------------------


async def test_oneliner_limit_is_exact_and_said(board: Board) -> None:
    ada = await member(board, "ada")
    walls = board.sv.oneliners
    fits = "x" * ONELINER_MAX
    assert (await walls.add(ada, fits)).text == fits
    with pytest.raises(ValidationError, match=f"at most {ONELINER_MAX} characters"):
        await walls.add(ada, "y" * (ONELINER_MAX + 1))
    for empty in ("", "   ", "\u200b\u202e", "\x1b[2J"):
        with pytest.raises(ValidationError, match="needs some text"):
            await walls.add(ada, empty)
    assert [o.text for o in await walls.latest()] == [fits]


async def test_oneliner_is_cleaned_and_latest_are_in_wall_order(board: Board) -> None:
    ada = await member(board, "ada")
    walls = board.sv.oneliners
    got = await walls.add(ada, "  hel\u202elo\x07 \u200bworld\r\nagain ")
    assert got.text == "hello world again" and got.handle == "ada"
    for i in range(20):
        await walls.add(ada, f"line {i}")
    wall = await walls.latest()
    assert [o.text for o in wall] == [f"line {i}" for i in range(5, 20)]  # last 15, oldest first
    assert [o.text for o in await walls.latest(2)] == ["line 18", "line 19"]


# --- calls --------------------------------------------------------------------------------


async def test_last_callers_newest_first_with_node_and_transport(board: Board) -> None:
    ada = await member(board, "ada", location="London")
    bob = await member(board, "bob", location="Leeds")
    calls = board.sv.calls
    await calls.record(ada, 1, "telnet")
    await calls.record(bob, 2, "ssh")
    await calls.record(ada, 3, "ssh")
    last = await calls.last()
    assert [(c.handle, c.location, c.node, c.transport) for c in last] == [
        ("ada", "London", 3, "ssh"),
        ("bob", "Leeds", 2, "ssh"),
        ("ada", "London", 1, "telnet"),
    ]
    assert last[0].at >= last[1].at >= last[2].at
    assert len(await calls.last(2)) == 2


async def test_callers_since_skips_the_caller(board: Board) -> None:
    ada = await member(board, "ann")
    bob = await member(board, "ben")
    before = utcnow() - timedelta(seconds=1)
    await board.sv.calls.record(ada, 1, "telnet")
    await board.sv.calls.record(bob, 2, "telnet")
    await board.sv.calls.record(bob, 2, "ssh")
    assert await board.sv.calls.callers_since(before, except_user=ada) == 2
    assert await board.sv.calls.callers_since(before, except_user=bob) == 1
    assert await board.sv.calls.callers_since(before) == 3
    assert await board.sv.calls.callers_since(utcnow() + timedelta(seconds=5)) == 0


async def test_since_last_call_counts_articles_letters_and_callers(board: Board) -> None:
    sv = board.sv
    ada = await member(board, "ada")
    bob = await member(board, "bob")
    await sv.groups.create("comp.sys.test")
    await sv.groups.create("alt.other")
    await sv.groups.subscribe(ada, "comp.sys.test")
    previous = utcnow() - timedelta(seconds=1)
    await sv.calls.record(bob, 2, "ssh")
    await sv.articles.post(bob, ["comp.sys.test"], "One", "first")
    await sv.articles.post(bob, ["comp.sys.test"], "Two", "second")
    await sv.articles.post(bob, ["alt.other"], "Elsewhere", "not ada's group")
    await sv.mail.send(bob, ["ada"], [], "Hi", "hello")
    summary = await sv.calls.since_last_call(ada, previous)
    assert (summary.new_articles, summary.new_letters, summary.callers) == (2, 1, 1)
    await sv.articles.read_article(ada, "comp.sys.test", 1)
    assert (await sv.calls.since_last_call(ada, previous)).new_articles == 1


# --- bulletins ----------------------------------------------------------------------------


async def test_only_a_sysop_writes_bulletins(board: Board) -> None:
    boss = await member(board, "boss", Level.SYSOP)
    mod = await member(board, "mod", Level.MODERATOR)
    with pytest.raises(PermissionDenied, match="sysop"):
        await board.sv.bulletins.add(mod, "News", "body")
    with pytest.raises(ValidationError, match="title"):
        await board.sv.bulletins.add(boss, "  \u200b ", "body")
    with pytest.raises(ValidationError, match="text"):
        await board.sv.bulletins.add(boss, "News", "\n \n")
    b = await board.sv.bulletins.add(boss, "Ne\u202ews", "Line one\n\x1b[31mLine two\n")
    assert (b.title, b.body, b.author) == ("News", "Line one\nLine two", "boss")
    assert await board.sv.bulletins.get(b.id) == b
    with pytest.raises(NotFound):
        await board.sv.bulletins.get(b.id + 99)


async def test_bulletins_unseen_then_seen_once(board: Board) -> None:
    boss = await member(board, "boss", Level.SYSOP)
    ada = await member(board, "ada")
    bl = board.sv.bulletins
    first = await bl.add(boss, "First", "one")
    second = await bl.add(boss, "Second", "two")
    assert [b.title for b in await bl.list()] == ["Second", "First"]
    assert [b.id for b in await bl.unseen(ada)] == [first.id, second.id]
    await bl.mark_seen(ada, second.id)
    assert await bl.unseen(ada) == []
    await bl.mark_seen(ada, first.id)  # never goes back
    assert await bl.unseen(ada) == []
    third = await bl.add(boss, "Third", "three")
    assert [b.id for b in await bl.unseen(ada)] == [third.id]
    assert await bl.unseen(boss) == []  # the author has read them
    other = await member(board, "other", Level.SYSOP)
    await bl.add(other, "Fourth", "four")
    assert [b.title for b in await bl.unseen(boss)] == ["Fourth"]
    fifth = await bl.add(boss, "Fifth", "five")  # boss has not read Fourth: both stay new
    assert [b.title for b in await bl.unseen(boss)] == ["Fourth", "Fifth"]
    await bl.delete(boss, fifth.id)
    with pytest.raises(PermissionDenied):
        await bl.delete(ada, third.id)
    await bl.delete(boss, third.id)
    assert [b.title for b in await bl.unseen(ada)] == ["Fourth"]
    with pytest.raises(NotFound):
        await bl.delete(None, third.id)


# --- profiles, preferences, members --------------------------------------------------------


async def test_profile_counts_posts_and_hides_real_name(board: Board) -> None:
    sv = board.sv
    ada = await sv.users.register(
        "Ada", "Ada-Pass-123", real_name="Ada Lovelace", location="London"
    )
    await sv.groups.create("comp.sys.test")
    await sv.articles.post(ada, ["comp.sys.test"], "Hello", "first post")
    await sv.articles.post(ada, ["comp.sys.test"], "Again", "second post")
    p = await sv.users.profile("ADA")
    assert (p.handle, p.location, p.posts, p.calls, p.real_name) == ("Ada", "London", 2, 1, "")
    assert p.level_name == "user" and p.member_since <= utcnow()
    await sv.users.set_show_real_name(ada.id, True)
    assert (await sv.users.profile("ada")).real_name == "Ada Lovelace"
    with pytest.raises(NotFound):
        await sv.users.profile("nobody")


async def test_about_is_one_clean_paragraph_within_the_limit(board: Board) -> None:
    sv = board.sv
    ada = await member(board, "ada")
    user = await sv.users.set_about(ada.id, "I like\r\n\x1b[5mretro\u200b\u202e things.\n")
    assert user.about == "I like retro things."
    assert (await sv.users.profile("ada")).about == "I like retro things."
    await sv.users.set_about(ada.id, "a" * ABOUT_MAX)
    with pytest.raises(ValidationError, match=f"at most {ABOUT_MAX}"):
        await sv.users.set_about(ada.id, "a" * (ABOUT_MAX + 1))


async def test_preferences_reach_the_user(board: Board) -> None:
    sv = board.sv
    ada = await member(board, "ada")
    assert not (ada.expert or ada.do_not_disturb or ada.show_real_name)
    assert (await sv.users.set_expert(ada.id, True)).expert
    assert (await sv.users.set_do_not_disturb(ada.id, True)).do_not_disturb
    again = await sv.users.get("ada")
    assert again.expert and again.do_not_disturb and not again.show_real_name
    assert not (await sv.users.set_expert(ada.id, False)).expert


async def test_members_search_and_pages(board: Board) -> None:
    sv = board.sv
    for handle, where in (("alice", "London"), ("bob", "Leeds"), ("carol", "Paris"), ("dan", "")):
        await member(board, handle, location=where)
    everyone = await sv.users.members()
    assert [u.handle for u in everyone] == ["alice", "bob", "carol", "dan"]
    assert [u.handle for u in await sv.users.members("L")] == ["alice", "bob", "carol"]
    assert [u.handle for u in await sv.users.members("lEe")] == ["bob"]
    assert [u.handle for u in await sv.users.members("aro")] == ["carol"]
    assert [u.handle for u in await sv.users.members("%")] == []  # no wildcards
    assert [u.handle for u in await sv.users.members("_")] == []
    assert [u.handle for u in await sv.users.members("", offset=1, limit=2)] == ["bob", "carol"]
    with pytest.raises(ValidationError):
        await sv.users.members("x" * 41)


async def test_since_a_first_call_counts_every_other_caller(board: Board) -> None:
    ada, bob = await member(board, "ada"), await member(board, "bob")
    await board.sv.calls.record(bob, 1, "telnet")
    await board.sv.calls.record(ada, 2, "telnet")
    summary = await board.sv.calls.since_last_call(ada, None)
    assert (summary.new_articles, summary.new_letters, summary.callers) == (0, 0, 1)


async def test_a_deleted_member_s_calls_and_one_liners_stay(board: Board) -> None:
    ada = await member(board, "ada", location="London")
    await board.sv.calls.record(ada, 1, "telnet")
    await board.sv.oneliners.add(ada, "Goodbye, all!")
    await board.sv.users.delete("ada")
    [call] = await board.sv.calls.last()
    assert (call.handle, call.location) == ("ada", "London")
    assert [(o.handle, o.text) for o in await board.sv.oneliners.latest()] == [
        ("ada", "Goodbye, all!")
    ]

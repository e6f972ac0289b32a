"""The thread list's service calls: the last page fetched directly, pages above it, and K."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.errors import NotFound
from retroboard.domain.users import Level, User

THREADS = 300


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[tuple[Services, Database]]:
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
        yield build_services(settings, db, EventBus()), db
    finally:
        await db.dispose()


async def people(sv: Services) -> tuple[User, User]:
    a = await sv.users.register("alice", "Alice-pass-1")
    b = await sv.users.register("bob", "Bobby-pass-1")
    return a, b


async def test_last_page_of_a_big_group_directly(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob = await people(sv)
    await sv.groups.create("test.big", "many threads")
    for i in range(THREADS):
        await sv.articles.post(alice, ["test.big"], f"thread {i:03}", "x")
    last = await sv.articles.thread_page(bob, "test.big", from_end=True, limit=20)
    # the oldest 20 threads, newest first as the list shows them, and 280 above them
    assert [t.subject for t in last.threads] == [f"thread {i:03}" for i in reversed(range(20))]
    assert last.cursor is None and last.skipped == THREADS - 20
    assert all(len(t.articles) == 1 and not t.articles[0].read for t in last.threads)
    # the same threads as paging down from the top all the way
    seen: list[str] = []
    cursor = None
    while True:
        page = await sv.articles.thread_page(bob, "test.big", cursor=cursor, limit=70)
        seen += [t.subject for t in page.threads]
        if page.cursor is None:
            break
        cursor = page.cursor
    assert seen[-20:] == [t.subject for t in last.threads] and len(seen) == THREADS
    # pages above the last one, up to the top, give the rest in order
    up: list[str] = []
    first = last.threads[0]
    above: tuple | None = (first.last_post_at, first.thread_id)
    while above is not None:
        page = await sv.articles.thread_page(bob, "test.big", above=above, limit=90)
        up = [t.subject for t in page.threads] + up
        above = page.cursor
    assert up == seen[:-20]
    # a group smaller than a page: everything, nothing skipped
    await sv.articles.post(alice, ["misc.test"], "only one", "x")
    small = await sv.articles.thread_page(bob, "misc.test", from_end=True, limit=20)
    assert [t.subject for t in small.threads] == ["only one"] and small.skipped == 0
    empty = await sv.articles.thread_page(bob, "local.general", from_end=True)
    assert empty.threads == () and empty.skipped == 0 and empty.cursor is None


async def test_mark_thread_read(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob = await people(sv)
    root = (await sv.articles.post(alice, ["misc.test"], "a thread", "one")).article
    parent = root.head.message_id
    for i in range(3):
        reply = await sv.articles.post(
            alice, ["misc.test", "comp.sys.retro"], "Re: a thread", f"r{i}", parent
        )
        parent = reply.article.head.message_id
    other = (await sv.articles.post(alice, ["misc.test"], "another", "two")).article
    await sv.articles.read_article(bob, "misc.test", 2)  # one reply already read
    marked = await sv.articles.mark_thread_read(bob, "misc.test", root.head.thread_id)
    assert marked == 3  # the root and two replies were unread
    status = await sv.groups.status(bob, "misc.test")
    assert status.unread == 1  # only the other thread is left
    page = await sv.articles.thread_page(bob, "misc.test")
    read = {t.subject: [a.read for a in t.articles] for t in page.threads}
    assert read == {"a thread": [True, True, True, True], "another": [False]}
    assert other.head.number == 5
    # the replies cross-posted to comp.sys.retro are read there too
    assert (await sv.groups.status(bob, "comp.sys.retro")).unread == 0
    assert await sv.articles.mark_thread_read(bob, "misc.test", root.head.thread_id) == 0
    with pytest.raises(NotFound):
        await sv.articles.mark_thread_read(bob, "misc.test", other.head.thread_id + 99)
    with pytest.raises(NotFound):
        await sv.articles.mark_thread_read(bob, "local.general", root.head.thread_id)
    await sv.groups.create("local.staff", "staff only", read_level=Level.MODERATOR)
    staff = await sv.users.register("staff", "Staff-pass-1", level=Level.MODERATOR)
    post = (await sv.articles.post(staff, ["local.staff"], "staff", "x")).article
    with pytest.raises(NotFound):  # a group bob may not read is not there for him
        await sv.articles.mark_thread_read(bob, "local.staff", post.head.thread_id)

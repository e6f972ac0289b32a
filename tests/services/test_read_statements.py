"""The hot read paths' statement budgets: a change that adds a query to them fails here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from retroboard.app import Services
from retroboard.db.engine import Database


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements run inside the block, through the ORM/Core engine and through the
    fast path (db/fastpath.py, seen by `Database.trace`), without SQLite's BEGIN (PostgreSQL's
    begin is no statement), so the budgets below hold on both."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if not sql.lstrip().upper().startswith("BEGIN"):
            seen.append(sql)

    def fast(sql: str, _params: Any) -> None:
        seen.append(sql)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    db.trace = fast
    try:
        yield seen
    finally:
        db.trace = None
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def test_read_paths_stay_within_their_statement_budgets(
    board: tuple[Services, Database],
) -> None:
    sv, db = board
    alice = await sv.users.register("alice", "Alice-pass-1")
    bob = await sv.users.register("bob", "Bobby-pass-1")
    await sv.groups.subscribe(bob, "comp.sys.retro")
    for i in range(3):
        await sv.articles.post(alice, ["comp.sys.retro"], f"Single {i}", "Body.")
    cross = (
        await sv.articles.post(alice, ["comp.sys.retro", "misc.test"], "Both groups", "Body.")
    ).article
    [(_, n)] = [x for x in cross.xref if x[0] == "comp.sys.retro"]

    with statements(db) as seen:  # unread, in two groups: one read, one write per group
        art = await sv.articles.read_article(bob, "comp.sys.retro", n)
    assert art.head.read and len(seen) <= 3, seen
    assert (await sv.articles.next_unread(bob, "misc.test")) is None  # marked there too

    with statements(db) as seen:  # already read: nothing to write
        await sv.articles.read_article(bob, "misc.test", 1)
    assert len(seen) <= 1, seen

    with statements(db) as seen:
        art = await sv.articles.read_article(bob, "comp.sys.retro", 1, mark_read=False)
    assert not art.head.read and len(seen) <= 1, seen

    with statements(db) as seen:  # unread, one group, existing newsrc row
        await sv.articles.read_article(bob, "comp.sys.retro", 2)
    assert len(seen) <= 2, seen

    with statements(db) as seen:
        head = await sv.articles.next_unread(bob, "comp.sys.retro", after=2)
    assert head is not None and head.number == 3 and len(seen) <= 2, seen

    with statements(db) as seen:
        [status] = await sv.groups.selector(bob, subscribed_only=True)
    assert status.group.name == "comp.sys.retro" and status.unread == 2
    assert len(seen) <= 1, seen

    with statements(db) as seen:  # the group with bob's marks, the threads, their heads
        page = await sv.articles.thread_page(bob, "comp.sys.retro", limit=2)
    assert [len(t.articles) for t in page.threads] == [1, 1] and page.cursor is not None
    assert len(seen) <= 3, seen

    with statements(db) as seen:  # the same and the count of threads above the page
        page = await sv.articles.thread_page(bob, "comp.sys.retro", limit=2, from_end=True)
    assert page.skipped == 2 and len(seen) <= 4, seen

    with statements(db) as seen:
        view = await sv.articles.thread(bob, "comp.sys.retro", page.threads[0].thread_id)
    assert len(view.articles) == 1 and len(seen) <= 3, seen


async def test_a_post_is_one_unit_of_few_statements(board: tuple[Services, Database]) -> None:
    sv, db = board
    alice = await sv.users.register("alice", "Alice-pass-1")
    with statements(db) as seen:  # groups, thread, article, number, xref, thread place, mark
        first = (await sv.articles.post(alice, ["comp.sys.retro"], "Topic", "Body.")).article
    assert first.xref == (("comp.sys.retro", 1),) and len(seen) <= 7, seen
    with statements(db) as seen:  # the parent instead of a new thread
        reply = await sv.articles.post(
            alice, ["comp.sys.retro"], "Re: Topic", "More.", first.head.message_id
        )
    assert reply.article.head.references == (first.head.message_id,)
    assert len(seen) <= 7, seen

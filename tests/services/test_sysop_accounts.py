"""The sysop's account and group changes at the service level (SQLite, and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import (
    ArticleRow,
    DraftRow,
    GroupRow,
    GroupThreadRow,
    PendingGroupRow,
    SubscriptionRow,
    ThreadRow,
    UserRow,
    XrefRow,
    utcnow,
)
from retroboard.domain.boards import Draft, Policy
from retroboard.domain.errors import AuthFailed, NotFound, ValidationError
from retroboard.domain.events import UserChanged
from retroboard.domain.users import Level

Board = tuple[Services, Database, EventBus]


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
    bus = EventBus()
    try:
        yield build_services(settings, db, bus), db, bus
    finally:
        await db.dispose()


async def fts_intact(db: Database) -> None:
    """SQLite: the full-text index agrees with the articles table (a no-op on PostgreSQL)."""
    if not db.is_sqlite:
        return
    async with db.write() as s:
        await s.execute(
            text("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        )


async def user_row(db: Database, handle: str) -> UserRow | None:
    async with db.read() as s:
        return await s.scalar(select(UserRow).where(UserRow.handle_key == handle))


async def count(db: Database, table: type, *where: object) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(table).where(*where)) or 0)


# ---- accounts -------------------------------------------------------------------------------
async def test_set_level_publishes_user_changed(board: Board) -> None:
    sv, db, bus = board
    hal = await sv.users.register("hal", "Hals-pass-01")
    with bus.subscribe(UserChanged) as sub:
        user = await sv.users.set_level("HAL", Level.MODERATOR)
        events = sub.drain()
    assert user.level == Level.MODERATOR
    assert events == [UserChanged(hal.id, "hal", int(Level.MODERATOR), False, "")]
    row = await user_row(db, "hal")
    assert row is not None and row.level == int(Level.MODERATOR)
    with pytest.raises(NotFound, match="No user called 'zed'"):
        await sv.users.set_level("zed", Level.USER)


async def test_set_password(board: Board) -> None:
    sv, db, bus = board
    ada = await sv.users.register("ada", "Analytical-1")
    with bus.subscribe(UserChanged) as sub:
        await sv.users.set_password("ada", "Difference-2")
        assert [e.user_id for e in sub.drain()] == [ada.id]
    assert (await sv.users.authenticate("ada", "Difference-2")).id == ada.id
    with pytest.raises(AuthFailed):
        await sv.users.authenticate("ada", "Analytical-1")
    before = await user_row(db, "ada")
    with pytest.raises(ValidationError, match="at least 8"):
        await sv.users.set_password("ada", "short")
    await sv.users.register("lovelace", "Analytical-1")
    with pytest.raises(ValidationError, match="handle"):
        await sv.users.set_password("lovelace", "LOVELACE")
    after = await user_row(db, "ada")
    assert before is not None and after is not None
    assert after.password_hash == before.password_hash  # a refused password changes nothing
    with pytest.raises(NotFound):
        await sv.users.set_password("nobody", "Whatever-123")


async def test_lock_and_unlock(board: Board) -> None:
    sv, db, bus = board
    bob = await sv.users.register("bob", "Bobby-pass-1")
    with bus.subscribe(UserChanged) as sub:
        await sv.users.lock("bob", reason="spamming\x1b[5m the\u200b board\nagain")
        locked = sub.drain()
    assert locked == [UserChanged(bob.id, "bob", int(Level.USER), True, "spamming the board again")]
    row = await user_row(db, "bob")
    assert row is not None and row.locked and row.locked_reason == "spamming the board again"
    [(listed, state)] = await sv.users.list_with_locks()
    assert listed.handle == "bob" and state.locked and state.reason == row.locked_reason
    # a temporary lock after failed logins is lifted by unlock as well
    async with db.write() as s:
        await s.execute(
            update(UserRow)
            .where(UserRow.id == bob.id)
            .values(failed_logins=12, lock_until=utcnow() + timedelta(minutes=15))
        )
    with bus.subscribe(UserChanged) as sub:
        await sv.users.unlock("Bob")
        assert sub.drain() == [UserChanged(bob.id, "bob", int(Level.USER), False, "")]
    row = await user_row(db, "bob")
    assert row is not None
    assert (row.locked, row.locked_reason, row.lock_until, row.failed_logins) == (
        False,
        "",
        None,
        0,
    )
    [(_, state)] = await sv.users.list_with_locks()
    assert not state.locked and state.lock_until is None and state.failed_logins == 0
    with pytest.raises(NotFound):
        await sv.users.lock("nobody")
    with pytest.raises(NotFound):
        await sv.users.unlock("nobody")


async def test_delete_keeps_articles_as_deleted_user(board: Board) -> None:
    sv, db, bus = board
    ada = await sv.users.register("ada", "Analytical-1", real_name="Ada Lovelace")
    bob = await sv.users.register("bob", "Bobby-pass-1")
    await sv.groups.subscribe(ada, "comp.sys.retro")
    await sv.groups.subscribe(bob, "comp.sys.retro")
    root = (
        await sv.articles.post(ada, ["comp.sys.retro"], "Engines", "The analytical engine weaves")
    ).article
    reply = (
        await sv.articles.post(
            bob, ["comp.sys.retro"], "Re: Engines", "Nice loom.", root.head.message_id
        )
    ).article
    await sv.drafts.save(ada.id, Draft(("comp.sys.retro",), "half", "written"))

    with bus.subscribe(UserChanged) as sub:
        assert await sv.users.delete("ADA") == 1
        assert sub.drain() == [UserChanged(ada.id, "ada", None, True, "Your account was removed.")]

    assert await user_row(db, "ada") is None
    assert await count(db, SubscriptionRow, SubscriptionRow.user_id == ada.id) == 0
    assert await count(db, DraftRow, DraftRow.user_id == ada.id) == 0
    seen = await sv.articles.read_article(bob, "comp.sys.retro", root.head.number)
    assert seen.head.author == "(deleted user)" and seen.head.author_name == ""
    assert seen.head.from_line == "(deleted user)"
    assert seen.body == "The analytical engine weaves"
    async with db.read() as s:
        row = await s.get(ArticleRow, root.head.id)
    assert row is not None and row.author_id is None
    page = await sv.articles.thread_page(bob, "comp.sys.retro")
    [thread] = [t for t in page.threads if t.thread_id == root.head.thread_id]
    assert [a.author for a in thread.articles] == ["(deleted user)", "bob"]
    assert (await sv.articles.read_article(bob, "comp.sys.retro", reply.head.number)).body
    # the search index follows: the text is still found, under the new author name
    hits = await sv.search.search(bob, "analytical")
    assert [h.head.author for h in hits] == ["(deleted user)"]
    await fts_intact(db)
    # the handle is free again, and the old articles do not become the new account's
    again = await sv.users.register("ada", "Another-pass-9")
    assert again.id != ada.id
    async with db.read() as s:
        row = await s.get(ArticleRow, root.head.id)
    assert row is not None and row.author_id is None
    with pytest.raises(NotFound):
        await sv.users.delete("nobody")


# ---- groups ---------------------------------------------------------------------------------
async def test_group_update(board: Board) -> None:
    sv, db, _ = board
    await sv.groups.create("comp.sys.amiga", "Amiga")
    g = await sv.groups.update("Comp.Sys.Amiga", description="Commodore\x1b[31m Amiga\u202e\n1000")
    assert g.description == "Commodore Amiga 1000" and g.policy == Policy.OPEN
    g = await sv.groups.update("comp.sys.amiga", policy=Policy.READ_ONLY)
    assert g.policy == Policy.READ_ONLY and g.post_level == Level.MODERATOR
    g = await sv.groups.update("comp.sys.amiga", policy=Policy.OPEN, post_level=Level.USER)
    assert (g.policy, g.read_level, g.post_level) == (Policy.OPEN, Level.USER, Level.USER)
    g = await sv.groups.update("comp.sys.amiga", read_level=Level.SYSOP)
    assert (g.read_level, g.post_level) == (Level.SYSOP, Level.SYSOP)  # post >= read
    g = await sv.groups.update("comp.sys.amiga", read_level=Level.USER, post_level=Level.MODERATOR)
    assert (g.read_level, g.post_level) == (Level.USER, Level.MODERATOR)
    async with db.read() as s:
        row = await s.scalar(select(GroupRow).where(GroupRow.name == "comp.sys.amiga"))
    assert row is not None
    assert (row.description, row.policy, row.read_level, row.post_level) == (
        "Commodore Amiga 1000",
        "open",
        10,
        50,
    )
    with pytest.raises(ValidationError, match="at most 200"):
        await sv.groups.update("comp.sys.amiga", description="x" * 201)
    with pytest.raises(NotFound):
        await sv.groups.update("comp.sys.nothing", description="x")


async def test_group_remove(board: Board) -> None:
    sv, db, _ = board
    alice = await sv.users.register("alice", "Alice-pass-1")
    mod = await sv.users.register("mod", "Moder-pass-1", level=Level.MODERATOR)
    await sv.groups.create("test.gone", "going", Policy.MODERATED)
    await sv.groups.create("test.stays", "staying")
    await sv.groups.subscribe(alice, "test.gone")
    await sv.groups.subscribe(alice, "test.stays")

    async def post(groups: list[str], subject: str, body: str, parent: str | None = None) -> int:
        result = await sv.articles.post(mod, groups, subject, body, parent)
        return result.article.head.id

    root = await post(["test.gone"], "Root", "zebraword only here")
    cross = await post(
        ["test.gone", "test.stays"], "Re: Root", "giraffeword both", await msgid(db, root)
    )
    lone = await post(["test.gone"], "Lone", "okapiword lonely thread")
    await post(["test.gone"], "Re: Lone", "okapiword reply", await msgid(db, lone))
    doomed = await post(["test.gone"], "Tomb", "tombword")
    await sv.moderation.delete(mod, doomed)
    held = await sv.articles.post(alice, ["test.gone"], "Held", "heldword waiting")
    assert held.pending
    kept_elsewhere = await post(["test.stays"], "Other", "otherword")
    async with db.read() as s:
        lone_thread = (await s.get(ArticleRow, lone)).thread_id  # type: ignore[union-attr]
        gone_id = await s.scalar(select(GroupRow.id).where(GroupRow.name == "test.gone"))

    assert await sv.groups.remove("Test.Gone") == 5  # root, lone + reply, tombstone, held

    with pytest.raises(NotFound):
        await sv.groups.status(alice, "test.gone")
    assert "test.gone" not in [g.name for g in await sv.groups.all_groups()]
    for table in (XrefRow, GroupThreadRow, SubscriptionRow, PendingGroupRow):
        assert await count(db, table, table.group_id == gone_id) == 0, table.__tablename__
    async with db.read() as s:
        left = {r.id: r for r in await s.scalars(select(ArticleRow))}
        assert await s.get(ThreadRow, lone_thread) is None
    assert set(left) == {cross, kept_elsewhere}
    assert left[cross].parent_id is None and left[cross].newsgroups == "test.stays"
    # the cross-post reads on in its other group, in its thread
    page = await sv.articles.thread_page(alice, "test.stays")
    assert sorted(a.subject for t in page.threads for a in t.articles) == ["Other", "Re: Root"]
    art = await sv.articles.read_article(alice, "test.stays", 1)
    assert art.body == "giraffeword both" and art.newsgroups == ("test.stays",)
    assert await sv.moderation.queue(mod) == []
    # the search index lost exactly the removed articles
    assert await sv.search.search(alice, "zebraword") == []
    assert await sv.search.search(alice, "okapiword") == []
    assert [h.head.id for h in await sv.search.search(alice, "giraffeword")] == [cross]
    await fts_intact(db)
    # other groups' read marks are untouched and the name can be used again
    assert [s.group.name for s in await sv.groups.selector(alice, subscribed_only=True)] == [
        "test.stays"
    ]
    await sv.groups.create("test.gone", "again")
    assert (await sv.groups.status(alice, "test.gone")).group.high == 0
    with pytest.raises(NotFound):
        await sv.groups.remove("test.never")


async def msgid(db: Database, article_id: int) -> str:
    async with db.read() as s:
        row = await s.get(ArticleRow, article_id)
    assert row is not None
    return row.message_id

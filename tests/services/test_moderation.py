"""Moderation: deleting and undeleting whole threads, their permissions, the queue count
(SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.boards import Article, Policy
from retroboard.domain.errors import NotFound, PermissionDenied
from retroboard.domain.users import Level, User

GROUP = "misc.test"


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[Services]:
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
        yield build_services(settings, db, EventBus())
    finally:
        await db.dispose()


async def people(sv: Services) -> tuple[User, User]:
    a = await sv.users.register("alice", "Alice-pass-1")
    m = await sv.users.register("mod", "Moder-pass-1", level=Level.MODERATOR)
    return a, m


async def thread_of_three(sv: Services, author: User) -> list[Article]:
    root = (await sv.articles.post(author, [GROUP], "Modems", "Which one?")).article
    two = (
        await sv.articles.post(
            author, [GROUP], "Re: Modems", "A USR.", parent_message_id=root.head.message_id
        )
    ).article
    three = (
        await sv.articles.post(
            author, [GROUP], "Re: Modems", "A Hayes.", parent_message_id=two.head.message_id
        )
    ).article
    return [root, two, three]


async def test_a_moderator_deletes_and_undeletes_a_whole_thread(board: Services) -> None:
    sv = board
    alice, mod = await people(sv)
    arts = await thread_of_three(sv, alice)
    tid = arts[0].head.thread_id
    await sv.moderation.delete(mod, arts[1].head.id)  # one deleted already

    assert await sv.moderation.delete_thread(mod, tid) == 2
    view = await sv.articles.thread(alice, GROUP, tid)
    assert [a.deleted for a in view.articles] == [True, True, True]
    for n in (1, 2, 3):
        gone = await sv.articles.read_article(alice, GROUP, n)
        assert gone.body == "[This article was deleted by moderator mod.]"  # no text under it
    status = await sv.groups.status(alice, GROUP)
    assert status.unread == 0

    assert await sv.moderation.undelete_thread(mod, tid) == 3
    bodies = [(await sv.articles.read_article(alice, GROUP, n)).body for n in (1, 2, 3)]
    assert bodies == ["Which one?", "A USR.", "A Hayes."]
    view = await sv.articles.thread(alice, GROUP, tid)
    assert [a.deleted for a in view.articles] == [False, False, False]


async def test_one_article_comes_back_with_its_text(board: Services) -> None:
    sv = board
    alice, mod = await people(sv)
    arts = await thread_of_three(sv, alice)
    await sv.moderation.delete(alice, arts[2].head.id)  # the author cancels it
    await sv.moderation.undelete(mod, arts[2].head.id)
    back = await sv.articles.read_article(alice, GROUP, 3)
    assert back.body == "A Hayes." and not back.head.deleted
    with pytest.raises(NotFound):
        await sv.moderation.undelete(mod, arts[2].head.id)  # not deleted now


async def test_only_moderators_delete_or_undelete_threads(board: Services) -> None:
    sv = board
    alice, mod = await people(sv)
    arts = await thread_of_three(sv, alice)
    tid = arts[0].head.thread_id
    with pytest.raises(PermissionDenied):
        await sv.moderation.delete_thread(alice, tid)  # even her own thread
    assert not (await sv.articles.read_article(alice, GROUP, 1)).head.deleted
    await sv.moderation.delete(alice, arts[0].head.id)
    with pytest.raises(PermissionDenied):
        await sv.moderation.undelete(alice, arts[0].head.id)  # an author's cancel is final
    with pytest.raises(PermissionDenied):
        await sv.moderation.undelete_thread(alice, tid)
    with pytest.raises(NotFound):
        await sv.moderation.delete_thread(mod, tid + 1000)
    # a moderator demoted since logging in has lost the right at once
    await sv.users.set_level("mod", Level.USER)
    with pytest.raises(PermissionDenied):
        await sv.moderation.delete_thread(mod, tid)
    with pytest.raises(PermissionDenied):
        await sv.moderation.undelete_thread(mod, tid)


async def test_queue_count_is_for_moderators(board: Services) -> None:
    sv = board
    alice, mod = await people(sv)
    await sv.groups.create("local.held", "held posts", Policy.MODERATED)
    assert await sv.moderation.queue_count(mod) == 0
    for n in range(2):
        await sv.articles.post(alice, ["local.held"], f"Please {n}", "approve me")
    assert await sv.moderation.queue_count(mod) == 2
    with pytest.raises(PermissionDenied):
        await sv.moderation.queue_count(alice)

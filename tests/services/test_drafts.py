"""Drafts: several per member, newest first, updated in place, capped, and kept by migration 0008."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import _config, upgrade
from retroboard.domain.boards import Draft
from retroboard.domain.errors import ValidationError
from retroboard.domain.users import User


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


async def two(sv: Services) -> tuple[User, User]:
    a = await sv.users.register("alice", "Alice-pass-1")
    b = await sv.users.register("bob", "Bobby-pass-1")
    return a, b


async def test_a_new_draft_never_replaces_another(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _ = await two(sv)
    assert await sv.drafts.list(alice.id) == []
    first = await sv.drafts.save(alice.id, Draft(("misc.test",), "one", "first\x1b[2J"))
    second = await sv.drafts.save(alice.id, Draft(("misc.test",), "two", "second"))
    assert first != second
    listed = await sv.drafts.list(alice.id)
    assert [(d.id, d.subject) for d in listed] == [(second, "two"), (first, "one")]
    got = await sv.drafts.get(alice.id, first)
    assert got is not None and got.body == "first" and got.id == first


async def test_saving_an_open_draft_updates_it(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _ = await two(sv)
    first = await sv.drafts.save(alice.id, Draft(("misc.test",), "one", "draft"))
    other = await sv.drafts.save(alice.id, Draft(("misc.test",), "two", "other"))
    again = await sv.drafts.save(alice.id, Draft(("misc.test",), "one", "more"), first)
    assert again == first
    listed = await sv.drafts.list(alice.id)
    assert [(d.id, d.body) for d in listed] == [(first, "more"), (other, "other")]


async def test_drafts_are_private(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob = await two(sv)
    mine = await sv.drafts.save(alice.id, Draft(("misc.test",), "mine", "text"))
    assert await sv.drafts.get(bob.id, mine) is None
    assert await sv.drafts.list(bob.id) == []
    await sv.drafts.discard(bob.id, mine)  # not bob's: nothing happens
    assert await sv.drafts.get(alice.id, mine) is not None
    # bob saving "over" alice's id keeps a new draft of his own; alice's is untouched
    his = await sv.drafts.save(bob.id, Draft(("misc.test",), "his", "words"), mine)
    assert his != mine
    got = await sv.drafts.get(alice.id, mine)
    assert got is not None and got.subject == "mine"


async def test_discard_forgets_only_that_draft(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _ = await two(sv)
    a = await sv.drafts.save(alice.id, Draft(("misc.test",), "a", "1"))
    b = await sv.drafts.save(alice.id, Draft(("misc.test",), "b", "2"))
    await sv.drafts.discard(alice.id, a)
    assert [d.id for d in await sv.drafts.list(alice.id)] == [b]
    assert await sv.drafts.get(alice.id, a) is None
    await sv.drafts.discard(alice.id, a)  # already gone: nothing happens


async def test_the_cap_refuses_a_new_draft_and_drops_none(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _ = await two(sv)
    sv.drafts.limit = 3
    ids = [await sv.drafts.save(alice.id, Draft(("misc.test",), f"d{n}", "x")) for n in range(3)]
    with pytest.raises(ValidationError, match="3 unfinished messages"):
        await sv.drafts.save(alice.id, Draft(("misc.test",), "one too many", "x"))
    assert sorted(d.id for d in await sv.drafts.list(alice.id)) == sorted(ids)
    # an open draft may still be saved at the cap
    assert await sv.drafts.save(alice.id, Draft(("misc.test",), "d0", "y"), ids[0]) == ids[0]


async def test_letter_and_post_drafts_side_by_side(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _ = await two(sv)
    letter = await sv.drafts.save(
        alice.id, Draft((), "Hi", "half", kind="mail", to=("bob",), cc=("eve",), reply_to_id=4)
    )
    post = await sv.drafts.save(alice.id, Draft(("misc.test",), "post", "text"))
    got = {d.id: d for d in await sv.drafts.list(alice.id)}
    assert (got[letter].kind, got[letter].to, got[letter].cc, got[letter].reply_to_id) == (
        "mail",
        ("bob",),
        ("eve",),
        4,
    )
    assert (got[post].kind, got[post].to, got[post].groups) == ("post", (), ("misc.test",))


async def test_migration_0008_keeps_the_drafts_there_were(db_url: str) -> None:
    db = Database(db_url)
    cfg = _config()

    def down_to(revision: str) -> Any:
        def run(sync_conn: Any) -> None:
            cfg.attributes["connection"] = sync_conn
            command.downgrade(cfg, revision)

        return run

    try:
        await upgrade(db)  # registering needs today's columns: register first, then go back
        sv = build_services(
            Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1),
            db,
            EventBus(),
        )
        alice = await sv.users.register("alice", "Alice-pass-1")
        async with db.engine.begin() as conn:
            await conn.run_sync(down_to("0007"))
        async with db.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO drafts (user_id, groups, subject, body, updated_at, kind,"
                    " recipients) VALUES (:u, 'misc.test', 'kept', 'old words', :t, 'post', '')"
                ),
                {"u": alice.id, "t": datetime(2026, 1, 2, tzinfo=UTC)},
            )
        await upgrade(db)
        listed = await sv.drafts.list(alice.id)
        assert [(d.subject, d.body) for d in listed] == [("kept", "old words")]
        assert listed[0].id is not None
        new = await sv.drafts.save(alice.id, Draft(("misc.test",), "new", "words"))
        assert [d.id for d in await sv.drafts.list(alice.id)] == [new, listed[0].id]
    finally:
        await db.dispose()

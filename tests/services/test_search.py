"""Search on SQLite and PostgreSQL: stems, prefixes, phrases, filters, ranking, excerpts, pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import update

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.db import fulltext
from retroboard.db.engine import Database
from retroboard.db.migrate import _config, upgrade
from retroboard.db.tables import ArticleRow
from retroboard.domain.errors import ValidationError
from retroboard.domain.users import Level, User
from tests.helpers.boards import SERVICE_SETTINGS


async def post(sv: Services, who: User, subject: str, body: str, group: str = "misc.test") -> int:
    posted = await sv.articles.post(who, [group], subject, body)
    article_id: int = posted.article.head.id
    return article_id


async def dated(db: Database, article_id: int, when: datetime) -> None:
    async with db.write() as s:
        await s.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(date=when))


def subjects(hits: list[Any]) -> list[str]:
    return [h.head.subject for h in hits]


async def test_stems_prefixes_and_phrases(board: tuple[Services, Database]) -> None:
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    await post(sv, ada, "Modem talk", "My modem dials at 2400 baud.")
    await post(sv, ada, "Cables", "A null modem cable joins two PCs.")
    await post(sv, ada, "Editors", "Which mode does vi start in?")
    await post(sv, ada, "Games", "Playing LORD all night.")

    assert set(subjects(await sv.search.search(ada, "modems"))) == {"Modem talk", "Cables"}
    assert subjects(await sv.search.search(ada, "played")) == ["Games"]  # play/playing/played
    assert set(subjects(await sv.search.search(ada, "mode*"))) == {
        "Modem talk",
        "Cables",
        "Editors",
    }
    assert subjects(await sv.search.search(ada, '"null modem"')) == ["Cables"]
    assert subjects(await sv.search.search(ada, '"modem null"')) == []  # a phrase keeps order
    assert subjects(await sv.search.search(ada, "cable modem")) == ["Cables"]  # both words


async def test_user_text_is_never_search_syntax(board: tuple[Services, Database]) -> None:
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    await post(sv, ada, "Modem talk", "My modem dials NEAR the phone (really).")
    for query in ('modem"', '"modem', "modem *", "* modem", "modem AND", "NEAR(modem)", "mo*dem"):
        await sv.search.search(ada, query)  # no database error, whatever the answer
    assert subjects(await sv.search.search(ada, 'modem "')) == ["Modem talk"]
    assert subjects(await sv.search.search(ada, "modem OR nothing")) == []  # OR is a word
    for query in ("*", '"', "  ", "from:ada", "since:"):
        with pytest.raises(ValidationError):
            await sv.search.search(ada, query)
    with pytest.raises(ValidationError, match="2026-01-31"):
        await sv.search.search(ada, "modem since:yesterday")


async def test_author_and_date_filters(board: tuple[Services, Database]) -> None:
    sv, db = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    bob = await sv.users.register("bob", "Bob-pass-1234")
    old = await post(sv, ada, "Old modem", "modem from last year")
    new = await post(sv, bob, "New modem", "modem from this year")
    await dated(db, old, datetime(2025, 6, 1, 12, tzinfo=UTC))
    await dated(db, new, datetime(2026, 2, 1, 12, tzinfo=UTC))

    assert subjects(await sv.search.search(ada, "modem from:ada")) == ["Old modem"]
    assert subjects(await sv.search.search(ada, "modem FROM:Bob")) == ["New modem"]
    assert subjects(await sv.search.search(ada, "modem from:nobody")) == []
    assert subjects(await sv.search.search(ada, "modem since:2026-01-01")) == ["New modem"]
    assert subjects(await sv.search.search(ada, "modem before:2026-01-01")) == ["Old modem"]
    assert subjects(await sv.search.search(ada, "modem since:2026-02-01")) == ["New modem"]
    assert subjects(await sv.search.search(ada, "modem before:2026-02-01")) == ["Old modem"]
    both = "modem since:2025-01-01 before:2027-01-01"
    assert subjects(await sv.search.search(ada, both, order="newest")) == [
        "New modem",
        "Old modem",
    ]


async def test_ranked_by_relevance_or_newest_first(board: tuple[Services, Database]) -> None:
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    filler = " ".join(f"word{i}" for i in range(80))
    await post(sv, ada, "Modems compared", "Every modem here: a modem per line, modems all.")
    await post(sv, ada, "Something else", f"{filler} and once a modem {filler}")
    await post(sv, ada, "Another thing", f"{filler} modem")
    ranked = subjects(await sv.search.search(ada, "modem"))
    assert ranked[0] == "Modems compared"
    assert subjects(await sv.search.search(ada, "modem", order="newest")) == [
        "Another thing",
        "Something else",
        "Modems compared",
    ]


async def test_ranking_scores_the_newest_window_then_goes_on_newest_first(
    board: tuple[Services, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relevance is scored over the newest RANK_WINDOW matches (a common word costs a bounded
    amount of work); older matches follow newest first; every match comes once across pages;
    filters apply before the window (another author's newer posts take no place in it)."""
    monkeypatch.setattr(fulltext, "RANK_WINDOW", 4)
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    bob = await sv.users.register("bob", "Bob-pass-123")
    filler = " ".join(f"word{i}" for i in range(60))
    strong = "modem modem modem"
    for i in range(6):  # older, by bob: strong matches first, then weak ones
        body = strong if i % 2 == 0 else f"{filler} modem"
        await post(sv, bob, f"Bob {i}", body)
    for i in range(4):  # newest, by ada: weak, weak, strong, weak
        await post(sv, ada, f"Ada {i}", strong if i == 2 else f"{filler} modem")
    hits = subjects(await sv.search.search(ada, "modem", limit=20))
    assert len(hits) == 10 and len(set(hits)) == 10
    assert hits[0] == "Ada 2" and set(hits[:4]) == {"Ada 0", "Ada 1", "Ada 2", "Ada 3"}
    assert hits[4:] == [f"Bob {i}" for i in reversed(range(6))]  # past the window: newest first
    paged = []
    for offset in range(0, 12, 3):  # pages that straddle the window's edge
        paged += subjects(await sv.search.search(ada, "modem", limit=3, offset=offset))
    assert paged == hits
    by_bob = subjects(await sv.search.search(ada, "modem from:bob", limit=20))
    assert set(by_bob[:4]) == {"Bob 2", "Bob 3", "Bob 4", "Bob 5"}
    assert by_bob[0] == "Bob 4" and by_bob[4:] == ["Bob 1", "Bob 0"]


async def test_excerpt_marks_the_match(board: tuple[Services, Database]) -> None:
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    await post(sv, ada, "Setup", "First line.\nThe Hayes modems answer\tfast.\nLast line.")
    [hit] = await sv.search.search(ada, "modem")
    assert "Hayes modems answer fast" in hit.snippet
    assert "\n" not in hit.snippet and "\t" not in hit.snippet and "\x01" not in hit.snippet
    assert [hit.snippet[a:b] for a, b in hit.marks] == ["modems"]


async def test_each_hit_has_its_own_excerpt_on_every_page(
    board: tuple[Services, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excerpts are made for the page's hits only, each from its own body, in both orders and
    on pages inside and past the ranked window."""
    monkeypatch.setattr(fulltext, "RANK_WINDOW", 5)
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    for i in range(9):  # short bodies (whole in an excerpt), every third a stronger match
        body = f"tag{i} modem modem" if i % 3 == 0 else f"tag{i} and other words, then modem"
        await post(sv, ada, f"Post {i}", body)
    for order in ("rank", "newest"):
        seen = []
        for offset in range(0, 9, 2):
            for hit in await sv.search.search(ada, "modem", order=order, limit=2, offset=offset):
                number = hit.head.subject.removeprefix("Post ")
                assert f"tag{number}" in hit.snippet, (order, offset, hit)
                assert {hit.snippet[a:b] for a, b in hit.marks} == {"modem"}
                seen.append(number)
        assert sorted(seen) == [str(i) for i in range(9)], order


async def test_hits_only_in_groups_the_user_may_read(
    board: tuple[Services, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article only in a group above the user's level is never a hit and takes no place in
    the ranked window; one cross-posted to a group they may read is a hit, shown there; who
    may read every group finds them all."""
    monkeypatch.setattr(fulltext, "RANK_WINDOW", 2)
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    mod = await sv.users.register("mod", "Moder-pass-1", level=Level.MODERATOR)
    await sv.groups.create("local.staff", "staff only", read_level=Level.MODERATOR)
    await post(sv, ada, "Open modem", "an open modem")
    await sv.articles.post(mod, ["local.staff", "misc.test"], "Both modem", "a shared modem")
    for i in range(2):  # the newest matches: out of ada's reach
        await sv.articles.post(mod, ["local.staff"], f"Staff modem {i}", "the staff modem")
    for order in ("rank", "newest"):
        hits = await sv.search.search(ada, "modem", order=order)
        assert sorted(subjects(hits)) == ["Both modem", "Open modem"], order
        assert {h.group for h in hits} == {"misc.test"}
        assert await sv.search.search(ada, "modem", order=order, group="local.staff") == []
        staff = sorted(subjects(await sv.search.search(mod, "modem", order=order)))
        assert staff == ["Both modem", "Open modem", "Staff modem 0", "Staff modem 1"], order


async def test_pages_past_a_hundred(board: tuple[Services, Database]) -> None:
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    for i in range(105):
        await post(sv, ada, f"Sale {i}", "modem for sale")
    first = await sv.search.search(ada, "modem", order="newest", limit=100)
    rest = await sv.search.search(ada, "modem", order="newest", limit=100, offset=100)
    assert len(first) == 100 and len(rest) == 5
    assert subjects(rest) == [f"Sale {i}" for i in reversed(range(5))]
    assert not {h.head.id for h in first} & {h.head.id for h in rest}
    with pytest.raises(ValidationError):
        await sv.search.search(ada, "modem", limit=101)


async def test_migration_reindexes_existing_articles(db_url: str) -> None:
    """Articles indexed before 0009 are found by stem after it (the index is rebuilt)."""
    db = Database(db_url)
    cfg = _config()

    def to_0008(sync_conn: Any) -> None:
        cfg.attributes["connection"] = sync_conn
        command.downgrade(cfg, "0008")  # 0009's downgrade re-indexes without stems

    try:
        await upgrade(db)  # posting needs today's columns, so post first, then go back
        sv = build_services(SERVICE_SETTINGS, db, EventBus())
        ada = await sv.users.register("ada", "Ada-pass-123")
        await post(sv, ada, "Before", "these modems predate the stems")
        async with db.engine.begin() as conn:
            await conn.run_sync(to_0008)
        await upgrade(db)
        assert subjects(await sv.search.search(ada, "modem")) == ["Before"]
        await post(sv, ada, "After", "a modem posted later")
        assert set(subjects(await sv.search.search(ada, "modems"))) == {"Before", "After"}
    finally:
        await db.dispose()

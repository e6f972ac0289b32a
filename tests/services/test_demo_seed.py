"""The demo board's seeding, guest accounts and read-only guests (SQLite, and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import ArticleRow
from retroboard.demo.content import (
    DemoArticle,
    DemoAuthor,
    DemoBulletin,
    DemoContent,
    DemoGroup,
    DemoOneLiner,
    DemoRegular,
)
from retroboard.demo.seed import (
    DEMO_SYSOP,
    NotADemoBoard,
    check_seedable,
    is_demo_board,
    seed,
)
from retroboard.domain.errors import AuthFailed


def tiny_content() -> DemoContent:
    """Two eras' worth in miniature: a thread of three, a cross-post, a bulletin, a one-liner."""

    def art(
        key: str, groups: tuple[str, ...], author: str, when: datetime, parent: str | None, n: int
    ) -> DemoArticle:
        return DemoArticle(
            key=key,
            groups=groups,
            subject=("Re: " if parent else "") + "Modems at 300 baud",
            author=author,
            date=when,
            parent=parent,
            body=f"Article {key}.\n  An indented line stays as written.",
            message_id=f"<{1000 + n}@wombat.UUCP>",
            era="1983",
        )

    return DemoContent(
        groups=(
            DemoGroup("net.general", "Everything else on the net", "1983"),
            DemoGroup("net.micro", "Small computers", "1983"),
        ),
        authors=(
            DemoAuthor("fred", "Fred Wombat", "Murray Hill, NJ", "1983", "wombat.UUCP"),
            DemoAuthor("ann", "Ann Arbor", "Ann Arbor, MI", "1983", "umich.UUCP"),
        ),
        articles=(
            art("a1", ("net.general",), "fred", datetime(1983, 5, 2, 14, 30, tzinfo=UTC), None, 1),
            art(
                "a2",
                ("net.general", "net.micro"),
                "ann",
                datetime(1983, 5, 3, 9, 0, tzinfo=UTC),
                None,
                2,
            ),
            art("a3", ("net.general",), "ann", datetime(1983, 5, 4, 10, 0, tzinfo=UTC), "a1", 3),
            art("a4", ("net.general",), "fred", datetime(1983, 5, 5, 11, 0, tzinfo=UTC), "a3", 4),
        ),
        bulletins=(DemoBulletin("Usenet, 1980", date(1980, 1, 1), "Two universities, a modem."),),
        oneliners=(DemoOneLiner("fred", "300 baud is fast enough for anyone", "1983"),),
        regulars=(DemoRegular("fred", "Murray Hill, NJ", "reading net.general", ("hi all",)),),
    )


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


async def test_seed_puts_every_article_with_its_date_threading_and_numbers(db: Database) -> None:
    b = board(db)
    content = tiny_content()
    report = await seed(b.sv, content)
    assert (report.groups, report.members, report.articles) == (2, 3, 4)  # + DemoSysop
    assert (report.bulletins, report.oneliners) == (1, 1)
    async with db.read() as s:
        rows = (await s.scalars(select(ArticleRow).order_by(ArticleRow.date))).all()
    assert [r.message_id for r in rows] == [a.message_id for a in content.articles]
    assert [r.date.year for r in rows] == [1983] * 4
    assert rows[0].date.replace(tzinfo=UTC) == datetime(1983, 5, 2, 14, 30, tzinfo=UTC)
    # threading: a3 follows a1, a4 follows a3: References carry the whole chain
    assert rows[2].refs == "<1001@wombat.UUCP>"
    assert rows[3].refs == "<1001@wombat.UUCP> <1003@wombat.UUCP>"
    assert rows[0].thread_id == rows[2].thread_id == rows[3].thread_id != rows[1].thread_id
    assert not rows[0].flowed and "\n  An indented line" in rows[0].body  # kept as written
    assert rows[1].newsgroups == "net.general,net.micro"  # the cross-post
    # numbers per group in date order
    fred = await b.sv.users.get("fred")
    page = await b.sv.articles.thread_page(fred, "net.general")
    numbered = sorted((h.number, h.date) for t in page.threads for h in t.articles)
    assert [n for n, _ in numbered] == [1, 2, 3, 4]
    assert [d for _, d in numbered] == sorted(d for _, d in numbered)
    micro = await b.sv.groups.status(fred, "net.micro")
    assert micro.group.article_count == 1
    # the index follows: the body's words are found
    assert len(await b.sv.search.search(fred, "indented")) == 4
    # authors have no password anyone can log in with
    with pytest.raises(AuthFailed):
        await b.sv.auth.login("fred", "!", "192.0.2.1")
    assert (await b.sv.users.get(DEMO_SYSOP)).level.label == "sysop"
    assert [x.title for x in await b.sv.bulletins.list()] == ["Usenet, 1980"]
    assert [o.handle for o in await b.sv.oneliners.latest()] == ["fred"]
    assert await is_demo_board(b.sv, content)


async def test_seeding_twice_adds_nothing(db: Database) -> None:
    b = board(db)
    await seed(b.sv, tiny_content())
    again = await seed(b.sv, tiny_content())
    assert again.added == 0
    async with db.read() as s:
        assert len((await s.scalars(select(ArticleRow.id))).all()) == 4
    assert len(await b.sv.bulletins.list()) == 1
    assert len(await b.sv.oneliners.latest()) == 1


async def test_an_interrupted_seed_is_completed(db: Database) -> None:
    b = board(db)
    content = tiny_content()
    await seed(b.sv, replace(content, articles=content.articles[:2]))
    report = await seed(b.sv, content)
    assert report.articles == 2 and report.groups == 0


async def test_a_board_without_the_seed_is_not_a_demo_board(db: Database) -> None:
    b = board(db)
    teacher = await b.sv.users.register("teacher", "Teach-pass-7")
    assert not await is_demo_board(b.sv, tiny_content())
    await check_seedable(b.sv, tiny_content())  # no articles yet: a fresh board takes the seed
    await b.sv.groups.create("net.general")
    await b.sv.articles.post(teacher, ["net.general"], "Our own board", "Real posts here.")
    with pytest.raises(NotADemoBoard, match="not the demo"):
        await check_seedable(b.sv, tiny_content())
    await seed(board(db).sv, tiny_content())  # (seeding anyway, as a test does) makes it one
    await check_seedable(b.sv, tiny_content())


async def test_the_packaged_content_seeds_whole_and_once(db: Database) -> None:
    from retroboard.demo.content import load_demo

    b = board(db)
    content = load_demo()
    report = await seed(b.sv, content)
    assert report.articles == len(content.articles) >= 200
    async with db.read() as s:
        dates = (await s.scalars(select(ArticleRow.date))).all()
    assert len(dates) == len(content.articles)
    assert all(1978 <= d.year <= 1994 for d in dates)
    assert (await seed(b.sv, content)).added == 0

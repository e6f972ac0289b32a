"""The NNTP overview stored with each article: migration 0013 fills it for the articles stored
before, with the same values a post stores (domain.news.overview_parts), and takes it back."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import select

from retroboard.app import build_services
from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.db.tables import ArticleRow
from retroboard.domain.news import overview_parts, wire_octets
from tests.helpers.boards import SERVICE_SETTINGS
from tests.services.test_body_format import to

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
OLD = 2100  # more than two of the migration's batches


async def test_migration_0013_stores_the_overview_of_older_articles(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(to("0012"))
            thread = (
                await conn.execute(
                    sa.text(
                        "INSERT INTO threads (subject, locked, created_at)"
                        " VALUES ('old', false, :t) RETURNING id"
                    ),
                    {"t": WHEN},
                )
            ).scalar_one()
            await conn.execute(
                sa.text(
                    "INSERT INTO articles (message_id, thread_id, author, author_name, subject,"
                    " body, date, refs, newsgroups, status, deleted, lines, flowed)"
                    " VALUES (:m, :t, :a, :n, :s, :b, :d, :r, 'misc.test', 'posted', false,"
                    " :lines, false)"
                ),
                [
                    {
                        "m": f"<old{i}@old.example>",
                        "t": thread,
                        "a": "ada" if i % 2 else "bob",
                        "n": "Ada L\u00f6velace" if i % 3 else "",
                        "s": f"Old {i}\ttabbed \u2014 caf\u00e9",
                        "b": "\u00fcber\n" * (i % 4 + 1),
                        "d": WHEN,
                        "r": "<p@old.example>" if i % 5 else "",
                        "lines": i % 4 + 2,
                    }
                    for i in range(OLD)
                ],
            )
        await upgrade(db)
        a = ArticleRow
        async with db.read() as s:
            rows = (
                await s.execute(
                    select(
                        a.subject,
                        a.author,
                        a.author_name,
                        a.date,
                        a.message_id,
                        a.refs,
                        a.body,
                        a.lines,
                        a.overview_head,
                        a.overview_tail,
                        a.overview_octets,
                    )  # fmt: skip
                )
            ).all()
        assert len(rows) == OLD
        for r in rows:
            assert (r.overview_head, r.overview_tail, r.overview_octets) == overview_parts(
                r.subject, r.author, r.author_name, WHEN, r.message_id, r.refs,
                wire_octets(r.body), r.lines,
            )  # fmt: skip
        assert rows[1].overview_head == "Old 1 tabbed \u2014 caf\u00e9\tada@"
        # a post made now stores the same values
        sv = build_services(SERVICE_SETTINGS, db, EventBus())
        eve = await sv.users.register("eve", "Eve-pass-123", real_name="Eve E.")
        new = (await sv.articles.post(eve, ["misc.test"], "New", "posted\nnow")).article
        async with db.read() as s:
            head, tail, octets = (
                await s.execute(
                    select(a.overview_head, a.overview_tail, a.overview_octets).where(
                        a.id == new.head.id
                    )
                )
            ).one()
        h = new.head
        assert (head, tail, octets) == overview_parts(
            h.subject, "eve", "Eve E.", h.date, h.message_id, "", wire_octets(new.body), 2
        )
        async with db.engine.begin() as conn:  # and back: the columns go
            await conn.run_sync(to("0012", down=True))
            columns = await conn.run_sync(
                lambda c: {col["name"] for col in sa.inspect(c).get_columns("articles")}
            )
        assert not {"overview_head", "overview_tail", "overview_octets"} & columns
    finally:
        await db.dispose()

"""Body format: posts are stored flowed (articles.flowed true); migration 0010 marks the bodies
stored before as fixed, except those that show signs of flowed encoding."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from retroboard.app import build_services
from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import _config, upgrade
from retroboard.db.tables import ArticleRow
from tests.helpers.boards import SERVICE_SETTINGS

# body stored before 0010 -> what 0010 guesses: flowed?
OLD_BODIES = {
    "indented": ("Try this:\n  indented code\nBye", False),
    "signature": ("Main text\n-- \nAda", False),  # "-- " ends in a space but is no soft break
    "last-line-space": ("one line\nends in a space ", False),  # no further line: not a break
    "lower-from": ("x\n from here on", False),  # only " From " is stuffing
    "deep-indent": ("x\n   > not stuffed", False),  # " >" only right at the line start
    "soft-break": ("a paragraph broken \nafter a space", True),
    "stuffed-from": (" From the start", True),
    "stuffed-gt": ("x\n >not a quote", True),
    "stuffed-from-later": ("x\n From here on", True),
    "crlf-soft-break": ("a paragraph broken \r\nafter a space", True),
}
BATCH_FILL = 1100  # candidates (a signature) for more than two batches of the migration


def to(revision: str, *, down: bool = False) -> Any:
    cfg = _config()

    def run(sync_conn: Any) -> None:
        cfg.attributes["connection"] = sync_conn
        (command.downgrade if down else command.upgrade)(cfg, revision)

    return run


async def test_migration_0010_guesses_which_old_bodies_were_flowed(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(to("0009"))
            thread = (
                await conn.execute(
                    sa.text(
                        "INSERT INTO threads (subject, locked, created_at)"
                        " VALUES ('old', false, :t) RETURNING id"
                    ),
                    {"t": datetime(2026, 1, 2, tzinfo=UTC)},
                )
            ).scalar_one()
            rows = [(f"<{name}@old>", body) for name, (body, _) in OLD_BODIES.items()]
            rows += [(f"<fill{i}@old>", "text\n-- \nsig") for i in range(BATCH_FILL)]
            rows.append(("<fill-last@old>", "soft \nbreak"))
            await conn.execute(
                sa.text(
                    "INSERT INTO articles (message_id, thread_id, author, subject, body, date,"
                    " newsgroups, status, deleted, lines)"
                    " VALUES (:m, :t, 'ada', 'old', :b, :d, 'misc.test', 'posted', false, 1)"
                ),
                [
                    {"m": m, "t": thread, "b": b, "d": datetime(2026, 1, 2, tzinfo=UTC)}
                    for m, b in rows
                ],
            )
        await upgrade(db)
        async with db.read() as s:
            got = dict((await s.execute(select(ArticleRow.message_id, ArticleRow.flowed))).all())
        assert {name: got[f"<{name}@old>"] for name in OLD_BODIES} == {
            name: flowed for name, (_, flowed) in OLD_BODIES.items()
        }
        assert not any(got[f"<fill{i}@old>"] for i in range(BATCH_FILL))
        assert got["<fill-last@old>"] is True  # found past the first batch

        async with db.engine.begin() as conn:  # and back: the column goes, search still works
            await conn.run_sync(to("0009", down=True))
            columns = await conn.run_sync(
                lambda c: {col["name"] for col in sa.inspect(c).get_columns("articles")}
            )
        assert "flowed" not in columns
        await upgrade(db)
        sv = build_services(SERVICE_SETTINGS, db, EventBus())
        ada = await sv.users.register("ada", "Ada-pass-123")
        await sv.articles.post(ada, ["misc.test"], "Later", "modems posted after")
        assert [h.head.subject for h in await sv.search.search(ada, "modem")] == ["Later"]
    finally:
        await db.dispose()


async def test_a_post_is_stored_and_read_as_flowed(db_url: str) -> None:
    db = Database(db_url)
    try:
        await upgrade(db)
        sv = build_services(SERVICE_SETTINGS, db, EventBus())
        ada = await sv.users.register("ada", "Ada-pass-123")
        posted = await sv.articles.post(ada, ["misc.test"], "Code", "Try:\n  indented code")
        assert posted.article.flowed is True
        async with db.read() as s:
            row = await s.scalar(
                select(ArticleRow.flowed).where(ArticleRow.id == posted.article.head.id)
            )
        assert row is True
        read = await sv.articles.read_article(ada, "misc.test", posted.article.head.number)
        assert read.flowed is True
        assert read.content_type == "text/plain; charset=utf-8; format=flowed"
        assert read.body == "Try:\n   indented code"  # stored stuffed
    finally:
        await db.dispose()

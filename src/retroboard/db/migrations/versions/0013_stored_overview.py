"""Articles: the NNTP overview stored with each article (overview_head, _tail, _octets).

Revision ID: 0013
Revises: 0012

OVER serves an overview line per article. Made from the article's columns each time, a line
cost ~15 us (seven columns and the body's length read, the date formatted, every value
checked for TABs); stored when the article is posted (domain.news.overview_parts, the
posting service) it is three values read and one f-string. Existing rows are filled here,
in batches by id, with the same function; a row left NULL (or made NULL later, e.g. when its
author's account is deleted) is made from the other columns by the news service, so NULL is
always correct, only slower.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from retroboard.domain.news import overview_parts, wire_octets

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN (nullable, no default) on both databases: batch mode would
    # copy the articles table on SQLite, dropping its full-text triggers.
    op.add_column("articles", sa.Column("overview_head", sa.Text(), nullable=True))
    op.add_column("articles", sa.Column("overview_tail", sa.Text(), nullable=True))
    op.add_column("articles", sa.Column("overview_octets", sa.Integer(), nullable=True))
    bind = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("subject", sa.String),
        sa.column("author", sa.String),
        sa.column("author_name", sa.String),
        sa.column("date", sa.DateTime(timezone=True)),
        sa.column("message_id", sa.String),
        sa.column("refs", sa.Text),
        sa.column("body", sa.Text),
        sa.column("lines", sa.Integer),
        sa.column("overview_head", sa.Text),
        sa.column("overview_tail", sa.Text),
        sa.column("overview_octets", sa.Integer),
    )
    fill = (
        articles.update()
        .where(articles.c.id == sa.bindparam("row_id"))
        .values(
            overview_head=sa.bindparam("head"),
            overview_tail=sa.bindparam("tail"),
            overview_octets=sa.bindparam("octets"),
        )
    )
    a = articles.c
    last = 0
    while True:
        rows: list[Any] = list(
            bind.execute(
                sa.select(
                    a.id,
                    a.subject,
                    a.author,
                    a.author_name,
                    a.date,
                    a.message_id,
                    a.refs,
                    a.body,
                    a.lines,
                )  # fmt: skip
                .where(a.id > last)
                .order_by(a.id)
                .limit(BATCH)
            )
        )
        if not rows:
            break
        last = rows[-1].id
        values = []
        for r in rows:
            head, tail, octets = overview_parts(
                r.subject,
                r.author,
                r.author_name or "",
                r.date,
                r.message_id,
                r.refs or "",
                wire_octets(r.body),
                r.lines,
            )
            values.append({"row_id": r.id, "head": head, "tail": tail, "octets": octets})
        bind.execute(fill, values)


def downgrade() -> None:
    for column in ("overview_octets", "overview_tail", "overview_head"):
        op.drop_column("articles", column)

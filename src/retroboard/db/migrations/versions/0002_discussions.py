"""Discussions: groups, threads, articles, per-group numbers, newsrc, drafts, full-text search.

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEFAULT_GROUPS = (
    ("local.general", "General chat about this board and anything else", "open"),
    ("local.sysop", "Announcements from the sysop", "read-only"),
    ("comp.sys.retro", "Vintage computers: Apple II, C64, Amiga, Atari, CP/M", "open"),
    ("rec.games.bbs", "Door games, LORD, TradeWars and friends", "open"),
    ("alt.folklore.computers", "Stories and history of computing", "open"),
    ("misc.test", "Test posts go here", "open"),
)


def _ts(name: str, **kw: Any) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, **kw)


def upgrade() -> None:
    groups = op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("description", sa.String(200), nullable=False, server_default=""),
        sa.Column("policy", sa.String(12), nullable=False, server_default="open"),
        sa.Column("read_level", sa.Integer(), nullable=False, server_default="10"),
        sa.Column("post_level", sa.Integer(), nullable=False, server_default="10"),
        sa.Column("high", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("article_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("deleted_numbers", sa.Text(), nullable=False, server_default=""),
        _ts("created_at", server_default=sa.func.current_timestamp()),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()),
        _ts("created_at"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(250), nullable=False, unique=True),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("author", sa.String(20), nullable=False),
        sa.Column("author_name", sa.String(40), nullable=False, server_default=""),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("date"),
        sa.Column("refs", sa.Text(), nullable=False, server_default=""),
        sa.Column("newsgroups", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="posted"),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("lines", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_articles_thread_id", "articles", ["thread_id"])
    op.create_index(
        "ix_articles_status",
        "articles",
        ["status"],
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "xref",
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id"), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_xref_article_id", "xref", ["article_id"])
    op.create_index("ix_xref_thread", "xref", ["thread_id", "group_id"])
    op.create_table(
        "group_threads",
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id"), primary_key=True),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("threads.id"), primary_key=True),
        _ts("last_post_at"),
        sa.Column("article_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_group_threads_activity", "group_threads", ["group_id", "last_post_at", "thread_id"]
    )
    op.create_table(
        "pending_groups",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id"), primary_key=True),
    )
    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id"), primary_key=True),
        sa.Column("subscribed", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("read_ranges", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "drafts",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("groups", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False, server_default=""),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("parent_message_id", sa.String(250), nullable=True),
        _ts("updated_at"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 index over the articles table (rowid = articles.id).
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5(subject, body, author, "
            "content='articles', content_rowid='id', tokenize='unicode61')"
        )
        # Merging happens in the background (db/maintenance.py), not inside a poster's commit.
        op.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 0)")
        # Triggers keep the index in step with posted, undeleted articles (the FTS5 way for
        # external content): a post, an approval and a tombstone each update it.
        op.execute(
            "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles "
            "WHEN new.status = 'posted' AND NOT new.deleted BEGIN "
            "INSERT INTO articles_fts(rowid, subject, body, author) "
            "VALUES (new.id, new.subject, new.body, new.author); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_update AFTER UPDATE OF status, deleted, subject, body "
            "ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, subject, body, author) "
            "SELECT 'delete', old.id, old.subject, old.body, old.author "
            "WHERE old.status = 'posted' AND NOT old.deleted; "
            "INSERT INTO articles_fts(rowid, subject, body, author) "
            "SELECT new.id, new.subject, new.body, new.author "
            "WHERE new.status = 'posted' AND NOT new.deleted; END"
        )
    else:
        op.execute(
            "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', subject || ' ' || body || ' ' || author)) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING GIN (search)")
    now = datetime.now(UTC)
    op.bulk_insert(
        groups,
        [
            {
                "name": n,
                "description": d,
                "policy": p,
                "read_level": 10,
                "post_level": 50 if p == "read-only" else 10,
                "high": 0,
                "article_count": 0,
                "deleted_numbers": "",
                "created_at": now,
            }
            for n, d, p in DEFAULT_GROUPS
        ],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in (
        "drafts",
        "subscriptions",
        "pending_groups",
        "group_threads",
        "xref",
        "articles",
        "threads",
        "groups",
    ):
        op.drop_table(table)

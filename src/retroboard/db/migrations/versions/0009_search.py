"""Search: word stems (SQLite FTS5 porter, PostgreSQL 'english'), weighted fields; re-index.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_FTS = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(subject, body, author, "
    "content='articles', content_rowid='id', tokenize='{tokenize}')"
)
_INSERT = (
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles "
    "WHEN new.status = 'posted' AND NOT new.deleted BEGIN "
    "INSERT INTO articles_fts(rowid, subject, body, author) "
    "VALUES (new.id, new.subject, new.body, new.author); END"
)
_UPDATE = (
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF status, deleted, subject, body, author "
    "ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, subject, body, author) "
    "SELECT 'delete', old.id, old.subject, old.body, old.author "
    "WHERE old.status = 'posted' AND NOT old.deleted; "
    "INSERT INTO articles_fts(rowid, subject, body, author) "
    "SELECT new.id, new.subject, new.body, new.author "
    "WHERE new.status = 'posted' AND NOT new.deleted; END"
)
_DELETE = (
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles "
    "WHEN old.status = 'posted' AND NOT old.deleted BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, subject, body, author) "
    "VALUES ('delete', old.id, old.subject, old.body, old.author); END"
)
_REINDEX = (
    "INSERT INTO articles_fts(rowid, subject, body, author) "
    "SELECT id, subject, body, author FROM articles WHERE status = 'posted' AND NOT deleted"
)
_STEMMED = (
    "setweight(to_tsvector('english', subject), 'A') || "
    "setweight(to_tsvector('english', author), 'B') || "
    "setweight(to_tsvector('english', body), 'D')"
)
_PLAIN = "to_tsvector('simple', subject || ' ' || body || ' ' || author)"


def _sqlite(tokenize: str) -> None:
    """Remake the FTS5 table with `tokenize`, its triggers, and index every posted article."""
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS articles_fts")
    op.execute(_FTS.format(tokenize=tokenize))
    # Merging happens in the background (db/maintenance.py), not inside a poster's commit.
    op.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 0)")
    op.execute(_INSERT)
    op.execute(_UPDATE)
    op.execute(_DELETE)
    op.execute(_REINDEX)


def _postgres(expression: str) -> None:
    """Remake the generated tsvector column (PostgreSQL computes it for every row) and its index."""
    op.execute("DROP INDEX IF EXISTS ix_articles_search")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
    op.execute(
        f"ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ({expression}) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search ON articles USING GIN (search)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite("porter unicode61")
    else:
        _postgres(_STEMMED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite("unicode61")
    else:
        _postgres(_PLAIN)

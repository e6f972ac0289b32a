"""SQLite full-text index follows an author rename and an article's deletion (triggers).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

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


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's tsvector is a generated column: it follows by itself
    op.execute("DROP TRIGGER IF EXISTS articles_fts_update")
    op.execute(_UPDATE)
    op.execute(_DELETE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS articles_fts_delete")
    op.execute("DROP TRIGGER IF EXISTS articles_fts_update")
    op.execute(_UPDATE.replace(", author ", " "))

"""Articles by date: an index on articles (date, id), for NEWNEWS (services/news.py reads the
servable articles since a date in (date, id) keyset chunks; without it each chunk scanned and
sorted the whole table: ~0.65 s a chunk at 100,000 articles on SQLite).

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_date", "articles", ["date", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_date", table_name="articles")

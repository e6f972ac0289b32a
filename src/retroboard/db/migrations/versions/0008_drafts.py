"""Drafts: several per member, each with its own id (the rows kept so far are kept).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    "user_id",
    "groups",
    "subject",
    "body",
    "parent_message_id",
    "updated_at",
    "kind",
    "recipients",
)


def _drafts_table(name: str, *, with_id: bool) -> None:
    key = [sa.Column("id", sa.Integer(), primary_key=True)] if with_id else []
    op.create_table(
        name,
        *key,
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id"),
            primary_key=not with_id,
            nullable=False,
        ),
        sa.Column("groups", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False, server_default=""),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("parent_message_id", sa.String(250), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False, server_default="post"),
        sa.Column("recipients", sa.Text(), nullable=False, server_default=""),
    )


def _copy(source: str, target: str, where: str = "") -> None:
    cols = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {source}{where}")


def upgrade() -> None:
    # A new table, a copy, a drop and a rename: the same on SQLite and PostgreSQL.
    _drafts_table("drafts_new", with_id=True)
    _copy("drafts", "drafts_new")
    op.drop_table("drafts")
    op.rename_table("drafts_new", "drafts")
    op.create_index("ix_drafts_user_id", "drafts", ["user_id"])


def downgrade() -> None:
    # One draft per member again: each member keeps the newest.
    _drafts_table("drafts_old", with_id=False)
    _copy(
        "drafts",
        "drafts_old",
        " WHERE id IN (SELECT MAX(d.id) FROM drafts d WHERE d.updated_at = (SELECT MAX(e.updated_at)"
        " FROM drafts e WHERE e.user_id = d.user_id) GROUP BY d.user_id)",
    )
    op.drop_index("ix_drafts_user_id", "drafts")
    op.drop_table("drafts")
    op.rename_table("drafts_old", "drafts")

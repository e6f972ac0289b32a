"""Users: handles, argon2id hashes, levels, profile and terminal preferences.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handle", sa.String(20), nullable=False),
        sa.Column("handle_key", sa.String(20), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False, server_default="10"),
        sa.Column("real_name", sa.String(40), nullable=False, server_default=""),
        sa.Column("location", sa.String(40), nullable=False, server_default=""),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("login_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("editor", sa.String(8), nullable=False, server_default="line"),
        sa.Column("charset", sa.String(8), nullable=False, server_default="auto"),
    )


def downgrade() -> None:
    op.drop_table("users")

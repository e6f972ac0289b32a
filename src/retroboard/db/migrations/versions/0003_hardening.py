"""Hardening: account locks and failed-login counts on users, and the bans table.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("locked_reason", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("lock_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "bans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(40), nullable=False, server_default=""),
    )
    op.create_index("ix_bans_kind_value", "bans", ["kind", "value"])


def downgrade() -> None:
    op.drop_index("ix_bans_kind_value", "bans")
    op.drop_table("bans")
    with op.batch_alter_table("users") as batch:
        for col in ("last_failed_at", "failed_logins", "lock_until", "locked_reason", "locked"):
            batch.drop_column(col)

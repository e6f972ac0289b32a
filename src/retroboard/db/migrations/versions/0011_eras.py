"""Going back in time: a member's modem speed, and guest accounts for a classroom demo board.

users.bps: the speed a member's output is paced at (300 ... 57600), 0 for unthrottled, NULL to
follow the era (skin) or the board's default. users.guest: an account made for one guest
login (no password of its own; removed by `retroboard demo --reset`).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy) on SQLite and PostgreSQL alike.
    op.add_column("users", sa.Column("bps", sa.Integer(), nullable=True))
    op.add_column(
        "users", sa.Column("guest", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    # Plain DROP COLUMN too: batch mode would copy the users table, which other tables'
    # foreign keys point at.
    op.drop_column("users", "guest")
    op.drop_column("users", "bps")

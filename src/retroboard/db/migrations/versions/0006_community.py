"""Community: profiles and preferences on users, private mail, one-liners, calls, bulletins,
the twit filter, and mail drafts beside post drafts.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NOW = sa.func.current_timestamp()


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("about", sa.String(240), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("show_real_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("do_not_disturb", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("expert", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("last_bulletin_id", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="post"))
        batch.add_column(sa.Column("recipients", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_articles_author_id", "articles", ["author_id"])
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("sender", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("reply_to_id", sa.Integer(), sa.ForeignKey("letters.id"), nullable=True),
        sa.Column("sender_deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_letters_sender_id", "letters", ["sender_id"])
    op.create_table(
        "letter_recipients",
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("letters.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("kind", sa.String(2), nullable=False, server_default="to"),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_letter_recipients_user", "letter_recipients", ["user_id", "deleted"])
    op.create_table(
        "oneliners",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("handle", sa.String(20), nullable=False),
        sa.Column("text", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("handle", sa.String(20), nullable=False),
        sa.Column("location", sa.String(40), nullable=False, server_default=""),
        sa.Column("node", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("transport", sa.String(8), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_calls_at", "calls", ["at"])
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(20), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_table(
        "ignores",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("ignored_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("ignores")
    op.drop_table("bulletins")
    op.drop_index("ix_calls_at", "calls")
    op.drop_table("calls")
    op.drop_table("oneliners")
    op.drop_index("ix_letter_recipients_user", "letter_recipients")
    op.drop_table("letter_recipients")
    op.drop_index("ix_letters_sender_id", "letters")
    op.drop_table("letters")
    op.drop_index("ix_articles_author_id", "articles")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("recipients")
        batch.drop_column("kind")
    with op.batch_alter_table("users") as batch:
        for col in ("last_bulletin_id", "expert", "do_not_disturb", "show_real_name", "about"):
            batch.drop_column(col)

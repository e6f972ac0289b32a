"""Articles: flowed says a body is stored as RFC 3676 format=flowed; guessed for older rows.

Revision ID: 0010
Revises: 0009

Bodies posted here before format=flowed existed were stored as typed (fixed: every line a
hard break, a leading space part of the text); posts made since migration 0007 were stored
flowed; nothing recorded which. So existing rows are guessed from their text: a body is
flowed when it shows a sign of flowed encoding, otherwise fixed (false):

- a soft break: a line that ends in a space and has a further line after it, the "-- "
  signature separator excepted (post() has always dropped the trailing spaces of typed
  lines, so only the flowed encoder leaves one);
- space-stuffing: a line starting with " >" or " From " (the encoder stuffs those).

What the guess can get wrong: a fixed body typed with a line starting " >" or " From " is
read as flowed (that line loses its first space); a flowed body with no sign is read as
fixed, which shows it the same, except a line typed with a leading space (stored stuffed,
"  x" for " x", which is also how typed indentation looks in a fixed body): it shows one
space more.
Rows are read in batches by id; only candidates found by LIKE are looked at in Python.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 500
# Prefilters for the signs (LIKE is case-insensitive on SQLite: _looks_flowed decides).
_CANDIDATES = ("% \n%", "% \r\n%", " >%", "%\n >%", " From %", "%\n From %")


def _looks_flowed(body: str) -> bool:
    """True when `body` shows a soft break or space-stuffing (see the module docstring)."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.startswith((" >", " From ")):
            return True
        if line.endswith(" ") and line != "-- " and i + 1 < len(lines):
            return True
    return False


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases: batch mode would copy the articles
    # table on SQLite (a SQL expression default), dropping its full-text triggers.
    op.add_column(
        "articles", sa.Column("flowed", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    bind = op.get_bind()
    articles = sa.table(
        "articles", sa.column("id", sa.Integer), sa.column("body", sa.Text), sa.column("flowed")
    )
    signs = sa.or_(*(articles.c.body.like(pattern) for pattern in _CANDIDATES))
    last = 0
    while True:
        rows: list[Any] = list(
            bind.execute(
                sa.select(articles.c.id, articles.c.body)
                .where(articles.c.id > last, signs)
                .order_by(articles.c.id)
                .limit(BATCH)
            )
        )
        if not rows:
            break
        last = rows[-1].id
        flowed = [row.id for row in rows if _looks_flowed(row.body)]
        if flowed:
            bind.execute(
                articles.update().where(articles.c.id.in_(flowed)).values(flowed=sa.true())
            )


def downgrade() -> None:
    op.drop_column("articles", "flowed")

"""Alembic environment: runs on a connection retroboard passes in (never its own event loop)."""

from __future__ import annotations

from alembic import context

from retroboard.db.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `retroboard db upgrade` (retroboard.db.migrate)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=lambda name, type_, parent: not (name or "").startswith("articles_fts"),
)
with context.begin_transaction():
    context.run_migrations()

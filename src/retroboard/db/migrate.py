"""Bring a database to the newest schema with alembic, from inside the running event loop."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from retroboard.db.engine import Database

log = logging.getLogger(__name__)
_HERE = Path(__file__).resolve().parent


def _config() -> Config:
    cfg = Config(str(_HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


async def upgrade(db: Database) -> tuple[str | None, str | None]:
    """Upgrade to head. Returns (revision before, revision after)."""
    cfg = _config()

    def _run(sync_conn: Any) -> tuple[str | None, str | None]:
        before = MigrationContext.configure(sync_conn).get_current_revision()
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, "head")
        after = MigrationContext.configure(sync_conn).get_current_revision()
        return before, after

    async with db.engine.begin() as conn:
        before, after = await conn.run_sync(_run)
    if before != after:
        log.info("database upgraded from %s to %s", before or "empty", after)
    return before, after

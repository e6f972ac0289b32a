"""Fixtures shared by the service tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from tests.helpers.boards import SERVICE_SETTINGS


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[tuple[Services, Database]]:
    """The services over a freshly migrated database (SQLite, or PostgreSQL when asked),
    with SERVICE_SETTINGS; disposed afterwards. A test file may define its own `board`."""
    db = Database(db_url)
    await upgrade(db)
    try:
        yield build_services(SERVICE_SETTINGS, db, EventBus()), db
    finally:
        await db.dispose()

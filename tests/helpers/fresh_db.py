"""A fresh SQLite database at the newest schema for an in-process test board, without running
the migrations for every test.

Migrating an empty database (alembic, eleven revisions) costs ~0.15-0.2 s of CPU, and about a
thousand UI tests each start a board on one. The migrations run once per test process into a
template; each board then gets a byte copy of it, with the one value the migrations take from
the clock (the default groups' created_at) set to now, so the copy is what migrating would
have made. The migrations themselves are tested where they are the subject
(tests/services/test_drafts.py and the other migration tests, `retroboard db upgrade`, and every
board started with Board.start or `retroboard serve`).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade

_template: bytes | None = None


async def _make_template() -> bytes:
    folder = Path(tempfile.mkdtemp(prefix="rb-template-"))
    path = folder / "retroboard.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        before, after = await upgrade(db)
        assert before is None and after is not None
    finally:
        await db.dispose()
    return _take(folder, path)


def _take(folder: Path, path: Path) -> bytes:
    with sqlite3.connect(path) as con:  # everything in the main file, none in a -wal file
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    shutil.rmtree(folder)
    return data


def _put(db_file: Path, template: bytes) -> None:
    assert not db_file.exists(), db_file
    db_file.parent.mkdir(parents=True, exist_ok=True)
    db_file.write_bytes(template)
    with sqlite3.connect(db_file) as con:
        # as migration 0002 stamps them (SQLAlchemy's SQLite DateTime: naive ISO text)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        con.execute("UPDATE groups SET created_at = ?", (now,))


async def put_fresh_database(db_file: Path) -> None:
    """Write a database at the newest schema, as if just migrated from empty, to `db_file`."""
    global _template
    if _template is None:
        _template = await _make_template()
    _put(db_file, _template)

"""Shared fixtures: settings with cheap hashing, databases (SQLite, PostgreSQL when reachable)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from retroboard.config import Settings

# Boards started by tests (in-process or `retroboard serve` subprocesses) listen for NNTP only
# when a test asks for it: the default port 1119 would be shared by every board at once.
os.environ.setdefault("RETROBOARD_NNTP_PORT", "0")
os.environ.setdefault("RETROBOARD_HTTP_PORT", "0")  # the same for HTTP (default 8080)


def cheap_settings(data: Path, **changes: object) -> Settings:
    """Settings for tests: loopback, port 0, fast (weak) password hashing."""
    base = Settings(
        data=data,
        host="127.0.0.1",
        telnet_port=0,
        ssh_port=0,
        nntp_port=0,  # none unless a test asks (0 disables NNTP; tests pick a free port)
        http_port=0,  # the same for the web transport
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        default_groups="",  # tests subscribe explicitly (see test_new_accounts_start_with_...)
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def _pg_available() -> bool:
    try:
        import asyncpg
    except ImportError:
        return False
    try:
        conn = await asyncpg.connect(
            host="/var/run/postgresql", user="root", database="postgres", timeout=2
        )
    except Exception:
        return False
    await conn.close()
    return True


async def create_pg_database() -> str | None:
    """A fresh, empty PostgreSQL database for one test; None when PostgreSQL is not reachable."""
    if not await _pg_available():
        return None
    import asyncpg

    name = "rb_test_" + uuid.uuid4().hex[:12]
    conn = await asyncpg.connect(host="/var/run/postgresql", user="root", database="postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"postgresql+asyncpg://root@/{name}?host=/var/run/postgresql"


async def drop_pg_database(url: str) -> None:
    import asyncpg

    name = url.split("/")[3].split("?")[0]
    conn = await asyncpg.connect(host="/var/run/postgresql", user="root", database="postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each service test runs on SQLite, and on PostgreSQL when it is reachable."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    url = await create_pg_database()
    if url is None:
        if os.environ.get("RETROBOARD_REQUIRE_PG"):
            pytest.fail("PostgreSQL is not reachable, but CI is supposed to start it")
        pytest.skip("PostgreSQL is not reachable (start it with: pg_ctlcluster 15 main start)")
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture
async def offline_board(tmp_path: Path) -> AsyncIterator[object]:
    """A Board with a fresh database, not listening: drive it with FakeCaller."""
    from retroboard.app import Board
    from tests.helpers.fresh_db import put_fresh_database

    settings = cheap_settings(tmp_path)
    await put_fresh_database(settings.data / "retroboard.db")  # as migrated from empty
    board = Board(settings)
    try:
        yield board
    finally:
        for term in list(board.sessions.values()):
            term.lost()
        await board.db.dispose()

"""A session's unexpected exception is logged once (session id, peer, traceback), never shown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import retroboard.app as app_module
from retroboard.app import Board
from retroboard.config import Settings

SECRET = "boom-7f3a-internal-detail"


@pytest_asyncio.fixture
async def board(tmp_path: Path) -> AsyncIterator[Board]:
    settings = replace(
        Settings(data=tmp_path),
        host="127.0.0.1",
        telnet_port=0,
        ssh_port=0,
        nntp_port=0,  # no NNTP: the default 1119 would be shared by boards running at once
        http_port=0,  # no web either (the default 8080)
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
    )
    board = Board(settings)
    await board.start()
    try:
        yield board
    finally:
        await board.stop()


async def call_until_hung_up(board: Board) -> bytes:
    """A raw TCP caller that reads everything until the board hangs up."""
    reader, writer = await asyncio.open_connection("127.0.0.1", board.telnet.port)
    seen = b""
    try:
        async with asyncio.timeout(10):
            while chunk := await reader.read(65536):
                seen += chunk
    finally:
        writer.close()
    return seen


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info is not None and SECRET in str(r.exc_info[1])]


def boom(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError(SECRET)


@pytest.mark.parametrize("where", ["in the session", "while setting it up"])
async def test_an_unexpected_exception_is_logged_once_and_not_shown(
    board: Board,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    if where == "in the session":
        monkeypatch.setattr(app_module, "run_session", boom)
    else:  # before the session's own try: once swallowed without a line
        monkeypatch.setattr(board.presence, "open", boom)
    caplog.set_level(logging.INFO)
    seen = await call_until_hung_up(board)
    async with asyncio.timeout(5):
        while not failures(caplog):
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # a second line would have arrived by now
    [record] = failures(caplog)
    line = record.getMessage()
    assert "session failed" in line
    assert "127.0.0.1:" in line  # the peer
    assert f"[{board._prefix}-" in line  # the session id
    assert SECRET.encode() not in seen and b"Traceback" not in seen

"""How many asyncio tasks one caller costs on the real board, over telnet and over SSH.

Measured in the board's own event loop: the tasks that exist while a caller sits at the
welcome screen, minus those that existed before they connected. Today: the task the
transport library starts for the connection (it runs the session) and the reader pump.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncssh
import pytest_asyncio

from retroboard.app import Board
from retroboard.config import Settings

TASKS_PER_SESSION = 2  # an upper bound: a change that adds a task per caller fails here


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


def board_tasks(before: set[asyncio.Task[object]]) -> list[str]:
    """The tasks that are new since `before`, by coroutine name (this test's own left out)."""
    mine = asyncio.current_task()
    return sorted(
        getattr(t.get_coro(), "__qualname__", repr(t.get_coro()))
        for t in asyncio.all_tasks() - before
        if t is not mine
    )


async def until(predicate: object, seconds: float = 10) -> None:
    async with asyncio.timeout(seconds):  # no task of its own, unlike wait_for
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def test_a_telnet_caller_costs_at_most_two_tasks(board: Board) -> None:
    await asyncio.sleep(0.1)  # the board's own start-up tasks settle
    before = set(asyncio.all_tasks())
    reader, writer = await asyncio.open_connection("127.0.0.1", board.telnet.port)
    try:
        await until(lambda: board.sessions)
        seen = b""
        async with asyncio.timeout(10):
            while b"\x1b" not in seen and len(seen) < 200:  # the welcome screen is drawing
                seen += await reader.read(4096)
        await asyncio.sleep(0.2)
        tasks = board_tasks(before)
        assert len(tasks) <= TASKS_PER_SESSION, tasks
        assert "TelnetTransport._shell.<locals>.pump" in tasks
    finally:
        writer.close()
    await until(lambda: not board_tasks(before))  # all of them end with the connection


async def test_an_ssh_caller_costs_at_most_two_tasks(board: Board) -> None:
    await asyncio.sleep(0.1)
    before = set(asyncio.all_tasks())
    conn = await asyncssh.connect(
        "127.0.0.1",
        board.ssh.port,
        username="new",
        password="",
        known_hosts=None,
        client_keys=None,
        agent_path=None,
        preferred_auth="password,keyboard-interactive",
    )
    try:
        client = set(asyncio.all_tasks()) - before  # the client's tasks, not the board's
        process = await conn.create_process(term_type="xterm", encoding=None)
        async with asyncio.timeout(10):
            seen = await process.stdout.read(4096)
        assert seen
        await until(lambda: board.sessions)
        await asyncio.sleep(0.2)
        tasks = board_tasks(before | client)
        assert len(tasks) <= TASKS_PER_SESSION, tasks
        assert "SSHTransport.handle_process.<locals>.pump" in tasks
    finally:
        conn.close()
    await until(lambda: not board_tasks(before | client))

"""Callers who stop reading while the board writes to them: hung up within a bound, logged once,
and the board's memory does not grow with what they leave untaken.

(The pre-login 50 MB sender is tests/e2e/test_prelogin_flood.py.) Here a logged-in caller stops
reading and keeps resizing its window, so the board redraws the main menu again and again into a
connection that takes nothing: over telnet from a raw socket with a tiny receive buffer, and over
SSH from an asyncssh client that never reads its output.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

from tests.e2e.test_cli import run
from tests.helpers.serve import PeakRSS, free_port, serve

HANDLE, PASSWORD = "stalled", "Never-reads-42"
IAC, WILL, SB, SE, NAWS = 255, 251, 250, 240, 31
BOUND = 40.0  # seconds: drain gives up after 10 s, the output cap acts sooner
DROPPED = "dropping a client that stopped reading"
WINDOW = 16 * 1024  # the SSH caller's channel window: what the board may send ahead unread


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    telnet: int
    ssh: int
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("flood")
    added = run(data, "user", "add", HANDLE, "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    tport, sport = free_port(), free_port()
    log_path = data / "serve.log"
    with serve(data, log_path, telnet_port=tport, ssh_port=sport) as proc:
        yield Served(proc, tport, sport, log_path)
    assert "Traceback" not in log_path.read_text(errors="replace")


def read_until(s: socket.socket, marker: bytes, timeout: float = 10) -> bytes:
    s.settimeout(timeout)
    seen = b""
    while marker not in seen:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError(f"closed before {marker!r}: {seen[-300:]!r}")
        seen += chunk
    return seen


def naws(cols: int, rows: int) -> bytes:
    return bytes([IAC, SB, NAWS, 0, cols, 0, rows, IAC, SE])


def test_a_telnet_caller_who_stops_reading_is_hung_up(board: Served) -> None:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel holds little for us
    s.connect(("127.0.0.1", board.telnet))
    port = s.getsockname()[1]
    try:
        read_until(s, b"Handle:")
        s.sendall(HANDLE.encode() + b"\r\n")
        read_until(s, b"Password:")
        s.sendall(PASSWORD.encode() + b"\r\n")
        read_until(s, b"Goodbye")
        s.sendall(bytes([IAC, WILL, NAWS]))
        memory = PeakRSS(board.proc.pid)
        t0 = time.monotonic()
        gone, resizes = False, 0
        s.settimeout(1)
        while not gone and time.monotonic() - t0 < BOUND:
            try:  # from here on nothing is read: every redraw piles up
                s.sendall(naws(80 + resizes % 2, 24))
                resizes += 1
                time.sleep(0.002)
            except (BrokenPipeError, ConnectionResetError):
                gone = True
            except TimeoutError:
                pass  # our own send buffer is full: the board is not reading us either
        took = time.monotonic() - t0
        grew = memory.grew_mb()
    finally:
        s.close()
    print(f"telnet: hung up after {took:.1f} s, {resizes} resizes, RSS +{grew:.2f} MB")
    assert gone, f"still connected after {resizes} resizes in {took:.0f} s"
    assert grew < 5, f"the board grew by {grew:.1f} MB"
    assert_dropped_once(board, port)
    assert_still_answers(board)


def test_an_ssh_caller_who_stops_reading_is_hung_up(board: Served) -> None:
    port = asyncio.run(_ssh_stall(board))
    assert_dropped_once(board, port)
    assert_still_answers(board)


async def _ssh_stall(board: Served) -> int:
    conn = await asyncssh.connect(
        "127.0.0.1",
        board.ssh,
        username=HANDLE,
        password=PASSWORD,
        known_hosts=None,
        client_keys=None,
        agent_path=None,
        preferred_auth="password",
    )
    port = int(conn.get_extra_info("sockname")[1])
    try:
        # A small channel window, as the telnet caller's small receive buffer: asyncssh's
        # default (2 MiB, and as much again held unread) takes minutes of menu redraws to fill
        # at the rate a loaded machine draws them, so the board could not tell, within BOUND,
        # a caller who stopped reading from one still taking its output.
        process = await conn.create_process(
            term_type="xterm", term_size=(80, 24), encoding=None, window=WINDOW, max_pktsize=WINDOW
        )
        seen = b""
        while b"Goodbye" not in seen:
            seen += await asyncio.wait_for(process.stdout.read(65536), 10)
        memory = PeakRSS(board.proc.pid)
        t0 = time.monotonic()
        resizes = 0
        closed = asyncio.ensure_future(conn.wait_closed())
        while not closed.done() and time.monotonic() - t0 < BOUND:
            try:  # stdout is never read again
                process.change_terminal_size(80 + resizes % 2, 24)
            except (OSError, asyncssh.Error):
                break
            resizes += 1
            await asyncio.sleep(0.002)
        done, _ = await asyncio.wait({closed}, timeout=5)
        took = time.monotonic() - t0
        grew = memory.grew_mb()
    finally:
        conn.abort()
    print(f"ssh: hung up after {took:.1f} s, {resizes} resizes, RSS +{grew:.2f} MB")
    assert done and took < BOUND, f"still connected after {resizes} resizes in {took:.0f} s"
    assert grew < 5, f"the board grew by {grew:.1f} MB"
    return port


def assert_dropped_once(board: Served, port: int) -> None:
    """The drop is in the log once for the caller's session, never once per write."""
    mine: list[str] = []
    for _ in range(50):
        mine = [
            line
            for line in board.text().splitlines()
            if DROPPED in line and line.endswith(f"127.0.0.1:{port}")
        ]
        if mine:
            break
        time.sleep(0.1)
    assert len(mine) == 1, mine
    print(mine[0])


def assert_still_answers(board: Served) -> None:
    s = socket.create_connection(("127.0.0.1", board.telnet), 5)
    try:
        assert b"Handle:" in read_until(s, b"Handle:")
    finally:
        s.close()

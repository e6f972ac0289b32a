"""Public-safety behaviour of a real board: lines, deadlines, live privileges, bans, kicks, modes."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import pytest_asyncio

from retroboard.domain.users import Level
from tests.conftest import cheap_settings
from tests.helpers.clients import SSHClient, TelnetClient

PW = "Null-modem-cable-7"
MENU = r"Command \(\? for menu\)"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    from retroboard.app import Board

    data: Path = tmp_path_factory.mktemp("hard") / "data"  # the board makes the folder itself
    old = os.umask(0o022)
    try:
        b = Board(
            cheap_settings(
                data,
                max_sessions=30,
                max_prelogin_per_address=3,
                login_timeout=5,
                sysop_reserve=2,
            )
        )
        await b.start()
    finally:
        os.umask(old)
    for handle, level in (("ada", Level.USER), ("marvin", Level.MODERATOR), ("grace", Level.USER)):
        await b.services.users.register(handle, PW, level=level, first_call=False)
    try:
        yield b
    finally:
        await b.stop()


class Raw:
    """A raw TCP caller (no telnet negotiation) from a chosen source address."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.data = b""
        self.closed = False

    @classmethod
    async def connect(cls, port: int, source: str = "127.0.0.1") -> Raw:
        r, w = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        return cls(r, w)

    async def read_until(self, needle: bytes, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while needle not in self.data and not self.closed:
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                chunk = await asyncio.wait_for(self.reader.read(4096), left)
            except TimeoutError:
                return needle in self.data
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
            self.data += chunk
        return needle in self.data

    def close(self) -> None:
        self.writer.close()


async def test_fresh_data_folder_and_database_are_private(board: Any) -> None:
    data = board.settings.data
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    for name in ("retroboard.db", "retroboard.db-wal", "retroboard.db-shm", "control.sock"):
        path = data / name
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name
    assert (data / "retroboard.db").exists()


async def test_one_address_cannot_keep_another_out(board: Any) -> None:
    holders = [await Raw.connect(board.telnet.port) for _ in range(8)]
    got = await asyncio.gather(*(h.read_until(b"Handle:", 4) for h in holders))
    refused = [h for h in holders if b"Too many callers from your address" in h.data]
    assert sum(got) == 3 and len(refused) == 5
    assert all(h.closed for h in refused)
    t0 = time.monotonic()
    other = await TelnetClient.connect(board.telnet.port, source="127.0.0.2")
    await other.wait_for(r"Handle:\s*$")
    await other.line("grace")
    await other.wait_for(r"Password:\s*$")
    await other.line(PW)
    await other.wait_for(MENU)
    assert time.monotonic() - t0 < 5
    other.close()
    for h in holders:
        h.close()


async def test_a_caller_who_never_logs_in_is_hung_up_at_the_deadline(board: Any) -> None:
    idle = await Raw.connect(board.telnet.port, source="127.0.0.9")
    assert await idle.read_until(b"Handle:", 4)
    mark = len(idle.data)
    assert await idle.read_until(b"Time to log in is up", 8)
    assert idle.data.index(b"Time to log in is up") >= mark
    await idle.read_until(b"\x00never", 2)
    assert idle.closed


async def test_demoted_moderator_loses_the_queue_and_delete_in_the_same_session(
    board: Any,
) -> None:
    m = await TelnetClient.connect(board.telnet.port, source="127.0.0.3")
    await m.wait_for(r"Handle:\s*$")
    await m.line("marvin")
    await m.wait_for(r"Password:\s*$")
    await m.line(PW)
    screen = await m.wait_for(MENU)
    assert "Moderation queue" in screen
    [node] = [n for n in board.nodes.values() if n.ctx.user and n.ctx.user.handle == "marvin"]
    stale = node.ctx.user  # what a screen holding the old user object would pass
    await board.services.users.set_level("marvin", Level.USER)
    for _ in range(50):
        if node.ctx.user.level == Level.USER:
            break
        await asyncio.sleep(0.02)
    assert node.ctx.user.level == Level.USER
    # The service refuses a stale moderator too: the level is checked at every call.
    from retroboard.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        await board.services.moderation.queue(stale)
    await m.send("Q")  # the queue's hotkey does nothing now (the menu only beeps)
    await m.settle()
    assert "waiting" not in m.screen.text
    m.screen.feed(b"\x1b[2J\x1b[H")  # forget the old frame: only the redraw may show
    await m.send("?")
    screen = await m.wait_for(MENU)
    assert "[M] Message groups" in screen and "Moderation queue" not in screen
    m.close()
    await board.services.users.set_level("marvin", Level.MODERATOR)


async def test_a_lock_or_a_ban_ends_running_sessions_and_bans_turn_callers_away(
    board: Any,
) -> None:
    a = await SSHClient.connect(board.ssh.port, "ada", PW)
    await a.wait_for(MENU)
    await board.services.users.lock("ada", reason="testing locks")
    await a.wait_for("locked")
    await board.services.users.unlock("ada")

    g = await TelnetClient.connect(board.telnet.port, source="127.0.0.4")
    await g.wait_for(r"Handle:\s*$")
    await board.services.bans.add("127.0.0.4", reason="flooding")
    await g.wait_for("banned")
    z = await Raw.connect(board.telnet.port, source="127.0.0.4")
    assert await z.read_until(b"banned", 3)
    assert b"Handle" not in z.data
    await z.read_until(b"\x00never", 2)
    assert z.closed
    y = await Raw.connect(board.telnet.port, source="127.0.0.5")
    assert await y.read_until(b"Handle:", 4)
    y.close()
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError, OSError)):
        conn = await asyncssh.connect(
            "127.0.0.1",
            board.ssh.port,
            username="grace",
            password=PW,
            known_hosts=None,
            client_keys=None,
            agent_path=None,
            preferred_auth="password",
            local_addr=("127.0.0.4", 0),
        )
        conn.close()
    await board.services.bans.remove("127.0.0.4")


async def test_node_list_and_kick_through_the_control_socket(board: Any) -> None:
    from retroboard.transports.control import control_request

    g = await TelnetClient.connect(board.telnet.port, source="127.0.0.6")
    await g.wait_for(r"Handle:\s*$")
    await g.line("grace")
    await g.wait_for(r"Password:\s*$")
    await g.line(PW)
    await g.wait_for(MENU)
    reply = await control_request(board.settings.control_path, "nodes")
    mine = [n for n in reply["nodes"] if n["handle"] == "grace"]
    assert len(mine) == 1 and mine[0]["address"] == "127.0.0.6"
    assert mine[0]["transport"] == "telnet"
    kicked = await control_request(
        board.settings.control_path, "kick", node=mine[0]["node"], reason="lights out"
    )
    assert kicked["ok"] and kicked["handle"] == "grace"
    await g.wait_for("lights out")
    stats = await control_request(board.settings.control_path, "stats")
    assert stats["password_hashes"] > 0

"""The sysop's commands against a running board: bans, locks, node list and kick, end to end.

One `retroboard serve` subprocess for the module; the commands run as the sysop types them,
and telnet callers (some from 127.0.0.2 and 127.0.0.3) see what they do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import telnetlib3

from retroboard.transports.control import ControlError, ControlUnavailable, control_request
from tests.conftest import cheap_settings
from tests.e2e.test_cli import CHEAP, free_port, run
from tests.helpers.clients import SSHClient, TelnetClient
from tests.helpers.screen import START

pytestmark = pytest.mark.asyncio(loop_scope="module")

MENU = r"\[G\] Goodbye"
PASSWORDS = {"ada": "Analytical-1", "bob": "Bobby-pass-1", "carol": "Carols-pass-1"}


@dataclass
class LiveBoard:
    data: Path
    telnet_port: int
    proc: subprocess.Popen[bytes]
    log: Path

    async def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run a `retroboard` command without stalling the callers' event loop."""
        return await asyncio.to_thread(run, self.data, *args, stdin=stdin)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveBoard]:
    data = tmp_path_factory.mktemp("sysop")
    for handle, password in PASSWORDS.items():
        r = run(data, "user", "add", handle, "--password-stdin", stdin=password + "\n")
        assert r.returncode == 0, r.stderr
    tport, sport = free_port(), free_port()
    log = data / "board.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "retroboard", "serve", "--data", str(data)]
            + ["--host", "127.0.0.1", "--telnet-port", str(tport), "--ssh-port", str(sport)],
            env=dict(os.environ, **CHEAP),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    live = LiveBoard(data, tport, proc, log)
    try:
        for _ in range(200):
            try:
                await control_request(data / "control.sock", "ping", timeout=1)
                break
            except (ControlUnavailable, ControlError):
                assert proc.poll() is None, log.read_text()
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the board never answered on its control socket")
        yield live
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    assert "Traceback" not in log.read_text()


async def call(port: int, source: str = "127.0.0.1") -> TelnetClient:
    """A telnet caller whose connection comes from the loopback address `source`."""
    reader, writer = await telnetlib3.open_connection(
        "127.0.0.1",
        port,
        local_addr=(source, 0),
        encoding=False,
        cols=80,
        rows=24,
        term="xterm-256color",
        connect_minwait=0.05,
        connect_maxwait=1.0,
    )
    return TelnetClient(reader, writer, 80, 24)


async def login(port: int, handle: str, source: str = "127.0.0.1") -> TelnetClient:
    c = await call(port, source)
    await c.wait_for(r"Handle:\s*$")
    await c.line(handle)
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORDS[handle])
    await c.wait_for(MENU)
    return c


async def hung_up(c: TelnetClient, timeout: float = 8.0) -> bool:
    """True once the board has closed the caller's connection (read what came before it)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if c.reader.at_eof():
            return True
        await c._pump(0.05)
    return c.reader.at_eof()


async def test_no_board_running(tmp_path: Path) -> None:
    for args in (("node", "list"), ("node", "kick", "1")):
        r = await asyncio.to_thread(run, tmp_path, *args)
        assert r.returncode == 1
        assert r.stderr == (
            f"retroboard: no board is running on {tmp_path} "
            f"(control socket {tmp_path / 'control.sock'})\n"
        )


async def test_control_socket_is_private(board: LiveBoard) -> None:
    assert ((board.data / "control.sock").stat().st_mode & 0o777) == 0o600


async def test_banned_address_sees_the_ban_screen(board: LiveBoard) -> None:
    # A caller from 127.0.0.3 is already at the Handle: prompt when that address is banned.
    waiting = await call(board.telnet_port, "127.0.0.3")
    await waiting.wait_for("Handle:")
    r = await board.cli("ban", "add", "127.0.0.2", "--reason", "flooding the lines")
    assert r.returncode == 0, r.stderr
    assert "banned address 127.0.0.2 for good" in r.stdout
    assert "the running board has been told" in r.stdout
    r = await board.cli("ban", "add", "127.0.0.3", "--for", "1h")
    assert r.returncode == 0, r.stderr

    banned = await call(board.telnet_port, "127.0.0.2")
    assert await hung_up(banned)
    assert "banned" in banned.text and "flooding the lines" in banned.text
    assert "Handle:" not in banned.text
    banned.close()

    assert await hung_up(waiting)  # the ban reached the caller already on the line
    assert "banned" in waiting.text
    waiting.close()

    ok = await call(board.telnet_port, "127.0.0.1")
    await ok.wait_for(r"Handle:\s*$")
    ok.close()

    r = await board.cli("ban", "list")
    assert r.returncode == 0
    rows = {line.split()[2]: line for line in r.stdout.splitlines()[1:]}
    assert "flooding the lines" in rows["127.0.0.2"] and "for good" in rows["127.0.0.2"]
    assert "59m" in rows["127.0.0.3"] or "1h" in rows["127.0.0.3"]

    r = await board.cli("ban", "remove", "127.0.0.2")
    assert r.returncode == 0 and "lifted 1 ban on 127.0.0.2" in r.stdout
    again = await call(board.telnet_port, "127.0.0.2")
    await again.wait_for(r"Handle:\s*$")
    again.close()
    r = await board.cli("ban", "remove", "127.0.0.3")
    assert r.returncode == 0


async def test_bad_ban_input_is_one_line(board: LiveBoard) -> None:
    r = await board.cli("ban", "add", "300.1.2.3")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not a valid IP" in r.stderr
    r = await board.cli("ban", "add", "127.0.0.9", "--for", "soon")
    assert r.returncode == 2 and "not a duration" in r.stderr and "Traceback" not in r.stderr
    r = await board.cli("ban", "remove", "77")
    assert r.returncode == 1 and r.stderr == "retroboard: There is no ban number 77.\n"


async def test_lock_hangs_up_and_refuses_login(board: LiveBoard) -> None:
    online = await login(board.telnet_port, "ada")
    r = await board.cli("user", "lock", "ada", "--reason", "cooling off")
    assert r.returncode == 0, r.stderr
    assert "ada is locked" in r.stdout and "the running board has been told" in r.stdout
    assert await hung_up(online)
    assert "locked" in online.text and "cooling off" in online.text
    online.close()

    r = await board.cli("user", "list")
    [row] = [line for line in r.stdout.splitlines() if line.startswith("ada ")]
    assert "LOCKED (cooling off)" in row

    c = await call(board.telnet_port)
    await c.wait_for(r"Handle:\s*$")
    await c.line("ada")
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORDS["ada"])
    screen = await c.wait_for("locked")
    assert "[G] Goodbye" not in screen
    c.close()

    r = await board.cli("user", "unlock", "ada")
    assert r.returncode == 0 and "ada is unlocked" in r.stdout
    (await login(board.telnet_port, "ada")).close()


async def test_node_list_and_kick(board: LiveBoard) -> None:
    bob = await login(board.telnet_port, "bob")
    anonymous = await call(board.telnet_port)
    await anonymous.wait_for("Handle:")
    r = await board.cli("node", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:4] == ["NODE", "HANDLE", "ADDRESS", "VIA"]
    [bob_row] = [line for line in lines if " bob " in line]
    number, handle, address, via = bob_row.split()[:4]
    assert (handle, address, via) == ("bob", "127.0.0.1", "telnet")
    assert any(line.split()[1:2] == ["-"] for line in lines[1:])  # the caller logging in

    r = await board.cli("node", "kick", number, "--reason", "closing time")
    assert r.returncode == 0, r.stderr
    assert f"disconnected node {number} (bob)" in r.stdout
    assert await hung_up(bob)
    assert "The sysop has disconnected you: closing time" in bob.text
    bob.close()

    r = await board.cli("node", "list")
    assert " bob " not in r.stdout
    r = await board.cli("node", "kick", "99")
    assert r.returncode == 1 and r.stderr == "retroboard: nobody is on node 99\n"
    anonymous.close()


async def test_deleted_user_is_hung_up(board: LiveBoard) -> None:
    online = await login(board.telnet_port, "carol")
    r = await board.cli("user", "delete", "carol")
    assert r.returncode == 0, r.stderr
    assert "deleted carol; 0 articles kept as '(deleted user)'" in r.stdout
    assert await hung_up(online)
    assert "removed" in online.text
    online.close()
    r = await board.cli("user", "delete", "carol")
    assert r.returncode == 1 and "No user called 'carol'" in r.stderr


async def test_group_changes_while_running(board: LiveBoard) -> None:
    r = await board.cli(
        "group", "set", "misc.test", "--description", "Scratch", "--policy", "moderated"
    )
    assert r.returncode == 0, r.stderr
    assert "misc.test: moderated, read user, post user - Scratch" in r.stdout
    r = await board.cli("group", "list")
    [row] = [line for line in r.stdout.splitlines() if line.startswith("misc.test ")]
    assert "moderated" in row and row.endswith("Scratch")
    r = await board.cli("group", "remove", "misc.test")
    assert r.returncode == 0 and "removed misc.test and 0 articles" in r.stdout
    r = await board.cli("group", "list")
    assert "misc.test" not in r.stdout
    r = await board.cli("group", "set", "misc.test")
    assert r.returncode == 2 and "say what to change" in r.stderr


async def test_banned_handle_is_hung_up_and_cannot_log_in(board: LiveBoard) -> None:
    online = await login(board.telnet_port, "bob")
    r = await board.cli("ban", "add", "Bob", "--reason", "trolling")
    assert r.returncode == 0 and "banned handle bob for good" in r.stdout, r.stderr
    assert await hung_up(online)
    assert "banned" in online.text and "trolling" in online.text
    online.close()

    c = await call(board.telnet_port)
    await c.wait_for(r"Handle:\s*$")
    await c.line("bob")
    await c.wait_for(r"Password:\s*$")
    await c.line(PASSWORDS["bob"])
    screen = await c.wait_for("banned")
    assert "[G] Goodbye" not in screen
    c.close()

    r = await board.cli("ban", "remove", "bob")
    assert r.returncode == 0, r.stderr
    (await login(board.telnet_port, "bob")).close()


def node_of(listing: str, handle: str) -> list[str]:
    """The node numbers `retroboard node list` shows for `handle`."""
    return [line.split()[0] for line in listing.splitlines()[1:] if line.split()[1:2] == [handle]]


async def test_node_list_shows_what_callers_do_and_how_long_they_are_idle(
    board: LiveBoard,
) -> None:
    ada = await login(board.telnet_port, "ada")
    anonymous = await call(board.telnet_port)
    await anonymous.wait_for("Handle:")
    await asyncio.sleep(1.2)  # idle for a second at least
    r = await board.cli("node", "list")
    assert r.returncode == 0, r.stderr
    header, *rows = r.stdout.splitlines()
    assert header.split() == ["NODE", "HANDLE", "ADDRESS", "VIA", "SINCE", "IDLE", "ACTIVITY"]
    [ada_row] = [line for line in rows if " ada " in line]
    assert ada_row.endswith("At the main menu")
    idle = ada_row.split()[6]  # SINCE is "HH:MM (0h00)": two words
    assert idle.endswith("s") and int(idle[:-1]) >= 1
    assert any(line.split()[1] == "-" and line.endswith("Logging in") for line in rows)
    anonymous.close()
    ada.close()


async def test_a_sysop_broadcast_reaches_one_node_or_everyone(board: LiveBoard) -> None:
    await offline(board, "ada")
    ada = await login(board.telnet_port, "ada")
    bob = await login(board.telnet_port, "bob")
    r = await board.cli("node", "list")
    [ada_node] = node_of(r.stdout, "ada")

    before_ada, before_bob = ada.mark(), bob.mark()
    r = await board.cli("broadcast", "Lunch is served", "--node", ada_node)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"sent to node {ada_node} (ada)\n"
    await ada.wait_for("Lunch is served", after=before_ada)
    await bob.settle()
    assert "Lunch is served" not in bob.text

    before_ada, before_bob = ada.mark(), bob.mark()
    r = await board.cli("broadcast", "The board restarts at noon")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("sent to ") and r.stdout.endswith(" callers\n")
    await ada.wait_for("The board restarts at noon", after=before_ada)
    await bob.wait_for("The board restarts at noon", after=before_bob)
    assert "Lunch is served" not in bob.text

    r = await board.cli("broadcast", "   ")
    assert r.returncode == 2 and r.stderr == "retroboard: broadcast: say what to tell the callers\n"
    r = await board.cli("broadcast", "hello", "--node", "99")
    assert r.returncode == 1 and r.stderr == "retroboard: nobody is on node 99\n"
    r = await board.cli("broadcast", "x" * 300)
    assert r.returncode == 1 and "at most 240 characters" in r.stderr
    ada.close()
    bob.close()


async def offline(board: LiveBoard, handle: str) -> None:
    """Wait (bounded) until `handle` has no node: closed callers take a moment to be noticed."""
    for _ in range(50):
        r = await board.cli("node", "list")
        if not node_of(r.stdout, handle):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{handle} is still online:\n{r.stdout}")


async def test_logging_in_twice_warns_both_sessions(board: LiveBoard) -> None:
    await offline(board, "ada")
    first = await login(board.telnet_port, "ada")
    before = first.mark()
    second = await login(board.telnet_port, "ada")
    r = await board.cli("node", "list")
    numbers = node_of(r.stdout, "ada")
    assert len(numbers) == 2  # the default policy, warn, lets the second login in
    await first.wait_for(rf"ada has just logged in again, on node {numbers[1]}", after=before)
    await second.wait_for(rf"You are also online on node {numbers[0]}", after=START)
    first.close()
    second.close()


@pytest_asyncio.fixture(loop_scope="module")
async def strict_board(tmp_path: Path) -> AsyncIterator[Any]:
    """An in-process board that refuses a second login with a handle already online."""
    from retroboard.app import Board

    b = Board(cheap_settings(tmp_path / "data", duplicate_login="refuse"))
    await b.start()
    await b.services.users.register("ada", PASSWORDS["ada"], first_call=False)
    try:
        yield b
    finally:
        await b.stop()


async def handles_online(board: Any, handles: list[str]) -> bool:
    """True once presence shows exactly `handles` (by node); waits at most 5 s."""
    for _ in range(100):
        if [n.handle for n in board.presence.nodes()] == handles:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_logging_in_twice_is_refused_when_the_policy_says_so(strict_board: Any) -> None:
    first = await login(strict_board.telnet.port, "ada")
    second = await call(strict_board.telnet.port)
    await second.wait_for(r"Handle:\s*$")
    await second.line("ada")
    await second.wait_for(r"Password:\s*$")
    await second.line(PASSWORDS["ada"])
    await second.wait_for("You are already online on node 1.")
    assert await hung_up(second)
    assert "[G] Goodbye" not in second.text  # never reached the menu
    second.close()

    ssh = await SSHClient.connect(strict_board.ssh.port, "ada", PASSWORDS["ada"])
    await ssh.wait_for("You are already online on node 1.", after=START)
    ssh.close()
    assert await handles_online(strict_board, ["ada"])  # the refused ones got no node for long

    first.close()
    assert await handles_online(strict_board, [])  # the board noticed the hang-up
    again = await login(strict_board.telnet.port, "ada")
    assert [(n.number, n.handle) for n in strict_board.presence.nodes()] == [(1, "ada")]
    again.close()


async def test_going_down_is_shown_as_a_notice_to_a_caller_waiting_at_the_menu(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from retroboard.app import Board

    caplog.set_level(logging.INFO, logger="retroboard.app")
    b = Board(cheap_settings(tmp_path / "data"))
    await b.start()
    try:
        await b.services.users.register("bob", PASSWORDS["bob"], first_call=False)
        bob = await login(b.telnet.port, "bob")
        mark = bob.mark()
    finally:
        await b.stop()
    screen = await bob.wait_for("going down NOW", after=mark)
    assert screen.count("going down NOW") == 1
    assert "written directly" not in caplog.text  # it went through the session's notices
    assert await hung_up(bob)
    bob.close()


async def test_a_busy_caller_gets_the_going_down_text_written_directly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from retroboard.app import Board
    from retroboard.term.events import Disconnected

    caplog.set_level(logging.INFO, logger="retroboard.app")
    b = Board(cheap_settings(tmp_path / "data"))
    await b.start()
    busy, release = asyncio.Event(), asyncio.Event()

    async def stuck(*_args: object, **_kwargs: object) -> object:
        """A service call that outlasts the shutdown grace (the caller is not at a prompt)."""
        busy.set()
        await asyncio.wait_for(release.wait(), 20)
        raise Disconnected()  # what the session meets next: its line is closed

    loop = asyncio.get_running_loop()
    try:
        await b.services.users.register("bob", PASSWORDS["bob"], first_call=False)
        bob = await login(b.telnet.port, "bob")
        b.services.users.count = stuck  # type: ignore[method-assign]  # the info screen's first call
        await bob.send("I")
        await asyncio.wait_for(busy.wait(), 5)
        mark = bob.mark()
        started = loop.time()
    finally:
        await b.stop()
        release.set()
    assert loop.time() - started < 5
    screen = await bob.wait_for("going down NOW", after=mark)
    assert screen.count("going down NOW") == 1
    assert "busy at shutdown: the going-down text is written directly" in caplog.text
    assert await hung_up(bob)
    bob.close()

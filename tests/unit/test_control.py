"""The control socket (transports/control.py) with handlers defined here."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from retroboard.transports import control
from retroboard.transports.control import (
    ControlError,
    ControlInUse,
    ControlServer,
    ControlUnavailable,
    control_request,
)


async def ping(_req: dict[str, Any]) -> dict[str, Any]:
    return {"board": "test"}


async def echo(req: dict[str, Any]) -> dict[str, Any]:
    return {"got": req}


async def refuse(_req: dict[str, Any]) -> dict[str, Any]:
    return {"ok": False, "error": "nobody is on node 7"}


async def bad_args(req: dict[str, Any]) -> dict[str, Any]:
    return {"node": int(req["node"])}


async def broken(_req: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("secret internals")


async def slow(_req: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(2)
    return {}


HANDLERS = {
    "ping": ping,
    "echo": echo,
    "refuse": refuse,
    "bad-args": bad_args,
    "broken": broken,
    "slow": slow,
}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[ControlServer]:
    srv = ControlServer(tmp_path / "control.sock", HANDLERS)
    await srv.start()
    try:
        yield srv
    finally:
        srv.close()
        await srv.wait_closed()


async def raw_exchange(path: Path, data: bytes) -> list[dict[str, Any]]:
    """Send raw bytes, read answers until the server hangs up (bounded)."""
    reader, writer = await asyncio.open_unix_connection(str(path))
    try:
        writer.write(data)
        await writer.drain()
        out = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    return [json.loads(line) for line in out.splitlines() if line]


async def test_request_and_answer(server: ControlServer) -> None:
    assert await control_request(server.path, "ping") == {"ok": True, "board": "test"}
    answer = await control_request(server.path, "echo", node=3, reason="spam")
    assert answer == {"ok": True, "got": {"node": 3, "reason": "spam"}}  # no "cmd" passed on


async def test_socket_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        srv = ControlServer(tmp_path / "control.sock", HANDLERS)
        await srv.start()
    finally:
        os.umask(old)
    try:
        mode = (tmp_path / "control.sock").stat().st_mode
        assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    finally:
        srv.close()
        await srv.wait_closed()
    assert not (tmp_path / "control.sock").exists()  # close removes it


async def test_errors_come_back_as_control_error(server: ControlServer) -> None:
    with pytest.raises(ControlError, match="nobody is on node 7"):
        await control_request(server.path, "refuse")
    with pytest.raises(ControlError, match="unknown command 'nope'"):
        await control_request(server.path, "nope")
    with pytest.raises(ControlError, match="invalid literal"):
        await control_request(server.path, "bad-args", node="seven")
    with pytest.raises(ControlError, match="node"):
        await control_request(server.path, "bad-args")
    with pytest.raises(ControlError) as info:
        await control_request(server.path, "broken")
    assert "failed" in str(info.value) and "secret" not in str(info.value)
    assert (await control_request(server.path, "ping"))["ok"]  # still serving


async def test_client_timeout(server: ControlServer) -> None:
    with pytest.raises(ControlError, match="did not answer 'slow' within 0.2 s"):
        await control_request(server.path, "slow", timeout=0.2)


async def test_malformed_requests(server: ControlServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(control, "READ_TIMEOUT", 1.0)  # then the server hangs up on us
    answers = await raw_exchange(
        server.path, b'not json\n[1, 2]\n{"cmd": 5}\n{"cmd": "ping"}\n\xff\xfe\n'
    )
    assert [a["ok"] for a in answers] == [False, False, False, True, False]
    assert "JSON object per line" in answers[0]["error"]
    assert '"cmd"' in answers[1]["error"]


async def test_request_line_is_capped(server: ControlServer) -> None:
    big = json.dumps({"cmd": "echo", "pad": "x" * (70 * 1024)}).encode() + b"\n"
    answers = await raw_exchange(server.path, big)
    assert answers == [{"ok": False, "error": "request longer than 65536 bytes"}]
    assert (await control_request(server.path, "ping"))["ok"]


async def test_silent_client_is_dropped(
    server: ControlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "READ_TIMEOUT", 0.2)
    reader, writer = await asyncio.open_unix_connection(str(server.path))
    try:
        assert await asyncio.wait_for(reader.read(), 5) == b""  # hung up, nothing said
    finally:
        writer.close()


async def test_at_most_eight_clients(server: ControlServer) -> None:
    idle = [await asyncio.open_unix_connection(str(server.path)) for _ in range(8)]
    try:
        await asyncio.sleep(0.1)
        with pytest.raises(ControlError, match="busy"):
            await control_request(server.path, "ping")
        idle.pop()[1].close()
        await asyncio.sleep(0.1)
        assert (await control_request(server.path, "ping"))["ok"]
    finally:
        for _, writer in idle:
            writer.close()


async def test_no_board(tmp_path: Path) -> None:
    with pytest.raises(ControlUnavailable):
        await control_request(tmp_path / "control.sock", "ping")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ControlUnavailable):
        await control_request(tmp_path / "file", "ping")


async def test_stale_socket_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    with socket.socket(socket.AF_UNIX) as dead:  # a board that was killed left this behind
        dead.bind(str(path))
    with pytest.raises(ControlUnavailable):
        await control_request(path, "ping")
    srv = ControlServer(path, HANDLERS)
    await srv.start()
    try:
        assert (await control_request(path, "ping"))["board"] == "test"
    finally:
        srv.close()
        await srv.wait_closed()


async def test_refuses_to_start_beside_a_running_board(server: ControlServer) -> None:
    second = ControlServer(server.path, HANDLERS)
    with pytest.raises(ControlInUse, match="another board is already running"):
        await second.start()
    second.close()  # closing one that never started leaves the other's socket alone
    assert (await control_request(server.path, "ping"))["ok"]


async def test_refuses_a_path_that_is_not_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    path.write_text("precious")
    with pytest.raises(OSError, match="not a socket"):
        await ControlServer(path, HANDLERS).start()
    assert path.read_text() == "precious"


async def test_close_hangs_up_clients(tmp_path: Path) -> None:
    srv = ControlServer(tmp_path / "control.sock", HANDLERS)
    await srv.start()
    reader, writer = await asyncio.open_unix_connection(str(srv.path))
    await asyncio.sleep(0.05)
    srv.close()
    await srv.wait_closed()
    try:
        assert await asyncio.wait_for(reader.read(), 5) == b""
    finally:
        writer.close()
    with pytest.raises(ControlUnavailable):
        await control_request(srv.path, "ping")


async def test_the_boards_nodes_and_broadcast_commands(offline_board: Any) -> None:
    """The board's own handlers behind the socket: nodes from presence, notices by address."""
    from retroboard.domain.events import NoticeSent
    from tests.helpers.fakeui import FakeCaller

    board = offline_board
    ada_user = await board.services.users.register("ada", "Analytical-1", first_call=False)
    await board.control.start()
    path = board.settings.control_path
    ada = FakeCaller(board, user=ada_user)  # already authenticated, as over SSH
    anon = FakeCaller(board)
    try:
        await ada.wait_for(r"\[G\] Goodbye")
        await anon.wait_for("Handle:")
        nodes = (await control_request(path, "nodes"))["nodes"]
        assert [(n["node"], n["handle"], n["activity"]) for n in nodes] == [
            (1, "ada", "At the main menu"),
            (2, None, "Logging in"),
        ]
        assert {"address", "transport", "terminal", "size", "since", "idle"} <= set(nodes[0])
        assert (nodes[0]["activity_key"], nodes[0]["activity_values"]) == ("main_menu", {})
        assert nodes[0]["size"] == "80x24" and isinstance(nodes[0]["idle"], int)

        mark_ada, mark_anon = ada.mark(), anon.mark()
        answer = await control_request(path, "broadcast", text="Hello \x1b[31mnode\x07 2", node=2)
        assert (answer["sessions"], answer["node"], answer["handle"]) == (1, 2, None)
        await anon.wait_for("Hello node 2", after=mark_anon)  # control characters removed
        assert "Hello" not in ada.text_after(mark_ada)

        board.bus.publish(NoticeSent("You have new mail", "mail", to_user=ada_user.id))
        await ada.wait_for("You have new mail", after=mark_ada)
        assert "new mail" not in anon.text_after(mark_anon)

        assert (await control_request(path, "broadcast", text="Everyone"))["sessions"] == 2
        await ada.wait_for("Everyone", after=mark_ada)
        await anon.wait_for("Everyone", after=mark_anon)

        for bad, error in (
            ({"text": ""}, "say what to broadcast"),
            ({"text": "hi", "node": "two"}, "a node is a number"),
            ({"text": "hi", "node": True}, "a node is a number"),
            ({"text": "hi", "node": 7}, "nobody is on node 7"),
            ({"text": "y" * 241}, "at most 240 characters"),
        ):
            with pytest.raises(ControlError, match=error):
                await control_request(path, "broadcast", **bad)
    finally:
        await ada.hangup()
        await anon.hangup()
        board.control.close()
    assert board.presence.nodes() == ()

"""The front page and classroom of a real board (app.Board in this process, its HTTP port on
loopback): the sysop's welcome art, how to connect, who is online, and never a secret, under
the board's own security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from retroboard.app import Board
from retroboard.domain.activity import Activity
from retroboard.domain.users import Level
from tests.conftest import cheap_settings
from tests.helpers.serve import free_port

SECRETS = ("Alice Hidden-Realname", "Secretville", "203.0.113.77", "staff.secret", "vt220-secret")


@pytest.fixture
async def board(tmp_path: Path) -> AsyncIterator[Board]:
    art = tmp_path / "data" / "art"
    art.mkdir(parents=True)
    (art / "welcome.ans").write_bytes(b"\x1b[1;35mSYSOP ART <3 & more\x1b[0m\r\n\x1b[44m  \x1b[0m")
    settings = cheap_settings(
        tmp_path / "data",
        telnet_port=free_port(),
        http_port=free_port(),
        board_name='Floppy "Shack" <BBS>',
        guests=True,
    )
    b = Board(settings)
    await b.start()
    try:
        yield b
    finally:
        await b.stop()


async def get(board: Board, path: str) -> tuple[int, dict[str, str], str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{board.settings.http_port}{path}") as r,
    ):
        return r.status, dict(r.headers), await r.text()


async def test_front_page_of_a_running_board(board: Board) -> None:
    sv = board.services
    alice = await sv.users.register(
        "alice", "correct horse 9", real_name="Alice Hidden-Realname", location="Secretville"
    )
    await sv.groups.create("staff.secret", "Sysop only", read_level=Level.SYSOP)
    await sv.groups.create("local.open", "Open to all")
    node = sv.presence.open(
        "web-1", transport="ssh", address="203.0.113.77", terminal="vt220-secret"
    )
    sv.presence.logged_in(node.number, alice)
    sv.presence.set_activity(node.number, Activity("reading", group="local.open"))
    await sv.calls.record(alice, node.number, "ssh")

    status, headers, doc = await get(board, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "style-src 'self'" in headers["Content-Security-Policy"]
    assert "<title>Floppy &quot;Shack&quot; &lt;BBS&gt;</title>" in doc
    assert '<pre class="art"' in doc and "SYSOP ART &lt;3 &amp; more" in doc  # DATA/art wins
    assert '<span class="bg4">  </span>' in doc
    assert f"telnet 127.0.0.1 {board.settings.telnet_port}" in doc
    assert '<td class="handle">alice</td><td class="doing">Reading local.open</td>' in doc
    assert "local.open" in doc
    for secret in SECRETS:
        assert secret not in doc, secret
    assert "style=" not in doc and "<script" not in doc

    status, headers, css = await get(board, "/assets/site.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "pre.art .bg4 " in css


async def test_classroom_of_a_running_board(board: Board) -> None:
    sv = board.services
    guest = await sv.users.new_guest()
    node = sv.presence.open("web-2", transport="web", address="203.0.113.77", terminal="xterm")
    sv.presence.logged_in(node.number, guest)
    sv.presence.open("web-3", transport="telnet", address="203.0.113.77", terminal="ansi")

    status, _, doc = await get(board, "/classroom")
    assert status == 200
    assert '<meta http-equiv="refresh" content="5">' in doc
    rows = doc.split("<tbody>")[1].split("</tbody>")[0].splitlines()
    assert rows[1].startswith(f'<tr class="guest"><td class="node">{node.number}</td>')
    assert f'<td class="handle">{guest.handle}</td>' in rows[1]
    assert "(logging in)" in rows[2]
    assert "203.0.113.77" not in doc

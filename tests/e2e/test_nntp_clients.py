"""End to end with the real newsreaders (Debian tin and slrn, in a pty): each lists the groups,
reads a thread written over telnet, and posts a follow-up (AUTHINFO with a board account) that
a telnet caller then sees drawn under its parent in the thread tree."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.conftest import cheap_settings
from tests.e2e.test_discussions import goto_group, post_thread, telnet_login
from tests.helpers.clients import ProgramClient
from tests.helpers.serve import free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

PW = {"alice": "Alice-pass-1", "bob": "Bobby-pass-1"}
SUBJECT = "Amiga 500 power supply hum"
BODY = ["Mine hums loudly when the drive spins up.", "Is that the capacitors going?"]
EDITOR = """#!/bin/sh
for f; do file="$f"; done
printf '\\n%s\\n' '{text}' >> "$file"
"""


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    from retroboard.app import Board

    data: Path = tmp_path_factory.mktemp("newsreaders")
    b = Board(cheap_settings(data, nntp_port=free_port(), domain="heron.example"))
    await b.start()
    for handle, password in PW.items():
        await b.services.users.register(handle, password)
    a = await telnet_login(b.telnet.port, "alice", PW["alice"])
    await post_thread(a, "comp.sys.retro", SUBJECT, BODY)
    a.close()
    try:
        yield b
    finally:
        await b.stop()


def home(tmp: Path, editor_text: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    editor = tmp / "editor.sh"
    editor.write_text(EDITOR.format(text=editor_text))
    editor.chmod(0o755)
    return tmp


async def follow_up_by(board: Any, marker: str) -> Any:
    """bob's follow-up holding `marker`, once it is on the board (None after 5 s)."""
    bob = await board.services.users.get("bob")
    for _ in range(50):
        page = await board.services.articles.thread_page(bob, "comp.sys.retro")
        thread = next(t for t in page.threads if t.subject == SUBJECT)
        for head in thread.articles[1:]:
            article = await board.services.articles.read_article(
                bob, "comp.sys.retro", head.number, mark_read=False
            )
            if marker in article.body:
                return thread, article
        await asyncio.sleep(0.1)
    return None


async def telnet_sees_under_parent(board: Any, marker: str) -> None:
    a = await telnet_login(board.telnet.port, "alice", PW["alice"])
    await a.send("m")
    await a.wait_for("groups")
    await goto_group(a, "comp.sys.retro")
    screen = await a.wait_for(r"\bbob\b")
    rows = screen.splitlines()
    root = next(i for i, row in enumerate(rows) if SUBJECT in row)
    assert "bob" in rows[root + 1], screen  # drawn under alice's post
    await a.send("\r")
    await a.wait_for(r"End of article 1 ")
    for _ in range(4):  # through the thread to the one with the marker
        await a.send("n")
        screen = await a.wait_for(r"End of article \d+ ")
        if marker in screen:
            break
    assert marker in screen, screen
    a.close()


@pytest.mark.skipif(shutil.which("tin") is None, reason="tin is not installed")
async def test_tin_reads_a_telnet_thread_and_follows_up(board: Any, tmp_path: Path) -> None:
    marker = "Recap it first. Posted from tin: heron55"
    h = home(tmp_path / "tin", marker)
    (h / ".newsauth").write_text("127.0.0.1 Bobby-pass-1 bob\n")
    os.chmod(h / ".newsauth", 0o600)
    (h / ".tin").mkdir()
    (h / ".tin" / "tinrc").write_text("mail_address=bob@heron.example\n")
    editor = str(h / "editor.sh")
    argv = ["env", f"HOME={h}", f"EDITOR={editor}", f"VISUAL={editor}"]
    port = str(board.nntp.port)
    t = ProgramClient([*argv, "tin", "-A", "-r", "-p", port, "-g", "127.0.0.1"], cols=80, rows=24)
    try:
        screen = await t.wait_for(r"Group Selection|Press <RETURN>", timeout=15)
        if "Press <RETURN>" in screen:
            await t.send("\r")
            await t.wait_for("Group Selection")
        await t.send("y")  # yank in every group the server lists
        screen = await t.wait_for(r"rec\.games\.bbs")
        assert "comp.sys.retro" in screen and "local.general" in screen
        await t.send("2\r")
        await t.send("\r")  # into comp.sys.retro: its thread list
        await t.wait_for(SUBJECT)
        await t.send("\r")  # the article
        screen = await t.wait_for(BODY[1])
        assert BODY[0] in screen and "alice" in screen
        await t.send("f")  # follow up: the editor appends the marker
        await t.wait_for(r"p=post")
        await t.send("p")
        found = await follow_up_by(board, marker)
        assert found is not None, t.text
        thread, reply = found
        assert reply.head.references[-1] == thread.articles[0].message_id
        assert reply.head.author == "bob"
    finally:
        t.close()
    await telnet_sees_under_parent(board, marker)


@pytest.mark.skipif(shutil.which("slrn") is None, reason="slrn is not installed")
async def test_slrn_reads_a_telnet_thread_and_follows_up(board: Any, tmp_path: Path) -> None:
    marker = "A second opinion from slrn: heron77"
    h = home(tmp_path / "slrn", marker)
    (h / ".slrnrc").write_text(
        'nnrpaccess "127.0.0.1" "bob" "Bobby-pass-1"\n'
        'set hostname "heron.example"\nset username "bob"\nset realname "Bob"\n'
        f"set editor_command \"{h / 'editor.sh'} '%s'\"\n"
    )
    port = str(board.nntp.port)
    argv = ["env", f"HOME={h}", "slrn", "--nntp", "-h", "127.0.0.1", "-p", port]
    s = ProgramClient([*argv, "--create", "-f", str(h / ".jnewsrc")], cols=80, rows=24)
    try:
        screen = await s.wait_for(r"rec\.games\.bbs", timeout=15)
        assert "comp.sys.retro" in screen and "local.general" in screen
        await s.send("\x1b[B")  # down to comp.sys.retro (the list is in name order)
        await s.send(" ")
        await s.wait_for(SUBJECT)
        await s.send(" ")  # the article
        screen = await s.wait_for(BODY[1])
        assert BODY[0] in screen
        await s.send("f")
        screen = await s.wait_for(r"Post the message\?|sure you want to followup\?")
        if "followup?" in screen:
            await s.send("y")
            await s.wait_for(r"Post the message\?")
        await s.send("y")  # slrn says "Posting...done."; the board is asked below
        found = await follow_up_by(board, marker)
        assert found is not None, s.text
        thread, reply = found
        assert reply.head.references[-1] == thread.articles[0].message_id
    finally:
        s.close()
    await telnet_sees_under_parent(board, marker)

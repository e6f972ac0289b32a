"""End to end: a paragraph written at 132 columns over SSH reads without ragged lines at 80 and
at 40 columns over telnet (the body is stored as format=flowed and re-flowed per reader)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_discussions import back_to_menu, goto_group
from tests.helpers.clients import SSHClient, TelnetClient

pytestmark = pytest.mark.asyncio(loop_scope="module")
MENU = r"\[G\] Goodbye"
PARAGRAPH = " ".join(f"flowing{i:02d}" for i in range(30))  # 269 characters


def body_rows(text: str) -> list[str]:
    lines = text.split("\n")
    rule = next(i for i, line in enumerate(lines) if len(line) > 8 and set(line) <= {"─", "-"})
    end = next(i for i, line in enumerate(lines) if line.startswith(("End of article", "--More")))
    rows = [line.rstrip() for line in lines[rule + 1 : end]]
    while rows and not rows[-1]:
        rows.pop()  # the blank rows between the end of the body and the prompt
    return rows


async def test_written_at_132_over_ssh_read_at_80_and_40_over_telnet(live_board: Any) -> None:
    users = live_board.services.users
    writer = await users.register("wren", "Wren-pass-1")
    await users.set_editor(writer.id, "fse")
    await users.register("rhea", "Rhea-pass-1")

    w = await SSHClient.connect(live_board.ssh.port, "wren", "Wren-pass-1", cols=132, rows=43)
    await w.wait_for(MENU)
    await w.send("m")
    await w.wait_for("groups")
    await goto_group(w, "misc.test")
    await w.send("w")
    await w.wait_for(r"Subject:\s*$")
    await w.line("Wide one")
    await w.wait_for(r"Also post to.*:\s*$")
    await w.line("")
    await w.wait_for(r"Ctrl-Z save|\^Z Save")
    await w.send(PARAGRAPH + "\r\rThe end.\x1a")
    await w.wait_for(r"Posted to misc\.test|Article posted")
    w.close()

    for cols in (80, 40):
        r: TelnetClient = await TelnetClient.connect(live_board.telnet.port, cols=cols, rows=40)
        await r.wait_for(r"Handle:\s*$")
        await r.line("rhea")
        await r.wait_for(r"Password:\s*$")
        await r.line("Rhea-pass-1")
        await r.wait_for(MENU)
        await r.send("m")
        await r.wait_for("groups")
        await goto_group(r, "misc.test")
        await r.wait_for("Wide one")
        await r.send("\r")
        screen = await r.wait_for(r"End of article")
        rows = body_rows(screen)
        assert rows[-2:] == ["", "The end."], rows
        para = rows[:-2]
        assert " ".join(para) == PARAGRAPH, rows
        assert len(para) >= (3 if cols == 80 else 7), rows
        for row, after in zip(para, para[1:], strict=False):
            assert len(row) <= cols - 1, rows
            assert len(row) + 1 + len(after.split()[0]) > cols - 1, rows  # not ragged
        await back_to_menu(r)
        r.close()

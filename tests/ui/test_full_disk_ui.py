"""A caller posting on a full disk is told so and keeps their text."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event

from tests.helpers.fakeui import FakeCaller


async def test_full_disk_keeps_the_message_in_the_session(offline_board: Any) -> None:
    user = await offline_board.services.users.register("ada", "Analytical-1")
    db = offline_board.db
    await db.dispose()  # every connection, the ORM's and the fast path's
    with sqlite3.connect(
        offline_board.settings.data / "retroboard.db"
    ) as raw:  # no free pages left inside the file
        raw.execute("VACUUM")
        pages = int(raw.execute("PRAGMA page_count").fetchone()[0])

    @event.listens_for(db.engine.sync_engine, "connect")
    def _cap(dbapi_conn: Any, _rec: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA max_page_count = {pages + 1}")
        cur.close()

    db.connect_hooks.append(lambda con: con.execute(f"PRAGMA max_page_count = {pages + 1}"))
    c = FakeCaller(offline_board, user=user)
    await c.wait_for(r"\[G\] Goodbye")
    # 300 lines of 70 characters are ~21,000 keys: at the board's key_rate (2,000 a second)
    # that was 10 s of pacing, which is not what this test is about
    c.term.key_rate = 1_000_000
    await c.type("m")
    await c.wait_for("groups")
    await c.type("g")
    await c.wait_for("Go to group:")
    await c.line("misc.test")
    await c.wait_for("No articles in misc.test")
    await c.type("w")
    await c.wait_for(r"Subject:")
    await c.line("Disk space")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"^ 1:$")
    for _ in range(300):
        await c.line("A long line of text that will not fit on this very small disk at all.")
    await c.line("/s")
    screen = await c.wait_for(r"disk is full")
    assert "Traceback" not in screen
    await c.wait_for(r"\(E\)dit again")
    await c.type("e")
    # the editor shows the message again after the key (wait_for only looks at output drawn
    # after the last input, so the lines left on the screen from before do not count)
    await c.wait_for(r"A long line of text")
    assert (await offline_board.services.groups.status(user, "misc.test")).group.high == 0
    await c.hangup()

"""NewsService.overview reads the next chunk while its caller works on the current one."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.app import Services
from retroboard.db.engine import Database
from retroboard.transports.nntp.message import overview_form
from retroboard.transports.nntp.options import NNTPOptions

Board = tuple[Services, Database]
FORM = overview_form(NNTPOptions(host="test.example"))


async def test_overview_reads_one_chunk_ahead_and_drops_it_when_the_caller_stops(
    board: Board,
) -> None:
    sv, _ = board
    alice = await sv.users.register("alice", "Alice-pass-1")
    for i in range(7):
        await sv.articles.post(alice, ["comp.sys.retro"], f"Subject {i}", f"Body {i}.")
    news = sv.news
    started: list[int] = []
    real = news._overview_unit

    def counted(*args: Any) -> Any:  # one chunk's read
        started.append(1)
        return real(*args)

    news._overview_unit = counted  # type: ignore[method-assign]
    try:
        stream = news.overview(alice, "comp.sys.retro", 1, 7, FORM, chunk=3)
        first = await anext(stream)
        assert [int(r.split("\t", 1)[0]) for r in first] == [1, 2, 3]
        await asyncio.sleep(0)  # the read ahead is a task: it starts at the loop's next turn
        assert len(started) == 2  # the second chunk's read began before the first was taken
        await stream.aclose()  # the caller stops: the read ahead is cancelled, nothing leaks
        await asyncio.sleep(0.05)
        # whole listings are the same rows whatever the chunk (ahead reads end at the range)
        started.clear()
        whole = [r async for rows in news.overview(alice, "comp.sys.retro", 1, 7, FORM, chunk=3)
                 for r in rows]  # fmt: skip
        assert [int(r.split("\t", 1)[0]) for r in whole] == list(range(1, 8))
        assert len(started) == 3
        started.clear()
        exact = [r async for rows in news.overview(alice, "comp.sys.retro", 1, 6, FORM, chunk=3)
                 for r in rows]  # fmt: skip
        assert exact == whole[:6]
        assert len(started) == 2  # no read past the range's last number
    finally:
        news._overview_unit = real  # type: ignore[method-assign]

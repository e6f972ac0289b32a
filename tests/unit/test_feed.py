"""The session's feed: live items (chat lines, presence changes) reach the screen between key
reads, bounded, with typed-ahead keys first and an optional tick."""

from __future__ import annotations

import asyncio

from retroboard.term.fake import FakeTerminal
from retroboard.ui.events import TICK, SessionTerminal


async def test_items_put_while_waiting_reach_the_screen_before_the_next_key() -> None:
    term = SessionTerminal(FakeTerminal())
    got: list[object] = []
    with term.feed(got.append) as feed:
        reader = asyncio.ensure_future(term.read_key())
        await asyncio.sleep(0.01)
        feed.put("line 1")
        feed.put("line 2")
        await asyncio.sleep(0.01)
        assert got == ["line 1", "line 2"]
        assert not reader.done()  # items are not keys: the read goes on
        await term.raw.feed(b"x")
        key = await asyncio.wait_for(reader, 1)
    assert key.name == "x"
    assert feed.delivered == 2


async def test_a_full_feed_drops_the_oldest_and_counts_it() -> None:
    term = SessionTerminal(FakeTerminal())
    got: list[object] = []
    with term.feed(got.append, maxlen=3) as feed:
        for n in range(10):
            feed.put(n)
        await term.raw.feed(b"q")
        await asyncio.wait_for(term.read_key(), 1)  # the key typed ahead comes first
        assert got == []
        reader = asyncio.ensure_future(term.read_key())
        await asyncio.sleep(0.01)
        await term.raw.feed(b"q")
        await asyncio.wait_for(reader, 1)
    assert got == [7, 8, 9]
    assert feed.dropped == 7


async def test_a_tick_runs_while_the_caller_is_quiet_and_stops_with_the_block() -> None:
    term = SessionTerminal(FakeTerminal())
    got: list[object] = []
    with term.feed(got.append, tick=0.02):
        reader = asyncio.ensure_future(term.read_key())
        await asyncio.sleep(0.1)
        assert got.count(TICK) >= 2
        await term.raw.feed(b"k")
        await asyncio.wait_for(reader, 1)
    ticks = len(got)
    reader = asyncio.ensure_future(term.read_key())
    await asyncio.sleep(0.06)
    assert len(got) == ticks  # the feed is gone: no more ticks
    reader.cancel()

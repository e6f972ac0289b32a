"""StreamTerminal behaviour every transport relies on: back-pressure, stalls, idle, escape."""

from __future__ import annotations

import asyncio

import pytest

from retroboard.term.events import Disconnected, Key, Resize
from retroboard.term.fake import FakeTerminal


class StalledTerminal(FakeTerminal):
    """A client that never reads: drain never completes."""

    async def _drain(self) -> None:
        await asyncio.Event().wait()


async def test_a_client_that_stops_reading_is_dropped() -> None:
    term = StalledTerminal()
    term.drain_timeout = 0.1
    term.write("x" * 100_000)
    with pytest.raises(Disconnected):
        await term.drain()
    assert term.closed and term.hung_up
    term.write("more")  # writes after the drop are ignored, not buffered
    assert len(term.output) == 100_000


async def test_newlines_become_crlf_and_text_is_encoded() -> None:
    term = FakeTerminal(encoding="cp437")
    term.write("╔═╗\nok\r\n")
    assert bytes(term.output) == b"\xc9\xcd\xbb\r\nok\r\n"


async def test_lone_escape_arrives_after_a_short_wait() -> None:
    term = FakeTerminal()
    await term.feed(b"\x1b")
    assert await asyncio.wait_for(term.read_input(), 1) == Key("escape")


async def test_arrow_split_across_packets_is_one_key() -> None:
    term = FakeTerminal()
    await term.feed(b"\x1b[")
    await term.feed(b"A")
    assert await asyncio.wait_for(term.read_input(), 1) == Key("up")


async def test_resize_is_clamped_and_reported_once() -> None:
    term = FakeTerminal()
    term.resize(0, 0)  # a PTY-less client: keep 80x24
    term.resize(9999, 3)
    assert (term.info.cols, term.info.rows) == (400, 5)
    assert await term.read_input() == Resize(400, 5)


async def test_input_back_pressure_blocks_the_transport_not_memory() -> None:
    term = FakeTerminal()
    feeder = asyncio.ensure_future(term.feed(b"a" * 1000))
    await asyncio.sleep(0.05)
    assert not feeder.done()  # the queue is full: the transport stops reading
    assert term._queue.qsize() == 256
    for _ in range(1000):
        await term.read_input()
    await asyncio.wait_for(feeder, 1)


async def test_reads_after_hangup_raise() -> None:
    term = FakeTerminal()
    term.lost()
    for _ in range(2):
        with pytest.raises(Disconnected):
            await term.read_input()

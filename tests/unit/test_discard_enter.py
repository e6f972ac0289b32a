"""A one-key answer typed as a line ("y" then Enter) is one answer: the Enter is dropped, any
other key typed after the answer is kept for the next read."""

from __future__ import annotations

import asyncio

from retroboard.term.fake import FakeTerminal
from retroboard.ui.events import SessionTerminal


async def test_an_enter_right_after_the_answer_is_dropped() -> None:
    term = SessionTerminal(FakeTerminal())
    await term.raw.feed(b"y\rm")
    assert (await term.read_key()).name == "y"
    await term.discard_enter()
    assert (await asyncio.wait_for(term.read_key(), 1)).name == "m"


async def test_an_enter_arriving_a_moment_later_is_dropped_too() -> None:
    term = SessionTerminal(FakeTerminal())
    await term.raw.feed(b"y")
    assert (await term.read_key()).name == "y"

    async def later() -> None:
        await asyncio.sleep(0.01)
        await term.raw.feed(b"\r")

    typing = asyncio.ensure_future(later())
    await term.discard_enter(grace=1.0)
    await typing
    await term.raw.feed(b"x")
    assert (await asyncio.wait_for(term.read_key(), 1)).name == "x"


async def test_another_key_is_kept_and_nothing_waits_long() -> None:
    term = SessionTerminal(FakeTerminal())
    await term.raw.feed(b"yq")
    assert (await term.read_key()).name == "y"
    await term.discard_enter()
    assert (await asyncio.wait_for(term.read_key(), 1)).name == "q"
    await asyncio.wait_for(term.discard_enter(grace=0.01), 1)  # nothing typed: returns

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
    term.discard_enter()
    assert (await asyncio.wait_for(term.read_key(), 1)).name == "m"


async def test_another_key_is_kept_and_nothing_is_waited_for() -> None:
    term = SessionTerminal(FakeTerminal())
    await term.raw.feed(b"yq")
    assert (await term.read_key()).name == "y"
    term.discard_enter()
    assert (await asyncio.wait_for(term.read_key(), 1)).name == "q"
    term.discard_enter()  # nothing typed: returns at once, and the next key still comes
    await term.raw.feed(b"z")
    assert (await asyncio.wait_for(term.read_key(), 1)).name == "z"

"""Unit tests for transports.base.run_with_pump: the session in the calling task, one pump task."""

from __future__ import annotations

import asyncio

import pytest

from retroboard.term.events import Disconnected
from retroboard.term.fake import FakeTerminal
from retroboard.transports import base
from retroboard.transports.base import run_with_pump


@pytest.fixture
def term() -> FakeTerminal:
    return FakeTerminal()


async def test_the_session_runs_in_the_calling_task(term: FakeTerminal) -> None:
    ran_in: list[asyncio.Task[object] | None] = []
    pump_gate = asyncio.Event()

    async def pump() -> None:
        await pump_gate.wait()

    async def session() -> None:
        ran_in.append(asyncio.current_task())

    await run_with_pump(term, pump(), session())
    assert ran_in == [asyncio.current_task()]
    assert term.closed


async def test_a_hang_up_wakes_the_session_which_may_clean_up(term: FakeTerminal) -> None:
    cleaned: list[str] = []

    async def pump() -> None:
        await asyncio.sleep(0)  # the caller hangs up at once

    async def session() -> None:
        try:
            while True:
                await term.read_input()
        except Disconnected:
            await asyncio.sleep(0.01)  # a composer saving its draft
            cleaned.append("saved")

    await run_with_pump(term, pump(), session())
    assert cleaned == ["saved"]


async def test_a_session_deaf_to_the_hang_up_is_cut_after_the_grace(
    term: FakeTerminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "SESSION_GRACE", 0.05)

    async def pump() -> None:
        return

    async def session() -> None:
        await asyncio.sleep(3600)

    async with asyncio.timeout(5):
        await run_with_pump(term, pump(), session())  # returns, not cancelled
    me = asyncio.current_task()
    assert me is not None and me.cancelling() == 0
    assert term.closed


async def test_the_session_ending_ends_the_pump(term: FakeTerminal) -> None:
    pump_cancelled = asyncio.Event()

    async def pump() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pump_cancelled.set()
            raise

    async def session() -> None:
        await asyncio.sleep(0.01)  # the pump is under way
        raise RuntimeError("the session failed")  # ends it quietly, as before

    await run_with_pump(term, pump(), session())
    assert pump_cancelled.is_set()


async def test_a_cancel_from_outside_still_cancels(term: FakeTerminal) -> None:
    async def pump() -> None:
        await asyncio.sleep(3600)

    async def session() -> None:
        await asyncio.sleep(3600)

    task = asyncio.ensure_future(run_with_pump(term, pump(), session()))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert term.closed

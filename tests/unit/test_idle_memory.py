"""What an idle session holds: the lean input queue and the consoles shared by shape."""

from __future__ import annotations

import asyncio

import pytest

from retroboard.term.terminal import InputQueue, TermInfo
from retroboard.ui.render import THEME, Renderer
from retroboard.ui.skin import load_skins


async def test_the_input_queue_is_bounded_and_in_order() -> None:
    q: InputQueue[int] = InputQueue(2)
    q.put_nowait(1)
    await q.put(2)
    assert q.full() and q.qsize() == 2
    with pytest.raises(asyncio.QueueFull):
        q.put_nowait(3)
    assert [q.get_nowait(), q.get_nowait()] == [1, 2]
    assert q.empty()
    with pytest.raises(asyncio.QueueEmpty):
        q.get_nowait()


async def test_a_waiting_put_and_get_are_woken() -> None:
    q: InputQueue[str] = InputQueue(1)
    getter = asyncio.ensure_future(q.get())
    await asyncio.sleep(0)
    q.put_nowait("a")
    assert await asyncio.wait_for(getter, 1) == "a"
    q.put_nowait("b")
    putter = asyncio.ensure_future(q.put("c"))
    await asyncio.sleep(0)
    assert not putter.done()  # full: it waits
    assert q.get_nowait() == "b"
    await asyncio.wait_for(putter, 1)
    assert q.get_nowait() == "c"


async def test_a_cancelled_getter_passes_its_turn_on() -> None:
    q: InputQueue[str] = InputQueue(4)
    first = asyncio.ensure_future(q.get())
    second = asyncio.ensure_future(q.get())
    await asyncio.sleep(0)
    q.put_nowait("x")  # wakes `first`...
    first.cancel()  # ...which is cancelled before it runs: `second` must get the item
    assert await asyncio.wait_for(second, 1) == "x"
    assert first.cancelled()


def test_sessions_of_one_shape_share_a_console() -> None:
    info = TermInfo(cols=80, rows=24, colors=16)
    a, b = Renderer(info, THEME), Renderer(info, THEME)
    assert a.console is b.console
    assert Renderer(TermInfo(cols=60, rows=24), THEME).console is not a.console
    assert Renderer(TermInfo(cols=80, rows=24, colors=0), THEME).console is not a.console
    skin = load_skins()["default"]
    assert skin.theme is skin.theme  # made once, so its sessions share consoles too
    assert Renderer(info, skin.theme).console is not a.console


def test_a_shared_console_renders_each_shape_as_its_own() -> None:
    wide = Renderer(TermInfo(cols=80, rows=24), THEME)
    narrow = Renderer(TermInfo(cols=20, rows=24), THEME)
    text = "word " * 10
    assert max(len(line) for line in narrow.render(text).splitlines()) <= 20
    assert len(wide.render(text).splitlines()) == 1
    plain = Renderer(TermInfo(cols=80, rows=24, colors=0), THEME)
    assert "\x1b[" not in plain.render("[bold]x[/bold]")
    assert "\x1b[" in wide.render("[bold]x[/bold]")

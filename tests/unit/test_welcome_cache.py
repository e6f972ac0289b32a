"""The welcome screen is rendered once per skin and terminal shape, not for every caller."""

from __future__ import annotations

from typing import Any

import pytest

from retroboard.ui import render
from tests.helpers.fakeui import FakeCaller


async def _welcome(board: Any, cols: int = 80) -> tuple[FakeCaller, bytes]:
    c = FakeCaller(board, cols=cols)
    await c.wait_for(r"Handle:")
    return c, bytes(c.term.output)


async def test_a_second_caller_of_the_same_shape_gets_the_welcome_without_rich(
    offline_board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[int] = []
    real = render.Renderer.render

    def counting(self: render.Renderer, *things: Any, **kw: Any) -> str:
        renders.append(self.width)
        return real(self, *things, **kw)

    monkeypatch.setattr(render.Renderer, "render", counting)
    first, screen = await _welcome(offline_board)
    assert renders  # the first caller of this shape: rendered (and kept)
    renders.clear()
    second, again = await _welcome(offline_board)
    assert renders == []  # every line came from the board's render cache
    assert again == screen  # and it is the same screen, byte for byte
    narrow, other = await _welcome(offline_board, cols=40)
    assert renders and all(w == 40 for w in renders)  # another shape is its own
    assert other != screen
    for c in (first, second, narrow):
        c.term.lost()

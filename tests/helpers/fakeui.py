"""Drive the UI through a FakeTerminal: keys in, pyte screen out.

`wait_for` matches only output written after a mark: by default the last input (`type`, `line`,
`resize`), so a test never passes on text left on the screen from before the key it sent.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from retroboard.term.fake import FakeTerminal
from tests.helpers.screen import START, Mark, VirtualScreen


class FakeCaller:
    """A session on a FakeTerminal run by the real board's `on_session`."""

    def __init__(
        self,
        board: Any,
        cols: int = 80,
        rows: int = 24,
        user: Any = None,
        register: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        self.term = FakeTerminal(cols=cols, rows=rows, encoding=encoding)
        self.screen = VirtualScreen(cols, rows)
        self.task = asyncio.ensure_future(board.on_session(self.term, user, register))
        self._seen = 0
        self.last_input = START  # wait_for's default mark: before the last input sent

    def _pump(self) -> None:
        out = bytes(self.term.output)
        if len(out) > self._seen:
            self.screen.feed(out[self._seen :])
            self._seen = len(out)

    @property
    def text(self) -> str:
        self._pump()
        return self.screen.text

    def mark(self) -> Mark:
        """The point in the output reached so far; `wait_for(..., after=mark)` looks past it."""
        self._pump()
        return self.screen.mark()

    def text_after(self, mark: Mark) -> str:
        """The screen with everything drawn before `mark` hidden."""
        self._pump()
        return self.screen.text_after(mark)

    async def wait_for(self, pattern: str, timeout: float = 5.0, after: Mark | None = None) -> str:
        """Wait until `pattern` is on the screen in output written after `after` (default: the
        last input sent); returns the whole screen's text."""
        mark = self.last_input if after is None else after
        rx = re.compile(pattern, re.I | re.M)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            if rx.search(self.text_after(mark)):
                return self.text
            if self.task.done():
                break
            await asyncio.sleep(0.01)
        raise AssertionError(
            f"timed out waiting for {pattern!r} in output after offset {mark.offset}; screen:\n"
            f"{self.text}\n--- drawn since the mark (NUL = older):\n"
            f"{self.text_after(mark).replace(chr(0), '.')}"
        )

    async def type(self, text: str) -> None:
        self.last_input = self.mark()
        await self.term.type_text(text)

    async def line(self, text: str) -> None:
        self.last_input = self.mark()
        await self.term.type_text(text + "\r")

    async def resize(self, cols: int, rows: int) -> None:
        self.last_input = self.mark()
        self.screen.resize(cols, rows)
        self.term.resize(cols, rows)

    async def hangup(self) -> None:
        self.term.lost()
        await asyncio.wait_for(self.task, 5)


def quiet_logs() -> None:
    logging.getLogger("retroboard").setLevel(logging.WARNING)

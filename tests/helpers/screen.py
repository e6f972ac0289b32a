"""A pyte screen that shows what a user's terminal would display, and what was drawn since a mark.

Every character drawn carries the screen's generation at the time. `mark()` starts a new
generation; `text_after(mark)` is the screen with everything drawn before the mark hidden (shown
as NUL), so a pattern matched there can only match output written after the mark, never text
left over from an earlier frame. Blank cells read as blanks whenever they were written.
"""

from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass
from typing import Any, cast

import pyte
from pyte.screens import Char
from wcwidth import wcwidth

HIDDEN = "\x00"  # what a cell drawn before the mark reads as in `text_after`

# a Char with the generation it was drawn in (built at run time: mypy cannot see its fields)
_Stamped: Any = cast(Any, namedtuple)("_Stamped", (*Char._fields, "gen"))


@dataclass(frozen=True)
class Mark:
    """A point in the output: `offset` into the raw bytes, `generation` of the screen."""

    offset: int
    generation: int


START = Mark(0, -1)  # before anything was written: everything on the screen counts


class _StampingScreen(pyte.Screen):
    """A pyte screen whose drawn cells remember the generation they were drawn in."""

    generation = 0

    def draw(self, data: str) -> None:
        attrs: Any = self.cursor.attrs
        if getattr(attrs, "gen", None) != self.generation:
            self.cursor.attrs = _Stamped(*tuple(attrs)[: len(Char._fields)], self.generation)
        super().draw(data)


class VirtualScreen:
    def __init__(self, cols: int = 80, rows: int = 24) -> None:
        self.screen = _StampingScreen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()

    def feed(self, data: bytes) -> None:
        self.raw += data
        self.stream.feed(data)

    def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(rows, cols)

    def mark(self) -> Mark:
        """The current point: output fed from now on is 'after' it."""
        here = Mark(len(self.raw), self.screen.generation)
        self.screen.generation += 1
        return here

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text_after(self, mark: Mark) -> str:
        """The screen as drawn after `mark`: older non-blank cells read as NUL."""
        screen = self.screen
        rows = []
        for y in range(screen.lines):
            line = screen.buffer[y]
            cells = []
            skip = False
            for x in range(screen.columns):
                if skip:  # the right half of a wide character
                    skip = False
                    continue
                cell = line[x]
                data = cell.data
                skip = bool(data) and wcwidth(data[0]) == 2
                if data.strip() and getattr(cell, "gen", -1) <= mark.generation:
                    data = HIDDEN
                cells.append(data)
            rows.append("".join(cells).rstrip())
        return "\n".join(rows)

    def bytes_after(self, mark: Mark) -> bytes:
        """The raw bytes the server sent after `mark`."""
        return bytes(self.raw[mark.offset :])

    def has(self, pattern: str, after: Mark = START) -> bool:
        return re.search(pattern, self.text_after(after), re.I | re.M) is not None

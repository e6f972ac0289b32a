"""Read one line of text with server-side echo, editing keys, a length limit and masking."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from rich.cells import cell_len

from retroboard.term.events import Key
from retroboard.term.terminal import TermInfo
from retroboard.ui.events import Interruption, Notice

BELL = "\a"
MIN_ROOM = 8  # a prompt leaving fewer free columns than this: the typing starts on a new line
SCROLLED = "<"  # leads the echo when the start of a long entry is scrolled out of the row
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def field_column(prompt: str) -> int:
    """The column (0-based) where typing starts after `prompt` (escape codes allowed) is
    written from the start of a row: the width of its last line."""
    return cell_len(_ESCAPE.sub("", prompt).rsplit("\n", 1)[-1].replace("\r", ""))


def visible(text: str, room: int) -> str:
    """The end of `text` that fits in `room` cells, led by `SCROLLED` when its start is cut."""
    if cell_len(text) <= room:
        return text
    kept: list[str] = []
    used = cell_len(SCROLLED)
    for ch in reversed(text):
        used += cell_len(ch)
        if used > room:
            break
        kept.append(ch)
    return SCROLLED + "".join(reversed(kept))


def change(shown: str, new: str) -> str:
    """What to write to turn the echoed `shown` into `new` (the cursor ends after both)."""
    if new.startswith(shown):
        return new[len(shown) :]
    if shown.startswith(new):
        cut = cell_len(shown[len(new) :])
        return "\b \b" * cut
    old_w, new_w = cell_len(shown), cell_len(new)
    pad = max(0, old_w - new_w)
    return "\b" * old_w + new + " " * pad + "\b" * pad


class LineTerminal(Protocol):
    """The part of a Terminal a line prompt needs."""

    @property
    def info(self) -> TermInfo: ...

    def write(self, text: str) -> None: ...
    async def read_key(self) -> Key: ...
    async def drain(self) -> None: ...
    def interruptions(self, handler: Interruption) -> AbstractContextManager[Interruption]: ...


class Echo:
    """The typed text as its row shows it. With a `column` (where the typing starts) only the
    end that fits before the last column is shown, so a long entry scrolls sideways within
    its row instead of wrapping; without one (the caller bounds the width) all of it."""

    def __init__(
        self, term: LineTerminal, buf: list[str], mask: str | None, column: int | None
    ) -> None:
        self.term, self.buf, self.mask, self.column = term, buf, mask, column
        self.shown = ""

    def view(self) -> str:
        text = self.mask * len(self.buf) if self.mask else "".join(self.buf)
        if self.column is None:
            return text
        return visible(text, max(1, self.term.info.cols - 1 - self.column))

    def update(self) -> None:
        """Bring the row up to date with the text (after a key changed it)."""
        new = self.view()
        if new != self.shown:
            self.term.write(change(self.shown, new))
            self.shown = new


class Reprint:
    """A notice during a line prompt: on a line of its own, then the prompt and the text typed
    so far again (a line-mode client keeps its own copy of the typed text)."""

    def __init__(
        self,
        term: LineTerminal,
        prompt: str,
        buf: list[str],
        mask: str | None,
        echo: Echo | None = None,
    ) -> None:
        self.term, self.prompt, self.buf, self.mask = term, prompt, buf, mask
        self.echo = echo

    def show(self, notice: Notice) -> None:
        sender = f"{notice.sender}: " if notice.sender else ""
        self.around(f"*** {sender}{notice.text} ***")

    def typed(self) -> str:
        """The typed text as the prompt's row shows it again (masked, scrolled sideways);
        the echo then counts it as shown."""
        if self.term.info.line_mode:
            return ""
        if self.echo is not None:
            self.echo.shown = self.echo.view()
            return self.echo.shown
        typed = "".join(self.buf)
        return self.mask * len(typed) if self.mask else typed

    def around(self, text: str) -> None:
        """`text` (already made safe) on a line of its own, then the prompt and the text typed
        so far again: how a live screen (chat) prints its own lines during the prompt too."""
        self.term.write(f"\r\n{text}\r\n{self.prompt}{self.typed()}")


async def read_line(
    term: LineTerminal,
    prompt: str = "",
    *,
    max_len: int = 80,
    mask: str | None = None,
    initial: str = "",
    allow_escape: bool = False,
    shown_prompt: str | None = None,
    notices: bool = True,
    column: int | None = None,
    keep: Callable[[Reprint], object] | None = None,
) -> str | None:
    """Prompt and read a line. Characters past `max_len` ring the bell and are not taken.

    The typing never wraps: past the row's last column the echo scrolls sideways, its start
    replaced by `<`. It starts at `column` (0-based; by default after the last line of
    `shown_prompt`, else of `prompt`, written from the start of a row); a prompt that leaves
    less than `MIN_ROOM` columns gets the typing on the next line.
    A notice that arrives meanwhile is printed on its own line, then the prompt (`shown_prompt`
    when the caller drew a styled one itself) and the text typed so far again; with
    `notices=False` the screen around the prompt shows it instead (e.g. in its status row).
    `keep`, when given, is handed the prompt's Reprint before the first key is read, so a
    live screen can print its own lines between keys with the typed text kept
    (`Reprint.around`) or redraw the prompt's row itself (`Reprint.prompt`, `Reprint.typed`).
    Returns the text (without the Enter), or None when `allow_escape` and the user pressed ESC.
    Raises Disconnected if the connection goes away.
    """
    buf = list(initial[:max_len])
    again = prompt if shown_prompt is None else shown_prompt
    if column is None:
        column = field_column(again)
    below = not term.info.line_mode and term.info.cols - 1 - column < MIN_ROOM
    if below:
        prompt, again, column = prompt + "\r\n", again + "\r\n", 0
    echo = Echo(term, buf, mask, column)
    reprint = Reprint(term, again, buf, mask, echo)
    if keep is not None:
        keep(reprint)
    if not notices:
        return await _read(term, prompt, echo, max_len, initial, allow_escape)
    with term.interruptions(reprint):
        return await _read(term, prompt, echo, max_len, initial, allow_escape)


async def _read(
    term: LineTerminal,
    prompt: str,
    echo: Echo,
    max_len: int,
    initial: str,
    allow_escape: bool,
) -> str | None:
    buf = echo.buf
    if term.info.line_mode:  # the client echoes and edits; take its line as it comes
        term.write(prompt + (f"[{initial[:max_len]}] " if initial else ""))
        await term.drain()
        typed: list[str] = []
        while True:
            key = await term.read_key()
            if key.name == "enter":  # an empty line keeps the pre-filled value
                return "".join(typed) if typed else "".join(buf)
            if key.is_char and len(typed) < max_len:
                typed.append(key.name)
    term.write(prompt)
    echo.update()
    await term.drain()
    while True:
        key = await term.read_key()
        if key.name == "enter":
            term.write("\r\n")
            return "".join(buf)
        if key.name == "escape" and allow_escape:
            term.write("\r\n")
            return None
        if key.name == "backspace":
            if buf:
                buf.pop()
        elif key.name == "ctrl-u":  # erase the whole line, as on Unix terminals
            buf.clear()
        elif key.name == "ctrl-w":
            while buf and buf[-1] == " ":
                buf.pop()
            while buf and buf[-1] != " ":
                buf.pop()
        elif key.is_char:
            if len(buf) >= max_len:
                term.write(BELL)
            else:
                buf.append(key.name)
        echo.update()
        await term.drain()

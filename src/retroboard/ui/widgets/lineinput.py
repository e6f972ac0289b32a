"""Read one line of text with server-side echo, editing keys, a length limit and masking."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from retroboard.term.events import Key
from retroboard.term.terminal import TermInfo
from retroboard.ui.events import Interruption, Notice

BELL = "\a"


class LineTerminal(Protocol):
    """The part of a Terminal a line prompt needs."""

    @property
    def info(self) -> TermInfo: ...

    def write(self, text: str) -> None: ...
    async def read_key(self) -> Key: ...
    async def drain(self) -> None: ...
    def interruptions(self, handler: Interruption) -> AbstractContextManager[Interruption]: ...


class Reprint:
    """A notice during a line prompt: on a line of its own, then the prompt and the text typed
    so far again (a line-mode client keeps its own copy of the typed text)."""

    def __init__(self, term: LineTerminal, prompt: str, buf: list[str], mask: str | None) -> None:
        self.term, self.prompt, self.buf, self.mask = term, prompt, buf, mask

    def show(self, notice: Notice) -> None:
        sender = f"{notice.sender}: " if notice.sender else ""
        typed = "" if self.term.info.line_mode else "".join(self.buf)
        if self.mask:
            typed = self.mask * len(typed)
        self.term.write(f"\r\n*** {sender}{notice.text} ***\r\n{self.prompt}{typed}")


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
) -> str | None:
    """Prompt and read a line. Characters past `max_len` ring the bell and are not taken.

    A notice that arrives meanwhile is printed on its own line, then the prompt (`shown_prompt`
    when the caller drew a styled one itself) and the text typed so far again; with
    `notices=False` the screen around the prompt shows it instead (e.g. in its status row).
    Returns the text (without the Enter), or None when `allow_escape` and the user pressed ESC.
    Raises Disconnected if the connection goes away.
    """
    buf = list(initial[:max_len])
    if not notices:
        return await _read(term, prompt, buf, max_len, mask, initial, allow_escape)
    again = prompt if shown_prompt is None else shown_prompt
    with term.interruptions(Reprint(term, again, buf, mask)):
        return await _read(term, prompt, buf, max_len, mask, initial, allow_escape)


async def _read(
    term: LineTerminal,
    prompt: str,
    buf: list[str],
    max_len: int,
    mask: str | None,
    initial: str,
    allow_escape: bool,
) -> str | None:
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
    term.write(prompt + ("".join(mask * len(buf)) if mask else "".join(buf)))
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
                term.write("\b \b")
        elif key.name == "ctrl-u":  # erase the whole line, as on Unix terminals
            term.write("\b \b" * len(buf))
            buf.clear()
        elif key.name == "ctrl-w":
            while buf and buf[-1] == " ":
                buf.pop()
                term.write("\b \b")
            while buf and buf[-1] != " ":
                buf.pop()
                term.write("\b \b")
        elif key.is_char:
            if len(buf) >= max_len:
                term.write(BELL)
            else:
                buf.append(key.name)
                term.write(mask if mask else key.name)
        await term.drain()

"""The WWIV/Telegard-style numbered-line message editor, with typing-time word wrap."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol

from retroboard.term.events import Key, Resize
from retroboard.term.terminal import TermInfo
from retroboard.ui.events import Interruption
from retroboard.ui.widgets.editor_model import (
    Action,
    LineEditorModel,
    clean_line,
    wrap_line,
    wrap_text,
)
from retroboard.ui.widgets.lineinput import Reprint, read_line
from retroboard.ui.widgets.texts import Texts, default_texts

BELL = "\a"
_ASCII = str.maketrans({"—": "-", "–": "-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'})


class EditorTerminal(Protocol):
    """The part of a Terminal the editors need."""

    @property
    def info(self) -> TermInfo: ...
    def write(self, text: str) -> None: ...
    async def drain(self) -> None: ...
    async def read_input(self) -> Key | Resize: ...
    async def read_key(self) -> Key: ...
    def interruptions(self, handler: Interruption) -> AbstractContextManager[Interruption]: ...


def for_terminal(term: EditorTerminal, text: str) -> str:
    """Our own messages use a few typographic characters; ASCII terminals get plain ones."""
    return text if term.info.unicode else text.translate(_ASCII)


def _say(term: EditorTerminal, text: str) -> None:
    """Write a message (possibly several lines) followed by a newline."""
    term.write(for_terminal(term, text).replace("\n", "\r\n") + "\r\n")


async def confirm(term: EditorTerminal, question: str, texts: Texts = default_texts) -> bool:
    """Ask a (y/N) question with a single key; anything but Y means no (the answer is echoed
    as the skin's `answer_yes` / `answer_no`)."""
    term.write(for_terminal(term, question))
    await term.drain()
    key = await term.read_key()
    yes = key.name in ("y", "Y")
    term.write(texts("answer_yes" if yes else "answer_no") + "\r\n")
    return yes


async def _read_entry(
    term: EditorTerminal, prompt: str, start: str, width: int
) -> tuple[str, str | None, str]:
    """Read one line with echo. Returns (text, end, carry): `end` is None when Enter ended
    the line, " " when typing past `width` wrapped it at a space, "" when that cut a long
    word in two; `carry` is the partial word that moves to the next line."""
    buf = list(start)
    term.write(prompt + start)
    await term.drain()
    with term.interruptions(Reprint(term, prompt, buf, None)):
        return await _entry_keys(term, buf, width)


async def _entry_keys(
    term: EditorTerminal, buf: list[str], width: int
) -> tuple[str, str | None, str]:
    while True:
        key = await term.read_key()
        name = key.name
        if name == "enter":
            term.write("\r\n")
            return "".join(buf), None, ""
        if name == "tab":
            chars = [" "] * (4 - len(buf) % 4)
        elif key.is_char:
            chars = [name]
        else:
            chars = []
        if name == "backspace":
            if buf:
                buf.pop()
                term.write("\b \b")
            else:
                term.write(BELL)
        elif name in ("ctrl-u", "ctrl-w"):
            drop = len(buf)
            if name == "ctrl-w":
                text = "".join(buf).rstrip(" ")
                drop = len(buf) - (text.rfind(" ") + 1)
            term.write("\b \b" * drop)
            del buf[len(buf) - drop :]
        for ch in chars:
            if len(buf) < width:
                buf.append(ch)
                term.write(ch)
                continue
            typed = "".join(buf) + ch
            line, carry = wrap_line(typed, width)
            term.write("\b \b" * (len(buf) - len(line)) + "\r\n")
            return line, "" if line + carry == typed else " ", carry
        await term.drain()


async def _list(term: EditorTerminal, text: str, texts: Texts = default_texts) -> None:
    """Show the listing, pausing at each screenful."""
    page = max(3, term.info.rows - 2)
    lines = for_terminal(term, text).split("\n")
    continuous = False
    for i, line in enumerate(lines):
        term.write(line + "\r\n")
        if not continuous and (i + 1) % page == 0 and i + 1 < len(lines):
            more = for_terminal(term, texts("editor_list_more"))
            term.write(more)
            await term.drain()
            key = (await term.read_key()).name.lower()
            term.write("\r" + " " * len(more) + "\r")
            if key in ("n", "q", "escape"):
                return
            continuous = key == "c"


async def _quote(
    term: EditorTerminal, model: LineEditorModel, listing: str, texts: Texts = default_texts
) -> None:
    """`/Q`: list the original's lines, numbered, and quote the ones the caller names."""
    await _list(term, listing, texts)
    prompt = for_terminal(term, texts("editor_quote_which"))
    if len(prompt) + 12 > term.info.cols:  # too little room to type: the short form
        prompt = for_terminal(term, texts("editor_quote_which_short"))
    pick = await read_line(term, prompt, max_len=40, allow_escape=True)
    if pick is None:
        _say(term, texts("editor_quote_cancelled"))
        return
    answer = model.quote_lines(pick)
    _say(term, (BELL if answer.action is Action.ERROR else "") + answer.message)


def _intro(cols: int, max_lines: int, texts: Texts = default_texts) -> str:
    """The how-to line: the long form if it fits the row, else the short one, wrapped at word
    boundaries when even that is too wide (a row never ends mid-word)."""
    room = max(1, cols - 1)
    intro = texts("editor_intro", max_lines=max_lines)
    if len(intro) > room:
        intro = texts("editor_intro_short", max_lines=max_lines)
    return "\n".join(wrap_text(intro, room))


async def run_line_editor(
    term: EditorTerminal,
    *,
    title: str,
    initial: list[str] | None = None,
    quote: list[str] | None = None,
    width: int | None = None,
    on_change: Callable[[list[str]], None] | None = None,
    show_title: bool = True,
    texts: Texts = default_texts,
    notice: str = "",
) -> list[str] | None:
    """Edit a message line by line. Returns the message on /S as paragraphs: one line per
    paragraph (the breaks word wrap made are joined back; the lines ended with Enter and the
    quoted lines are kept; trailing blank lines removed), or None when aborted. Raises
    Disconnected if the connection goes away. `initial` lines longer than the width are
    split into screen lines that join back the same way.

    `title` is printed above the how-to line unless `show_title` is False (the caller has
    shown it already, as the composer's Subject header: it is never shown twice).

    `on_change`, if given, is called with the message's paragraphs (as /S returns them)
    after every entered line or command (so a caller can keep the text to save as a draft if the line drops);
    the line being typed is not included until Enter or word wrap ends it. `texts` words the
    editor's own messages (the caller's skin: `ctx.text`). `notice`, if given, is a line the
    writer must not miss (the post will wait for a moderator), shown under the how-to line."""
    wrap = max(1, width) if width is not None else max(8, min(term.info.cols - 6, 76))
    model = LineEditorModel(initial, quote, width=wrap, texts=texts)
    _say(term, f"\n{clean_line(title)}" if show_title else "")
    _say(term, _intro(term.info.cols, model.max_lines, texts))
    if notice:
        _say(term, "\n".join(wrap_text(clean_line(notice), max(1, term.info.cols - 1))))
    if model.lines:
        await _list(term, "\n".join(model.listing()), texts)
    carry = ""
    while True:
        prompt = f"{model.next_number:>2}: "
        text, end, next_carry = await _read_entry(term, prompt, carry, wrap)
        result = model.handle_line(text, wrapped=end is not None, cut=end == "")
        carry = next_carry if result.action is Action.TEXT else ""
        action = result.action
        if action is Action.SAVE:
            return model.result_paragraphs()
        if action is Action.ABORT:
            if await confirm(term, texts("editor_abort_question"), texts):
                _say(term, texts("editor_aborted"))
                return None
        elif action is Action.CLEAR:
            if await confirm(term, texts("editor_clear_question"), texts):
                model.clear()
                _say(term, texts("editor_cleared"))
        elif action is Action.EDIT and result.line_no is not None:
            _say(term, result.message)
            n = result.line_no
            old = model.lines[n - 1]
            new = await read_line(
                term, f"{n:>2}: ", initial=old, max_len=max(wrap, len(old)), allow_escape=True
            )
            _say(
                term,
                texts("editor_line_unchanged")
                if new is None
                else model.replace_line(n, new).message,
            )
        elif action is Action.LIST:
            await _list(term, result.message, texts)
        elif action is Action.QUOTE:
            await _quote(term, model, result.message, texts)
        elif result.message:
            _say(term, (BELL if action is Action.ERROR else "") + result.message)
        if on_change is not None:
            on_change(model.result_paragraphs())
        await term.drain()

"""Drive the line editor and the full-screen editor through a FakeTerminal and a pyte screen."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any

import pyte
import pytest

from retroboard.term.events import Disconnected
from retroboard.term.fake import FakeTerminal as RawFakeTerminal
from retroboard.ui.events import SessionTerminal
from retroboard.ui.widgets.fse import run_full_screen_editor
from retroboard.ui.widgets.line_editor import run_line_editor


class FakeTerminal(SessionTerminal):
    """A FakeTerminal seen through the session's event source, as the widgets get it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(RawFakeTerminal(**kwargs))

    def __getattr__(self, name: str) -> Any:  # output, type_text, resize...: the raw terminal's
        return getattr(self.raw, name)


UP, DOWN, RIGHT, LEFT = "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D"
HOME, END, DEL, PGUP, PGDN = "\x1b[H", "\x1b[F", "\x1b[3~", "\x1b[5~", "\x1b[6~"
BS = "\x7f"
CTRL_A, CTRL_Q, CTRL_Y, CTRL_Z = "\x01", "\x11", "\x19", "\x1a"

Result = list[str] | None


def screen_of(term: FakeTerminal) -> pyte.Screen:
    """What the user sees now."""
    screen = pyte.Screen(term.info.cols, term.info.rows)
    if term.info.encoding == "utf-8":
        pyte.ByteStream(screen).feed(bytes(term.output))
    else:
        pyte.Stream(screen).feed(bytes(term.output).decode(term.info.encoding))
    return screen


async def settle(term: FakeTerminal) -> None:
    """Wait until the widget has stopped writing (it has consumed the input)."""
    quiet, last = 0, -1
    while quiet < 3:
        await asyncio.sleep(0.01)
        quiet = quiet + 1 if len(term.output) == last else 0
        last = len(term.output)


async def drive(term: FakeTerminal, editor: Coroutine[Any, Any, Result], *keys: str) -> Result:
    """Run an editor, type `keys` (each chunk after the previous one is handled), return."""
    task = asyncio.ensure_future(editor)
    try:
        for chunk in keys:
            await settle(term)
            await term.type_text(chunk)
        return await asyncio.wait_for(task, 5)
    finally:
        task.cancel()


async def start(term: FakeTerminal, editor: Coroutine[Any, Any, Result]) -> asyncio.Task[Result]:
    task = asyncio.ensure_future(editor)
    await settle(term)
    return task


async def finish(task: asyncio.Task[Result]) -> Result:
    try:
        return await asyncio.wait_for(task, 5)
    finally:
        task.cancel()


def rows(screen: pyte.Screen) -> list[str]:
    return [line.rstrip() for line in screen.display]


# ---- line editor ------------------------------------------------------------------------


async def test_line_editor_basic_save() -> None:
    term = FakeTerminal()
    result = await drive(
        term, run_line_editor(term, title="Re: hello"), "Hello\r", "World\r", "/s\r"
    )
    assert result == ["Hello", "World"]
    shown = rows(screen_of(term))
    assert "Re: hello" in shown
    assert "Enter your message. /S to save, /A to abort, /? for help. Max 500 lines." in shown
    assert " 1: Hello" in shown
    assert " 2: World" in shown
    assert " 3: /s" in shown


async def test_line_editor_backspace_and_control_keys() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_line_editor(term, title="t"),
        "ab" + BS + "c\r",
        "junk here\x15fresh\r",  # ctrl-u
        "one two\x17three\r",  # ctrl-w
        "/S\r",
    )
    assert result == ["ac", "fresh", "one three"]


async def test_line_editor_typing_time_word_wrap() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_line_editor(term, title="t", width=20),
        "The quick brown fox jumps over the lazy dog\r",
        "/s\r",
    )
    assert result == ["The quick brown fox jumps over the lazy dog"]  # one paragraph
    shown = rows(screen_of(term))
    assert " 1: The quick brown fox" in shown
    assert " 2: jumps over the lazy" in shown
    assert " 3: dog" in shown


async def test_line_editor_default_width_follows_terminal() -> None:
    term = FakeTerminal(cols=40)  # wraps at 34 columns
    words = "alpha beta gamma delta epsilon zeta eta theta"
    result = await drive(term, run_line_editor(term, title="t"), words + "\r", "/s\r")
    assert result == [words]
    shown = rows(screen_of(term))
    assert " 1: alpha beta gamma delta epsilon" in shown
    assert " 2: zeta eta theta" in shown


async def test_line_editor_abort_asks_first() -> None:
    term = FakeTerminal()
    result = await drive(term, run_line_editor(term, title="t"), "text\r", "/a\r", "n", "/A\r", "y")
    assert result is None
    shown = rows(screen_of(term))
    assert "Abort message? (y/N) No" in shown
    assert "Abort message? (y/N) Yes" in shown
    assert "Message aborted." in shown


async def test_line_editor_commands() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_line_editor(term, title="t", quote=["> original"]),
        "one\r",
        "tow\r",
        "four\r",
        "/E 2\r",
        BS * 2 + "wo\r",
        "/i 3\r",
        "three\r",
        "\r",
        "/Q\r",
        "\r",  # which lines: Enter quotes them all
        "/D 1\r",
        "/L\r",
        "/s\r",
    )
    assert result == ["two", "three", "four", "> original"]
    shown = rows(screen_of(term))
    assert "Editing line 2. Enter keeps it, ESC cancels." in shown
    assert " 2: two" in shown
    assert "Line 2 changed." in shown
    assert "Line 1 deleted." in shown
    assert " 4: > original" in shown  # from the listing


async def test_line_editor_insert_mode_and_range_delete() -> None:
    term = FakeTerminal()
    task = await start(term, run_line_editor(term, title="t"))
    await term.type_text("one\r")
    await settle(term)
    await term.type_text("four\r")
    await settle(term)
    await term.type_text("/I 2\r")
    await settle(term)
    await term.type_text("two\r")
    await settle(term)
    await term.type_text("three\r")
    await settle(term)
    shown = rows(screen_of(term))
    assert "Inserting before line 2: an empty line ends inserting." in shown
    assert " 2: two" in shown
    assert [r for r in shown if r][-1] == " 4:"  # still inserting: the next number is shown
    await term.type_text("\r")
    await settle(term)
    shown = rows(screen_of(term))
    assert "Done inserting: new lines go at the end (line 5)." in shown
    assert [r for r in shown if r][-1] == " 5:"
    await term.type_text("/D 3-1\r")
    await settle(term)
    shown = rows(screen_of(term))
    assert "No lines 3-1: the first line number must not be above the last." in shown
    await term.type_text("/D 2-3\r")
    await settle(term)
    assert "Lines 2-3 deleted." in rows(screen_of(term))
    await term.type_text("/s\r")
    assert await finish(task) == ["one", "four"]


async def test_line_editor_quote_lists_the_original_and_quotes_the_picked_lines() -> None:
    term = FakeTerminal()
    quote = ["Ada wrote:", "> one", "> two", "> three"]
    task = await start(term, run_line_editor(term, title="t", quote=quote))
    await term.type_text("/Q\r")
    await settle(term)
    shown = rows(screen_of(term))
    assert [" 1> Ada wrote:", " 2> > one", " 3> > two", " 4> > three"] == shown[4:8]
    assert [r for r in shown if r][-1] == "Quote which lines (e.g. 1-3,5; Enter: all, ESC: none)?"
    await term.type_text("1,3\r")
    await settle(term)
    assert "Quoted 2 lines." in rows(screen_of(term))
    await term.type_text("/Q\r")
    await settle(term)
    await term.type_text("7\r")
    await settle(term)
    assert "No line 7 in the original (it has 4): nothing quoted." in rows(screen_of(term))
    await term.type_text("/s\r")
    assert await finish(task) == ["Ada wrote:", "> two"]


async def test_line_editor_quote_question_at_40_columns_is_the_short_one() -> None:
    term = FakeTerminal(cols=40)
    task = await start(term, run_line_editor(term, title="t", quote=["> a", "> b"]))
    await term.type_text("/Q\r")
    await settle(term)
    assert [r for r in rows(screen_of(term)) if r][-1] == "Quote lines (1-3,5; Enter: all)?"
    await term.type_text("2\r/s\r")
    assert await finish(task) == ["> b"]


async def test_line_editor_edit_can_be_cancelled() -> None:
    term = FakeTerminal()
    result = await drive(
        term, run_line_editor(term, title="t"), "keep me\r", "/e1\r", "xyz", "\x1b", "/s\r"
    )
    assert result == ["keep me"]
    assert "Line unchanged." in rows(screen_of(term))


async def test_line_editor_errors_are_clear() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_line_editor(term, title="t"),
        "a\r",
        "b\r",
        "c\r",
        "/E 12\r",
        "/Z\r",
        "/s\r",
    )
    assert result == ["a", "b", "c"]
    shown = rows(screen_of(term))
    assert "No line 12 — the message has 3 lines." in shown
    assert "Unknown command /Z. Type /? for help." in shown


async def test_line_editor_help_and_empty_save() -> None:
    term = FakeTerminal()
    result = await drive(term, run_line_editor(term, title="t"), "/?\r", "/s\r", "hi\r", "/s\r")
    assert result == ["hi"]
    text = "\n".join(rows(screen_of(term)))
    assert "/E n  Edit line n" in text
    assert "Nothing to save — type your message, or /A to abort." in text


async def test_line_editor_clear_confirms() -> None:
    term = FakeTerminal()
    result = await drive(
        term, run_line_editor(term, title="t"), "old\r", "/c\r", "y", "new\r", "/s\r"
    )
    assert result == ["new"]
    assert "Message cleared." in rows(screen_of(term))


async def test_line_editor_initial_lines_are_listed_and_kept() -> None:
    term = FakeTerminal()
    result = await drive(
        term, run_line_editor(term, title="t", initial=["draft line"]), "more\r", "/s\r"
    )
    assert result == ["draft line", "more"]
    shown = rows(screen_of(term))
    assert " 1: draft line" in shown
    assert " 2: more" in shown


async def test_line_editor_hands_back_paragraphs_and_drafts_them() -> None:
    term = FakeTerminal(cols=40)
    seen: list[list[str]] = []
    para = " ".join(f"word{i}" for i in range(20))
    url = "http://example.com/" + "x" * 40  # longer than a line: cut, then joined back
    result = await drive(
        term,
        run_line_editor(term, title="t", on_change=seen.append),
        para + "\r",
        "\r",
        url + " end\r",
        "/l\r",
        "/s\r",
    )
    assert result == [para, "", url + " end"]
    assert seen[-1] == result  # the draft holds paragraphs too
    shown = rows(screen_of(term))
    assert " 1: word0 word1 word2 word3 word4" in shown  # /L lists screen lines
    assert " 2: word5 word6 word7 word8 word9" in shown


async def test_line_editor_resumed_paragraphs_rewrap_and_join_back() -> None:
    term = FakeTerminal(cols=40)
    para = " ".join(f"word{i}" for i in range(20))
    result = await drive(
        term, run_line_editor(term, title="t", initial=[para, "", "Hi"]), "more\r", "/s\r"
    )
    assert result == [para, "", "Hi", "more"]
    shown = rows(screen_of(term))
    assert " 1: word0 word1 word2 word3 word4" in shown
    assert " 2: word5 word6 word7 word8 word9" in shown


async def test_line_editor_list_pauses_each_screen() -> None:
    term = FakeTerminal(rows=10)
    initial = [f"line {i}" for i in range(1, 31)]
    result = await drive(
        term, run_line_editor(term, title="t", initial=initial), "c", "/l\r", "n", "/s\r"
    )
    assert result == initial
    assert b"-- More -- (Y)es, (N)o, (C)ontinuous" in term.output


async def test_line_editor_text_stays_data() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_line_editor(term, title="\x1b[2Jtitle", initial=["evil \x1b[31mred"]),
        "/s\r",
    )
    assert result == ["evil ?[31mred"]
    assert b"\x1b" not in term.output


async def test_line_editor_ascii_terminal_gets_ascii_messages() -> None:
    term = FakeTerminal(encoding="cp437", term_type="ansi")
    result = await drive(term, run_line_editor(term, title="t"), "/d 5\r", "x\r", "/s\r")
    assert result == ["x"]
    assert "No line 5 - the message is empty." in rows(screen_of(term))


async def test_line_editor_disconnect_propagates() -> None:
    term = FakeTerminal()
    task = await start(term, run_line_editor(term, title="t"))
    await term.type_text("half a li")
    await settle(term)
    term.lost()
    with pytest.raises(Disconnected):
        await finish(task)


# ---- full-screen editor -----------------------------------------------------------------


async def test_fse_layout() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="Re: Amiga rules"))
    shown = rows(screen_of(term))
    assert shown[0].startswith(" Re: Amiga rules")
    assert shown[0].endswith("Ctrl-Z save  Ctrl-A abort  Ctrl-Q quote")
    assert shown[1] == "─" * 79
    assert shown[23].startswith("^Z Save  ^A Abort  ^Q Quote  ^Y Del line")
    assert shown[23].endswith("Ln 1/1 Col 1 INS")
    screen = screen_of(term)
    assert (screen.cursor.y, screen.cursor.x) == (2, 0)
    await term.type_text(CTRL_A + "y")
    assert await finish(task) is None


async def test_fse_typing_and_save() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("Hello world\r\rSecond para")
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[2:5] == ["Hello world", "", "Second para"]
    assert shown[23].endswith("Ln 3/3 Col 12 INS")
    screen = screen_of(term)
    assert (screen.cursor.y, screen.cursor.x) == (4, 11)
    await term.type_text("\r\r" + CTRL_Z)
    assert await finish(task) == ["Hello world", "", "Second para"]


async def test_fse_arrows_and_editing_keys() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_full_screen_editor(term, title="t"),
        "abc" + LEFT + LEFT + "X",  # aXbc
        END + "\rline2" + UP + HOME + ">",  # >aXbc
        END + BS + DOWN + END + "!",  # >aXb / line2!
        HOME + DEL + RIGHT + "_",  # ine2! -> i_ne2!
        CTRL_Z,
    )
    assert result == [">aXb", "i_ne2!"]


async def test_fse_word_wrap_at_terminal_width() -> None:
    term = FakeTerminal(cols=20)
    text = "the quick brown fox jumps over the lazy dog"
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text(text)
    await settle(term)
    expected = ["the quick brown fox", "jumps over the lazy", "dog"]
    assert rows(screen_of(term))[2:5] == expected
    await term.type_text(UP + UP + HOME + "oh ")
    await settle(term)
    reflowed = ["oh the quick brown", "fox jumps over the", "lazy dog"]
    assert rows(screen_of(term))[2:5] == reflowed
    screen = screen_of(term)
    assert (screen.cursor.y, screen.cursor.x) == (2, 3)
    await term.type_text(CTRL_Z)
    assert await finish(task) == [" ".join(reflowed)]  # the paragraph as typed: soft wraps joined


async def test_fse_empty_save_says_nothing_to_save_and_stays() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("   \r" + CTRL_Z)
    await settle(term)
    assert rows(screen_of(term))[23].startswith("Nothing to save")
    assert not task.done()
    await term.type_text("x")
    await settle(term)
    assert rows(screen_of(term))[23].startswith("^Z Save")
    await term.type_text(CTRL_Z)
    assert await finish(task) == ["   ", "x"]


async def test_fse_abort_with_ctrl_a() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("draft" + CTRL_A)
    await settle(term)
    assert rows(screen_of(term))[23].startswith("Abort this message? (y/N)")
    await term.type_text("n")
    await settle(term)
    assert rows(screen_of(term))[23].startswith("^Z Save")
    await term.type_text(" more" + CTRL_A + "Y")
    assert await finish(task) is None


async def test_fse_lone_escape_asks_to_abort() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("draft\x1b")
    await asyncio.sleep(0.15)  # the lone-ESC timeout
    await settle(term)
    assert rows(screen_of(term))[23].startswith("Abort this message? (y/N)")
    await term.type_text("y")
    assert await finish(task) is None


async def test_fse_quote_and_delete_line() -> None:
    term = FakeTerminal()
    result = await drive(
        term,
        run_full_screen_editor(term, title="t", quote=["> You said", "> this"]),
        "Ada wrote:\r" + CTRL_Q,
        "a\r",  # the quote window: all lines, then Enter
        "My reply\rjunk line" + CTRL_Y,
        CTRL_Z,
    )
    assert result == ["Ada wrote:", "> You said", "> this", "My reply"]


async def test_fse_quote_window_quotes_the_chosen_lines() -> None:
    term = FakeTerminal()
    quote = ["Ada wrote:", "> one", "> two", "> three"]
    task = await start(term, run_full_screen_editor(term, title="t", quote=quote))
    await term.type_text("Hi" + CTRL_Q)
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[0] == "Quote: pick the lines of the original to quote"
    assert shown[2:6] == ["[ ] Ada wrote:", "[ ] > one", "[ ] > two", "[ ] > three"]
    assert shown[23] == "Space pick  A all  Enter quote  ESC cancel"
    await term.type_text(" " + DOWN + " ")  # pick line 1, skip line 2, pick line 3
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[2:6] == ["[x] Ada wrote:", "[ ] > one", "[x] > two", "[ ] > three"]
    assert screen_of(term).cursor.y == 5  # the highlight moved on to line 4
    await term.type_text("\r")
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[2:5] == ["Hi", "Ada wrote:", "> two"]
    await term.type_text(CTRL_Q + " \x1b")  # ESC: back without quoting
    await asyncio.sleep(0.15)  # the lone-ESC timeout
    await settle(term)
    assert rows(screen_of(term))[2:6] == ["Hi", "Ada wrote:", "> two", ""]
    await term.type_text(CTRL_Q + DOWN + "\r")  # nothing picked: the highlighted line
    await term.type_text(CTRL_Z)
    assert await finish(task) == ["Hi", "Ada wrote:", "> two", "> one"]


async def test_fse_quote_window_at_40_columns_uses_the_short_words() -> None:
    term = FakeTerminal(cols=40)
    task = await start(term, run_full_screen_editor(term, title="t", quote=["> " + "x" * 50]))
    await term.type_text(CTRL_Q)
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[0] == "Quote: pick lines"
    assert shown[2] == ("[ ] > " + "x" * 50)[:39]
    assert shown[23] == "Spc pick A all Enter quote ESC cancel"
    await term.type_text(CTRL_Q + CTRL_A + "y")
    assert await finish(task) is None


async def test_fse_quote_without_original() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text(CTRL_Q)
    await settle(term)
    assert rows(screen_of(term))[23].startswith("There is no message to quote.")
    await term.type_text(CTRL_A + "y")
    assert await finish(task) is None


async def test_fse_initial_text_and_scrolling() -> None:
    term = FakeTerminal()
    initial = [f"line {i}" for i in range(1, 41)]
    task = await start(term, run_full_screen_editor(term, title="t", initial=initial))
    shown = rows(screen_of(term))
    assert shown[2] == "line 20" and shown[22] == "line 40"  # 21 text rows, cursor at the end
    assert shown[23].endswith("Ln 40/40 Col 8 INS")
    await term.type_text(PGUP + PGUP + PGUP)
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[2] == "line 1"
    await term.type_text(PGDN)
    await settle(term)
    assert rows(screen_of(term))[2] == "line 20"  # the last page stays full
    await term.type_text(CTRL_Z)
    assert await finish(task) == initial


async def test_fse_redraws_only_what_changed() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t", initial=["a", "b", "c"]))
    before = len(term.output)
    await term.type_text("x")
    await settle(term)
    delta = bytes(term.output[before:])
    assert b"\x1b[2J" not in delta
    assert delta.count(b"\x1b[K") == 2  # the edited row and the status line
    await term.type_text(CTRL_Z)
    assert await finish(task) == ["a", "b", "cx"]


async def test_fse_resize_relayouts() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("abc")
    await settle(term)
    term.resize(40, 10)
    await settle(term)
    shown = rows(screen_of(term))
    assert len(shown) == 10
    assert shown[1] == "─" * 39
    assert shown[2] == "abc"
    assert shown[9].startswith("^Z Save  ^A Abort  ^Q Quote")
    await term.type_text(" " + "word " * 8)
    await settle(term)
    assert all(len(line) <= 39 for line in rows(screen_of(term))[2:9])
    await term.type_text(CTRL_Z)
    result = await finish(task)
    assert result is not None
    assert len(result) == 1  # one paragraph: the soft wraps are joined back
    assert " ".join(" ".join(result).split()) == "abc " + " ".join(["word"] * 8)


async def test_fse_narrowing_resize_keeps_cursor_and_long_lines_visible() -> None:
    term = FakeTerminal()
    long = "abcdefghij " * 6 + "end"  # 69 characters on one line at 80 columns
    task = await start(term, run_full_screen_editor(term, title="t", initial=[long, "next"]))
    await term.type_text(UP + END)
    await settle(term)
    term.resize(30, 8)
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[2:6] == [long[:29], long[29:58].rstrip(), long[58:], "next"]
    screen = screen_of(term)
    assert (screen.cursor.y, screen.cursor.x) == (4, len(long) - 58)  # after "end"
    assert shown[7].startswith("^Z Save")
    await term.type_text(CTRL_Z)
    assert await finish(task) == [long, "next"]  # the view was wrapped, not the text


async def test_fse_help_key_shows_the_keys_then_the_text_as_it_was() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t", initial=["one", "two"]))
    assert "^G Help" in rows(screen_of(term))[-1]
    await term.type_text(UP + RIGHT)
    await settle(term)
    before, cursor = rows(screen_of(term)), screen_of(term).cursor
    await term.type_text("\x07")  # Ctrl-G
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[0] == "Full-screen editor keys"
    assert "  ^Z         save the message" in shown
    assert "  ^G, F1     this help" in shown
    assert shown[-1] == "Press any key to return to your message."
    assert "one" not in shown
    await term.type_text(" ")
    await settle(term)
    screen = screen_of(term)
    assert rows(screen) == before
    assert (screen.cursor.y, screen.cursor.x) == (cursor.y, cursor.x)
    await term.type_text("\x1bOP")  # F1 works too
    await settle(term)
    assert rows(screen_of(term))[0] == "Full-screen editor keys"
    await term.type_text("q")  # the key that closes the help is not typed into the text
    await settle(term)
    await term.type_text(CTRL_Z)
    assert await finish(task) == ["one", "two"]


async def test_fse_size_change_without_resize_event() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    term.raw.info = replace(term.info, cols=30, rows=8)  # as when the input queue was full
    await term.type_text("x")
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[1] == "─" * 29
    assert shown[2] == "x"
    assert shown[7].startswith("^Z Save")
    await term.type_text(CTRL_Z)
    assert await finish(task) == ["x"]


async def test_fse_resize_during_abort_question() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("x" + CTRL_A)
    await settle(term)
    term.resize(50, 12)
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[11].startswith("Abort this message? (y/N)")
    assert shown[2] == "x"
    await term.type_text("n" + CTRL_Z)
    assert await finish(task) == ["x"]


async def test_fse_ascii_terminal_uses_ascii_borders() -> None:
    term = FakeTerminal(encoding="ascii", term_type="vt100")
    task = await start(term, run_full_screen_editor(term, title="t"))
    assert rows(screen_of(term))[1] == "-" * 79
    assert all(b < 0x80 for b in term.output)
    await term.type_text("hi" + CTRL_Z)
    assert await finish(task) == ["hi"]


async def test_fse_text_stays_data() -> None:
    term = FakeTerminal()
    task = await start(
        term,
        run_full_screen_editor(term, title="\x1b]0;pwned\x07", initial=["\x1b[31mred", "bell\x07"]),
    )
    assert b"\x1b]0;" not in term.output and b"\x1b[31m" not in term.output
    assert b"\x07" not in term.output
    await term.type_text(CTRL_Z)
    assert await finish(task) == ["?[31mred", "bell?"]


async def test_fse_disconnect_propagates() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text("some text")
    await settle(term)
    term.lost()
    with pytest.raises(Disconnected):
        await finish(task)


async def test_fse_disconnect_during_abort_question() -> None:
    term = FakeTerminal()
    task = await start(term, run_full_screen_editor(term, title="t"))
    await term.type_text(CTRL_A)
    await settle(term)
    term.lost()
    with pytest.raises(Disconnected):
        await finish(task)

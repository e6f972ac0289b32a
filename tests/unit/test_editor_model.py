"""Unit tests for the pure editor models: line editor commands and the full-screen buffer."""

from __future__ import annotations

import pytest

from retroboard.ui.widgets.editor_model import (
    Action,
    LineEditorModel,
    byte_size,
    clean_line,
    prepare_lines,
    wrap_line,
    wrap_text,
)
from retroboard.ui.widgets.fse_model import FullScreenModel, QuotePicker

# ---- wrapping helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("short", 10, ("short", "")),
        ("exactly10!", 10, ("exactly10!", "")),
        ("hello world", 10, ("hello", "world")),
        ("helloworld ", 10, ("helloworld", "")),
        ("aaaa bbbbb   ccc", 10, ("aaaa bbbbb", "ccc")),
        ("aaaa     bbbbbbbbbbbb", 10, ("aaaa", "bbbbbbbbbbbb")),
        ("abcdefghijklmno", 10, ("abcdefghij", "klmno")),
        ("    abcdefghijklmno", 10, ("    abcdef", "ghijklmno")),
        ("the quick brown fox", 12, ("the quick", "brown fox")),
    ],
)
def test_wrap_line(text: str, width: int, expected: tuple[str, str]) -> None:
    assert wrap_line(text, width) == expected


def test_wrap_text_splits_into_many_lines() -> None:
    text = "one two three four five six seven eight nine ten"
    lines = wrap_text(text, 12)
    assert lines == ["one two", "three four", "five six", "seven eight", "nine ten"]
    assert all(len(line) <= 12 for line in lines)


def test_wrap_text_keeps_quote_prefix() -> None:
    lines = wrap_text("> > this is a long quoted line that wraps", 15, keep_quote_prefix=True)
    assert lines == ["> > this is a", "> > long quoted", "> > line that", "> > wraps"]
    assert wrap_text("> x", 15, keep_quote_prefix=True) == ["> x"]


def test_wrap_text_terminates_with_tiny_width() -> None:
    lines = wrap_text(">>> abc", 1, keep_quote_prefix=True)
    assert all(len(x) <= 1 for x in lines)
    assert "".join(lines) == ">>>abc"  # the space at the break is dropped
    assert wrap_text("", 5) == [""]


def test_clean_line_neutralises_control_characters() -> None:
    assert clean_line("a\x1b[2Jb") == "a?[2Jb"
    assert clean_line("\ttab") == "    tab"
    assert clean_line("x\x07\x00y") == "x??y"
    assert prepare_lines(["one\r\ntwo", "three"]) == ["one", "two", "three"]
    assert prepare_lines(None) == []


def test_byte_size_counts_utf8_and_newlines() -> None:
    assert byte_size(["ab", "é"]) == 2 + 1 + 2
    assert byte_size([]) == 0


# ---- line editor model -----------------------------------------------------------------


def test_text_lines_are_appended_and_numbered() -> None:
    m = LineEditorModel()
    assert m.next_number == 1
    assert m.handle_line("Hello there.").action is Action.TEXT
    assert m.handle_line("").action is Action.TEXT
    assert m.handle_line("Second paragraph").action is Action.TEXT
    assert m.lines == ["Hello there.", "", "Second paragraph"]
    assert m.next_number == 4
    assert m.listing() == [" 1: Hello there.", " 2: ", " 3: Second paragraph"]


@pytest.mark.parametrize("cmd", ["/s", "/S", "  /S  "])
def test_save_is_case_insensitive(cmd: str) -> None:
    m = LineEditorModel()
    m.handle_line("text")
    assert m.handle_line(cmd).action is Action.SAVE


def test_save_of_empty_message_is_refused() -> None:
    m = LineEditorModel()
    m.handle_line("   ")
    r = m.handle_line("/S")
    assert r.action is Action.ERROR
    assert "Nothing to save" in r.message


def test_result_lines_drop_trailing_blank_lines() -> None:
    m = LineEditorModel()
    for line in ["a", "", "b", "", "  "]:
        m.handle_line(line)
    assert m.result_lines() == ["a", "", "b"]


def test_abort_clear_help_list_actions() -> None:
    m = LineEditorModel()
    assert m.handle_line("/a").action is Action.ABORT
    assert m.handle_line("/C").action is Action.CLEAR
    help_ = m.handle_line("/?")
    assert help_.action is Action.HELP and "/E n" in help_.message
    assert m.handle_line("/h").action is Action.HELP
    assert m.handle_line("/L").message == "(The message is empty.)"
    m.handle_line("one")
    m.handle_line("two")
    listing = m.handle_line("/l")
    assert listing.action is Action.LIST
    assert listing.message == " 1: one\n 2: two"
    m.clear()
    assert m.lines == [] and m.next_number == 1


def test_commands_do_not_become_text() -> None:
    m = LineEditorModel()
    for cmd in ["/L", "/?", "/Q", "/x", "/D 4"]:
        m.handle_line(cmd)
    assert m.lines == []


def test_text_that_merely_starts_with_a_slash_is_text() -> None:
    m = LineEditorModel()
    for line in ["/usr/bin is full", "/me waves", "/Dave here", "a /S in the middle"]:
        assert m.handle_line(line).action is Action.TEXT
    assert m.lines == ["/usr/bin is full", "/me waves", "/Dave here", "a /S in the middle"]


def test_unknown_command_and_bad_arguments() -> None:
    m = LineEditorModel()
    r = m.handle_line("/X")
    assert r.action is Action.ERROR and r.message == "Unknown command /X. Type /? for help."
    r = m.handle_line("/S 3")
    assert r.action is Action.ERROR and "takes no line number" in r.message
    r = m.handle_line("/E")
    assert r.action is Action.ERROR and "Usage: /E n" in r.message
    r = m.handle_line("/d foo")
    assert r.action is Action.ERROR and "'foo' is not a line number" in r.message


def test_bad_line_numbers_say_how_many_lines_there_are() -> None:
    m = LineEditorModel()
    assert m.handle_line("/E 1").message == "No line 1 — the message is empty."
    m.handle_line("only")
    assert m.handle_line("/D 2").message == "No line 2 — the message has 1 line."
    m.handle_line("two")
    m.handle_line("three")
    r = m.handle_line("/E 12")
    assert r.action is Action.ERROR
    assert r.message == "No line 12 — the message has 3 lines."
    assert m.handle_line("/D 0").action is Action.ERROR


def test_delete_line() -> None:
    m = LineEditorModel(["a", "b", "c"])
    r = m.handle_line("/D 2")
    assert r.action is Action.INFO and r.message == "Line 2 deleted."
    assert m.lines == ["a", "c"]
    m.handle_line("/d1")
    assert m.lines == ["c"]


def test_edit_line_round_trip() -> None:
    m = LineEditorModel(["first", "secnod", "third"])
    r = m.handle_line("/e 2")
    assert r.action is Action.EDIT and r.line_no == 2
    assert m.lines[1] == "secnod"  # nothing changes until replace_line
    r = m.replace_line(2, "second")
    assert r.message == "Line 2 changed."
    assert m.lines == ["first", "second", "third"]
    assert m.replace_line(9, "x").action is Action.ERROR


def test_edit_with_long_text_wraps_into_several_lines() -> None:
    m = LineEditorModel(["a", "b"], width=10)
    m.replace_line(1, "one two three four")
    assert m.lines == ["one two", "three four", "b"]


def test_insert_stays_in_insert_mode_until_an_empty_line() -> None:
    m = LineEditorModel(["one", "four"])
    r = m.handle_line("/I 2")
    assert r.action is Action.INFO and "before line 2" in r.message
    assert m.next_number == 2
    m.handle_line("two")
    assert m.next_number == 3
    m.handle_line("three")
    assert m.lines == ["one", "two", "three", "four"]
    assert m.next_number == 4
    r = m.handle_line("   ")  # the empty line ends inserting and is not stored
    assert r.action is Action.INFO
    assert r.message == "Done inserting: new lines go at the end (line 5)."
    assert m.insert_at is None
    m.handle_line("five")
    m.handle_line("")  # outside insert mode an empty line is a paragraph break
    assert m.lines == ["one", "two", "three", "four", "five", ""]


def test_delete_a_range_of_lines() -> None:
    m = LineEditorModel(["a", "b", "c", "d", "e"])
    r = m.handle_line("/D 2-4")
    assert r.action is Action.INFO and r.message == "Lines 2-4 deleted."
    assert m.lines == ["a", "e"]
    assert m.handle_line("/d 2 - 2").message == "Line 2 deleted."
    assert m.lines == ["a"]


def test_bad_ranges_are_refused_clearly() -> None:
    m = LineEditorModel(["a", "b", "c"])
    r = m.handle_line("/D 3-1")
    assert r.action is Action.ERROR
    assert r.message == "No lines 3-1: the first line number must not be above the last."
    r = m.handle_line("/D 2-9")
    assert r.action is Action.ERROR and r.message == "No line 9 — the message has 3 lines."
    assert m.handle_line("/D 0-2").action is Action.ERROR
    r = m.handle_line("/E 1-2")
    assert r.message == "/E takes one line number, not a range. Type /? for help."
    assert m.lines == ["a", "b", "c"]


def test_range_delete_moves_the_insert_point() -> None:
    m = LineEditorModel(["a", "b", "c", "d"])
    m.handle_line("/I 4")
    m.handle_line("/D 1-2")
    assert m.next_number == 2
    m.handle_line("x")
    assert m.lines == ["c", "x", "d"]


def test_insert_continues_while_lines_wrap() -> None:
    m = LineEditorModel(["one", "end"], width=10)
    m.handle_line("/I 2")
    m.handle_line("two and a", wrapped=True)
    assert m.next_number == 3
    m.handle_line("bit more")
    assert m.lines == ["one", "two and a", "bit more", "end"]
    assert m.next_number == 4


def test_insert_at_end_plus_one_means_append() -> None:
    m = LineEditorModel(["one"])
    r = m.handle_line("/I 2")
    assert r.action is Action.INFO
    assert m.insert_at is None
    assert m.handle_line("/I 3").action is Action.ERROR


def test_delete_before_insert_point_moves_it() -> None:
    m = LineEditorModel(["a", "b", "c"])
    m.handle_line("/I 3")
    m.handle_line("/D 1")
    assert m.next_number == 2
    m.handle_line("x")
    assert m.lines == ["b", "x", "c"]


def test_wrapped_line_is_never_a_command() -> None:
    m = LineEditorModel()
    assert m.handle_line("/S", wrapped=True).action is Action.TEXT
    assert m.lines == ["/S"]


def test_long_entered_line_is_word_wrapped() -> None:
    m = LineEditorModel(width=20)
    m.handle_line("The quick brown fox jumps over the lazy dog again")
    assert m.lines == ["The quick brown fox", "jumps over the lazy", "dog again"]


def test_quote_inserts_the_original() -> None:
    m = LineEditorModel(quote=["> Hello", "> World"])
    m.handle_line("On Monday, Ada wrote:")
    r = m.handle_line("/Q")
    assert r.action is Action.QUOTE and r.message == " 1> > Hello\n 2> > World"
    assert m.lines == ["On Monday, Ada wrote:"]  # nothing until the lines are named
    r = m.quote_lines("")
    assert r.action is Action.INFO and r.message == "Quoted 2 lines."
    m.handle_line("Hi Ada!")
    assert m.lines == ["On Monday, Ada wrote:", "> Hello", "> World", "Hi Ada!"]


def test_quote_at_insert_point() -> None:
    m = LineEditorModel(["top", "bottom"], quote=["> q"])
    m.handle_line("/I 2")
    m.handle_line("/q")
    m.quote_lines("1")
    assert m.lines == ["top", "> q", "bottom"]
    assert m.insert_at is None


def test_quote_picks_lines_and_ranges_of_the_original() -> None:
    m = LineEditorModel(quote=["A wrote:", "> one", "> two", "> three", "> four"])
    r = m.quote_lines("1, 3-4")
    assert r.message == "Quoted 3 lines."
    assert m.lines == ["A wrote:", "> two", "> three"]
    r = m.quote_lines("2-9")
    assert r.action is Action.ERROR
    assert r.message == "No line 2-9 in the original (it has 5): nothing quoted."
    r = m.quote_lines("two")
    assert r.message == "'two' is not a line number or a range (like 2-4): nothing quoted."
    assert m.quote_lines("4-2").action is Action.ERROR
    assert m.lines == ["A wrote:", "> two", "> three"]


def test_quote_without_original() -> None:
    r = LineEditorModel().handle_line("/Q")
    assert r.action is Action.ERROR and r.message == "There is no message to quote."


def test_line_limit() -> None:
    m = LineEditorModel(max_lines=3)
    for text in ["1", "2", "3"]:
        assert m.handle_line(text).action is Action.TEXT
    r = m.handle_line("4")
    assert r.action is Action.ERROR
    assert "full (3 lines at most)" in r.message
    assert m.lines == ["1", "2", "3"]
    assert m.handle_line("/S").action is Action.SAVE


def test_byte_limit() -> None:
    m = LineEditorModel(max_bytes=10)
    assert m.handle_line("12345").action is Action.TEXT
    r = m.handle_line("123456")
    assert r.action is Action.ERROR and "KiB" in r.message
    assert m.lines == ["12345"]


def test_default_limits() -> None:
    m = LineEditorModel(width=80)
    for i in range(500):
        assert m.handle_line(f"line {i}").action is Action.TEXT
    assert m.handle_line("one too many").action is Action.ERROR
    m = LineEditorModel(width=300)
    for _ in range(256):  # 256 * 255 bytes + 255 newlines = 65535
        assert m.handle_line("x" * 255).action is Action.TEXT
    r = m.handle_line("x")
    assert r.action is Action.ERROR and "64 KiB" in r.message


def test_partial_quote_when_full() -> None:
    m = LineEditorModel(quote=["> a", "> b", "> c"], max_lines=3)
    m.handle_line("hi")
    r = m.quote_lines("")
    assert r.message == "Quoted 2 of 3 lines — the message is full."
    assert m.lines == ["hi", "> a", "> b"]
    r = m.quote_lines("1-3")
    assert r.action is Action.ERROR


def test_initial_and_quote_are_sanitised() -> None:
    m = LineEditorModel(["evil \x1b[2J"], quote=["> \x1b]0;title\x07"])
    assert m.lines == ["evil ?[2J"]
    m.quote_lines("")
    assert m.lines[1] == "> ?]0;title?"


# ---- full-screen model ------------------------------------------------------------------


def fse(text: str = "", width: int = 10, height: int = 5, **kw: object) -> FullScreenModel:
    m = FullScreenModel(width=width, height=height, **kw)  # type: ignore[arg-type]
    m.insert_text(text)
    return m


def test_typing_and_enter() -> None:
    m = fse("abc\ndef")
    assert m.lines == ["abc", "def"]
    assert (m.row, m.col) == (1, 3)
    assert m.text() == "abc\ndef"


def test_enter_splits_line() -> None:
    m = fse("abcdef")
    m.left()
    m.left()
    m.enter()
    assert m.lines == ["abcd", "ef"]
    assert (m.row, m.col) == (1, 0)


def test_word_wrap_while_typing_moves_the_word() -> None:
    m = fse("hello world")
    assert m.lines == ["hello", "world"]
    assert (m.row, m.col) == (1, 5)
    m.insert_text(" again and")
    assert m.lines == ["hello", "world", "again and"]
    assert all(len(line) <= 10 for line in m.lines)


def test_space_at_the_edge_moves_the_cursor_to_the_next_line() -> None:
    m = fse("helloworld ")
    assert m.lines == ["helloworld", ""]
    assert (m.row, m.col) == (1, 0)
    m.insert_text("x")
    assert m.lines == ["helloworld", "x"]


def test_space_typed_before_a_soft_break_is_kept() -> None:
    m = fse("helloworld foo")
    assert m.lines == ["helloworld", "foo"]
    m.up()
    m.end()
    m.insert_text(" x")
    assert m.lines == ["helloworld", "x foo"]


def test_enter_at_start_of_wrapped_line_makes_a_hard_break() -> None:
    m = fse("hello world")
    m.home()
    m.enter()
    assert m.lines == ["hello", "world"]
    assert (m.row, m.col) == (1, 0)
    m.backspace()  # Enter replaced the soft-break space; backspace removes the break only
    assert m.lines == ["helloworld"]


def test_long_word_is_cut() -> None:
    m = fse("a" * 23)
    assert m.lines == ["a" * 10, "a" * 10, "aaa"]
    assert (m.row, m.col) == (2, 3)


def test_insert_in_middle_reflows_paragraph_forward() -> None:
    m = fse("aaa bbb ccc ddd eee fff")
    assert m.lines == ["aaa bbb", "ccc ddd", "eee fff"]
    m.up()
    m.up()
    m.home()
    m.insert_text("XX ")
    assert m.lines == ["XX aaa bbb", "ccc ddd", "eee fff"]
    m.insert_text("Y ")
    assert m.lines == ["XX Y aaa", "bbb ccc", "ddd eee", "fff"]
    assert (m.row, m.col) == (0, 5)  # still just after "Y "
    assert m.text().replace("\n", " ") == "XX Y aaa bbb ccc ddd eee fff"


def test_wrap_keeps_cursor_on_same_character() -> None:
    m = fse("one two three")
    assert m.lines == ["one two", "three"]
    m.up()
    m.end()  # after "two"
    m.left()  # between "tw" and "o"
    m.insert_text("zzzz")
    assert m.lines == ["one", "twzzzzo", "three"]
    assert (m.row, m.col) == (1, 6)
    assert m.line(m.row)[m.col] == "o"


def test_wrap_does_not_pull_into_a_hard_line() -> None:
    m = fse("first line\nsecond")
    m.up()
    m.end()
    m.insert_text(" more")
    assert m.lines == ["first line", "more", "second"]


def test_backspace_within_line_and_join() -> None:
    m = fse("abc\ndef")
    m.backspace()
    assert m.lines == ["abc", "de"]
    m.home()
    m.backspace()
    assert m.lines == ["abcde"]
    assert (m.row, m.col) == (0, 3)
    m.home()
    assert m.backspace() is False


def test_backspace_at_soft_break_deletes_the_space() -> None:
    m = fse("hello world")
    m.home()
    m.backspace()
    assert m.lines == ["helloworld"]
    assert (m.row, m.col) == (0, 5)


def test_backspace_join_that_overflows_rewraps() -> None:
    m = fse("aaaa bbbb\ncc dd ee")
    m.home()
    m.backspace()
    assert m.lines == ["aaaa", "bbbbcc dd", "ee"]
    assert (m.row, m.col) == (1, 4)
    assert m.line(m.row)[m.col] == "c"


def test_delete_within_line_and_join() -> None:
    m = fse("abc\ndef")
    m.up()
    m.home()
    m.delete()
    assert m.lines == ["bc", "def"]
    m.end()
    m.delete()
    assert m.lines == ["bcdef"]
    m.end()
    assert m.delete() is False


def test_backspace_and_delete_inside_a_cut_word() -> None:
    m = fse("a" * 10 + "bcd")
    assert m.lines == ["a" * 10, "bcd"]
    m.home()
    m.backspace()
    assert m.lines == ["a" * 9, "bcd"]
    m.up()
    m.end()
    m.delete()
    assert m.lines == ["a" * 9, "cd"]


def test_arrows_home_end_and_goal_column() -> None:
    m = fse("long line\nab\nlonger one")
    assert (m.row, m.col) == (2, 10)
    m.up()
    assert (m.row, m.col) == (1, 2)
    m.up()
    assert (m.row, m.col) == (0, 9)  # remembered column, clamped to the line
    m.home()
    m.left()
    assert (m.row, m.col) == (0, 0)
    m.end()
    m.right()
    assert (m.row, m.col) == (1, 0)
    m.left()
    assert (m.row, m.col) == (0, 9)
    m.down()
    m.down()
    m.down()
    assert m.row == 2


def test_scrolling_and_pages() -> None:
    m = fse("\n".join(str(i) for i in range(20)), height=5)
    assert m.row == 19 and m.top == 15
    m.page_up()
    assert m.row == 15 and m.top == 11
    m.page_up()
    m.page_up()
    m.page_up()
    m.page_up()
    assert m.row == 0 and m.top == 0
    m.page_down()
    assert m.row == 4 and m.top == 4
    assert m.window() == ["4", "5", "6", "7", "8"]
    m.down(100)
    assert m.row == 19 and m.top == 15


def test_fse_delete_line() -> None:
    m = fse("one\ntwo\nthree")
    m.up()
    m.delete_line()
    assert m.lines == ["one", "three"]
    assert (m.row, m.col) == (1, 0)
    m.delete_line()
    m.delete_line()
    assert m.lines == [""]
    m.delete_line()
    assert m.lines == [""]


def test_delete_first_line_of_paragraph_makes_next_hard() -> None:
    m = fse("hello world")
    m.up()
    m.delete_line()
    assert m.lines == ["world"]
    m.home()
    m.backspace()
    assert m.lines == ["world"]


def test_overwrite_mode() -> None:
    m = fse("abcdef")
    m.home()
    m.toggle_overwrite()
    m.insert_text("XY")
    assert m.lines == ["XYcdef"]
    m.end()
    m.insert_text("g")
    assert m.lines == ["XYcdefg"]


def test_insert_quote_at_cursor() -> None:
    m = fse("Ada wrote:\n", quote=["> one", "> two"])
    assert m.insert_quote() is True
    assert m.lines == ["Ada wrote:", "> one", "> two", ""]
    assert (m.row, m.col) == (3, 0)


def test_insert_quote_mid_line_splits_it() -> None:
    m = fse("abcd", quote=["> q"])
    m.left()
    m.left()
    m.insert_quote()
    assert m.lines == ["ab", "> q", "cd"]
    assert (m.row, m.col) == (2, 0)


def test_insert_quote_without_quote() -> None:
    m = fse("x")
    assert m.insert_quote() is False
    assert m.notice == "There is no message to quote."


def test_quote_lines_are_wrapped_with_prefix() -> None:
    m = fse(quote=["> this is long text"])
    m.insert_quote()
    assert m.lines == ["> this is", "> long", "> text", ""]


def test_line_limit_is_enforced() -> None:
    m = fse("1\n2\n3", max_lines=3)
    assert m.enter() is False
    assert "3 lines" in m.notice
    assert m.lines == ["1", "2", "3"]
    m.notice = ""
    m.up()
    m.end()
    assert m.insert_text("abcdefghij") is False  # the wrap would need a fourth line
    assert m.lines == ["1", "2abcdefghi", "3"]
    assert (m.row, m.col) == (1, 10)


def test_byte_limit_is_enforced() -> None:
    m = fse("12345", max_bytes=6)
    assert m.insert_char("6") is True
    assert m.insert_char("7") is False
    assert "KiB" in m.notice
    assert m.lines == ["123456"]
    assert m.byte_size == 6


def test_fse_partial_quote_when_full() -> None:
    m = fse("x\n", quote=["> a", "> b", "> c"], max_lines=4)
    assert m.insert_quote() is True
    assert m.lines == ["x", "> a", "> b", ""]
    assert "Quoted 2 of 3" in m.notice


def test_byte_size_tracks_edits() -> None:
    m = fse("héllo wörld and more text here\nline two")
    m.up()
    m.home()
    m.insert_text("ñ ")
    m.down()
    m.backspace()
    m.delete_line()
    assert m.byte_size == byte_size(m.lines)


def test_result_lines_and_empty() -> None:
    m = fse("\n  \n")
    assert m.is_empty
    m = fse("text\n\n\n")
    assert not m.is_empty
    assert m.result_lines() == ["text"]


def test_initial_text_puts_cursor_at_end() -> None:
    m = FullScreenModel(["one", "two three four"], width=10, height=3)
    assert m.lines == ["one", "two three", "four"]
    assert (m.row, m.col) == (2, 4)


def test_narrowing_resize_wraps_the_view_not_the_text() -> None:
    m = fse("0123456789\n" + "\n".join("abcdefgh" for _ in range(8)), width=10, height=5)
    m.up(8)
    m.end()
    m.resize(5, 3)
    assert m.lines[0] == "0123456789"  # the text is untouched
    assert m.col == 10 and m.width == 5  # the cursor stays where it was in the text
    assert m.screen_rows() == ["01234", "56789", "abcde"]  # the long line takes two rows
    assert m.cursor_position() == (1, 5)
    m.down(8)  # the last line's second row: the view scrolls by screen rows
    assert m.row == 8 and m.col == 8
    assert (m.top, m.skip) == (7, 1)
    assert m.screen_rows() == ["fgh", "abcde", "fgh"]
    assert m.cursor_position() == (2, 3)
    m.up(8)  # back to column 10: the second row of line 1 is the top row
    assert (m.top, m.skip) == (0, 1) and m.cursor_position() == (0, 5)
    m.home()
    assert (m.top, m.skip) == (0, 0) and m.cursor_position() == (0, 0)
    m.resize(10, 5)
    assert m.screen_rows()[:2] == ["0123456789", "abcdefgh"]


def test_cursor_stays_on_screen_in_a_line_taller_than_the_area() -> None:
    m = fse("x" * 40, width=50, height=3)
    m.resize(4, 3)  # ten screen rows for one line, three rows to show them
    assert m.cursor_position() == (2, 4)
    assert m.screen_rows() == ["xxxx"] * 3 and m.skip == 7
    assert m.lines == ["x" * 40]
    m.home()
    assert m.cursor_position() == (0, 0) and m.skip == 0


def test_non_printable_input_is_refused() -> None:
    m = fse()
    assert m.insert_char("\x1b") is False
    assert m.insert_char("ab") is False
    assert m.lines == [""]


def test_quote_picker_toggles_scrolls_and_picks() -> None:
    p = QuotePicker([f"> {n}" for n in range(10)], height=3)
    assert p.picked() == [0]  # nothing chosen: the highlighted line
    p.toggle()
    p.toggle()
    assert p.chosen == {0, 1} and p.at == 2 and p.top == 0
    p.move(1)
    assert p.at == 3 and p.top == 1  # scrolled to keep the highlight shown
    assert [i for i, _ in p.window()] == [1, 2, 3]
    p.move(-1)
    p.move(-1)
    p.toggle()  # un-choose line 1
    assert p.picked() == [0]
    p.move(99)
    assert p.at == 9 and p.top == 7
    p.toggle_all()
    assert p.picked() == list(range(10))
    p.toggle_all()
    assert p.picked() == [9]


def test_fse_quotes_only_the_picked_lines() -> None:
    m = fse("", quote=["A wrote:", "> one", "> two"])
    assert m.insert_quote([2, 0]) is True
    assert m.lines == ["A wrote:", "> two", ""]


# ---- line editor: soft breaks and paragraphs ------------------------------------------


def typed(m: LineEditorModel, *lines: str) -> None:
    """Feed lines as the widget does: a trailing '~' marks a line ended by word wrap."""
    for line in lines:
        wrapped = line.endswith("~")
        assert m.handle_line(line.removesuffix("~"), wrapped=wrapped).action is Action.TEXT


def test_word_wrapped_lines_come_back_as_one_paragraph() -> None:
    m = LineEditorModel(width=20)
    typed(m, "The quick brown fox~", "jumps over the lazy~", "dog.", "", "Second one~", "here.")
    assert m.lines == [
        "The quick brown fox",
        "jumps over the lazy",
        "dog.",
        "",
        "Second one",
        "here.",
    ]
    assert m.listing()[1] == " 2: jumps over the lazy"  # /L stays screen lines
    assert m.result_lines() == m.lines
    assert m.result_paragraphs() == [
        "The quick brown fox jumps over the lazy dog.",
        "",
        "Second one here.",
    ]


def test_enter_ended_lines_stay_hard() -> None:
    m = LineEditorModel(width=20)
    typed(m, "Roses are red,", "violets are blue.", "", "")
    assert m.result_paragraphs() == ["Roses are red,", "violets are blue."]


def test_a_long_word_cut_by_wrap_joins_back_without_a_space() -> None:
    m = LineEditorModel(width=10)
    m.handle_line("http://exa", wrapped=True, cut=True)
    m.handle_line("mple.com/x")
    assert m.result_paragraphs() == ["http://example.com/x"]


def test_a_long_entered_line_is_split_into_soft_pieces() -> None:
    text = "one two three four five six seven eight nine ten"
    m = LineEditorModel(width=12)
    m.handle_line(text)
    assert len(m.lines) > 3 and all(len(line) <= 12 for line in m.lines)
    assert m.result_paragraphs() == [text]


def test_quoted_lines_are_always_hard() -> None:
    m = LineEditorModel(quote=["> first quoted line", "> second"], width=20)
    m.handle_line("> typed quote", wrapped=True)
    m.handle_line("I agree")
    assert m.result_paragraphs() == ["> typed quote", "I agree"]
    m = LineEditorModel(quote=["> first quoted line", "> second"], width=20)
    typed(m, "Before the quote~")
    assert m.quote_lines("").action is Action.INFO
    typed(m, "after it.")
    assert m.result_paragraphs() == [
        "Before the quote",
        "> first quoted line",
        "> second",
        "after it.",
    ]


def test_initial_lines_are_re_wrapped_as_soft_lines() -> None:
    draft = "a resumed draft paragraph typed at a much wider terminal than this one"
    m = LineEditorModel(
        ["Hi,", "", draft, "> a quoted line that is longer than the width"], width=20
    )
    assert len(m.lines) > 6
    assert m.lines[-1] == "> a quoted line that is longer than the width"  # kept whole
    assert m.result_paragraphs() == ["Hi,", "", draft, m.lines[-1]]


def test_initial_lines_cut_by_the_line_limit_end_the_paragraph() -> None:
    m = LineEditorModel(["one two three four five six"], width=10, max_lines=2)
    assert m.lines == ["one two", "three four"]
    m.handle_line("/d 1")
    m.handle_line("new")
    assert m.result_paragraphs() == ["three four", "new"]


def test_delete_keeps_the_paragraphs_apart() -> None:
    m = LineEditorModel(width=20)
    typed(m, "aa bb~", "cc dd", "ee ff~", "gg hh~", "ii")
    assert m.handle_line("/d 2").action is Action.INFO  # the end of the first paragraph
    assert m.result_paragraphs() == ["aa bb", "ee ff gg hh ii"]
    assert m.handle_line("/d 3").action is Action.INFO  # inside the second one
    assert m.result_paragraphs() == ["aa bb", "ee ff ii"]
    assert m.handle_line("/d 1").action is Action.INFO
    assert m.result_paragraphs() == ["ee ff ii"]


def test_delete_range_keeps_the_paragraphs_apart() -> None:
    m = LineEditorModel(width=20)
    typed(m, "aa~", "bb~", "cc", "dd~", "ee~", "ff")
    assert m.handle_line("/d 2-3").action is Action.INFO
    assert m.result_paragraphs() == ["aa", "dd ee ff"]
    assert m.handle_line("/d 2-2").action is Action.INFO
    assert m.result_paragraphs() == ["aa", "ee ff"]
    m = LineEditorModel(width=20)
    typed(m, "aa~", "bb~", "cc~", "dd")
    assert m.handle_line("/d 2-3").action is Action.INFO  # the middle of one paragraph
    assert m.result_paragraphs() == ["aa dd"]


def test_edit_keeps_the_old_lines_end() -> None:
    m = LineEditorModel(width=12)
    typed(m, "one two~", "three~", "four", "five")
    assert m.handle_line("/e 2").action is Action.EDIT
    m.replace_line(2, "THREE and a longer bit")  # split: the pieces are soft, the last as before
    assert m.lines[1:4] == ["THREE and a", "longer bit", "four"]
    assert m.result_paragraphs() == ["one two THREE and a longer bit four", "five"]
    m.replace_line(4, "FOUR")  # "four" ended its paragraph: "FOUR" does too
    assert m.result_paragraphs() == ["one two THREE and a longer bit FOUR", "five"]
    m.replace_line(1, "> quoted now")  # a quoted line is hard and is never joined onto
    assert m.result_paragraphs() == ["> quoted now", "THREE and a longer bit FOUR", "five"]


def test_insert_mode_keeps_the_soft_breaks() -> None:
    m = LineEditorModel(width=20)
    typed(m, "first paragraph~", "ends here.", "last one.")
    m.handle_line("/i 3")
    typed(m, "A new one that~", "wraps.")
    assert m.handle_line("").action is Action.INFO  # the end of insert mode
    assert m.insert_at is None
    assert m.result_paragraphs() == [
        "first paragraph ends here.",
        "A new one that wraps.",
        "last one.",
    ]


def test_clear_forgets_the_soft_breaks() -> None:
    m = LineEditorModel(width=20)
    typed(m, "old text~")
    m.clear()
    typed(m, "new")
    assert m.result_paragraphs() == ["new"]


def test_a_refused_line_keeps_the_breaks_as_they_were() -> None:
    m = LineEditorModel(width=20, max_lines=2)
    typed(m, "aa~", "bb~")
    assert m.handle_line("cc").action is Action.ERROR  # the line limit
    assert m.result_paragraphs() == ["aa bb"]
    m = LineEditorModel(width=20, max_bytes=8)
    typed(m, "aaa~")
    assert m.handle_line("bbbbbbbbb").action is Action.ERROR  # the byte limit
    assert m.replace_line(1, "x" * 30).action is Action.ERROR
    typed(m, "bb")
    assert m.result_paragraphs() == ["aaa bb"]


def test_a_quote_is_a_block_of_its_own() -> None:
    m = LineEditorModel(quote=["On Monday, Ada wrote:", "> hello"], width=20)
    typed(m, "I was typing~")
    assert m.quote_lines("").action is Action.INFO
    assert m.result_paragraphs() == ["I was typing", "On Monday, Ada wrote:", "> hello"]


def test_a_blank_line_always_parts_the_paragraphs() -> None:
    m = LineEditorModel(width=20)
    typed(m, "aa~", "bb~", "cc")
    m.replace_line(2, "   ")  # the soft line blanked: what /L shows is two paragraphs
    assert m.result_paragraphs() == ["aa", "   ", "cc"]

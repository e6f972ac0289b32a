"""The no-cursor output filter: a screen drawn row by row reads as lines, whatever the writes."""

from __future__ import annotations

from retroboard.term.profile import OutputFilter, profile_for


def test_blank_rows_drawn_one_write_each_leave_at_most_one_blank_line() -> None:
    dumb = OutputFilter(profile_for("dumb"))
    writes = ["\x1b[2J\x1b[H", "\x1b[1;1H Title\x1b[0m\x1b[K"]
    writes += [f"\x1b[{row};1H\x1b[0m\x1b[K" for row in range(2, 22)]
    writes += ["\x1b[22;1H>first row", "\x1b[23;1H second row   ", "\x1b[24;1Hhints"]
    out = "".join(dumb(w) for w in writes)
    assert out == "\r\n\r\n Title\r\n\r\n>first row\r\n second row   \r\nhints"


def test_padding_on_a_blank_line_is_held_until_text_follows_it() -> None:
    dumb = OutputFilter(profile_for("dumb"))
    out = "".join(dumb(w) for w in ["done\r\n", "    ", "\r\n", "  ", "indented", "\r\n" * 5])
    assert out == "done\r\n\r\n  indented\r\n\r\n"


def test_a_write_without_line_breaks_passes_unchanged() -> None:
    dumb = OutputFilter(profile_for("dumb"))
    assert dumb("Choice > ") == "Choice > "
    assert dumb(" ") == " "

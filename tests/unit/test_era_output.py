"""An era's teletype: upper-case output (escape sequences untouched) and the column cap."""

from __future__ import annotations

from retroboard.term.fake import FakeTerminal
from retroboard.term.profile import OutputFilter, Profile, profile_for, to_upper
from retroboard.ui.events import SessionTerminal


def test_upper_case_leaves_every_escape_sequence_as_it_was() -> None:
    text = (
        "\x1b[1;32mhello\x1b[0m \x1b]0;my title\x07 world\x1b[5;10H"
        "\x1b[?25l\x1b[2J\x1b[38;5;196mred\x1b(B é ß"
    )
    assert to_upper(text) == (
        "\x1b[1;32mHELLO\x1b[0m \x1b]0;my title\x07 WORLD\x1b[5;10H"
        "\x1b[?25l\x1b[2J\x1b[38;5;196mRED\x1b(B É SS"
    )
    assert to_upper("plain text, no escapes") == "PLAIN TEXT, NO ESCAPES"


def test_the_filter_upper_cases_only_with_the_flag() -> None:
    shout = OutputFilter(Profile(upper=True))
    assert shout("Choice \x1b[1mnow\x1b[0m> ") == "CHOICE \x1b[1mNOW\x1b[0m> "
    assert not Profile(upper=True).full  # the filter must run for it
    assert OutputFilter(Profile())("Mixed Case") == "Mixed Case"
    # a linear, colourless, 7-bit teletype: escapes gone, then upper case
    tty = OutputFilter(Profile(charset="ascii", colors=0, cursor=False, upper=True))
    assert tty("\x1b[2J\x1b[1;1H\x1b[31mfunction?\x1b[0m") == "\r\nFUNCTION?"
    assert profile_for("xterm").upper is False


def test_the_terminal_sends_upper_case_until_told_otherwise() -> None:
    raw = FakeTerminal()
    term = SessionTerminal(raw)
    term.set_upper(True)
    term.write("read \x1b[32mnew\x1b[0m messages\r\n")
    term.set_upper(False)
    term.write("today again")
    assert bytes(raw.output) == b"READ \x1b[32mNEW\x1b[0m MESSAGES\r\ntoday again"


def test_the_column_cap_narrows_the_width_screens_see_and_holds_over_a_resize() -> None:
    raw = FakeTerminal(cols=80, rows=24)
    term = SessionTerminal(raw)
    term.cap_columns(64)
    assert (term.info.cols, term.info.rows) == (64, 24)
    assert raw.info.cols == 80  # the transport still knows the real window
    raw.resize(132, 43)
    assert (term.info.cols, term.info.rows) == (64, 43)
    raw.resize(40, 24)
    assert term.info.cols == 40  # a narrower window is narrower still
    raw.resize(100, 24)
    term.cap_columns(0)
    assert term.info.cols == 100  # leaving the era: the window's own width again

"""The charset probe: its decision from cursor reports, the reports picked out of the input
stream without losing keys, and a silent client costing no more than the deadline."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from retroboard.term.events import CursorReport, Key
from retroboard.term.fake import FakeTerminal
from retroboard.term.keys import KeyDecoder
from retroboard.term.probe import (
    ERASE,
    QUERY,
    TEST_CHAR,
    decide,
    detect_charset,
    needs_probe,
    probe_charset,
)

log = logging.getLogger("test-probe")


class AnsweringTerminal(FakeTerminal):
    """A client terminal that shows `shows` (utf-8 or cp437): it keeps its cursor column as
    it prints what it is sent, and answers each ESC [ 6 n with where the cursor is."""

    def __init__(self, shows: str, term_type: str = "ansi", typed: bytes = b"") -> None:
        super().__init__(term_type=term_type, encoding="cp437" if term_type == "ansi" else "utf-8")
        self.shows = shows
        self.col = 5  # somewhere on the line, as after telnet negotiation
        self.typed = typed  # keys the caller types between the two answers

    def _send(self, data: bytes) -> None:
        super()._send(data)
        text = data.decode(self.shows, errors="replace")
        i = 0
        answers = 0
        while i < len(text):
            if text.startswith("\x1b[6n", i):
                answer = f"\x1b[3;{self.col}R".encode()
                if answers == 0 and self.typed:
                    answer += self.typed
                answers += 1
                asyncio.get_running_loop().call_soon(
                    lambda a=answer: asyncio.ensure_future(self.feed(a))
                )
                i += 4
            elif text.startswith("\x1b[K", i):
                i += 3
            elif text[i] == "\r":
                self.col, i = 1, i + 1
            else:
                self.col, i = self.col + 1, i + 1


def test_decision_from_the_columns_moved() -> None:
    at = CursorReport(3, 1)
    assert decide(at, CursorReport(3, 2)) == "utf-8"
    assert decide(at, CursorReport(3, 3)) == "cp437"  # Latin-1: a C1 byte not printed
    assert decide(at, CursorReport(3, 4)) == "cp437"  # CP437: three glyphs
    assert decide(at, CursorReport(3, 1)) is None  # nothing moved
    assert decide(at, CursorReport(3, 9)) is None  # a jump: not an answer to trust
    assert decide(at, CursorReport(4, 2)) is None  # another row


def test_query_is_a_three_byte_character_between_two_requests() -> None:
    assert len(TEST_CHAR.encode("utf-8")) == 3
    assert QUERY.count(b"\x1b[6n") == 2 and QUERY.startswith(b"\r")


def test_which_terminal_types_are_probed() -> None:
    for term in ("unknown", "ansi", "vt100", "vt220", "xterm"):
        assert needs_probe(term)
    for term in ("syncterm", "xterm-256color", "dumb", "linux", "pcansi"):
        assert not needs_probe(term)


def test_decoder_takes_cursor_reports_out_of_the_keys() -> None:
    d = KeyDecoder()
    keys = d.feed(b"a\x1b[12;") + d.feed(b"40Rb\x1b[R")
    assert keys == [Key("a"), Key("b"), Key("f3")]  # ESC [ R (no position) is still F3
    assert d.take_reports() == [CursorReport(12, 40)]
    assert d.take_reports() == []


async def test_utf8_terminal_is_found_and_typed_keys_are_kept() -> None:
    t = AnsweringTerminal("utf-8", typed=b"gr")
    assert await probe_charset(t, 1.0) == "utf-8"
    assert bytes(t.output) == QUERY + ERASE  # sent as is: not CP437-encoded to '?'
    assert [await t.read_key(), await t.read_key()] == [Key("g"), Key("r")]


async def test_cp437_terminal_is_found() -> None:
    t = AnsweringTerminal("cp437", term_type="xterm")
    assert await probe_charset(t, 1.0) == "cp437"


async def test_silent_client_costs_the_deadline_and_keeps_the_guess() -> None:
    t = FakeTerminal(term_type="ansi", encoding="cp437")
    t.probe_deadline = 0.2
    start = time.monotonic()
    assert await detect_charset(t, log) is None
    assert time.monotonic() - start < 1.0
    assert t.info.encoding == "cp437" and t.probed_charset is None
    assert bytes(t.output).endswith(ERASE)  # what was printed is wiped


async def test_one_answer_only_is_no_answer() -> None:
    t = FakeTerminal(term_type="ansi", encoding="cp437")
    task = asyncio.ensure_future(probe_charset(t, 0.2))
    await asyncio.sleep(0.01)
    await t.feed(b"\x1b[1;1R")
    assert await task is None


@pytest.mark.parametrize(
    ("shows", "term_type", "found"),
    [("utf-8", "ansi", "utf-8"), ("cp437", "xterm", "cp437")],
)
async def test_detect_switches_the_session(shows: str, term_type: str, found: str) -> None:
    t = AnsweringTerminal(shows, term_type=term_type)
    t.probe_deadline = 1.0
    assert await detect_charset(t, log) == found
    assert t.info.encoding == found and t.probed_charset == found


async def test_sure_terminal_types_and_transports_without_a_deadline_are_not_asked() -> None:
    sure = AnsweringTerminal("utf-8", term_type="xterm-256color")
    sure.probe_deadline = 1.0
    unsure_fake = AnsweringTerminal("utf-8", term_type="ansi")  # deadline 0: never asked
    assert await detect_charset(sure, log) is None
    assert await detect_charset(unsure_fake, log) is None
    assert sure.output == bytearray() and unsure_fake.output == bytearray()


async def test_reports_outside_a_probe_are_dropped() -> None:
    t = FakeTerminal()
    await t.feed(b"\x1b[5;5Rx")
    assert await t.read_key() == Key("x")
    assert t.poll_event() is None

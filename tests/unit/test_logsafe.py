"""Unit tests for retroboard.logsafe: escaped, capped log messages that cannot forge lines."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from retroboard.logsafe import MESSAGE_MAX, SafeFormatter, escape, shorten

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter(FORMAT))
    logger = logging.getLogger("retroboard.test_logsafe")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_forged_log_line_stays_on_one_line(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    forged = "x\n2026-01-01 INFO retroboard: login ok: sysop"
    logger.info("terminal type %s", forged)
    text = stream.getvalue()
    assert text.count("\n") == 1  # one record, one line
    assert text.rstrip("\n").endswith(
        r"terminal type x\x0a2026-01-01 INFO retroboard: login ok: sysop"
    )
    [line] = text.splitlines()
    assert not line.startswith("2026-01-01")


def test_cr_and_unicode_line_separators_escaped(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("a\rb\u2028c\u2029d\x85e\tf")
    assert stream.getvalue().splitlines()[0].endswith(r"a\x0db\u2028c\u2029d\x85e\x09f")


def test_escape_sequences_never_reach_the_log(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.warning("peer sent %r and %s", "x", "\x1b]0;owned\x07\x1b[2J\x9b1m\x7f")
    text = stream.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\x7f" not in text
    assert r"\x1b]0;owned\x07\x1b[2J\x9b1m\x7f" in text


def test_invisible_characters_escaped(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("name %s", "ad\u202emin\u200b\ufeff\u2066\U000e0041")
    assert r"ad\u202emin\u200b\ufeff\u2066\U000e0041" in stream.getvalue()


def test_ordinary_text_untouched(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("Grüße 日本語 C:\\path [bold] %d%% done", 100)
    assert stream.getvalue().endswith("Grüße 日本語 C:\\path [bold] 100% done\n")


def test_60_kb_value_is_capped(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("terminal type %s", "A" * 60_000)
    [line] = stream.getvalue().splitlines()
    message = line.split(": ", 1)[1]
    assert (
        message
        == "terminal type " + "A" * (MESSAGE_MAX - 14) + f"…({60_000 - MESSAGE_MAX + 14} more)"
    )
    assert len(line) < MESSAGE_MAX + 100


def test_cap_never_cuts_an_escape_in_half() -> None:
    for pad in range(12):
        out = SafeFormatter("%(message)s").format(
            logging.makeLogRecord({"msg": "x" * (MESSAGE_MAX - pad) + "\x1b" * 50})
        )
        head, _, tail = out.partition("…(")
        assert len(head) <= MESSAGE_MAX
        assert not head.endswith(("\\", "\\x", "\\x1")), head[-6:]
        assert len(head) + int(tail.split(" ")[0]) == MESSAGE_MAX - pad + 4 * 50


def test_traceback_keeps_its_lines_but_not_its_escapes(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    try:
        raise ValueError("bad input \x1b[2J here")
    except ValueError:
        logger.exception("crash in %s", "screen\nX")
    text = stream.getvalue()
    lines = text.splitlines()
    assert lines[0].endswith(r"crash in screen\x0aX")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == r"ValueError: bad input \x1b[2J here"
    assert "\x1b" not in text


def test_shorten() -> None:
    assert shorten("xterm-256color") == "xterm-256color"
    assert shorten("A" * 100) == "A" * 60 + "…(40 more)"
    assert shorten("A" * 100, limit=10) == "A" * 10 + "…(90 more)"
    assert shorten("x\n2026-01-01 INFO forged") == r"x\x0a2026-01-01 INFO forged"
    assert shorten(b"\x1b[2J") == r"b'\x1b[2J'"
    assert shorten(None) == "None"
    assert shorten("\x1b" * 30, limit=10) == r"\x1b\x1b" + f"…({4 * 30 - 8} more)"
    big = shorten("\x1b[31m" * 15_000)
    assert "\x1b" not in big and len(big) < 80


def test_escape() -> None:
    assert escape("a\x00b\x1fc\x7fd\x9fe") == r"a\x00b\x1fc\x7fd\x9fe"
    assert escape("plain") == "plain"

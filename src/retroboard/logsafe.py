"""Log lines that callers cannot forge: control and invisible characters escaped, length capped."""

from __future__ import annotations

import logging
import re

from retroboard.domain.text import INVISIBLE

__all__ = ["MESSAGE_MAX", "SafeFormatter", "escape", "shorten"]

MESSAGE_MAX = 2000  # characters of a log message after escaping (the traceback is extra)

# C0 (line breaks and TAB included), DEL, C1, the invisible characters sanitize() removes
# (bidi controls, zero-width, every format character, lone surrogates) and U+2028/U+2029.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029" + INVISIBLE + "]")
# Control characters inside a traceback: the same, but its own line breaks stay.
_UNSAFE_IN_TRACEBACK = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029" + INVISIBLE + "]")
_TOKEN = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def _code(match: re.Match[str]) -> str:
    n = ord(match.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def escape(text: str) -> str:
    """`text` with every control or invisible character written as \\xNN, \\uNNNN or \\UNNNNNNNN."""
    return _UNSAFE.sub(_code, text)


def _cap(text: str, limit: int) -> str:
    """At most `limit` characters of escaped text, then "…(N more)"; never half an escape."""
    if len(text) <= limit:
        return text
    cut = limit
    start = text.rfind("\\", max(0, limit - 9), limit)
    if start >= 0:
        token = _TOKEN.match(text, start)
        if token and token.end() > limit:
            cut = start
    return f"{text[:cut]}…({len(text) - cut} more)"


def shorten(value: object, limit: int = 60) -> str:
    """`value` fit for a log field: escaped, and cut to `limit` characters plus "…(N more)".

    A str is used as it is, anything else as its repr() (bytes show as b'...').
    """
    text = value if isinstance(value, str) else repr(value)
    return _cap(escape(text), max(1, limit))


class SafeFormatter(logging.Formatter):
    """A Formatter whose message part cannot forge log lines or send escapes to a terminal.

    The message (record.getMessage(), i.e. the format string with its arguments) has every
    control and invisible character escaped, line breaks included, and is capped at
    MESSAGE_MAX characters with "…(N more)". The traceback and stack parts keep Python's
    own layout, line breaks and all; only their other control characters are escaped.
    """

    def format(self, record: logging.LogRecord) -> str:
        record.message = _cap(escape(record.getMessage()), MESSAGE_MAX)
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        s = self.formatMessage(record)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            s = f"{s}\n{_UNSAFE_IN_TRACEBACK.sub(_code, record.exc_text)}"
        if record.stack_info:
            s = f"{s}\n{_UNSAFE_IN_TRACEBACK.sub(_code, self.formatStack(record.stack_info))}"
        return s

"""Make untrusted user text safe to show on a terminal: strip controls and escape sequences."""

from __future__ import annotations

import re

__all__ = ["sanitize"]

# String terminator: BEL (xterm), ESC \ (7-bit ST) or 0x9C (8-bit ST). A string also
# ends, without being consumed, at the next ESC (which starts a new sequence, as in
# xterm); an unterminated string runs to the end of the text, as a terminal would eat it.
_STRING_END = r"(?:\x07|\x1b\\|\x9c|(?=\x1b)|\Z)"

_ESCAPES = re.compile(
    # OSC, DCS, SOS, PM, APC strings (7-bit and 8-bit introducers).
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*"
    + _STRING_END
    # CSI (7-bit ESC [ and 8-bit 0x9B): parameters, intermediates, final byte.
    + r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    # nF escapes with intermediate bytes, e.g. ESC ( B (charset), ESC # 8.
    + r"|\x1b[\x20-\x2f]+[\x30-\x7e]?"
    # Two-character escapes: ESC c, ESC 7, ESC M, ESC =, ...
    + r"|\x1b[\x30-\x7e]"
)

# C0 controls except TAB and LF, DEL, C1 controls, and bidi embeddings/overrides/isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\r\n?")
_SINGLE_LINE_WS = re.compile(r"\r\n|[\r\n\t]")


def sanitize(text: str, *, multiline: bool = True) -> str:
    """Return `text` with every control character and terminal escape sequence removed.

    Escape sequences (CSI, OSC, DCS/SOS/PM/APC, two-character and 8-bit forms) are
    removed as a whole, so no parameter debris is left behind. Unicode bidi
    embedding, override and isolate characters are removed too.

    With `multiline`, TAB and LF are kept and CR LF / lone CR become LF. Without it,
    every line break and TAB becomes one space.

    Markup-like text such as "[bold]x[/bold]" is left alone: callers must render it
    as plain text, never as markup.
    """
    text = _ESCAPES.sub("", text)
    if multiline:
        text = _LINE_BREAK.sub("\n", text)
    else:
        text = _SINGLE_LINE_WS.sub(" ", text)
    return _CONTROLS.sub("", text)

"""Text to bytes in the client's character set; CP437 gets stand-ins instead of '?' marks."""

from __future__ import annotations

import re

# Characters rich and the screens use that CP437 lacks, with what an IBM PC could show.
# (CP437's own picture glyphs for bytes 0x01-0x1F are not used: on a BBS terminal those bytes
# are controls — 0x07 rings the bell, 0x1B starts an escape sequence.)
_CP437_STAND_INS = str.maketrans(
    {
        "…": "...",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "•": "\u00b7",
        "✓": "\u221a",
        "→": "-",
        "←": "-",
    }
)


_NEEDS_STAND_IN = re.compile("[" + "".join(chr(c) for c in _CP437_STAND_INS) + "]")


def encode(text: str, encoding: str) -> bytes:
    """Encode for the wire; anything the character set cannot show becomes '?', never an error."""
    if encoding == "cp437" and not text.isascii() and _NEEDS_STAND_IN.search(text):
        text = text.translate(_CP437_STAND_INS)
    return text.encode(encoding, errors="replace")

"""Make untrusted user text safe to show on a terminal: strip controls, escapes, invisibles."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE", "sanitize"]

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

# Invisible characters that can hide or reorder text: named explicitly (so the rule does
# not depend on the Unicode version), then every other format character (category Cf) and
# every lone surrogate (Cs: it cannot be encoded for a terminal or a database).
_NAMED_INVISIBLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x061C, 0x061C),  # Arabic letter mark
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, isolates, deprecated formats
    (0xFEFF, 0xFEFF),  # zero-width no-break space (BOM)
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0xE0000, 0xE007F),  # tag characters
)
# Every assigned format character lives in these planes (BMP, SMP and the tag plane).
_SCANNED = (range(0x0000, 0x20000), range(0xE0000, 0xE1000))


def _ranges() -> list[tuple[int, int]]:
    points = {c for lo, hi in _NAMED_INVISIBLE for c in range(lo, hi + 1)}
    points.update(range(0xD800, 0xE000))
    points.update(c for r in _SCANNED for c in r if unicodedata.category(chr(c)) == "Cf")
    merged: list[tuple[int, int]] = []
    for c in sorted(points):
        if merged and merged[-1][1] == c - 1:
            merged[-1] = (merged[-1][0], c)
        else:
            merged.append((c, c))
    return merged


def _char_class(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


# Regex character-class body (no brackets) for every invisible or format character that
# sanitize() removes; U+2028/U+2029 are not in it (sanitize turns them into line breaks).
INVISIBLE = _char_class(_ranges())

# C0 controls except TAB and LF, DEL, C1 controls, and the invisible characters above.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f" + INVISIBLE + "]")
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The characters that can start an escape sequence; text without any skips _ESCAPES.
_INTRODUCERS = ("\x1b", "\x90", "\x98", "\x9b", "\x9d", "\x9e", "\x9f")


def sanitize(text: str, *, multiline: bool = True) -> str:
    """Return `text` with every control character and terminal escape sequence removed.

    Escape sequences (CSI, OSC, DCS/SOS/PM/APC, two-character and 8-bit forms) are
    removed as a whole, so no parameter debris is left behind. Invisible characters
    are removed too: bidi marks, embeddings, overrides and isolates (LRM, RLM, ALM,
    U+202A-202E, U+2066-2069), zero-width characters (U+200B-200D, U+2060-2064,
    U+FEFF, U+180E), every other Unicode format character (category Cf: soft hyphen,
    U+FFF9-FFFB, tag characters U+E0000-E007F, ...) and lone surrogates.

    With `multiline`, TAB and LF are kept and CR LF, lone CR and the Unicode line and
    paragraph separators (U+2028, U+2029) become LF. Without it, every line break and
    TAB becomes one space.

    Markup-like text such as "[bold]x[/bold]" is left alone: callers must render it
    as plain text, never as markup.
    """
    ascii_only = text.isascii()
    if any(c in text for c in _INTRODUCERS):
        text = _ESCAPES.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not ascii_only:
            text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    else:
        text = text.replace("\r\n", " ")
        for c in ("\r", "\n", "\t") if ascii_only else ("\r", "\n", "\t", "\u2028", "\u2029"):
            text = text.replace(c, " ")
    return (_ASCII_CONTROLS if ascii_only else _CONTROLS).sub("", text)

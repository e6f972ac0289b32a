"""One terminal capability profile per session, decided here and nowhere else.

`profile_for(info)` turns what a transport learned (terminal type, character set) into what the
screens may send: character set (UTF-8, CP437 or 7-bit ASCII), box and line characters, colour
depth (none, 8 + bold as ANSI.SYS/CP437 knows, 16, 256, truecolour) and whether the cursor may be
addressed, and whether all text goes out in upper case (an upper-case-only teletype, the 1978
era). `OutputFilter` then enforces the profile on every byte a session writes, so a screen
that forgets (or art a sysop drew in another tool) still cannot send a `dumb` caller an escape
code or a CP437 caller an aixterm colour.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CHARSETS = ("utf-8", "cp437", "ascii")
# Terminal types with no cursor addressing and no colour: teletypes, glass ttys, `dumb`.
NO_CURSOR_TERMS = ("dumb", "unknown-dumb", "glasstty", "tty33", "tty43", "teletype", "vt05")
# Terminal types that expect IBM PC code page 437 and ANSI.SYS colours.
CP437_TERMS = ("syncterm", "ansi", "ansi-bbs", "pcansi", "scoansi", "cterm", "netrunner-cp437")


@dataclass(frozen=True, slots=True)
class Profile:
    """What a session's terminal can show. `colors` is 0, 8, 16, 256 or 16777216."""

    charset: str = "utf-8"
    colors: int = 16
    cursor: bool = True  # cursor addressing (full-screen drawing) is possible
    upper: bool = False  # every letter sent in upper case (escape sequences untouched)

    @property
    def unicode(self) -> bool:
        return self.charset == "utf-8"

    @property
    def boxes(self) -> str:
        """The box and line set: 'unicode' (UTF-8 and CP437 both have the glyphs) or 'ascii'."""
        return "ascii" if self.charset == "ascii" else "unicode"

    @property
    def color_system(self) -> str | None:
        """The rich colour system that draws within this profile (8 colours are drawn as 16
        and folded to bold + 30-37 by the output filter)."""
        return {0: None, 8: "standard", 16: "standard", 256: "256"}.get(self.colors, "truecolor")

    @property
    def full(self) -> bool:
        """Nothing to filter: UTF-8 with cursor codes and at least 16 colours, mixed case."""
        return self.charset == "utf-8" and self.cursor and self.colors >= 16 and not self.upper


def profile_for(term_type: str, charset: str | None = None) -> Profile:
    """The profile for a (cleaned) terminal type; `charset` overrides the guessed character set
    (a user's saved choice). The one place terminal capabilities are decided."""
    term = term_type.lower()
    if term.startswith(NO_CURSOR_TERMS):
        return Profile(charset="ascii", colors=0, cursor=False)
    guessed = "cp437" if term.startswith(CP437_TERMS) else "utf-8"
    chosen = charset if charset in CHARSETS else guessed
    if chosen == "ascii":
        return Profile(charset="ascii", colors=0 if term in ("vt52",) else 8, cursor=True)
    if chosen == "cp437":
        return Profile(charset="cp437", colors=8, cursor=True)
    if "truecolor" in term or "24bit" in term or term.endswith("-direct"):
        colors = 1 << 24
    elif "256" in term:
        colors = 256
    elif term.startswith(("vt52", "vt100", "vt102")) and not term.startswith("vt100-color"):
        colors = 0
    else:
        colors = 16
    return Profile(charset="utf-8", colors=colors, cursor=True)


# ---- enforcing a profile on output -----------------------------------------------------------
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|.)?")
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_CURSOR_TO = re.compile(r"\x1b\[[0-9;]*[Hf]")
MAX_PAD = 512  # padding held back on a blank line (a bound: one line is far less)
_ANSI_SYS_SGR = frozenset({0, 1, 5, 7, *range(30, 38), *range(40, 48)})
# Box drawing, blocks and the few symbols the screens use, as 7-bit ASCII.
_ASCII = str.maketrans(
    {
        **{c: "-" for c in "─━═╌╍┄┅┈┉"},
        **{c: "|" for c in "│┃║╎╏┆┇┊┋"},
        **{c: "+" for c in "┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫┏┓┗┛┣┫┳┻╋╭╮╯╰"},
        **{c: "#" for c in "█▓▒░▄▀▌▐■"},
        "…": "...",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "•": "*",
        "·": ".",
        "→": "->",
        "←": "<-",
        "↑": "^",
        "↓": "v",
        "✓": "v",
        "×": "x",
        "«": "<<",
        "»": ">>",
        "©": "(c)",
        "°": "o",
        "\u00a0": " ",
    }
)


@lru_cache(maxsize=4096)
def _ascii_char(ch: str) -> str:
    """7-bit stand-in for one character: the table's, its accent-less form, else '?'."""
    mapped = ch.translate(_ASCII)
    if mapped != ch:
        return mapped
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    return plain if plain and plain.isprintable() else "?"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def to_ascii(text: str) -> str:
    """Text in 7-bit ASCII: box characters as +-|, accents dropped, the rest '?'; controls kept."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda m: _ascii_char(m.group()), text)


@lru_cache(maxsize=1024)
def _fold_sgr(params: str) -> str:
    """SGR parameters within what ANSI.SYS knows: bright colours become bold + 30-37, bright
    backgrounds the plain ones, default colours white on black; the rest is dropped."""
    out: list[int] = []
    parts = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", params)] if params else [0]
    i = 0
    while i < len(parts):
        p = parts[i]
        if p in (38, 48):  # extended colour: skip its arguments
            i += 3 if i + 1 < len(parts) and parts[i + 1] == 5 else 5
            continue
        if p in _ANSI_SYS_SGR:
            out.append(p)
        elif 90 <= p <= 97:
            out += [1, p - 60]
        elif 100 <= p <= 107:
            out.append(p - 60)
        elif p == 39:
            out.append(37)
        elif p == 49:
            out.append(40)
        i += 1
    return ";".join(map(str, out))


def to_upper(text: str) -> str:
    """`text` in upper case, its escape sequences (colours, cursor moves, titles) as they were."""
    if "\x1b" not in text:
        return text.upper()
    out: list[str] = []
    at = 0
    for m in _ESCAPE.finditer(text):
        out.append(text[at : m.start()].upper())
        out.append(m.group())
        at = m.end()
    out.append(text[at:].upper())
    return "".join(out)


def _fold_match(m: re.Match[str]) -> str:
    folded = _fold_sgr(m.group(1))
    return f"\x1b[{folded}m" if folded else ""


class OutputFilter:
    """Applies a profile to text on its way out (after the screens, before encoding).

    Without cursor addressing it keeps a little state across writes: a screen drawn one row per
    write (or blank rows cleared one by one) still reaches the caller with at most one blank
    line in a row, and spaces that only pad a blank line are never sent.
    """

    __slots__ = ("profile", "_blank", "_breaks", "_pad")  # one per caller

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._blank = False  # the current output line holds nothing but (held-back) padding
        self._breaks = 0  # line breaks sent in a row with only blank lines between them
        self._pad = ""  # spaces and tabs of the current line, held until text follows them

    def _linear(self, text: str) -> str:
        """Text as lines read top to bottom: each cursor move starts a line, no escapes, and
        no run of blank lines longer than one, however the text was split into writes."""
        if "\x1b" in text:
            text = _ESCAPE.sub("", _CURSOR_TO.sub("\r\n", text))
        if "\r\n" not in text and not self._blank:
            return text
        out: list[str] = []
        for n, piece in enumerate(text.split("\r\n")):
            if n:
                self._breaks = self._breaks + 1 if self._blank else 1
                if self._breaks <= 2:
                    out.append("\r\n")
                self._blank, self._pad = True, ""
            if piece.strip(" \t"):
                out.append(self._pad + piece)
                self._blank, self._pad = False, ""
            elif self._blank:
                self._pad = (self._pad + piece)[-MAX_PAD:]
            else:
                out.append(piece)
        return "".join(out)

    def __call__(self, text: str) -> str:
        p = self.profile
        if p.full:
            return text
        if not p.cursor:
            text = self._linear(text)
        elif p.colors == 0:
            text = _SGR.sub("", text)
        elif p.colors == 8 and "\x1b[" in text:
            text = _SGR.sub(_fold_match, text)
        if p.charset == "ascii":
            text = to_ascii(text)
        if p.upper:
            text = to_upper(text)
        return text

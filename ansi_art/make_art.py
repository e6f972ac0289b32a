"""Generate retroboard's original ANSI art (CP437 .ans files with SAUCE records).

Run from anywhere:  python ansi_art/make_art.py          (writes both copies)
                    python ansi_art/make_art.py --check  (exit 1 if a file is out of date)

The art is drawn here as data: a small bitmap font rendered with half blocks, box-drawing frames
and 16-colour SGR codes only (no cursor movement), so it can be cropped line by line. Every file
is written twice, byte for byte the same: ansi_art/ (for people) and src/retroboard/art/ (shipped
in the wheel). Standard library only.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIRS = (HERE, HERE.parent / "src" / "retroboard" / "art")

# Fixed, so that regenerating gives byte-identical files (the SAUCE "date of creation").
ART_DATE = "20261127"
AUTHOR = GROUP = "retroboard"
MAX_COLS = 79

# 16 colours, ANSI order; 8-15 are the bright ones (bold + 30-37).
BLACK, RED, GREEN, BROWN, BLUE, MAGENTA, CYAN, GREY = range(8)
DGREY, LRED, LGREEN, YELLOW, LBLUE, LMAGENTA, LCYAN, WHITE = range(8, 16)


@dataclass(frozen=True)
class Cell:
    ch: str = " "
    fg: int | None = None  # 0-15 or None (terminal default)
    bg: int | None = None  # 0-7 only (no iCE colours) or None

    def sgr(self) -> str:
        """The full SGR for this cell, reset first: ESC[0;1;34m style."""
        parts = ["0"]
        if self.fg is not None:
            if self.fg >= 8:
                parts.append("1")
            parts.append(str(30 + self.fg % 8))
        if self.bg is not None:
            assert 0 <= self.bg <= 7, "16-colour art: backgrounds are 0-7"
            parts.append(str(40 + self.bg))
        return "\x1b[" + ";".join(parts) + "m"

    @property
    def blank(self) -> bool:
        return self.ch == " " and self.bg is None


BLANK = Cell()
Row = list[Cell]


def text(s: str, fg: int | None, bg: int | None = None) -> Row:
    return [Cell(" ", None, None) if c == " " and bg is None else Cell(c, fg, bg) for c in s]


def pad(n: int) -> Row:
    return [BLANK] * n


def center(row: Row, width: int) -> Row:
    return pad(max(0, (width - len(row)) // 2)) + row


def fade(s: str, colors: Sequence[int]) -> Row:
    """Colour a run of characters with a left-to-right sequence of colours (repeating the last)."""
    return [Cell(c, colors[min(i, len(colors) - 1)]) for i, c in enumerate(s)]


def mirror(colors: Sequence[int]) -> list[int]:
    return list(reversed(colors))


# ---- the big font: 6x9 pixel letters drawn with half blocks, 2 pixel rows per text row --------

FONT: dict[str, list[str]] = {
    "R": [
        "#####.",
        "######",
        "##..##",
        "##..##",
        "#####.",
        "##.##.",
        "##..##",
        "##..##",
        "##..##",
    ],
    "E": [
        "######",
        "######",
        "##....",
        "##....",
        "#####.",
        "##....",
        "##....",
        "######",
        "######",
    ],
    "T": [
        "######",
        "######",
        "..##..",
        "..##..",
        "..##..",
        "..##..",
        "..##..",
        "..##..",
        "..##..",
    ],
    "O": [
        ".####.",
        "######",
        "##..##",
        "##..##",
        "##..##",
        "##..##",
        "##..##",
        "######",
        ".####.",
    ],
    "B": [
        "#####.",
        "######",
        "##..##",
        "##..##",
        "#####.",
        "##..##",
        "##..##",
        "######",
        "#####.",
    ],
    "A": [
        ".####.",
        "######",
        "##..##",
        "##..##",
        "######",
        "##..##",
        "##..##",
        "##..##",
        "##..##",
    ],
    "D": [
        "####..",
        "#####.",
        "##.###",
        "##..##",
        "##..##",
        "##..##",
        "##.###",
        "#####.",
        "####..",
    ],
}


def bitmap(word: str, gap: int = 1) -> list[list[bool]]:
    height = max(len(g) for g in FONT.values())
    rows: list[list[bool]] = [[] for _ in range(height)]
    for k, letter in enumerate(word):
        glyph = FONT[letter]
        for y in range(height):
            if k:
                rows[y].extend([False] * gap)
            rows[y].extend(ch == "#" for ch in glyph[y])
    return rows


def half_block_cell(top: int | None, bottom: int | None) -> Cell:
    """One text cell showing two stacked pixels, each a colour or None (empty)."""
    if top is None and bottom is None:
        return BLANK
    if bottom is None:
        return Cell("▀", top)
    if top is None:
        return Cell("▄", bottom)
    if top == bottom:
        return Cell("█", top)
    if bottom < 8:
        return Cell("▀", top, bottom)
    if top < 8:
        return Cell("▄", bottom, top)
    return Cell("▀", top, bottom % 8)  # both bright: the nearest we have


def logo(word: str, gradient: Sequence[int], shadow: int) -> list[Row]:
    """Big letters with a vertical colour gradient and a drop shadow (1 column, 1 pixel down)."""
    bits = bitmap(word)
    h, w = len(bits) + 1, len(bits[0]) + 1  # room for the shadow
    pix: list[list[int | None]] = [[None] * w for _ in range(h + h % 2)]
    for y, line in enumerate(bits):
        for x, on in enumerate(line):
            if on:
                pix[y][x] = gradient[y]
    for y, line in enumerate(bits):
        for x, on in enumerate(line):
            if on and pix[y + 1][x + 1] is None:
                pix[y + 1][x + 1] = shadow
    return [
        [half_block_cell(pix[y][x], pix[y + 1][x]) for x in range(w)] for y in range(0, len(pix), 2)
    ]


# ---- the pictures ---------------------------------------------------------------------------

EDGE = [DGREY, BLUE, BLUE]  # ░▒▓ fading in from the dark


def rule(width: int, ch: str, color: int = BLUE) -> Row:
    """A horizontal bar with shaded ends: ░▒▓▀▀▀...▀▀▀▓▒░."""
    inner = width - 6
    return fade("░▒▓", EDGE) + [Cell(ch, color)] * inner + fade("▓▒░", mirror(EDGE))


def welcome() -> list[Row]:
    width = 78
    word = logo("RETROBOARD", [WHITE, WHITE, LCYAN, LCYAN, LCYAN, CYAN, CYAN, CYAN, CYAN], BLUE)
    tagline = (
        text("A ", GREY)
        + text("BBS", WHITE)
        + text(" and ", GREY)
        + text("Usenet", WHITE)
        + text(" board ", GREY)
        + text("──", BLUE)
        + text(" telnet ", LCYAN)
        + text("&", GREY)
        + text(" ssh ", LCYAN)
        + text("──", BLUE)
        + text(" est. ", GREY)
        + text("2026", YELLOW)
    )
    rows = [rule(width, "▀"), []]
    rows += [center(r, width) for r in word]
    rows += [
        center(
            fade("·" * 13, [DGREY])
            + text(" dial in · read · post ", DGREY)
            + fade("·" * 13, [DGREY]),
            width,
        ),
        center(tagline, width),
        rule(width, "▄"),
    ]
    return rows


def goodbye() -> list[Row]:
    width = 60
    inner = width - 10
    box = LBLUE

    def boxed(content: Row) -> Row:
        return (
            pad(4)
            + text("║", box)
            + pad(2)
            + content
            + pad(inner - 4 - len(content))
            + pad(2)
            + text("║", box)
        )

    # No board name and no NO CARRIER here: the goodbye screen prints the board's own name
    # (any sysop's board uses this art) and NO CARRIER once, as text.
    later = text("Hang up, have a coffee, and dial back soon.", GREY)
    return [
        rule(width, "▀"),
        pad(4) + text("╔" + "═" * (inner) + "╗", box),
        boxed(later),
        pad(4) + text("╚" + "═" * (inner) + "╝", box),
        rule(width, "▄"),
        [],
        pad(4) + text("ATH0", DGREY),
    ]


def menu_header() -> list[Row]:
    width = 60
    title = text(" M A I N   M E N U ", WHITE, BLUE)
    bar_fill = width - 2 - 6 - len(title) - len(" retroboard ")
    return [
        pad(3) + text("▄" * (width - 6), BLUE),
        text("░▒▓", BLUE)
        + [Cell(" ", None, BLUE)]
        + title
        + text(" " * bar_fill, None, BLUE)
        + text(" retroboard ", LCYAN, BLUE)
        + [Cell(" ", None, BLUE)]
        + text("▓▒░", BLUE),
        pad(3) + text("▀" * (width - 6), BLUE),
    ]


ARTS = {
    "welcome": ("retroboard welcome", welcome),
    "goodbye": ("retroboard goodbye", goodbye),
    "menu_header": ("retroboard main menu", menu_header),
}


# ---- encoding --------------------------------------------------------------------------------


def encode_rows(rows: Iterable[Row]) -> str:
    """Rows of cells to ANSI text: SGR only where the style changes, ESC[0m CRLF per line."""
    out: list[str] = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1].blank:
            cells.pop()
        assert len(cells) <= MAX_COLS, f"line is {len(cells)} columns wide"
        parts: list[str] = []
        style = BLANK
        for cell in cells:
            key = Cell(" ", cell.fg, cell.bg)
            if cell.blank:
                key = BLANK
            if key != style:
                parts.append(key.sgr())
                style = key
            parts.append(cell.ch)
        out.append("".join(parts) + "\x1b[0m\r\n")
    return "".join(out)


def sauce_record(title: str, filesize: int, width: int, lines: int) -> bytes:
    """EOF byte + a 128-byte SAUCE00 record: Character/ANSi, no comments."""

    def fixed(s: str, n: int) -> bytes:
        raw = s.encode("cp437")
        assert len(raw) <= n
        return raw.ljust(n, b" ")

    record = struct.pack(
        "<5s2s35s20s20s8sIBBHHHHBB22s",
        b"SAUCE",
        b"00",
        fixed(title, 35),
        fixed(AUTHOR, 20),
        fixed(GROUP, 20),
        ART_DATE.encode("ascii"),
        filesize,
        1,  # DataType: Character
        1,  # FileType: ANSi
        80,  # TInfo1: width
        lines,  # TInfo2: number of lines
        0,
        0,
        0,  # no comment lines
        0,  # TFlags
        b"IBM VGA",
    )
    assert len(record) == 128
    return b"\x1a" + record


def build(name: str) -> bytes:
    title, draw = ARTS[name]
    rows = draw()
    body = encode_rows(rows).encode("cp437")
    return body + sauce_record(title, len(body), 80, len(rows))


def main(argv: Sequence[str]) -> int:
    check = "--check" in argv
    stale: list[Path] = []
    for name in ARTS:
        data = build(name)
        for folder in OUT_DIRS:
            path = folder / f"{name}.ans"
            if path.exists() and path.read_bytes() == data:
                continue
            if check:
                stale.append(path)
            else:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                print(f"wrote {path} ({len(data)} bytes)")
    for path in stale:
        print(f"out of date: {path} (run ansi_art/make_art.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

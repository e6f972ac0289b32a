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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIRS = (HERE, HERE.parent / "src" / "retroboard" / "art")

# Fixed, so that regenerating gives byte-identical files (the SAUCE "date of creation").
ART_DATE = "20261202"
AUTHOR = GROUP = "retroboard"
MAX_COLS = 79  # an 80th column would make ANSI.SYS wrap before our CR LF
WIDTH = 78  # the screens: one spare column also on a 79-column window

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
    "G": [
        ".#####",
        "######",
        "##....",
        "##....",
        "##.###",
        "##..##",
        "##..##",
        "######",
        ".####.",
    ],
    "Y": [
        "##..##",
        "##..##",
        "##..##",
        "######",
        ".####.",
        "..##..",
        "..##..",
        "..##..",
        "..##..",
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


def bitmap(word: str, gap: int = 1, font: dict[str, list[str]] | None = None) -> list[list[bool]]:
    font = FONT if font is None else font
    height = max(len(g) for g in font.values())
    rows: list[list[bool]] = [[] for _ in range(height)]
    for k, letter in enumerate(word):
        glyph = font[letter]
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


def logo(
    word: str, gradient: Sequence[int], shadow: int, font: dict[str, list[str]] | None = None
) -> list[Row]:
    """Big letters with a vertical colour gradient and a drop shadow (1 column, 1 pixel down)."""
    bits = bitmap(word, font=font)
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


# ---- the small font: 4-5 x 6 pixel letters, 3 text rows, for the screens' titles -------------

SMALL: dict[str, list[str]] = {
    "A": [".##.", "#..#", "#..#", "####", "#..#", "#..#"],
    "B": ["###.", "#..#", "###.", "#..#", "#..#", "###."],
    "C": [".###", "#...", "#...", "#...", "#...", ".###"],
    "D": ["###.", "#..#", "#..#", "#..#", "#..#", "###."],
    "E": ["####", "#...", "###.", "#...", "#...", "####"],
    "F": ["####", "#...", "###.", "#...", "#...", "#..."],
    "G": [".###", "#...", "#.##", "#..#", "#..#", ".###"],
    "H": ["#..#", "#..#", "####", "#..#", "#..#", "#..#"],
    "I": ["###", ".#.", ".#.", ".#.", ".#.", "###"],
    "L": ["#...", "#...", "#...", "#...", "#...", "####"],
    "M": ["#...#", "##.##", "#.#.#", "#...#", "#...#", "#...#"],
    "N": ["#..#", "##.#", "#.##", "#..#", "#..#", "#..#"],
    "O": [".##.", "#..#", "#..#", "#..#", "#..#", ".##."],
    "R": ["###.", "#..#", "###.", "#.#.", "#..#", "#..#"],
    "S": [".###", "#...", ".##.", "...#", "...#", "###."],
    "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#.."],
    "U": ["#..#", "#..#", "#..#", "#..#", "#..#", ".##."],
    "W": ["#...#", "#...#", "#...#", "#.#.#", "##.##", "#...#"],
    "Y": ["#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
    "'": ["#", "#", ".", ".", ".", "."],
    "-": ["...", "...", "###", "...", "...", "..."],
    " ": ["..", "..", "..", "..", "..", ".."],
}


def small_title(word: str, gradient: Sequence[int], shadow: int) -> list[Row]:
    """A title in the small font: 3 rows, a colour per pixel row and a drop shadow."""
    return logo(word, gradient, shadow, SMALL)[:3]  # the shadow under the last row is cut


def title_width(word: str) -> int:
    return len(small_title(word, [WHITE] * 6, BLUE)[0])


# ---- a canvas to compose a screen on ----------------------------------------------------------


class Canvas:
    """A fixed grid of cells (WIDTH wide) that pictures are painted onto, back to front."""

    def __init__(self, height: int, width: int = WIDTH) -> None:
        self.width, self.height = width, height
        self.grid: list[Row] = [[BLANK] * width for _ in range(height)]

    def set(self, x: int, y: int, cell: Cell) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.grid[y][x] = cell

    def get(self, x: int, y: int) -> Cell:
        return self.grid[y][x]

    def text(self, x: int, y: int, s: str, fg: int | None, bg: int | None = None) -> None:
        for i, ch in enumerate(s):
            self.set(x + i, y, Cell(ch, fg, bg))

    def paste(self, x: int, y: int, rows: Sequence[Row], opaque: bool = False) -> None:
        """Rows of cells with their top left at (x, y); blank cells let what is below show."""
        for dy, row in enumerate(rows):
            for dx, cell in enumerate(row):
                if opaque or not cell.blank:
                    self.set(x + dx, y + dy, cell)

    def fill(self, x: int, y: int, w: int, h: int, cell: Cell) -> None:
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                self.set(xx, yy, cell)

    def centre(self, rows: Sequence[Row]) -> int:
        return max(0, (self.width - max(len(r) for r in rows)) // 2)

    def rows(self) -> list[Row]:
        return [list(r) for r in self.grid]


class Dice:
    """A tiny fixed LCG: the 'random' stars and windows are the same on every run and Python."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0x7FFFFFFF

    def below(self, n: int) -> int:
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % n


# ---- the pieces every screen is made of ------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A screen's colours: the title's pixel-row gradient and shadow, the frame and accents."""

    gradient: tuple[int, ...]  # 6 colours, top to bottom (pairs share a text row)
    shadow: int  # 0-7, so that it can be a background under a bright pixel
    frame: int  # bright colour of borders and bars
    dark: int  # 0-7: the panels' background and the dark end of the ramps
    accent: int  # bright: highlights in the text


def ramp_bar(c: Canvas, y: int, theme: Theme, ch: str) -> None:
    """A full-width bar of `ch` with ░▒▓ ends fading in from the dark."""
    edge = [DGREY, theme.dark, theme.dark]
    row = fade("░▒▓", edge) + [Cell(ch, theme.frame)] * (c.width - 6) + fade("▓▒░", edge[::-1])
    c.paste(0, y, [row], opaque=True)


def shade_band(c: Canvas, y: int, theme: Theme, step: int) -> None:
    """A row of shading that darkens towards the screen's edges (░▒▓█ colour ramps)."""
    ramp = ["█", "▓", "▒", "░"]
    mid = c.width // 2
    for x in range(c.width):
        k = min(3, (abs(x - mid) * 4) // (mid + 1) + step)
        c.set(x, y, Cell(ramp[k], theme.frame if k < 2 else theme.dark))


def stars(c: Canvas, y0: int, y1: int, seed: int, density: int = 9) -> None:
    dice = Dice(seed)
    for y in range(y0, y1):
        for x in range(c.width):
            roll = dice.below(density * 10)
            if roll < 7:
                ch, fg = (".", DGREY) if roll < 4 else ("·", GREY) if roll < 6 else ("*", WHITE)
                c.set(x, y, Cell(ch, fg))


def skyline(
    c: Canvas,
    base: int,
    tallest: int,
    seed: int,
    body: int,
    lit: int,
    low: tuple[int, int] = (0, 0),
) -> None:
    """Buildings standing on row `base` (exclusive), at most `tallest` rows, with lit windows;
    every other one in a darker, shaded brick, and only low ones in the columns `low`."""
    dice = Dice(seed)
    x = 0
    k = 0
    while x < c.width:
        w = 3 + dice.below(6)
        h = 1 + dice.below(tallest)
        if x + w > low[0] and x < low[1]:
            h = min(h, 2)
        top = base - h
        wall = Cell(" ", None, body) if k % 2 == 0 else Cell("░", BLACK, body)
        k += 1
        for yy in range(top, base):
            for xx in range(x, min(x + w, c.width)):
                window = (xx - x) % 2 == 1 and xx < x + w - 1 and dice.below(3) == 0
                c.set(xx, yy, Cell("■", lit, body) if window else wall)
        for xx in range(x, min(x + w, c.width)):  # a half-block roof line: towers look rounded
            if top - 1 >= 0 and c.get(xx, top - 1).blank:
                c.set(xx, top - 1, Cell("▄", body))
        if h == tallest and top - 2 >= 0:  # the tallest carry an aerial
            c.set(x + w // 2, top - 2, Cell("│", DGREY))
            c.set(x + w // 2, top - 3, Cell("∙", LRED))
        x += w + dice.below(2)


def panel(c: Canvas, x: int, y: int, w: int, lines: Sequence[Row], theme: Theme) -> None:
    """A double-line frame on the theme's dark background with `lines` inside."""
    bg = theme.dark
    c.text(x, y, "╔" + "═" * (w - 2) + "╗", theme.frame, bg)
    for i, line in enumerate(lines):
        yy = y + 1 + i
        c.text(x, yy, "║" + " " * (w - 2) + "║", theme.frame, bg)
        c.paste(x + 2, yy, [[Cell(k.ch, k.fg, bg) for k in line]], opaque=True)
    c.text(x, y + 1 + len(lines), "╚" + "═" * (w - 2) + "╝", theme.frame, bg)


def words(*parts: tuple[str, int]) -> Row:
    """Text in several colours: words(("read", WHITE), (" · ", DGREY), ...)."""
    out: Row = []
    for s, fg in parts:
        out += [Cell(ch, fg) for ch in s]
    return out


def dotted(items: Sequence[str], fg: int, sep: int = DGREY) -> Row:
    out: Row = []
    for i, item in enumerate(items):
        if i:
            out += words((" · ", sep))
        out += words((item, fg))
    return out


def centred(c: Canvas, y: int, row: Row) -> None:
    c.paste(c.centre([row]), y, [row])


def credit(c: Canvas, y: int, screen: str, theme: Theme, left: Row | None = None) -> None:
    """The bottom line: the board's group tag and the art credit, as art groups signed theirs."""
    tag = (
        fade("░▒▓", [DGREY, theme.dark, theme.dark])
        + words((" retroboard ", theme.accent))
        + fade("▓▒░", [theme.dark, theme.dark, DGREY])
        + words((" ─── ", DGREY), (screen, GREY), (" ─── ", DGREY))
        + words(("ansi by retroboard", DGREY), (" · ", DGREY), ("cc0", GREY), (" · ", DGREY))
        + words(("2026", theme.accent))
    )
    if left:
        c.paste(1, y, [left])
    c.paste(c.width - len(tag) - 1, y, [tag])


def title(c: Canvas, y: int, word: str, theme: Theme, subtitle: Row | None = None) -> None:
    """The screen's name in the small font, centred, between two ░▒▓ ramps pointing at it."""
    rows = small_title(word, theme.gradient, theme.shadow)
    x = c.centre(rows)
    c.paste(x, y, rows)
    span = len(rows[0])
    if x < 6 or x + span + 5 > c.width:
        span = -1  # a long title: no room for the ramps
    for dy in range(3 if span > 0 else 0):
        for k, ch in enumerate("░▒▓"):
            colour = theme.dark if dy != 1 else theme.frame
            c.set(x - 6 + k, y + dy, Cell(ch, colour))
            c.set(x + span + 4 - k, y + dy, Cell(ch, colour))
    if subtitle:
        centred(c, y + 3, subtitle)


def ground(c: Canvas, y: int, theme: Theme) -> None:
    """Two rows under the picture: a horizon of half blocks, then shading to the edges."""
    for x in range(c.width):
        c.set(x, y, Cell("▀", theme.frame if x % 9 else WHITE, theme.dark))
    shade_band(c, y + 1, theme, 1)


# ---- the screens -------------------------------------------------------------------------------

CYAN_T = Theme((WHITE, WHITE, LCYAN, LCYAN, CYAN, CYAN), BLUE, LBLUE, BLUE, LCYAN)
ROSE_T = Theme((WHITE, WHITE, YELLOW, YELLOW, LRED, LRED), MAGENTA, LMAGENTA, MAGENTA, YELLOW)
GREEN_T = Theme((WHITE, WHITE, LGREEN, LGREEN, GREEN, GREEN), BLUE, LGREEN, GREEN, YELLOW)
MAIL_T = Theme((WHITE, WHITE, LCYAN, LCYAN, LBLUE, LBLUE), BLUE, LBLUE, BLUE, LRED)
CHAT_T = Theme((WHITE, WHITE, LMAGENTA, LMAGENTA, MAGENTA, MAGENTA), BLUE, LMAGENTA, MAGENTA, LCYAN)
WHO_T = Theme((WHITE, WHITE, LCYAN, LCYAN, LGREEN, LGREEN), BLUE, LCYAN, CYAN, LGREEN)
DUSK_T = Theme((YELLOW, YELLOW, YELLOW, LRED, LRED, RED), MAGENTA, LMAGENTA, MAGENTA, YELLOW)


def welcome() -> list[Row]:
    """The logon screen: the logo over a night sky, the city below, what the board holds."""
    t = CYAN_T
    c = Canvas(17)
    stars(c, 1, 13, seed=1989)
    skyline(c, 13, 4, seed=42, body=BLUE, lit=YELLOW, low=(62, 72))
    c.paste(64, 8, [words(("▄██▄", YELLOW)), words(("▀██▀", YELLOW))], opaque=True)  # the moon
    c.fill(0, 0, c.width, 8, BLANK)
    stars(c, 1, 8, seed=1989)
    ramp_bar(c, 0, t, "▀")
    word = logo("RETROBOARD", [WHITE, WHITE, LCYAN, LCYAN, LCYAN, CYAN, CYAN, CYAN, CYAN], BLUE)
    c.paste(c.centre(word), 1, word, opaque=True)
    dots = (
        fade("·" * 13, [DGREY])
        + words((" dial in · read · post ", DGREY))
        + fade("·" * 13, [DGREY])
    )
    tagline = words(
        ("A ", GREY), ("BBS", WHITE), (" and ", GREY), ("Usenet", WHITE), (" board ", GREY),
        ("──", BLUE), (" telnet ", LCYAN), ("&", GREY), (" ssh ", LCYAN), ("──", BLUE),
        (" est. ", GREY), ("2026", YELLOW),
    )  # fmt: skip
    c.fill(0, 6, c.width, 2, BLANK)
    centred(c, 6, dots)
    centred(c, 7, tagline)
    ground(c, 13, t)
    panel(
        c,
        4,
        13,
        c.width - 8,
        [dotted(["message groups", "e-mail", "teleconference", "one-liners", "bulletins"], WHITE)],
        t,
    )
    credit(c, 16, "logon", t)
    return c.rows()


def newuser() -> list[Row]:
    """Before the application form: a title, a terminal waiting for a handle, the three steps."""
    t = ROSE_T
    c = Canvas(13)
    ramp_bar(c, 0, t, "▀")
    rows = small_title("NEW USER", t.gradient, t.shadow)
    c.paste(4, 1, rows)
    for dy in range(3):
        c.text(1, 1 + dy, "▓▒░"[dy], t.frame if dy == 1 else t.dark)
    c.paste(4, 4, [words(("── pull up a chair, you're new here ──", GREY))])
    # a terminal on the right: bezel, a blue screen with a prompt, a keyboard
    mx, my, mw = 52, 1, 24
    c.text(mx, my, "▄" * mw, GREY)
    for dy, line in enumerate(["CALLER: NEW", "HANDLE:", "PASSWORD:"]):
        c.text(mx, my + 1 + dy, "█", GREY)
        c.text(mx + 1, my + 1 + dy, " " + line.ljust(mw - 3), LCYAN, BLUE)
        c.text(mx + mw - 1, my + 1 + dy, "█", GREY)
    c.text(mx + 10, my + 2, " ", None, BLUE)
    c.text(mx + 10, my + 2, "█", LCYAN, BLUE)  # the cursor, waiting
    c.text(mx, my + 4, "▀" * mw, GREY)
    c.text(mx + 8, my + 5, "▄▄██▄▄▄▄", DGREY)
    c.text(mx - 1, my + 6, "▄" + "▄" * mw + "▄", DGREY)
    c.text(mx - 1, my + 7, "█" + "▒░" * (mw // 2) + "█", DGREY, BLACK)
    c.text(mx - 1, my + 8, "▀" * (mw + 2), DGREY)
    panel(
        c,
        2,
        5,
        46,
        [
            words((" 1 ", YELLOW), ("░ ", t.frame), ("a handle others will know you by", WHITE)),
            words((" 2 ", YELLOW), ("▒ ", t.frame), ("a password, typed twice", WHITE)),
            words((" 3 ", YELLOW), ("▓ ", t.frame), ("your name and town, if you like", WHITE)),
        ],
        t,
    )
    ground(c, 10, t)
    credit(c, 12, "new user", t)
    return c.rows()


def mainmenu() -> list[Row]:
    """Above the main menu on a tall screen: the title over the city at night."""
    t = CYAN_T
    c = Canvas(14)
    stars(c, 1, 11, seed=7)
    skyline(c, 11, 6, seed=2400, body=BLUE, lit=YELLOW, low=(2, 12))
    c.paste(5, 6, [words(("▄██▄", YELLOW)), words(("▀██▀", YELLOW))], opaque=True)
    ramp_bar(c, 0, t, "▀")
    c.fill(0, 1, c.width, 4, BLANK)
    title(c, 1, "MAIN MENU", t, words(("── where every call begins ──", GREY)))
    ground(c, 11, t)
    credit(c, 13, "main menu", t)
    return c.rows()


def cork_note(c: Canvas, x: int, y: int, name: str, lines: int, pin: int) -> None:
    """A paper note pinned to the cork board: a name and a few scribbled lines."""
    w = 14
    c.fill(x, y, w, 2 + lines, Cell(" ", None, GREY))
    c.set(x + w // 2, y, Cell("■", pin, GREY))
    c.text(x + 1, y + 1, name.center(w - 2), BLACK, GREY)
    for k in range(lines):
        c.text(x + 2, y + 2 + k, "─" * (w - 4 - (k * 3) % 5), DGREY, GREY)
    c.text(x + 1, y + 2 + lines, "▀" * w, BLACK, BROWN)  # its shadow on the cork


def areas() -> list[Row]:
    """The message areas: a cork board of pinned notes, one per kind of group."""
    t = GREEN_T
    c = Canvas(23)
    ramp_bar(c, 0, t, "▀")
    title(c, 1, "MESSAGE AREAS", t, words(("── read it, reply to it, start a thread ──", GREY)))
    bx, by, bw, bh = 4, 5, c.width - 8, 12
    c.text(bx, by, "▄" * bw, BROWN)
    for yy in range(by + 1, by + bh - 1):
        c.text(bx, yy, "█", BROWN)
        c.text(bx + bw - 1, yy, "█", BROWN)
        for xx in range(bx + 1, bx + bw - 1):
            c.set(xx, yy, Cell("░▒"[(xx + yy) % 7 == 0], YELLOW, BROWN))
    c.text(bx, by + bh - 1, "▀" * bw, BROWN)
    notes = [
        ("comp.*", 3, LRED),
        ("misc.*", 2, LBLUE),
        ("local.*", 4, LGREEN),
        ("net.*", 3, YELLOW),
    ]
    for k, (name, lines, pin) in enumerate(notes):
        cork_note(c, bx + 3 + k * 17, by + 2 + (k % 2), name, lines, pin)
    panel(
        c,
        8,
        17,
        c.width - 16,
        [dotted(["subscribe", "new-scan", "threads", "follow-ups", "post"], WHITE)],
        t,
    )
    ground(c, 20, t)
    credit(c, 22, "message areas", t)
    return c.rows()


def envelope(c: Canvas, x: int, y: int, w: int, h: int) -> None:
    """An airmail envelope: a striped border, a flap in stepped half blocks, a stamp."""
    for xx in range(x, x + w):
        for yy in (y, y + h - 1):
            c.set(xx, yy, Cell("▄" if yy == y else "▀", (LRED, LBLUE)[(xx // 3) % 2]))
    for yy in range(y + 1, y + h - 1):
        for xx in (x, x + w - 1):
            c.set(xx, yy, Cell("█", (LRED, LBLUE)[(yy // 1) % 2]))
        c.fill(x + 1, yy, w - 2, 1, Cell(" ", None, GREY))
    half, pixels = (w - 2) // 2, 2 * (h - 3)
    for p in range(pixels):  # the flap: two diagonals of half blocks meeting in the middle
        yy = y + 1 + p // 2
        a, b = p * half // pixels, max(p * half // pixels + 1, (p + 1) * half // pixels)
        for off in range(a, b):
            for xx in (x + 1 + off, x + w - 2 - off):
                old = c.get(xx, yy).ch
                ch = "▀" if p % 2 == 0 else ("█" if old == "▀" else "▄")
                c.set(xx, yy, Cell(ch, DGREY, GREY))
    c.fill(x + w - 9, y + 1, 6, 3, Cell(" ", None, RED))
    c.text(x + w - 8, y + 2, "20¢", YELLOW, RED)
    c.text(x + w - 17, y + 2, "≈≈≈≈≈", DGREY, GREY)
    c.text(x + 6, y + h - 3, "to: you, on this board", BLACK, GREY)
    c.text(x + 6, y + h - 2, "────────────────────", DGREY, GREY)


def mail() -> list[Row]:
    """Private letters: an airmail envelope with a stamp, a mailbox beside it."""
    t = MAIL_T
    c = Canvas(23)
    stars(c, 4, 17, seed=1984, density=14)
    ramp_bar(c, 0, t, "▀")
    c.fill(0, 1, c.width, 4, BLANK)
    title(c, 1, "E-MAIL", t, words(("── letters for your eyes only ──", GREY)))
    envelope(c, 6, 6, 46, 10)
    # the mailbox on its post, flag up: you've got mail
    mx = 60
    c.text(mx, 7, "▄██████▄", LBLUE)
    for yy in (8, 9, 10):
        c.text(mx, yy, "█", LBLUE)
        c.text(mx + 1, yy, "      ", None, BLUE)
        c.text(mx + 7, yy, "█", LBLUE)
    c.text(mx + 2, 9, "MAIL", WHITE, BLUE)
    c.text(mx, 11, "▀▀▀▀▀▀▀▀", LBLUE)
    c.text(mx + 9, 6, "▄▄", LRED)
    c.text(mx + 8, 7, "█▀▀", LRED)
    c.text(mx + 8, 8, "█", LRED)
    for yy in range(12, 17):
        c.text(mx + 3, yy, "██", BROWN)
    panel(
        c,
        8,
        17,
        c.width - 16,
        [dotted(["inbox", "reply", "reply to all", "carbon copies", "sent letters"], WHITE)],
        t,
    )
    ground(c, 20, t)
    credit(c, 22, "e-mail", t)
    return c.rows()


def bubble(c: Canvas, x: int, y: int, line: Row, bg: int, tail_left: bool) -> None:
    """A speech bubble in half blocks around one line of talk, its tail under one end."""
    w = len(line) + 4
    c.text(x + 1, y, "▄" * (w - 2), bg)
    c.fill(x + 1, y + 1, w - 2, 1, Cell(" ", None, bg))
    c.set(x, y + 1, Cell("▐", bg))
    c.set(x + w - 1, y + 1, Cell("▌", bg))
    c.paste(x + 2, y + 1, [[Cell(k.ch, k.fg, bg) for k in line]], opaque=True)
    c.text(x + 1, y + 2, "▀" * (w - 2), bg)
    tail = x + 4 if tail_left else x + w - 5
    c.text(tail, y + 2, "█", bg)
    c.text(tail - 1 if tail_left else tail + 1, y + 3, "▀", bg)


def teleconference() -> list[Row]:
    """The teleconference: speech bubbles from callers on either side of the room."""
    t = CHAT_T
    c = Canvas(23)
    ramp_bar(c, 0, t, "▀")
    title(c, 1, "TELECONFERENCE", t, words(("── the lounge is open, pull up a chair ──", GREY)))
    talk = [
        (4, 5, words(("<sysop> ", YELLOW), ("welcome to the lounge!", WHITE)), BLUE, True),
        (30, 8, words(("<ada> ", YELLOW), ("who is up for Trade Wars tonight", WHITE)), MAGENTA, False),
        (8, 11, words(("* bob waves at everyone on node 3", LCYAN)), BLUE, True),
        (36, 14, words(("<carol> ", YELLOW), ("2400 baud and proud", WHITE)), MAGENTA, False),
    ]  # fmt: skip
    for x, y, line, bg, left in talk:
        bubble(c, x, y, line, bg, left)
    panel(
        c,
        8,
        17,
        c.width - 16,
        [dotted(["type to talk", "/me to act", "/who is here", "/help", "/quit"], WHITE)],
        t,
    )
    ground(c, 20, t)
    credit(c, 22, "teleconference", t)
    return c.rows()


def node(c: Canvas, x: int, y: int, number: int, busy: bool, dice: Dice) -> None:
    """One node: a monitor with a caller (or the wait for one) and its modem's lights."""
    w = 15
    c.text(x, y, "▄" * w, GREY)
    for dy in range(1, 5):
        c.text(x, y + dy, "█", GREY)
        c.fill(x + 1, y + dy, w - 2, 1, Cell(" ", None, BLACK if not busy else BLUE))
        c.text(x + w - 1, y + dy, "█", GREY)
    c.text(x, y + 5, "▀" * w, GREY)
    label = f"NODE {number}"
    c.text(x + (w - len(label)) // 2, y + 1, label, YELLOW, BLUE if busy else BLACK)
    if busy:
        for dy in (2, 3):
            n = 4 + dice.below(7)
            c.text(x + 2, y + dy, "─" * n, LCYAN, BLUE)
        c.text(x + 2, y + 4, "_", WHITE, BLUE)
    else:
        c.text(x + 2, y + 3, "waiting...", DGREY, BLACK)
    c.text(x + 6, y + 6, "▀▀▀", DGREY)
    c.text(x + 1, y + 7, "▄" * (w - 2), DGREY)
    c.fill(x + 1, y + 8, w - 2, 1, Cell(" ", None, GREY))
    for k, lit in enumerate((LGREEN, LRED if busy else DGREY, YELLOW if busy else DGREY)):
        c.text(x + 3 + k * 3, y + 8, "■", lit if lit != DGREY else BLACK, GREY)
    c.text(x + w // 2, y + 9, "│", DGREY)


def whosonline() -> list[Row]:
    """Who's online: four nodes side by side, three with a caller, on one phone line."""
    t = WHO_T
    c = Canvas(23)
    ramp_bar(c, 0, t, "▀")
    title(c, 1, "WHO'S ONLINE", t, words(("── every node, every caller, right now ──", GREY)))
    dice = Dice(1200)
    for k in range(4):
        node(c, 3 + k * 19, 5, k + 1, busy=k != 2, dice=dice)
    line = [Cell("─", DGREY)] * (c.width - 6)
    c.paste(3, 15, [line])
    for k in range(4):
        c.set(3 + k * 19 + 7, 15, Cell("┴", DGREY))
    c.text(c.width - 12, 15, "┤ PHONE CO.", DGREY)
    panel(
        c,
        8,
        17,
        c.width - 16,
        [dotted(["handle", "where from", "doing what", "idle how long"], WHITE)],
        t,
    )
    ground(c, 20, t)
    credit(c, 22, "who's online", t)
    return c.rows()


def sunset(c: Canvas, cx: int, horizon: int, radius: int) -> None:
    """A striped sun sinking behind the horizon row: a half disc of square half-block pixels
    (`radius` pixels high, twice as many columns wide), the lower bands cut by the sky."""
    colours = [YELLOW, YELLOW, YELLOW, YELLOW, LRED, LRED, RED, RED, MAGENTA, MAGENTA]
    gaps = {6, 8}  # pixel rows left out: the stripes

    def pixel(x: int, p: int) -> int | None:
        if p in gaps or not 0 <= p < radius:
            return None
        dy = radius - p - 0.5
        dx = x - cx + 0.5
        if dx * dx + dy * dy > radius * radius:
            return None
        return colours[min(len(colours) - 1, p * len(colours) // radius)]

    rows = (radius + 1) // 2
    for k in range(rows):
        y = horizon - rows + k
        for x in range(cx - radius, cx + radius + 1):
            top, bottom = pixel(x, 2 * k), pixel(x, 2 * k + 1)
            if top is not None or bottom is not None:
                c.set(x, y, half_block_cell(top, bottom))


def floor(c: Canvas, y0: int, y1: int, cx: int, line: int, glow: int) -> None:
    """A perspective grid running from the horizon towards the caller."""
    for y in range(y0, y1):
        depth = y - y0 + 1
        for x in range(c.width):
            c.set(x, y, Cell("─", line) if depth % 2 == 1 else BLANK)
        for k in range(-12, 13):
            x = cx + k * 4 * depth
            ch = "│" if k == 0 else "/" if k < 0 else "\\"
            c.set(x, y, Cell(ch, glow))


def goodbye() -> list[Row]:
    """The goodbye: the word over a sun going down, and a modem hanging up."""
    t = DUSK_T
    c = Canvas(19)
    stars(c, 1, 11, seed=300)
    ramp_bar(c, 0, t, "▀")
    word = logo("GOODBYE", [WHITE, WHITE, YELLOW, YELLOW, LRED, LRED, LRED, LRED, RED], MAGENTA)
    c.fill(0, 1, c.width, 5, BLANK)
    c.paste(c.centre(word), 1, word)
    sunset(c, c.width // 2, 11, 10)
    for x in range(c.width):
        c.set(x, 11, Cell("▀", LMAGENTA, MAGENTA))
    floor(c, 12, 15, c.width // 2, MAGENTA, LMAGENTA)
    # No board name and no NO CARRIER here: the goodbye screen prints the board's own name
    # (any sysop's board uses this art) and NO CARRIER once, as text.
    bye = words(("Hang up, have a coffee, and dial back soon.", WHITE))
    panel(c, 8, 15, c.width - 16, [bye], t)
    credit(c, 18, "goodbye", t, left=words(("+++", DGREY), (" ATH0", GREY)))
    return c.rows()


def menu_header() -> list[Row]:
    width = 60
    title_text = text(" M A I N   M E N U ", WHITE, BLUE)
    bar_fill = width - 2 - 6 - len(title_text) - len(" retroboard ")
    return [
        pad(3) + text("▄" * (width - 6), BLUE),
        text("░▒▓", BLUE)
        + [Cell(" ", None, BLUE)]
        + title_text
        + text(" " * bar_fill, None, BLUE)
        + text(" retroboard ", LCYAN, BLUE)
        + [Cell(" ", None, BLUE)]
        + text("▓▒░", BLUE),
        pad(3) + text("▀" * (width - 6), BLUE),
    ]


# name: (SAUCE title, the drawing, what the comment block says it is for)
ARTS: dict[str, tuple[str, Callable[[], list[Row]], str]] = {
    "welcome": ("retroboard logon", welcome, "The logon screen, above the handle prompt."),
    "newuser": ("retroboard new user", newuser, "Before the new-user application."),
    "mainmenu": ("retroboard main menu", mainmenu, "Above the main menu on tall screens."),
    "menu_header": ("retroboard main menu bar", menu_header, "Above the main menu."),
    "areas": ("retroboard message areas", areas, "Entering the message groups."),
    "mail": ("retroboard e-mail", mail, "Entering private mail."),
    "teleconference": ("retroboard teleconference", teleconference, "Entering the chat."),
    "whosonline": ("retroboard who's online", whosonline, "Entering who's online."),
    "goodbye": ("retroboard goodbye", goodbye, "The goodbye screen, before NO CARRIER."),
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
                if style.bg is None:  # a plain space looks the same in any foreground colour
                    parts.append(" ")
                    continue
                key = BLANK
            if key != style:
                parts.append(key.sgr())
                style = key
            parts.append(cell.ch)
        out.append("".join(parts) + "\x1b[0m\r\n")
    return "".join(out)


def comments(purpose: str) -> list[str]:
    """The SAUCE comment lines (64 characters each at most): what, who, the licence."""
    return [
        f"{purpose}",
        "Drawn for retroboard by ansi_art/make_art.py (a generator).",
        "CC0 1.0: dedicated to the public domain, free for any use.",
        "16 colours, no iCE colours; 80 columns, CP437, CR LF.",
    ]


def fixed(s: str, n: int) -> bytes:
    raw = s.encode("cp437")
    assert len(raw) <= n, s
    return raw.ljust(n, b" ")


def sauce_record(title: str, filesize: int, lines: int, notes: Sequence[str]) -> bytes:
    """EOF byte, a COMNT block and a 128-byte SAUCE00 record: Character/ANSi, 80 wide."""
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
        len(notes),  # comment lines in the COMNT block
        0,  # TFlags: no iCE colours (backgrounds 0-7 only), no letter-spacing or aspect hint
        b"IBM VGA",
    )
    assert len(record) == 128
    block = b"COMNT" + b"".join(fixed(line, 64) for line in notes) if notes else b""
    return b"\x1a" + block + record


def build(name: str) -> bytes:
    title, draw, purpose = ARTS[name]
    rows = draw()
    body = encode_rows(rows).encode("cp437")
    return body + sauce_record(title, len(body), len(rows), comments(purpose))


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

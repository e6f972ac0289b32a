"""ANSI art: SAUCE parsing, CP437 .ans loading, a hot-reloading name->file library, safe rendering.

The fit rule: art is drawn only when every visible cell fits the screen; letters are never
cropped (a caller shows its text title instead). Width variants `name.<cols>.ans` are picked
by the caller's width. iCE colours (SAUCE flag bit 0: blink means a bright background) are sent
per terminal as `ICE_BRIGHT`, `ICE_BLINK` or `ICE_DROP`; in art without the flag blink stays
blink (SGR 5).
"""

from __future__ import annotations

import logging
import os
import re
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

ESC = "\x1b"
RESET = "\x1b[0m"
EOF_BYTE = 0x1A  # DOS end-of-file marker; SAUCE metadata follows it
SAUCE_SIZE = 128
COMNT_ID = b"COMNT"
COMNT_LINE = 64
DEFAULT_WIDTH = 80  # ANSI.SYS wraps here when SAUCE gives no width
MAX_WIDTH = 400  # a SAUCE width above this is garbage; use DEFAULT_WIDTH
MAX_ROWS = 1000  # canvas bound: cursor moves in a hostile file cannot grow memory without limit
MAX_ART_BYTES = 1 << 20  # load_art refuses bigger files
CHECK_INTERVAL = 3.0  # seconds between two looks at the art folders for new or changed files
SAUCE_ICE = 0x01  # TFlags bit 0: non-blink mode, blink means a bright background (iCE colours)

# How iCE art's "blink" (= bright background) reaches a terminal:
ICE_BRIGHT = "bright"  # as an aixterm bright background, SGR 100-107 (xterm, UTF-8 callers)
ICE_BLINK = "blink"  # as SGR 5 inside CSI ?33h ... CSI ?33l (SyncTERM's iCE mode)
ICE_DROP = "drop"  # as the normal background (a CP437 client that may not know iCE)
ICE_MODES = (ICE_BRIGHT, ICE_BLINK, ICE_DROP)
ICE_ON, ICE_OFF = "\x1b[?33h", "\x1b[?33l"
ICE_TERMS = ("syncterm",)  # terminal types known to honour CSI ?33h

# ID "SAUCE", version "00", title, author, group, date, filesize, datatype, filetype,
# tinfo1..4, comment lines, flags, tinfos (font name).
_SAUCE = struct.Struct("<5s2s35s20s20s8sIBBHHHHBB22s")
assert _SAUCE.size == SAUCE_SIZE

# Bytes 0x00-0x1F and 0x7F are glyphs on a PC screen, but Python's cp437 codec leaves them as
# control characters. Outside escape sequences (and apart from CR, LF, ESC) art uses the glyphs.
CP437_CONTROL_GLYPHS: dict[str, str] = {
    chr(i): g for i, g in enumerate(" ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼")
} | {"\x7f": "⌂"}


@dataclass(frozen=True)
class Sauce:
    """A SAUCE00 record. For character art tinfo1 is the width and tinfo2 the number of lines."""

    title: str
    author: str
    group: str
    date: str  # CCYYMMDD as stored (not validated: real files hold all sorts)
    datatype: int
    filetype: int
    tinfo1: int
    tinfo2: int
    flags: int
    comments: list[str] = field(default_factory=list)
    filesize: int = 0
    tinfo3: int = 0
    tinfo4: int = 0
    font: str = ""  # TInfoS, e.g. "IBM VGA"

    @property
    def width(self) -> int:
        return self.tinfo1

    @property
    def height(self) -> int:
        return self.tinfo2

    @property
    def ice(self) -> bool:
        """iCE colours: character art (datatype 1) with TFlags bit 0 set."""
        return self.datatype == 1 and bool(self.flags & SAUCE_ICE)


def _field(raw: bytes) -> str:
    return raw.decode("cp437").rstrip(" \x00")


def _cut_dangling(data: bytes) -> bytes:
    """No valid record: drop a trailing EOF marker and any broken SAUCE/COMNT after it."""
    i = data.rfind(bytes([EOF_BYTE]))
    if i != -1:
        tail = data[i + 1 :]
        if not tail or tail.startswith((b"SAUCE", COMNT_ID)):
            return data[:i]
    j = data.rfind(b"SAUCE00", max(0, len(data) - SAUCE_SIZE))
    if j != -1:  # a cut-off record without the EOF byte before it
        return data[:j]
    return data


def _parse_sauce(data: bytes) -> tuple[bytes, Sauce | None]:
    if len(data) < SAUCE_SIZE or data[-SAUCE_SIZE:][:7] != b"SAUCE00":
        return _cut_dangling(data), None
    (_id, _ver, title, author, group, date, filesize, datatype, filetype,
     t1, t2, t3, t4, ncomments, flags, tinfos) = _SAUCE.unpack(data[-SAUCE_SIZE:])  # fmt: skip
    body = data[:-SAUCE_SIZE]
    comments: list[str] = []
    if ncomments:
        start = len(body) - len(COMNT_ID) - COMNT_LINE * ncomments
        if start >= 0 and body[start : start + len(COMNT_ID)] == COMNT_ID:
            block = body[start + len(COMNT_ID) :]
            comments = [
                _field(block[k * COMNT_LINE : (k + 1) * COMNT_LINE]) for k in range(ncomments)
            ]
            body = body[:start]
        # else: the count is set but the block is missing (common): keep the body as it is
    if body and body[-1] == EOF_BYTE:
        body = body[:-1]
    sauce = Sauce(
        title=_field(title),
        author=_field(author),
        group=_field(group),
        date=_field(date),
        datatype=datatype,
        filetype=filetype,
        tinfo1=t1,
        tinfo2=t2,
        flags=flags,
        comments=comments,
        filesize=filesize,
        tinfo3=t3,
        tinfo4=t4,
        font=tinfos.split(b"\x00", 1)[0].decode("cp437").rstrip(),
    )
    return body, sauce


def parse_sauce(data: bytes) -> tuple[bytes, Sauce | None]:
    """Split a file into (content, SAUCE record or None). Never raises.

    The record, a COMNT block (only when it is really there) and the 0x1A EOF byte before them
    are removed from the content. Without a valid record the content is returned as it is, except
    that a trailing EOF byte, and a truncated "SAUCE"/"COMNT" remnant after it, are cut off.
    """
    try:
        return _parse_sauce(bytes(data))
    except Exception:  # defensive: metadata parsing must never take a screen down
        log.debug("unparseable SAUCE record", exc_info=True)
        return bytes(data), None


# ---- the character canvas -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Style:
    """16-colour text attributes; fg/bg are 0-7 (ANSI order) or None for the default."""

    bold: bool = False
    underline: bool = False
    blink: bool = False
    reverse: bool = False
    fg: int | None = None
    bg: int | None = None

    def sgr(self, ice: str | None = None) -> str:
        """The full SGR sequence for this style, always starting from a reset: ESC[0;1;34m.

        `ice` (one of ICE_MODES) says blink is iCE's bright background and how to send it;
        None (art without the iCE flag) keeps blink as SGR 5."""
        bright_bg = self.blink and ice == ICE_BRIGHT
        parts = ["0"]
        if self.bold:
            parts.append("1")
        if self.underline:
            parts.append("4")
        if self.blink and ice in (None, ICE_BLINK):
            parts.append("5")
        if self.reverse:
            parts.append("7")
        if self.fg is not None:
            parts.append(str(30 + self.fg))
        if bright_bg:
            parts.append(str(100 + (self.bg or 0)))
        elif self.bg is not None:
            parts.append(str(40 + self.bg))
        return f"{ESC}[{';'.join(parts)}m"

    @property
    def blank_background(self) -> bool:
        """A space in this style cannot be seen on the terminal's own background."""
        return self.bg is None and not self.reverse and not self.underline


PLAIN = Style()
Cell = tuple[str, Style]


def _apply_sgr(style: Style, params: str) -> Style:
    """Apply SGR parameters; only the 16-colour subset survives (bright via bold)."""
    bold, under, blink, rev = style.bold, style.underline, style.blink, style.reverse
    fg, bg = style.fg, style.bg
    tokens = params.split(";") if params else ["0"]
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        k += 1
        if tok == "":
            tok = "0"
        if not tok.isdigit() or len(tok) > 4:
            continue  # "38:5:1" style sub-parameters and junk are ignored
        n = int(tok)
        if n == 0:
            bold = under = blink = rev = False
            fg = bg = None
        elif n == 1:
            bold = True
        elif n == 22:
            bold = False
        elif n == 4:
            under = True
        elif n == 24:
            under = False
        elif n in (5, 6):
            blink = True
        elif n == 25:
            blink = False
        elif n == 7:
            rev = True
        elif n == 27:
            rev = False
        elif 30 <= n <= 37:
            fg = n - 30
        elif n == 39:
            fg = None
        elif 40 <= n <= 47:
            bg = n - 40
        elif n == 49:
            bg = None
        elif 90 <= n <= 97:
            fg, bold = n - 90, True
        elif 100 <= n <= 107:
            bg = n - 100  # no iCE colours: a bright background becomes the normal one
        elif n in (38, 48) and k < len(tokens):
            k += 2 if tokens[k] == "5" else 4 if tokens[k] == "2" else 0  # 256/true colour
    return Style(bold, under, blink, rev, fg, bg)


def _num(text: str, default: int) -> int:
    """First numeric CSI parameter (bounded, so a 10,000-digit number is harmless)."""
    first = text.split(";", 1)[0]
    if not first.isdigit():
        return default
    return (int(first) if len(first) <= 6 else 999_999) or default


class _Canvas:
    """A tiny ANSI.SYS: text, SGR, CR/LF, wrapping and cursor moves paint cells on a grid."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[Cell]] = [[]]
        self.row = 0
        self.col = 0
        self.style = PLAIN
        self.saved = (0, 0)
        self.outside = 0  # cursor moves that pointed off the canvas (clamped to its edge)

    def _goto_row(self, row: int) -> None:
        if not 0 <= row < MAX_ROWS:
            self.outside += 1
        self.row = min(max(row, 0), MAX_ROWS - 1)
        while len(self.rows) <= self.row:
            self.rows.append([])

    def _goto_col(self, col: int) -> None:
        if not 0 <= col < self.width:
            self.outside += 1
        self.col = min(max(col, 0), self.width - 1)

    def put(self, ch: str) -> None:
        if self.col >= self.width:  # pending wrap, as on a PC screen
            self._goto_row(self.row + 1)
            self.col = 0
        line = self.rows[self.row]
        if len(line) < self.col:
            line.extend([(" ", PLAIN)] * (self.col - len(line)))
        if self.col == len(line):
            line.append((ch, self.style))
        else:
            line[self.col] = (ch, self.style)
        self.col += 1

    def newline(self) -> None:
        self._goto_row(self.row + 1)
        self.col = 0

    def csi(self, params: str, intermediates: str, final: str) -> None:
        if intermediates or params[:1] in ("?", "<", "=", ">"):
            return  # private or extended sequences: dropped
        if final == "m":
            self.style = _apply_sgr(self.style, params)
        elif final == "C":  # cursor forward: the usual ANSI way to skip blank space; it
            # stops at the edge on a PC, and editors rely on that, so it is never "outside"
            self.col = min(self.col + _num(params, 1), self.width - 1)
        elif final == "D":
            self.col = max(self.col - _num(params, 1), 0)
        elif final == "A":
            self._goto_row(self.row - _num(params, 1))
        elif final == "B":
            self._goto_row(self.row + _num(params, 1))
        elif final == "G":
            self._goto_col(_num(params, 1) - 1)
        elif final in ("H", "f"):
            parts = params.split(";")
            row = _num(parts[0], 1)
            col = _num(parts[1], 1) if len(parts) > 1 else 1
            self._goto_row(row - 1)
            self._goto_col(col - 1)
        elif final == "s":
            self.saved = (self.row, self.col)
        elif final == "u":
            self._goto_row(self.saved[0])
            self.col = self.saved[1]
        # everything else (clear screen, erase line, modes, ...) has no place in the output


def _paint(text: str, width: int) -> _Canvas:
    """Interpret decoded art text onto a canvas. Only text and styles come out of it."""
    canvas = _Canvas(width)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ESC:
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt == "[":
                j = i + 2
                while j < n and "0" <= text[j] <= "?":
                    j += 1
                params = text[i + 2 : j]
                k = j
                while k < n and " " <= text[k] <= "/":
                    k += 1
                if k < n and "@" <= text[k] <= "~":
                    canvas.csi(params, text[j:k], text[k])
                    i = k + 1
                else:
                    i = k  # broken sequence: drop it, go on from the odd character
            elif nxt and nxt in "]P^_X":  # OSC / DCS / PM / APC / SOS: drop through BEL or ST
                j = i + 2
                while (
                    j < n
                    and text[j] != "\x07"
                    and not (text[j] == ESC and text[j + 1 : j + 2] == "\\")
                ):
                    j += 1
                i = j + (2 if j < n and text[j] == ESC else 1)
            else:  # ESC, intermediates, final: e.g. ESC c (reset) or ESC ( B
                j = i + 1
                while j < n and " " <= text[j] <= "/":
                    j += 1
                i = j + 1 if j < n and "0" <= text[j] <= "~" else j
            continue
        if ch == "\r":
            canvas.col = 0
        elif ch == "\n":
            canvas.newline()
        else:
            canvas.put(CP437_CONTROL_GLYPHS.get(ch, ch))
        i += 1
    return canvas


def _trimmed(row: Iterable[Cell]) -> list[Cell]:
    cells = list(row)
    while cells and cells[-1][0] in (" ", "\xa0") and cells[-1][1].blank_background:
        cells.pop()
    return cells


# ---- art ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Art:
    """A loaded piece of art: the decoded text, its SAUCE and its measured size in cells."""

    name: str
    text: str  # CP437-decoded content, escape sequences intact, cut at the first 0x1A
    sauce: Sauce | None
    width: int  # visible columns of the widest line (trailing blank cells not counted)
    height: int  # lines (trailing empty lines not counted)
    rows: tuple[tuple[Cell, ...], ...] = field(repr=False, compare=False)
    outside: int = field(default=0, compare=False)  # cursor moves aimed off the canvas
    wrap: int = DEFAULT_WIDTH  # the width it was painted at (SAUCE's, else 80)

    @property
    def ice(self) -> bool:
        """Blink in this art means a bright background (SAUCE's iCE colour flag)."""
        return self.sauce is not None and self.sauce.ice

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "") -> Art:
        content, sauce = parse_sauce(data)
        eof = content.find(bytes([EOF_BYTE]))
        if eof != -1:
            content = content[:eof]
        text = content.decode("cp437")
        wrap = DEFAULT_WIDTH
        if sauce is not None and sauce.datatype == 1 and 0 < sauce.tinfo1 <= MAX_WIDTH:
            wrap = sauce.tinfo1
        canvas = _paint(text, wrap)
        rows = [tuple(_trimmed(r)) for r in canvas.rows]
        while rows and not rows[-1]:
            rows.pop()
        width = max((len(r) for r in rows), default=0)
        return cls(name, text, sauce, width, len(rows), tuple(rows), canvas.outside, wrap)


def load_art(path: Path) -> Art:
    """Read and decode one .ans file. Raises OSError, or ValueError when it is too big."""
    path = Path(path)
    with path.open("rb") as fh:
        data = fh.read(MAX_ART_BYTES + 1)
    if len(data) > MAX_ART_BYTES:
        raise ValueError(f"{path}: art file larger than {MAX_ART_BYTES} bytes")
    return Art.from_bytes(data, name=path.stem)


def ice_mode(charset: str, colors: int, term_type: str) -> str:
    """How iCE colours reach this terminal (one of ICE_MODES): a UTF-8 terminal with 16 or more
    colours gets bright backgrounds (SGR 100-107); a terminal known to honour SyncTERM's
    CSI ?33h gets blink in that mode; any other (CP437/ANSI-BBS, 8 colours) the plain
    background, since its blink might really blink."""
    if charset == "utf-8" and colors >= 16:
        return ICE_BRIGHT
    if term_type.lower().startswith(ICE_TERMS):
        return ICE_BLINK
    return ICE_DROP


def render_art(art: Art, cols: int, colors: bool = True, ice: str = ICE_BRIGHT) -> str | None:
    """The art as terminal text for a `cols`-wide screen, or None when it does not fit.

    It fits when every visible cell does: letters are never cropped, only trailing blank
    cells fall away. Lines are joined with CR LF (no trailing newline), except after a line as
    wide as the screen, which the terminal wraps itself (a CR LF there would leave a blank
    line on ANSI.SYS and SyncTERM, which wrap at once; xterm wraps at the next character, so
    an empty line after a full one is drawn as one space); with colours every
    line ends with ESC[0m, without them there are no escape sequences at all. Only text and SGR
    come out (and, for iCE art in ICE_BLINK mode, CSI ?33h before and CSI ?33l after): cursor
    moves, clears, OSC titles and control characters in the file never do. `ice` is used only
    when the art has the iCE flag; without it blink stays SGR 5.
    """
    if cols <= 0 or art.width > cols:
        return None
    mode = ice if art.ice else None
    lines: list[str] = []
    blinks = False
    full = False  # the line before filled the screen's width
    for row in art.rows:
        cells = _trimmed(row[:cols])
        if lines:  # after a full line the terminal has wrapped already (ANSI.SYS, SyncTERM)
            lines.append("" if full else "\r\n")  # or will at the next character (xterm)
            if full and not cells:
                cells = [(" ", PLAIN)]  # an empty line must print something to wrap on xterm
        full = len(cells) >= cols
        if not colors:
            lines.append("".join(ch for ch, _ in cells))
            continue
        parts: list[str] = []
        current = PLAIN
        for ch, style in cells:
            if style != current:
                parts.append(style.sgr(mode))
                current = style
                blinks = blinks or style.blink
            parts.append(ch)
        parts.append(RESET)
        lines.append("".join(parts))
    text = "".join(lines)
    if blinks and mode == ICE_BLINK:
        text = ICE_ON + text + ICE_OFF
    return text


def default_art_dir() -> Path:
    """The art shipped inside the package (src/retroboard/art)."""
    return Path(__file__).resolve().parent.parent / "art"


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# welcome.132.ans: the welcome for screens of at least 132 columns
_VARIANT = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9_-]{0,63})\.(?P<cols>[1-9][0-9]{1,2})")


def art_file_name(stem: str) -> tuple[str, int | None] | None:
    """(art name, variant width or None) for a file stem ("welcome", "welcome.132"), or None
    when the board would never use a file of that name."""
    if _NAME.fullmatch(stem):
        return stem, None
    m = _VARIANT.fullmatch(stem)
    return (m["name"], int(m["cols"])) if m else None


def _inside(path: Path, folder: Path) -> bool:
    """True when `path`, symlinks followed, is still in `folder` (a link out is ignored: a
    sysop's art folder must not become a way to show /etc files to callers)."""
    try:
        return path.resolve(strict=True).is_relative_to(folder.resolve(strict=True))
    except OSError:
        return False


@dataclass
class _Files:
    """One art name's files in one folder: the plain one and the width variants."""

    base: Path | None = None
    variants: dict[int, Path] = field(default_factory=dict)


Stamp = tuple[tuple[str, int, int], ...]


class ArtLibrary:
    """Named art looked up in folders in order: a sysop's folder first, then the packaged one.

    A changed, new or removed file is noticed without a restart: at most every `interval`
    seconds (by `clock`) the folders are listed once (names, sizes, mtimes) and, when that
    differs, every cached piece is forgotten. Between two looks nothing touches the disk.
    """

    SUFFIX = ".ans"

    def __init__(
        self,
        dirs: Iterable[Path | str],
        *,
        interval: float = CHECK_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dirs: list[Path] = [Path(d) for d in dirs]
        self.interval = interval
        self.clock = clock
        self._checked: float | None = None
        self._stamp: Stamp = ()
        self._index: dict[str, list[tuple[Path, _Files]]] = {}
        self._loaded: dict[Path, Art | None] = {}
        self._chosen: dict[tuple[str, int | None], Art | None] = {}
        self._rendered: dict[tuple[str, int, bool, str], str | None] = {}

    @classmethod
    def standard(
        cls,
        custom_dir: Path | None = None,
        folders: Sequence[str] = (),
        root: Path | None = None,
        interval: float = CHECK_INTERVAL,
    ) -> ArtLibrary:
        """`custom_dir` (e.g. DATA/art) when given, then each of a skin's art `folders` under
        `root` (the packaged art folder unless given), then the packaged default art, looked
        at for changes every `interval` seconds. Raises ValueError naming a folder that is
        not there."""
        base = root if root is not None else default_art_dir()
        skin_dirs = [base / f for f in folders]
        for path in skin_dirs:
            if not path.is_dir():
                raise ValueError(f"art folder {path.name!r} is missing ({path})")
        dirs = [custom_dir] if custom_dir is not None else []
        return cls([*dirs, *skin_dirs, default_art_dir()], interval=interval)

    # -- noticing changes --------------------------------------------------------------------

    def _scan(self) -> tuple[Stamp, dict[str, list[tuple[Path, _Files]]]]:
        stamp: list[tuple[str, int, int]] = []
        index: dict[str, list[tuple[Path, _Files]]] = {}
        for folder in self.dirs:
            found: dict[str, _Files] = {}
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if not entry.name.endswith(self.SUFFIX):
                            continue
                        parsed = art_file_name(entry.name[: -len(self.SUFFIX)])
                        if parsed is None:
                            continue
                        try:
                            st = entry.stat()
                        except OSError:
                            continue
                        stamp.append((entry.path, st.st_mtime_ns, st.st_size))
                        files = found.setdefault(parsed[0], _Files())
                        if parsed[1] is None:
                            files.base = Path(entry.path)
                        else:
                            files.variants[parsed[1]] = Path(entry.path)
            except OSError:
                continue
            for name, files in found.items():
                index.setdefault(name, []).append((folder, files))
        return tuple(sorted(stamp)), index

    def _refresh(self) -> None:
        now = self.clock()
        if self._checked is not None and now - self._checked < self.interval:
            return
        self._checked = now
        stamp, index = self._scan()
        if stamp != self._stamp or not self._index:
            self._stamp, self._index = stamp, index
            self._loaded.clear()
            self._chosen.clear()
            self._rendered.clear()

    # -- looking art up ----------------------------------------------------------------------

    def _load(self, path: Path, folder: Path) -> Art | None:
        if path in self._loaded:
            return self._loaded[path]
        art: Art | None = None
        if not _inside(path, folder):
            log.warning("ignoring art %s: it links outside %s", path, folder)
        else:
            try:
                art = load_art(path)
            except (OSError, ValueError) as exc:
                log.warning("cannot load art %s: %s", path, exc)
        self._loaded[path] = art
        return art

    def _pick(self, folder: Path, files: _Files, cols: int | None) -> Art | None:
        """The widest of the folder's variants that fits `cols` (the plain file counting with
        its measured width); none fits: the narrowest; `cols` None: the plain file."""
        choices: list[tuple[int, Path]] = sorted(files.variants.items())
        base = self._load(files.base, folder) if files.base is not None else None
        if base is not None and cols is None:
            return base
        loaded = [(w, art) for w, p in choices if (art := self._load(p, folder)) is not None]
        if base is not None:
            loaded.append((base.width, base))
        if not loaded:
            return None
        loaded.sort(key=lambda pair: pair[0])
        if cols is None:
            return loaded[-1][1]
        fitting = [art for w, art in loaded if w <= cols]
        return fitting[-1] if fitting else loaded[0][1]

    def get(self, name: str, cols: int | None = None) -> Art | None:
        """The art called `name` ("welcome" or "welcome.ans"), or None; with `cols`, the
        widest of its variants (welcome.132.ans, welcome.40.ans, welcome.ans) that fits a
        screen that wide. The first folder holding a loadable file of that name wins."""
        if name.endswith(self.SUFFIX):
            name = name[: -len(self.SUFFIX)]
        self._refresh()
        key = (name, cols)
        if key in self._chosen:
            return self._chosen[key]
        art: Art | None = None
        if _NAME.fullmatch(name):  # a plain name only: never a path out of the folders
            for folder, files in self._index.get(name, []):
                art = self._pick(folder, files, cols)
                if art is not None:
                    break
        self._chosen[key] = art
        return art

    def rendered(
        self, name: str, cols: int, colors: bool = True, ice: str = ICE_BRIGHT
    ) -> str | None:
        """`render_art` of the named art's variant for `cols`, cached (it is drawn for every
        caller); None when there is none or it does not fit."""
        self._refresh()
        key = (name, cols, colors, ice)
        if key not in self._rendered:
            art = self.get(name, cols)
            self._rendered[key] = render_art(art, cols, colors, ice) if art else None
        return self._rendered[key]

    def names(self) -> list[str]:
        """Every art name available in any of the folders, sorted."""
        self._refresh()
        return sorted(self._index)

    def files(self) -> list[Path]:
        """Every art file the library would consider, folder by folder (for `art check`)."""
        self._refresh()
        return sorted({Path(path) for path, _, _ in self._stamp})

    def clear(self) -> None:
        """Forget cached art now (the next look-up reads the folders again)."""
        self._checked = None
        self._stamp = ()
        self._index = {}
        self._loaded.clear()
        self._chosen.clear()
        self._rendered.clear()

"""The art loader over real files: SAUCE on every shared test file, all 256 CP437 bytes, LF-only
files, width variants, the never-crop rule, iCE colours, hot replacement and `art check`."""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest

from retroboard.term.profile import to_ascii
from retroboard.ui import art as art_mod
from retroboard.ui.art import (
    ICE_BLINK,
    ICE_BRIGHT,
    ICE_DROP,
    ICE_OFF,
    ICE_ON,
    Art,
    ArtLibrary,
    ice_mode,
    load_art,
    parse_sauce,
    render_art,
)
from retroboard.ui.art_check import check_file

REPO = Path(__file__).resolve().parents[2]
SHARED = [REPO.parent / "shared" / "testdata", Path("/work/shared/testdata")]
SGR = re.compile(r"\x1b\[[0-9;?]*[mhl]")


def _shared_files(sub: str, pattern: str) -> list[Path]:
    for base in SHARED:
        if (base / sub).is_dir():
            return sorted((base / sub).rglob(pattern))
    return []


SAUCE_FILES = _shared_files("sauce-testfiles", "*.txt")
ANSILOVE_FILES = _shared_files("ansilove-examples", "*.ans")
ALL_FILES = SAUCE_FILES + ANSILOVE_FILES


def sauce_record(
    *, width: int = 80, height: int = 1, flags: int = 0, ncomments: int = 0, title: str = "T"
) -> bytes:
    """A SAUCE00 record for character art, built without the code under test."""
    return (
        b"SAUCE00"
        + title.encode("cp437").ljust(35)
        + b"Author".ljust(20)
        + b"Group".ljust(20)
        + b"19940101"
        + struct.pack("<IBBHHHHBB", 0, 1, 1, width, height, 0, 0, ncomments, flags)
        + b"IBM VGA".ljust(22, b"\x00")
    )


def test_the_shared_test_data_is_here() -> None:
    if not ALL_FILES:
        pytest.skip("shared test data not available")
    assert len(SAUCE_FILES) == 4 and len(ANSILOVE_FILES) == 5


# ---- every shared file -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_shared_file_parses_loads_and_renders(path: Path) -> None:
    data = path.read_bytes()
    content, sauce = parse_sauce(data)
    assert data.startswith(content)
    assert not content.endswith(b"\x1a")  # the EOF byte is stripped with the record
    art = load_art(path)
    shown = render_art(art, max(art.width, 1))
    assert shown is not None
    assert "COMNT" not in shown and "\x1a" not in shown
    assert shown.count("SAUCE00") == content.count(b"SAUCE00")  # only what the art itself draws
    if sauce is not None:  # (bs-alove.ans holds an older record inside its art, drawn black)
        assert b"SAUCE00" not in content[-128:] and sauce.date not in shown[-300:]
    assert check_file(path) is not None  # the checker never raises either


def test_sauce_fields_of_the_full_record() -> None:
    path = next((p for p in SAUCE_FILES if p.name == "sauce.txt"), None)
    if path is None:
        pytest.skip("shared test data not available")
    art = load_art(path)
    assert art.sauce is not None
    s = art.sauce
    assert (s.title, s.author, s.group, s.date) == (
        "Sauce title",
        "Sauce author",
        "Sauce group",
        "20161126",
    )
    assert s.width == 977 and s.ice and art.ice  # TFlags 0x13: bit 0 is iCE
    assert s.comments == ["Any comments go here."]
    assert "Any comments" not in art.text and "COMNT" not in art.text
    assert art.wrap == 80  # a width above MAX_WIDTH is not believed for wrapping
    report = check_file(path)
    assert any("SAUCE width 977" in p for p in report.problems)


def test_broken_records_are_problems_for_art_check() -> None:
    by_name = {p.name: p for p in SAUCE_FILES}
    if not by_name:
        pytest.skip("shared test data not available")
    for name in ("error-truncated-record.txt", "empty-id-only.txt"):
        report = check_file(by_name[name])
        assert any("broken SAUCE" in p for p in report.problems), (name, report)
        assert load_art(by_name[name]).sauce is None
    nocomnt = check_file(by_name["sauce-nocomnt.txt"])
    assert any("no COMNT block" in n for n in nocomnt.notes)


# ---- CP437: all 256 bytes ----------------------------------------------------------------------

# The IBM PC glyphs, written out here independently of the module: 0x00-0x1F, then 0x7F.
PC_LOW = " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼"
PC_HIGH = (
    "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌"
    "█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0"
)
STRUCTURAL = {0x0A: "LF", 0x0D: "CR", 0x1A: "EOF", 0x1B: "ESC"}


def expected_glyph(b: int) -> str:
    if b < 0x20:
        return PC_LOW[b]
    if b == 0x7F:
        return "⌂"
    if b < 0x80:
        return chr(b)
    return PC_HIGH[b - 0x80]


@pytest.mark.parametrize("b", range(256), ids=lambda b: f"0x{b:02X}")
def test_every_cp437_byte(b: int) -> None:
    out = render_art(Art.from_bytes(bytes([b, 0x41])), 80, colors=False)
    assert out is not None
    if b in STRUCTURAL:  # line ends, the EOF marker and escapes are structure, not glyphs
        assert out in ("A", "\r\nA", ""), (STRUCTURAL[b], out)
        return
    glyph = expected_glyph(b)
    if glyph in (" ", "\u00a0"):  # a blank cell: only the A after it shows
        assert out[-1] == "A" and out[:-1] in (" ", "\u00a0"), repr(out)
    else:
        assert out == glyph + "A"
        assert out.encode("utf-8").decode("utf-8") == out


def test_all_256_bytes_in_one_file_have_no_control_left() -> None:
    data = bytes(b for b in range(256) if b not in STRUCTURAL)
    out = render_art(Art.from_bytes(data), 300, colors=False)
    assert out is not None
    assert not any((ord(c) < 0x20 and c not in "\r\n") or 0x7F <= ord(c) < 0xA0 for c in out)
    expected = "".join(expected_glyph(b) for b in data)
    assert out.replace("\r\n", "").rstrip(" \u00a0") == expected.rstrip(" \u00a0")


@pytest.mark.parametrize("path", ANSILOVE_FILES, ids=lambda p: p.name)
def test_ascii_output_leaves_no_byte_above_7e(path: Path) -> None:
    art = load_art(path)
    for colors in (True, False):
        shown = render_art(art, 80, colors=colors)
        assert shown is not None
        wire = to_ascii(shown).encode("ascii")
        assert max(wire) <= 0x7E
        assert not (set(wire) & (set(range(0x20)) - {0x0A, 0x0D, 0x1B}))


def test_ascii_output_of_all_256_bytes() -> None:
    art = Art.from_bytes(bytes(b for b in range(256) if b not in STRUCTURAL))
    shown = render_art(art, 300)
    assert shown is not None
    assert max(to_ascii(shown).encode("ascii")) <= 0x7E


# ---- LF-only files -----------------------------------------------------------------------------


def test_lf_only_is_a_new_line() -> None:
    crlf = Art.from_bytes(b"\x1b[1;32mab\r\ncd\r\n\r\nef\r\n")
    lf = Art.from_bytes(b"\x1b[1;32mab\ncd\n\nef\n")
    assert lf.rows == crlf.rows and lf.height == 4
    assert render_art(lf, 80, colors=False) == "ab\r\ncd\r\n\r\nef"


@pytest.mark.parametrize("path", ANSILOVE_FILES, ids=lambda p: p.name)
def test_real_art_saved_with_unix_line_ends(path: Path) -> None:
    data = path.read_bytes()
    content, _ = parse_sauce(data)
    unix = Art.from_bytes(content.replace(b"\r\n", b"\n"))
    dos = Art.from_bytes(content)
    assert unix.rows == dos.rows


# ---- never cropped: art that does not fit is not drawn -----------------------------------------


def _pyte_screen(text: str, cols: int) -> list[str]:
    pyte = pytest.importorskip("pyte")
    screen = pyte.Screen(cols, 40)
    pyte.Stream(screen).feed(text)
    return [row.rstrip() for row in screen.display]


def test_art_one_column_too_wide_is_not_drawn() -> None:
    logo = Art.from_bytes(b" " * 30 + b"\x1b[1;33mRETROBOARD\x1b[0m" + b" " * 39 + b"\r\n")
    assert logo.width == 40  # trailing blanks do not count
    for cols in range(1, 40):  # never "RETROBOAR": the whole word or nothing
        assert render_art(logo, cols) is None, cols
    for cols in (40, 41, 79, 80):
        shown = render_art(logo, cols)
        assert shown is not None and "RETROBOARD" in shown


def test_full_width_lines_wrap_once_on_the_screen() -> None:
    rows = [b"=" * 80, b"", b"x" * 80, b"y" * 10, b"z" * 80]
    art = Art.from_bytes(b"\r\n".join(rows) + b"\r\n")
    out = render_art(art, 80, colors=False)
    assert out == "=" * 80 + " \r\n" + "x" * 80 + "y" * 10 + "\r\n" + "z" * 80
    want = [r.decode() for r in rows]
    assert _pyte_screen(out, 80)[:5] == want  # xterm: wraps at the next character
    assert _ansi_sys_rows(out, 80)[:5] == want  # ANSI.SYS, SyncTERM: wrap at once
    spare = render_art(art, 81, colors=False)
    assert spare is not None and _ansi_sys_rows(spare, 81)[:5] == want


def _ansi_sys_rows(text: str, cols: int) -> list[str]:
    """Text as a PC screen shows it: writing the last column moves to the next line at once."""
    rows: list[list[str]] = [[]]
    row = col = 0
    for ch in text:
        if ch == "\r":
            col = 0
            continue
        if ch == "\n":
            row += 1
        else:
            line = rows[row]
            line.extend(" " * (col + 1 - len(line)))
            line[col] = ch
            col += 1
            if col == cols:
                row, col = row + 1, 0
        while len(rows) <= row:
            rows.append([])
    return ["".join(r).rstrip() for r in rows]


def test_show_art_rule_in_every_profile() -> None:
    assert ice_mode("utf-8", 16, "xterm") == ICE_BRIGHT
    assert ice_mode("utf-8", 256, "xterm-256color") == ICE_BRIGHT
    assert ice_mode("cp437", 8, "syncterm") == ICE_BLINK
    assert ice_mode("cp437", 8, "ansi-bbs") == ICE_DROP
    assert ice_mode("ascii", 8, "vt100") == ICE_DROP


# ---- iCE colours and blink ---------------------------------------------------------------------

BLINKING = b"\x1b[0;5;44mX\x1b[0;1;5;31mY\x1b[0m\r\n"


def test_ice_art_sends_bright_backgrounds_by_mode() -> None:
    ice = Art.from_bytes(BLINKING + b"\x1a" + sauce_record(flags=0x01))
    assert ice.ice
    assert render_art(ice, 80, ice=ICE_BRIGHT) == "\x1b[0;104mX\x1b[0;1;31;100mY\x1b[0m"
    assert (
        render_art(ice, 80, ice=ICE_BLINK)
        == ICE_ON + "\x1b[0;5;44mX\x1b[0;1;5;31mY\x1b[0m" + ICE_OFF
    )
    assert render_art(ice, 80, ice=ICE_DROP) == "\x1b[0;44mX\x1b[0;1;31mY\x1b[0m"
    assert render_art(ice, 80, colors=False) == "XY"


def test_blink_stays_blink_without_the_ice_flag() -> None:
    plain = Art.from_bytes(BLINKING + b"\x1a" + sauce_record(flags=0x02))
    assert not plain.ice
    for mode in (ICE_BRIGHT, ICE_BLINK, ICE_DROP):
        assert render_art(plain, 80, ice=mode) == "\x1b[0;5;44mX\x1b[0;1;5;31mY\x1b[0m"
    no_sauce = Art.from_bytes(BLINKING)
    assert not no_sauce.ice and "?33h" not in (render_art(no_sauce, 80, ice=ICE_BLINK) or "")


def test_ice_art_without_blink_needs_no_mode_switch() -> None:
    calm = Art.from_bytes(b"\x1b[44mX\x1b[0m\x1a" + sauce_record(flags=0x01))
    assert render_art(calm, 80, ice=ICE_BLINK) == "\x1b[0;44mX\x1b[0m"


def test_shared_ice_art_in_each_mode() -> None:
    iced = [p for p in ANSILOVE_FILES if load_art(p).ice]
    if not iced:
        pytest.skip("shared test data not available")
    assert [p.name for p in iced] == ["bs-ansilove.ans"]
    data = iced[0].read_bytes()
    art = Art.from_bytes(data)
    assert render_art(art, 80, ice=ICE_BLINK) == render_art(art, 80, ice=ICE_DROP)  # no blink
    blinking = Art.from_bytes(b"\x1b[5;41mHOT\x1b[0m\r\n" + data[-129:])  # its SAUCE: iCE
    assert blinking.ice
    bright = render_art(blinking, 80, ice=ICE_BRIGHT)
    drop = render_art(blinking, 80, ice=ICE_DROP)
    blink = render_art(blinking, 80, ice=ICE_BLINK)
    assert bright is not None and drop is not None and blink is not None
    assert re.search(r"\x1b\[[0-9;]*;101m", bright)
    blink_sgr = re.compile(r"\x1b\[(?:[0-9;]*;)?5[;m]")
    assert not blink_sgr.search(bright + drop) and "?33" not in bright + drop
    assert blink.startswith(ICE_ON) and blink.endswith(ICE_OFF) and blink_sgr.search(blink)


# ---- width variants and hot replacement --------------------------------------------------------


def _put(folder: Path, stem: str, width: int, label: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    line = (label + "#" * width)[:width].encode()
    path = folder / f"{stem}.ans"
    path.write_bytes(line + b"\r\n\x1a" + sauce_record(width=width))
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_widest_variant_that_fits(tmp_path: Path) -> None:
    _put(tmp_path, "welcome", 60, "base")
    _put(tmp_path, "welcome.40", 40, "forty")
    _put(tmp_path, "welcome.132", 132, "wide")
    lib = ArtLibrary([tmp_path])
    picks = {cols: (lib.get("welcome", cols) or Art.from_bytes(b"?")).text[:4] for cols in
             (200, 132, 131, 80, 60, 59, 40, 39)}  # fmt: skip
    assert picks == {
        200: "wide",
        132: "wide",
        131: "base",
        80: "base",
        60: "base",
        59: "fort",
        40: "fort",
        39: "fort",
    }
    assert lib.rendered("welcome", 39) is None  # not even the narrowest fits: text instead
    assert (lib.rendered("welcome", 45) or "").startswith("forty")
    assert (lib.get("welcome") or Art.from_bytes(b"")).text.startswith("base")
    assert lib.names() == ["welcome"]


def test_sysop_file_wins_over_packaged_variants(tmp_path: Path) -> None:
    sysop, packaged = tmp_path / "data-art", tmp_path / "pkg"
    _put(packaged, "welcome", 78, "pkg")
    _put(packaged, "welcome.132", 132, "pkgwide")
    _put(sysop, "welcome", 70, "mine")
    lib = ArtLibrary([sysop, packaged])
    assert (lib.rendered("welcome", 132, colors=False) or "").startswith("mine")
    assert lib.rendered("welcome", 60) is None


def test_variant_only_name(tmp_path: Path) -> None:
    _put(tmp_path, "banner.132", 132, "wide")
    lib = ArtLibrary([tmp_path])
    assert lib.names() == ["banner"]
    assert lib.rendered("banner", 80) is None
    assert (lib.rendered("banner", 132, colors=False) or "").startswith("wide")


def test_a_changed_file_replaces_the_screen_after_the_interval(tmp_path: Path) -> None:
    clock = Clock()
    packaged = tmp_path / "pkg"
    sysop = tmp_path / "data" / "art"  # not there when the board starts
    _put(packaged, "goodbye", 20, "packaged")
    lib = ArtLibrary([sysop, packaged], interval=5.0, clock=clock)
    assert (lib.rendered("goodbye", 80, colors=False) or "").startswith("packaged")
    _put(sysop, "goodbye", 30, "sysop one")
    clock.now += 4.9
    assert (lib.rendered("goodbye", 80, colors=False) or "").startswith("packaged")
    clock.now += 0.2
    assert (lib.rendered("goodbye", 80, colors=False) or "").startswith("sysop one")
    path = _put(sysop, "goodbye", 31, "sysop two")  # changed in place
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    clock.now += 5
    art = lib.get("goodbye")
    assert art is not None and art.text.startswith("sysop two")
    _put(sysop, "newscreen", 10, "brand new")
    assert lib.get("newscreen") is None  # not looked for again before the interval
    clock.now += 5
    assert lib.get("newscreen") is not None and "newscreen" in lib.names()
    path.unlink()
    clock.now += 5
    assert (lib.rendered("goodbye", 80, colors=False) or "").startswith("packaged")


def test_no_disk_access_between_two_looks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    _put(tmp_path, "menu", 20, "menu")
    lib = ArtLibrary([tmp_path, tmp_path / "missing"], interval=3.0, clock=clock)
    scans: list[object] = []
    real = os.scandir

    def counting(path: object) -> object:
        scans.append(path)
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(art_mod.os, "scandir", counting)
    for _ in range(500):  # a caller holding a key down on the menu
        assert lib.rendered("menu", 80) is not None
        lib.get("menu", 80)
        lib.get("missing-piece")
    assert len(scans) == 2  # one look, one listing per folder
    clock.now += 3
    lib.rendered("menu", 80)
    assert len(scans) == 4


# ---- art check on single files -----------------------------------------------------------------


def test_check_flags_wide_art_and_cursor_moves_out_of_bounds(tmp_path: Path) -> None:
    wide = tmp_path / "wide.ans"
    wide.write_bytes(b"w" * 90 + b"\r\n\x1a" + sauce_record(width=90))
    report = check_file(wide)
    assert not report.ok and any("90 columns wide" in p for p in report.problems)
    assert check_file(tmp_path / "missing.ans").problems
    moves = tmp_path / "moves.ans"
    moves.write_bytes(b"\x1b[5;120Hx\x1b[3Ay\r\n\x1a" + sauce_record())
    assert any("cursor move" in p for p in check_file(moves).problems)
    variant = tmp_path / "wide.132.ans"
    variant.write_bytes(wide.read_bytes())
    assert check_file(variant).ok  # 90 columns is fine for a 132-column variant
    good = tmp_path / "good.ans"
    good.write_bytes(b"\x1b[1;34m\xdb\xdb hi\x1b[0m\r\n\x1a" + sauce_record(height=1))
    fine = check_file(good)
    assert fine.ok and fine.size == "5x1" and '"T" by Author/Group' in fine.sauce
    unsauced = tmp_path / "plain.ans"
    unsauced.write_bytes(b"hello\r\n")
    assert check_file(unsauced).ok and check_file(unsauced).notes

"""ANSI art: SAUCE parsing, loading, safe rendering and cropping, the art library, shipped art."""

from __future__ import annotations

import importlib.util
import random
import re
import struct
import sys
from pathlib import Path

import pytest

from retroboard.ui import art as art_mod
from retroboard.ui.art import (
    MAX_ART_BYTES,
    Art,
    ArtLibrary,
    Sauce,
    default_art_dir,
    load_art,
    parse_sauce,
    render_art,
)

REPO = Path(__file__).resolve().parents[2]
TOP_ART = REPO / "ansi_art"
PKG_ART = REPO / "src" / "retroboard" / "art"
SHIPPED = (
    "welcome",
    "newuser",
    "mainmenu",
    "menu_header",
    "areas",
    "mail",
    "teleconference",
    "whosonline",
    "goodbye",
)
# rows of each (the drawn screens: tests/unit/test_drawn_art.py)
HEIGHTS = {name: (12, 24) for name in SHIPPED} | {"menu_header": (3, 5)}


def _shared(sub: str) -> Path:
    """Shared test data: beside the checkout (as in CI) or at /work/shared; skip when absent."""
    for base in (REPO.parent / "shared" / "testdata", Path("/work/shared/testdata")):
        if (base / sub).is_dir():
            return base / sub
    pytest.skip(f"shared test data {sub}/ not available")


SGR_ONLY = re.compile(r"\x1b\[[0-9;]*m")


def assert_safe(text: str) -> None:
    """Only SGR escapes, and no control characters besides CR/LF (and the ESC of an SGR)."""
    stripped = SGR_ONLY.sub("", text)
    assert "\x1b" not in stripped, repr(stripped)
    bad = [c for c in stripped if (ord(c) < 0x20 and c not in "\r\n") or 0x7F <= ord(c) < 0xA0]
    assert not bad, bad


def visible(line: str) -> str:
    return SGR_ONLY.sub("", line)


# ---- synthetic SAUCE fixtures ------------------------------------------------------------------


def sauce_bytes(
    *,
    title: str = "Title",
    author: str = "Author",
    group: str = "Group",
    date: str = "19960101",
    filesize: int = 0,
    datatype: int = 1,
    filetype: int = 1,
    tinfo: tuple[int, int, int, int] = (80, 25, 0, 0),
    ncomments: int = 0,
    flags: int = 0,
    font: bytes = b"IBM VGA",
) -> bytes:
    """A 128-byte SAUCE00 record, built independently of the code under test."""
    rec = (
        b"SAUCE00"
        + title.encode("cp437").ljust(35, b" ")
        + author.encode("cp437").ljust(20, b" ")
        + group.encode("cp437").ljust(20, b" ")
        + date.encode("ascii")
        + struct.pack("<IBBHHHHBB", filesize, datatype, filetype, *tinfo, ncomments, flags)
        + font.ljust(22, b"\x00")
    )
    assert len(rec) == 128
    return rec


def comnt(*lines: str) -> bytes:
    return b"COMNT" + b"".join(line.encode("cp437").ljust(64, b" ") for line in lines)


BODY = b"\x1b[0;1;34m\xdb\xdb\xb0 hi\x1b[0m\r\n"


def test_parse_full_record_with_comment_block() -> None:
    data = (
        BODY
        + b"\x1a"
        + comnt("first comment", "second")
        + sauce_bytes(
            title="Café",  # é is 0x82 in CP437
            filesize=len(BODY),
            tinfo=(80, 1, 0, 0),
            ncomments=2,
            flags=0x13,
        )
    )
    content, sauce = parse_sauce(data)
    assert content == BODY
    assert sauce is not None
    assert (sauce.title, sauce.author, sauce.group, sauce.date) == (
        "Café",
        "Author",
        "Group",
        "19960101",
    )
    assert (sauce.datatype, sauce.filetype, sauce.tinfo1, sauce.tinfo2) == (1, 1, 80, 1)
    assert (sauce.width, sauce.height, sauce.flags, sauce.filesize) == (80, 1, 0x13, len(BODY))
    assert sauce.comments == ["first comment", "second"]
    assert sauce.font == "IBM VGA"


def test_parse_record_without_comments_or_eof_byte() -> None:
    content, sauce = parse_sauce(BODY + sauce_bytes())
    assert content == BODY
    assert sauce is not None and sauce.comments == []


def test_parse_comment_count_without_block_keeps_content() -> None:
    content, sauce = parse_sauce(BODY + b"\x1a" + sauce_bytes(ncomments=3))
    assert content == BODY
    assert sauce is not None and sauce.comments == []


def test_parse_comment_count_larger_than_file() -> None:
    content, sauce = parse_sauce(b"\x1a" + sauce_bytes(ncomments=255))
    assert content == b""
    assert sauce is not None and sauce.comments == []


def test_parse_no_sauce_returns_data_unchanged() -> None:
    assert parse_sauce(b"") == (b"", None)
    assert parse_sauce(b"hello\r\n") == (b"hello\r\n", None)
    assert parse_sauce(BODY * 20) == (BODY * 20, None)


def test_parse_no_sauce_cuts_trailing_eof() -> None:
    assert parse_sauce(BODY + b"\x1a") == (BODY, None)


def test_parse_truncated_record_cut_at_eof() -> None:
    full = sauce_bytes()
    for cut in (5, 7, 40, 94, 127):
        assert parse_sauce(BODY + b"\x1a" + full[:cut]) == (BODY, None), cut
    assert parse_sauce(BODY + b"\x1a" + comnt("x")) == (BODY, None)


def test_parse_truncated_record_without_eof() -> None:
    assert parse_sauce(BODY + sauce_bytes()[:60]) == (BODY, None)


def test_parse_wrong_version_is_not_a_record() -> None:
    content, sauce = parse_sauce(BODY + b"\x1a" + b"SAUCE99" + sauce_bytes()[7:])
    assert sauce is None and content == BODY


def test_parse_never_raises_on_garbage() -> None:
    rng = random.Random(1234)
    pieces = [b"SAUCE00", b"COMNT", b"\x1a", b"\x00" * 10, b"\xff" * 3, sauce_bytes()]
    for _ in range(400):
        data = b"".join(
            rng.choice(pieces) if rng.random() < 0.3 else rng.randbytes(rng.randint(0, 40))
            for _ in range(rng.randint(0, 8))
        )
        content, sauce = parse_sauce(data)
        assert data.startswith(content)
        assert sauce is None or isinstance(sauce, Sauce)


# ---- the real SAUCE test files (shared/, MIT, bengarrett/sauce) ----------------------------------


def test_shared_sauce_full_record() -> None:
    content, sauce = parse_sauce((_shared("sauce-testfiles") / "sauce.txt").read_bytes())
    assert sauce is not None
    assert (sauce.title, sauce.author, sauce.group, sauce.date) == (
        "Sauce title",
        "Sauce author",
        "Sauce group",
        "20161126",
    )
    assert (sauce.datatype, sauce.filetype, sauce.tinfo1, sauce.tinfo2) == (1, 0, 977, 9)
    assert sauce.flags == 0x13 and sauce.font == "IBM VGA"
    assert sauce.comments == ["Any comments go here."]
    assert content.endswith(b"Curae;\r\n")
    assert b"\x1a" not in content and b"COMNT" not in content


def test_shared_sauce_comment_count_without_block() -> None:
    content, sauce = parse_sauce((_shared("sauce-testfiles") / "sauce-nocomnt.txt").read_bytes())
    assert sauce is not None and sauce.title == "Sauce title"
    assert sauce.comments == []
    assert content.endswith(b"Curae;\r\n")


@pytest.mark.parametrize("name", ["error-truncated-record.txt", "empty-id-only.txt"])
def test_shared_sauce_broken_records(name: str) -> None:
    data = (_shared("sauce-testfiles") / name).read_bytes()
    content, sauce = parse_sauce(data)
    assert sauce is None
    assert content.endswith(b"Curae;\r\n")  # the EOF byte and the broken record are gone


def test_shared_ansilove_examples_load_and_render_safely() -> None:
    files = sorted(_shared("ansilove-examples").rglob("*.ans"))
    assert files
    for path in files:
        art = load_art(path)
        assert 0 < art.width <= 80 and art.height > 0, path
        out = render_art(art, 80)
        assert out is not None
        assert_safe(out)
        wide = render_art(art, 81)  # one column spare: every line ends in CR LF
        assert wide is not None and len(wide.split("\r\n")) == art.height
        assert all(len(visible(line)) <= 80 for line in wide.split("\r\n"))
    no_sauce = load_art(_shared("ansilove-examples") / "cleaner" / "cl!-al02.ans")
    assert no_sauce.sauce is None
    glyphs = render_art(load_art(_shared("ansilove-examples") / "cleaner" / "cl!-al05.ans"), 80)
    assert glyphs is not None and "♥" in glyphs  # byte 0x03 is a picture, not a control


# ---- decoding, measuring and rendering ---------------------------------------------------------


def test_cp437_codec_facts() -> None:
    raw = bytes(range(256)).decode("cp437")
    assert raw[0x1B] == "\x1b"  # ESC survives decoding, so SGR sequences stay intact
    assert all(raw[i] == chr(i) for i in range(0x20))  # control bytes stay controls in Python
    assert raw[0x7F] == "\x7f"
    assert raw[0xB0:0xB3] == "░▒▓" and raw[0xDB] == "█" and raw[0xC9] == "╔"
    assert not any(0x80 <= ord(c) < 0xA0 for c in raw)  # no C1 controls come out of cp437


def test_measure_ignores_sgr_and_trailing_blanks() -> None:
    art = Art.from_bytes(b"\x1b[1;31mABC\x1b[0m   \r\n\x1b[44m  \x1b[0m\r\n\r\n")
    assert art.width == 3 and art.height == 2  # blue-background spaces are visible
    assert art.rows[1][0][1].bg == 4
    assert art.text.startswith("\x1b[1;31mABC")


def test_control_bytes_become_cp437_glyphs() -> None:
    out = render_art(Art.from_bytes(b"\x01\x02\x03\x07\x08\x09\x7f"), 80, colors=False)
    assert out == "☺☻♥•◘○⌂"


def test_text_stops_at_first_eof_byte() -> None:
    art = Art.from_bytes(b"abc\x1adef")
    assert art.text == "abc" and render_art(art, 80) == "abc\x1b[0m"


def test_sgr_state_carries_over_lines() -> None:
    out = render_art(Art.from_bytes(b"\x1b[1;34mAB\r\nCD\x1b[0m\r\n"), 80)
    assert out == "\x1b[0;1;34mAB\x1b[0m\r\n\x1b[0;1;34mCD\x1b[0m"


def test_sgr_normalised_to_16_colours() -> None:
    out = render_art(Art.from_bytes(b"\x1b[94;105mX\x1b[38;5;200mY\x1b[22;39;49mZ"), 80)
    assert out == "\x1b[0;1;34;45mXY\x1b[0mZ\x1b[0m"


def test_cursor_forward_becomes_spaces_and_wraps_at_80() -> None:
    art = Art.from_bytes(b"A\x1b[3CB\r\n" + b"x" * 100)
    out = render_art(art, 80, colors=False)
    assert out == "A   B\r\n" + "x" * 80 + "x" * 20  # no CR LF after a line the screen wraps
    assert render_art(art, 81, colors=False) == "A   B\r\n" + "x" * 80 + "\r\n" + "x" * 20
    assert art.width == 80 and art.height == 3


def test_exactly_full_line_then_crlf_is_one_line() -> None:
    art = Art.from_bytes(b"y" * 80 + b"\r\nz\r\n")
    assert art.height == 2


def test_sauce_width_sets_wrap() -> None:
    data = b"w" * 100 + b"\x1a" + sauce_bytes(tinfo=(100, 1, 0, 0))
    art = Art.from_bytes(data)
    assert art.width == 100 and art.height == 1


def test_render_never_crops_letters() -> None:
    art = Art.from_bytes(b"\x1b[1;31m" + b"A" * 20 + b"\x1b[0;32m" + b"B" * 20 + b"\x1b[0m\r\n")
    assert art.width == 40
    assert render_art(art, 39) is None  # one letter would be cut: not drawn at all
    out = render_art(art, 40)
    assert out == "\x1b[0;1;31m" + "A" * 20 + "\x1b[0;32m" + "B" * 20 + "\x1b[0m"


def test_render_drops_only_trailing_blank_cells() -> None:
    art = Art.from_bytes(b"=" * 40 + b"      \r\n" + b"-" * 10 + b"\r\n")
    assert art.width == 40
    assert render_art(art, 41, colors=False) == "=" * 40 + "\r\n" + "-" * 10
    assert render_art(art, 39) is None
    assert render_art(art, 0) is None


def test_render_without_colors_has_no_escapes() -> None:
    out = render_art(Art.from_bytes(b"\x1b[1;33mgold\x1b[0m \x1b[5;41mred\r\n"), 80, colors=False)
    assert out == "gold red"


MALICIOUS = (
    b"\x1b[2J\x1b[H"  # clear screen, home
    b"\x1b]0;pwned title\x07"  # OSC window title, BEL-terminated
    b"\x1b]2;also\x1b\\"  # OSC, ST-terminated
    b"\x1bP1$tevil\x1b\\"  # DCS
    b"\x1b[?25l\x1b[?1049h"  # hide cursor, alternate screen
    b"\x1b[6n"  # device status report: would make the client answer
    b"\x1bc"  # full reset
    b"\x1b[1;31mSafe\x1b[0m"
    b"\x1b[K\x1b[20;5r\x1b[4h"  # erase line, scroll region, insert mode
    b"\x07\x08\x0b\x0c\x0e\x0f\x00 text\r\n"
    b"\x1b[" + b"9" * 5000 + b"C"  # absurd parameter
    b"\x1b[" + b"1;" * 3000 + b"m"
    b"end\x1b["  # dangling CSI at the very end
    b"\x1b]0;unterminated"
)


def test_malicious_art_is_defanged() -> None:
    art = Art.from_bytes(MALICIOUS)
    for cols in (80, 40, 200):
        for colors in (True, False):
            out = render_art(art, cols, colors=colors)
            if out is None:
                continue
            assert_safe(out)
            assert "pwned" not in out and "also" not in out and "evil" not in out
            assert "unterminated" not in out
            assert "Safe" in out and "text" in out
    colored = render_art(art, 80)
    assert colored is not None and "\x1b[0;1;31mSafe" in colored


def test_malicious_file_through_load_art(tmp_path: Path) -> None:
    path = tmp_path / "evil.ans"
    path.write_bytes(MALICIOUS + b"\x1a" + sauce_bytes(title="\x1b[2J"))
    art = load_art(path)
    assert art.name == "evil"
    out = render_art(art, 80)
    assert out is not None
    assert_safe(out)


def test_load_art_refuses_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.ans"
    path.write_bytes(b" " * (MAX_ART_BYTES + 1))
    with pytest.raises(ValueError):
        load_art(path)


# ---- the art library ----------------------------------------------------------------------------


def _write_art(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    body = text.encode("cp437")
    (folder / f"{name}.ans").write_bytes(body + b"\x1a" + sauce_bytes(filesize=len(body)))


def test_library_custom_folder_wins(tmp_path: Path) -> None:
    custom, default = tmp_path / "custom", tmp_path / "default"
    _write_art(custom, "welcome", "CUSTOM WELCOME\r\n")
    _write_art(default, "welcome", "DEFAULT WELCOME\r\n")
    _write_art(default, "goodbye", "DEFAULT GOODBYE\r\n")
    lib = ArtLibrary([custom, default])
    welcome, goodbye = lib.get("welcome"), lib.get("goodbye")
    assert welcome is not None and "CUSTOM" in welcome.text
    assert goodbye is not None and "DEFAULT GOODBYE" in goodbye.text
    assert lib.get("welcome.ans") is welcome
    assert lib.get("missing") is None
    assert lib.names() == ["goodbye", "welcome"]


def test_library_caches_until_cleared(tmp_path: Path) -> None:
    _write_art(tmp_path, "menu", "one\r\n")
    lib = ArtLibrary([tmp_path])
    first = lib.get("menu")
    _write_art(tmp_path, "menu", "two\r\n")
    assert lib.get("menu") is first
    lib.clear()
    again = lib.get("menu")
    assert again is not None and again.text.startswith("two")


def test_library_rejects_paths_and_skips_broken_files(tmp_path: Path) -> None:
    custom, default = tmp_path / "custom", tmp_path / "default"
    _write_art(default, "welcome", "DEFAULT\r\n")
    _write_art(tmp_path, "secret", "SECRET\r\n")
    custom.mkdir()
    (custom / "welcome.ans").write_bytes(b" " * (MAX_ART_BYTES + 1))  # too big: fall back
    lib = ArtLibrary([custom, default, tmp_path / "does-not-exist"])
    welcome = lib.get("welcome")
    assert welcome is not None and welcome.text.startswith("DEFAULT")
    for bad in ("../secret", "/etc/passwd", "", ".", "a/b", "..", "x" * 200):
        assert lib.get(bad) is None, bad
    assert lib.names() == ["welcome"]


def test_standard_library_uses_packaged_art(tmp_path: Path) -> None:
    assert default_art_dir() == PKG_ART.resolve()
    lib = ArtLibrary.standard(tmp_path, interval=0)
    assert lib.dirs == [tmp_path, default_art_dir()]
    assert set(SHIPPED) <= set(lib.names())
    _write_art(tmp_path, "goodbye", "sysop's own goodbye\r\n")
    goodbye, welcome = lib.get("goodbye"), lib.get("welcome")
    assert goodbye is not None and goodbye.text.startswith("sysop")
    assert welcome is not None and welcome.sauce is not None
    assert ArtLibrary.standard().dirs == [default_art_dir()]


# ---- the shipped art -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_copies_are_identical(name: str) -> None:
    top, pkg = TOP_ART / f"{name}.ans", PKG_ART / f"{name}.ans"
    assert top.read_bytes() == pkg.read_bytes(), f"run ansi_art/make_art.py ({name} drifted)"


def test_generator_reproduces_the_files(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("make_art", TOP_ART / "make_art.py")
    assert spec is not None and spec.loader is not None
    make_art = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_art", make_art)  # dataclasses look the module up
    spec.loader.exec_module(make_art)
    assert make_art.main(["--check"]) == 0
    assert set(make_art.ARTS) == set(SHIPPED)
    for name in SHIPPED:
        assert make_art.build(name) == (PKG_ART / f"{name}.ans").read_bytes(), name


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_art_has_valid_sauce(name: str) -> None:
    data = (PKG_ART / f"{name}.ans").read_bytes()
    comnt = 5 + 64 * data[-24] if data[-24] else 0  # the COMNT block before the record
    assert data[-129 - comnt] == 0x1A and data[-128:-121] == b"SAUCE00"
    content, sauce = parse_sauce(data)
    assert sauce is not None
    assert sauce.title.startswith("retroboard")
    assert (sauce.author, sauce.group) == ("retroboard", "retroboard")
    assert re.fullmatch(r"20\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])", sauce.date)
    assert (sauce.datatype, sauce.filetype, sauce.tinfo1) == (1, 1, 80)
    assert data[-24] == len(sauce.comments) >= 1  # a COMNT block: what it is, the licence
    assert any("CC0" in line for line in sauce.comments)
    assert sauce.filesize == len(content)
    lines = content.decode("cp437").split("\r\n")
    assert lines[-1] == ""
    assert sauce.tinfo2 == len(lines) - 1


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_art_format(name: str) -> None:
    content, _ = parse_sauce((PKG_ART / f"{name}.ans").read_bytes())
    text = content.decode("cp437")
    lines = text.split("\r\n")[:-1]
    low, high = HEIGHTS[name]
    assert low <= len(lines) <= high
    for line in lines:
        assert line.endswith("\x1b[0m")
        assert "\n" not in line and "\r" not in line
        assert len(visible(line)) <= 79
        for params in re.findall(r"\x1b\[([0-9;]*)m", line):
            codes = {int(p) for p in params.split(";")}
            assert codes <= {0, 1, 5, *range(30, 38), *range(40, 48)}, params
    assert_safe(text)  # SGR only: no cursor movement in the files
    assert any(c in text for c in "░▒▓█▀▄")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_art_renders(name: str) -> None:
    data = (PKG_ART / f"{name}.ans").read_bytes()
    content, _ = parse_sauce(data)
    art = load_art(PKG_ART / f"{name}.ans")
    assert art.width <= 79
    full = render_art(art, 80)
    assert full is not None
    assert full == content.decode("cp437").removesuffix("\r\n")  # nothing lost or added
    assert full.encode("cp437") + b"\r\n" == content  # round-trips for CP437 clients
    assert "?" not in full.encode("utf-8", errors="replace").decode("utf-8")
    plain = render_art(art, 80, colors=False)
    assert plain is not None and "\x1b" not in plain
    for cols in (40, 60, 70, 79):
        out = render_art(art, cols)
        if art.width > cols:  # never cropped: the screen shows its text instead
            assert out is None, cols
        else:
            assert out is not None, cols
            spare = render_art(art, cols + 1)  # (no CR LF after a line as wide as the screen)
            assert spare is not None
            assert all(len(visible(line)) <= cols for line in spare.split("\r\n"))
            assert all(line.endswith("\x1b[0m") for line in spare.split("\r\n"))


def _screen(text: str, cols: int, rows: int) -> list[str]:
    pyte = pytest.importorskip("pyte")
    screen = pyte.Screen(cols, rows)
    pyte.Stream(screen).feed(text)
    return list(screen.display)


def test_welcome_on_a_real_screen() -> None:
    art = load_art(PKG_ART / "welcome.ans")
    text = render_art(art, 80)
    assert text is not None
    display = _screen(text, 80, 24)
    assert any("A BBS and Usenet board" in row and "telnet" in row for row in display)
    assert any("est. 2026" in row for row in display)
    logo = [row for row in display if row.count("█") >= 10]
    assert 3 <= len(logo) <= 8
    assert all(row.rstrip() == row[: len(row.rstrip())] for row in display)
    assert display[art.height :] == [" " * 80] * (24 - art.height)  # no stray cursor moves


def test_goodbye_and_menu_on_a_real_screen() -> None:
    bye = render_art(load_art(PKG_ART / "goodbye.ans"), 80)
    menu = render_art(load_art(PKG_ART / "menu_header.ans"), 80)
    assert bye is not None and menu is not None
    shown = "\n".join(_screen(bye, 80, 24))
    assert "ATH0" in shown and "dial back soon" in shown
    # the board's name and NO CARRIER are the goodbye screen's text lines, never the art's
    assert "NO CARRIER" not in shown and "R E T R O" not in shown
    assert any("M A I N   M E N U" in row for row in _screen(menu, 80, 24))


def test_module_imports_only_stdlib_and_term() -> None:
    source = Path(art_mod.__file__).read_text()
    imported = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", source, re.M)
    for mod in imported:
        assert mod.split(".")[0] in {
            "__future__",
            "logging",
            "os",
            "re",
            "time",
            "struct",
            "collections",
            "dataclasses",
            "pathlib",
            "importlib",
            "typing",
        } or mod.startswith("retroboard.term"), mod


def test_art_symlinked_outside_the_art_folder_is_ignored(tmp_path: Path) -> None:
    from retroboard.ui.art import ArtLibrary

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the sysop's secret\n")
    art = tmp_path / "art"
    art.mkdir()
    (art / "welcome.ans").symlink_to(secret)
    (art / "inside.ans").write_bytes(b"\x1b[1;32mhello\x1b[0m\r\n")
    (art / "goodbye.ans").symlink_to(art / "inside.ans")  # a link within the folder is fine
    lib = ArtLibrary([art])
    assert lib.get("welcome") is None
    inside = lib.rendered("goodbye", 80)
    assert inside is not None and "hello" in inside

"""The drawn screens in ansi_art/: SAUCE'd, 80 wide, filling the screen, what make_art.py makes,
and short enough to leave their screens room for the text printed under them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from retroboard.ui.art import Art, parse_sauce

REPO = Path(__file__).resolve().parents[2]
TOP_ART = REPO / "ansi_art"
PKG_ART = REPO / "src" / "retroboard" / "art"
SCREENS = (
    "welcome",
    "newuser",
    "mainmenu",
    "areas",
    "mail",
    "teleconference",
    "whosonline",
    "goodbye",
)
MIN_DRAWN = 12  # of 24 rows: a screen, not only a logo
# Rows the screen prints under its art, and the cursor's row, on 80x24 (the header kind):
# welcome: the greeting, connection, hint, charset lines and the handle prompt; newuser: the
# whole application form (10 lines); goodbye: thanks, the call's length, NO CARRIER, the cursor.
TEXT_BELOW = {"welcome": 5, "newuser": 11, "goodbye": 4}
SPLASH_MAX = 23  # a splash, drawn over by its full-screen list, must not scroll


def drawn_rows(art: Art) -> int:
    """Rows with something to see on an empty screen: a character or a coloured background."""
    return sum(
        1 for row in art.rows if any(ch.strip() or style.bg is not None for ch, style in row)
    )


def packaged() -> list[Path]:
    return sorted(PKG_ART.glob("*.ans"))


def test_every_screen_is_packaged_and_in_ansi_art() -> None:
    names = {p.stem for p in packaged()}
    assert set(SCREENS) <= names
    assert {p.stem for p in TOP_ART.glob("*.ans")} == names


@pytest.mark.parametrize("path", packaged(), ids=lambda p: p.stem)
def test_packaged_art_has_sauce_and_is_80_wide(path: Path) -> None:
    data = path.read_bytes()
    content, sauce = parse_sauce(data)
    assert sauce is not None, "no SAUCE record"
    assert (sauce.datatype, sauce.filetype, sauce.width) == (1, 1, 80)
    assert (sauce.author, sauce.group) == ("retroboard", "retroboard")
    assert sauce.flags & 1 == 0, "iCE flag set, but the art uses backgrounds 0-7 only"
    assert any("CC0" in line for line in sauce.comments), sauce.comments
    art = Art.from_bytes(data, path.stem)
    assert 0 < art.width < 80  # a CR LF after column 80 would make a blank line on ANSI.SYS
    assert sauce.height == art.height
    lines = content.decode("cp437").split("\r\n")
    assert lines[-1] == "" and all(line.endswith("\x1b[0m") for line in lines[:-1])
    assert b"\n" not in content.replace(b"\r\n", b"")  # CR LF only


@pytest.mark.parametrize("name", SCREENS)
def test_each_screen_fills_at_least_half_the_screen(name: str) -> None:
    art = Art.from_bytes((PKG_ART / f"{name}.ans").read_bytes(), name)
    assert drawn_rows(art) >= MIN_DRAWN, f"{name}: {drawn_rows(art)} rows drawn"
    assert art.height <= 24 - TEXT_BELOW.get(name, 24 - SPLASH_MAX), (name, art.height)


def load_generator(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_art", TOP_ART / "make_art.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_art", module)  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


def test_make_art_regenerates_the_checked_in_files(monkeypatch: pytest.MonkeyPatch) -> None:
    make_art = load_generator(monkeypatch)
    assert set(make_art.ARTS) == {p.stem for p in packaged()}
    for name in make_art.ARTS:
        made = make_art.build(name)
        assert made == make_art.build(name), f"{name}: not the same bytes twice"
        for folder in (TOP_ART, PKG_ART):
            assert made == (folder / f"{name}.ans").read_bytes(), f"{folder}/{name}.ans"


def test_drawn_rows_counts_backgrounds_and_characters() -> None:
    art = Art.from_bytes(b"x\r\n\r\n\x1b[44m \x1b[0m\r\n   \r\n\x1b[31m\xdb\x1b[0m\r\n")
    assert drawn_rows(art) == 3

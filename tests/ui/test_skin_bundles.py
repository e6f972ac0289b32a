"""Skin bundles through the screens: a skin's own menus, key bindings and art reach its callers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from retroboard.ui.art import ArtLibrary, default_art_dir, load_art
from retroboard.ui.menus import MENU_DIR, MenuError
from retroboard.ui.skin import SKIN_DIR, SkinError, load_skins
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import make_user, post
from tests.ui.test_login_register import register
from tests.ui.test_reader import read_first

MAIN = """
title = "Era Menu"
[[items]]
key = "M"
label = "Message groups"
target = "groups"
[[items]]
key = "X"
label = "More things"
target = "menu:more"
[[items]]
key = "G"
label = "Goodbye"
target = "logoff"
"""

MORE = """
title = "More Things"
[[items]]
key = "I"
label = "Information about this board"
target = "info"
[[items]]
key = "G"
label = "Goodbye"
target = "logoff"
"""


def bundle(tmp_path: Path, skins: dict[str, str], menus: dict[str, str]) -> tuple[Path, Path]:
    """A skin folder (the shipped skins plus `skins`, name -> TOML) and a menu folder (`menus`,
    "folder/name" -> TOML) in tmp."""
    skin_dir, menu_dir = tmp_path / "skins", tmp_path / "menus"
    skin_dir.mkdir(parents=True)
    for path in SKIN_DIR.glob("*.toml"):
        shutil.copy(path, skin_dir)
    for folder in MENU_DIR.iterdir():  # the shipped skins' own menu folders (the eras')
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            shutil.copytree(folder, menu_dir / folder.name)
    for name, text in skins.items():
        (skin_dir / f"{name}.toml").write_text(text)
    for name, text in menus.items():
        (menu_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (menu_dir / f"{name}.toml").write_text(text)
    return skin_dir, menu_dir


async def test_a_skin_with_its_own_main_menu_shows_it_and_takes_the_rest_from_its_parent(
    offline_board: Any, tmp_path: Path
) -> None:
    skin_dir, menu_dir = bundle(
        tmp_path,
        {
            "era": 'inherit = "default"\nmenus = "era"\n',
            "era2": 'inherit = "era"\nmenus = "era2"\n',  # its own main; `more` is era's
        },
        {"era/more": MORE, "era2/main": MAIN},
    )
    offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir)
    offline_board.board_info.default_skin = "era2"
    c = await register(offline_board)
    screen = await c.wait_for(r"Era Menu")
    assert "Message groups" in screen and "More things" in screen
    assert "New-scan" not in screen  # the default main menu's items are not there
    await c.type("x")
    await c.wait_for(r"More Things")  # the parent skin's menu, opened from era2's own main
    await c.hangup()


async def test_the_default_skin_keeps_the_default_menus(offline_board: Any, tmp_path: Path) -> None:
    skin_dir, menu_dir = bundle(
        tmp_path,
        {"era": 'inherit = "default"\nmenus = "era"\n'},
        {"era/main": MAIN, "era/more": MORE},
    )
    offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir)
    c = await register(offline_board)
    screen = await c.wait_for(r"New-scan")
    assert "Era Menu" not in screen
    await c.hangup()


def test_a_broken_skin_menu_stops_start_up_naming_the_skin(
    offline_board: Any, tmp_path: Path
) -> None:
    broken = MAIN.replace('"groups"', '"nowhere"')
    skin_dir, menu_dir = bundle(
        tmp_path,
        {"era": 'inherit = "default"\nmenus = "era"\n'},
        {"era/main": broken, "era/more": MORE},
    )
    with pytest.raises(MenuError, match=r"skin era: .*unknown target 'nowhere'"):
        offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir)
    skin_dir, menu_dir = bundle(
        tmp_path / "b", {"era": 'inherit = "default"\nmenus = "gone"\n'}, {}
    )
    with pytest.raises(MenuError, match=r"skin era: menu folder 'gone' is missing"):
        offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir)


async def test_a_skin_that_binds_reader_quit_to_x_leaves_the_reader_on_x_and_its_help_says_so(
    offline_board: Any, tmp_path: Path
) -> None:
    # x is rot13 in the reader: binding quit to x alone is a clash, refused at start
    clash = 'inherit = "default"\n[keys.reader]\nquit = ["x"]\n'
    skin_dir, menu_dir = bundle(tmp_path / "a", {"era": clash}, {})
    with pytest.raises(SkinError, match=r"skin era: \[keys.reader\]: key 'x' is bound to both"):
        offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir)
    era = clash + 'rot13 = ["X", "d"]\n'
    skin_dir, menu_dir = bundle(tmp_path / "b", {"era": era}, {})
    offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir)
    offline_board.board_info.default_skin = "era"
    ada = await make_user(offline_board, "ada")
    await post(offline_board, ada, "Amiga 500 memory upgrade", "I have 512K.")
    c = await read_first(offline_board, ada)
    await c.type("?")
    help_text = await c.wait_for(r"back")
    assert re.search(r"^\W*x\s+back", help_text, re.M), help_text  # the quit row shows x
    assert not re.search(r"q\s+Esc", help_text)
    await c.type(" ")  # leave the help: the article again
    await c.wait_for(r"^Subject: Amiga")
    await c.type("q")  # no longer a key here
    await c.wait_for(r"Unknown command")
    await c.type("x")
    await c.wait_for(r"^Enter read")  # back at the thread list
    await c.hangup()


def test_a_skins_art_folders_come_after_the_sysops_art_and_before_the_default(
    tmp_path: Path,
) -> None:
    root, sysop = tmp_path / "art", tmp_path / "data-art"
    for folder, name, text in (
        (root / "era", "welcome", b"ERA WELCOME\r\n"),
        (root / "era", "goodbye", b"ERA GOODBYE\r\n"),
        (root / "base", "goodbye", b"BASE GOODBYE\r\n"),
        (root / "base", "extra", b"BASE EXTRA\r\n"),
        (sysop, "goodbye", b"SYSOP GOODBYE\r\n"),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.ans").write_bytes(text)
    lib = ArtLibrary.standard(sysop, ("era", "base"), root)  # era inherits from base
    assert lib.rendered("welcome", 80, colors=False) == "ERA WELCOME"
    assert lib.rendered("extra", 80, colors=False) == "BASE EXTRA"  # the parent skin's
    assert lib.rendered("goodbye", 80, colors=False) == "SYSOP GOODBYE"  # the sysop's wins
    shipped = load_art(default_art_dir() / "menu_header.ans")
    assert lib.get("menu_header") == shipped  # none of them has it: the packaged art
    with pytest.raises(ValueError, match="art folder 'gone' is missing"):
        ArtLibrary.standard(sysop, ("gone",), root)


async def test_a_skins_art_folder_draws_its_welcome_and_the_sysops_art_still_wins(
    offline_board: Any, tmp_path: Path
) -> None:
    root = tmp_path / "art"
    (root / "era").mkdir(parents=True)
    (root / "era" / "welcome.ans").write_bytes(b"\x1b[1;33mERA WELCOME\r\n")
    skin_dir, menu_dir = bundle(tmp_path, {"era": 'inherit = "default"\nart_folder = "era"\n'}, {})
    offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir, art_root=root)
    offline_board.board_info.default_skin = "era"
    c = FakeCaller(offline_board)
    screen = await c.wait_for(r"Handle:")
    assert "ERA WELCOME" in screen
    await c.hangup()
    sysop = offline_board.settings.art_dir
    sysop.mkdir(parents=True, exist_ok=True)
    (sysop / "welcome.ans").write_bytes(b"SYSOP WELCOME\r\n")
    offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir, art_root=root)
    c = FakeCaller(offline_board)
    screen = await c.wait_for(r"Handle:")
    assert "SYSOP WELCOME" in screen and "ERA WELCOME" not in screen
    await c.hangup()
    with pytest.raises(SkinError, match="skin era: art folder 'era' is missing"):
        offline_board.use_skins(load_skins(skin_dir), menu_dir=menu_dir, art_root=tmp_path)

"""Menus are data: the shipped menus are valid, and the checker rejects broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from retroboard.domain.users import Level
from retroboard.ui.art import ArtLibrary, default_art_dir
from retroboard.ui.menus import MenuError, load_menus, parse_menu, skin_menus, validate_menus
from retroboard.ui.registry import MENU_TARGETS


def test_shipped_menus_validate() -> None:
    art = ArtLibrary([default_art_dir()])
    menus = load_menus()
    validate_menus(menus, MENU_TARGETS, lambda n: art.get(n) is not None)
    main = menus["main"]
    assert main.find("g", Level.USER) is not None
    assert all(len(i.key) == 1 for i in main.items)


GOOD = """
title = "T"
[[items]]
key = "A"
label = "Alpha"
target = "info"
[[items]]
key = "G"
label = "Goodbye"
target = "logoff"
"""


def check(text: str, art: bool = True) -> None:
    validate_menus({"main": parse_menu("main", text)}, {"info"}, lambda n: art)


def test_good_menu_passes() -> None:
    check(GOOD)


def test_unknown_target_rejected() -> None:
    with pytest.raises(MenuError, match="unknown target"):
        check(GOOD.replace('"info"', '"nowhere"'))


def test_duplicate_hotkey_rejected() -> None:
    with pytest.raises(MenuError, match="hotkey G"):
        check(GOOD.replace('key = "A"', 'key = "g"'))


def test_missing_art_rejected() -> None:
    with pytest.raises(MenuError, match="art"):
        check('art = "nope"\n' + GOOD, art=False)


def test_level_hides_items() -> None:
    menu = parse_menu("m", GOOD.replace('target = "info"', 'target = "info"\nlevel = "sysop"'))
    assert menu.find("a", Level.USER) is None
    assert menu.find("a", Level.SYSOP) is not None


def test_a_skins_menus_come_from_its_folder_then_its_parents_then_the_default(
    tmp_path: Path,
) -> None:
    base = {"main": parse_menu("main", GOOD), "files": parse_menu("files", GOOD)}
    (tmp_path / "era").mkdir()
    (tmp_path / "era" / "main.toml").write_text(GOOD.replace('"T"', '"Era"'))
    (tmp_path / "era" / "extra.toml").write_text(GOOD.replace('"T"', '"Era extra"'))
    (tmp_path / "era2").mkdir()
    (tmp_path / "era2" / "extra.toml").write_text(GOOD.replace('"T"', '"Era2 extra"'))
    menus = skin_menus(("era2", "era"), base, tmp_path)  # era2 inherits from era
    assert menus["main"].title == "Era"  # the parent's
    assert menus["extra"].title == "Era2 extra"  # its own wins over the parent's
    assert menus["files"] is base["files"]  # neither has it: the default menus'
    assert skin_menus((), base, tmp_path) == base
    with pytest.raises(MenuError, match="menu folder 'nope' is missing"):
        skin_menus(("nope",), base, tmp_path)

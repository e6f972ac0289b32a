"""Menus are data: the shipped menus are valid, and the checker rejects broken ones."""

from __future__ import annotations

import pytest

from retroboard.domain.users import Level
from retroboard.ui.art import ArtLibrary, default_art_dir
from retroboard.ui.menus import MenuError, load_menus, parse_menu, validate_menus
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

"""Menus as data: load TOML menu files and check them against the screen registry and art.

Besides its `[[items]]` (hotkey, label, target, level), a menu file may name `screen`, a screen
(registry name) that shows the menu in its own way instead of the hotkey menu (the 1994 era's
keyword screen), and a `[keywords]` table, `WORD = "target"`, the words that screen takes; each
target is checked like an item's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from retroboard.domain.users import Level

MENU_DIR = Path(__file__).resolve().parent / "menus"
LOGOFF = "logoff"


class MenuError(Exception):
    """A menu file is wrong (unknown target, duplicate hotkey, missing art...)."""


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    target: str
    level: Level


@dataclass(frozen=True)
class Menu:
    name: str
    title: str
    art: str | None
    items: tuple[MenuItem, ...]
    screen: str | None = None  # the screen that shows this menu (None: the hotkey menu)
    keywords: tuple[tuple[str, str], ...] = ()  # (WORD, target), in the file's order
    art_tall: str | None = None  # bigger art, shown instead of `art` on a tall screen

    def visible(self, level: Level) -> list[MenuItem]:
        return [i for i in self.items if level >= i.level]

    def find(self, key: str, level: Level) -> MenuItem | None:
        for item in self.visible(level):
            if item.key.lower() == key.lower():
                return item
        return None


def parse_menu(name: str, text: str) -> Menu:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MenuError(f"menu {name}: {exc}") from None
    items = []
    for n, raw in enumerate(doc.get("items", []), 1):
        try:
            key, label, target = str(raw["key"]), str(raw["label"]), str(raw["target"])
            level = Level.parse(str(raw.get("level", "user")))
        except (KeyError, ValueError) as exc:
            raise MenuError(f"menu {name}, item {n}: {exc}") from None
        if len(key) != 1 or not key.isprintable() or key == "?":
            raise MenuError(f"menu {name}, item {n}: hotkey must be one character other than ?")
        items.append(MenuItem(key.upper(), label, target, level))
    if not items:
        raise MenuError(f"menu {name}: no items")
    screen = doc.get("screen")
    if screen is not None and not isinstance(screen, str):
        raise MenuError(f"menu {name}: screen must be a screen's name")
    table = doc.get("keywords", {})
    if not isinstance(table, dict):
        raise MenuError(f"menu {name}: keywords must be a table WORD = target")
    keywords = []
    for word, target in table.items():
        if not str(word).isalnum() or not isinstance(target, str):
            raise MenuError(f"menu {name}: keyword {word!r} must be one word = a target")
        keywords.append((str(word).upper(), target))
    if len({w for w, _ in keywords}) != len(keywords):
        raise MenuError(f"menu {name}: a keyword is listed twice")
    return Menu(
        name=name,
        title=str(doc.get("title", name.title())),
        art=doc.get("art"),
        items=tuple(items),
        screen=screen,
        keywords=tuple(keywords),
        art_tall=doc.get("art_tall"),
    )


def load_menus(directory: Path = MENU_DIR) -> dict[str, Menu]:
    return {
        p.stem: parse_menu(p.stem, p.read_text("utf-8")) for p in sorted(directory.glob("*.toml"))
    }


def skin_menus(
    folders: Sequence[str], base: Mapping[str, Menu], directory: Path = MENU_DIR
) -> dict[str, Menu]:
    """A skin's menus: `base` with the menus of each folder under `directory` laid over it, the
    last folder (the farthest ancestor's) first, so the skin's own folder wins and a menu no
    folder has comes from `base`. Raises MenuError for a missing folder or a broken file."""
    menus = dict(base)
    for folder in reversed(folders):
        path = directory / folder
        if not path.is_dir():
            raise MenuError(f"menu folder {folder!r} is missing ({path})")
        menus.update(load_menus(path))
    return menus


def validate_menus(
    menus: dict[str, Menu], screens: Iterable[str], art_exists: Callable[[str], bool]
) -> None:
    """Raise MenuError for an unknown target, a duplicate hotkey or a missing art file."""
    known = set(screens)
    if "main" not in menus:
        raise MenuError("there is no main menu (menus/main.toml)")
    for menu in menus.values():
        if menu.screen is not None and menu.screen not in known:
            raise MenuError(f"menu {menu.name}: screen {menu.screen!r} is not a known screen")
        for word, target in menu.keywords:
            if target.startswith("menu:") and target[5:] in menus:
                continue
            if target != LOGOFF and target not in known:
                raise MenuError(f"menu {menu.name}: keyword {word} has unknown target {target!r}")
        seen: dict[str, str] = {}
        for item in menu.items:
            if item.key in seen:
                raise MenuError(
                    f"menu {menu.name}: hotkey {item.key} is used by both "
                    f"'{seen[item.key]}' and '{item.label}'"
                )
            seen[item.key] = item.label
            target = item.target
            if target.startswith("menu:"):
                if target[5:] not in menus:
                    raise MenuError(
                        f"menu {menu.name}: item '{item.label}' opens unknown menu {target[5:]!r}"
                    )
            elif target != LOGOFF and target not in known:
                raise MenuError(
                    f"menu {menu.name}: item '{item.label}' has unknown target {target!r}"
                )
        for art in (menu.art, menu.art_tall):
            if art and not art_exists(art):
                raise MenuError(f"menu {menu.name}: art file {art!r} is missing")
        if not any(i.target == LOGOFF for i in menu.items) and menu.name == "main":
            raise MenuError("menu main: there is no way to log off")

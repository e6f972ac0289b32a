"""Skins: theme colours, art, strings and layout of the whole board as data, one per session.

A skin is a TOML file in ui/skins/ (see default.toml). `inherit` names a skin whose strings and
theme it starts from. `linear = true` (the plain skin) means no cursor addressing and no colour:
the session's terminal profile is narrowed to that, so every screen reads top to bottom as
text, menus show numbered choices, and notices go between lines.

The keys of a skin file (each one inherited from the parent unless the skin sets it):

- `inherit`: the parent skin's name; `description`: one line shown in the skin picker.
- `linear`, `colour`, `art` (true/false): layout, colour and whether art is drawn at all.
- `first_screen`: the screen a caller starts at (the login flow), a registry name.
- `menus = "<folder>"`: the skin's own menus, ui/menus/<folder>/*.toml in the format of
  ui/menus/*.toml; a menu the folder lacks comes from the parent skin's folder, then from
  ui/menus. Loaded and checked once at start (a broken one stops start-up).
- `art_folder = "<name>"`: the skin's own art, a folder of .ans files under src/retroboard/art/
  (art/<name>/); a piece it lacks comes from the parent skin's folder, then the default art.
  A sysop's art (the data folder's art/) still wins over both.
- `[keys.<screen>]`: the skin's keys for a screen's actions, `action = ["k1", "k2"]` (e.g.
  `[keys.reader] quit = ["q", "Q"]`); <screen> is the registry name (ui/registry.py), the
  actions and key names those of the screen's Bindings table; `?` help shows the new keys.
  Checked against the screens' tables once at start (`key_tables`): an unknown screen or
  action, or a key then running two actions, stops start-up. Texts naming keys (hints such as
  "[npq]") are strings: a skin that moves keys rewords them too.
- `era = "1978"` (with `era_name = "CBBS, the first BBS"`): the skin is a way back in time,
  offered in the era picker (settings) with that year; skins without `era` are not eras.
- `bps = 2400`: the modem speed the era's output is paced at (domain.modem.MODEM_SPEEDS, 0 for
  unthrottled). A member's own speed wins over it; it wins over the board's `modem_bps`.
- `columns = 64`: the widest the session's screens are drawn (a 1978 terminal had 64); 0 for
  the terminal's own width.
- `upper = true`: everything sent is in upper case, as on an upper-case-only teletype.
- `[strings]`, `[help]`: every user-visible text; `[theme]`: rich styles by name.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from rich.theme import Theme

from retroboard.domain.modem import is_speed
from retroboard.ui.bindings import Bindings

SKIN_DIR = Path(__file__).resolve().parent / "skins"
DEFAULT = "default"
_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # a plain folder name, never a path


class SkinError(Exception):
    """A skin file is wrong (unknown parent, bad TOML, a string the default lacks)."""


@dataclass(frozen=True)
class Skin:
    """One skin: look, texts and layout (see the module docstring)."""

    name: str
    description: str = ""
    linear: bool = False
    colour: bool = True
    art: bool = True
    first_screen: str = "login"
    # menu folders under ui/menus, the skin's own first, then its ancestors' (see the docstring)
    menus: tuple[str, ...] = ()
    # [keys.<screen>]: screen name -> action -> its keys, merged over the parent's
    keys: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # art folders under src/retroboard/art, the skin's own first, then its ancestors'
    art_folders: tuple[str, ...] = ()
    strings: Mapping[str, str] = field(default_factory=dict)
    styles: Mapping[str, str] = field(default_factory=dict)
    era: str = ""  # the year this skin takes a caller back to ("" = not an era)
    era_name: str = ""  # what the era was ("CBBS, the first BBS")
    bps: int | None = None  # the era's modem speed (None: no speed of its own)
    columns: int = 0  # draw at most this many columns (0: the terminal's width)
    upper: bool = False  # all output in upper case

    def text(self, key: str, **values: object) -> str:
        """The skin's text for `key` with {placeholders} filled; with `count=1` the key's
        singular form `<key>_one` when the skin has one ("1 member", not "1 members"). Raises
        KeyError for a key no skin defines (a programming error, caught by the skin tests)."""
        if values.get("count") == 1 and key + "_one" in self.strings:
            key += "_one"
        template = self.strings[key]
        return template.format(**values) if values else template

    @cached_property
    def theme(self) -> Theme:
        """The skin's styles as a rich Theme, made once (sessions' consoles are shared by it)."""
        return Theme(dict(self.styles), inherit=False)


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SkinError(f"skin {path.stem}: {exc}") from None


def load_skins(directory: Path = SKIN_DIR) -> dict[str, Skin]:
    """Every skin in `directory` by name. Raises SkinError for a broken or incomplete one."""
    raw = {p.stem: _read(p) for p in sorted(directory.glob("*.toml"))}
    if DEFAULT not in raw:
        raise SkinError(f"there is no {DEFAULT} skin ({directory}/{DEFAULT}.toml)")
    skins: dict[str, Skin] = {}

    def build(name: str, seen: tuple[str, ...] = ()) -> Skin:
        if name in skins:
            return skins[name]
        if name not in raw:
            raise SkinError(f"skin {seen[-1] if seen else name}: unknown parent skin {name!r}")
        if name in seen:
            raise SkinError(f"skin {name}: inherits from itself")
        doc = raw[name]
        parent_name = doc.get("inherit")
        parent = build(str(parent_name), (*seen, name)) if parent_name else None
        strings = dict(parent.strings) if parent else {}
        styles = dict(parent.styles) if parent else {}
        for table in ("strings", "help"):  # [help]: the `?` texts, looked up like the strings
            strings.update({str(k): str(v) for k, v in dict(doc.get(table, {})).items()})  # type: ignore[call-overload]
        styles.update({str(k): str(v) for k, v in dict(doc.get("theme", {})).items()})  # type: ignore[call-overload]

        def flag(key: str, default: bool) -> bool:
            value = doc.get(key)
            return bool(value) if value is not None else default

        def folders(key: str, inherited: tuple[str, ...]) -> tuple[str, ...]:
            value = doc.get(key)
            if value is None:
                return inherited
            if not isinstance(value, str) or not _FOLDER.fullmatch(value):
                raise SkinError(f"skin {name}: {key} must be a plain folder name, not {value!r}")
            return (value, *inherited)

        keys = {
            screen: dict(actions) for screen, actions in (parent.keys if parent else {}).items()
        }
        keymap = doc.get("keys", {})
        if not isinstance(keymap, dict):
            raise SkinError(f"skin {name}: keys must be tables [keys.<screen>]")
        for screen, actions in keymap.items():
            if not isinstance(actions, dict):
                raise SkinError(f"skin {name}: [keys.{screen}] must be a table action = [keys]")
            for action, names in actions.items():
                if not isinstance(names, list) or not all(isinstance(k, str) for k in names):
                    raise SkinError(f"skin {name}: [keys.{screen}] {action} must be a list of keys")
                keys.setdefault(str(screen), {})[str(action)] = tuple(names)

        def number(key: str, inherited: int | None, valid: Callable[[int], bool]) -> int | None:
            value = doc.get(key)
            if value is None:
                return inherited
            if isinstance(value, bool) or not isinstance(value, int) or not valid(value):
                raise SkinError(f"skin {name}: {key} = {value!r} is not allowed")
            return value

        era = str(doc.get("era", parent.era if parent else ""))
        if era and not re.fullmatch(r"\d{4}", era):
            raise SkinError(f'skin {name}: era must be a year such as "1983", not {era!r}')
        skin = Skin(
            name=name,
            era=era,
            era_name=str(doc.get("era_name", parent.era_name if parent else "")),
            bps=number("bps", parent.bps if parent else None, is_speed),
            columns=number("columns", parent.columns if parent else 0, lambda c: 0 <= c <= 400)
            or 0,
            upper=flag("upper", parent.upper if parent else False),
            description=str(doc.get("description", parent.description if parent else "")),
            linear=flag("linear", parent.linear if parent else False),
            colour=flag("colour", parent.colour if parent else True),
            art=flag("art", parent.art if parent else True),
            first_screen=str(doc.get("first_screen", parent.first_screen if parent else "login")),
            menus=folders("menus", parent.menus if parent else ()),
            art_folders=folders("art_folder", parent.art_folders if parent else ()),
            keys=MappingProxyType({s: MappingProxyType(a) for s, a in keys.items()}),
            strings=MappingProxyType(strings),
            styles=MappingProxyType(styles),
        )
        skins[name] = skin
        return skin

    for name in raw:
        build(name)
    missing = {n: set(skins[DEFAULT].strings) - set(s.strings) for n, s in skins.items()}
    for name, keys in missing.items():
        if keys:
            raise SkinError(f"skin {name}: missing strings {sorted(keys)}")
    return skins


def key_tables(
    skins: Mapping[str, Skin], tables: Mapping[str, Bindings]
) -> dict[tuple[str, Bindings], Bindings]:
    """Each skin's rebound tables: (skin name, a screen's table) -> that table with the skin's
    `[keys.<screen>]` applied, for every screen a skin rebinds (`tables`: screen name -> its
    Bindings). Raises SkinError naming the skin and screen for an unknown screen, an unknown
    action or a key clash (called at start, so a broken skin never reaches a caller)."""
    out: dict[tuple[str, Bindings], Bindings] = {}
    for skin in skins.values():
        for screen, mapping in skin.keys.items():
            table = tables.get(screen)
            if table is None:
                raise SkinError(
                    f"skin {skin.name}: [keys.{screen}] names no screen with key bindings "
                    f"(known: {', '.join(sorted(tables))})"
                )
            try:
                out[(skin.name, table)] = table.rebind(mapping)
            except ValueError as exc:
                raise SkinError(f"skin {skin.name}: [keys.{screen}]: {exc}") from None
    return out

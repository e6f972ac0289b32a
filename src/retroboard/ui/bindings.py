"""Key bindings as data: (keys, action, help) rows from which dispatch and `?` help both come.

A screen declares its bindings once; `Bindings.action(key)` names the action a key runs and
`Bindings.help_rows()` is the `?` help, so the two can never disagree. The help texts are skin
keys, not texts: this module knows no session, the help drawer (ui.screens.kit.show_help)
looks them up in the caller's skin. A key no binding names gets the same feedback everywhere
(`unknown_key` in the skin: a bell and "Unknown command, ? for help").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

KEY_LABELS = {
    " ": "Space",
    "enter": "Enter",
    "escape": "Esc",
    "backspace": "Backspace",
    "tab": "Tab",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "pgup": "PgUp",
    "pgdn": "PgDn",
    "delete": "Del",
    "insert": "Ins",
}


def key_label(name: str) -> str:
    """How a key name is shown in help: `ctrl-l` as ^L, `pgdn` as PgDn, letters as themselves."""
    if name.startswith("ctrl-") and len(name) == 6:
        return "^" + name[-1].upper()
    return KEY_LABELS.get(name, name)


@dataclass(frozen=True)
class HelpRow:
    """One line of `?` help: `help` is the skin key of what the keys do; the key column is the
    skin key `label` when given, else `keys` (made from the key names)."""

    keys: str
    help: str
    label: str = ""

    def resolve(self, text: Callable[[str], str]) -> tuple[str, str]:
        """(key column, what the keys do) with the skin keys looked up through `text`."""
        return (text(self.label) if self.label else self.keys, text(self.help) if self.help else "")


@dataclass(frozen=True)
class Binding:
    """Keys that run one action. `help` is the skin key of its line in `?` (e.g.
    `help_reader_space`); `label`, when given, is the skin key of the key column (e.g. "b  PgUp"
    for a row that names its keys in its own way); `hidden` keeps an alias out of the help
    (e.g. ctrl-p beside Up) and needs no help key."""

    keys: tuple[str, ...]
    action: str
    help: str = ""
    label: str = ""
    hidden: bool = False

    @property
    def shown_keys(self) -> str:
        """The key column made from the key names (used when there is no `label`)."""
        return "  ".join(key_label(k) for k in self.keys)

    @property
    def help_row(self) -> HelpRow:
        return HelpRow(self.shown_keys, self.help, self.label)


class Bindings:
    """A screen's bindings: key -> action, and the help they make. Raises ValueError when one
    key is bound to two actions or a binding shown in the help has no help key (caught by the
    screens' tests at import, not at a caller's keypress)."""

    def __init__(self, bindings: Iterable[Binding]) -> None:
        self._items = tuple(bindings)
        self._by_key: dict[str, str] = {}
        for b in self._items:
            if not b.hidden and not b.help:
                raise ValueError(f"action {b.action!r} is shown in the help but has no help key")
            for key in b.keys:
                if key in self._by_key and self._by_key[key] != b.action:
                    raise ValueError(
                        f"key {key!r} is bound to both {self._by_key[key]!r} and {b.action!r}"
                    )
                self._by_key[key] = b.action

    def action(self, key: str) -> str | None:
        """The action `key` runs here, or None."""
        return self._by_key.get(key)

    @property
    def actions(self) -> frozenset[str]:
        """Every action some key runs."""
        return frozenset(b.action for b in self._items)

    def help_rows(self, allowed: Iterable[str] | None = None) -> list[HelpRow]:
        """The `?` help rows (skin keys still to look up); only `allowed` actions when given."""
        keep = set(allowed) if allowed is not None else None
        return [
            b.help_row for b in self._items if not b.hidden and (keep is None or b.action in keep)
        ]

    def rebind(self, mapping: Mapping[str, Sequence[str]]) -> Bindings:
        """These bindings with each action in `mapping` run by exactly the keys given (a skin's
        `[keys.<screen>]`, e.g. {"quit": ["q", "Q"]}); the rest unchanged. A rebound action
        keeps its help line, which now shows the new keys (its own key label is dropped), and
        loses its hidden aliases. Raises ValueError for an action this table lacks, an empty or
        non-text key list, or a key that would then run two actions."""
        unknown = sorted(set(mapping) - self.actions)
        if unknown:
            raise ValueError(f"unknown action {unknown[0]!r} (known: {sorted(self.actions)})")
        keep: dict[str, Binding] = {}  # the row that carries each rebound action: its help row
        for b in self._items:
            if b.action in mapping and (b.action not in keep or keep[b.action].hidden):
                keep[b.action] = b
        rows: list[Binding] = []
        for b in self._items:
            if b.action not in mapping:
                rows.append(b)
            elif keep[b.action] is b:
                keys = mapping[b.action]
                if (
                    isinstance(keys, str)
                    or not keys
                    or not all(isinstance(k, str) and k for k in keys)
                ):
                    raise ValueError(f"action {b.action!r}: keys must be a list of key names")
                rows.append(replace(b, keys=tuple(keys), label=""))
        return Bindings(rows)

    def skin_keys(self) -> set[str]:
        """Every skin key the help may look up (for the test that the skins have them all)."""
        return {k for b in self._items for k in (b.help, b.label) if k}

    def __iter__(self) -> Iterator[Binding]:
        return iter(self._items)

"""Key bindings as data: (keys, action, help) rows from which dispatch and `?` help both come.

A screen declares its bindings once; `Bindings.action(key)` names the action a key runs and
`Bindings.help_rows()` is the `?` help, so the two can never disagree. A skin may replace a
screen's bindings (ui.skin); a key no binding names gets the same feedback everywhere
(`unknown_key` in the skin: a bell and "Unknown command, ? for help").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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
class Binding:
    """Keys that run one action. `help` is its line in `?`; `label` overrides the key column;
    `hidden` keeps an alias out of the help (e.g. ctrl-p beside Up)."""

    keys: tuple[str, ...]
    action: str
    help: str
    label: str = ""
    hidden: bool = False

    @property
    def shown_keys(self) -> str:
        return self.label or "  ".join(key_label(k) for k in self.keys)


class Bindings:
    """A screen's bindings: key -> action, and the help they make. Raises ValueError when one
    key is bound to two actions (caught by the screens' tests, not at a caller's keypress)."""

    def __init__(self, bindings: Iterable[Binding]) -> None:
        self._items = tuple(bindings)
        self._by_key: dict[str, str] = {}
        for b in self._items:
            for key in b.keys:
                if key in self._by_key and self._by_key[key] != b.action:
                    raise ValueError(
                        f"key {key!r} is bound to both {self._by_key[key]!r} and {b.action!r}"
                    )
                self._by_key[key] = b.action

    def action(self, key: str) -> str | None:
        """The action `key` runs here, or None."""
        return self._by_key.get(key)

    def help_rows(self, allowed: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(keys, what they do) for the `?` help; only `allowed` actions when given."""
        keep = set(allowed) if allowed is not None else None
        return [
            (b.shown_keys, b.help)
            for b in self._items
            if not b.hidden and (keep is None or b.action in keep)
        ]

    def __iter__(self) -> Iterator[Binding]:
        return iter(self._items)

"""What a caller is doing, as a skin key and values ("reading", group=...), worded by each viewer.

An `Activity` holds no English: `key` names the skin string `activity_<key>` and `values` fill
its {placeholders}, so a viewer with another skin reads someone else's activity in its own
words. Values are user-supplied (group names, channel names) and sanitised on the way in. It
is made of plain values (str and tuples of str pairs), so it travels on the bus as wire data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from retroboard.domain.text import sanitize

__all__ = ["ACTIVITY_MAX", "VALUE_MAX", "Activity"]

ACTIVITY_MAX = 60  # characters of a worded activity that are shown
VALUE_MAX = 60  # characters kept of each value
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _clean(value: object) -> str:
    """One line of safe text: controls and escapes removed, spaces collapsed, capped."""
    return " ".join(sanitize(str(value), multiline=False).split())[:VALUE_MAX]


@dataclass(frozen=True, init=False, slots=True)
class Activity:
    """`Activity("reading", group="comp.sys.retro")`: the skin key and its values.

    `values` is a sorted tuple of (name, text) pairs, so equal activities compare and hash
    equal. Raises ValueError for a key or value name that is not lower-case letters, digits
    and underscores (it becomes part of a skin key / a placeholder name)."""

    key: str
    values: tuple[tuple[str, str], ...]

    def __init__(self, key: str, /, **values: object) -> None:
        if not _NAME.fullmatch(key):
            raise ValueError(f"activity key {key!r}: use a-z, 0-9 and _")
        for name in values:
            if not _NAME.fullmatch(name):
                raise ValueError(f"activity value name {name!r}: use a-z, 0-9 and _")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", tuple(sorted((n, _clean(v)) for n, v in values.items())))

    @classmethod
    def from_pairs(cls, key: str, pairs: Iterable[tuple[str, str]]) -> Activity:
        """The activity with `key` and (name, value) `pairs` (the wire form, checked and
        sanitised again). Raises ValueError as the constructor does, or for a repeated name."""
        items = list(pairs)
        mapping = dict(items)
        if len(mapping) != len(items):
            raise ValueError(f"activity {key!r}: a value name is repeated")
        return cls(key, **mapping)

    @property
    def mapping(self) -> Mapping[str, str]:
        """The values by name (for filling the skin's placeholders)."""
        return dict(self.values)

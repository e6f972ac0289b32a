"""The names of the non-character keys the key decoder may produce (what tests expect)."""

from __future__ import annotations

NAMED = {
    "enter",
    "backspace",
    "tab",
    "escape",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pgup",
    "pgdn",
    "insert",
    "delete",
    "f1",
    "f2",
    "f3",
    "f4",
    "backtab",
} | {f"ctrl-{chr(c)}" for c in range(ord("a"), ord("z") + 1)}

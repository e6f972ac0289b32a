"""Bindings as data: one table gives both the dispatch and the `?` help."""

from __future__ import annotations

import pytest

from retroboard.ui.bindings import Binding, Bindings, key_label


def test_keys_map_to_actions_and_help_comes_from_the_same_rows() -> None:
    b = Bindings(
        [
            Binding(("up", "k"), "up", "move up"),
            Binding(("ctrl-p",), "up", "", hidden=True),
            Binding(("enter", "right"), "open", "read the article"),
        ]
    )
    assert b.action("k") == "up" and b.action("ctrl-p") == "up" and b.action("x") is None
    assert b.help_rows() == [("Up  k", "move up"), ("Enter  Right", "read the article")]
    assert b.help_rows(allowed={"open"}) == [("Enter  Right", "read the article")]


def test_one_key_for_two_actions_is_refused() -> None:
    with pytest.raises(ValueError, match="'q'"):
        Bindings([Binding(("q",), "quit", "back"), Binding(("q",), "quote", "quote")])


def test_key_labels() -> None:
    assert [key_label(k) for k in ("ctrl-l", " ", "pgdn", "x")] == ["^L", "Space", "PgDn", "x"]

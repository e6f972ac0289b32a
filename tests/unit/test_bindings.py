"""Bindings as data: one table gives both the dispatch and the `?` help (as skin keys)."""

from __future__ import annotations

import pytest

from retroboard.ui.bindings import Binding, Bindings, HelpRow, key_label
from retroboard.ui.screens import (
    draft_offer,
    groups,
    modqueue,
    newscan,
    reader,
    search,
    settings,
    threads,
)
from retroboard.ui.skin import load_skins


def test_keys_map_to_actions_and_help_rows_name_skin_keys() -> None:
    b = Bindings(
        [
            Binding(("up", "k"), "up", "help_up"),
            Binding(("ctrl-p",), "up", hidden=True),
            Binding(("enter", "right"), "open", "help_open", label="keys_open"),
        ]
    )
    assert b.action("k") == "up" and b.action("ctrl-p") == "up" and b.action("x") is None
    assert b.help_rows() == [
        HelpRow("Up  k", "help_up"),
        HelpRow("Enter  Right", "help_open", "keys_open"),
    ]
    assert b.help_rows(allowed={"open"}) == [HelpRow("Enter  Right", "help_open", "keys_open")]
    assert b.skin_keys() == {"help_up", "help_open", "keys_open"}
    words = {"help_up": "move up", "help_open": "read it", "keys_open": "Enter"}
    assert [r.resolve(words.__getitem__) for r in b.help_rows()] == [
        ("Up  k", "move up"),
        ("Enter", "read it"),
    ]


def test_one_key_for_two_actions_or_a_shown_row_without_help_is_refused() -> None:
    with pytest.raises(ValueError, match="'q'"):
        Bindings([Binding(("q",), "quit", "help_q"), Binding(("q",), "quote", "help_quote")])
    with pytest.raises(ValueError, match="'quit'"):
        Bindings([Binding(("q",), "quit")])


def test_every_help_text_of_every_screen_is_in_the_skins() -> None:
    tables = [
        groups.BINDINGS,
        threads.BINDINGS,
        search.BINDINGS,
        modqueue.BINDINGS,
        modqueue.PAGER,
        reader.BINDINGS,
        newscan.SCAN_BINDINGS,
        settings.BINDINGS,
        draft_offer.BINDINGS,
    ]
    for skin in load_skins().values():
        for table in tables:
            missing = {k for k in table.skin_keys() if k not in skin.strings}
            assert not missing, (skin.name, missing)


def test_key_labels() -> None:
    assert [key_label(k) for k in ("ctrl-l", " ", "pgdn", "x")] == ["^L", "Space", "PgDn", "x"]


def test_rebind_gives_an_action_exactly_the_new_keys_and_leaves_the_table_alone() -> None:
    table = Bindings(
        (
            Binding(("q", "escape"), "quit", "help_quit", "keys_quit"),
            Binding(("left",), "quit", hidden=True),
            Binding(("n",), "next", "help_next"),
        )
    )
    rebound = table.rebind({"quit": ["x", "X"]})
    assert rebound.action("x") == rebound.action("X") == "quit"
    assert rebound.action("q") is None and rebound.action("left") is None  # aliases go too
    assert rebound.action("n") == "next"
    assert rebound.help_rows()[0] == HelpRow("x  X", "help_quit")  # new keys, no old label
    assert table.action("q") == "quit"  # the screen's own table is unchanged


def test_rebind_refuses_unknown_actions_clashes_and_empty_keys() -> None:
    table = Bindings((Binding(("q",), "quit", "help_quit"), Binding(("n",), "next", "help_next")))
    with pytest.raises(ValueError, match="unknown action 'leave'"):
        table.rebind({"leave": ["x"]})
    with pytest.raises(ValueError, match="'n' is bound to both"):
        table.rebind({"quit": ["n"]})
    with pytest.raises(ValueError, match="list of key names"):
        table.rebind({"quit": []})
    with pytest.raises(ValueError, match="list of key names"):
        table.rebind({"quit": "x"})  # type: ignore[dict-item]
    assert table.rebind({"quit": ["n"], "next": ["m"]}).action("n") == "quit"  # a swap is fine

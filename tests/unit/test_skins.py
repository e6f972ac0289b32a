"""Skins as data: inheritance, complete strings, broken files refused; profiles decided once."""

from __future__ import annotations

from pathlib import Path

import pytest

from retroboard.term.profile import OutputFilter, profile_for, to_ascii
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.skin import SkinError, key_tables, load_skins


def test_shipped_skins_load_and_plain_inherits_the_default_strings() -> None:
    skins = load_skins()
    assert {"default", "plain"} <= set(skins)
    plain, default = skins["plain"], skins["default"]
    assert plain.linear and not plain.colour and not plain.art
    assert set(plain.strings) == set(default.strings)
    assert plain.text("thanks", board="Floppy Shack") == "Thanks for calling Floppy Shack!"
    assert plain.text("menu_prompt") != default.text("menu_prompt")  # its own wording


def test_a_skin_with_an_unknown_parent_or_bad_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "default.toml").write_text('[strings]\nthanks = "x"\n')
    (tmp_path / "era.toml").write_text('inherit = "nope"\n')
    with pytest.raises(SkinError, match="unknown parent"):
        load_skins(tmp_path)
    (tmp_path / "era.toml").write_text("inherit = [\n")
    with pytest.raises(SkinError, match="era"):
        load_skins(tmp_path)


def test_profiles_are_decided_from_the_terminal_type() -> None:
    assert profile_for("dumb").cursor is False and profile_for("dumb").charset == "ascii"
    assert profile_for("ansi").charset == "cp437" and profile_for("ansi").colors == 8
    assert profile_for("syncterm").colors == 8
    assert profile_for("xterm-256color").colors == 256
    assert profile_for("xterm").colors == 16
    assert profile_for("xterm", "cp437").colors == 8  # a user's CP437 choice: ANSI.SYS colours


def test_the_output_filter_keeps_each_profile_within_what_it_can_show() -> None:
    dumb = OutputFilter(profile_for("dumb"))
    out = dumb("\x1b[0m\x1b[2J\x1b[H\x1b[1;37;44m┌─┐ café\x1b[0m\x1b[K\x1b[2;1Hnext\x1b]0;t\x07")
    assert "\x1b" not in out and out.isascii()
    assert "+-+ cafe" in out and out.endswith("next")
    ansi = OutputFilter(profile_for("ansi"))
    assert ansi("\x1b[1;97;104mx\x1b[90my\x1b[38;5;200mz\x1b[39;49m") == (
        "\x1b[1;1;37;44mx\x1b[1;30myz\x1b[37;40m"
    )
    assert to_ascii("naïve “quotes” — ok…") == 'naive "quotes" - ok...'


def test_a_count_of_one_takes_the_singular_form_where_the_skin_has_one() -> None:
    default = load_skins()["default"]
    assert default.text("members_count", count=1) == "1 member"
    assert default.text("members_count", count=2) == "2 members"
    assert default.text("mail_inbox_count", count=1, new=0) == "1 letter, 0 new"
    assert default.text("groups_count", count=0) == "0 groups"


def test_a_skin_names_its_menu_and_art_folders_and_its_children_inherit_them(
    tmp_path: Path,
) -> None:
    (tmp_path / "default.toml").write_text('[strings]\nthanks = "x"\n')
    (tmp_path / "era.toml").write_text('inherit = "default"\nmenus = "era"\n')
    (tmp_path / "era2.toml").write_text('inherit = "era"\nmenus = "era2"\nart_folder = "a2"\n')
    (tmp_path / "era3.toml").write_text('inherit = "era2"\n')
    skins = load_skins(tmp_path)
    assert skins["default"].menus == () and skins["era"].art_folders == ()
    assert skins["era3"].art_folders == ("a2",)
    assert skins["era2"].menus == ("era2", "era")  # its own folder first, then the parent's
    assert skins["era3"].menus == ("era2", "era")
    (tmp_path / "era3.toml").write_text('inherit = "default"\nmenus = "../etc"\n')
    with pytest.raises(SkinError, match="plain folder name"):
        load_skins(tmp_path)


def test_a_skins_key_tables_are_checked_against_the_screens(tmp_path: Path) -> None:
    table = Bindings((Binding(("q",), "quit", "help_q"), Binding(("n",), "next", "help_n")))
    (tmp_path / "default.toml").write_text('[strings]\nthanks = "x"\n')
    (tmp_path / "era.toml").write_text('inherit = "default"\n[keys.reader]\nquit = ["x"]\n')
    (tmp_path / "era2.toml").write_text('inherit = "era"\n[keys.reader]\nnext = ["m"]\n')
    skins = load_skins(tmp_path)
    assert dict(skins["era2"].keys["reader"]) == {"quit": ("x",), "next": ("m",)}  # merged
    tables = key_tables(skins, {"reader": table})
    assert tables[("era2", table)].action("x") == "quit"
    assert tables[("era2", table)].action("m") == "next"
    assert ("default", table) not in tables
    (tmp_path / "era2.toml").write_text('inherit = "era"\n[keys.reader]\nnext = ["x"]\n')
    with pytest.raises(SkinError, match=r"skin era2: \[keys.reader\]: key 'x' is bound to both"):
        key_tables(load_skins(tmp_path), {"reader": table})
    with pytest.raises(SkinError, match=r"skin era: \[keys.reader\] names no screen"):
        key_tables(load_skins(tmp_path), {"threads": table})
    (tmp_path / "era2.toml").write_text('inherit = "era"\n[keys.reader]\nnext = "m"\n')
    with pytest.raises(SkinError, match="must be a list of keys"):
        load_skins(tmp_path)

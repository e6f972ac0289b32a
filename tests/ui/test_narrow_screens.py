"""Screens at 40 columns and through the CP437 profile: rules in the profile's line set, no row
cut mid-word or wrapped, typing that scrolls within its row."""

from __future__ import annotations

import re
from typing import Any

import pytest

from retroboard.domain.users import Level, User
from retroboard.ui.skin import load_skins
from retroboard.ui.widgets.fse import run_full_screen_editor
from retroboard.ui.widgets.line_editor import run_line_editor
from retroboard.ui.widgets.lineinput import read_line
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_editors import CTRL_Z, FakeTerminal, finish, rows, screen_of, settle, start
from tests.ui.test_group_screens import open_groups

PASSWORD = "Narrow-pass-1"
GROUP = "comp.sys.retro"


# ---- the full-screen editor's rule -----------------------------------------------------
async def test_fse_rule_is_a_line_on_cp437() -> None:
    term = FakeTerminal(encoding="cp437", term_type="ansi")
    task = await start(term, run_full_screen_editor(term, title="t"))
    assert rows(screen_of(term))[1] == "─" * 79
    assert b"\xc4" * 79 in term.output  # CP437's horizontal line, not '-'
    await term.type_text("hi" + CTRL_Z)
    assert await finish(task) == ["hi"]


async def test_fse_rule_is_dashes_on_ascii() -> None:
    term = FakeTerminal(encoding="ascii", term_type="vt100")
    task = await start(term, run_full_screen_editor(term, title="t"))
    assert rows(screen_of(term))[1] == "-" * 79
    await term.type_text("hi" + CTRL_Z)
    assert await finish(task) == ["hi"]


# ---- the line editor's how-to line -----------------------------------------------------
@pytest.mark.parametrize("cols", [20, 40])
async def test_line_editor_intro_wraps_on_word_boundaries(cols: int) -> None:
    term = FakeTerminal(cols=cols)
    task = await start(term, run_line_editor(term, title="Trapdoor"))
    shown = rows(screen_of(term))
    first = shown.index("Trapdoor") + 1
    intro = shown[first : shown.index(" 1:")]
    assert " ".join(intro) == "/S save /A abort /? help, max 500 lines"
    assert all(len(line) < cols for line in intro)
    await term.type_text("x\r")
    await settle(term)
    await term.type_text("/s\r")
    assert await finish(task) == ["x"]


# ---- a line prompt scrolls sideways instead of wrapping --------------------------------
async def test_long_entry_scrolls_within_its_row() -> None:
    term = FakeTerminal(cols=40)
    prompt = "Tell us something: "  # 19 columns: 20 left, the last one kept free
    task = await start(term, read_line(term, prompt, max_len=60))
    await term.type_text("abcdefghijklmnopqrstuvwxyz")
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[0] == prompt + "<" + "hijklmnopqrstuvwxyz"
    assert len(shown[0]) == 39 and shown[1] == ""
    await term.type_text("\x7f" * 8)  # back under the width: the whole text again
    await settle(term)
    assert rows(screen_of(term))[0] == prompt + "abcdefghijklmnopqr"
    await term.type_text("\r")
    assert await finish(task) == "abcdefghijklmnopqr"


async def test_masked_entry_scrolls_and_keeps_every_character() -> None:
    term = FakeTerminal(cols=40)
    task = await start(term, read_line(term, "Password (8 or more letters): ", mask="*"))
    await term.type_text("x" * 20)
    await settle(term)
    shown = rows(screen_of(term))
    assert shown[0].startswith("Password (8 or more letters): <*") and len(shown[0]) == 39
    assert shown[1] == "" and b"x" not in term.output
    await term.type_text("\r")
    assert await finish(task) == "x" * 20


async def test_prompt_filling_the_row_takes_the_typing_below() -> None:
    term = FakeTerminal(cols=40)
    prompt = "A question that is really rather long: "  # 39 columns
    task = await start(term, read_line(term, prompt))
    await term.type_text("yes")
    await settle(term)
    assert rows(screen_of(term))[:2] == [prompt.rstrip(), "yes"]
    await term.type_text("\r")
    assert await finish(task) == "yes"


async def test_registration_at_40_columns_keeps_each_answer_on_its_row(
    offline_board: Any,
) -> None:
    c = FakeCaller(offline_board, cols=40)
    await c.wait_for(r"Handle:")
    await c.line("new")
    await c.wait_for(r"Handle \(2-20")
    await c.line("carol")
    await c.wait_for(r"^Password \(8\+ chars\):\s*$")
    await c.line(PASSWORD)
    await c.wait_for(r"^Again, to confirm:\s*$")
    await c.line(PASSWORD)
    await c.wait_for(r"Real name")
    await c.line("Carol Cable")
    await c.wait_for(r"^Location \(optional\):\s*$")
    await c.line("Bristol")
    screen = await c.wait_for(r"Create the account")
    lines = screen.split("\n")
    stars = "*" * len(PASSWORD)
    assert f"Password (8+ chars): {stars}" in lines
    assert f"Again, to confirm: {stars}" in lines
    assert not any(re.fullmatch(r"\*+", line) for line in lines)  # no stars on a row alone
    await c.hangup()


# ---- status hints ----------------------------------------------------------------------
def test_short_hints_fit_40_columns_and_read_whole() -> None:
    skin = load_skins()["default"]
    shorts = {k: v for k, v in skin.strings.items() if k.endswith("hints_short")}
    assert {"groups_hints_short", "threads_hints_short", "search_hints_short"} <= set(shorts)
    for key, text in shorts.items():
        assert len(text) <= 39, key
        # every key letter is followed by what it does: no bare "?" (or "q") at the end
        assert not re.search(r"(?:^|\s)\S$", text.strip()), f"{key}: {text!r}"
        assert "?" not in text or "? help" in text, f"{key}: {text!r}"


# ---- full screens at 40 columns --------------------------------------------------------
async def users(board: Any) -> tuple[User, User]:
    ada = await board.services.users.register(
        "ada", PASSWORD, real_name="Ada Lovelace", level=Level.USER
    )
    bob = await board.services.users.register("bob", PASSWORD)
    await board.services.articles.post(ada, [GROUP], "Amiga 500 memory upgrade", "I have 512K.")
    await board.services.groups.subscribe(bob, GROUP)
    return ada, bob


async def test_help_title_too_wide_for_the_border_goes_above_it(offline_board: Any) -> None:
    _, bob = await users(offline_board)
    c = await open_groups(offline_board, bob, cols=40)
    await c.type("g")
    await c.line(GROUP)
    await c.wait_for(r"Amiga 500")
    await c.type("?")
    screen = await c.wait_for(r"Press any key")
    lines = screen.split("\n")
    assert lines[0].strip() == f"Thread list of {GROUP}: keys"
    assert lines[1] == "┌" + "─" * 38 + "┐"
    await c.hangup()


async def test_help_title_that_fits_stays_in_the_border(offline_board: Any) -> None:
    _, bob = await users(offline_board)
    c = await open_groups(offline_board, bob, cols=80)
    await c.type("g")
    await c.line(GROUP)
    await c.wait_for(r"Amiga 500")
    await c.type("?")
    screen = await c.wait_for(r"Press any key")
    assert re.match(rf"┌─+  Thread list of {re.escape(GROUP)}: keys  ─+┐$", screen.split("\n")[0])
    await c.hangup()


async def test_search_detail_row_fits_40_columns(offline_board: Any) -> None:
    _, bob = await users(offline_board)
    c = FakeCaller(offline_board, user=bob, cols=40)
    await c.wait_for(r"\[G\] Goodbye")
    await c.type("f")
    await c.wait_for(r"Search for:$")
    await c.line("amiga")
    await c.wait_for(r"In group")
    await c.line("")
    screen = await c.wait_for(r"1 found")
    detail = screen.split("\n")[22]
    assert re.fullmatch(rf"{GROUP} #1 from ada, \d\d \w\w\w", detail.rstrip()), detail
    assert screen.split("\n")[23].rstrip() == "Enter read  o order  / again  ? help"
    await c.hangup()

"""Every screen speaks its skin: a tiny skin that rewords a few texts shows its words on each
screen (settings, the draft offer, the menu greeting, login, registration, goodbye, info, the
composer, both editors, the reader), and the settings' editor toggle keeps a plain-skin caller
on the line editor, saying why."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from retroboard.domain.boards import Draft
from retroboard.domain.users import User
from retroboard.ui.screens.compose import ComposeScreen
from retroboard.ui.skin import SKIN_DIR, load_skins
from retroboard.ui.widgets.editor_model import LineEditorModel
from retroboard.ui.widgets.fse_model import FullScreenModel
from tests.helpers.fakeui import FakeCaller

GROUP = "comp.sys.retro"
PASSWORD = "Echo-Password-1"

ECHO = """inherit = "default"
description = "A test skin with words of its own"

[strings]
settings_prompt = "Preference> "
settings_none = "(nothing at all)"
settings_editor_line = "Zeileneditor"
draft_offer_from = "Left unfinished on "
draft_resume = "(R)eprendre"
menu_greeting_welcome = "Hello again, "
welcome_connected_by = "Calling via "
register_handle_prompt = "Pick your handle: "
goodbye_minutes = "{count} ticks"
info_title = "About this board"
info_members = "Headcount"
pause_frame = "== {text} =="
compose_title_new = "Fresh article"
compose_group_prompt = "Which group? "
editor_intro = "Type away, {max_lines} lines at most."
fse_status_keys = "^Z KEEP-IT"
editor_help = "ECHO: /S keeps it"
editor_no_quote = "Nothing to quote here, echo."
header_from = "Written by"
"""


def echo_skins(tmp_path: Path) -> dict[str, Any]:
    """The shipped skins plus the tiny 'echo' skin."""
    for toml in SKIN_DIR.glob("*.toml"):
        shutil.copy(toml, tmp_path / toml.name)
    (tmp_path / "echo.toml").write_text(ECHO)
    return load_skins(tmp_path)


async def echo_member(
    board: Any, tmp_path: Path, handle: str = "ada", editor: str = "line"
) -> User:
    """A member who chose the echo skin (expert: straight to the menu after login)."""
    board.board_info.skins = echo_skins(tmp_path)
    users = board.services.users
    user: User = await users.register(handle, PASSWORD)
    await users.set_expert(user.id, True)
    await users.set_editor(user.id, editor)
    user = await users.set_skin(user.id, "echo")
    return user


async def at_menu(board: Any, user: User, cols: int = 80, rows: int = 24) -> FakeCaller:
    c = FakeCaller(board, user=user, cols=cols, rows=rows)
    await c.wait_for(r"\[G\] Goodbye")
    return c


async def test_settings_show_the_skins_names_values_and_prompt(
    offline_board: Any, tmp_path: Path
) -> None:
    ada = await echo_member(offline_board, tmp_path)
    c = await at_menu(offline_board, ada)
    await c.type("u")
    screen = await c.wait_for(r"^Preference>$")
    assert "Zeileneditor" in screen
    assert "(nothing at all)" in screen  # no real name, no location yet
    assert "Setting>" not in screen and "(none)" not in screen
    await c.hangup()


async def test_the_editor_toggle_keeps_a_plain_skin_caller_on_the_line_editor(
    offline_board: Any,
) -> None:
    users = offline_board.services.users
    ada = await users.register("ada", PASSWORD)
    ada = await users.set_skin(ada.id, "plain")
    c = await at_menu(offline_board, ada)
    await c.type("u")
    await c.wait_for(r"^Setting>$")
    await c.type("e")
    screen = await c.wait_for(r"The full-screen editor needs a full-screen terminal")
    assert "Line editor" in screen
    assert (await users.get("ada")).editor == "line"
    await c.hangup()


async def test_the_editor_toggle_still_switches_a_full_screen_caller(offline_board: Any) -> None:
    users = offline_board.services.users
    ada = await users.register("ada", PASSWORD)
    c = await at_menu(offline_board, ada)
    await c.type("u")
    await c.wait_for(r"^Setting>$")
    await c.type("e")
    screen = await c.wait_for(r"Full-screen editor \(arrows")
    assert "needs a full-screen terminal" not in screen
    assert (await users.get("ada")).editor == "fse"
    await c.hangup()


async def test_the_draft_offer_speaks_the_skin(offline_board: Any, tmp_path: Path) -> None:
    ada = await echo_member(offline_board, tmp_path)
    await offline_board.services.drafts.save(ada.id, Draft((GROUP,), "Half done", "my words"))
    c = FakeCaller(offline_board, user=ada)
    screen = await c.wait_for(r"\(R\)eprendre")
    assert "Left unfinished on " in screen
    assert "You have an unfinished message" not in screen
    await c.hangup()


async def test_login_greeting_and_goodbye_speak_the_skin(
    offline_board: Any, tmp_path: Path
) -> None:
    await echo_member(offline_board, tmp_path)
    offline_board.board_info.default_skin = "echo"  # the welcome screen, before anyone logs in
    c = FakeCaller(offline_board)
    await c.wait_for(r"^Calling via fake")
    await c.line("ada")
    await c.wait_for(r"Password:")
    await c.line(PASSWORD)
    await c.wait_for(r"^Hello again, ada!")
    await c.type("g")
    await c.wait_for(r"Log off now\?")
    await c.type("y")
    await c.wait_for(r"You were online for 0 ticks\.")
    await c.hangup()


async def test_registration_speaks_the_skin(offline_board: Any, tmp_path: Path) -> None:
    offline_board.board_info.skins = echo_skins(tmp_path)
    offline_board.board_info.default_skin = "echo"
    c = FakeCaller(offline_board)
    await c.wait_for(r"Handle:")
    await c.line("new")
    await c.wait_for(r"^Pick your handle:$")
    await c.hangup()


async def test_board_information_speaks_the_skin(offline_board: Any, tmp_path: Path) -> None:
    ada = await echo_member(offline_board, tmp_path)
    c = await at_menu(offline_board, ada)
    await c.type("i")
    screen = await c.wait_for(r"== Press any key to continue ==")
    assert "About this board" in screen and "Headcount" in screen
    await c.hangup()


async def test_the_composer_and_line_editor_speak_the_skin(
    offline_board: Any, tmp_path: Path
) -> None:
    ada = await echo_member(offline_board, tmp_path)
    offline_board.screens["info"] = lambda: ComposeScreen([])  # [I] opens the composer
    c = await at_menu(offline_board, ada)
    await c.type("i")
    screen = await c.wait_for(r"^Which group\?$")
    assert "Fresh article" in screen
    await c.line(GROUP)
    await c.wait_for(r"Subject:")
    await c.line("Echoes")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"^Type away, \d+ lines at most\.")
    await c.line("/?")  # the editor's answers are the skin's too
    await c.wait_for(r"^ECHO: /S keeps it$")
    await c.hangup()


def test_the_editor_models_word_their_messages_with_the_skin(tmp_path: Path) -> None:
    echo = echo_skins(tmp_path)["echo"]
    assert LineEditorModel(texts=echo.text).handle_line("/q").message == (
        "Nothing to quote here, echo."
    )
    fse = FullScreenModel(texts=echo.text)
    assert not fse.insert_quote()
    assert fse.notice == "Nothing to quote here, echo."
    # without a skin: the default skin's words
    assert LineEditorModel().handle_line("/q").message == "There is no message to quote."


async def test_the_full_screen_editor_speaks_the_skin(offline_board: Any, tmp_path: Path) -> None:
    ada = await echo_member(offline_board, tmp_path, editor="fse")
    offline_board.screens["info"] = lambda: ComposeScreen(groups=[GROUP])
    c = await at_menu(offline_board, ada)
    await c.type("i")
    await c.wait_for(r"Subject:")
    await c.line("Echoes")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"^\^Z KEEP-IT\s+Ln 1/1 Col 1 INS")
    await c.hangup()


async def test_the_reader_names_the_headers_in_the_skin(offline_board: Any, tmp_path: Path) -> None:
    ada = await echo_member(offline_board, tmp_path)
    await offline_board.services.articles.post(ada, [GROUP], "Heard it", "Body text.")
    c = await at_menu(offline_board, ada)
    await c.type("m")
    await c.wait_for(r"Subscribed groups|All groups")
    await c.type("g")
    await c.line(GROUP)
    await c.wait_for(r"Heard it")
    await c.type("\r")
    screen = await c.wait_for(r"^Written by: ada")
    assert "From: " not in screen
    await c.hangup()


async def test_a_letters_line_editor_speaks_the_skin(offline_board: Any, tmp_path: Path) -> None:
    ada = await echo_member(offline_board, tmp_path)
    await offline_board.services.users.register("bob", PASSWORD)
    c = await at_menu(offline_board, ada)
    await c.type("e")
    await c.wait_for(r"No letters\. W writes one\.")
    await c.type("w")
    await c.wait_for(r"^To:$")
    await c.line("bob")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject:$")
    await c.line("Echoes")
    await c.wait_for(r"^Type away, \d+ lines at most\.")
    await c.hangup()

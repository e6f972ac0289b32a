"""Which screens show which drawn art (ansi_art/): splashes before the full-screen lists, the
main menu's tall art on a tall screen, the new-user art above the application."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import at_menu, make_user

# (menu key, what only the screen itself then draws, the credit line of its art). The pattern is
# matched case-insensitively in everything drawn after the key, splash included, so it must be
# text neither the art nor the main menu has: the splash's credit says "who's online" and the
# menu says "[W] Who's online", while the screen's own title line starts the screen's first row.
SPLASHES = (
    ("m", r"^ (Subscribed groups|All groups)\b", "─── message areas ───"),
    ("e", r"^ Mail: inbox\b", "─── e-mail ───"),
    ("w", r"^ Who's online +\d+ on$", "─── who's online ───"),
    ("t", r"/\? lists the commands", "─── teleconference ───"),
)


def sent_since(c: FakeCaller, start: int) -> str:
    """What the board sent after `start`, without its colour codes."""
    text = bytes(c.term.output[start:]).decode("utf-8", errors="replace")
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize(("key", "screen", "credit"), SPLASHES, ids=lambda v: str(v)[:12])
async def test_full_screen_lists_paint_their_art_first(
    offline_board: Any, key: str, screen: str, credit: str
) -> None:
    ada = await make_user(offline_board, "ada")
    c = await at_menu(offline_board, ada)
    start = len(c.term.output)
    await c.type(key)
    await c.wait_for(screen)
    sent = sent_since(c, start)
    assert credit in sent, f"no {credit!r} splash before the screen"
    assert sent.index(credit) < sent.rindex("\x1b[2J")  # then the screen drew over it
    splash = sent[: sent.rindex("\x1b[2J")]
    assert not re.search(screen, splash, re.I | re.M), "the splash would satisfy the wait"
    assert credit not in c.text  # and the caller is left with the screen itself
    await c.hangup()


async def test_main_menu_shows_the_tall_art_only_on_a_tall_screen(offline_board: Any) -> None:
    ada = await make_user(offline_board, "ada")
    tall = await at_menu(offline_board, ada, cols=80, rows=30)
    assert "─── main menu ───" in tall.text and "M A I N   M E N U" not in tall.text
    await tall.hangup()
    short = await at_menu(offline_board, ada, cols=80, rows=29)
    assert "M A I N   M E N U" in short.text and "─── main menu ───" not in short.text
    await short.hangup()


async def test_new_user_art_sits_above_the_application(offline_board: Any) -> None:
    c = FakeCaller(offline_board, register=True)
    await c.wait_for(r"Handle \(2-20")
    lines = c.screen.lines
    credit = next(i for i, line in enumerate(lines) if "─── new user ───" in line)
    form = next(i for i, line in enumerate(lines) if "New user application" in line)
    assert credit < form
    await c.hangup()

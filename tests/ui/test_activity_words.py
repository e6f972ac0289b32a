"""What callers are doing is worded by the viewer's skin, not frozen in the doer's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from retroboard.domain.activity import ACTIVITY_MAX, Activity
from retroboard.domain.events import ActivityChanged, from_wire, to_wire
from retroboard.ui.context import describe_activity
from retroboard.ui.skin import SKIN_DIR, load_skins
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import make_user, open_groups

ERA = """inherit = "default"
description = "1978: upper case"

[strings]
activity_reading = "READING {group} ON THE TELETYPE"
activity_main_menu = "AT THE MAIN MENU"
"""


def era_skins(tmp_path: Path) -> dict[str, Any]:
    """The shipped skins plus a tiny 'era' skin with its own activity words."""
    for toml in SKIN_DIR.glob("*.toml"):
        shutil.copy(toml, tmp_path / toml.name)
    (tmp_path / "era.toml").write_text(ERA)
    return load_skins(tmp_path)


async def test_a_viewer_reads_another_callers_activity_in_its_own_skin(
    offline_board: Any, tmp_path: Path
) -> None:
    board = offline_board
    board.board_info.skins = era_skins(tmp_path)
    ada = await make_user(board, "ada")
    bob = await board.services.users.set_skin((await make_user(board, "bob")).id, "era")
    reader = await open_groups(board, ada)  # ada: the default skin
    await reader.type("g")
    await reader.line("misc.test")
    await reader.wait_for("No articles in misc.test yet")
    viewer = FakeCaller(board, user=bob)
    await viewer.wait_for(r"\[G\] Goodbye")
    try:
        by_handle = {n.handle: n for n in board.presence.nodes()}
        doing = by_handle["ada"].activity
        assert doing == Activity("reading", group="misc.test")
        ada_ctx = board.nodes[by_handle["ada"].number].ctx
        bob_ctx = board.nodes[by_handle["bob"].number].ctx
        assert bob_ctx.skin.name == "era" and ada_ctx.skin.name == "default"
        assert bob_ctx.describe(doing) == "READING misc.test ON THE TELETYPE"
        assert ada_ctx.describe(doing) == "Reading misc.test"
        # and the other way round: bob's activity, seen by ada, is in ada's words
        assert ada_ctx.describe(by_handle["bob"].activity) == "At the main menu"
        assert bob_ctx.describe(by_handle["bob"].activity) == "AT THE MAIN MENU"
        # what another board process would hear: the event carries no words of its own
        event = from_wire(json.loads(json.dumps(to_wire(ActivityChanged.of("s", 1, "ada", doing)))))
        assert isinstance(event, ActivityChanged)
        assert bob_ctx.describe(event.activity) == "READING misc.test ON THE TELETYPE"
    finally:
        await reader.hangup()
        await viewer.hangup()


def test_describe_words_fills_values_and_falls_back_for_unknown_keys(tmp_path: Path) -> None:
    skins = era_skins(tmp_path)
    default, era = skins["default"], skins["era"]
    assert describe_activity(era, Activity("searching")) == "Searching articles"  # inherited
    assert describe_activity(default, Activity("from_the_future")) == "Browsing"
    assert describe_activity(default, Activity("reading")) == "Browsing"  # {group} missing
    long = describe_activity(default, Activity("reading", group="x" * 60))
    assert len(long) == ACTIVITY_MAX and long.startswith("Reading xxx")
    # a value is never read as a template: braces in a group name stay braces
    assert describe_activity(default, Activity("reading", group="{0}")) == "Reading {0}"

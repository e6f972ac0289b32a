"""The group selector as veterans expect it: policy markers, y from the top, single-child levels
passed through."""

from __future__ import annotations

import re
from typing import Any

from retroboard.domain.boards import Policy
from retroboard.domain.users import User
from tests.ui.test_group_screens import LEFT, open_groups, people, row_of

__all__ = ["people"]  # the fixture, shared with the other selector tests


async def test_moderated_and_read_only_groups_are_marked_and_the_legend_says_so(
    offline_board: Any, people: dict[str, User]
) -> None:
    groups = offline_board.services.groups
    await groups.create("local.mod", "Moderated talk", Policy.MODERATED)
    bob = people["bob"]
    for name in ("comp.sys.retro", "local.mod", "local.sysop"):
        await groups.subscribe(bob, name)
    c = await open_groups(offline_board, bob)
    await c.wait_for(r"Subscribed groups \(3\)")
    assert re.match(r"^[> ] +\d+ m local\.mod\b", row_of(c, "local.mod"))
    assert re.match(r"^[> ] +\d+ r local\.sysop\b", row_of(c, "local.sysop"))
    assert re.match(r"^[> ] +\d+   comp\.sys\.retro\b", row_of(c, "comp.sys.retro"))
    assert "m moderated  r read-only" in c.screen.lines[-1]
    await c.type("?")
    await c.wait_for("Group selector: keys")
    assert "after the count: m moderated, r read-only" in c.text
    await c.hangup()


async def test_y_shows_all_groups_from_the_top_level(
    offline_board: Any, people: dict[str, User]
) -> None:
    bob = people["bob"]
    await offline_board.services.groups.subscribe(bob, "comp.sys.retro")
    c = await open_groups(offline_board, bob)
    await c.wait_for(r"Subscribed groups \(1\)")
    await c.type("y")
    await c.wait_for(r"All groups\s+\d+ groups")
    assert "All groups: " not in c.text  # the top level, not comp.sys.*
    assert row_of(c, "comp.*").startswith(">")  # on the hierarchy the cursor was in
    for top in ("alt.*", "local.*", "misc.*", "rec.*"):
        assert top in c.text
    await c.hangup()


async def test_a_level_with_one_child_is_passed_through_both_ways(
    offline_board: Any, people: dict[str, User]
) -> None:
    groups = offline_board.services.groups
    await groups.create("comp.sys.amiga", "Commodore Amiga")  # comp.* holds only comp.sys.*
    assert [n for n in await groups.names(people["bob"]) if n.startswith("comp.")] == [
        "comp.sys.amiga",
        "comp.sys.retro",
    ]
    bob = people["bob"]
    await groups.subscribe(bob, "comp.sys.retro")
    c = await open_groups(offline_board, bob)
    await c.type("y")
    await c.wait_for(r"All groups\s+\d+ groups")
    assert row_of(c, "comp.*").startswith(">")
    await c.type("\r")
    await c.wait_for(r"All groups: comp\.sys\.\*")  # straight through comp.*
    assert "comp.sys.amiga" in c.text and "comp.sys.retro" in c.text
    await c.type(LEFT)
    await c.wait_for(r"All groups\s+\d+ groups")  # back past comp.* to the top
    assert row_of(c, "comp.*").startswith(">")
    await c.hangup()

"""The group selector: every visit shows the rows as they are now, remembered statuses or not."""

from __future__ import annotations

from retroboard.app import Services
from retroboard.db.engine import Database
from retroboard.domain.boards import GroupStatus
from retroboard.domain.users import Level, User


async def seen(sv: Services, user: User, subscribed_only: bool = True) -> dict[str, GroupStatus]:
    return {
        s.group.name: s for s in await sv.groups.selector(user, subscribed_only=subscribed_only)
    }


async def test_each_visit_shows_the_rows_as_they_are_now(board: tuple[Services, Database]) -> None:
    sv, _ = board
    ada = await sv.users.register("ada", "Ada-pass-123")
    bob = await sv.users.register("bob", "Bob-pass-1234")
    sysop = await sv.users.register("boss", "Boss-pass-123", level=Level.SYSOP)
    await sv.groups.create("local.one", "first")
    await sv.groups.create("local.two", "second")
    for user in (ada, bob):
        await sv.groups.subscribe(user, "local.one")
        await sv.groups.subscribe(user, "local.two")
    for i in range(3):
        await sv.articles.post(sysop, ["local.one"], f"Post {i}", "text")

    for _ in range(2):  # the second visit is answered from what the first remembered
        rows = await seen(sv, ada)
        assert list(rows) == ["local.one", "local.two"]
        assert (rows["local.one"].unread, rows["local.two"].unread) == (3, 0)

    await sv.articles.mark(ada, "local.one", 2, read=True)  # only ada's read marks change
    assert (await seen(sv, ada))["local.one"].unread == 2
    assert (await seen(sv, bob))["local.one"].unread == 3

    await sv.articles.post(sysop, ["local.two"], "Another", "text")  # the group's high changes
    two = (await seen(sv, ada))["local.two"]
    assert (two.unread, two.group.high) == (1, 1)

    await sv.groups.update("local.one", description="changed")  # the group itself changes
    assert (await seen(sv, ada))["local.one"].group.description == "changed"

    await sv.groups.catch_up(ada, "local.one")
    assert (await seen(sv, ada))["local.one"].unread == 0

    await sv.groups.subscribe(ada, "local.two", on=False)  # the subscription changes
    assert list(await seen(sv, ada)) == ["local.one"]
    everything = await seen(sv, ada, subscribed_only=False)
    assert not everything["local.two"].subscribed and everything["local.one"].subscribed

    await sv.groups.update("local.two", read_level=Level.SYSOP)  # out of ada's reach
    assert "local.two" not in await seen(sv, ada, subscribed_only=False)
    assert "local.two" in await seen(sv, sysop, subscribed_only=False)

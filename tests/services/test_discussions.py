"""Discussion services on a fresh database (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from retroboard.app import Services, build_services
from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.domain.boards import Draft, Policy
from retroboard.domain.errors import NotFound, PermissionDenied, ValidationError
from retroboard.domain.events import ArticlePosted
from retroboard.domain.users import Level, User


@pytest.fixture
async def board(db_url: str) -> AsyncIterator[tuple[Services, Database]]:
    db = Database(db_url)
    await upgrade(db)
    settings = Settings(
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        domain="test.example",
        default_groups="",
    )
    try:
        yield build_services(settings, db, EventBus()), db
    finally:
        await db.dispose()


async def people(sv: Services) -> tuple[User, User, User]:
    a = await sv.users.register("alice", "Alice-pass-1", real_name="Alice A")
    b = await sv.users.register("bob", "Bobby-pass-1")
    m = await sv.users.register("mod", "Moder-pass-1", level=Level.MODERATOR)
    return a, b, m


async def test_fresh_board_has_default_groups(board: tuple[Services, Database]) -> None:
    sv, _ = board
    names = [g.name for g in await sv.groups.all_groups()]
    for name in (
        "local.general",
        "local.sysop",
        "comp.sys.retro",
        "rec.games.bbs",
        "alt.folklore.computers",
        "misc.test",
    ):
        assert name in names


async def test_group_create_validation(board: tuple[Services, Database]) -> None:
    sv, _ = board
    g = await sv.groups.create("Comp.Sys.Amiga", "Commodore Amiga computers")
    assert g.name == "comp.sys.amiga" and g.policy == Policy.OPEN
    for bad in ("Bad Name!!", "comp..amiga", ".comp", "comp.", "comp/amiga", "single"):
        with pytest.raises(ValidationError):
            await sv.groups.create(bad)
    with pytest.raises(Exception, match="already exists"):
        await sv.groups.create("comp.sys.amiga")


async def test_post_followup_thread_and_unread(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob, _ = await people(sv)
    await sv.groups.subscribe(alice, "comp.sys.retro")
    await sv.groups.subscribe(bob, "comp.sys.retro")
    root = (
        await sv.articles.post(alice, ["comp.sys.retro"], "Amiga 500 PSU", "Mine hums.")
    ).article
    assert root.head.message_id.endswith("@test.example>") and root.xref == (("comp.sys.retro", 1),)
    # bob sees one unread; alice (the author) none
    [bob_view] = await sv.groups.selector(bob, subscribed_only=True)
    assert bob_view.unread == 1
    [alice_view] = await sv.groups.selector(alice, subscribed_only=True)
    assert alice_view.unread == 0
    # bob follows up
    art = await sv.articles.read_article(bob, "comp.sys.retro", 1)
    assert art.body == "Mine hums."
    reply = (
        await sv.articles.post(
            bob,
            art.newsgroups,
            "Re: Amiga 500 PSU",
            "> Mine hums.\nRecap it.",
            parent_message_id=art.head.message_id,
        )
    ).article
    assert reply.head.references == (root.head.message_id,)
    assert reply.head.thread_id == root.head.thread_id
    # alice: exactly bob's reply is unread, and it hangs under her post in the tree
    unread = await sv.articles.unread_in_thread_order(alice, "comp.sys.retro")
    assert [h.message_id for h in unread] == [reply.head.message_id]
    page = await sv.articles.thread_page(alice, "comp.sys.retro")
    [thread] = page.threads
    assert [(a.number, a.read) for a in thread.articles] == [(1, True), (2, False)]
    assert thread.replies == 1 and thread.unread == 1
    nxt = await sv.articles.next_unread(alice, "comp.sys.retro")
    assert nxt is not None and nxt.number == 2
    await sv.articles.read_article(alice, "comp.sys.retro", 2)
    assert await sv.articles.next_unread(alice, "comp.sys.retro") is None
    await sv.articles.mark(alice, "comp.sys.retro", 1, read=False)
    assert (await sv.groups.status(alice, "comp.sys.retro")).unread == 1


async def test_numbers_never_reused_and_crosspost_read_everywhere(
    board: tuple[Services, Database],
) -> None:
    sv, _ = board
    alice, bob, mod = await people(sv)
    await sv.articles.post(alice, ["misc.test"], "one", "1")
    two = (await sv.articles.post(alice, ["misc.test", "local.general"], "two", "2")).article
    assert dict(two.xref) == {"misc.test": 2, "local.general": 1}
    await sv.moderation.delete(mod, two.head.id)
    three = (await sv.articles.post(alice, ["misc.test"], "three", "3")).article
    assert three.xref == (("misc.test", 3),)  # 2 is never given out again
    assert (await sv.groups.status(bob, "misc.test")).unread == 2  # the tombstone is not unread
    # reading a cross-post in one group marks it read in the other
    four = (await sv.articles.post(alice, ["misc.test", "local.general"], "four", "4")).article
    assert (await sv.groups.status(bob, "local.general")).unread == 1
    await sv.articles.read_article(bob, "misc.test", dict(four.xref)["misc.test"])
    assert (await sv.groups.status(bob, "local.general")).unread == 0


async def test_tombstone_keeps_tree(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob, mod = await people(sv)
    root = (await sv.articles.post(alice, ["misc.test"], "root", "r")).article
    mid = (
        await sv.articles.post(
            bob, ["misc.test"], "Re: root", "m", parent_message_id=root.head.message_id
        )
    ).article
    leaf = (
        await sv.articles.post(
            alice, ["misc.test"], "Re: root", "l", parent_message_id=mid.head.message_id
        )
    ).article
    with pytest.raises(PermissionDenied):
        await sv.moderation.delete(alice, mid.head.id)  # not hers
    await sv.moderation.delete(mod, mid.head.id)
    view = await sv.articles.thread(alice, "misc.test", root.head.thread_id)
    assert [a.deleted for a in view.articles] == [False, True, False]
    assert leaf.head.references == (root.head.message_id, mid.head.message_id)
    gone = await sv.articles.read_article(alice, "misc.test", 2)
    assert "deleted by moderator mod" in gone.body


async def test_hostile_text_is_stripped(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _, _ = await people(sv)
    art = (
        await sv.articles.post(
            alice,
            ["misc.test"],
            "[bold]x[/bold]\x1b[31m!",
            "a\x1b[2Jb\x1b]0;x\x07c\x07d\r\ne\x9b1m",
        )
    ).article
    assert art.head.subject == "[bold]x[/bold]!"
    assert "\x1b" not in art.body and "\x07" not in art.body and "\x9b" not in art.body
    assert art.body == "abcd\ne"


async def test_limits_and_refusals(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _, mod = await people(sv)
    with pytest.raises(ValidationError, match="too long"):
        await sv.articles.post(alice, ["misc.test"], "s" * 121, "b")
    with pytest.raises(ValidationError, match="too long"):
        await sv.articles.post(alice, ["misc.test"], "s", "b" * (64 * 1024 + 1))
    with pytest.raises(ValidationError):
        await sv.articles.post(alice, ["misc.test"], "  ", "b")
    with pytest.raises(PermissionDenied, match="read-only"):
        await sv.articles.post(alice, ["local.sysop"], "hi", "there")
    await sv.groups.create("local.staff", "staff only", read_level=Level.MODERATOR)
    with pytest.raises(NotFound):
        await sv.articles.post(alice, ["local.staff"], "hi", "there")
    root = (await sv.articles.post(alice, ["misc.test"], "lock me", "x")).article
    await sv.moderation.lock(mod, root.head.thread_id)
    with pytest.raises(PermissionDenied, match="locked"):
        await sv.articles.post(
            alice, ["misc.test"], "Re: lock me", "y", parent_message_id=root.head.message_id
        )
    await sv.articles.post(
        mod, ["misc.test"], "Re: lock me", "mods may", parent_message_id=root.head.message_id
    )
    with pytest.raises(PermissionDenied):
        await sv.moderation.lock(alice, root.head.thread_id, False)


async def test_moderated_group_queue(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob, mod = await people(sv)
    await sv.groups.create("local.mod", "moderated", Policy.MODERATED)
    bus_events = []
    with sv.articles._bus.subscribe(ArticlePosted) as sub:
        held = await sv.articles.post(alice, ["local.mod"], "please", "approve me")
        assert held.pending and held.article.xref == ()
        assert (await sv.groups.status(bob, "local.mod")).unread == 0
        [(head, body, groups)] = await sv.moderation.queue(mod)
        assert head.subject == "please" and groups == ("local.mod",)
        await sv.moderation.approve(mod, head.id)
        bus_events = sub.drain()
    assert [e.subject for e in bus_events] == ["please"]
    assert (await sv.groups.status(bob, "local.mod")).unread == 1
    rejected = await sv.articles.post(bob, ["local.mod"], "spam", "buy now")
    await sv.moderation.reject(mod, rejected.article.head.id)
    assert await sv.moderation.queue(mod) == []
    assert (await sv.groups.status(alice, "local.mod")).unread == 1


async def test_subscribe_catch_up_newsrc(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob, _ = await people(sv)
    for i in range(5):
        await sv.articles.post(alice, ["rec.games.bbs"], f"t{i}", "x")
    await sv.groups.subscribe(bob, "rec.games.bbs")
    await sv.articles.read_article(bob, "rec.games.bbs", 2)
    assert await sv.groups.newsrc(bob) == "rec.games.bbs: 2\n"
    await sv.groups.catch_up(bob, "rec.games.bbs")
    assert (await sv.groups.status(bob, "rec.games.bbs")).unread == 0
    await sv.groups.subscribe(bob, "rec.games.bbs", on=False)
    assert await sv.groups.selector(bob, subscribed_only=True) == []
    assert await sv.groups.newsrc(bob) == "rec.games.bbs! 1-5\n"


async def test_thread_page_keyset_paging(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _, _ = await people(sv)
    for i in range(7):
        await sv.articles.post(alice, ["misc.test"], f"thread {i}", "x")
    seen: list[str] = []
    cursor = None
    while True:
        page = await sv.articles.thread_page(alice, "misc.test", cursor=cursor, limit=3)
        seen += [t.subject for t in page.threads]
        if page.cursor is None:
            break
        cursor = page.cursor
    assert seen == [f"thread {i}" for i in reversed(range(7))]


async def test_search(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob, mod = await people(sv)
    await sv.articles.post(alice, ["comp.sys.retro"], "Kickstart ROM", "Which revision?")
    await sv.articles.post(bob, ["misc.test"], "Hello", "Kickstart 1.3 is best")
    hidden = await sv.articles.post(bob, ["misc.test"], "secret", "kickstart cancelled")
    await sv.moderation.delete(mod, hidden.article.head.id)
    hits = await sv.search.search(alice, "kickstart", order="newest")
    assert [h.head.subject for h in hits] == ["Hello", "Kickstart ROM"]
    assert [h.group for h in await sv.search.search(alice, "kickstart", group="misc.test")] == [
        "misc.test"
    ]
    assert [h.head.author for h in await sv.search.search(alice, "bob")] == ["bob"]
    assert await sv.search.search(alice, 'kick" OR "x AND (') == []  # syntax is just words
    with pytest.raises(ValidationError):
        await sv.search.search(alice, "  ")


async def test_drafts(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _, _ = await people(sv)
    assert await sv.drafts.list(alice.id) == []
    kept = await sv.drafts.save(alice.id, Draft(("misc.test",), "half", "written\x1b[2J"))
    d = await sv.drafts.get(alice.id, kept)
    assert d is not None and d.subject == "half" and d.body == "written"
    await sv.drafts.discard(alice.id, kept)
    assert await sv.drafts.get(alice.id, kept) is None


async def test_concurrent_posts_get_distinct_numbers(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, bob, _ = await people(sv)
    results = await asyncio.gather(
        *(sv.articles.post(alice if i % 2 else bob, ["misc.test"], f"p{i}", "x") for i in range(12))
    )
    numbers = sorted(r.article.xref[0][1] for r in results)
    assert numbers == list(range(1, 13))


async def test_signature_separator_survives_posting(board: tuple[Services, Database]) -> None:
    sv, _ = board
    alice, _, _ = await people(sv)
    art = (await sv.articles.post(alice, ["misc.test"], "sig", "text   \n-- \nalice\n")).article
    assert art.body == "text\n-- \nalice"


async def test_new_accounts_start_with_default_subscriptions(db_url: str) -> None:
    db = Database(db_url)
    await upgrade(db)
    settings = Settings(
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        default_groups="local.general, misc.test,no.such.group",
    )
    try:
        sv = build_services(settings, db, EventBus())
        user = await sv.users.register("newbie", "Newbie-pass-1")
        subs = await sv.groups.selector(user, subscribed_only=True)
        assert [s.group.name for s in subs] == ["local.general", "misc.test"]
    finally:
        await db.dispose()


# Invisible characters that reorder or hide text (bidi controls, zero-width, format, tags) and
# the Unicode line/paragraph separators: none may reach the database or another user.
INVISIBLE = (
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad\ufff9\ufffb"
    "\U000e0001\U000e0041\U000e007f"
)
SEPARATORS = "\u2028\u2029"


def assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in INVISIBLE + SEPARATORS})
    assert not found, f"{found} in {text!r}"


async def test_invisible_characters_are_stripped_from_every_stored_field(
    board: tuple[Services, Database],
) -> None:
    sv, db = board
    alice = await sv.users.register(
        "alice", "Analytical-1", real_name="Al\u202eice\u200b L", location="Lon\u2066don\u2069"
    )
    assert (alice.real_name, alice.location) == ("Alice L", "London")
    alice = await sv.users.update_profile(
        alice.id, real_name="A\u2028Liddell\ufeff", location="Ox\u200dford\U000e0041"
    )
    assert (alice.real_name, alice.location) == ("A Liddell", "Oxford")
    group = await sv.groups.create("misc.invisible", "Des\u200bcrip\u202etion\u2029two")
    assert group.description == "Description two"
    root = (
        await sv.articles.post(
            alice,
            ["misc.test\u200b", "\u2066misc.invisible\u2069"],
            "Sub\u202eject\u200b\u2028here",
            "line\u2028one\u200d\u2029line two\u00ad\nthree\u2066x\u2069",
        )
    ).article
    assert root.head.subject == "Subject here"
    assert root.body == "line\none\nline two\nthreex"
    assert root.newsgroups == ("misc.test", "misc.invisible")
    reply = (
        await sv.articles.post(
            alice,
            ["misc.test"],
            "Agreed",
            "ok",
            parent_message_id=f"\u200b{root.head.message_id}\u2060",
        )
    ).article
    assert reply.head.references == (root.head.message_id,)
    found = await sv.articles.article_by_message_id(alice, f"\ufeff{root.head.message_id}")
    assert found.head.id == root.head.id
    with pytest.raises(NotFound):
        await sv.articles.article_by_message_id(alice, "<\u202e@x>")
    kept = await sv.drafts.save(
        alice.id,
        Draft(
            ("misc.test\u200b",),
            "dra\u202eft",
            "bo\u2066dy\u2028end",
            f"{root.head.message_id}\u200b",
        ),
    )
    draft = await sv.drafts.get(alice.id, kept)
    assert draft is not None
    assert (draft.groups, draft.subject, draft.body, draft.parent_message_id) == (
        ("misc.test",),
        "draft",
        "body\nend",
        root.head.message_id,
    )
    hits = await sv.search.search(alice, "Sub\u200bject", group="misc.test\u200b")
    assert [h.head.id for h in hits] == [root.head.id]
    # and what the database holds, column by column
    from sqlalchemy import select

    from retroboard.db.tables import ArticleRow, DraftRow, GroupRow, UserRow

    async with db.read() as s:
        for row in (await s.scalars(select(ArticleRow))).all():
            for value in (row.subject, row.body, row.author_name, row.newsgroups, row.refs):
                assert_clean(value)
        for user in (await s.scalars(select(UserRow))).all():
            assert_clean(user.real_name + user.location)
        for g in (await s.scalars(select(GroupRow))).all():
            assert_clean(g.description)
        for d in (await s.scalars(select(DraftRow))).all():
            assert_clean(d.groups + d.subject + d.body + (d.parent_message_id or ""))


async def test_crosspost_never_names_a_group_the_reader_may_not_see(
    board: tuple[Services, Database],
) -> None:
    sv, _ = board
    alice, _, mod = await people(sv)
    await sv.groups.create("local.staff", "staff only", read_level=Level.MODERATOR)
    posted = (await sv.articles.post(mod, ["local.staff", "misc.test"], "Cross", "to both")).article
    assert posted.newsgroups == ("local.staff", "misc.test")
    number = dict(posted.xref)["misc.test"]

    seen_by_mod = await sv.articles.read_article(mod, "misc.test", number)
    assert seen_by_mod.newsgroups == ("local.staff", "misc.test")
    assert dict(seen_by_mod.xref).keys() == {"local.staff", "misc.test"}

    for art in (
        await sv.articles.read_article(alice, "misc.test", number),
        await sv.articles.article_by_message_id(alice, posted.head.message_id),
    ):
        assert art.newsgroups == ("misc.test",)
        assert art.xref == (("misc.test", number),)
        assert "local.staff" not in repr(art.headers("Test BBS"))
    await sv.articles.mark(alice, "misc.test", number, read=False)
    assert "local.staff" not in await sv.groups.newsrc(alice)
    [hit] = await sv.search.search(alice, "cross")
    assert hit.group == "misc.test" and "local.staff" not in repr(hit)

    # a follow-up to what alice sees goes to misc.test only; local.staff stays out of reach
    art = await sv.articles.read_article(alice, "misc.test", number)
    reply = (
        await sv.articles.post(
            alice, art.newsgroups, "Re: Cross", "me too", parent_message_id=art.head.message_id
        )
    ).article
    assert reply.newsgroups == ("misc.test",)
    assert [g for g, _ in reply.xref] == ["misc.test"]
    with pytest.raises(NotFound, match="no group called 'local.staff'"):
        await sv.articles.post(
            alice, ["misc.test", "local.staff"], "Re: Cross", "sneaky", art.head.message_id
        )
    # the thread in local.staff did not grow: alice's reply is not there
    staff_view = await sv.articles.thread(mod, "local.staff", posted.head.thread_id)
    assert [a.subject for a in staff_view.articles] == ["Cross"]

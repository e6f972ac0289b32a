"""NewsService: the board as newsreaders see it (the NNTP transport's NewsBackend)."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from retroboard.app import Services
from retroboard.db.engine import Database
from retroboard.db.tables import ArticleRow
from retroboard.domain.boards import Policy
from retroboard.domain.errors import (
    AuthFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from retroboard.domain.news import NewsGroup, Submission, overview_of
from retroboard.domain.users import Level, User
from retroboard.services import news as news_module
from retroboard.services.facade import limits_of
from retroboard.services.guard import ConnectionGuard
from retroboard.services.news import NewsService
from retroboard.transports.nntp.backend import NewsBackend
from retroboard.transports.nntp.message import overview_form
from retroboard.transports.nntp.options import NNTPOptions
from tests.helpers.boards import SERVICE_SETTINGS
from tests.services.test_read_statements import statements

Board = tuple[Services, Database]
PATH = "test.example!not-for-mail"


async def _users(sv: Services) -> tuple[User, User, User]:
    """alice (user), mo (moderator), ruth (sysop)."""
    alice = await sv.users.register("alice", "Alice-pass-1", real_name="Alice A.")
    await sv.users.register("mo", "Moder-pass-1")
    await sv.users.register("ruth", "Ruthy-pass-1")
    mo = await sv.users.set_level("mo", Level.MODERATOR)
    root = await sv.users.set_level("ruth", Level.SYSOP)
    return alice, mo, root


FORM = overview_form(NNTPOptions(host="test.example", board_name="Test Board"))


async def _all_rows(news: NewsService, reader: User | None, group: str, lo: int, hi: int,
                    chunk: int | None = None) -> list[list[str]]:  # fmt: skip
    return [lines async for lines in news.overview(reader, group, lo, hi, FORM, chunk=chunk)]


def _number(line: str) -> int:
    return int(line.split("\t", 1)[0])


async def _expected(news: NewsService, reader: User | None, group: str, line: str) -> str:
    """The line the NNTP layer's own formatter makes of the article as the service serves it
    (ARTICLE's values): what the database-made line must equal."""
    number = _number(line)
    return FORM.lines_of([overview_of(await news.article(reader, group, number), number)])[0]


async def _ids(news: NewsService, reader: User | None, groups: list[str], since: datetime):  # type: ignore[no-untyped-def]
    return [ids async for ids in news.new_message_ids(reader, groups, since)]


def test_news_service_has_the_backend_protocol_shape() -> None:
    """Every NewsBackend member exists with the same kind (coroutine, async generator) and
    the same parameters; any extra parameter is keyword-only with a default. (mypy checks
    the assignment below when run on this file.)"""
    members = [
        n for n, v in vars(NewsBackend).items() if inspect.isfunction(v) and not n.startswith("_")
    ]
    assert len(members) == 12, members
    for name in members:
        want = getattr(NewsBackend, name)
        have = getattr(NewsService, name)
        if inspect.iscoroutinefunction(want):
            assert inspect.iscoroutinefunction(have), name
        else:  # the two streaming methods: called without await, iterated with async for
            assert not inspect.iscoroutinefunction(have), name
        wp = list(inspect.signature(want).parameters.values())
        hp = list(inspect.signature(have).parameters.values())
        assert [(p.name, p.kind) for p in hp[: len(wp)]] == [(p.name, p.kind) for p in wp], name
        for extra in hp[len(wp) :]:
            assert extra.kind == inspect.Parameter.KEYWORD_ONLY, (name, extra)
            assert extra.default is not inspect.Parameter.empty, (name, extra)


async def test_backend_is_the_services_news(board: Board) -> None:
    sv, _ = board
    backend: NewsBackend = sv.news
    assert isinstance(backend, NewsService)
    assert [g.name for g in await backend.groups(None)][:2] == [
        "alt.folklore.computers",
        "comp.sys.retro",
    ]


async def test_groups_above_a_readers_level_do_not_exist_for_it(board: Board) -> None:
    sv, _ = board
    alice, _, root = await _users(sv)
    await sv.groups.create("local.secret", "Sysops only", read_level=Level.SYSOP)
    news = sv.news
    for reader in (None, alice):
        names = [g.name for g in await news.groups(reader)]
        assert "local.secret" not in names and "misc.test" in names
        with pytest.raises(NotFound):
            await news.group(reader, "local.secret")
        with pytest.raises(NotFound):
            await news.numbers(reader, "local.secret", 1, 10)
        with pytest.raises(NotFound):
            await _all_rows(news, reader, "local.secret", 1, 10)
        with pytest.raises(NotFound):
            await news.neighbour(reader, "local.secret", 0, forward=True)
    assert "local.secret" in [g.name for g in await news.groups(root)]

    cross = (
        await sv.articles.post(root, ["misc.test", "local.secret"], "Both", "Secret too.")
    ).article
    only = (await sv.articles.post(root, ["local.secret"], "Secret", "Only here.")).article
    for reader in (None, alice):
        art = await news.article(reader, "misc.test", 1)
        assert art.newsgroups == ("misc.test",) and art.xref == (("misc.test", 1),)
        by_id = await news.article_by_message_id(reader, cross.head.message_id)
        assert by_id.newsgroups == ("misc.test",) and by_id.xref == (("misc.test", 1),)
        assert by_id.head.number == 0 and by_id.head.group == "misc.test"
        [[row]] = await _all_rows(news, reader, "misc.test", 1, 10)
        assert row.endswith("\tXref: test.example misc.test:1")
        assert row == await _expected(news, reader, "misc.test", row)  # Newsgroups: in :bytes
        with pytest.raises(NotFound):
            await news.article(reader, "local.secret", 1)
        with pytest.raises(NotFound):
            await news.article_by_message_id(reader, only.head.message_id)
    both = (("misc.test", 1), ("local.secret", 1))
    assert (await news.article(root, "misc.test", 1)).xref == both
    assert (await news.article(root, "local.secret", 1)).xref == both
    assert (await news.article_by_message_id(root, cross.head.message_id)).xref == both
    [[row]] = await _all_rows(news, root, "local.secret", 1, 1)
    assert row.endswith("\tXref: test.example misc.test:1 local.secret:1")
    assert row == await _expected(news, root, "local.secret", row)


async def test_anonymous_reading_can_be_switched_off(board: Board) -> None:
    sv, db = board
    alice, _, _ = await _users(sv)
    posted = (await sv.articles.post(alice, ["misc.test"], "Hello", "World.")).article
    guard = ConnectionGuard(limits_of(SERVICE_SETTINGS), "test")
    closed = NewsService(
        db, sv.articles, sv.auth, guard, path_host="test.example", anonymous_read=False
    )
    assert await closed.groups(None) == []
    assert await closed.new_groups(None, datetime(2000, 1, 1, tzinfo=UTC)) == []
    with pytest.raises(NotFound):
        await closed.group(None, "misc.test")
    with pytest.raises(NotFound):
        await closed.article(None, "misc.test", 1)
    with pytest.raises(NotFound):
        await closed.article_by_message_id(None, posted.head.message_id)
    with pytest.raises(NotFound):
        await _all_rows(closed, None, "misc.test", 1, 5)
    assert await _ids(closed, None, ["misc.test"], datetime(2000, 1, 1, tzinfo=UTC)) == []
    # a logged-in reader still reads; an open board's anonymous reader too
    assert (await closed.article(alice, "misc.test", 1)).head.subject == "Hello"
    assert (await sv.news.article(None, "misc.test", 1)).head.subject == "Hello"


async def test_marks_count_only_servable_articles(board: Board) -> None:
    sv, _ = board
    alice, mo, _ = await _users(sv)
    await sv.groups.create("local.fresh", "Nothing yet")
    await sv.groups.create("local.mod", "Held posts", policy=Policy.MODERATED)
    news = sv.news
    fresh = await news.group(alice, "local.fresh")
    assert (fresh.low, fresh.high, fresh.count, fresh.posting) == (1, 0, 0, "y")
    ids = [
        (await sv.articles.post(alice, ["misc.test"], f"Post {i}", "Text.")).article.head.id
        for i in range(1, 6)
    ]
    await sv.moderation.delete(alice, ids[0])  # number 1
    await sv.moderation.delete(mo, ids[2])  # number 3
    held = await sv.articles.post(alice, ["local.mod", "misc.test"], "Held", "Waits.")
    assert held.pending
    g = await news.group(alice, "misc.test")
    assert (g.low, g.high, g.count) == (2, 5, 3)
    assert await news.numbers(alice, "misc.test", 1, 100) == [2, 4, 5]
    assert await news.numbers(alice, "misc.test", 3, 4) == [4]
    [rows] = await _all_rows(news, alice, "misc.test", 1, 100)
    assert [_number(r) for r in rows] == [2, 4, 5]
    assert await news.neighbour(alice, "misc.test", 2, forward=True) == 4
    assert await news.neighbour(alice, "misc.test", 4, forward=False) == 2
    assert await news.neighbour(alice, "misc.test", 2, forward=False) is None
    assert await news.neighbour(alice, "misc.test", 5, forward=True) is None
    assert await news.neighbour(alice, "misc.test", 0, forward=True) == 2
    assert await news.neighbour(alice, "misc.test", 99, forward=False) == 5
    for n in (1, 3):
        with pytest.raises(NotFound):
            await news.article(alice, "misc.test", n)
    with pytest.raises(NotFound):
        await news.article_by_message_id(alice, held.article.head.message_id)
    m = await news.group(alice, "local.mod")
    assert (m.low, m.high, m.count, m.posting) == (1, 0, 0, "m")

    await sv.moderation.approve(mo, held.article.head.id)
    g = await news.group(alice, "misc.test")
    assert (g.low, g.high, g.count) == (2, 6, 4)
    assert (await news.article(alice, "misc.test", 6)).head.subject == "Held"
    for article_id in (ids[1], ids[3], ids[4]):
        await sv.moderation.delete(mo, article_id)
    await sv.moderation.delete(mo, held.article.head.id)
    g = await news.group(alice, "misc.test")
    assert (g.low, g.high, g.count) == (7, 6, 0)  # empty: low is high + 1
    assert await news.numbers(alice, "misc.test", 1, 100) == []
    assert await _all_rows(news, alice, "misc.test", 1, 100) == []
    assert await news.neighbour(alice, "misc.test", 0, forward=True) is None


async def test_overview_streams_exact_rows_in_bounded_chunks(
    board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    sv, db = board
    alice, mo, _ = await _users(sv)
    news = sv.news
    first = (await sv.articles.post(alice, ["comp.sys.retro"], "Grüße", "Ünïcödé — body.")).article
    parent = first.head.message_id
    for i in range(2, 24):
        groups = ["comp.sys.retro", "misc.test"] if i == 7 else ["comp.sys.retro"]
        body = "line one\nline two — é\n" * (i % 3 + 1)
        await sv.articles.post(alice, groups, f"Re: Grüße {i}", body, parent)
    await sv.moderation.delete(mo, (await news.article(alice, "comp.sys.retro", 4)).head.id)

    chunks = await _all_rows(news, alice, "comp.sys.retro", 1, 23, chunk=10)
    assert [len(c) for c in chunks] == [10, 10, 2]
    rows = [r for c in chunks for r in c]
    assert [_number(r) for r in rows] == [n for n in range(1, 24) if n != 4]
    for row in rows:
        # made by the database from what was stored when posted == made now by the NNTP
        # layer's formatter from the article as served
        assert row == await _expected(news, alice, "comp.sys.retro", row)
    assert "\t\t" in rows[0] and f"\t{parent}\t" in rows[1]  # References: none, the parent
    [crossed] = [r for r in rows if _number(r) == 7]
    assert crossed.endswith("\tXref: test.example comp.sys.retro:7 misc.test:1")
    assert rows[0].endswith("\tXref: test.example comp.sys.retro:1")
    # a range inside the group; past the high end; low above high; default chunk
    inner = await _all_rows(news, alice, "comp.sys.retro", 3, 12, chunk=4)
    assert [[_number(r) for r in c] for c in inner] == [[3, 5, 6, 7], [8, 9, 10, 11], [12]]
    assert [
        _number(r) for c in await _all_rows(news, alice, "comp.sys.retro", 20, 10**9) for r in c
    ] == [
        20,
        21,
        22,
        23,
    ]
    assert await _all_rows(news, alice, "comp.sys.retro", 9, 8) == []
    [whole] = await _all_rows(news, None, "comp.sys.retro", 1, 23)
    assert whole == rows
    # each chunk is one read (two when it holds a cross-post: its Xref)
    with statements(db) as seen:
        await _all_rows(news, alice, "comp.sys.retro", 8, 23, chunk=10)
    assert len(seen) == 1 + 2, seen  # the group, two chunks without a cross-post
    with statements(db) as seen:
        await _all_rows(news, alice, "comp.sys.retro", 1, 10, chunk=10)
    assert len(seen) == 1 + 2, seen  # the group, one chunk with its Xref read


async def test_articles_with_no_stored_overview_are_served_the_same(board: Board) -> None:
    """A row whose stored overview is NULL (older rows, a deleted author's) is made from the
    article's columns: the same rows as stored, in every chunk that holds one, and a deleted
    account's articles are served under "(deleted user)"."""
    sv, db = board
    alice, _, _ = await _users(sv)
    news = sv.news
    bob = await sv.users.register("bob", "Bobby-pass-1", real_name="Bob B.")
    for i in range(1, 13):
        who = bob if i % 4 == 0 else alice
        groups = ["comp.sys.retro", "misc.test"] if i == 5 else ["comp.sys.retro"]
        await sv.articles.post(who, groups, f"Topic {i} \u2014 caf\u00e9", f"Body {i}\nline\n")
    stored = [r for c in await _all_rows(news, alice, "comp.sys.retro", 1, 12) for r in c]
    async with db.write() as s:
        await s.execute(
            update(ArticleRow)
            .where(ArticleRow.subject.in_(["Topic 2 \u2014 caf\u00e9", "Topic 5 \u2014 caf\u00e9"]))
            .values(overview_head=None, overview_tail=None, overview_octets=None)
        )
    chunks = await _all_rows(news, alice, "comp.sys.retro", 1, 12, chunk=4)
    assert [r for c in chunks for r in c] == stored
    await sv.users.delete("bob")
    after = [r for c in await _all_rows(news, alice, "comp.sys.retro", 1, 12) for r in c]
    for row in after:
        assert row == await _expected(news, alice, "comp.sys.retro", row)
    assert ["\t(deleted user)@" in r for r in after] == [i % 4 == 0 for i in range(1, 13)]


async def test_articles_by_number_and_message_id_leave_read_marks_alone(board: Board) -> None:
    sv, db = board
    alice, _, _ = await _users(sv)
    bob = await sv.users.register("bob", "Bobby-pass-1")
    await sv.groups.subscribe(bob, "misc.test")
    posted = (await sv.articles.post(alice, ["misc.test"], "Topic", "First line\nSecond")).article
    news = sv.news
    with statements(db) as seen:
        art = await news.article(bob, "misc.test", 1)
    assert len(seen) == 1, seen
    assert art.head.message_id == posted.head.message_id and art.head.number == 1
    assert art.body == "First line\nSecond" and art.lines == 2 and art.path == PATH
    assert art.head.group == "misc.test" and not art.head.read
    with statements(db) as seen:
        by_id = await news.article_by_message_id(bob, posted.head.message_id)
    assert len(seen) == 1, seen
    assert by_id.head.number == 0 and by_id.body == art.body and by_id.xref == art.xref
    [status] = await sv.groups.selector(bob, subscribed_only=True)
    assert status.unread == 1  # nothing marked read
    for bad in ("<nope@test.example>", "not-an-id", ""):
        with pytest.raises(NotFound):
            await news.article_by_message_id(bob, bad)
    with pytest.raises(NotFound):
        await news.article(bob, "misc.test", 2)
    with pytest.raises(NotFound):
        await news.article(bob, "no.such.group", 1)
    with pytest.raises(NotFound):
        await news.group(bob, "Misc.Test")  # group names are case-sensitive, as stored
    with statements(db) as seen:
        await news.group(bob, "misc.test")
    assert len(seen) == 1, seen


async def test_new_groups_and_new_message_ids(
    board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    sv, _ = board
    alice, _, root = await _users(sv)
    news = sv.news
    before = datetime.now(UTC)
    await sv.groups.create("local.newer", "Made just now")
    await sv.groups.create("local.hidden", "Made just now", read_level=Level.SYSOP)
    assert [g.name for g in await news.new_groups(alice, before)] == ["local.newer"]
    assert [g.name for g in await news.new_groups(root, before)] == [
        "local.hidden",
        "local.newer",
    ]
    assert await news.new_groups(alice, datetime.now(UTC) + timedelta(seconds=5)) == []
    naive = before.replace(tzinfo=None)  # naive means UTC
    assert [g.name for g in await news.new_groups(None, naive)] == ["local.newer"]

    a = await sv.articles.post(alice, ["misc.test"], "A", "a")
    b = await sv.articles.post(alice, ["misc.test", "comp.sys.retro"], "B", "b")
    c = await sv.articles.post(alice, ["comp.sys.retro"], "C", "c")
    h = await sv.articles.post(root, ["local.hidden", "misc.test"], "H", "h")
    old = await sv.articles.import_article(
        alice,
        ["misc.test"],
        "Old",
        "From long ago.",
        date=datetime(1991, 8, 6, tzinfo=UTC),
        message_id="<old.1@test.example>",
    )
    mid = [r.article.head.message_id for r in (old, a, b, c, h)]
    both = ["misc.test", "comp.sys.retro"]
    assert await _ids(news, alice, both, datetime(1990, 1, 1, tzinfo=UTC)) == [mid]
    assert await _ids(news, alice, both, before) == [mid[1:]]
    assert await _ids(news, alice, ["comp.sys.retro"], before) == [[mid[2], mid[3]]]
    assert await _ids(news, alice, ["local.hidden"], before) == []  # not readable: unknown
    assert await _ids(news, alice, ["no.such.group"], before) == []
    later = datetime.now(UTC) + timedelta(seconds=5)
    assert await _ids(news, alice, both, later) == []
    monkeypatch.setattr(news_module, "NEWNEWS_CHUNK", 2)
    assert await _ids(news, alice, both, datetime(1990, 1, 1, tzinfo=UTC)) == [
        mid[0:2],
        mid[2:4],
        mid[4:5],
    ]
    await sv.moderation.delete(alice, b.article.head.id)
    assert await _ids(news, alice, both, before) == [[mid[1], mid[3]], [mid[4]]]


async def test_posting_flags_follow_level_and_policy(board: Board) -> None:
    sv, _ = board
    alice, mo, root = await _users(sv)
    await sv.groups.create("local.mod", "Held posts", policy=Policy.MODERATED)
    await sv.groups.create("local.staff", "Mods post", post_level=Level.MODERATOR)

    def flags(groups: list[NewsGroup]) -> dict[str, str]:
        return {
            g.name: g.posting
            for g in groups
            if g.name in ("misc.test", "local.sysop", "local.mod", "local.staff")
        }

    assert flags(await sv.news.groups(None)) == dict.fromkeys(
        ("local.mod", "local.staff", "local.sysop", "misc.test"), "n"
    )
    assert flags(await sv.news.groups(alice)) == {
        "local.mod": "m",
        "local.staff": "n",
        "local.sysop": "n",
        "misc.test": "y",
    }
    for staff in (mo, root):
        assert set(flags(await sv.news.groups(staff)).values()) == {"y"}
    assert (await sv.news.group(alice, "local.mod")).policy == Policy.MODERATED


def _sub(groups: tuple[str, ...], subject: str, body: str, **kw: object) -> Submission:
    return Submission(newsgroups=groups, subject=subject, body=body, **kw)  # type: ignore[arg-type]


async def test_posted_bodies_are_stored_as_sent(board: Board) -> None:
    sv, _ = board
    alice, _, _ = await _users(sv)
    news = sv.news
    flowed = "A paragraph that was broken \nby the reader at a soft break.\n\n-- \nAlice\n\n"
    fixed = "  indented  \nline with trailing spaces   \n\n\n"
    one = await news.post(
        alice,
        _sub(("misc.test",), "Flowed", flowed, flowed=True, message_id="<f.1@reader.example>"),
    )
    two = await news.post(alice, _sub(("misc.test",), "Fixed", fixed, flowed=False))
    assert not one.pending and one.article.head.message_id == "<f.1@reader.example>"
    assert two.article.head.message_id.endswith("@test.example>")
    for result, body, is_flowed in ((one, flowed, True), (two, fixed, False)):
        number = result.article.xref[0][1]
        for art in (
            await news.article(alice, "misc.test", number),
            await sv.articles.read_article(alice, "misc.test", number),
        ):
            assert art.body == body and art.flowed is is_flowed
            assert art.lines == body.count("\n") + 1
        [[row]] = await _all_rows(news, alice, "misc.test", number, number)
        assert row == await _expected(news, alice, "misc.test", row)
    # control characters still go; the rest stays
    dirty = await news.post(
        alice, _sub(("misc.test",), "Dirty\x1b[2J", "a\x1b[31mb\r\nc ", flowed=False)
    )
    assert dirty.article.body == "ab\nc " and dirty.article.head.subject == "Dirty"


async def test_a_follow_up_by_message_id_joins_the_parents_thread(board: Board) -> None:
    sv, _ = board
    alice, _, _ = await _users(sv)
    bob = await sv.users.register("bob", "Bobby-pass-1")
    root = (await sv.articles.post(alice, ["comp.sys.retro"], "C64 disks", "Any left?")).article
    other = (await sv.articles.post(alice, ["comp.sys.retro"], "Other", "Unrelated.")).article
    reply = await sv.news.post(
        bob,
        _sub(
            ("comp.sys.retro",),
            "Re: C64 disks",
            "Plenty.\n",
            flowed=True,
            parent_message_id=root.head.message_id,
        ),
    )
    head = reply.article.head
    assert head.thread_id == root.head.thread_id != other.head.thread_id
    assert head.references == (root.head.message_id,)
    page = await sv.articles.thread_page(alice, "comp.sys.retro")
    [thread] = [t for t in page.threads if t.thread_id == root.head.thread_id]
    assert [a.message_id for a in thread.articles] == [root.head.message_id, head.message_id]
    assert page.threads[0].thread_id == root.head.thread_id  # moved to the top
    got = await sv.articles.read_article(alice, "comp.sys.retro", head.number)
    assert got.body == "Plenty.\n" and got.flowed
    with pytest.raises(NotFound):
        await sv.news.post(
            bob,
            _sub(("comp.sys.retro",), "Re: x", "y", flowed=False,
                 parent_message_id="<gone@test.example>"),
        )  # fmt: skip


async def test_posting_rules(board: Board) -> None:
    sv, _ = board
    alice, mo, root = await _users(sv)
    await sv.groups.create("local.mod", "Held posts", policy=Policy.MODERATED)
    await sv.groups.create("local.secret", "Sysops only", read_level=Level.SYSOP)
    news = sv.news
    held = await news.post(alice, _sub(("local.mod",), "Hold me", "Text.", flowed=True))
    assert held.pending
    assert (await news.group(alice, "local.mod")).count == 0
    with pytest.raises(NotFound):
        await news.article_by_message_id(root, held.article.head.message_id)
    assert not (await news.post(mo, _sub(("local.mod",), "Mod", "Text.", flowed=True))).pending

    with pytest.raises(PermissionDenied):
        await news.post(alice, _sub(("local.sysop",), "Mine", "Text.", flowed=False))
    assert not (await news.post(mo, _sub(("local.sysop",), "News", "Text.", flowed=False))).pending
    with pytest.raises(NotFound):
        await news.post(alice, _sub(("local.secret",), "Hidden", "Text.", flowed=False))
    with pytest.raises(NotFound):
        await news.post(alice, _sub(("no.such.group",), "None", "Text.", flowed=False))

    mid = "<dup.1@reader.example>"
    await news.post(alice, _sub(("misc.test",), "One", "Text.", flowed=False, message_id=mid))
    before = await news.group(alice, "misc.test")
    with pytest.raises(Conflict):
        await news.post(alice, _sub(("misc.test",), "Two", "Text.", flowed=False, message_id=mid))
    with pytest.raises(Conflict):  # held posts keep their Message-ID too
        await news.post(
            alice,
            _sub(
                ("misc.test",), "Two", "T.", flowed=False, message_id=held.article.head.message_id
            ),
        )
    assert await news.group(alice, "misc.test") == before  # nothing stored
    for bad in ("no-brackets@x", "<a b@c>", "<>"):
        with pytest.raises(ValidationError):
            await news.post(alice, _sub(("misc.test",), "Bad", "T.", flowed=False, message_id=bad))
    with pytest.raises(ValidationError):
        await news.post(alice, _sub(("misc.test",), "Empty", "\n \n", flowed=False))
    with pytest.raises(ValidationError):
        await news.post(alice, _sub(("misc.test",), "", "Text.", flowed=False))
    # a locked thread takes no follow-ups (but from moderators)
    top = await news.post(alice, _sub(("misc.test",), "Lock me", "Text.", flowed=False))
    await sv.moderation.lock(mo, top.article.head.thread_id)
    follow = _sub(
        ("misc.test",), "Re: Lock me", "More.", flowed=False,
        parent_message_id=top.article.head.message_id,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        await news.post(alice, follow)
    assert not (await news.post(mo, follow)).pending


async def test_a_post_with_a_readers_message_id_costs_one_statement_more(board: Board) -> None:
    sv, db = board
    alice, _, _ = await _users(sv)
    with statements(db) as seen:
        await sv.news.post(alice, _sub(("misc.test",), "Plain", "Text.", flowed=True))
    assert len(seen) <= 7, seen
    with statements(db) as seen:
        await sv.news.post(
            alice, _sub(("misc.test",), "Named", "Text.", flowed=True, message_id="<n.1@x.example>")
        )
    assert len(seen) <= 8, seen


async def test_login_and_current(board: Board) -> None:
    sv, db = board
    alice, _, _ = await _users(sv)
    guard = ConnectionGuard(limits_of(SERVICE_SETTINGS), "test")
    news = NewsService(db, sv.articles, sv.auth, guard, path_host="test.example")
    user = await news.login("Alice", "Alice-pass-1", "192.0.2.1")
    assert user.id == alice.id and user.level == Level.USER
    with pytest.raises(AuthFailed):
        await news.login("alice", "wrong-password", "192.0.2.1")
    assert await news.current(user) == user
    await sv.users.set_level("alice", Level.MODERATOR)
    now = await news.current(user)
    assert now is not None and now.level == Level.MODERATOR and now.id == user.id
    guard.load_bans([await sv.bans.add("alice", reason="spam")])
    assert await news.current(user) is None
    guard.load_bans([])
    assert await news.current(user) is not None
    await sv.users.lock("alice", "for a while")
    assert await news.current(user) is None
    await sv.users.unlock("alice")
    assert await news.current(user) is not None
    await sv.users.delete("alice")
    assert await news.current(user) is None
    ghost = replace(user, id=10**6)
    assert await news.current(ghost) is None


async def test_a_reset_password_is_not_enough_over_nntp(board: Board) -> None:
    sv, _ = board
    await sv.users.register("carol", "Carol-pass-1")
    _, temporary = await sv.users.reset_password("carol")
    with pytest.raises(AuthFailed, match="telnet"):
        await sv.news.login("carol", temporary, "192.0.2.7")


async def test_newnews_walks_the_date_index(board: Board) -> None:
    """NEWNEWS reads (date, id) keyset chunks through ix_articles_date (migration 0012), not
    a scan and sort of every article for each chunk."""
    sv, db = board
    statement = news_module._newnews_statement(2)
    compiled = statement.compiled(db.engine.dialect)
    since = datetime(2020, 1, 1, tzinfo=UTC)
    params = compiled.params({"g0": 1, "g1": 2, "k_at": since, "k_id": 0, "n": 10})
    async with db.engine.connect() as conn:
        if db.is_sqlite:
            plan = " ".join(
                str(r)
                for r in await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.sql, params)
            )
            assert "ix_articles_date" in plan and "TEMP B-TREE" not in plan, plan
        else:  # (a table this small is read whole by PostgreSQL's planner: the index exists)
            rows = await conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_articles_date'"
            )
            assert "(date, id)" in str(rows.all())


async def test_a_demo_boards_read_only_guests_may_not_post(board: Board) -> None:
    sv, db = board
    guest = await sv.users.new_guest()
    guard = ConnectionGuard(limits_of(SERVICE_SETTINGS), "test")
    demo = NewsService(
        db, sv.articles, sv.auth, guard, path_host="x.example", guests_read_only=True
    )
    assert {g.posting for g in await demo.groups(guest)} == {"n"}
    assert (await sv.news.group(guest, "misc.test")).posting == "y"  # guests may post here

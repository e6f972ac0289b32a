"""The screens' drawing caches never hand a caller rows made for another row, shape, skin or
level. The list-row cache (`ListView.draw_row` with a screen's `row_key`, BoardInfo.row_cache): with the
cache warmed by every other variant, each thread-list page is the same bytes as one drawn with
no cache at all. The reader's body rows (reader._BODIES): the same as a fresh wrap."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from rich.text import Text

from retroboard.domain.boards import Article, ArticleHead, Status, ThreadView
from retroboard.domain.users import Level, User
from retroboard.term.fake import FakeTerminal
from retroboard.term.terminal import guess_info
from retroboard.ui.context import BoardInfo, SessionContext
from retroboard.ui.events import SessionTerminal
from retroboard.ui.menus import load_menus
from retroboard.ui.screens import kit, reader
from retroboard.ui.screens.threads import ThreadListScreen, thread_lines
from retroboard.ui.skin import load_skins

SKINS = load_skins()
NOW = datetime.now(UTC)
OLD = datetime(2019, 3, 4, 5, 6, tzinfo=UTC)


def head(number: int, subject: str, refs: tuple[str, ...] = (), **kw: object) -> ArticleHead:
    values: dict[str, object] = {"author": "ada", "author_name": "Ada", "date": NOW}
    values.update(kw)
    return ArticleHead(
        id=number,
        message_id=f"<{number}@x>",
        subject=subject,
        references=refs,
        thread_id=kw.get("thread_id", number) if "thread_id" in kw else number,  # type: ignore[arg-type]
        number=number,
        **{k: v for k, v in values.items() if k != "thread_id"},  # type: ignore[arg-type]
    )


def views(all_read: bool = False) -> tuple[ThreadView, ...]:
    """Threads with every flag a row shows: read, unread, deleted, locked, replies with the
    same and other subjects, a long subject, another author, an old date (`all_read`: the
    same rows, every one read)."""
    root = head(1, "Modems " + "and more modems " * 8, read=True)  # a reply is unread
    same = head(2, "Re: Modems", ("<1@x>",), thread_id=1, read=True)
    other = head(3, "Baud rates", ("<1@x>", "<2@x>"), thread_id=1, author="grace", read=all_read)
    gone = head(4, "Spam", ("<1@x>",), thread_id=1, deleted=True)
    lone = head(5, "Floppies", date=OLD, read=True)
    locked = head(6, "Rules", author="sysop", read=all_read)
    return (
        ThreadView(1, root.subject, NOW, False, (root, same, other, gone)),
        ThreadView(5, "Floppies", OLD, False, (lone,)),
        ThreadView(6, "Rules", NOW, True, (locked,)),
    )


SHAPES: list[dict[str, object]] = [
    {},
    {"cols": 132, "rows": 43},
    {"cols": 40},
    {"cols": 30},
    {"term_type": "ansi"},
    {"term_type": "dumb"},
    {"skin": "plain"},
    {"skin": "ansi1989"},
    {"level": Level.SYSOP},
]


def page(
    board: BoardInfo,
    *,
    cols: int = 80,
    rows: int = 24,
    term_type: str = "xterm",
    skin: str = "",
    level: Level = Level.USER,
    collapsed: bool = False,
    expanded: frozenset[int] = frozenset(),
    index: int = 0,
    all_read: bool = False,
) -> bytes:
    term = FakeTerminal(cols=cols, rows=rows, term_type=term_type)
    term.info = guess_info("fake", term_type, cols, rows, "-")
    user = User(
        id=1, handle="ada", level=level, real_name="Ada", location="", created_at=NOW,
        last_login_at=NOW, login_count=2, skin=skin,
    )  # fmt: skip
    ctx = SessionContext(
        term=SessionTerminal(term), services=None, bus=None, board=board, art=None,  # type: ignore[arg-type]
        menus=load_menus(), screens={}, session_id="t",
        log=logging.LoggerAdapter(logging.getLogger("t")), user=user,
    )  # fmt: skip
    screen = ThreadListScreen("comp.sys.retro")
    screen.lines = thread_lines(views(all_read), not kit.use_ascii(ctx))
    screen.collapsed, screen.expanded, screen.exhausted = collapsed, set(expanded), True
    screen.index = index
    screen.draw_list(ctx)
    for i in range(len(screen.rows())):  # every row selected once (the cursor moving down)
        screen.place_cursor(ctx, i)
    return bytes(term.output)


VARIANTS: list[dict[str, object]] = [
    {},
    {"index": 2},
    {"collapsed": True},
    {"collapsed": True, "expanded": frozenset({1})},
    {"all_read": True},
    {"all_read": True, "collapsed": True},
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_cached_rows_are_what_an_uncached_drawing_shows(
    shape: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    board = BoardInfo(skins=SKINS)
    for other in SHAPES:  # warm the cache with every shape and variant first
        for variant in VARIANTS:
            page(board, **other, **variant)  # type: ignore[arg-type]
    cached = [page(board, **shape, **v) for v in VARIANTS]  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        m.setattr(ThreadListScreen, "row_key", lambda self, ctx, line, selected: None)
        fresh = [page(BoardInfo(skins=SKINS), **shape, **v) for v in VARIANTS]  # type: ignore[arg-type]
    assert cached == fresh
    assert [page(board, **shape, **v) for v in VARIANTS] == fresh  # hits again: the same


def test_the_cache_is_bounded_and_the_boards_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit, "ROWS_MAX", 5)
    board, other = BoardInfo(skins=SKINS), BoardInfo(skins=SKINS)
    page(board)
    assert 0 < len(board.row_cache) <= 5 and not other.row_cache


def article(body: str, *, flowed: bool = False, deleted: bool = False) -> Article:
    return Article(
        head=head(7, "Bodies", deleted=deleted), body=body, newsgroups=("comp.sys.retro",),
        xref=(("comp.sys.retro", 7),), status=Status.POSTED, path="x", lines=body.count("\n"),
        flowed=flowed,
    )  # fmt: skip


BODIES = [
    article("Short.\n> quoted line\n\ttabbed\n\n" + "long words " * 30 + "\n-- \nsig"),
    article(
        "Short.\n> quoted line\n\ttabbed\n\n" + "long words " * 30 + "\n-- \nsig", deleted=True
    ),
    article("A flowed paragraph that goes on \nand on \nand ends.\n", flowed=True),
    article("wide 漢字 " * 20),
]


def context(cols: int, term_type: str = "xterm") -> SessionContext:
    term = FakeTerminal(cols=cols, rows=24, term_type=term_type)
    term.info = guess_info("fake", term_type, cols, 24, "-")
    return SessionContext(
        term=SessionTerminal(term), services=None, bus=None, board=BoardInfo(skins=SKINS),  # type: ignore[arg-type]
        art=None, menus=load_menus(), screens={}, session_id="t",
        log=logging.LoggerAdapter(logging.getLogger("t")),
    )  # fmt: skip


def drawn(ctx: SessionContext, rows: tuple[Text, ...]) -> list[str]:
    return [ctx.renderer.render(row, end="") for row in rows]


def test_cached_body_rows_are_what_a_fresh_wrap_gives() -> None:
    shapes = [context(80), context(40), context(132), context(80, "dumb")]
    for ctx in shapes:  # warm the cache with every body, shape and rot13
        for a in BODIES:
            for rotated in (False, True):
                reader.body_rows(ctx, a, rotated)
    for ctx in shapes:
        for a in BODIES:
            for rotated in (False, True):
                fresh = reader._wrap_body(ctx.renderer.console, a, rotated, kit.width(ctx))
                assert drawn(ctx, reader.body_rows(ctx, a, rotated)) == drawn(ctx, fresh)
    before = drawn(shapes[0], reader.body_rows(shapes[0], BODIES[0], False))
    kit.put(
        shapes[0], 3, reader.body_rows(shapes[0], BODIES[0], False)[0], fill=True, style="reverse"
    )
    assert drawn(shapes[0], reader.body_rows(shapes[0], BODIES[0], False)) == before  # unchanged


def test_thread_rows_from_the_cache_are_those_of_a_fresh_tree() -> None:
    from dataclasses import replace

    from retroboard.ui.screens import threads

    base = views()
    root, same, other, gone = base[0].articles
    moved = replace(other, references=("<1@x>",))  # the same heads, another tree
    renamed = replace(same, subject="Something else")  # its subject shown now
    variants = [
        base,
        (replace(base[0], articles=(root, same, moved, gone)), *base[1:]),
        (replace(base[0], articles=(root, renamed, other, gone)), *base[1:]),
        (replace(base[0], articles=(root, same)),),
    ]

    def fresh(v: tuple[ThreadView, ...], unicode: bool) -> list[threads.Line]:
        threads._TREES.clear()
        return threads.thread_lines(v, unicode)

    expected = {(i, u): fresh(v, u) for i, v in enumerate(variants) for u in (True, False)}
    for v in variants:  # warm with every variant
        for u in (True, False):
            threads.thread_lines(v, u)
    for (i, u), lines in expected.items():
        assert threads.thread_lines(variants[i], u) == lines
        assert all(
            a.head is b.head
            for a, b in zip(threads.thread_lines(variants[i], u), lines, strict=True)
        )

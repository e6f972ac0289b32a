"""The render caches (list rows in `Renderer.render_line`, the main menu through
`SessionContext.render_cached`) never hand a caller bytes drawn for another shape: each cached
drawing equals a fresh rendering for this caller's size, colours, skin, level and lightbar."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from rich.text import Text

from retroboard.domain.users import Level, User
from retroboard.term.fake import FakeTerminal
from retroboard.term.terminal import TermInfo, guess_info
from retroboard.ui.context import BoardInfo, SessionContext
from retroboard.ui.events import SessionTerminal
from retroboard.ui.menus import load_menus
from retroboard.ui.render import THEME, Renderer
from retroboard.ui.screens.kit import put
from retroboard.ui.screens.menu import MenuScreen
from retroboard.ui.skin import load_skins

SKINS = load_skins()
NOW = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)


def session(
    board: BoardInfo,
    cols: int = 80,
    rows: int = 24,
    term_type: str = "xterm",
    skin: str = "",
    level: Level = Level.USER,
) -> tuple[SessionContext, FakeTerminal]:
    term = FakeTerminal(cols=cols, rows=rows, term_type=term_type)
    term.info = guess_info("fake", term_type, cols, rows, "-")
    user = User(
        id=1,
        handle="ada",
        level=level,
        real_name="Ada",
        location="",
        created_at=NOW,
        last_login_at=NOW,
        login_count=2,
        skin=skin,
    )
    ctx = SessionContext(
        term=SessionTerminal(term),
        services=None,  # type: ignore[arg-type]
        bus=None,  # type: ignore[arg-type]
        board=board,
        art=None,
        menus=load_menus(),
        screens={},
        session_id="t",
        log=logging.LoggerAdapter(logging.getLogger("t")),
        user=user,
    )
    return ctx, term


def menu_bytes(ctx: SessionContext, term: FakeTerminal, bar: int = 0) -> bytes:
    screen = MenuScreen("main")
    screen.menu = ctx.menus["main"]
    screen.bar = bar
    start = len(term.output)
    screen.draw(ctx)
    return bytes(term.output[start:])


ROW = Text.assemble(("+", "unread"), " ", ("[3]  ", "info"), ("x" * 70, "subject"))


@pytest.mark.parametrize(
    "info",
    [
        TermInfo(cols=80, rows=24, colors=16),
        TermInfo(cols=40, rows=24, colors=16),  # the same row, cropped
        TermInfo(cols=80, rows=24, colors=0),
        TermInfo(cols=80, rows=24, colors=256),
        TermInfo(cols=80, rows=25, colors=16),
    ],
)
def test_a_cached_row_is_what_this_renderer_draws(info: TermInfo) -> None:
    for theme in (THEME, SKINS["default"].theme, SKINS["plain"].theme):
        # warm the cache with every other shape first: a stale entry would be found here
        for cols in (40, 80, 132):
            for colors in (0, 16, 256):
                Renderer(TermInfo(cols=cols, rows=24, colors=colors), theme).render_line(ROW)
        renderer = Renderer(info, theme)
        assert renderer.render_line(ROW) == renderer.render(ROW, end="")
        assert renderer.render_line(ROW) == renderer.render(ROW, end="")  # a hit, the same


def test_rows_with_the_same_words_and_other_styles_are_drawn_apart() -> None:
    renderer = Renderer(TermInfo(cols=80, rows=24, colors=16))
    plain, lit = Text("Re: modems"), Text("Re: modems", style="reverse")
    bold = Text.assemble(("Re:", "hotkey"), " modems")
    for line in (plain, lit, bold, plain, lit, bold):
        assert renderer.render_line(line) == renderer.render(line, end="")


def test_a_resized_session_draws_rows_at_its_new_width() -> None:
    ctx, term = session(BoardInfo(), cols=132)
    long_row = Text("y" * 120, style="subject")
    put(ctx, 2, long_row)
    term.info = TermInfo(kind="fake", cols=40, rows=24)
    ctx.sync_size()
    start = len(term.output)
    put(ctx, 2, long_row)
    drawn = bytes(term.output[start:]).decode()
    assert "y" * 39 in drawn and "y" * 40 not in drawn


@pytest.mark.parametrize(
    "shape",
    [
        {"cols": 132, "rows": 43},
        {"cols": 40},
        {"term_type": "ansi"},
        {"term_type": "dumb"},
        {"skin": "plain"},
        {"skin": "ansi1989"},
        {"level": Level.SYSOP},
        {"bar": 3},
    ],
)
def test_the_cached_main_menu_is_drawn_for_each_callers_shape(shape: dict[str, object]) -> None:
    """One board's cache, warmed by an 80x24 xterm member with the bar on the first item,
    then a caller of another shape: the same bytes as on a board that never drew a menu."""
    bar = int(shape.pop("bar", 0))  # type: ignore[call-overload]
    board = BoardInfo(skins=SKINS)
    first, first_term = session(board)
    assert menu_bytes(first, first_term) == menu_bytes(first, first_term)  # a hit, the same
    other, other_term = session(board, **shape)  # type: ignore[arg-type]
    fresh, fresh_term = session(BoardInfo(skins=SKINS), **shape)  # type: ignore[arg-type]
    expected = menu_bytes(fresh, fresh_term, bar)
    assert menu_bytes(other, other_term, bar) == expected
    assert menu_bytes(other, other_term, bar) == expected  # and again, from the cache


def samples() -> list[Text]:
    """Rows of every kind a screen draws, and a few the one-line path must hand to rich."""
    lit = Text.assemble((">", "hotkey"), ("+ ", "unread"), ("Re: modems", "subject"))
    lit.truncate(79, overflow="crop", pad=True)
    lit.stylize("reverse")
    overlapping = Text("overlapping spans here", style="dim")
    overlapping.stylize("bold", 0, 11)
    overlapping.stylize("info", 5, 16)
    return [
        Text(""),
        Text("plain words"),
        lit,
        overlapping,
        Text("wide 漢字 and é and e\u0301 and ☃", style="author"),
        Text("a\ttab", style="date"),  # tabs are expanded by print
        Text("two\nlines", style="label"),  # as is a newline
        Text("right", style="info", justify="right"),
        Text("centre", style="info", justify="center"),
        Text("left", style="info", justify="left"),
        Text("z" * 200, style="subject"),  # wider than any screen: print crops it
        Text.assemble(("[", "dim"), ("x", "hotkey"), ("] label", "label"), style="title"),
        Text("undefined style", style="no_such_style_in_the_theme"),
    ]


@pytest.mark.parametrize("colors", [0, 8, 16, 256, 16777216])
@pytest.mark.parametrize("cols", [20, 80, 132])
def test_the_one_line_path_draws_what_console_print_draws(cols: int, colors: int) -> None:
    from retroboard.ui import render

    for theme in (THEME, SKINS["default"].theme, SKINS["ansi1989"].theme):
        renderer = Renderer(TermInfo(cols=cols, rows=24, colors=colors), theme)
        for line in samples():
            render._LINES.clear()  # a miss: drawn by the one-line path (or by print)
            try:
                expected = renderer.render(line, end="")
            except Exception as exc:  # noqa: BLE001 (then render_line must fail alike)
                with pytest.raises(type(exc)):
                    renderer.render_line(line)
                continue
            assert renderer.render_line(line) == expected, (cols, colors, line)

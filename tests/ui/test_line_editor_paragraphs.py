"""The numbered-line editor hands back paragraphs: a post typed with word wrap at 40 columns is
stored as flowed paragraphs and reads full-width at 80; a dropped draft re-wraps when resumed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from retroboard.db.tables import ArticleRow
from retroboard.domain.flowed import decode
from retroboard.domain.users import User
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_compose import GROUP, compose_from_menu, member, only_article, start_compose
from tests.ui.test_drafts import settle
from tests.ui.test_flowed_bodies import assert_not_ragged, body_rows
from tests.ui.test_reader import read_first

FIRST = " ".join(f"first{i:02d}" for i in range(30))  # 239 characters: 8 lines at 40 columns
SECOND = " ".join(f"second{i:02d}" for i in range(7))  # 62: one stored line
MENU = r"\[G\] Goodbye"


async def stored_body(board: Any) -> str:
    """The one article's body as the database holds it (format=flowed)."""
    async with board.db.read() as s:
        rows = (await s.scalars(select(ArticleRow))).all()
    assert len(rows) == 1, rows
    return rows[0].body


async def open_line_editor(board: Any, user: User, subject: str, cols: int) -> FakeCaller:
    c = await start_compose(board, user, cols=cols, rows=30)
    await c.wait_for(r"^Subject:$")
    await c.line(subject)
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"/S save|/S to save")
    return c


async def test_a_paragraph_typed_at_40_columns_is_stored_whole_and_reads_full_at_80(
    offline_board: Any,
) -> None:
    ada = await member(offline_board, "ada")  # the line editor
    compose_from_menu(offline_board, [GROUP])
    c = await open_line_editor(offline_board, ada, "Narrow", 40)
    await c.type(FIRST + "\r")  # one paragraph, wrapped by the editor as it is typed
    await c.type("\r")  # an empty line between the paragraphs
    await c.type(SECOND + "\r")
    screen = await c.wait_for(r"^13:\s*$")
    assert " 2: first04 first05 first06 first07" in screen  # typed as 34-column screen lines
    await c.line("/s")
    await c.wait_for(r"Article posted|Posted to")
    await c.hangup()

    stored = await stored_body(offline_board)
    lines = stored.split("\n")
    blank = lines.index("")
    first, second = lines[:blank], lines[blank + 1 :]
    assert len(first) == 4, stored  # 239 characters in lines of at most 78, not 8 of 34
    assert all(line.endswith(" ") for line in first[:-1]), stored  # soft breaks only
    assert not first[-1].endswith(" "), stored  # the paragraph's one hard break
    assert "".join(first) == FIRST, stored
    assert second == [SECOND], stored  # the second paragraph stays apart, one line
    assert (await only_article(offline_board, ada)).body.count("\n\n") == 1

    bob = await member(offline_board, "bob")
    r = await read_first(offline_board, bob, cols=80, rows=40)
    width, rows = body_rows(r, 80)
    gap = rows.index("")
    assert " ".join(rows[:gap]) == FIRST, rows
    assert " ".join(rows[gap + 1 :]).strip() == SECOND, rows
    assert gap == 3, rows  # 239 characters at 79: 3 full rows, not 8 ragged ones
    assert all(len(row) > 70 for row in rows[: gap - 1]), rows  # the rows fill the width
    assert_not_ragged(rows, width)
    await r.hangup()


async def test_a_dropped_draft_holds_paragraphs_and_rewraps_at_a_new_width(
    offline_board: Any,
) -> None:
    ada = await member(offline_board, "ada")
    compose_from_menu(offline_board, [GROUP])
    c = await open_line_editor(offline_board, ada, "Dropped", 40)
    await c.type(FIRST + "\r\r" + SECOND + "\r")
    await settle(c)
    await c.hangup()  # the line drops: the text is kept as a draft

    (draft,) = await offline_board.services.drafts.list(ada.id)
    assert draft.body == FIRST + "\n\n" + SECOND  # paragraphs, not 34-column lines

    c = FakeCaller(offline_board, user=ada, cols=80, rows=40)
    await c.wait_for(r"\(R\)esume")
    await c.type("r")
    screen = await c.wait_for(r"^ 7:\s*$")  # 4 rows for FIRST at 74, a blank one, SECOND
    assert " 1: " + FIRST[:71] in screen  # re-wrapped to the new width
    await c.line("/s")
    screen = await c.wait_for(r"posted")
    if "Press any key" in screen:
        await c.type(" ")
    await c.wait_for(MENU)
    stored = (await only_article(offline_board, ada)).body
    assert [p.text for p in decode(stored)] == [FIRST, "", SECOND], stored
    await c.hangup()

"""Bodies stored as format=flowed: a post written at 132 columns reads without ragged lines at
80 and 40; quoting keeps a 76-character line as one line; quotes keep "> " on every row; an
old fixed body keeps its indentation and line ends in the reader and in a follow-up's quote."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update

from retroboard.db.tables import ArticleRow
from retroboard.domain.users import User
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_compose import (
    CTRL_Z,
    GROUP,
    compose_from_menu,
    member,
    only_article,
    parent_post,
    start_compose,
)
from tests.ui.test_reader import read_first

FIRST = " ".join(f"first{i:02d}" for i in range(30))  # 239 characters
SECOND = " ".join(f"second{i:02d}" for i in range(20))


def body_rows(c: FakeCaller, cols: int) -> tuple[int, list[str]]:
    """The reader's text width (one less than the terminal) and the body rows under the rule."""
    lines = c.screen.lines
    rule = next(i for i, line in enumerate(lines) if len(line) > 8 and set(line) <= {"─", "-"})
    end = next(i for i, line in enumerate(lines) if line.startswith(("End of article", "--More")))
    return cols - 1, [line.rstrip() for line in lines[rule + 1 : end]]


def assert_not_ragged(rows: list[str], width: int) -> None:
    """Every row either ends a paragraph or is full: the next row's first word would not fit."""
    for row, after in zip(rows, [*rows[1:], ""], strict=True):
        assert len(row) <= width, rows  # never wider than the text width
        if row and after:
            assert len(row) + 1 + len(after.split()[0]) > width, (row, after, rows)


async def test_a_post_written_at_132_columns_reads_unragged_at_80_and_40(
    offline_board: Any,
) -> None:
    ada = await member(offline_board, "ada", editor="fse")
    compose_from_menu(offline_board, [GROUP])
    c = await start_compose(offline_board, ada, cols=132, rows=30)
    await c.wait_for(r"^Subject:$")
    await c.line("Wide")
    await c.wait_for(r"Also post to")
    await c.line("")
    await c.wait_for(r"\^Z Save|Ctrl-Z save")
    await c.type(FIRST + "\r\r" + SECOND + CTRL_Z)
    await c.wait_for(r"Article posted|Posted to")
    await c.hangup()

    stored = (await only_article(offline_board, ada)).body
    assert all(len(line) <= 78 for line in stored.split("\n")), stored
    assert "\n\n" in stored  # the blank line between the paragraphs is a hard break

    bob: User = await member(offline_board, "bob")
    for cols in (80, 40):
        r = await read_first(offline_board, bob, cols=cols, rows=40)
        width, rows = body_rows(r, cols)
        assert " ".join(rows[: rows.index("")]) == FIRST, rows
        assert " ".join(rows[rows.index("") + 1 :]).strip() == SECOND, rows
        assert len(rows) > 4
        assert_not_ragged(rows, width)
        await r.hangup()


async def test_a_76_character_line_quoted_at_80x24_stays_one_line(offline_board: Any) -> None:
    line = "x" * 37 + " " + "y" * 38  # 76 characters
    parent = await parent_post(offline_board, body=line + "\nshort")
    for editor in ("fse", "line"):
        ada = await member(offline_board, f"ada{editor}", editor=editor)
        compose_from_menu(offline_board, [GROUP], parent=parent)
        c = await start_compose(offline_board, ada)
        await c.wait_for(r"^Newsgroups")
        await c.line("")
        await c.wait_for(r"Ctrl-Z save|/S")
        if editor == "fse":
            await c.type("Agreed." + CTRL_Z)
        else:
            await c.line("Agreed.")
            await c.line("/S")
        await c.wait_for(r"Article posted|Posted to")
        await c.hangup()
        body = (await only_article(offline_board, ada)).body.split("\n")
        assert body[0].startswith("On ") and body[0].endswith("(bob) wrote:")
        assert body[1:3] == ["> " + line, "> short"], body


async def test_quoted_lines_at_40_columns_keep_the_marker_on_every_row(
    offline_board: Any,
) -> None:
    quote = "> " + " ".join(["quoted"] * 10)  # 71 characters: two rows at 40
    ada = await member(offline_board, "ada")
    await offline_board.services.articles.post(ada, [GROUP], "Quote", quote + "\n\n" + FIRST)
    bob = await member(offline_board, "bob")
    c = await read_first(offline_board, bob, cols=40, rows=30)
    width, rows = body_rows(c, 40)
    quoted = rows[: rows.index("")]
    assert len(quoted) == 2, rows
    assert all(row.startswith("> ") for row in quoted), rows
    assert " ".join(row[2:] for row in quoted) == quote[2:]
    assert_not_ragged(rows[rows.index("") + 1 :], width)
    await c.hangup()


OLD_BODY = "Try this:\n  indented code\n    deeper\nends in a space \nnext line"


async def test_an_old_fixed_body_keeps_its_indentation_in_the_reader_and_the_quote(
    offline_board: Any,
) -> None:
    parent = await parent_post(offline_board, subject="Old code", body="placeholder")
    async with offline_board.db.write() as s:  # as stored before bodies were flowed
        await s.execute(
            update(ArticleRow)
            .where(ArticleRow.id == parent.head.id)
            .values(body=OLD_BODY, flowed=False)
        )
    ada = await member(offline_board, "ada")
    c = await read_first(offline_board, ada)
    rows = body_rows(c, 80)[1]
    while rows and not rows[-1]:
        rows.pop()
    assert rows == ["Try this:", "  indented code", "    deeper", "ends in a space", "next line"]

    await c.type("F")
    await c.wait_for(r"Newsgroups.*comp\.sys\.retro")
    await c.line("")
    await c.wait_for(r"^ ?\d+:\s*$")  # the line editor, quoting the original
    shown = [re.sub(r"^ ?\d+: ", "", line.rstrip()) for line in c.screen.lines]
    assert ">   indented code" in shown and ">     deeper" in shown, shown
    assert "> ends in a space" in shown and "> next line" in shown, shown
    await c.line("Thanks.")
    await c.line("/s")
    await c.wait_for(r"Article posted")
    await c.wait_for(r"Subject: Old code")  # back on the old article: now a reply by mail
    await c.type("r")
    await c.wait_for(r"^To: bob$")
    await c.line("")
    await c.wait_for(r"CC \(Enter for none\):$")
    await c.line("")
    await c.wait_for(r"^Subject: Re: Old code$")
    await c.line("")
    await c.wait_for(r"^ 3: >   indented code$")
    assert re.search(r"^ 5: > ends in a space$", c.text, re.M), c.text
    await c.hangup()
    reply = await only_article(offline_board, ada)
    assert reply.flowed
    assert reply.body.split("\n")[1:6] == [
        "> Try this:",
        ">   indented code",
        ">     deeper",
        "> ends in a space",
        "> next line",
    ], reply.body

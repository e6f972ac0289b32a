"""The thread list's End, K and hint line, and the reader's thread moves: what they show and
how many service calls they cost (counted by wrapping the service methods)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from retroboard.domain.users import User
from tests.helpers.fakeui import FakeCaller
from tests.ui.test_group_screens import (
    END,
    PGUP,
    UP,
    a_thread,
    make_user,
    open_retro,
    post,
    row_of,
)

HOME = "\x1b[H"
THREADS = 300


@pytest.fixture
async def people(offline_board: Any) -> dict[str, User]:
    return {
        "ada": await make_user(offline_board, "ada", real_name="Ada Lovelace"),
        "bob": await make_user(offline_board, "bob"),
    }


def count_calls(
    monkeypatch: pytest.MonkeyPatch, service: object, name: str
) -> list[dict[str, Any]]:
    """Wrap `service.name`; returns the list of keyword arguments of every call made."""
    calls: list[dict[str, Any]] = []
    real: Callable[..., Awaitable[Any]] = getattr(service, name)

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return await real(*args, **kwargs)

    monkeypatch.setattr(service, name, counted)
    return calls


def status_row(c: FakeCaller) -> str:
    return c.screen.lines[-1]


async def test_end_fetches_only_the_last_page_and_counts_the_whole_group(
    offline_board: Any, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(THREADS):
        await post(offline_board, people["ada"], f"Thread {i:03d}")
    pages = count_calls(monkeypatch, offline_board.services.articles, "thread_page")
    c = await open_retro(offline_board, people["bob"])
    assert "1/300" in status_row(c)
    pages.clear()
    await c.type(END)
    await c.wait_for(r"^>\+\s+Thread 000")
    assert len(pages) == 1 and pages[0].get("from_end") is True, pages  # not every page
    assert "300/300" in status_row(c) and "more below" not in status_row(c)
    assert "Thread 020" in c.text and "Thread 299" not in c.text
    await c.type("\r")  # read it and come back: still at the end, the counter too
    await c.wait_for(r"^From: ")
    pages.clear()
    await c.type("q")
    await c.wait_for(r"^>\s+Thread 000")
    assert "300/300" in status_row(c) and row_of(c, "Thread 000")[1] == " ", c.text
    assert len(pages) == 1 and pages[0].get("from_end") is True, pages
    await c.type(UP)
    await c.wait_for(r"^>\+\s+Thread 001")
    assert "299/300" in status_row(c)
    pages.clear()
    await c.type(PGUP * 2)  # above the loaded end: one page above it fetched per PgUp
    await c.wait_for(r"^>\+\s+Thread 043")
    assert "257/300" in status_row(c), c.text
    assert len(pages) == 2 and all(p.get("above") is not None for p in pages), pages
    await c.type("/")  # a search from the end looks above the loaded rows too
    await c.line("thread 150")
    await c.wait_for(r"^>\+\s+Thread 150")
    assert "150/300" in status_row(c), c.text
    await c.type(HOME)  # the real top again
    await c.wait_for(r"^>\+\s+Thread 299")
    assert "1/300" in status_row(c)
    await c.hangup()


async def test_end_when_collapsed_counts_threads(
    offline_board: Any, people: dict[str, User]
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, ada, bob)  # the oldest thread: 4 articles
    for i in range(45):
        await post(offline_board, ada, f"Thread {i:02d}")
    c = await open_retro(offline_board, bob)
    await c.type("t")
    await c.wait_for("One row per thread")
    await c.type(END)
    await c.wait_for(r"^>\+\s+4 Amiga 500 memory upgrade")
    assert "46/46" in status_row(c), c.text
    await c.type("t")  # every article again: the position counts articles
    await c.wait_for("Every article shown")
    await c.type(END)
    await c.wait_for(r"^>\s+└─\s+bob")
    assert "49/49" in status_row(c), c.text
    await c.hangup()


async def test_K_is_one_service_call_and_the_screen_shows_it(
    offline_board: Any, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bob = people["ada"], people["bob"]
    await a_thread(offline_board, bob, ada)  # bob's root; ada's replies unread for bob
    await post(offline_board, ada, "Unrelated")
    articles = offline_board.services.articles
    marks = count_calls(monkeypatch, articles, "mark")
    threads = count_calls(monkeypatch, articles, "mark_thread_read")
    c = await open_retro(offline_board, bob)
    await c.type("j")
    await c.wait_for(r"^>\s+\[3\] Amiga")
    assert "3 unread of 5" in c.screen.lines[0]
    await c.type("K")
    await c.wait_for("Thread marked read: Amiga 500 memory upgrade")
    assert len(threads) == 1 and marks == []
    assert "1 unread of 5" in c.screen.lines[0]
    assert [line[1] for line in c.screen.lines[2:6]] == [" "] * 4, c.text
    assert re.match(r"^>\s+\[3\] Amiga", c.screen.lines[2]), c.text  # the cursor stays
    assert (await offline_board.services.groups.status(bob, "comp.sys.retro")).unread == 1
    await c.hangup()


async def test_hint_line_names_the_veteran_keys_at_80_and_40_columns(
    offline_board: Any, people: dict[str, User]
) -> None:
    await post(offline_board, people["ada"], "Something")
    c = await open_retro(offline_board, people["bob"])
    hint = c.screen.lines[-2].rstrip()
    for key in ("Tab unread", "K mark read", "t collapse", "/ a search", "? help"):
        assert key in hint, hint
    assert len(hint) <= 79
    await c.resize(40, 24)
    await c.wait_for(r"^Enter read  Tab unread  K mark  \? help")
    assert len(c.screen.lines[-2].rstrip()) <= 39
    await c.hangup()


async def test_reader_fetches_a_thread_once_until_a_reply_arrives(
    offline_board: Any, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bob = people["ada"], people["bob"]
    parts = await a_thread(offline_board, ada, bob)
    fetched = count_calls(monkeypatch, offline_board.services.articles, "thread")
    c = await open_retro(offline_board, bob)
    await c.type("\r")
    await c.wait_for(r"#1  Lines: 1  1 of 4 in thread$")
    await c.type("n")
    await c.wait_for(r"#2  Lines: 1  2 of 4 in thread$")
    await c.type("n")
    await c.wait_for(r"#3  Lines: 1  3 of 4 in thread$")
    await c.type("<")
    await c.wait_for(r"#2  Lines: 1  2 of 4 in thread$")
    assert len(fetched) == 1  # four articles opened, the thread fetched once
    await post(
        offline_board, ada, "Re: Amiga 500 memory upgrade", "A late reply.", parent=parts["r2"]
    )
    await c.type(">")  # r1's first reply: r11, and the new count of the thread
    await c.wait_for(r"#3  Lines: 1  3 of 5 in thread$")
    assert len(fetched) == 2
    await c.type("n")
    await c.wait_for(r"#4  Lines: 1  4 of 5 in thread$")
    await c.type("n")  # the late reply is found
    await c.wait_for("A late reply.")
    assert "5 of 5 in thread" in c.text and len(fetched) == 2
    await c.hangup()

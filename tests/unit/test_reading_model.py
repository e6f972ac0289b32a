"""The reader's pure model: reading list, thread moves, next-unread decisions and paging."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from retroboard.domain.boards import ArticleHead
from retroboard.ui.models.reading import (
    Done,
    Lookup,
    Open,
    Pager,
    Reading,
    ReadingList,
    ThreadMoves,
)


def head(number: int, parent: int | None = None, thread: int = 1) -> ArticleHead:
    return ArticleHead(
        id=number,
        message_id=f"<{number}@test>",
        subject=f"article {number}",
        author="ada",
        author_name="",
        date=datetime(2026, 1, 1, tzinfo=UTC),
        references=(f"<{parent}@test>",) if parent is not None else (),
        thread_id=thread,
        number=number,
    )


# ---------------------------------------------------------------- the reading list


def test_reading_list_starts_at_the_article_opened_and_walks_both_ways() -> None:
    items = [("a", 1), ("a", 3), ("b", 2)]
    rl = ReadingList(items, ("a", 3))
    assert rl.pos == 1 and rl.current == ("a", 3)
    assert rl.next() == ("b", 2) and rl.pos == 2
    assert rl.next() is None and rl.pos == 2  # the end: stays on the last one
    assert rl.previous() == ("a", 3) and rl.previous() == ("a", 1)
    assert rl.previous() is None and rl.pos == 0


def test_reading_list_not_holding_the_article_starts_at_the_top() -> None:
    assert ReadingList([("a", 1), ("a", 2)], ("z", 9)).pos == 0


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 50)), min_size=1, unique=True))
def test_next_visits_every_item_once_in_order(items: list[tuple[str, int]]) -> None:
    rl = ReadingList(items, items[0])
    seen = [rl.current]
    while (step := rl.next()) is not None:
        seen.append(step)
    assert seen == items


# ---------------------------------------------------------------- next unread


def test_next_unread_in_a_reading_list_opens_the_next_then_finishes_silently() -> None:
    r = Reading("a", 1, [("a", 1), ("b", 4)])
    assert r.next_unread() == Open("b", 4)
    r.arrive("b", 4, high=4)
    assert r.next_unread() == Done("")


def test_next_unread_without_a_list_asks_the_board_then_decides() -> None:
    r = Reading("a", 5)
    assert r.next_unread() == Lookup("a", after=5)
    assert r.unread_found(7) == Open("a", 7)
    assert r.unread_found(None) == Done("a")


# ---------------------------------------------------------------- thread moves

# 1 -> 2 -> 3, 1 -> 4; tree order 1 2 3 4
THREAD = [head(1), head(2, 1), head(3, 2), head(4, 1)]


def test_thread_moves_follow_tree_order() -> None:
    moves = ThreadMoves.of(THREAD)
    assert moves.order == (1, 2, 3, 4)
    assert [moves.target(n, "next") for n in (1, 2, 3, 4)] == [2, 3, 4, None]
    assert [moves.target(n, "prev") for n in (1, 2, 3, 4)] == [None, 1, 2, 3]
    assert [moves.target(n, "parent") for n in (1, 2, 3, 4)] == [None, 1, 2, 1]
    assert [moves.target(n, "reply") for n in (1, 2, 3, 4)] == [2, 3, None, None]


def test_an_article_not_in_the_thread_has_no_moves() -> None:
    moves = ThreadMoves.of(THREAD)
    assert moves.target(99, "prev") is None and moves.target(99, "parent") is None
    assert moves.target(99, "next") is None


@given(st.lists(st.integers(0, 30), min_size=1, max_size=30))
def test_next_then_prev_comes_back_and_parents_lead_to_the_root(parents: list[int]) -> None:
    heads = [head(1)] + [head(i + 2, min(p, i) + 1) for i, p in enumerate(parents)]
    moves = ThreadMoves.of(heads)
    assert sorted(moves.order) == [h.number for h in heads]
    for n in moves.order:
        nxt = moves.target(n, "next")
        if nxt is not None:
            assert moves.target(nxt, "prev") == n
        steps, at = 0, n
        while (up := moves.target(at, "parent")) is not None:
            at, steps = up, steps + 1
            assert steps <= len(heads)
        assert at == 1
        reply = moves.target(n, "reply")
        if reply is not None:
            assert moves.target(reply, "parent") == n


# ---------------------------------------------------------------- paging


def test_a_short_article_is_at_its_end_on_the_first_page() -> None:
    p = Pager()
    p.fit(total=10, height=23)
    assert p.at_end and p.last_top == 0 and p.percent == 99
    p.page_down()
    assert p.top == 0


def test_paging_a_long_article() -> None:
    p = Pager()
    p.fit(total=60, height=23)  # page 1: lines 0..22; later pages: a sticky line + 22 lines
    assert not p.at_end and p.shown_end == 23 and p.percent == 38
    p.page_down()
    assert p.top == 23 and p.shown_end == 45
    p.page_down()
    assert p.top == 38 == p.last_top and p.at_end  # the last page is full, not a stub
    p.page_up()
    assert p.top == 16
    p.home()
    assert p.top == 0
    assert p.line_down() and p.top == 2  # lines 0 and 1 differ only by the sticky header
    p.line_up()
    assert p.top == 0
    p.end()
    assert p.top == p.last_top and not p.line_down() and p.top == p.last_top


def test_a_narrower_window_keeps_top_inside_the_article() -> None:
    p = Pager()
    p.fit(total=60, height=23)
    p.end()
    p.fit(total=40, height=43)
    assert p.top == 0 and p.at_end


@given(
    st.integers(0, 300),
    st.integers(2, 80),
    st.lists(st.sampled_from(["down", "up", "pgdn", "pgup", "home", "end"]), max_size=40),
)
def test_top_always_stays_within_the_article(total: int, height: int, moves: list[str]) -> None:
    p = Pager()
    p.fit(total, height)
    for move in moves:
        {
            "down": p.line_down,
            "up": p.line_up,
            "pgdn": p.page_down,
            "pgup": p.page_up,
            "home": p.home,
            "end": p.end,
        }[move]()
        assert 0 <= p.top <= p.last_top and p.top != 1
        assert 0 <= p.percent <= 99
    p.end()
    assert p.at_end


def test_arriving_at_another_article_resets_the_view_but_not_a_reload() -> None:
    r = Reading("a", 1)
    r.arrive("a", 1, high=3)
    r.pager.fit(60, 23)
    r.pager.page_down()
    r.rot13 = r.full_headers = True
    r.arrive("a", 1, high=4)  # the same article again (after a delete, a lock)
    assert r.pager.top == 23 and r.rot13 and r.high == 4
    r.arrive("a", 2, high=4)
    assert (r.number, r.pager.top, r.rot13, r.full_headers) == (2, 0, False, False)

"""Unit tests for retroboard.domain.threads: building and drawing thread trees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from retroboard.domain.threads import MAX_INDENT, Node, Row, build_tree, flatten, tree_prefix

T0 = datetime(1988, 3, 12, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Art:
    message_id: str
    references: list[str] = field(default_factory=list)
    minutes: int = 0
    subject: str = ""

    @property
    def date(self) -> datetime:
        return T0 + timedelta(minutes=self.minutes)


def art(mid: str, refs: str = "", minutes: int = 0, subject: str = "") -> Art:
    return Art(f"<{mid}>", [f"<{r}>" for r in refs.split()], minutes, subject or mid)


def ids(nodes: list[Node[Art]]) -> list[str]:
    return [n.item.message_id.strip("<>") for n in nodes]


def shape(nodes: list[Node[Art]]) -> list[object]:
    """Nested (id, [children...]) structure for easy comparison."""
    return [(n.item.message_id.strip("<>"), shape(n.children)) for n in nodes]


def draw(rows: list[Row[Art]], unicode: bool = True) -> str:
    return "\n".join(tree_prefix(r, unicode) + r.item.subject for r in rows)


class TestBuildTree:
    def test_empty(self) -> None:
        assert build_tree([]) == []
        assert flatten([]) == []

    def test_single(self) -> None:
        roots = build_tree([art("a")])
        assert shape(roots) == [("a", [])]

    def test_simple_thread_any_input_order(self) -> None:
        items = [
            art("c", "a b", 3),
            art("a", "", 0),
            art("d", "a", 4),
            art("b", "a", 1),
        ]
        assert shape(build_tree(items)) == [("a", [("b", [("c", [])]), ("d", [])])]

    def test_children_sorted_by_date(self) -> None:
        items = [art("a"), art("late", "a", 30), art("early", "a", 5), art("mid", "a", 10)]
        assert shape(build_tree(items)) == [("a", [("early", []), ("mid", []), ("late", [])])]

    def test_roots_sorted_by_date(self) -> None:
        items = [art("y", "", 20), art("x", "", 10), art("z", "", 5)]
        assert ids(build_tree(items)) == ["z", "x", "y"]

    def test_equal_dates_keep_input_order(self) -> None:
        items = [art("a"), art("p", "a", 1), art("q", "a", 1), art("r", "a", 1)]
        assert ids(build_tree(items)[0].children) == ["p", "q", "r"]

    def test_missing_parent_attaches_to_nearest_ancestor(self) -> None:
        # "b" (the direct parent of "c") expired; "c" hangs under "a".
        items = [art("a"), art("c", "a b", 2)]
        assert shape(build_tree(items)) == [("a", [("c", [])])]

    def test_missing_parent_uses_deepest_present_ancestor(self) -> None:
        items = [art("a"), art("b", "a", 1), art("d", "a b c", 3)]
        assert shape(build_tree(items)) == [("a", [("b", [("d", [])])])]

    def test_all_ancestors_missing_becomes_root(self) -> None:
        items = [art("a"), art("orphan", "gone1 gone2", 1)]
        assert shape(build_tree(items)) == [("a", []), ("orphan", [])]

    def test_nodes_keep_item_reference(self) -> None:
        a = art("a")
        roots = build_tree([a])
        assert roots[0].item is a

    def test_self_reference(self) -> None:
        items = [art("a", "a"), art("b", "a b", 1)]
        assert shape(build_tree(items)) == [("a", [("b", [])])]

    def test_two_cycle_does_not_hang_or_lose_articles(self) -> None:
        items = [art("a", "b", 0), art("b", "a", 1)]
        roots = build_tree(items)
        rows = flatten(roots)
        assert sorted(r.item.message_id for r in rows) == ["<a>", "<b>"]
        assert len(roots) == 1

    def test_long_cycle(self) -> None:
        items = [art("a", "c", 0), art("b", "a", 1), art("c", "b", 2)]
        rows = flatten(build_tree(items))
        assert sorted(r.item.message_id for r in rows) == ["<a>", "<b>", "<c>"]

    def test_cycle_falls_back_to_older_reference(self) -> None:
        # "b" claims "c" as parent but "c" is b's own descendant; use the next ref up.
        items = [art("a", "", 0), art("c", "a b", 2), art("b", "a c", 1)]
        roots = build_tree(items)
        assert len(flatten(roots)) == 3
        assert ids(roots) == ["a"]

    def test_duplicate_message_ids_are_not_dropped(self) -> None:
        items = [art("a"), art("a", "", 1), art("b", "a", 2)]
        rows = flatten(build_tree(items))
        assert len(rows) == 3

    def test_naive_and_aware_dates_mix(self) -> None:
        @dataclass
        class Plain:
            message_id: str
            references: list[str]
            date: datetime

        items = [
            Plain("<a>", [], datetime(2000, 1, 1, 12, 0)),
            Plain("<b>", ["<a>"], datetime(2000, 1, 1, 12, 5, tzinfo=UTC)),
            Plain("<c>", ["<a>"], datetime(2000, 1, 1, 12, 1)),
        ]
        roots = build_tree(items)
        assert [n.item.message_id for n in roots[0].children] == ["<c>", "<b>"]

    def test_very_deep_chain_no_recursion_error(self) -> None:
        n = 5000
        items = [art("m0")]
        for i in range(1, n):
            items.append(art(f"m{i}", f"m{i - 1}", i))
        rows = flatten(build_tree(items))
        assert len(rows) == n
        assert rows[-1].depth == n - 1


class TestFlattenDrawing:
    ITEMS = [
        art("root", "", 0, "Subject of root"),
        art("r1", "root", 1, "Re: first reply"),
        art("r11", "root r1", 2, "Re: reply to first"),
        art("r2", "root", 3, "Re: second reply"),
    ]

    def test_unicode_tree(self) -> None:
        rows = flatten(build_tree(self.ITEMS))
        assert draw(rows) == (
            "Subject of root\n├─Re: first reply\n│ └─Re: reply to first\n└─Re: second reply"
        )

    def test_ascii_tree(self) -> None:
        rows = flatten(build_tree(self.ITEMS))
        assert draw(rows, unicode=False) == (
            "Subject of root\n|-Re: first reply\n| `-Re: reply to first\n`-Re: second reply"
        )

    def test_row_fields(self) -> None:
        rows = flatten(build_tree(self.ITEMS))
        assert [r.depth for r in rows] == [0, 1, 2, 1]
        assert [r.prefix_unicode for r in rows] == ["", "├─", "│ └─", "└─"]
        assert [r.prefix_ascii for r in rows] == ["", "|-", "| `-", "`-"]
        assert rows[0].item is self.ITEMS[0]

    def test_last_child_branch_uses_blank_continuation(self) -> None:
        items = [
            art("a", "", 0, "A"),
            art("b", "a", 1, "B"),
            art("c", "a", 2, "C"),
            art("d", "a c", 3, "D"),
            art("e", "a c d", 4, "E"),
            art("f", "a c", 5, "F"),
        ]
        assert draw(flatten(build_tree(items))) == ("A\n├─B\n└─C\n  ├─D\n  │ └─E\n  └─F")
        assert draw(flatten(build_tree(items)), unicode=False) == (
            "A\n|-B\n`-C\n  |-D\n  | `-E\n  `-F"
        )

    def test_several_threads(self) -> None:
        items = [
            art("t1", "", 0, "One"),
            art("t1r", "t1", 2, "Re: One"),
            art("t2", "", 1, "Two"),
            art("t2r", "t2", 3, "Re: Two"),
        ]
        assert draw(flatten(build_tree(items))) == ("One\n└─Re: One\nTwo\n└─Re: Two")

    def test_depth_capped(self) -> None:
        n = MAX_INDENT + 5
        items = [art("m0", "", 0, "s0")]
        for i in range(1, n):
            items.append(art(f"m{i}", " ".join(f"m{j}" for j in range(i)), i, f"s{i}"))
        rows = flatten(build_tree(items))
        assert MAX_INDENT == 12
        assert [r.depth for r in rows] == list(range(n))
        at_cap = rows[MAX_INDENT].prefix_unicode
        assert at_cap == "  " * (MAX_INDENT - 1) + "└─"
        for r in rows[MAX_INDENT:]:
            assert r.prefix_unicode == at_cap
            assert r.prefix_ascii == "  " * (MAX_INDENT - 1) + "`-"
        assert rows[MAX_INDENT - 1].prefix_unicode == "  " * (MAX_INDENT - 2) + "└─"

    def test_depth_cap_keeps_own_connector(self) -> None:
        # A deep node with a later sibling still shows "├─" at the capped column.
        items = [art("m0", "", 0)]
        for i in range(1, 15):
            items.append(art(f"m{i}", f"m{i - 1}", i))
        items.append(art("sib", "m13", 100))  # sibling of m14, depth 14
        rows = flatten(build_tree(items))
        by_id = {r.item.message_id: r for r in rows}
        assert by_id["<m14>"].prefix_unicode.endswith("├─")
        assert by_id["<sib>"].prefix_unicode.endswith("└─")
        assert len(by_id["<m14>"].prefix_unicode) == 2 * MAX_INDENT

    @pytest.mark.parametrize("unicode", [True, False])
    def test_tree_prefix_matches_fields(self, unicode: bool) -> None:
        for r in flatten(build_tree(self.ITEMS)):
            expected = r.prefix_unicode if unicode else r.prefix_ascii
            assert tree_prefix(r, unicode) == expected

    def test_prefix_widths_match(self) -> None:
        for r in flatten(build_tree(self.ITEMS)):
            assert len(r.prefix_unicode) == len(r.prefix_ascii) == 2 * min(r.depth, MAX_INDENT)

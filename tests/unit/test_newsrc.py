"""Unit tests for retroboard.domain.newsrc: read-mark range sets and .newsrc lines."""

from __future__ import annotations

import random

import pytest

from retroboard.domain.newsrc import (
    NewsrcEntry,
    RangeSet,
    format_newsrc_line,
    parse_newsrc_line,
)


def model(rs: RangeSet, upto: int = 200) -> set[int]:
    return {n for n in range(0, upto + 1) if n in rs}


class TestParseFormat:
    @pytest.mark.parametrize(
        "text",
        ["", "1", "1-1053,1055,1060-1071", "3,5,7", "1-2", "0-10", "10-20,30-40,50"],
    )
    def test_round_trip_canonical(self, text: str) -> None:
        assert str(RangeSet.parse(text)) == text

    @pytest.mark.parametrize(
        ("text", "canonical"),
        [
            ("5,1-3", "1-3,5"),
            ("1-3,4", "1-4"),
            ("1-3,4-6,7", "1-7"),
            ("1-10,3-5", "1-10"),
            ("2-2", "2"),
            (" 1 - 3 , 5 ", "1-3,5"),
            ("7,6,5,4", "4-7"),
            ("1-5,3-8,10", "1-8,10"),
        ],
    )
    def test_merge_and_sort(self, text: str, canonical: str) -> None:
        assert str(RangeSet.parse(text)) == canonical

    @pytest.mark.parametrize(
        ("text", "canonical"),
        [
            ("abc", ""),
            ("5-3", ""),
            ("", ""),
            (",,", ""),
            ("1,,3", "1,3"),
            ("1-3,abc,7", "1-3,7"),
            ("-5", ""),
            ("5-", ""),
            ("1-2-3", ""),
            ("x-3,4", "4"),
            ("1.5,2", "2"),
            ("\u0661\u0662,3", "3"),  # Arabic-Indic digits are not newsrc numbers
            ("²,4", "4"),
            ("9-3,12-10,1", "1"),
        ],
    )
    def test_garbage_never_raises(self, text: str, canonical: str) -> None:
        assert str(RangeSet.parse(text)) == canonical

    def test_repr_and_eq(self) -> None:
        a = RangeSet.parse("1-3,5")
        assert a == RangeSet.parse("5,3,2,1")
        assert a != RangeSet.parse("1-3")
        assert "1-3,5" in repr(a)
        assert a != "1-3,5"

    def test_constructor_from_ranges(self) -> None:
        assert str(RangeSet([(5, 6), (1, 3), (4, 4)])) == "1-6"
        assert str(RangeSet()) == ""

    def test_ranges_property(self) -> None:
        assert RangeSet.parse("1-3,7").ranges == ((1, 3), (7, 7))

    def test_bool_and_count(self) -> None:
        assert not RangeSet()
        rs = RangeSet.parse("1-1053,1055,1060-1071")
        assert rs
        assert rs.count() == 1053 + 1 + 12

    def test_highest(self) -> None:
        assert RangeSet().highest is None
        assert RangeSet.parse("1-5,9").highest == 9

    def test_copy_is_independent(self) -> None:
        a = RangeSet.parse("1-3")
        b = a.copy()
        b.add(10)
        assert str(a) == "1-3"
        assert str(b) == "1-3,10"


class TestMutation:
    def test_add(self) -> None:
        rs = RangeSet()
        for n in (5, 3, 4, 10, 1):
            rs.add(n)
        assert str(rs) == "1,3-5,10"
        rs.add(2)
        assert str(rs) == "1-5,10"
        rs.add(4)
        assert str(rs) == "1-5,10"

    def test_add_bridges_gap(self) -> None:
        rs = RangeSet.parse("1-4,6-9")
        rs.add(5)
        assert rs.ranges == ((1, 9),)

    def test_add_range(self) -> None:
        rs = RangeSet.parse("1-3,10,20-25,40")
        rs.add_range(4, 21)
        assert str(rs) == "1-25,40"
        rs.add_range(41, 41)
        assert str(rs) == "1-25,40-41"
        rs.add_range(100, 200)
        assert str(rs) == "1-25,40-41,100-200"
        rs.add_range(0, 1000)
        assert str(rs) == "0-1000"

    def test_add_range_invalid(self) -> None:
        with pytest.raises(ValueError):
            RangeSet().add_range(5, 3)

    def test_discard(self) -> None:
        rs = RangeSet.parse("1-10")
        rs.discard(5)
        assert str(rs) == "1-4,6-10"
        rs.discard(1)
        assert str(rs) == "2-4,6-10"
        rs.discard(10)
        assert str(rs) == "2-4,6-9"
        rs.discard(100)  # not present: no error
        rs.discard(5)
        assert str(rs) == "2-4,6-9"

    def test_discard_single(self) -> None:
        rs = RangeSet.parse("3")
        rs.discard(3)
        assert str(rs) == "" and not rs

    def test_discard_range(self) -> None:
        rs = RangeSet.parse("1-10,20-30,40")
        rs.discard_range(5, 25)
        assert str(rs) == "1-4,26-30,40"
        rs.discard_range(0, 100)
        assert str(rs) == ""

    def test_random_against_model(self) -> None:
        rnd = random.Random(1234)
        rs = RangeSet()
        ref: set[int] = set()
        for _ in range(3000):
            op = rnd.random()
            a = rnd.randint(0, 120)
            b = rnd.randint(a, min(a + 15, 150))
            if op < 0.35:
                rs.add(a)
                ref.add(a)
            elif op < 0.6:
                rs.add_range(a, b)
                ref.update(range(a, b + 1))
            elif op < 0.8:
                rs.discard(a)
                ref.discard(a)
            else:
                rs.discard_range(a, b)
                ref.difference_update(range(a, b + 1))
            assert model(rs) == ref
            assert RangeSet.parse(str(rs)) == rs
            # canonical: sorted, disjoint, not adjacent
            rr = rs.ranges
            assert all(lo <= hi for lo, hi in rr)
            assert all(rr[i][1] + 1 < rr[i + 1][0] for i in range(len(rr) - 1))
        lo, hi = 10, 90
        assert rs.count_in(lo, hi) == len([n for n in ref if lo <= n <= hi])


class TestQueries:
    RS = RangeSet.parse("1-1053,1055,1060-1071")

    def test_contains(self) -> None:
        assert 1 in self.RS
        assert 1053 in self.RS
        assert 1054 not in self.RS
        assert 1055 in self.RS
        assert 1056 not in self.RS
        assert 1071 in self.RS
        assert 1072 not in self.RS
        assert 0 not in self.RS
        assert -1 not in self.RS
        assert 5 not in RangeSet()

    def test_count_in(self) -> None:
        assert self.RS.count_in(1, 1071) == 1066
        assert self.RS.count_in(1050, 1060) == 4 + 1 + 1
        assert self.RS.count_in(1054, 1054) == 0
        assert self.RS.count_in(2000, 3000) == 0
        assert self.RS.count_in(10, 5) == 0
        assert RangeSet().count_in(1, 100) == 0
        assert self.RS.count_in(-100, 0) == 0

    def test_first_missing(self) -> None:
        assert self.RS.first_missing(1, 1100) == 1054
        assert self.RS.first_missing(1, 1100, after=1054) == 1056
        assert self.RS.first_missing(1, 1100, after=1059) == 1072
        assert self.RS.first_missing(1, 1071) == 1054
        assert self.RS.first_missing(1060, 1071) is None
        assert self.RS.first_missing(1, 1071, after=1058) == 1059
        assert self.RS.first_missing(1, 1071, after=1071) is None
        assert self.RS.first_missing(500, 400) is None
        assert RangeSet().first_missing(1, 10) == 1
        assert RangeSet().first_missing(1, 10, after=4) == 5
        assert RangeSet.parse("1-10").first_missing(3, 20) == 11

    def test_first_missing_after_below_lo(self) -> None:
        rs = RangeSet.parse("5-7")
        assert rs.first_missing(5, 10, after=0) == 8
        assert rs.first_missing(1, 10, after=-50) == 1

    def test_missing_in(self) -> None:
        assert list(self.RS.missing_in(1050, 1075)) == [
            1054,
            1056,
            1057,
            1058,
            1059,
            1072,
            1073,
            1074,
            1075,
        ]
        assert list(self.RS.missing_in(1050, 1075, limit=3)) == [1054, 1056, 1057]
        assert list(self.RS.missing_in(1, 1053)) == []
        assert list(self.RS.missing_in(1, 1, limit=0)) == []
        assert list(RangeSet().missing_in(3, 5)) == [3, 4, 5]

    def test_missing_in_huge_range_is_lazy(self) -> None:
        it = RangeSet.parse("1-10").missing_in(1, 10**15)
        assert next(it) == 11
        assert next(it) == 12

    def test_unread_count(self) -> None:
        assert self.RS.unread_count(1, 1075) == 1075 - 1066
        assert RangeSet().unread_count(1, 10) == 10
        assert RangeSet().unread_count(10, 1) == 0

    def test_count_in_scales_with_ranges_not_numbers(self) -> None:
        rs = RangeSet.parse("1-1000000000000")
        assert rs.count_in(1, 10**12) == 10**12
        assert rs.first_missing(1, 10**13) == 10**12 + 1


class TestNewsrcLines:
    def test_parse_subscribed(self) -> None:
        entry = parse_newsrc_line("comp.sys.amiga: 1-5,7")
        assert entry == ("comp.sys.amiga", True, RangeSet.parse("1-5,7"))
        assert isinstance(entry, NewsrcEntry)
        assert entry.name == "comp.sys.amiga"
        assert entry.subscribed is True
        assert str(entry.read) == "1-5,7"

    def test_parse_unsubscribed(self) -> None:
        name, subscribed, read = parse_newsrc_line("alt.test! 1-3")
        assert (name, subscribed, str(read)) == ("alt.test", False, "1-3")

    def test_parse_no_ranges(self) -> None:
        assert parse_newsrc_line("local.general:") == ("local.general", True, RangeSet())
        assert parse_newsrc_line("local.general!\n") == ("local.general", False, RangeSet())

    def test_parse_no_space_and_trailing_newline(self) -> None:
        name, subscribed, read = parse_newsrc_line("local.general:1-3,9\n")
        assert (name, subscribed, str(read)) == ("local.general", True, "1-3,9")

    def test_parse_garbage_ranges_skipped(self) -> None:
        _, _, read = parse_newsrc_line("a.b: 1-3,zz,9-2,5")
        assert str(read) == "1-3,5"

    @pytest.mark.parametrize("line", ["", "   ", "no separator here", ": 1-3", "! 1-3"])
    def test_parse_invalid_line(self, line: str) -> None:
        with pytest.raises(ValueError):
            parse_newsrc_line(line)

    def test_format(self) -> None:
        assert format_newsrc_line("comp.sys.amiga", True, RangeSet.parse("7,1-5")) == (
            "comp.sys.amiga: 1-5,7"
        )
        assert format_newsrc_line("alt.test", False, RangeSet.parse("1-3")) == "alt.test! 1-3"
        assert format_newsrc_line("local.general", True, RangeSet()) == "local.general:"
        assert format_newsrc_line("local.general", False, RangeSet()) == "local.general!"

    @pytest.mark.parametrize(
        "line",
        ["comp.sys.amiga: 1-5,7", "alt.test! 1-3", "local.general:", "x.y! 1,3,5-9"],
    )
    def test_round_trip(self, line: str) -> None:
        assert format_newsrc_line(*parse_newsrc_line(line)) == line

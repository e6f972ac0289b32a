"""Per-group read marks as newsrc-style article number ranges ("1-1053,1055,1060-1071")."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = ["NewsrcEntry", "RangeSet", "format_newsrc_line", "parse_newsrc_line"]

_NUMBER = re.compile(r"[0-9]+")


def _lo(r: tuple[int, int]) -> int:
    return r[0]


def _hi(r: tuple[int, int]) -> int:
    return r[1]


class RangeSet:
    """A mutable set of article numbers stored as sorted, disjoint, non-adjacent ranges.

    Queries cost O(log r + ranges touched), never O(numbers), so "1-1000000" is cheap.
    """

    __slots__ = ("_ranges",)

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._ranges: list[tuple[int, int]] = []
        for lo, hi in ranges:
            self.add_range(lo, hi)

    @classmethod
    def parse(cls, text: str) -> RangeSet:
        """Parse "1-5,7,9-12". Bad parts ("abc", "5-3", empty) are skipped, never raised."""
        rs = cls()
        for part in text.split(","):
            bounds = [b.strip() for b in part.split("-")]
            if len(bounds) > 2 or not all(_NUMBER.fullmatch(b) for b in bounds):
                continue
            lo, hi = int(bounds[0]), int(bounds[-1])
            if lo <= hi:
                rs.add_range(lo, hi)
        return rs

    # -- formatting and comparison

    def __str__(self) -> str:
        return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self._ranges)

    def __repr__(self) -> str:
        return f"RangeSet.parse({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RangeSet):
            return NotImplemented
        return self._ranges == other._ranges

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __bool__(self) -> bool:
        return bool(self._ranges)

    @property
    def ranges(self) -> tuple[tuple[int, int], ...]:
        """The (lo, hi) ranges, inclusive, sorted."""
        return tuple(self._ranges)

    @property
    def highest(self) -> int | None:
        """The largest number in the set, or None when empty."""
        return self._ranges[-1][1] if self._ranges else None

    def copy(self) -> RangeSet:
        """An independent copy."""
        new = RangeSet()
        new._ranges = list(self._ranges)
        return new

    def count(self) -> int:
        """How many numbers the set holds."""
        return sum(hi - lo + 1 for lo, hi in self._ranges)

    # -- mutation

    def add(self, n: int) -> None:
        """Mark `n` read."""
        self.add_range(n, n)

    def add_range(self, lo: int, hi: int) -> None:
        """Mark every number in [lo, hi] read."""
        if lo > hi:
            raise ValueError(f"empty range {lo}-{hi}")
        rs = self._ranges
        i = bisect_left(rs, lo - 1, key=_hi)  # first range ending at or after lo - 1
        j = bisect_right(rs, hi + 1, key=_lo)  # first range starting after hi + 1
        if i < j:
            lo, hi = min(lo, rs[i][0]), max(hi, rs[j - 1][1])
        rs[i:j] = [(lo, hi)]

    def discard(self, n: int) -> None:
        """Mark `n` unread (no error if it was not read)."""
        self.discard_range(n, n)

    def discard_range(self, lo: int, hi: int) -> None:
        """Mark every number in [lo, hi] unread."""
        if lo > hi:
            return
        rs = self._ranges
        i = bisect_left(rs, lo, key=_hi)  # first range ending at or after lo
        j = bisect_right(rs, hi, key=_lo)  # first range starting after hi
        if i >= j:
            return
        keep: list[tuple[int, int]] = []
        if rs[i][0] < lo:
            keep.append((rs[i][0], lo - 1))
        if rs[j - 1][1] > hi:
            keep.append((hi + 1, rs[j - 1][1]))
        rs[i:j] = keep

    # -- queries

    def __contains__(self, n: object) -> bool:
        if not isinstance(n, int):
            return False
        i = bisect_right(self._ranges, n, key=_lo) - 1
        return i >= 0 and self._ranges[i][1] >= n

    def count_in(self, lo: int, hi: int) -> int:
        """How many numbers of the set fall in [lo, hi]."""
        if lo > hi:
            return 0
        total = 0
        rs = self._ranges
        for k in range(bisect_left(rs, lo, key=_hi), len(rs)):
            a, b = rs[k]
            if a > hi:
                break
            total += min(b, hi) - max(a, lo) + 1
        return total

    def unread_count(self, lo: int, hi: int) -> int:
        """How many numbers in [lo, hi] are NOT in the set."""
        return max(0, hi - lo + 1) - self.count_in(lo, hi)

    def first_missing(self, lo: int, hi: int, after: int = 0) -> int | None:
        """The first number in [max(lo, after + 1), hi] not in the set ("next unread")."""
        start = max(lo, after + 1)
        if start > hi:
            return None
        i = bisect_right(self._ranges, start, key=_lo) - 1
        if i >= 0 and self._ranges[i][1] >= start:
            start = self._ranges[i][1] + 1  # ranges are never adjacent: this one is free
        return start if start <= hi else None

    def missing_in(self, lo: int, hi: int, limit: int | None = None) -> Iterator[int]:
        """Yield the numbers in [lo, hi] not in the set, ascending, at most `limit` of them."""
        produced = 0
        n = self.first_missing(lo, hi, after=lo - 1)
        while n is not None and (limit is None or produced < limit):
            yield n
            produced += 1
            n = self.first_missing(lo, hi, after=n)


class NewsrcEntry(NamedTuple):
    """One .newsrc line: group name, subscribed flag and the read articles."""

    name: str
    subscribed: bool
    read: RangeSet


def parse_newsrc_line(line: str) -> NewsrcEntry:
    """Parse "comp.sys.amiga: 1-5,7" (":" subscribed, "!" unsubscribed).

    Raises ValueError when there is no name or no ":"/"!" separator; bad ranges are skipped.
    """
    text = line.strip()
    match = re.match(r"([^\s:!]+)\s*([:!])(.*)\Z", text, re.DOTALL)
    if not match:
        raise ValueError(f"not a newsrc line: {line!r}")
    name, mark, ranges = match.groups()
    return NewsrcEntry(name, mark == ":", RangeSet.parse(ranges))


def format_newsrc_line(name: str, subscribed: bool, read: RangeSet) -> str:
    """Format a .newsrc line: "comp.sys.amiga: 1-5,7", "alt.test! 1-3", "local.general:"."""
    head = name + (":" if subscribed else "!")
    ranges = str(read)
    return f"{head} {ranges}" if ranges else head

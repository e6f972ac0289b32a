"""Pure model (no I/O) of the reader: reading list, thread moves, next unread and paging."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import InitVar, dataclass, field
from typing import Literal

from retroboard.domain.boards import ArticleHead
from retroboard.domain.threads import build_tree, flatten

Where = tuple[str, int]  # (group, article number)
ThreadMove = Literal["next", "prev", "parent", "reply"]


class ReadingList:
    """The articles a new-scan reads, in order, and where the reader is in it."""

    def __init__(self, items: Iterable[Where], current: Where) -> None:
        self.items: tuple[Where, ...] = tuple(items)
        self.pos = self.items.index(current) if current in self.items else 0

    @property
    def current(self) -> Where:
        return self.items[self.pos]

    def next(self) -> Where | None:
        """Step to the next article and return it; None (staying put) at the end."""
        if self.pos + 1 >= len(self.items):
            return None
        self.pos += 1
        return self.items[self.pos]

    def previous(self) -> Where | None:
        """Step back one article and return it; None (staying put) at the start."""
        if self.pos == 0:
            return None
        self.pos -= 1
        return self.items[self.pos]


@dataclass(frozen=True)
class ThreadMoves:
    """One thread in tree order, with each article's parent and first reply (by number)."""

    order: tuple[int, ...]
    parent: dict[int, int]
    first_reply: dict[int, int]

    @classmethod
    def of(cls, heads: Iterable[ArticleHead]) -> ThreadMoves:
        roots = build_tree(heads)
        parent: dict[int, int] = {}
        first_reply: dict[int, int] = {}
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node.children:
                first_reply[node.item.number] = node.children[0].item.number
            for child in node.children:
                parent[child.item.number] = node.item.number
                stack.append(child)
        return cls(tuple(row.item.number for row in flatten(roots)), parent, first_reply)

    def target(self, number: int, how: ThreadMove) -> int | None:
        """The article `how` leads to from `number`, or None when there is none."""
        if how == "parent":
            return self.parent.get(number)
        if how == "reply":
            return self.first_reply.get(number)
        if number not in self.order:
            return None
        i = self.order.index(number) + (1 if how == "next" else -1)
        return self.order[i] if 0 <= i < len(self.order) else None


@dataclass(frozen=True)
class Open:
    """Read this article next."""

    group: str
    number: int


@dataclass(frozen=True)
class Lookup:
    """Ask the board for the first unread article in `group` after `after`."""

    group: str
    after: int


@dataclass(frozen=True)
class Done:
    """Nothing more to read: leave the reader. `group` names the group that ran out (for the
    "no more unread" message); empty at the end of a reading list, which says nothing."""

    group: str


@dataclass
class Pager:
    """The reader's page: `top` is the first content line shown. The first page (top 0) shows
    `height` lines; later pages give their first row to a sticky header, so show height - 1.
    Lines 0 and 1 only differ by that header, so top is never 1."""

    top: int = 0
    total: int = 0
    height: int = 2

    def fit(self, total: int, height: int) -> None:
        """The article now has `total` lines and the page `height` rows; keeps top inside."""
        self.total, self.height = total, max(2, height)
        self.set_top(self.top)

    @property
    def shown_end(self) -> int:
        """One past the last content line on the page."""
        return self.height if self.top == 0 else self.top + self.height - 1

    @property
    def at_end(self) -> bool:
        return self.shown_end >= self.total

    @property
    def last_top(self) -> int:
        """The top of the last page (a full page, never a stub)."""
        return 0 if self.total <= self.height else self.total - (self.height - 1)

    @property
    def percent(self) -> int:
        """How far into the article the page reaches, 0..99 (the More prompt)."""
        return min(99, self.shown_end * 100 // max(1, self.total))

    def set_top(self, top: int) -> None:
        top = max(0, min(top, self.last_top))
        self.top = 0 if top <= 1 else top

    def page_down(self) -> None:
        self.set_top(self.shown_end)

    def page_up(self) -> None:
        self.set_top(self.top - (self.height - 1))

    def line_down(self) -> bool:
        """One line on; False (and no move) when the end is already shown."""
        if self.at_end:
            return False
        self.set_top(2 if self.top == 0 else self.top + 1)
        return True

    def line_up(self) -> None:
        self.set_top(self.top - 1)

    def home(self) -> None:
        self.top = 0

    def end(self) -> None:
        self.set_top(self.last_top)


@dataclass
class Reading:
    """What the reader is showing and where it goes next: the article, the reading list (a
    new-scan's), the page and the view toggles."""

    group: str
    number: int
    reading_list: InitVar[Sequence[Where] | None] = None
    high: int = 0
    rot13: bool = False
    full_headers: bool = False
    pager: Pager = field(default_factory=Pager)
    scan: ReadingList | None = field(init=False, default=None)
    in_scan: bool = field(init=False, default=False)

    def __post_init__(self, reading_list: Sequence[Where] | None) -> None:
        self.in_scan = reading_list is not None
        if reading_list:
            self.scan = ReadingList(reading_list, (self.group, self.number))

    def arrive(self, group: str, number: int, high: int) -> None:
        """The reader now shows this article; another article starts at its top, unrotated,
        with the short headers (the same one again keeps the view)."""
        if (group, number) != (self.group, self.number):
            self.pager.top, self.rot13, self.full_headers = 0, False, False
        self.group, self.number, self.high = group, number, high

    def next_unread(self) -> Open | Lookup | Done:
        """Where "next unread" goes: on in the reading list (a new-scan), else ask the board."""
        if self.in_scan:
            step = self.scan.next() if self.scan is not None else None
            return Done("") if step is None else Open(*step)
        return Lookup(self.group, self.number)

    def unread_found(self, number: int | None) -> Open | Done:
        """What the board's answer to a Lookup means: that article, or done with this group."""
        return Done(self.group) if number is None else Open(self.group, number)

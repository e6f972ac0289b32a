"""Thread trees: link articles by References and draw them tin/trn-style with box characters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

__all__ = ["MAX_INDENT", "Node", "Row", "Threadable", "build_tree", "flatten", "tree_prefix"]

MAX_INDENT = 12  # deeper replies are drawn at this depth's indentation


class Threadable(Protocol):
    """What build_tree needs from an article; anything else on it is carried along."""

    @property
    def message_id(self) -> str: ...
    @property
    def references(self) -> Sequence[str]: ...
    @property
    def date(self) -> datetime: ...


T = TypeVar("T", bound=Threadable)


@dataclass(eq=False)
class Node(Generic[T]):
    """One article in a thread tree; `children` are sorted oldest first."""

    item: T
    children: list[Node[T]] = field(default_factory=list)


@dataclass(frozen=True)
class Row(Generic[T]):
    """One line of a drawn thread: the article, its true depth and its tree prefixes."""

    item: T
    depth: int
    prefix_unicode: str
    prefix_ascii: str


def _sort_key(date: datetime, index: int) -> tuple[datetime, int]:
    """Oldest first, input order breaking ties; naive dates count as UTC."""
    return (date.replace(tzinfo=UTC) if date.tzinfo is None else date, index)


class _Components:
    """Union-find over node indexes: which nodes already hang in the same tree."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self._parent[self.find(a)] = self.find(b)


def build_tree(items: Iterable[T]) -> list[Node[T]]:
    """Link articles into threads and return the roots, oldest first.

    An article hangs under the nearest article named in its references (last to first)
    that is present; if none is, it becomes a root. Self-references and reference
    cycles are ignored (the link that would close a cycle is skipped), and articles
    with a duplicate Message-ID are kept, only the first being linkable as a parent.
    """
    nodes = [Node(item) for item in items]
    keys = [_sort_key(node.item.date, i) for i, node in enumerate(nodes)]
    by_id: dict[str, int] = {}
    for i, node in enumerate(nodes):
        by_id.setdefault(node.item.message_id, i)

    components = _Components(len(nodes))
    parent_of: list[int | None] = [None] * len(nodes)
    # Each node is still a root when it is linked, so a link closes a cycle exactly when
    # the chosen parent is already in this node's tree (i.e. is its descendant).
    for i in sorted(range(len(nodes)), key=keys.__getitem__):
        for ref in reversed(nodes[i].item.references):
            j = by_id.get(ref)
            if j is None or components.find(j) == components.find(i):
                continue
            parent_of[i] = j
            components.union(i, j)
            break

    roots: list[Node[T]] = []
    for i in sorted(range(len(nodes)), key=keys.__getitem__):
        p = parent_of[i]
        (roots if p is None else nodes[p].children).append(nodes[i])
    return roots


_UNICODE = ("├─", "└─", "│ ", "  ")
_ASCII = ("|-", "`-", "| ", "  ")


def flatten(roots: Sequence[Node[T]]) -> list[Row[T]]:
    """Walk the trees depth-first into display rows with tin/trn-style prefixes.

    Roots get "". A reply gets, for each ancestor level below the root, "│ " when that
    ancestor has later siblings (else "  "), then "├─" (more siblings follow) or "└─".
    Beyond MAX_INDENT the prefix stops growing: the levels deeper than MAX_INDENT - 1
    are left out, but the reply's own connector is kept.
    """
    rows: list[Row[T]] = []
    # Stack entries: node, depth, "has later sibling" flags of levels 1..depth (at most
    # MAX_INDENT of them: past the cap the deeper levels' flags are dropped).
    stack: list[tuple[Node[T], int, tuple[bool, ...]]] = [(root, 0, ()) for root in reversed(roots)]
    while stack:
        node, depth, flags = stack.pop()
        rows.append(Row(node.item, depth, _prefix(flags, _UNICODE), _prefix(flags, _ASCII)))
        last = len(node.children) - 1
        for k in range(last, -1, -1):
            child_flags = flags if len(flags) < MAX_INDENT else flags[: MAX_INDENT - 1]
            stack.append((node.children[k], depth + 1, (*child_flags, k < last)))
    return rows


def _prefix(flags: tuple[bool, ...], glyphs: tuple[str, str, str, str]) -> str:
    if not flags:
        return ""
    tee, elbow, bar, blank = glyphs
    *above, more = flags
    return "".join(bar if f else blank for f in above) + (tee if more else elbow)


def tree_prefix(row: Row[T], unicode: bool) -> str:
    """The row's tree prefix in box-drawing characters or in plain ASCII."""
    return row.prefix_unicode if unicode else row.prefix_ascii

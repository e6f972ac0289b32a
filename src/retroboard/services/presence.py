"""Presence: who is on which node, from where, doing what, since when, idle how long.

One `Presence` per process knows every session. Node numbers are the lowest free one (reused,
as on a BBS). It publishes SessionStarted, SessionLoggedIn, ActivityChanged (only when the
activity changes) and SessionEnded on the bus, and decides what a second login with a handle
already online means (the `duplicate_login` policy: allow, warn or refuse). It holds no
terminal or screen: the session tells it what changed; `nodes()` answers with plain values.
An activity is an `Activity` (a skin key and values), never text: whoever shows it words it
with their own skin.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from retroboard.bus import EventBus
from retroboard.domain.activity import Activity
from retroboard.domain.errors import NotFound
from retroboard.domain.events import (
    ActivityChanged,
    SessionEnded,
    SessionLoggedIn,
    SessionStarted,
)
from retroboard.domain.text import sanitize
from retroboard.domain.users import User

POLICIES = ("allow", "warn", "refuse")
FIRST_ACTIVITY = Activity("logging_in")


class NoSuchNode(NotFound):
    """Nobody is on that node (the session ended, or the number was never given out)."""


@dataclass(frozen=True, slots=True)
class Node:
    """A snapshot of one node: plain values, safe to keep, show or send.

    `user_id` is 0 and `handle` "" until the caller logs in. `connected_at` and
    `activity_since` are UTC; `idle_seconds` is the time since the caller's last input when
    the snapshot was taken.
    """

    number: int
    session_id: str
    user_id: int
    handle: str
    transport: str
    address: str
    terminal: str
    cols: int
    rows: int
    activity: Activity
    activity_since: datetime
    connected_at: datetime
    idle_seconds: float


@dataclass(frozen=True, slots=True)
class DuplicateVerdict:
    """What logging in as `handle` means under `policy`: `other_nodes` are the nodes the
    handle is already on (empty when it is not online); `refuse` is True when the login must
    be turned away, `warn` when both sessions should be told."""

    policy: str
    handle: str
    other_nodes: tuple[int, ...]
    refuse: bool

    @property
    def warn(self) -> bool:
        return self.policy == "warn" and bool(self.other_nodes)


class _Line:
    """The live record behind a node (mutable; never handed out)."""

    def __init__(
        self,
        number: int,
        session_id: str,
        transport: str,
        address: str,
        terminal: str,
        cols: int,
        rows: int,
        last_input: Callable[[], float] | None,
        size: Callable[[], tuple[int, int]] | None,
        now: datetime,
        mono: float,
    ) -> None:
        self.number = number
        self.session_id = session_id
        self.transport = transport
        self.address = address
        self.terminal = terminal
        self.cols, self.rows = cols, rows
        self.user_id = 0
        self.handle = ""
        self.activity = FIRST_ACTIVITY
        self.activity_since = now
        self.connected_at = now
        self.touched = mono
        self.last_input = last_input
        self.size = size


class Presence:
    """Every session's node: `open` when it starts, `logged_in`, `set_activity`, `close`.

    `clock` (monotonic seconds, comparable with the `last_input` callables sessions pass) and
    `now` (UTC wall time) are parameters so tests need no real time. Not thread-safe: use it
    from the event loop.
    """

    def __init__(
        self,
        bus: EventBus,
        duplicate_login: str = "warn",
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if duplicate_login not in POLICIES:
            raise ValueError(f"duplicate_login must be one of {', '.join(POLICIES)}")
        self.policy = duplicate_login
        self._bus = bus
        self._clock = clock
        self._now = now
        self._lines: dict[int, _Line] = {}
        self._by_session: dict[str, int] = {}

    # ---- changes ---------------------------------------------------------------------------
    def open(
        self,
        session_id: str,
        *,
        transport: str,
        address: str,
        terminal: str,
        cols: int = 80,
        rows: int = 24,
        last_input: Callable[[], float] | None = None,
        size: Callable[[], tuple[int, int]] | None = None,
    ) -> Node:
        """Give the session `session_id` the lowest free node and publish SessionStarted.

        `last_input()` (monotonic seconds of the caller's last key) and `size()` ((cols, rows)
        now) are asked whenever a snapshot is taken; without them `touch` and the sizes given
        here are used. Returns the new node's snapshot. Raises ValueError when the session
        already has a node.
        """
        if session_id in self._by_session:
            raise ValueError(
                f"session {session_id} already has node {self._by_session[session_id]}"
            )
        number = 1
        while number in self._lines:
            number += 1
        line = _Line(
            number,
            session_id,
            transport,
            address,
            sanitize(terminal, multiline=False)[:40],
            cols,
            rows,
            last_input,
            size,
            self._now(),
            self._clock(),
        )
        self._lines[number] = line
        self._by_session[session_id] = number
        self._bus.publish(SessionStarted(session_id, number, transport, address, line.terminal))
        return self._snapshot(line)

    def logged_in(self, node: int, user: User) -> DuplicateVerdict:
        """The caller on `node` is `user` now, unless the policy refuses a second login.

        Returns the verdict: when `refuse` is True nothing is recorded (the session should hang
        up); otherwise the node shows the user and SessionLoggedIn is published. `other_nodes`
        lists the handle's other nodes under every policy. Raises NoSuchNode for a node not
        open.
        """
        line = self._line(node)
        others = tuple(
            n.number
            for n in sorted(self._lines.values(), key=lambda n: n.number)
            if n.number != node and n.user_id and n.handle.lower() == user.handle.lower()
        )
        verdict = DuplicateVerdict(
            self.policy, user.handle, others, refuse=self.policy == "refuse" and bool(others)
        )
        if verdict.refuse:
            return verdict
        line.user_id, line.handle = user.id, user.handle
        self._bus.publish(SessionLoggedIn(line.session_id, node, user.id, user.handle))
        return verdict

    def set_activity(self, node: int, activity: Activity) -> bool:
        """What the caller on `node` is doing now (`Activity("reading", group=...)`, its values
        already sanitised by Activity). Returns True when it changed (then the time is noted
        and ActivityChanged published), False when it is the same activity. Raises NoSuchNode
        for a node not open."""
        line = self._line(node)
        if activity == line.activity:
            return False
        line.activity = activity
        line.activity_since = self._now()
        self._bus.publish(ActivityChanged.of(line.session_id, node, line.handle, activity))
        return True

    def touch(self, node: int) -> None:
        """The caller on `node` sent input now (for sessions that gave no `last_input`).
        Raises NoSuchNode for a node not open."""
        self._line(node).touched = self._clock()

    def resized(self, node: int, cols: int, rows: int) -> None:
        """The caller's window is `cols` x `rows` now. Raises NoSuchNode for a node not open."""
        line = self._line(node)
        line.cols, line.rows = cols, rows

    def close(self, node: int) -> Node | None:
        """Free `node` (its number may be given out again) and publish SessionEnded.

        Returns the node's last snapshot, or None when it was not open (closing twice is
        harmless)."""
        line = self._lines.pop(node, None)
        if line is None:
            return None
        self._by_session.pop(line.session_id, None)
        last = self._snapshot(line)
        self._bus.publish(SessionEnded(line.session_id, node, line.handle))
        return last

    # ---- questions -------------------------------------------------------------------------
    def nodes(self) -> tuple[Node, ...]:
        """A snapshot of every node in use, by number."""
        return tuple(self._snapshot(self._lines[n]) for n in sorted(self._lines))

    def members(self) -> list[tuple[int, str]]:
        """(user id, handle) of every node in use, by number (0 and "" before login): what
        `nodes` says of them without a snapshot of each (paging asks on every page)."""
        lines = self._lines
        return [(lines[n].user_id, lines[n].handle) for n in sorted(lines)]

    def node(self, number: int) -> Node | None:
        """The snapshot of node `number`, or None when nobody is on it."""
        line = self._lines.get(number)
        return self._snapshot(line) if line is not None else None

    def of_session(self, session_id: str) -> Node | None:
        """The snapshot of the node the session `session_id` is on, or None."""
        number = self._by_session.get(session_id)
        return self.node(number) if number is not None else None

    def __len__(self) -> int:
        return len(self._lines)

    def _line(self, node: int) -> _Line:
        line = self._lines.get(node)
        if line is None:
            raise NoSuchNode(f"nobody is on node {node}")
        return line

    def _snapshot(self, line: _Line) -> Node:
        last = line.last_input() if line.last_input is not None else line.touched
        cols, rows = line.size() if line.size is not None else (line.cols, line.rows)
        return Node(
            number=line.number,
            session_id=line.session_id,
            user_id=line.user_id,
            handle=line.handle,
            transport=line.transport,
            address=line.address,
            terminal=line.terminal,
            cols=cols,
            rows=rows,
            activity=line.activity,
            activity_since=line.activity_since,
            connected_at=line.connected_at,
            idle_seconds=max(0.0, self._clock() - max(last, line.touched)),
        )

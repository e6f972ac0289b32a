"""Presence: node numbers, who and what, idle time, the events it publishes, logging in twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retroboard.bus import EventBus
from retroboard.domain.activity import Activity
from retroboard.domain.events import (
    ActivityChanged,
    SessionEnded,
    SessionLoggedIn,
    SessionStarted,
)
from retroboard.domain.users import Level, User
from retroboard.services.presence import NoSuchNode, Presence


class Clock:
    """Monotonic seconds and UTC wall time that move only when told."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)

    def tick(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)


def user(uid: int, handle: str) -> User:
    return User(uid, handle, Level.USER, "", "", datetime(2026, 1, 1, tzinfo=UTC), None, 1)


def make(policy: str = "warn") -> tuple[Presence, EventBus, Clock]:
    clock = Clock()
    bus = EventBus()
    return Presence(bus, policy, clock=lambda: clock.mono, now=lambda: clock.wall), bus, clock


def open_node(p: Presence, sid: str, **kw: object) -> int:
    args: dict[str, object] = {"transport": "telnet", "address": "192.0.2.1", "terminal": "ansi"}
    args.update(kw)
    return p.open(sid, **args).number  # type: ignore[arg-type]


def test_nodes_are_the_lowest_free_number_and_are_reused() -> None:
    p, _bus, _clock = make()
    assert [open_node(p, s) for s in ("a", "b", "c")] == [1, 2, 3]
    p.close(2)
    assert open_node(p, "d") == 2  # the gap is filled first
    assert open_node(p, "e") == 4
    assert [n.session_id for n in p.nodes()] == ["a", "d", "c", "e"]
    assert p.node(2) is not None and p.node(2).session_id == "d"  # type: ignore[union-attr]
    assert p.node(9) is None
    assert p.of_session("c").number == 3  # type: ignore[union-attr]
    assert p.close(2) is not None and p.close(2) is None  # closing twice is harmless
    with pytest.raises(ValueError):
        p.open("a", transport="ssh", address="x", terminal="xterm")


def test_a_snapshot_holds_who_where_what_since_when_and_idle_time() -> None:
    p, _bus, clock = make()
    keys = {"last": clock.mono}
    window = {"size": (80, 24)}
    number = p.open(
        "s1",
        transport="ssh",
        address="198.51.100.4",
        terminal="xterm-256color",
        last_input=lambda: keys["last"],
        size=lambda: window["size"],
    ).number
    started = clock.wall
    clock.tick(30)
    p.logged_in(number, user(7, "ada"))
    p.set_activity(number, Activity("reading", group="comp.sys.retro"))
    clock.tick(12)
    window["size"] = (132, 43)
    node = p.node(number)
    assert node is not None
    assert (node.handle, node.user_id, node.transport, node.address, node.terminal) == (
        "ada",
        7,
        "ssh",
        "198.51.100.4",
        "xterm-256color",
    )
    assert (node.cols, node.rows) == (132, 43)
    assert node.activity == Activity("reading", group="comp.sys.retro")
    assert node.activity.values == (("group", "comp.sys.retro"),)
    assert node.connected_at == started
    assert node.activity_since == started + timedelta(seconds=30)
    assert node.idle_seconds == 42
    keys["last"] = clock.mono - 2  # a key two seconds ago
    assert p.node(number).idle_seconds == 2  # type: ignore[union-attr]


def test_touch_and_resize_for_sessions_without_callables() -> None:
    p, _bus, clock = make()
    number = open_node(p, "s1", cols=40, rows=24)
    clock.tick(100)
    assert p.node(number).idle_seconds == 100  # type: ignore[union-attr]
    p.touch(number)
    p.resized(number, 100, 30)
    clock.tick(5)
    node = p.node(number)
    assert node is not None and node.idle_seconds == 5 and (node.cols, node.rows) == (100, 30)


def test_events_started_logged_in_activity_only_on_change_and_ended() -> None:
    p, bus, _clock = make()
    with bus.subscribe() as sub:
        number = open_node(p, "s1", address="203.0.113.9", terminal="vt100\x1b[31m")
        p.logged_in(number, user(3, "bob"))
        assert p.set_activity(number, Activity("main_menu"))
        assert not p.set_activity(number, Activity("main_menu"))  # the same: nothing published
        assert p.set_activity(number, Activity("reading", group="alt.\x1b[31mretro\x07   x"))
        assert not p.set_activity(number, Activity("reading", group="alt.retro x"))
        p.close(number)
        assert sub.drain() == [
            SessionStarted("s1", 1, "telnet", "203.0.113.9", "vt100"),
            SessionLoggedIn("s1", 1, 3, "bob"),
            ActivityChanged("s1", 1, "bob", "main_menu"),
            ActivityChanged("s1", 1, "bob", "reading", (("group", "alt.retro x"),)),
            SessionEnded("s1", 1, "bob"),
        ]


def test_a_new_node_is_logging_in_and_activity_values_are_capped() -> None:
    p, _bus, _clock = make()
    number = open_node(p, "s1")
    assert p.node(number).activity == Activity("logging_in")  # type: ignore[union-attr]
    p.set_activity(number, Activity("reading", group="x" * 200))
    [(name, value)] = p.node(number).activity.values  # type: ignore[union-attr]
    assert name == "group" and value == "x" * 60


def test_unknown_nodes_raise_no_such_node() -> None:
    p, _bus, _clock = make()
    for call in (
        lambda: p.logged_in(5, user(1, "ada")),
        lambda: p.set_activity(5, Activity("main_menu")),
        lambda: p.touch(5),
        lambda: p.resized(5, 80, 24),
    ):
        with pytest.raises(NoSuchNode, match="nobody is on node 5"):
            call()


def test_logging_in_twice_under_warn_is_allowed_and_names_the_other_node() -> None:
    p, bus, _clock = make("warn")
    first = open_node(p, "s1")
    open_node(p, "s2")  # someone still logging in
    second = open_node(p, "s3")
    assert p.logged_in(first, user(1, "ada")).other_nodes == ()
    with bus.subscribe(SessionLoggedIn) as sub:
        verdict = p.logged_in(second, user(1, "Ada"))
        assert sub.drain() == [SessionLoggedIn("s3", 3, 1, "Ada")]
    assert verdict.other_nodes == (1,) and verdict.warn and not verdict.refuse
    assert [n.handle for n in p.nodes()] == ["ada", "", "Ada"]


def test_logging_in_twice_under_refuse_is_refused_and_not_recorded() -> None:
    p, bus, _clock = make("refuse")
    first = open_node(p, "s1")
    second = open_node(p, "s2")
    assert not p.logged_in(first, user(1, "ada")).refuse
    with bus.subscribe(SessionLoggedIn) as sub:
        verdict = p.logged_in(second, user(1, "ADA"))
        assert sub.drain() == []
    assert verdict.refuse and verdict.other_nodes == (1,) and not verdict.warn
    assert p.node(second).handle == ""  # type: ignore[union-attr]
    p.close(first)
    assert not p.logged_in(second, user(1, "ada")).refuse  # once the first is gone, fine


def test_logging_in_twice_under_allow_says_nothing() -> None:
    p, _bus, _clock = make("allow")
    a, b = open_node(p, "s1"), open_node(p, "s2")
    p.logged_in(a, user(1, "ada"))
    verdict = p.logged_in(b, user(1, "ada"))
    assert verdict.other_nodes == (1,) and not verdict.warn and not verdict.refuse


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="allow, warn, refuse"):
        Presence(EventBus(), "sometimes")


def test_members_are_what_the_nodes_say_of_them_in_node_order() -> None:
    p, _bus, _clock = make()
    numbers = [open_node(p, s) for s in ("a", "b", "c", "d")]
    p.logged_in(numbers[2], user(3, "cy"))
    p.logged_in(numbers[0], user(1, "ada"))
    p.close(numbers[1])
    open_node(p, "e")  # fills node 2, not logged in yet
    assert p.members() == [(n.user_id, n.handle) for n in p.nodes()]
    assert p.members() == [(1, "ada"), (0, ""), (3, "cy"), (0, "")]

"""The event bus and catalogue: typed subscriptions, synchronous listeners, a replaceable
backend, bounded queues, and every event's JSON wire form."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from retroboard.bus import Deliver, EventBus, LocalBackend
from retroboard.domain import events
from retroboard.domain.activity import Activity
from retroboard.domain.events import (
    CATALOGUE,
    ActivityChanged,
    NoticeSent,
    SessionStarted,
    catalogue,
    from_wire,
    to_wire,
)


@dataclass(frozen=True)
class Ping:
    n: int


@dataclass(frozen=True)
class Other:
    pass


def test_subscribers_get_only_the_types_they_asked_for() -> None:
    bus = EventBus()
    with bus.subscribe(Ping) as pings, bus.subscribe() as everything:
        bus.publish(Ping(1))
        bus.publish(Other())
        got: list[Ping] = pings.drain()  # typed: Subscription[Ping]
        assert got == [Ping(1)]
        assert everything.drain() == [Ping(1), Other()]


def test_a_slow_subscriber_keeps_the_newest_and_counts_what_it_lost() -> None:
    bus = EventBus()
    with bus.subscribe(Ping, maxsize=3) as slow:
        for n in range(10):
            bus.publish(Ping(n))  # never blocks although nobody reads
        assert slow.drain() == [Ping(7), Ping(8), Ping(9)]
        assert slow.dropped == 7


def test_leaving_unsubscribes_and_publish_without_subscribers_is_fine() -> None:
    bus = EventBus()
    with bus.subscribe(Ping):
        assert bus.subscriber_count == 1
    assert bus.subscriber_count == 0
    bus.publish(Ping(1))


def test_a_broken_subscriber_does_not_break_the_publisher() -> None:
    bus = EventBus()
    with bus.subscribe(Ping) as broken, bus.subscribe(Ping) as fine:
        broken.offer = None  # type: ignore[assignment,method-assign]
        bus.publish(Ping(1))
        assert fine.drain() == [Ping(1)]


def test_listeners_are_called_inside_publish_for_their_type_only() -> None:
    bus = EventBus()
    seen: list[int] = []
    with bus.listen(Ping, lambda p: seen.append(p.n)):
        bus.publish(Ping(1))
        assert seen == [1]  # already delivered when publish returns: no task, no queue
        bus.publish(Other())
        bus.publish(Ping(2))
    bus.publish(Ping(3))  # after the block: no longer listening
    assert seen == [1, 2]
    assert bus.subscriber_count == 0


def test_a_failing_listener_is_logged_and_the_others_still_hear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    heard: list[Ping] = []

    def broken(_p: Ping) -> None:
        raise RuntimeError("listener bug")

    with bus.listen(Ping, broken), bus.listen(Ping, heard.append):
        bus.publish(Ping(1))  # does not raise
    assert heard == [Ping(1)]
    assert "listener for Ping failed" in caplog.text


class WireBackend:
    """A stand-in for a cross-process backend: every event goes through JSON text."""

    def __init__(self) -> None:
        self.deliver: Deliver | None = None
        self.sent: list[str] = []

    def open(self, deliver: Deliver) -> None:
        self.deliver = deliver

    def publish(self, event: object) -> None:
        self.sent.append(json.dumps(to_wire(event)))
        assert self.deliver is not None
        self.deliver(from_wire(json.loads(self.sent[-1])))

    def close(self) -> None:
        self.deliver = None


def test_the_backend_is_replaceable_and_publishers_do_not_notice(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = WireBackend()
    bus = EventBus(backend)
    event = SessionStarted("ab-1", 3, "telnet", "192.0.2.7", "ansi")
    with bus.subscribe(SessionStarted) as sub:
        bus.publish(event)
        assert sub.drain() == [event]  # a copy that crossed the wire, equal to the original
        assert json.loads(backend.sent[0])["type"] == "SessionStarted"
        bus.publish(Ping(1))  # not catalogued: the backend refuses, publish does not raise
        assert sub.drain() == []
    assert "could not publish Ping" in caplog.text
    bus.close()
    bus.publish(event)  # closed: nothing delivered, nothing raised


def test_local_backend_is_the_default() -> None:
    assert isinstance(EventBus().backend, LocalBackend)


def _sample(cls: type) -> object:
    """An instance of `cls` with a distinct value in every field."""
    values: dict[str, object] = {}
    hints = {f.name: f.type for f in dataclasses.fields(cls)}
    for i, (name, hint) in enumerate(hints.items()):
        text = str(hint)
        if text.startswith("tuple[tuple[str, str]"):
            values[name] = ((f"g{i}", "one"), (f"h{i}", "two"))
        elif "tuple" in text:
            values[name] = (f"g{i}.one", f"g{i}.two")
        elif text.startswith("int"):
            values[name] = 40 + i
        elif text == "bool":
            values[name] = True
        elif text == "float":
            values[name] = 1.5 + i
        else:
            values[name] = f"value {i} «ü»"
    return cls(**values)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogued_event_round_trips_through_json(name: str) -> None:
    cls = CATALOGUE[name]
    event = _sample(cls)
    wire = json.loads(json.dumps(to_wire(event)))
    assert wire["type"] == name
    assert from_wire(wire) == event


def test_the_catalogue_holds_every_event_class_of_the_module() -> None:
    classes = {
        obj.__name__
        for obj in vars(events).values()
        if isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == events.__name__
    }
    assert classes == set(CATALOGUE)


def test_defaults_and_none_survive_the_wire() -> None:
    notice = NoticeSent("hello", "broadcast")
    assert from_wire(to_wire(notice)) == notice
    changed = events.UserChanged(7, "ada", None, True)
    assert from_wire(json.loads(json.dumps(to_wire(changed)))) == changed


def test_a_class_with_a_non_plain_field_is_rejected() -> None:
    @dataclass(frozen=True)
    class Stamped:
        at: datetime

    @dataclass(frozen=True)
    class Listed:
        groups: list[str]

    @dataclass
    class Mutable:
        n: int

    for bad in (Stamped, Listed, Mutable):
        with pytest.raises(TypeError):
            catalogue(bad)
    with pytest.raises(TypeError, match="not in the event catalogue"):
        to_wire(Stamped(datetime.now(UTC)))


def test_a_non_plain_value_in_a_catalogued_event_is_refused() -> None:
    sneaky = NoticeSent(["not", "plain"], "page")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="NoticeSent.text"):
        to_wire(sneaky)


@pytest.mark.parametrize(
    "data",
    [
        {"type": "NoSuchEvent"},
        {"text": "no type"},
        {"type": "NoticeSent", "kind": "page"},  # text missing
        {"type": "NoticeSent", "text": "x", "kind": "page", "extra": 1},
        {"type": "NoticeSent", "text": 5, "kind": "page"},
        {"type": "NoticeSent", "text": "x", "kind": "page", "to_user": True},
        {
            "type": "ActivityChanged",
            "session_id": "s",
            "node": 1,
            "handle": "",
            "activity_key": "reading",
            "activity_values": [["group", "a.b", "extra"]],
        },
        {
            "type": "ArticlePosted",
            "article_id": 1,
            "message_id": "m",
            "groups": "a.b",
            "author": "a",
            "subject": "s",
        },
    ],
)
def test_a_bad_wire_message_is_a_value_error(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        from_wire(data)


def test_notice_addressing() -> None:
    everyone = NoticeSent("x", "broadcast")
    assert everyone.for_session("s1", None) and everyone.for_session("s2", 5)
    one = NoticeSent("x", "page", to_session="s1")
    assert one.for_session("s1", None) and not one.for_session("s2", None)
    user = NoticeSent("x", "mail", to_user=5)
    assert user.for_session("s9", 5) and not user.for_session("s9", 6)
    assert not user.for_session("s9", None)


def test_an_activity_travels_as_its_key_and_values_not_as_words() -> None:
    reading = Activity("reading", group="comp.sys.retro")
    event = ActivityChanged.of("s1", 3, "ada", reading)
    wire = json.loads(json.dumps(to_wire(event)))
    assert wire["activity_key"] == "reading"
    assert wire["activity_values"] == [["group", "comp.sys.retro"]]
    assert "Reading" not in json.dumps(wire)  # no English is frozen into the event
    back = from_wire(wire)
    assert back == event and back.activity == reading  # type: ignore[attr-defined]
    assert hash(back.activity) == hash(reading)  # type: ignore[attr-defined]


def test_an_activity_is_sanitised_and_its_names_are_checked() -> None:
    sneaky = Activity("reading", group="alt.\x1b[2Jretro\r\n  \x07now")
    assert sneaky.values == (("group", "alt.retro now"),)
    assert Activity("reading", z="1", a="2").values == (("a", "2"), ("z", "1"))  # sorted
    for bad_key in ("Reading", "reading {group}", "", "a" * 41, "1st"):
        with pytest.raises(ValueError):
            Activity(bad_key)
    with pytest.raises(ValueError):
        Activity("reading", **{"Group": "x"})
    # another process's event is checked again when it is turned back into an Activity
    forged = ActivityChanged("s1", 1, "ada", "reading", (("group", "\x1b]0;pwned\x07a.b"),))
    assert forged.activity.mapping == {"group": "a.b"}
    with pytest.raises(ValueError):
        _ = ActivityChanged("s1", 1, "ada", "{0.__class__}").activity
    with pytest.raises(ValueError):
        _ = ActivityChanged("s1", 1, "ada", "reading", (("g", "x"), ("g", "y"))).activity

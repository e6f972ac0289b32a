"""The event bus: publish never blocks or raises; a slow subscriber loses its oldest events."""

from __future__ import annotations

from dataclasses import dataclass

from retroboard.bus import EventBus


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
        assert pings.drain() == [Ping(1)]
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

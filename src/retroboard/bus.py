"""Typed publish/subscribe over a replaceable backend; publish never blocks or raises.

`EventBus.subscribe(A, B)` gives a bounded inbox (`Subscription[A | B]`, a slow reader loses
its oldest events); `EventBus.listen(A, callback)` calls `callback` synchronously for each A
(no task: used to post notices into a session). Where events travel is the backend's business:
`LocalBackend` (the default) hands them straight back in this process; a backend carrying the
catalogue's wire form (domain.events.to_wire) between processes, such as PostgreSQL
LISTEN/NOTIFY, implements the same `BusBackend` protocol without touching publishers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Generic, Protocol, TypeVar, overload

log = logging.getLogger(__name__)

E = TypeVar("E")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
Deliver = Callable[[object], None]


class BusBackend(Protocol):
    """Carries published events to every process's bus (this one included).

    `open(deliver)` is called once by the bus; the backend then calls `deliver(event)` for each
    event published anywhere, on the event loop's thread. `publish` must never block or raise
    for a full or broken link (drop and log instead). `close()` stops delivery.
    """

    def open(self, deliver: Deliver) -> None: ...

    def publish(self, event: object) -> None: ...

    def close(self) -> None: ...


class LocalBackend:
    """One process: an event published is delivered at once, before `publish` returns."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    def open(self, deliver: Deliver) -> None:
        self._deliver = deliver

    def publish(self, event: object) -> None:
        if self._deliver is not None:
            self._deliver(event)

    def close(self) -> None:
        self._deliver = None


class Subscription(Generic[E]):
    """A bounded inbox of the event types asked for (the oldest goes when it is full)."""

    def __init__(self, types: tuple[type, ...], maxsize: int) -> None:
        self.types = types
        self.queue: asyncio.Queue[E] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, event: object) -> None:
        """Queue `event` if it is of a type asked for; never blocks."""
        if not isinstance(event, self.types):
            return
        if self.queue.full():
            self.queue.get_nowait()  # the oldest goes; memory stays bounded
            self.dropped += 1
        self.queue.put_nowait(event)  # type: ignore[arg-type]  # isinstance of E's types

    async def get(self) -> E:
        """The next event (waits; wrap in a timeout where waiting forever is wrong)."""
        return await self.queue.get()

    def drain(self) -> list[E]:
        """Everything waiting, without blocking."""
        items: list[E] = []
        while not self.queue.empty():
            items.append(self.queue.get_nowait())
        return items


class _Listener:
    def __init__(self, kind: type, callback: Callable[[object], None]) -> None:
        self.kind = kind
        self.callback = callback


class EventBus:
    """The board's bus. Publish after the database commit, never before."""

    def __init__(self, backend: BusBackend | None = None) -> None:
        self._subs: set[Subscription[object]] = set()
        self._listeners: list[_Listener] = []
        self.backend: BusBackend = backend if backend is not None else LocalBackend()
        self.backend.open(self._deliver)

    def publish(self, event: object) -> None:
        """Send `event` to every subscriber and listener of its type. Never blocks or raises."""
        try:
            self.backend.publish(event)
        except Exception:  # a broken backend must not break the publisher
            log.exception("the bus backend could not publish %s", type(event).__name__)

    def _deliver(self, event: object) -> None:
        for sub in list(self._subs):
            try:
                sub.offer(event)
            except Exception:  # a broken subscriber must not break the publisher
                log.exception("event subscriber failed")
        for listener in list(self._listeners):
            if isinstance(event, listener.kind):
                try:
                    listener.callback(event)
                except Exception:
                    log.exception("event listener for %s failed", listener.kind.__name__)

    @overload
    def subscribe(self, *, maxsize: int = 100) -> AbstractContextManager[Subscription[object]]: ...

    @overload
    def subscribe(
        self, a: type[A], /, *, maxsize: int = 100
    ) -> AbstractContextManager[Subscription[A]]: ...

    @overload
    def subscribe(
        self, a: type[A], b: type[B], /, *, maxsize: int = 100
    ) -> AbstractContextManager[Subscription[A | B]]: ...

    @overload
    def subscribe(
        self, a: type[A], b: type[B], c: type[C], /, *, maxsize: int = 100
    ) -> AbstractContextManager[Subscription[A | B | C]]: ...

    @overload
    def subscribe(
        self, *types: type, maxsize: int = 100
    ) -> AbstractContextManager[Subscription[object]]: ...

    def subscribe(
        self, *types: type, maxsize: int = 100
    ) -> AbstractContextManager[Subscription[Any]]:
        """A context manager giving a `Subscription` of events of `types` (all with none),
        holding at most `maxsize` of them; leaving the block unsubscribes."""
        return self._subscribe(types or (object,), maxsize)

    @contextmanager
    def _subscribe(self, types: tuple[type, ...], maxsize: int) -> Iterator[Subscription[object]]:
        sub: Subscription[object] = Subscription(types, maxsize)
        self._subs.add(sub)
        try:
            yield sub
        finally:
            self._subs.discard(sub)

    @contextmanager
    def listen(self, kind: type[E], callback: Callable[[E], None]) -> Iterator[None]:
        """While the block runs, `callback(event)` is called for every `kind` event, inside
        `publish` (synchronously, so it must be quick and must not block). A callback that
        raises is logged; the publisher and other listeners carry on."""
        listener = _Listener(kind, callback)  # type: ignore[arg-type]  # only E reaches it
        self._listeners.append(listener)
        try:
            yield
        finally:
            self._listeners.remove(listener)

    @property
    def subscriber_count(self) -> int:
        """Subscriptions and listeners currently attached."""
        return len(self._subs) + len(self._listeners)

    def close(self) -> None:
        """Stop the backend (nothing is delivered afterwards)."""
        self.backend.close()

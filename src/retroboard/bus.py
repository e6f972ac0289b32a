"""Typed publish/subscribe: publish never blocks or raises; slow subscribers lose oldest events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)


class Subscription:
    """A bounded inbox of events of the types asked for."""

    def __init__(self, types: tuple[type, ...], maxsize: int) -> None:
        self.types = types
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize)
        self.dropped = 0

    def offer(self, event: Any) -> None:
        if not isinstance(event, self.types):
            return
        if self.queue.full():
            self.queue.get_nowait()  # the oldest goes; memory stays bounded
            self.dropped += 1
        self.queue.put_nowait(event)

    async def get(self) -> Any:
        return await self.queue.get()

    def drain(self) -> list[Any]:
        """Everything waiting, without blocking."""
        items = []
        while not self.queue.empty():
            items.append(self.queue.get_nowait())
        return items


class EventBus:
    """In-process event bus. Publish after the database commit, never before."""

    def __init__(self) -> None:
        self._subs: set[Subscription] = set()

    def publish(self, event: Any) -> None:
        for sub in list(self._subs):
            try:
                sub.offer(event)
            except Exception:  # a broken subscriber must not break the publisher
                log.exception("event subscriber failed")

    @contextmanager
    def subscribe(self, *types: type, maxsize: int = 100) -> Iterator[Subscription]:
        sub = Subscription(types or (object,), maxsize)
        self._subs.add(sub)
        try:
            yield sub
        finally:
            self._subs.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)

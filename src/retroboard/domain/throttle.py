"""Login throttling rules as plain data: failures in a sliding window, growing delays, locks."""

from __future__ import annotations

from collections import OrderedDict, deque

# An address with this many recent failures waits before each further attempt is checked,
# twice as long each time, up to MAX_DELAY seconds.
FREE_FAILURES = 3
FIRST_DELAY = 0.5
MAX_DELAY = 30.0


def delay_for(failures: int) -> float:
    """Seconds an address with `failures` recent failures waits before its next attempt."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


class FailureLog:
    """Failure times per key (an address or a handle) within `window` seconds.

    Memory is bounded: at most `max_keys` keys (the least recently failed are forgotten) and
    `max_per_key` times per key (counts saturate there, which is far past every threshold).
    Times come from the caller, so tests need no clock.
    """

    def __init__(self, window: float, *, max_keys: int = 20000, max_per_key: int = 64) -> None:
        self.window = window
        self.max_keys = max_keys
        self.max_per_key = max_per_key
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def add(self, key: str, now: float) -> int:
        """Record one failure; returns the failures of `key` within the window, this one included."""
        times = self._times.get(key)
        if times is None:
            times = self._times[key] = deque(maxlen=self.max_per_key)
            if len(self._times) > self.max_keys:
                self._times.popitem(last=False)
        else:
            self._times.move_to_end(key)
        times.append(now)
        return self.count(key, now)

    def count(self, key: str, now: float) -> int:
        """Failures of `key` within the window ending at `now`."""
        times = self._times.get(key)
        if not times:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._times[key]
            return 0
        return len(times)

    def clear(self, key: str) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)


class HourlyQuota:
    """At most `limit` events per key per rolling hour (registrations per address)."""

    def __init__(self, limit: int, *, window: float = 3600.0, max_keys: int = 20000) -> None:
        self.limit = limit
        self._log = FailureLog(window, max_keys=max_keys, max_per_key=max(limit, 1) + 1)

    def allowed(self, key: str, now: float) -> bool:
        return self._log.count(key, now) < self.limit

    def note(self, key: str, now: float) -> None:
        self._log.add(key, now)

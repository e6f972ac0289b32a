"""Argon2id password hashing off the event loop, with bounded, fair concurrency."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class HashParams:
    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


class Passwords:
    """Hash and verify in worker threads; at most `concurrency` at once (each uses memory_kib).

    Callers the login throttle distrusts (`trusted=False`: an address with recent failures)
    share one of those slots, so guessing from anywhere can never take every slot and a
    legitimate login waits behind at most one hash of theirs. `hashes` counts the argon2
    computations done (verifications included), for the abuse benchmark and tests.
    """

    def __init__(self, params: HashParams = HashParams(), concurrency: int = 2) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
        )
        self._slots = asyncio.Semaphore(concurrency)
        self._untrusted = asyncio.Semaphore(max(1, concurrency - 1))
        self.hashes = 0
        # A real hash to verify against when the handle does not exist, so both cases take
        # the same time and nobody can probe which handles exist.
        self._dummy = self._hasher.hash("not-a-real-password")

    async def hash(self, password: str) -> str:
        async with self._slots:
            self.hashes += 1
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored: str | None, password: str, *, trusted: bool = True) -> bool:
        """True if `password` matches `stored` (None = no such user: still spends the time)."""
        if trusted:
            async with self._slots:
                self.hashes += 1
                return await asyncio.to_thread(self._verify, stored, password)
        async with self._untrusted, self._slots:
            self.hashes += 1
            return await asyncio.to_thread(self._verify, stored, password)

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            self._hasher.verify(stored or self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return stored is not None

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)

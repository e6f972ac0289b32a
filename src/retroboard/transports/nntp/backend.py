"""What the NNTP transport needs of the board: one typed seam, implemented by services.news."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from retroboard.domain.boards import Article, PostResult
from retroboard.domain.news import NewsGroup, OverviewForm, Submission
from retroboard.domain.users import User


class NewsBackend(Protocol):
    """The board as newsreaders see it. `reader` is the logged-in User, or None for a reader
    that has not authenticated (it sees what the board lets anonymous readers see).

    Every method is one short read (or one post) through the services; none keeps state
    between calls. Groups a reader may not read do not exist for it: NotFound, never
    PermissionDenied, and they never appear in a listing, a Newsgroups or an Xref header.
    """

    async def login(self, handle: str, password: str, address: str) -> User:
        """Check an AUTHINFO USER/PASS pair from `address` with the board's throttling, locks
        and bans. Returns the User. Raises AuthFailed (wrong pair; its subclasses
        AccountLocked and LoginThrottled for a locked or banned account and for too many
        attempts at once)."""
        ...

    async def current(self, user: User) -> User | None:
        """The user as the board knows them now (level changed, locked, banned, removed):
        None when they may no longer log in. Never raises."""
        ...

    async def groups(self, reader: User | None) -> list[NewsGroup]:
        """Every group `reader` may read, in name order. Never raises."""
        ...

    async def group(self, reader: User | None, name: str) -> NewsGroup:
        """One group by name (case as stored). Raises NotFound (missing or not readable)."""
        ...

    async def numbers(self, reader: User | None, group: str, low: int, high: int) -> list[int]:
        """The numbers in [low, high] of articles `reader` can be served in `group`, in
        order. Raises NotFound (group)."""
        ...

    def overview(
        self, reader: User | None, group: str, low: int, high: int, form: OverviewForm
    ) -> AsyncIterator[list[str]]:
        """The OVER lines (written as `form` says, without CRLF) of the articles numbered
        [low, high] that `reader` can be served, in number order, a bounded chunk at a time
        (each chunk one short read), so a range of 100,000 is never held at once; never an
        empty chunk. Raises NotFound (group) on the first iteration."""
        ...

    async def article(self, reader: User | None, group: str, number: int) -> Article:
        """The article with `number` in `group` (its head.number is that number). Raises
        NotFound (no such group, number, or the article is deleted or pending)."""
        ...

    async def article_by_message_id(self, reader: User | None, message_id: str) -> Article:
        """The article with `message_id` if `reader` may read one of its groups (its
        head.number is 0). Raises NotFound."""
        ...

    async def neighbour(
        self, reader: User | None, group: str, number: int, *, forward: bool
    ) -> int | None:
        """The next (forward) or previous servable number after/before `number` in
        `group`, or None. Raises NotFound (group)."""
        ...

    async def new_groups(self, reader: User | None, since: datetime) -> list[NewsGroup]:
        """Groups `reader` may read created at or after `since` (UTC). Never raises."""
        ...

    def new_message_ids(
        self, reader: User | None, groups: list[str], since: datetime
    ) -> AsyncIterator[list[str]]:
        """Message-IDs of servable articles in any of `groups` (names the reader may read)
        dated at or after `since`, in date order, a bounded chunk at a time; an article in
        several of them comes once."""
        ...

    async def post(self, user: User, submission: Submission) -> PostResult:
        """Post a newsreader's article as `user`: the same rules as the telnet composer
        (levels, read-only and moderated groups, locked threads, limits, sanitising); the
        body is stored as sent (`flowed` as declared). Returns the PostResult (pending when
        a moderated group holds it). Raises ValidationError, NotFound (group or parent),
        PermissionDenied, Conflict (the Message-ID exists), StorageError (disk full)."""
        ...

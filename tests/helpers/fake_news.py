"""An in-memory NewsBackend for NNTP tests (session and server): groups with read and post
levels and policies, numbered articles (gaps where one was deleted), accounts with passwords,
locks and live levels, moderation, locked threads. It keeps what it was asked (`calls`) and how
big each overview chunk was, so tests can check that the transport streams.

The typed assignment at the bottom makes mypy check it against the committed Protocol
(`.venv/bin/mypy tests/helpers/fake_news.py`)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from retroboard.domain.boards import Article, ArticleHead, Policy, PostResult, Status
from retroboard.domain.errors import (
    AuthFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    StorageError,
    ValidationError,
)
from retroboard.domain.news import NewsGroup, OverviewForm, OverviewRow, Submission, overview_of
from retroboard.domain.users import Level, User

HOST = "news.test.example"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class FakeLocked(AuthFailed):
    """Stands in for services.auth.AccountLocked (the transport only knows AuthFailed)."""


def make_user(handle: str, level: Level = Level.USER, uid: int = 0) -> User:
    return User(
        id=uid or abs(hash(handle)) % 10_000 + 1,
        handle=handle,
        level=level,
        real_name=handle.title(),
        location="",
        created_at=EPOCH,
        last_login_at=None,
        login_count=0,
    )


@dataclass
class FakeGroup:
    name: str
    description: str = ""
    read_level: Level = Level.GUEST
    post_level: Level = Level.USER
    policy: Policy = Policy.OPEN
    created_at: datetime = EPOCH
    next_number: int = 1
    articles: dict[int, Article] = field(default_factory=dict)  # number -> article (posted)


class FakeNews:
    """The board in memory. `chunk` is how many overview rows (or message-ids) one chunk
    holds. Set `fail` to an exception to have the next backend call raise it."""

    def __init__(self, *, host: str = HOST, chunk: int = 3) -> None:
        self.host = host
        self.chunk = chunk
        self.groups_by_name: dict[str, FakeGroup] = {}
        self.by_id: dict[str, Article] = {}
        self.accounts: dict[str, tuple[str, User]] = {}
        self.live: dict[str, User | None] = {}  # handle -> what current() answers
        self.locked: dict[str, str] = {}  # handle -> why
        self.pending: list[Article] = []
        self.locked_threads: set[int] = set()
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.chunk_sizes: list[int] = []
        self.fail: BaseException | None = None
        self._ids = itertools.count(1)
        self._threads: dict[str, int] = {}  # message-id -> thread id

    # -- building the board ------------------------------------------------------------------

    def add_user(self, handle: str, password: str, level: Level = Level.USER) -> User:
        user = make_user(handle, level, uid=len(self.accounts) + 1)
        self.accounts[handle.lower()] = (password, user)
        self.live[handle.lower()] = user
        return user

    def add_group(self, name: str, description: str = "", **kw: object) -> FakeGroup:
        group = FakeGroup(name, description or f"About {name}", **kw)  # type: ignore[arg-type]
        self.groups_by_name[name] = group
        return group

    def add_article(
        self,
        groups: str | tuple[str, ...],
        subject: str,
        body: str = "Hello.",
        *,
        author: str = "alice",
        message_id: str | None = None,
        references: tuple[str, ...] = (),
        date: datetime | None = None,
        number: int | None = None,
        flowed: bool = False,
        status: Status = Status.POSTED,
    ) -> Article:
        """An article in `groups` (the first one's number may be given: later numbers follow
        it, so skipping numbers makes gaps)."""
        names = (groups,) if isinstance(groups, str) else groups
        aid = next(self._ids)
        mid = message_id or f"<{aid}.fake@{self.host}>"
        xref = []
        for i, g in enumerate(names):
            fg = self.groups_by_name[g]
            n = number if (i == 0 and number is not None) else fg.next_number
            fg.next_number = n + 1
            xref.append((g, n))
        thread = self._threads.get(references[0]) if references else None
        thread = thread or aid
        self._threads[mid] = thread
        head = ArticleHead(
            id=aid,
            message_id=mid,
            subject=subject,
            author=author,
            author_name=author.title(),
            date=date or datetime(2026, 12, 1, 12, 0, aid % 60, tzinfo=UTC),
            references=references,
            thread_id=thread,
        )
        article = Article(
            head=head,
            body=body,
            newsgroups=names,
            xref=tuple(xref),
            status=status,
            path=f"{self.host}!not-for-mail",
            lines=len(body.split("\n")),
            flowed=flowed,
        )
        if status == Status.POSTED:
            for g, n in xref:
                self.groups_by_name[g].articles[n] = article
            self.by_id[mid] = article
        else:
            self.pending.append(article)
        return article

    def delete(self, group: str, number: int) -> None:
        self.groups_by_name[group].articles.pop(number)

    # -- what a reader sees ------------------------------------------------------------------

    def _record(self, name: str, *args: object) -> None:
        self.calls.append((name, args))
        if self.fail is not None:
            exc, self.fail = self.fail, None
            raise exc

    @staticmethod
    def _level(reader: User | None) -> Level:
        return reader.level if reader is not None else Level.GUEST

    def _visible(self, reader: User | None, name: str) -> FakeGroup:
        g = self.groups_by_name.get(name)
        if g is None or g.read_level > self._level(reader):
            raise NotFound(f"No group {name}.")
        return g

    def _flag(self, reader: User | None, g: FakeGroup) -> str:
        if reader is None:
            return "n"
        if g.policy == Policy.READ_ONLY and not reader.is_moderator:
            return "n"
        if reader.level < g.post_level:
            return "n"
        return "m" if g.policy == Policy.MODERATED else "y"

    def _news_group(self, reader: User | None, g: FakeGroup) -> NewsGroup:
        numbers = sorted(g.articles)
        high = g.next_number - 1
        return NewsGroup(
            name=g.name,
            description=g.description,
            low=numbers[0] if numbers else high + 1,
            high=numbers[-1] if numbers else high,
            count=len(numbers),
            policy=g.policy,
            posting=self._flag(reader, g),
            created_at=g.created_at,
        )

    def _seen(self, reader: User | None, article: Article, number: int) -> Article:
        """The article as `reader` is served it: only readable groups in Newsgroups/Xref."""
        lv = self._level(reader)
        ok = {n for n, g in self.groups_by_name.items() if g.read_level <= lv}
        return replace(
            article,
            head=replace(article.head, number=number),
            newsgroups=tuple(g for g in article.newsgroups if g in ok),
            xref=tuple((g, n) for g, n in article.xref if g in ok),
        )

    def _row(self, reader: User | None, article: Article, number: int) -> OverviewRow:
        a = self._seen(reader, article, number)
        return overview_of(a, number)

    # -- NewsBackend -------------------------------------------------------------------------

    async def login(self, handle: str, password: str, address: str) -> User:
        self._record("login", handle, address)
        key = handle.lower()
        if key in self.locked:
            raise FakeLocked(self.locked[key])
        entry = self.accounts.get(key)
        if entry is None or entry[0] != password:
            raise AuthFailed("Wrong handle or password.")
        return self.live[key] or entry[1]

    async def current(self, user: User) -> User | None:
        self.calls.append(("current", (user.handle,)))
        return self.live.get(user.handle.lower())

    async def groups(self, reader: User | None) -> list[NewsGroup]:
        self._record("groups")
        lv = self._level(reader)
        return [
            self._news_group(reader, g)
            for name, g in sorted(self.groups_by_name.items())
            if g.read_level <= lv
        ]

    async def group(self, reader: User | None, name: str) -> NewsGroup:
        self._record("group", name)
        return self._news_group(reader, self._visible(reader, name))

    async def numbers(self, reader: User | None, group: str, low: int, high: int) -> list[int]:
        self._record("numbers", group, low, high)
        g = self._visible(reader, group)
        return [n for n in sorted(g.articles) if low <= n <= high]

    async def overview(
        self, reader: User | None, group: str, low: int, high: int, form: OverviewForm
    ) -> AsyncIterator[list[str]]:
        self._record("overview", group, low, high)
        g = self._visible(reader, group)
        numbers = [n for n in sorted(g.articles) if low <= n <= high]
        for i in range(0, len(numbers), self.chunk):
            rows = [self._row(reader, g.articles[n], n) for n in numbers[i : i + self.chunk]]
            self.chunk_sizes.append(len(rows))
            yield form.lines_of(rows)

    async def article(self, reader: User | None, group: str, number: int) -> Article:
        self._record("article", group, number)
        g = self._visible(reader, group)
        a = g.articles.get(number)
        if a is None:
            raise NotFound(f"No article {number} in {group}.")
        return self._seen(reader, a, number)

    async def article_by_message_id(self, reader: User | None, message_id: str) -> Article:
        self._record("article_by_message_id", message_id)
        a = self.by_id.get(message_id)
        if a is None:
            raise NotFound("No such article.")
        seen = self._seen(reader, a, 0)
        if not seen.newsgroups or not any(
            n in self.groups_by_name[g].articles for g, n in a.xref if g in seen.newsgroups
        ):
            raise NotFound("No such article.")
        return seen

    async def neighbour(
        self, reader: User | None, group: str, number: int, *, forward: bool
    ) -> int | None:
        self._record("neighbour", group, number, forward)
        g = self._visible(reader, group)
        if forward:
            return next((n for n in sorted(g.articles) if n > number), None)
        return next((n for n in sorted(g.articles, reverse=True) if n < number), None)

    async def new_groups(self, reader: User | None, since: datetime) -> list[NewsGroup]:
        self._record("new_groups", since)
        return [g for g in await self.groups(reader) if g.created_at >= since]

    async def new_message_ids(
        self, reader: User | None, groups: list[str], since: datetime
    ) -> AsyncIterator[list[str]]:
        self._record("new_message_ids", tuple(groups), since)
        seen: dict[str, datetime] = {}
        for name in groups:
            for a in self._visible(reader, name).articles.values():
                if a.head.date >= since:
                    seen[a.head.message_id] = a.head.date
        ids = sorted(seen, key=lambda m: (seen[m], m))
        for i in range(0, len(ids), self.chunk):
            yield ids[i : i + self.chunk]

    async def post(self, user: User, submission: Submission) -> PostResult:
        self._record("post", user.handle, submission)
        if not submission.newsgroups:
            raise ValidationError("No newsgroups.")
        targets = [self._visible(user, name) for name in submission.newsgroups]
        for g in targets:
            if g.policy == Policy.READ_ONLY and not user.is_moderator:
                raise PermissionDenied(f"{g.name} is read-only: only moderators post there.")
            if user.level < g.post_level:
                raise PermissionDenied(f"Posting to {g.name} needs a higher level.")
        refs: tuple[str, ...] = ()
        if submission.parent_message_id is not None:
            parent = self.by_id.get(submission.parent_message_id)
            if parent is None:
                raise NotFound("The article you answer is gone.")
            if parent.head.thread_id in self.locked_threads:
                raise PermissionDenied("That thread is locked.")
            refs = (*parent.head.references, parent.head.message_id)
        if submission.message_id is not None and submission.message_id in self.by_id:
            raise Conflict("That Message-ID exists already.")
        if len(submission.body) > 1_000_000:
            raise StorageError("Disk full.")
        moderated = any(g.policy == Policy.MODERATED for g in targets) and not user.is_moderator
        article = self.add_article(
            submission.newsgroups,
            submission.subject,
            submission.body,
            author=user.handle,
            message_id=submission.message_id,
            references=refs,
            flowed=submission.flowed,
            status=Status.PENDING if moderated else Status.POSTED,
        )
        return PostResult(article=article, pending=moderated)


if TYPE_CHECKING:
    from retroboard.transports.nntp.backend import NewsBackend

    _typed: NewsBackend = FakeNews()

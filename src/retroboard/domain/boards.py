"""Discussion groups and articles as plain data: what the board service returns to screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from retroboard.domain.users import Level, User


class Policy(StrEnum):
    """Who may post to a group."""

    OPEN = "open"  # anyone at post_level
    MODERATED = "moderated"  # posts wait for a moderator's approval
    READ_ONLY = "read-only"  # only moderators and sysops post


class Status(StrEnum):
    """Where an article is in its life."""

    POSTED = "posted"
    PENDING = "pending"  # waiting in a moderated group's queue
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    name: str
    description: str
    policy: Policy
    read_level: Level
    post_level: Level
    high: int  # the last article number given out (numbers are never reused)
    article_count: int  # articles that carry a number here, tombstones included


@dataclass(frozen=True, slots=True)
class GroupStatus:
    """A group as one user sees it: subscribed or not, how many unread."""

    group: Group
    subscribed: bool
    unread: int


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """An article without its body: enough for lists and thread trees."""

    id: int
    message_id: str
    subject: str
    author: str  # handle
    author_name: str  # real name, may be empty
    date: datetime  # UTC
    references: tuple[str, ...]
    thread_id: int
    number: int = 0  # its number in the group being read (0 if none)
    read: bool = False
    deleted: bool = False
    group: str = ""  # the group this head was listed in

    @property
    def from_line(self) -> str:
        return f"{self.author} ({self.author_name})" if self.author_name else self.author


@dataclass(frozen=True, slots=True)
class Article:
    """A whole article, as the reader shows it."""

    head: ArticleHead
    body: str
    newsgroups: tuple[str, ...]
    xref: tuple[tuple[str, int], ...]  # (group, number) in every group it was posted to
    status: Status
    path: str
    lines: int
    thread_locked: bool = False
    flowed: bool = False  # body is RFC 3676 format=flowed; else fixed (read it via as_flowed)

    @property
    def content_type(self) -> str:
        """The Content-Type its body is served with (RFC 3676 for a flowed body)."""
        return "text/plain; charset=utf-8" + ("; format=flowed" if self.flowed else "")

    def headers(self, organization: str) -> list[tuple[str, str]]:
        """RFC 5536 headers for the "full headers" view."""
        h = self.head
        rows = [
            ("Path", self.path),
            ("From", from_value(h.author, h.author_name, self.path)),
            ("Newsgroups", ",".join(self.newsgroups)),
            ("Subject", h.subject),
            ("Date", h.date.strftime("%a, %d %b %Y %H:%M:%S +0000")),
            ("Message-ID", h.message_id),
        ]
        if h.references:
            rows.append(("References", " ".join(h.references)))
        rows += [
            ("Organization", organization),
            ("Lines", str(self.lines)),
            ("Xref", f"{self.path.split('!')[0]} " + " ".join(f"{g}:{n}" for g, n in self.xref)),
        ]
        return rows


def from_value(handle: str, real_name: str, path: str) -> str:
    """The From header of an article by `handle` stored with `path` (RFC 5536 §3.1.2)."""
    return f"{handle}@{path.split('!')[0]} ({real_name or handle})"


@dataclass(frozen=True, slots=True)
class ThreadView:
    """One thread in a group's thread list, with the heads of its articles in that group."""

    thread_id: int
    subject: str
    last_post_at: datetime
    locked: bool
    articles: tuple[ArticleHead, ...]

    @property
    def unread(self) -> int:
        return sum(1 for a in self.articles if not a.read and not a.deleted)

    @property
    def replies(self) -> int:
        return max(0, len(self.articles) - 1)


@dataclass(frozen=True, slots=True)
class ThreadPage:
    threads: tuple[ThreadView, ...]
    cursor: tuple[datetime, int] | None  # pass back for the next page; None at the end
    skipped: int = 0  # threads above this page when it was fetched from the end (from_end)


@dataclass(frozen=True, slots=True)
class PostResult:
    article: Article
    pending: bool  # True when it waits in a moderation queue


@dataclass(frozen=True, slots=True)
class Draft:
    """A message being written, kept across a dropped connection: a post (`kind` "post", to
    `groups`) or a letter (`kind` "mail", to `to` and `cc`, answering letter `reply_to_id`)."""

    groups: tuple[str, ...]
    subject: str
    body: str
    parent_message_id: str | None = None
    updated_at: datetime | None = None
    kind: str = "post"  # post | mail
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to_id: int | None = None
    id: int | None = None  # the stored draft's id (None until it is saved)


@dataclass(frozen=True, slots=True)
class SearchHit:
    head: ArticleHead
    group: str
    snippet: str = ""  # a line of the body around the match
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) of each match in the snippet


def posting_refusal(user: User, group: Group) -> str | None:
    """Why `user` may not post to `group`, fit to show them; None when they may."""
    if group.policy == Policy.READ_ONLY and not user.is_moderator:
        return f"{group.name} is read-only: only moderators and the sysop post there."
    if user.level < group.post_level:
        return f"Posting to {group.name} needs level {Level(group.post_level).label}."
    return None

"""Events published on the bus after a change has been committed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserRegistered:
    user_id: int
    handle: str


@dataclass(frozen=True, slots=True)
class UserLoggedIn:
    user_id: int
    handle: str


@dataclass(frozen=True, slots=True)
class ArticlePosted:
    article_id: int
    message_id: str
    groups: tuple[str, ...]
    author: str
    subject: str


@dataclass(frozen=True, slots=True)
class UserChanged:
    """An account's level, lock or existence changed: running sessions of it must follow.

    `level` is the new level (None when the account was deleted); `locked` is True when the
    account may no longer log in (a sysop's lock, a handle ban, or deletion).
    """

    user_id: int
    handle: str
    level: int | None
    locked: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BansChanged:
    """The ban list changed (added, removed or expired): reload it and hang up who is banned."""

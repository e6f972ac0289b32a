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

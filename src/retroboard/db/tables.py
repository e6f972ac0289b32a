"""ORM tables. Timestamps are stored in UTC; `utc()` normalises what SQLite returns naive."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; PostgreSQL aware ones. Both become aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(20))
    handle_key: Mapped[str] = mapped_column(String(20), unique=True)  # lower-cased handle
    password_hash: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer, default=10)
    real_name: Mapped[str] = mapped_column(String(40), default="")
    location: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.current_timestamp()
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    login_count: Mapped[int] = mapped_column(Integer, default=0)
    editor: Mapped[str] = mapped_column(String(8), default="line")
    charset: Mapped[str] = mapped_column(String(8), default="auto")  # auto | utf-8 | cp437 | ascii
    skin: Mapped[str] = mapped_column(String(16), default="")  # '' = the board's default
    # Abuse handling (migration 0003): a sysop's lock, and the temporary lock after failures.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # `user lock`: no logins
    locked_reason: Mapped[str] = mapped_column(String(200), default="")
    lock_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # since the last good login
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Community (migration 0006): the profile and the caller's social preferences.
    about: Mapped[str] = mapped_column(String(240), default="")  # "about me", user-written
    show_real_name: Mapped[bool] = mapped_column(Boolean, default=False)  # in profiles
    do_not_disturb: Mapped[bool] = mapped_column(Boolean, default=False)  # refuses pages
    expert: Mapped[bool] = mapped_column(Boolean, default=False)  # skips the logon sequence
    last_bulletin_id: Mapped[int] = mapped_column(Integer, default=0)  # bulletins seen up to
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # after a reset
    # pacing: 300..57600, 0 unthrottled, None = the era's or the board's speed (migration 0011)
    bps: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    guest: Mapped[bool] = mapped_column(Boolean, default=False)  # a demo board's guest login


class GroupRow(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    policy: Mapped[str] = mapped_column(String(12), default="open")
    read_level: Mapped[int] = mapped_column(Integer, default=10)
    post_level: Mapped[int] = mapped_column(Integer, default=10)
    high: Mapped[int] = mapped_column(Integer, default=0)  # last number given out
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    deleted_numbers: Mapped[str] = mapped_column(Text, default="")  # RangeSet of tombstones
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThreadRow(Base):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(120))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Latest activity is kept per group, in GroupThreadRow.last_post_at.


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    author: Mapped[str] = mapped_column(String(20))
    author_name: Mapped[str] = mapped_column(String(40), default="")
    subject: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    refs: Mapped[str] = mapped_column(Text, default="")  # References header, space separated
    newsgroups: Mapped[str] = mapped_column(Text)  # comma separated, as in the header
    status: Mapped[str] = mapped_column(String(10), default="posted")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    # RFC 3676 format=flowed (posts here) or fixed, as it came (older bodies; see 0010)
    flowed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The overview as stored when posted (domain.news.overview_parts; migration 0013): what
    # NNTP's OVER serves without reading seven columns and the body. NULL: not stored (the
    # news service makes it from the other columns).
    overview_head: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    overview_tail: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    overview_octets: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)


class XrefRow(Base):
    """An article's number in one group (an article posted to 3 groups has 3 rows)."""

    __tablename__ = "xref"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    thread_id: Mapped[int] = mapped_column(Integer)


class GroupThreadRow(Base):
    """A thread's presence in a group, ordered by its latest activity there."""

    __tablename__ = "group_threads"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    last_post_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    article_count: Mapped[int] = mapped_column(Integer, default=0)


class PendingGroupRow(Base):
    """Groups a held (moderated) article will be numbered in once approved."""

    __tablename__ = "pending_groups"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)


class SubscriptionRow(Base):
    """newsrc: a user's subscription and read marks (ranges) for one group."""

    __tablename__ = "subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    read_ranges: Mapped[str] = mapped_column(Text, default="")


class DraftRow(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    groups: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    parent_message_id: Mapped[str | None] = mapped_column(String(250), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(8), default="post")  # post | mail
    recipients: Mapped[str] = mapped_column(Text, default="")  # mail: "to" handles, comma sep.


class BanRow(Base):
    """A ban on an address, a network (CIDR) or a handle; `expires_at` None = for good."""

    __tablename__ = "bans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # address | network | handle
    value: Mapped[str] = mapped_column(String(64))  # normalised: 10.0.0.0/8, ::1, handle_key
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str] = mapped_column(String(40), default="")


class LetterRow(Base):
    """A private letter; who may read it is LetterRecipientRow (plus its sender)."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    sender: Mapped[str] = mapped_column(String(20))  # the handle when sent
    subject: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), nullable=True)
    sender_deleted: Mapped[bool] = mapped_column(Boolean, default=False)  # gone from "sent"


class LetterRecipientRow(Base):
    """One addressee of a letter (To or CC), with their read mark and delete flag."""

    __tablename__ = "letter_recipients"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(2), default="to")  # to | cc
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class OneLinerRow(Base):
    """A line on the wall."""

    __tablename__ = "oneliners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    handle: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CallRow(Base):
    """One call (a login), for the last-callers list."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    handle: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(40), default="")
    node: Mapped[int] = mapped_column(Integer, default=0)
    transport: Mapped[str] = mapped_column(String(8), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class BulletinRow(Base):
    """Sysop-written news."""

    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IgnoreRow(Base):
    """The twit filter: `user_id` does not want to hear from `ignored_id`."""

    __tablename__ = "ignores"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    ignored_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

"""ORM tables. Timestamps are stored in UTC; `utc()` normalises what SQLite returns naive."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, func
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 server_default=func.current_timestamp())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    login_count: Mapped[int] = mapped_column(Integer, default=0)
    editor: Mapped[str] = mapped_column(String(8), default="line")
    charset: Mapped[str] = mapped_column(String(8), default="auto")  # auto | utf-8 | cp437

"""User accounts as plain data: security levels, handle rules, preferences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Level(IntEnum):
    """Security levels, BBS style: a higher number may do everything a lower one may."""

    GUEST = 0
    USER = 10
    MODERATOR = 50
    SYSOP = 90

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {name!r} (use user, moderator or sysop)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


HANDLE_MIN, HANDLE_MAX = 2, 20
PASSWORD_MIN, PASSWORD_MAX = 8, 128
REAL_NAME_MAX, LOCATION_MAX = 40, 40
RESERVED_HANDLES = frozenset(
    {
        "new",
        "all",
        "guest",
        "sysop",
        "root",
        "admin",
        "off",
        "anonymous",
        "postmaster",
        "usenet",
        "news",
        "nobody",
    }
)
_HANDLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
EDITORS = ("line", "fse")
CHARSETS = ("auto", "utf-8", "cp437")  # auto: guessed from the terminal type


def check_handle(handle: str) -> str:
    """Return the handle stripped, or raise ValueError saying which rule it breaks."""
    handle = handle.strip()
    if not HANDLE_MIN <= len(handle) <= HANDLE_MAX:
        raise ValueError(f"A handle is {HANDLE_MIN} to {HANDLE_MAX} characters long.")
    if not _HANDLE_RE.fullmatch(handle):
        raise ValueError("A handle starts with a letter and uses only letters, digits, _ . and -.")
    if handle.lower() in RESERVED_HANDLES:
        raise ValueError(f"'{handle}' is reserved; please pick another handle.")
    return handle


def check_password(password: str, handle: str = "") -> None:
    """Raise ValueError if the password is too weak to accept."""
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"A password needs at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise ValueError(f"A password is at most {PASSWORD_MAX} characters.")
    if handle and password.lower() == handle.lower():
        raise ValueError("Your password must not be your handle.")


@dataclass(frozen=True, slots=True)
class User:
    """A registered caller."""

    id: int
    handle: str
    level: Level
    real_name: str
    location: str
    created_at: datetime
    last_login_at: datetime | None
    login_count: int
    editor: str = "line"  # line | fse
    charset: str = "auto"  # auto | utf-8 | cp437

    @property
    def is_moderator(self) -> bool:
        return self.level >= Level.MODERATOR

    @property
    def is_sysop(self) -> bool:
        return self.level >= Level.SYSOP

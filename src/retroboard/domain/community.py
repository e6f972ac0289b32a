"""The community's values: letters, one-liners, calls, bulletins, profiles, chat lines, limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Limits (characters, after cleaning). A longer value is refused with a clear message, never cut.
ONELINER_MAX = 75
ONELINERS_SHOWN = 15  # the wall at login
LAST_CALLERS_SHOWN = 20
PAGE_MAX = 200  # a page / node message is one line
BROADCAST_MAX = 240  # a sysop's broadcast to every node
CHAT_LINE_MAX = 300
CHAT_HISTORY = 20  # lines shown on joining a channel
CHANNEL_NAME_MAX = 20
TOPIC_MAX = 80
ABOUT_MAX = 240
LETTER_SUBJECT_MAX = 120
LETTER_BODY_MAX = 64_000
LETTER_RECIPIENTS_MAX = 10  # To + CC
MAILBOX_SHOWN = 500  # letters a folder lists, newest first
REJECT_REASON_MAX = 300  # the moderator's reason, mailed to the author
BULLETIN_TITLE_MAX = 80
BULLETIN_BODY_MAX = 64_000
MAIN_CHANNEL = "#main"
CHAT_CHANNELS_MAX = 50  # channels at once (#main included)
CHAT_FLOOD_LINES = 5  # lines a member may send within CHAT_FLOOD_WINDOW seconds...
CHAT_FLOOD_WINDOW = 5.0
CHAT_COOLDOWN = 10.0  # ...before being made to wait this long


@dataclass(frozen=True)
class LetterHead:
    """A letter as a mailbox lists it (no body)."""

    id: int
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    sent_at: datetime
    unread: bool  # for the one looking: not yet read (always False in the sent folder)


@dataclass(frozen=True)
class Letter:
    """A whole letter, as its sender or one of its recipients may read it."""

    head: LetterHead
    body: str
    reply_to_id: int | None = None


@dataclass(frozen=True)
class OneLiner:
    handle: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Call:
    """One login, for the last-callers list."""

    handle: str
    location: str
    at: datetime
    node: int
    transport: str


@dataclass(frozen=True)
class Bulletin:
    id: int
    title: str
    body: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Profile:
    """What anyone may see of a member. `real_name` is '' unless its owner shows it."""

    handle: str
    location: str
    member_since: datetime
    calls: int
    posts: int
    last_on: datetime | None
    about: str
    real_name: str
    level_name: str
    bps: int | None = None  # the modem speed they chose (domain.modem); None: the era's or board's


@dataclass(frozen=True)
class SinceLastCall:
    """The logon summary: what happened since the caller's previous call."""

    new_articles: int  # in the caller's subscribed groups
    new_letters: int
    callers: int  # other callers since

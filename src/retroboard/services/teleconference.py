"""The teleconference: named channels with topics, members, recent lines and flood limits.

Channels, members and the last CHAT_HISTORY lines of each channel live in memory, in this
process: chat is live talk, nothing of it is stored. Every line goes out on the bus as a
`ChatLine` event (plain values), and each session's chat screen listens for them and asks
`delivers` whether it is for that session; so a bus backend carrying events between processes
would carry the talk too, while the membership table here would then need to move to shared
state (one process today). `#main` always exists; a channel is made by joining a new name and
disappears when its last member leaves. A member is a session (one channel at a time); the
same account may sit in two sessions. `/msg` to a member not in the teleconference but online
becomes a page (NoticeSent kind "page"), as Synchronet does. The twit filter (IgnoreService):
nothing from someone a member ignores reaches that member, private lines included, and the
sender is not told.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from retroboard.bus import EventBus
from retroboard.db.engine import Database
from retroboard.db.tables import UserRow
from retroboard.domain.community import (
    CHANNEL_NAME_MAX,
    CHAT_CHANNELS_MAX,
    CHAT_COOLDOWN,
    CHAT_FLOOD_LINES,
    CHAT_FLOOD_WINDOW,
    CHAT_HISTORY,
    CHAT_LINE_MAX,
    MAIN_CHANNEL,
    TOPIC_MAX,
)
from retroboard.domain.errors import NotFound, ValidationError
from retroboard.domain.events import ChatLine, NoticeSent
from retroboard.domain.text import sanitize
from retroboard.domain.users import User
from retroboard.services.ignores import IgnoreService
from retroboard.services.presence import Presence

_CHANNEL = re.compile(r"#[a-z0-9_-]+")
_TALK = ("say", "action", "topic")  # kinds kept in a channel's history


class Flooding(ValidationError):
    """Too many lines too fast: the member must wait `seconds` (whole seconds, at least 1)."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        unit = "second" if seconds == 1 else "seconds"
        super().__init__(f"You are typing too fast. Wait {seconds} {unit}.")


class FloodGate:
    """At most `lines` lines per key within `window` seconds; the next one starts a cool-down
    of `cooldown` seconds in which every line is refused. Bounded: `forget` drops a key."""

    def __init__(
        self,
        lines: int = CHAT_FLOOD_LINES,
        window: float = CHAT_FLOOD_WINDOW,
        cooldown: float = CHAT_COOLDOWN,
    ) -> None:
        self.lines, self.window, self.cooldown = lines, window, cooldown
        self._sent: dict[int, deque[float]] = {}
        self._until: dict[int, float] = {}

    def check(self, key: int, now: float) -> None:
        """Count a line by `key` at `now`. Raises Flooding (and counts nothing) when refused."""
        until = self._until.get(key)
        if until is not None:
            if now < until:
                raise Flooding(max(1, math.ceil(until - now)))
            del self._until[key]
        sent = self._sent.setdefault(key, deque(maxlen=self.lines))
        while sent and now - sent[0] >= self.window:
            sent.popleft()
        if len(sent) >= self.lines:
            sent.clear()
            self._until[key] = now + self.cooldown
            raise Flooding(max(1, math.ceil(self.cooldown)))
        sent.append(now)

    def forget(self, key: int, now: float) -> None:
        """Drop what is known of `key` (a member who left the teleconference), except a
        cool-down still running: leaving and coming back does not end it early."""
        self._sent.pop(key, None)
        if self._until.get(key, now) <= now:
            self._until.pop(key, None)


@dataclass(frozen=True)
class Member:
    session_id: str
    user_id: int
    handle: str


@dataclass
class Channel:
    name: str
    topic: str = ""
    topic_by: str = ""
    members: dict[str, Member] = field(default_factory=dict)  # session id -> member
    history: deque[ChatLine] = field(default_factory=lambda: deque(maxlen=CHAT_HISTORY))


@dataclass(frozen=True)
class ChannelInfo:
    """A channel as /list shows it. `count` is the number of members (accounts)."""

    name: str
    topic: str
    count: int


@dataclass(frozen=True)
class Joined:
    """What joining shows: the channel, its topic, the last lines and who is there."""

    channel: str
    topic: str
    topic_by: str
    history: tuple[ChatLine, ...]
    who: tuple[str, ...]


@dataclass(frozen=True)
class Sent:
    """A private line sent: to whom, and `via` "chat" (in the teleconference) or "page"."""

    to: str
    via: str
    line: ChatLine


def channel_name(text: str) -> str:
    """The channel `text` names, lower-cased, with a leading '#' added when missing.

    Raises ValidationError for anything but '#' and letters, digits, '-' and '_', or a name
    longer than CHANNEL_NAME_MAX."""
    name = sanitize(text, multiline=False).strip().lower()
    if name and not name.startswith("#"):
        name = "#" + name
    if len(name) > CHANNEL_NAME_MAX:
        raise ValidationError(
            f"A channel name is at most {CHANNEL_NAME_MAX} characters long (with the #)."
        )
    if not _CHANNEL.fullmatch(name):
        raise ValidationError(
            "A channel name is # followed by letters, digits, - and _ (like #retro-games)."
        )
    return name


def clean_line(text: str, limit: int = CHAT_LINE_MAX, what: str = "That line") -> str:
    """`text` as one clean line. Raises ValidationError when empty or longer than `limit`."""
    line = sanitize(text, multiline=False).strip()
    if not line:
        raise ValidationError("Nothing to say: the line is empty.")
    if len(line) > limit:
        raise ValidationError(f"{what} is {len(line)} characters long; at most {limit}.")
    return line


class Teleconference:
    """The chat rooms of this process. Every method is quick and never waits on a client."""

    def __init__(
        self,
        bus: EventBus,
        ignores: IgnoreService,
        presence: Presence,
        db: Database,
        *,
        clock: Callable[[], float] = time.monotonic,
        flood: FloodGate | None = None,
    ) -> None:
        self._bus = bus
        self._ignores = ignores
        self._presence = presence
        self._db = db
        self._clock = clock
        self._flood = flood or FloodGate()
        self._channels: dict[str, Channel] = {MAIN_CHANNEL: Channel(MAIN_CHANNEL)}
        self._where: dict[str, str] = {}  # session id -> channel name

    # ---- membership ----------------------------------------------------------------------
    async def join(self, session_id: str, user: User, name: str = MAIN_CHANNEL) -> Joined:
        """Put the session in channel `name` (made when new), leaving the one it was in; the
        others there are told (a "join" line). Returns the channel's topic, its last lines
        (without those from members `user` ignores) and who is there.

        Moving from one channel to another counts against the flood limit like a line (the
        others see a leave and a join notice each time).
        Raises ValidationError for a bad name or when CHAT_CHANNELS_MAX channels exist,
        Flooding when moving too often."""
        target = channel_name(name)
        ignoring = await self._ignores.ignored_ids(user.id)  # cached for `delivers` from now
        channel = self._channels.get(target)
        if self._where.get(session_id) != target:
            if channel is None and len(self._channels) >= CHAT_CHANNELS_MAX:
                raise ValidationError("There are too many channels; join one of /list.")
            if session_id in self._where:
                self._flood.check(user.id, self._clock())
            self._leave(session_id, forget=False)
            if channel is None:
                channel = self._channels[target] = Channel(target)
            channel.members[session_id] = Member(session_id, user.id, user.handle)
            self._where[session_id] = target
            self._publish(ChatLine(target, user.handle, user.id, "", "join", 0, session_id))
        assert channel is not None
        history = tuple(line for line in channel.history if line.sender_id not in ignoring)
        return Joined(target, channel.topic, channel.topic_by, history, self._handles(channel))

    def leave(self, session_id: str) -> None:
        """Take the session out of its channel (nothing when it is in none); the others are
        told (a "part" line); an empty channel other than #main disappears. Never raises."""
        self._leave(session_id, forget=True)

    def _leave(self, session_id: str, *, forget: bool) -> None:
        name = self._where.pop(session_id, None)
        if name is None:
            return
        channel = self._channels[name]
        member = channel.members.pop(session_id)
        if not channel.members and name != MAIN_CHANNEL:
            del self._channels[name]
        if forget and not any(m.user_id == member.user_id for m in self._members()):
            self._flood.forget(member.user_id, self._clock())
        self._publish(ChatLine(name, member.handle, member.user_id, "", "part", 0, session_id))

    def channel_of(self, session_id: str) -> str | None:
        """The channel the session is in, or None."""
        return self._where.get(session_id)

    def who(self, channel: str) -> tuple[str, ...]:
        """The handles in `channel` (each once, alphabetical). Raises NotFound when no such
        channel exists."""
        found = self._channels.get(channel_name(channel))
        if found is None:
            raise NotFound(f"There is no channel {channel}.")
        return self._handles(found)

    def channels(self) -> list[ChannelInfo]:
        """Every channel with its topic and member count: #main first, then by name."""
        infos = [
            ChannelInfo(c.name, c.topic, len({m.user_id for m in c.members.values()}))
            for c in self._channels.values()
        ]
        return sorted(infos, key=lambda i: (i.name != MAIN_CHANNEL, i.name))

    # ---- talking ---------------------------------------------------------------------------
    def say(self, session_id: str, text: str) -> ChatLine:
        """Send `text` to the session's channel. Raises NotFound (not in a channel),
        ValidationError (empty or over CHAT_LINE_MAX), Flooding (too fast)."""
        return self._talk(session_id, text, "say")

    def act(self, session_id: str, text: str) -> ChatLine:
        """An action (/me waves): as `say`, shown as "* handle waves"."""
        return self._talk(session_id, text, "action")

    def set_topic(self, session_id: str, text: str) -> ChatLine:
        """Set the topic of the session's channel (anyone in it may, #main included).
        Raises NotFound, ValidationError (empty or over TOPIC_MAX), Flooding."""
        member, channel = self._member(session_id)
        topic = clean_line(text, TOPIC_MAX, "The topic")
        self._flood.check(member.user_id, self._clock())
        channel.topic, channel.topic_by = topic, member.handle
        return self._line(channel, member, topic, "topic")

    async def msg(self, session_id: str, handle: str, text: str) -> Sent:
        """A private line to `handle`: to their sessions in the teleconference if they are in
        it, else as a page to their sessions anywhere on the board. Someone who ignores the
        sender gets nothing and the sender is not told. Raises NotFound (not in a channel, or
        `handle` is not online), ValidationError (yourself, an empty or long line, a "do not
        disturb" member outside the teleconference), Flooding."""
        member, _channel = self._member(session_id)
        wanted = sanitize(handle, multiline=False).strip().lstrip("@").lower()
        if not wanted:
            raise ValidationError("To whom? /msg handle text")
        line = clean_line(text)
        in_chat = [m for m in self._members() if m.handle.lower() == wanted]
        nodes = [n for n in self._presence.nodes() if n.user_id and n.handle.lower() == wanted]
        if not in_chat and not nodes:
            raise NotFound(f"Nobody called '{wanted}' is online.")
        to_id, to_handle = (
            (in_chat[0].user_id, in_chat[0].handle)
            if in_chat
            else (nodes[0].user_id, nodes[0].handle)
        )
        if to_id == member.user_id:
            raise ValidationError("That is you.")
        via = "chat" if in_chat else "page"
        if via == "page" and await self._do_not_disturb(to_id):
            raise ValidationError(f"{to_handle} does not want to be disturbed.")
        self._flood.check(member.user_id, self._clock())
        private = ChatLine("", member.handle, member.user_id, line, "private", to_id, session_id)
        if not await self._ignores.is_ignoring(to_id, member.user_id):
            if via == "chat":
                self._bus.publish(private)
            else:
                self._bus.publish(NoticeSent(line, "page", member.handle, to_user=to_id))
        return Sent(to_handle, via, private)

    # ---- delivery --------------------------------------------------------------------------
    def delivers(self, line: ChatLine, session_id: str, user_id: int) -> bool:
        """True when the session `session_id` (of `user_id`) should show `line`: a line of its
        channel (its own join/leave excepted) or a private one to `user_id`, unless `user_id`
        ignores the sender. Quick, never waits (called inside a bus listener)."""
        if line.kind == "private":
            if line.to_user != user_id:
                return False
        elif line.channel != self._where.get(session_id):
            return False
        elif line.kind in ("join", "part") and line.from_session == session_id:
            return False
        if line.sender_id == user_id:
            return True
        return line.sender_id not in (self._ignores.cached(user_id) or ())

    # ---- inside ------------------------------------------------------------------------------
    def _talk(self, session_id: str, text: str, kind: str) -> ChatLine:
        member, channel = self._member(session_id)
        line = clean_line(text)
        self._flood.check(member.user_id, self._clock())
        return self._line(channel, member, line, kind)

    def _line(self, channel: Channel, member: Member, text: str, kind: str) -> ChatLine:
        line = ChatLine(
            channel.name, member.handle, member.user_id, text, kind, 0, member.session_id
        )
        if kind in _TALK:
            channel.history.append(line)
        self._publish(line)
        return line

    def _publish(self, line: ChatLine) -> None:
        self._bus.publish(line)

    def _member(self, session_id: str) -> tuple[Member, Channel]:
        name = self._where.get(session_id)
        if name is None:
            raise NotFound("You are not in a channel: /join #main")
        channel = self._channels[name]
        return channel.members[session_id], channel

    def _members(self) -> list[Member]:
        return [m for c in self._channels.values() for m in c.members.values()]

    @staticmethod
    def _handles(channel: Channel) -> tuple[str, ...]:
        return tuple(sorted({m.handle for m in channel.members.values()}, key=str.lower))

    async def _do_not_disturb(self, user_id: int) -> bool:
        async with self._db.read() as s:
            return bool(await s.scalar(select(UserRow.do_not_disturb).where(UserRow.id == user_id)))

"""The event catalogue: every event published on the bus, made of plain values, and its wire form.

An event is a frozen dataclass whose fields are str, int, float, bool, None or tuples of
those, so any bus backend (in-process today, PostgreSQL LISTEN/NOTIFY across processes later)
can carry it as JSON: `to_wire(event)` gives a JSON-safe dict, `from_wire(data)` the event back.
`CATALOGUE` names every event class; `catalogue()` refuses a class with a non-plain field.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from retroboard.domain.activity import Activity

NOTICE_KINDS = ("page", "broadcast", "mail", "system", "shutdown")
CHAT_KINDS = ("say", "action", "join", "part", "topic", "private")
_SCALARS: tuple[type, ...] = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class UserRegistered:
    """A new account was created."""

    user_id: int
    handle: str


@dataclass(frozen=True, slots=True)
class UserLoggedIn:
    """A password was accepted for the account (any transport)."""

    user_id: int
    handle: str


@dataclass(frozen=True, slots=True)
class ArticlePosted:
    """An article was posted (or approved) in `groups`."""

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


@dataclass(frozen=True, slots=True)
class SessionStarted:
    """A caller connected and was given `node`. `address` is the peer, `terminal` its type."""

    session_id: str
    node: int
    transport: str
    address: str
    terminal: str


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """The session on `node` ended; `handle` is who was logged in ("" when nobody)."""

    session_id: str
    node: int
    handle: str


@dataclass(frozen=True, slots=True)
class ActivityChanged:
    """The caller on `node` is doing something else now: the Activity `activity_key` with
    `activity_values` (its plain form; a viewer words it with its own skin)."""

    session_id: str
    node: int
    handle: str
    activity_key: str
    activity_values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, session_id: str, node: int, handle: str, activity: Activity) -> ActivityChanged:
        """The event for `activity` on `node`."""
        return cls(session_id, node, handle, activity.key, activity.values)

    @property
    def activity(self) -> Activity:
        """The Activity back (values checked and sanitised again: the event may come from
        another process). Raises ValueError for a malformed key or value name."""
        return Activity.from_pairs(self.activity_key, self.activity_values)


@dataclass(frozen=True, slots=True)
class SessionLoggedIn:
    """The caller on `node` is now the account `user_id` / `handle`."""

    session_id: str
    node: int
    user_id: int
    handle: str


@dataclass(frozen=True, slots=True)
class NoticeSent:
    """A notice for callers: to the session `to_session`, else to every session of the user
    `to_user`, else (both empty) to every session. `kind` is one of NOTICE_KINDS."""

    text: str
    kind: str
    sender: str = ""
    to_session: str = ""
    to_user: int = 0

    def for_session(self, session_id: str, user_id: int | None) -> bool:
        """True when a session `session_id` (logged in as `user_id`, or None) should show it."""
        if self.to_session:
            return self.to_session == session_id
        if self.to_user:
            return user_id is not None and self.to_user == user_id
        return True


@dataclass(frozen=True, slots=True)
class BoardShuttingDown:
    """The board is stopping: every session shows `text` and is hung up shortly after."""

    text: str


@dataclass(frozen=True, slots=True)
class ChatLine:
    """A teleconference line: `kind` is one of CHAT_KINDS. A channel line goes to everyone in
    `channel`; a private one ("private", `to_user` set, `channel` "") to that member's chat
    sessions. `sender`/`sender_id` is who wrote it (the twit filter's key), `from_session` the
    session it came from (a join or leave notice is not shown to that session itself)."""

    channel: str
    sender: str
    sender_id: int
    text: str
    kind: str = "say"
    to_user: int = 0
    from_session: str = ""


def _plain_type(hint: Any) -> bool:
    """True for str, int, float, bool, None, unions of those and tuples of those."""
    if hint in _SCALARS or hint is None:
        return True
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return all(_plain_type(a) for a in args)
    if origin is tuple:
        items = [a for a in args if a is not Ellipsis]
        return bool(items) and all(_plain_type(a) for a in items)
    return False


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def catalogue(*classes: type) -> dict[str, type]:
    """Name -> class for `classes`. Raises TypeError for a class that is not a frozen
    dataclass, has a field that is not a plain value, or shares a name with another."""
    out: dict[str, type] = {}
    for cls in classes:
        if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise TypeError(f"event {cls.__name__} must be a frozen dataclass")
        hints = _hints(cls)
        for f in dataclasses.fields(cls):
            if not _plain_type(hints[f.name]):
                raise TypeError(
                    f"event {cls.__name__}.{f.name} is {hints[f.name]!r}: events hold only "
                    "str, int, float, bool, None and tuples of those"
                )
        if cls.__name__ in out:
            raise TypeError(f"two events are called {cls.__name__}")
        out[cls.__name__] = cls
    return out


CATALOGUE: Mapping[str, type] = types.MappingProxyType(
    catalogue(
        UserRegistered,
        UserLoggedIn,
        ArticlePosted,
        UserChanged,
        BansChanged,
        SessionStarted,
        SessionEnded,
        ActivityChanged,
        SessionLoggedIn,
        NoticeSent,
        BoardShuttingDown,
        ChatLine,
    )
)


def _plain_value(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_plain_value(v) for v in value)
    return isinstance(value, _SCALARS)


def to_wire(event: object) -> dict[str, Any]:
    """The JSON-safe form of a catalogued event: {"type": name, field: value, ...} (tuples
    become lists). Raises TypeError for an event not in CATALOGUE or a non-plain value."""
    cls = type(event)
    if CATALOGUE.get(cls.__name__) is not cls:
        raise TypeError(f"{cls.__name__} is not in the event catalogue")
    out: dict[str, Any] = {"type": cls.__name__}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        value = getattr(event, f.name)
        if not _plain_value(value):
            raise TypeError(f"{cls.__name__}.{f.name} holds {type(value).__name__}")
        out[f.name] = _listed(value)
    return out


def _listed(value: Any) -> Any:
    return [_listed(v) for v in value] if isinstance(value, tuple) else value


def _from_json(hint: Any, value: Any, where: str) -> Any:
    """`value` (from JSON) as the field type `hint`; ValueError when it does not fit."""
    if hint is type(None) or hint is None:
        if value is None:
            return None
    elif hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint in (str, bool):
        if type(value) is hint:
            return value
    elif typing.get_origin(hint) in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return _from_json(option, value, where)
            except ValueError:
                continue
    elif typing.get_origin(hint) is tuple and isinstance(value, list | tuple):
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], v, where) for v in value)
        if len(args) == len(value):
            return tuple(_from_json(a, v, where) for a, v in zip(args, value, strict=True))
    raise ValueError(f"{where}: {value!r} is not a {hint!r}")


def from_wire(data: Mapping[str, Any]) -> object:
    """The event `to_wire` made `data` from. Raises ValueError for an unknown type, a missing
    or unknown field, or a value of the wrong type (a message from another process is checked)."""
    name = data.get("type") if isinstance(data, Mapping) else None
    cls = CATALOGUE.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown event type {name!r}")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    extra = set(data) - set(fields) - {"type"}
    if extra:
        raise ValueError(f"{name}: unknown fields {', '.join(sorted(extra))}")
    values: dict[str, Any] = {}
    for field_name, f in fields.items():
        if field_name not in data:
            if f.default is dataclasses.MISSING:
                raise ValueError(f"{name}: missing field {field_name}")
            continue
        values[field_name] = _from_json(hints[field_name], data[field_name], f"{name}.{field_name}")
    return cls(**values)

"""What the board shows on the web outside the terminal: the front page and the classroom view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ConnectInfo:
    """How to reach the board: the host name to show and each listener's port (0: off)."""

    host: str
    telnet_port: int
    ssh_port: int
    nntp_port: int
    http_port: int


@dataclass(frozen=True, slots=True)
class OnlineCaller:
    """One logged-in node on the front page: handle only (never a real name or address)."""

    node: int
    handle: str
    doing: str  # the activity as the board's default skin words it ("reading comp.sys.retro")
    transport: str  # "telnet" | "ssh" | "web"


@dataclass(frozen=True, slots=True)
class RecentCaller:
    """One entry of the last-callers list on the front page (handle, never a real name)."""

    handle: str
    at: datetime  # UTC
    transport: str


@dataclass(frozen=True, slots=True)
class PublicGroup:
    """A group anyone may read (read level of a new user or lower), with its article count."""

    name: str
    description: str
    articles: int


@dataclass(frozen=True, slots=True)
class FrontPage:
    """Everything GET / shows, already filtered for a visitor who has not logged in.

    `welcome_html` is the board's welcome art (the same .ans the telnet caller sees) rendered
    as HTML by the board's own renderer: every character escaped, colours as classes or inline
    styles, no script, no link; the transport inserts it as it is. Empty when there is none.
    `online` lists logged-in nodes only; `online_count` counts every connected node.
    """

    board_name: str
    welcome_html: str
    online_count: int
    online: tuple[OnlineCaller, ...]
    last_callers: tuple[RecentCaller, ...]
    groups: tuple[PublicGroup, ...]
    connect: ConnectInfo


@dataclass(frozen=True, slots=True)
class ClassroomNode:
    """One node in the teacher's classroom view: who (a guest's handle, or "(logging in)"),
    what they are doing and for how long, how idle, over what."""

    node: int
    handle: str
    guest: bool
    doing: str
    doing_seconds: float
    idle_seconds: float
    transport: str


@dataclass(frozen=True, slots=True)
class Classroom:
    """GET /classroom: the board's nodes for the teacher's projector. `demo` says whether the
    board runs as a demo board with guest nodes (otherwise the view says it has none)."""

    board_name: str
    demo: bool
    nodes: tuple[ClassroomNode, ...]

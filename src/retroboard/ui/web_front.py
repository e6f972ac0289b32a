"""WebFront: the read models behind the web pages (transports.web.backend.WebBackend).

    WebFront(
        services: Services,
        art: ArtLibrary,
        skin: Skin,
        settings: Settings,
        *,
        host: str | None = None,
        http_port: int | None = None,
        last_callers: int = LAST_CALLERS_SHOWN,
        cache_seconds: float = CACHE_SECONDS,
        now: Callable[[], datetime] = <UTC now>,      # wall time (the classroom's "for")
        clock: Callable[[], float] = time.monotonic,  # for the read cache
    )
    await front.front_page() -> domain.web.FrontPage
    await front.classroom() -> domain.web.Classroom

It implements WebBackend structurally (ui never imports transports). app builds it as

    WebFront(board.services, board.board_info.skin_art.get(settings.skin, board.art),
             board.board_info.skins[settings.skin], settings)

so the welcome is the telnet welcome's own file: the art library of the board's default skin
(the sysop's DATA/art first, then the skin's art folders, then the packaged art), drawn only
when that skin draws art at all; activities are worded by that skin, as who's online words
them for its callers.

What a visitor who has not logged in may see, and nothing else:
- online: logged-in nodes only (the first ONLINE_SHOWN by node number), as (node, handle,
  activity in words, transport); never an address, a real name, a location or a terminal
  type. online_count counts every node.
- last_callers: handle, time and transport of the newest calls (never the location).
- groups: those an anonymous newsreader may read (NewsService.groups(None): read level of a
  new user or lower; none at all when the sysop turned nntp_anonymous_read off).
- connect: `host` (default: settings.host, or settings.domain when that is a wildcard such as
  0.0.0.0, as the NNTP transport names itself) and each listener's port (0: off; the http
  port is settings.http_port unless `http_port` is given).

Cost: the welcome art is rendered once per art object (the art library makes a new one when
the file changes: mtime or size); presence is read from memory on every call; the two
database reads (last callers, groups) are shared by all calls within `cache_seconds`, and only
one call reads at a time. classroom() (at most CLASSROOM_SHOWN nodes, guests first) reads
presence and, on a board with guest logins, for nodes with a guest account's handle it has
not seen before, whether the account is a guest's (one read per new account, or one read of
all accounts when many are new); that answer is kept (an account never becomes or stops
being a guest). Without guest logins it reads nothing.
A failing read raises StorageError (domain.errors), which the web transport shows as a 503.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime

from retroboard.config import Settings
from retroboard.domain.activity import Activity
from retroboard.domain.community import LAST_CALLERS_SHOWN
from retroboard.domain.errors import NotFound
from retroboard.domain.web import (
    Classroom,
    ClassroomNode,
    ConnectInfo,
    FrontPage,
    OnlineCaller,
    PublicGroup,
    RecentCaller,
)
from retroboard.services.facade import Services
from retroboard.services.presence import Node
from retroboard.services.users import GUEST_PREFIX
from retroboard.ui.art import Art, ArtLibrary
from retroboard.ui.art_html import art_html
from retroboard.ui.context import describe_activity
from retroboard.ui.skin import Skin

CACHE_SECONDS = 2.0  # how long one read of last callers and groups serves every visitor
WELCOME = "welcome"  # the art the telnet welcome screen draws
LOGGING_IN = "(logging in)"  # the classroom's name for a node before its login
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]", "*")
GUEST_CACHE_MAX = 10_000  # accounts whose guest flag is remembered
ONLINE_SHOWN = 200  # logged-in nodes listed on the front page at most (by node number)
CLASSROOM_SHOWN = 500  # nodes in the classroom view at most (guests first)
WORDS_MAX = 4096  # activities whose words are remembered
BULK_LOOKUP = 4  # this many unknown accounts or more: one read of all accounts instead


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WebFront:
    """The front page and classroom read models (see the module docstring)."""

    def __init__(
        self,
        services: Services,
        art: ArtLibrary,
        skin: Skin,
        settings: Settings,
        *,
        host: str | None = None,
        http_port: int | None = None,
        last_callers: int = LAST_CALLERS_SHOWN,
        cache_seconds: float = CACHE_SECONDS,
        now: Callable[[], datetime] = _utcnow,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._services = services
        self._art = art
        self._skin = skin
        self._board_name = settings.board_name
        self._demo = bool(settings.demo or settings.guests)
        if host is None:
            host = settings.domain if settings.host.strip() in WILDCARD_HOSTS else settings.host
        port = http_port if http_port is not None else settings.http_port
        self.connect = ConnectInfo(
            host=host,
            telnet_port=settings.telnet_port,
            ssh_port=settings.ssh_port,
            nntp_port=settings.nntp_port,
            http_port=port,
        )
        self._last_n = last_callers
        self._cache_seconds = cache_seconds
        self._now = now
        self._clock = clock
        self._welcome: tuple[Art | None, str] = (None, "")
        self._reads: tuple[float, tuple[RecentCaller, ...], tuple[PublicGroup, ...]] | None = None
        self._reading = asyncio.Lock()
        self._guests: dict[int, bool] = {}
        self._words: dict[Activity, str] = {}

    def doing(self, activity: Activity) -> str:
        """`activity` in the skin's words, remembered (a page words every node's activity,
        and most nodes are doing one of a few things)."""
        text = self._words.get(activity)
        if text is None:
            if len(self._words) >= WORDS_MAX:
                self._words.clear()
            text = self._words[activity] = describe_activity(self._skin, activity)
        return text

    # ---- the welcome art ----------------------------------------------------------------------
    def welcome_html(self) -> str:
        """The welcome art as HTML ("" when the skin draws no art or there is none), rendered
        again only when the art library hands out another art object (the file changed)."""
        if not self._skin.art:
            return ""
        art = self._art.get(WELCOME)
        cached, text = self._welcome
        if art is None:
            return ""
        if art is not cached:
            text = art_html(art, label=f"{self._board_name}: welcome")
            self._welcome = (art, text)
        return text

    # ---- the front page -----------------------------------------------------------------------
    async def _shared_reads(self) -> tuple[tuple[RecentCaller, ...], tuple[PublicGroup, ...]]:
        """Last callers and public groups: one read each, shared for `cache_seconds`."""
        fresh = self._reads
        if fresh is not None and self._clock() - fresh[0] < self._cache_seconds:
            return fresh[1], fresh[2]
        async with self._reading:
            fresh = self._reads  # another call may have read them while this one waited
            if fresh is not None and self._clock() - fresh[0] < self._cache_seconds:
                return fresh[1], fresh[2]
            calls = await self._services.calls.last(self._last_n)
            groups = await self._services.news.groups(None)
            recent = tuple(RecentCaller(c.handle, c.at, c.transport) for c in calls)
            public = tuple(PublicGroup(g.name, g.description, g.count) for g in groups)
            self._reads = (self._clock(), recent, public)
            return recent, public

    async def front_page(self) -> FrontPage:
        """GET /: see the module docstring for what is shown and what never is."""
        recent, public = await self._shared_reads()
        nodes = self._services.presence.nodes()
        online = tuple(
            OnlineCaller(
                node=n.number,
                handle=n.handle,
                doing=self.doing(n.activity),
                transport=n.transport,
            )
            for n in itertools.islice((n for n in nodes if n.user_id), ONLINE_SHOWN)
        )
        return FrontPage(
            board_name=self._board_name,
            welcome_html=self.welcome_html(),
            online_count=len(nodes),
            online=online,
            last_callers=recent,
            groups=public,
            connect=self.connect,
        )

    # ---- the classroom ------------------------------------------------------------------------
    def _maybe_guest(self, node: Node) -> bool:
        """Only a logged-in node of a board with guest logins, whose handle is a guest
        account's (guest1, guest2, ...: UserService.new_guest), can be a guest's; the others
        need no read (a member may be called guest7, so the account still says)."""
        return bool(self._demo and node.user_id and node.handle.lower().startswith(GUEST_PREFIX))

    async def _guest_flags(self, user_ids: set[int]) -> dict[int, bool]:
        """Whether each account is a guest account, read once per account ever."""
        unknown = [u for u in sorted(user_ids) if u not in self._guests]
        if unknown:
            if len(self._guests) + len(unknown) > GUEST_CACHE_MAX:
                self._guests.clear()
            if len(unknown) >= BULK_LOOKUP:
                for user in await self._services.users.list():
                    self._guests[user.id] = user.guest
            for uid in unknown:
                if uid in self._guests:
                    continue
                try:
                    self._guests[uid] = (await self._services.users.get_by_id(uid)).guest
                except NotFound:  # the account went while its caller was on
                    self._guests[uid] = False
        return {u: self._guests.get(u, False) for u in user_ids}

    async def classroom(self) -> Classroom:
        """GET /classroom: every node, guests first (then by node number), with its activity
        in the skin's words, how long it has been doing it, how idle it is and its transport."""
        nodes = self._services.presence.nodes()
        guests = await self._guest_flags({n.user_id for n in nodes if self._maybe_guest(n)})
        now = self._now()
        rows = [
            ClassroomNode(
                node=n.number,
                handle=n.handle if n.user_id else LOGGING_IN,
                guest=guests.get(n.user_id, False),
                doing=self.doing(n.activity),
                doing_seconds=max(0.0, (now - n.activity_since).total_seconds()),
                idle_seconds=n.idle_seconds,
                transport=n.transport,
            )
            for n in nodes
        ]
        rows.sort(key=lambda r: (not r.guest, r.node))
        return Classroom(
            board_name=self._board_name, demo=self._demo, nodes=tuple(rows[:CLASSROOM_SHOWN])
        )

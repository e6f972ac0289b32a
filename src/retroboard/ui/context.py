"""SessionContext: everything a screen may use, passed explicitly (no globals)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from rich.console import RenderableType

from retroboard.bus import EventBus
from retroboard.domain.activity import ACTIVITY_MAX, Activity
from retroboard.domain.modem import characters_per_second
from retroboard.domain.users import User
from retroboard.services.facade import Services
from retroboard.services.users import LoginResult
from retroboard.ui.art import ArtLibrary
from retroboard.ui.bindings import Bindings
from retroboard.ui.events import SessionTerminal
from retroboard.ui.menus import Menu
from retroboard.ui.nav import Screen
from retroboard.ui.render import CLEAR, Renderer
from retroboard.ui.skin import Skin, load_skins


@dataclass
class BoardInfo:
    """Board-wide facts screens show."""

    name: str = "retroboard"
    login_attempts: int = 3
    skins: Mapping[str, Skin] = field(default_factory=load_skins)
    default_skin: str = "default"
    # Each skin's menus by skin name, loaded and checked at start (ui.menus.skin_menus); a
    # skin not named here uses the menus the session was made with.
    skin_menus: Mapping[str, Mapping[str, Menu]] = field(default_factory=dict)
    # (skin name, a screen's Bindings) -> the table as that skin rebinds it (ui.skin.key_tables)
    key_tables: Mapping[tuple[str, Bindings], Bindings] = field(default_factory=dict)
    # Each skin's art library by skin name (its art folders, see ui.skin); a skin not named
    # here uses the art the session was made with.
    skin_art: Mapping[str, ArtLibrary] = field(default_factory=dict)
    # Rendered text of screens that look the same for everyone at a given size (the welcome
    # screen, prompts): rendering is CPU work on the event loop, done once per shape here.
    render_cache: dict[tuple[object, ...], str] = field(default_factory=dict)
    # List rows as drawn, for screens that name what their rows show (ui.screens.kit,
    # ListView.row_key); per board, so a row is only ever shared between this board's skins.
    row_cache: dict[tuple[object, ...], str] = field(default_factory=dict)
    # The board's modem speed (Settings.modem_bps, `--bps`): output is paced at it unless the
    # member's own speed or the skin's (an era's) says otherwise; 0 is unthrottled.
    modem_bps: int = 0


def describe_activity(skin: Skin, activity: Activity) -> str:
    """`activity` worded by `skin`: its `activity_<key>` string with the values filled in, on
    one line of at most ACTIVITY_MAX characters. A key the skin lacks or a placeholder the
    values lack (an event from a newer board process) reads as `activity_browsing`."""
    template = skin.strings.get(f"activity_{activity.key}")
    try:
        if template is None:
            raise KeyError(activity.key)
        text = template.format_map(activity.mapping)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        text = skin.text("activity_browsing")
    return " ".join(text.split())[:ACTIVITY_MAX]


class SessionGate(Protocol):
    """The session's link to the connection guard (app implements it)."""

    address: str  # the caller's address, for throttling and sign-up limits

    def registering(self) -> None:
        """A new-user application started (it gets a longer deadline than a login)."""

    def logged_in(self, user: User) -> str | None:
        """The caller is `user` now; a text to show and hang up when this line is not theirs."""


class OpenGate:
    """A gate with no guard behind it (tests that build a SessionContext by hand)."""

    def __init__(self, address: str = "-") -> None:
        self.address = address

    def registering(self) -> None:
        return None

    def logged_in(self, user: User) -> str | None:
        return None


@dataclass
class SessionContext:
    """One caller's session: terminal, renderer, user, services, bus, settings."""

    term: SessionTerminal
    services: Services
    bus: EventBus
    board: BoardInfo
    art: ArtLibrary | None
    menus: Mapping[str, Menu]
    screens: Mapping[str, Callable[..., Screen]]  # target name -> screen factory (ui.registry)
    session_id: str
    log: logging.LoggerAdapter[logging.Logger]
    user: User | None = None
    gate: SessionGate = field(default_factory=OpenGate)
    renderer: Renderer = field(init=False)
    skin: Skin = field(init=False)
    started: float = field(default_factory=time.monotonic)
    # What the caller is doing (Activity("reading", group=...)): app connects it to presence.
    on_activity: Callable[[Activity], None] = field(default=lambda activity: None)
    # Failed logins since the last call, shown once by the main menu (a LoginResult).
    login_notice: LoginResult | None = None
    # A modem speed picked on the welcome screen (S), for this call only (None: none picked);
    # it wins until the member picks one in settings.
    call_bps: int | None = None
    # The menus the session was made with: what a skin without menus of its own uses.
    board_menus: Mapping[str, Menu] = field(init=False, repr=False)
    board_art: ArtLibrary | None = field(init=False, repr=False)  # likewise for art

    def doing(self, activity: Activity) -> None:
        """Tell presence what the caller is doing now (each screen declares it)."""
        self.on_activity(activity)

    def describe(self, activity: Activity) -> str:
        """Anyone's activity (this caller's or another's) in this session's skin."""
        return describe_activity(self.skin, activity)

    def __post_init__(self) -> None:
        self.board_menus = self.menus
        self.board_art = self.art
        self.skin = self.board.skins["default"]
        self.renderer = Renderer(self.term.info, self.skin.theme)
        self.use_skin(self.user.skin if self.user is not None else "")

    def use_skin(self, name: str) -> Skin:
        """Switch to skin `name` ('' or unknown: the board's default). A terminal without cursor
        addressing always gets a linear skin (plain); a linear skin narrows the terminal's
        profile to no colour and no cursor codes; an era's `columns` caps the width screens are
        drawn at and its `upper` sends everything in upper case (both undone by a skin without
        them); the session's menus and art become the skin's. Returns the skin now in use."""
        skins = self.board.skins
        skin = skins.get(name) or skins.get(self.board.default_skin) or skins["default"]
        if self.skin.linear:  # undo the last skin's narrowing: decide on what the terminal can do
            self.term.set_encoding(self.term.info.encoding)
        if not skin.linear and not self.term.info.cursor:
            skin = skins.get("plain", skin)
        if skin.linear:
            self.term.narrow(colors=0, cursor=False)
        # an era's teletype: its width and upper case (a skin without them undoes them)
        self.term.cap_columns(skin.columns)
        self.term.set_upper(skin.upper)
        self.skin = skin
        self.menus = self.board.skin_menus.get(skin.name, self.board_menus)
        self.art = self.board.skin_art.get(skin.name, self.board_art)
        self.renderer = Renderer(self.term.info, skin.theme)
        self.term.idle_warning_text = skin.text("idle_warning")
        self.term.idle_goodbye_text = skin.text("idle_goodbye")
        self.apply_speed()
        return skin

    @property
    def modem_bps(self) -> int:
        """The session's modem speed: the one picked on the welcome screen for this call
        (`call_bps`), else the member's own (`User.bps`), else the skin's (an era's `bps`),
        else the board's (`modem_bps`); 0 is unthrottled."""
        if self.call_bps is not None:
            return self.call_bps
        if self.user is not None and self.user.bps is not None:
            return self.user.bps
        if self.skin.bps is not None:
            return self.skin.bps
        return self.board.modem_bps

    def apply_speed(self) -> int:
        """Pace the session's output at `modem_bps` (call after the member's speed changed;
        `use_skin` calls it). Returns the speed now in force."""
        bps = self.modem_bps
        self.term.set_pace(characters_per_second(bps))
        return bps

    def keys(self, table: Bindings) -> Bindings:
        """A screen's key table as the session's skin rebinds it (itself when it does not)."""
        return self.board.key_tables.get((self.skin.name, table), table)

    def text(self, key: str, **values: object) -> str:
        """The session skin's text for `key` (see ui.skin)."""
        return self.skin.text(key, **values)

    @property
    def cols(self) -> int:
        return self.term.info.cols

    @property
    def rows(self) -> int:
        return self.term.info.rows

    def sync_size(self) -> None:
        """Pick up a new window size (call after a Resize event)."""
        self.renderer.update(self.term.info)

    def clear(self) -> None:
        self.sync_size()
        self.term.write(CLEAR if self.term.info.cursor else "\r\n")

    def print(self, *renderables: RenderableType, end: str = "\n") -> None:
        self.sync_size()
        self.term.write(self.renderer.render(*renderables, end=end))

    def print_cached(
        self, key: tuple[object, ...], make: Callable[[], RenderableType], end: str = "\n"
    ) -> None:
        """`print(make())`, rendered once per (key, size, colours) for the whole board."""
        self.term.write(self.render_cached(key, make, end))

    def render_cached(
        self, key: tuple[object, ...], make: Callable[[], RenderableType], end: str = "\n"
    ) -> str:
        """`make()` rendered to text once per (key, size, colours, skin) for the whole board
        (and per the renderer's console shape: theme and colour system)."""
        self.sync_size()
        info = self.term.info
        full = (*key, end, info.cols, info.rows, info.colors, self.skin.name, self.renderer.shape)
        cache = self.board.render_cache
        text = cache.get(full)
        if text is None:
            if len(cache) > 512:  # many odd window sizes: start over rather than grow
                cache.clear()
            text = cache[full] = self.renderer.render(make(), end=end)
        return text

    def write(self, text: str) -> None:
        self.term.write(text)

    async def flush(self) -> None:
        await self.term.drain()

"""Composition root: builds the database, services, UI and transports, and owns start and stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import resource
import secrets
import signal
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.maintenance import SqliteMaintenance
from retroboard.db.migrate import upgrade
from retroboard.demo.content import load_demo
from retroboard.demo.regulars import Regulars
from retroboard.domain.activity import Activity
from retroboard.domain.errors import AuthFailed
from retroboard.domain.events import BansChanged, BoardShuttingDown, NoticeSent, UserChanged
from retroboard.domain.text import sanitize
from retroboard.domain.users import Level, User
from retroboard.services.auth import LoginResult
from retroboard.services.facade import Services, build_services, limits_of
from retroboard.services.guard import ConnectionGuard, ban_text
from retroboard.services.presence import NoSuchNode, Presence
from retroboard.term.terminal import StreamTerminal
from retroboard.transports.base import Ticket
from retroboard.transports.control import ControlServer
from retroboard.transports.nntp.options import NNTPOptions
from retroboard.transports.nntp.server import NNTPTransport
from retroboard.transports.ssh import SSHTransport
from retroboard.transports.telnet import TelnetTransport
from retroboard.transports.web.backend import WebBackend
from retroboard.transports.web.options import WebOptions
from retroboard.transports.web.server import WebTransport
from retroboard.ui.art import ArtLibrary, default_art_dir
from retroboard.ui.bindings import Bindings
from retroboard.ui.context import BoardInfo, SessionContext, describe_activity
from retroboard.ui.events import Notice, SessionTerminal
from retroboard.ui.menus import MENU_DIR, Menu, MenuError, load_menus, skin_menus, validate_menus
from retroboard.ui.registry import MENU_TARGETS, screen_table
from retroboard.ui.session import first_screen, run_session
from retroboard.ui.skin import DEFAULT, Skin, SkinError, key_tables, load_skins
from retroboard.ui.web_front import WebFront

log = logging.getLogger(__name__)


def going_down(text: str) -> str:
    """The going-down text as written straight to a terminal (a caller not at a prompt)."""
    return f"\r\n\x1b[0;1;31m*** {text} ***\x1b[0m\r\n"


BOARD_FULL = "\r\nSorry, all lines are busy. Please call again later.\r\n"
LOGIN_TIME_UP = "\r\n*** Time to log in is up. Goodbye. ***\r\n"
BROADCAST_MAX = 240  # characters of a sysop's broadcast
WEB_SIZE_WAIT = 1.0  # seconds a WebSocket caller's first size message is waited for
# File descriptors kept back from connections: the database, logs, listeners, the control
# socket and what the libraries open, plus room for one burst of accepts (asyncio accepts up
# to the listen backlog, 100, in one go before the guard can refuse any of them).
FD_RESERVE = 64 + 128
# Shutdown budget (the whole stop must stay well under the 5 s a service manager allows):
SHUTDOWN_GRACE = 1.5  # for callers' terminals to take the "going down" message
NOTICE_SHARE = 1.0  # of that, for sessions waiting for input to show it as a notice
TEARDOWN_GRACE = 1.0  # for sessions to finish their teardown (a composer saving a draft)

__all__ = ["Board", "Services", "build_services", "limits_of", "serve"]


@dataclass
class Line:
    """A live session on a node: what kicks, bans and account changes act on. Who, where and
    what the caller is doing are presence's (`Board.presence`)."""

    number: int
    sid: str
    term: StreamTerminal
    session: SessionTerminal
    ctx: SessionContext
    ticket: Ticket | None


class _Gate:
    """A session's link to the guard and presence: its address, the login deadline, the
    line's ticket, and the duplicate-login policy when the caller says who they are."""

    def __init__(
        self,
        board: Board,
        term: StreamTerminal,
        ticket: Ticket | None,
        *,
        address: str,
        node: int,
        session_id: str,
    ) -> None:
        self._board = board
        self._term = term
        self._ticket = ticket
        self.address = address
        self.node = node
        self.session_id = session_id
        self._deadline: asyncio.TimerHandle | None = None
        self._arm(board.settings.login_timeout)

    def _arm(self, seconds: float) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = asyncio.get_running_loop().call_later(seconds, self._expire)

    def _expire(self) -> None:
        self._deadline = None
        if self._term.closed:
            return
        log.info("[%s] hanging up: no login within the deadline", self._term.info.peer)
        self._term.write(LOGIN_TIME_UP)
        self._term.close()

    def registering(self) -> None:
        """The caller started a new-user application: it gets longer than a login."""
        if self._deadline is not None:
            self._arm(self._board.settings.register_timeout)

    def logged_in(self, user: User) -> str | None:
        """The caller is `user` now. Returns a refusal text when they may not use this line
        (the sysop reserve, or the handle already online under duplicate_login = "refuse");
        under "warn" both sessions are sent a notice."""
        if self._ticket is not None and hasattr(self._ticket, "log_in"):
            refusal = self._ticket.log_in(user.level)
            if refusal is not None:
                return str(refusal)
        presence = self._board.presence
        verdict = presence.logged_in(self.node, user)
        if verdict.refuse:
            log.info(
                "[%s] refused: %s is already online on node %d",
                self.session_id,
                user.handle,
                verdict.other_nodes[0],
            )
            return f"You are already online on node {verdict.other_nodes[0]}."
        if verdict.warn:
            nodes = ", ".join(str(n) for n in verdict.other_nodes)
            plural = "s" if len(verdict.other_nodes) > 1 else ""
            bus = self._board.bus
            bus.publish(
                NoticeSent(
                    f"You are also online on node{plural} {nodes}.",
                    "system",
                    to_session=self.session_id,
                )
            )
            for number in verdict.other_nodes:
                other = presence.node(number)
                if other is not None:
                    bus.publish(
                        NoticeSent(
                            f"{user.handle} has just logged in again, on node {self.node} "
                            f"(from {self.address}).",
                            "system",
                            to_session=other.session_id,
                        )
                    )
        self.cancel()
        return None

    def cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


class Board:
    """One running board: build with `Board(settings)`, then `await start()` / `await stop()`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bus = EventBus()
        self.db = Database(settings.db_url)
        self.guard = ConnectionGuard(limits_of(settings), settings.board_name)
        self.services = build_services(settings, self.db, self.bus, self.guard)
        self.maintenance = SqliteMaintenance(self.db)
        self.art = ArtLibrary([settings.art_dir, default_art_dir()])
        self.menus = load_menus()
        self.screens = screen_table()
        validate_menus(self.menus, MENU_TARGETS, lambda name: self.art.get(name) is not None)
        skins = load_skins()
        self.board_info = BoardInfo(
            name=settings.board_name,
            login_attempts=settings.login_attempts,
            skins=skins,
            default_skin=settings.skin,
            modem_bps=settings.modem_bps,
        )
        self.use_skins(skins)
        self.presence: Presence = self.services.presence
        self.sessions: dict[str, StreamTerminal] = {}
        # Node number -> the live session on it (presence knows the rest about it).
        self.nodes: dict[int, Line] = {}
        self._stopping = False
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(2)
        # Each session's notice and shutdown hooks, called by one bus listener of each kind
        # (a listener per session made every event on the bus cost O(sessions)).
        self._hooks: dict[str, tuple[Callable[[NoticeSent], None], Callable[[], None]]] = {}
        self._bus_listeners = contextlib.ExitStack()
        self._bus_listeners.enter_context(self.bus.listen(NoticeSent, self._on_notice))
        self._bus_listeners.enter_context(
            self.bus.listen(BoardShuttingDown, self._on_shutting_down)
        )
        self._watcher: asyncio.Task[None] | None = None
        self.regulars: Regulars | None = None  # a demo board's scripted regulars (start)
        self.telnet = TelnetTransport(
            self.on_session, self.guard, host=settings.host, port=settings.telnet_port
        )
        self.ssh = SSHTransport(
            self.on_session,
            self.authenticate,
            self.guard,
            host=settings.host,
            port=settings.ssh_port,
            host_key_path=settings.host_key_path,
            legacy_algorithms=settings.ssh_legacy_algorithms,
        )
        # Newsreaders (RFC 3977) over the same services; settings.nntp_port 0: none.
        self.nntp: NNTPTransport | None = None
        if settings.nntp_port:
            self.nntp = NNTPTransport(
                self.services.news,
                self.guard,
                nntp_options(settings),
                host=settings.host,
                port=settings.nntp_port,
            )
        # The web pages and the browser terminal; settings.http_port 0: none. The backend
        # (the front page's and classroom's read models) is set by `use_web_backend`.
        self.web: WebTransport | None = None
        if settings.http_port:
            self.web = WebTransport(
                self.on_session, self.guard, self._web_backend(), web_options(settings)
            )
        self.control = ControlServer(
            settings.control_path,
            {
                "ping": self._ctl_ping,
                "nodes": self._ctl_nodes,
                "kick": self._ctl_kick,
                "bans-changed": self._ctl_bans_changed,
                "user-changed": self._ctl_user_changed,
                "groups-changed": self._ctl_ping,
                "stats": self._ctl_stats,
                "broadcast": self._ctl_broadcast,
            },
        )

    def _web_backend(self) -> WebBackend:
        """The front page's and classroom's read models (ui.web_front, over the services):
        the welcome art is the default skin's, the one the telnet welcome draws."""
        name = self.settings.skin if self.settings.skin in self.board_info.skins else DEFAULT
        return WebFront(
            self.services,
            self.board_info.skin_art.get(name, self.art),
            self.board_info.skins[name],
            self.settings,
        )

    def use_skins(
        self, skins: Mapping[str, Skin], menu_dir: Path = MENU_DIR, art_root: Path | None = None
    ) -> None:
        """Put `skins` in force with each one's menus (from `menu_dir`) and art folders (under
        `art_root`, the packaged art unless given), loaded and checked once, and each one's
        key tables rebound. Raises MenuError naming the skin when one of its menus is broken,
        SkinError when an art folder is missing or its [keys.<screen>] do not fit the screen."""
        menus: dict[str, Mapping[str, Menu]] = {}
        art: dict[str, ArtLibrary] = {}
        for name, skin in skins.items():
            try:
                library = (
                    ArtLibrary.standard(self.settings.art_dir, skin.art_folders, art_root)
                    if skin.art_folders
                    else self.art
                )
            except ValueError as exc:
                raise SkinError(f"skin {name}: {exc}") from None
            art[name] = library

            def has_art(piece: str, lib: ArtLibrary = library) -> bool:
                return lib.get(piece) is not None

            try:
                menus[name] = skin_menus(skin.menus, self.menus, menu_dir)
                validate_menus(dict(menus[name]), MENU_TARGETS, has_art)
            except MenuError as exc:
                raise MenuError(f"skin {name}: {exc}") from None
        tables = {
            name: table
            for name, factory in self.screens.items()
            if isinstance(
                table := getattr(getattr(factory, "func", factory), "BINDINGS", None), Bindings
            )
        }
        self.board_info.key_tables = key_tables(skins, tables)
        self.board_info.skins = skins
        self.board_info.skin_menus = menus
        self.board_info.skin_art = art

    async def start(self) -> None:
        secure_data_folder(self.settings)
        self.guard.limits = replace(self.guard.limits, fd_budget=raise_open_file_limit())
        await upgrade(self.db)
        secure_database_files(self.settings)
        self.guard.load_bans(await self.services.bans.active())
        self._watcher = asyncio.ensure_future(self._watch_accounts())
        self.maintenance.start()
        await self.control.start()
        await self.telnet.start()
        await self.ssh.start()
        if self.nntp is not None:
            await self.nntp.start()
        if self.web is not None:
            await self.web.start()
        if self.settings.demo:
            self.regulars = Regulars(self.services, load_demo().regulars)
            await self.regulars.start()
        log.info(
            "%s is up: telnet %s:%d, ssh %s:%d, nntp %s, http %s, database %s",
            self.settings.board_name,
            self.settings.host,
            self.telnet.port,
            self.settings.host,
            self.ssh.port,
            f"{self.settings.host}:{self.nntp.port}" if self.nntp is not None else "off",
            f"{self.settings.host}:{self.web.port}" if self.web is not None else "off",
            self.db.dialect,
        )

    async def authenticate(self, handle: str, password: str, address: str) -> LoginResult | None:
        """SSH password auth: a LoginResult, or None when refused (logged here)."""
        try:
            return await self.services.auth.login(handle, password, address)
        except AuthFailed as exc:
            log.info(
                "ssh login refused for %r from %s: %s", handle[:20], address, type(exc).__name__
            )
            return None

    async def on_session(
        self,
        term: StreamTerminal,
        auth: object,
        register: bool,
        ticket: Ticket | None = None,
    ) -> None:
        """One caller from connect to hang-up. `auth` is SSH's LoginResult (or a User, for
        tests), None when the caller still has to log in; `register` starts at sign-up.
        Raises nothing but cancellation: an unexpected exception is logged once, with the
        session id, peer and traceback, and ends the session."""
        sid = f"{self._prefix}-{next(self._ids)}"
        slog = _SessionLog(log, sid, term.info.peer)
        try:
            await self._caller(term, auth, register, ticket, sid, slog)
        except Exception:
            slog.exception("session failed")

    async def _caller(
        self,
        term: StreamTerminal,
        auth: object,
        register: bool,
        ticket: Ticket | None,
        sid: str,
        slog: _SessionLog,
    ) -> None:
        """on_session's body; what it raises is logged there."""
        if self._stopping:
            term.write(going_down(self._going_down_text()))
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1):
                    await term.drain()
            return
        login = auth if isinstance(auth, LoginResult) else None
        user = login.user if login is not None else auth if isinstance(auth, User) else None
        if ticket is None and len(self.sessions) >= self.settings.max_sessions:
            # Only sessions the guard did not admit (tests driving on_session directly)
            # are counted here; the guard caps every transport's connections itself.
            slog.info("refused: board full (%d sessions)", len(self.sessions))
            term.write(BOARD_FULL)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1):
                    await term.drain()
            return
        address = ticket.address if ticket is not None else term.info.peer.rsplit(":", 1)[0]
        term.key_rate = self.settings.key_rate
        session_term = SessionTerminal(term)
        session_term.idle_timeout = self.settings.idle_timeout
        session_term.idle_warning = self.settings.idle_warning
        number = self.presence.open(
            sid,
            transport=term.info.kind,
            address=address,
            terminal=term.info.term_type,
            cols=term.info.cols,
            rows=term.info.rows,
            last_input=lambda: session_term.last_input,
            size=lambda: (term.info.cols, term.info.rows),
        ).number
        gate = _Gate(self, term, ticket, address=address, node=number, session_id=sid)
        ctx = SessionContext(
            term=session_term,
            services=self.services,
            bus=self.bus,
            board=self.board_info,
            art=self.art,
            menus=self.menus,
            screens=self.screens,
            session_id=sid,
            log=slog,
            gate=gate,
            on_activity=lambda activity: self._activity(number, activity),
        )

        def notice(event: NoticeSent) -> None:
            if event.for_session(sid, ctx.user.id if ctx.user is not None else None):
                session_term.post(Notice(event.text, event.kind, event.sender))

        def shutting_down() -> None:
            session_term.post(Notice(ctx.text("going_down"), "shutdown"))  # in the caller's skin

        reason = "error"
        try:
            with self._hooked(sid, notice, shutting_down):
                if user is not None:  # SSH: the password was checked before the session
                    refusal = gate.logged_in(user)
                    if refusal is not None:
                        slog.info("refused after authentication: %s", refusal)
                        term.write(f"\r\n{refusal}\r\n")
                        with contextlib.suppress(Exception):
                            async with asyncio.timeout(1):
                                await term.drain()
                        reason = "refused"
                        return
                    ctx.user = user
                    if login is not None and login.failed_attempts:
                        ctx.login_notice = login
                self.sessions[sid] = term
                self.nodes[number] = Line(number, sid, term, session_term, ctx, ticket)
                slog.info(
                    "connect via %s (%s %dx%d) on node %d%s",
                    term.info.kind,
                    term.info.term_type,
                    term.info.cols,
                    term.info.rows,
                    number,
                    f" as {user.handle}" if user else "",
                )
                reason = await run_session(ctx, first_screen(ctx, register=register))
        except Exception:
            term.write("\r\n*** Sorry, something went wrong on the board. Goodbye. ***\r\n")
            raise  # logged by on_session, after the teardown below
        finally:
            gate.cancel()
            self.sessions.pop(sid, None)
            self.nodes.pop(number, None)
            self.presence.close(number)
            if reason != "refused":
                slog.info("logoff (%s)%s", reason, f" user {ctx.user.handle}" if ctx.user else "")
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(2):
                        await term.drain()
                term.close()

    @contextlib.contextmanager
    def _hooked(
        self, sid: str, notice: Callable[[NoticeSent], None], shutting_down: Callable[[], None]
    ) -> Iterator[None]:
        """While the block runs, the session `sid` is told of notices and the shutdown."""
        self._hooks[sid] = (notice, shutting_down)
        try:
            yield
        finally:
            self._hooks.pop(sid, None)

    def _on_notice(self, event: NoticeSent) -> None:
        for sid, (notice, _) in list(self._hooks.items()):
            try:
                notice(event)
            except Exception:  # one session's hook must not keep the notice from the others
                log.exception("notice hook of %s failed", sid)

    def _on_shutting_down(self, _event: BoardShuttingDown) -> None:
        for sid, (_, shutting_down) in list(self._hooks.items()):
            try:
                shutting_down()
            except Exception:
                log.exception("shutdown hook of %s failed", sid)

    def _activity(self, number: int, activity: Activity) -> None:
        """A screen's declared activity, for presence (the node may be gone at hang-up)."""
        with contextlib.suppress(NoSuchNode):
            self.presence.set_activity(number, activity)

    # ---- live privileges, bans and kicks --------------------------------------------------
    async def _watch_accounts(self) -> None:
        """Apply account changes and bans to running sessions as soon as they are published."""
        with self.bus.subscribe(UserChanged, BansChanged, maxsize=256) as sub:
            while True:
                event = await sub.get()
                try:
                    if isinstance(event, UserChanged):
                        await self._apply_user_change(event)
                    else:
                        await self._apply_bans()
                except Exception:  # one bad event must not stop the watcher
                    log.exception("could not apply %s", type(event).__name__)

    async def _apply_user_change(self, event: UserChanged) -> None:
        for reader in self.nntp.connections if self.nntp is not None else []:
            user = reader.user
            if user is None or user.id != event.user_id:
                continue
            if event.locked or event.level is None:
                why = (
                    "Your account was removed by the sysop"
                    if event.level is None
                    else "Your account is locked by the sysop"
                )
                log.info("nntp %s (%s) disconnected: account changed", reader.address, user.handle)
                await reader.kick(why)
            elif event.level != int(user.level):
                reader.set_user(replace(user, level=Level(event.level)))
        for node in list(self.nodes.values()):
            user = node.ctx.user
            if user is None or user.id != event.user_id:
                continue
            if event.locked or event.level is None:
                why = (
                    "Your account was removed by the sysop."
                    if event.level is None
                    else "Your account is locked by the sysop"
                    + (f" ({event.reason})." if event.reason else ".")
                )
                node.ctx.log.info("disconnected: account changed (%s)", why)
                await self.kick(node, why)
            elif event.level != int(user.level):
                node.ctx.user = replace(user, level=Level(event.level))
                node.ctx.log.info("level is now %s", Level(event.level).label)

    async def _apply_bans(self) -> None:
        self.guard.load_bans(await self.services.bans.active())
        for node in list(self.nodes.values()):
            address = node.ticket.address if node.ticket is not None else ""
            ban = self.guard.ban_for_address(address) if address else None
            if ban is None and node.ctx.user is not None:
                ban = self.guard.ban_for_handle(node.ctx.user.handle.lower())
            if ban is not None:
                node.ctx.log.info("disconnected: banned")
                await self.kick(node, ban_text(self.settings.board_name, ban).strip("* "))
        for reader in self.nntp.connections if self.nntp is not None else []:
            ban = self.guard.ban_for_address(reader.address)
            if ban is None and reader.user is not None:
                ban = self.guard.ban_for_handle(reader.user.handle.lower())
            if ban is not None:
                log.info("nntp %s disconnected: banned", reader.address)
                await reader.kick(ban_text(self.settings.board_name, ban).strip("* "))

    async def kick(self, node: Line, reason: str) -> None:
        """Tell the caller on `node` why, and hang up (at most a second for the message)."""
        node.term.write(f"\r\n\x1b[0;1;31m*** {reason} ***\x1b[0m\r\n")
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1):
                await node.term.drain()
        node.term.close()

    # ---- the control socket (retroboard node/ban/user commands) -------------------------
    async def _ctl_ping(self, _req: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "board": self.settings.board_name}

    async def _ctl_nodes(self, _req: dict[str, Any]) -> dict[str, Any]:
        """Every node; `activity` worded by the default skin (the sysop's tools are English),
        `activity_key` / `activity_values` the Activity itself for other tools."""
        skin = self.board_info.skins[DEFAULT]
        nodes = [
            {
                "node": n.number,
                "handle": n.handle or None,
                "address": n.address,
                "transport": n.transport,
                "terminal": n.terminal,
                "size": f"{n.cols}x{n.rows}",
                "since": n.connected_at.isoformat(timespec="seconds"),
                "activity": describe_activity(skin, n.activity),
                "activity_key": n.activity.key,
                "activity_values": n.activity.mapping,
                "activity_since": n.activity_since.isoformat(timespec="seconds"),
                "idle": int(n.idle_seconds),
            }
            for n in self.presence.nodes()
        ]
        return {"ok": True, "nodes": nodes}

    async def _ctl_broadcast(self, req: dict[str, Any]) -> dict[str, Any]:
        """A sysop's notice: to every session, or (with "node") to the caller on that node."""
        text = " ".join(sanitize(str(req.get("text") or ""), multiline=False).split())
        if not text:
            return {"ok": False, "error": "say what to broadcast"}
        if len(text) > BROADCAST_MAX:
            return {"ok": False, "error": f"a broadcast is at most {BROADCAST_MAX} characters"}
        raw_node = req.get("node")
        if raw_node is None:
            self.bus.publish(NoticeSent(text, "broadcast", sender="sysop"))
            log.info("sysop broadcast to %d sessions: %s", len(self.presence), text)
            return {"ok": True, "sessions": len(self.presence)}
        if isinstance(raw_node, bool) or not isinstance(raw_node, int | str):
            return {"ok": False, "error": "a node is a number"}
        try:
            number = int(raw_node)
        except ValueError:
            return {"ok": False, "error": "a node is a number"}
        node = self.presence.node(number)
        if node is None:
            return {"ok": False, "error": f"nobody is on node {number}"}
        self.bus.publish(NoticeSent(text, "broadcast", sender="sysop", to_session=node.session_id))
        log.info("sysop notice to node %d: %s", number, text)
        return {"ok": True, "sessions": 1, "node": number, "handle": node.handle or None}

    async def _ctl_kick(self, req: dict[str, Any]) -> dict[str, Any]:
        try:
            number = int(req.get("node", 0))
        except (TypeError, ValueError):
            return {"ok": False, "error": "a node is a number"}
        node = self.nodes.get(number)
        if node is None:
            return {"ok": False, "error": f"nobody is on node {number}"}
        reason = str(req.get("reason") or "").strip()[:200]
        text = "The sysop has disconnected you" + (f": {reason}" if reason else ".")
        who = node.ctx.user.handle if node.ctx.user else "a caller logging in"
        node.ctx.log.info("kicked by the sysop%s", f" ({reason})" if reason else "")
        await self.kick(node, text)
        return {"ok": True, "node": number, "handle": who}

    async def _ctl_bans_changed(self, _req: dict[str, Any]) -> dict[str, Any]:
        self.bus.publish(BansChanged())
        await self._apply_bans()
        return {"ok": True}

    async def _ctl_user_changed(self, req: dict[str, Any]) -> dict[str, Any]:
        handle = str(req.get("handle") or "")
        status = await self.services.auth.account_status(handle)
        if status is None:  # deleted: find its sessions by handle
            for node in list(self.nodes.values()):
                if node.ctx.user is not None and node.ctx.user.handle.lower() == handle.lower():
                    await self._apply_user_change(UserChanged(node.ctx.user.id, handle, None, True))
            return {"ok": True}
        user_id, level, locked, reason = status
        await self._apply_user_change(UserChanged(user_id, handle, level, locked, reason))
        return {"ok": True}

    async def _ctl_stats(self, _req: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "sessions": len(self.sessions),
            "newsreaders": len(self.nntp.connections) if self.nntp is not None else 0,
            "web": len(self.web.connections) if self.web is not None else 0,
            **self.guard.stats(),
            **self.services.auth.stats(),
        }

    def _going_down_text(self) -> str:
        """The board's default skin's going-down text (each session shows its own skin's)."""
        skins = self.board_info.skins
        skin = skins.get(self.board_info.default_skin) or skins["default"]
        return skin.text("going_down")

    async def _say_going_down(self, lines: list[Line]) -> None:
        """Publish BoardShuttingDown and give each caller the text, then hang up (at most
        SHUTDOWN_GRACE): a session waiting for input shows it as a notice in its screen; one
        that did not within NOTICE_SHARE (busy drawing or working) gets it written directly."""
        shown_before = {line.sid: line.session.notices_shown for line in lines}

        def shown(line: Line) -> bool:
            return line.term.closed or (
                line.session.notices_shown > shown_before[line.sid]
                and line.session.pending_notices == 0
            )

        self.bus.publish(BoardShuttingDown(self._going_down_text()))
        loop = asyncio.get_running_loop()
        start = loop.time()
        while lines and not all(shown(line) for line in lines):
            if loop.time() - start >= NOTICE_SHARE:
                break
            await asyncio.sleep(0.02)
        for line in lines:
            if not shown(line):
                line.ctx.log.info("busy at shutdown: the going-down text is written directly")
                line.term.write(going_down(line.ctx.text("going_down")))
        if lines:
            left = max(0.1, SHUTDOWN_GRACE - (loop.time() - start))
            await asyncio.wait(
                [asyncio.ensure_future(_drain_quietly(line.term)) for line in lines], timeout=left
            )
        for line in lines:
            line.term.close()

    async def stop(self) -> None:
        """Tell everyone, hang up, stop listening, close the database (well under 5 s)."""
        self._stopping = True
        if self._watcher is not None:
            self._watcher.cancel()
        if self.regulars is not None:
            await self.regulars.stop()
        self.control.close()
        if self.nntp is not None:  # newsreaders are told "400 <going down>" and hung up
            self.nntp.stopping_text = self._going_down_text()
            nntp_stopped = asyncio.ensure_future(self.nntp.stop())
        await self._say_going_down(list(self.nodes.values()))
        if self.nntp is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await nntp_stopped
        # Let sessions finish their teardown (a composer saves its draft) before the database goes.
        for _ in range(int(TEARDOWN_GRACE / 0.05)):
            if not self.sessions:
                break
            await asyncio.sleep(0.05)
        if self.web is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await self.web.stop()
        self.telnet.close()
        self.ssh.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(0.5):
                await self.telnet.wait_closed()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(0.5):
                await self.ssh.wait_closed()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(0.5):
                await self.control.wait_closed()
        self._bus_listeners.close()
        await self.maintenance.stop()
        await self.db.dispose()
        log.info("board stopped")


def web_options(settings: Settings) -> WebOptions:
    """The web transport's options from the board's settings."""
    return WebOptions(
        host=settings.host,
        port=settings.http_port,
        board_name=settings.board_name,
        allowed_origins=settings.http_origin_list,
        # The page sends its size as soon as the socket opens; a client that sends none (a
        # script, a bare WebSocket tool) sees its screen after this long, at 80x25, as a raw
        # telnet client does. A size that comes later still redraws the screen.
        handshake_timeout=WEB_SIZE_WAIT,
        idle_timeout=float(settings.idle_timeout),
    )


def nntp_options(settings: Settings) -> NNTPOptions:
    """The NNTP transport's options from the board's settings."""
    return NNTPOptions(
        host=settings.domain,
        board_name=settings.board_name,
        anonymous_read=settings.nntp_anonymous_read,
        idle_timeout=float(settings.nntp_idle_timeout),
    )


def secure_data_folder(settings: Settings) -> None:
    """The data folder holds the database, host key and control socket: owner only (0700)."""
    settings.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(settings.data, 0o700)
    config = settings.data / "retroboard.toml"
    if config.is_file():
        os.chmod(config, 0o600)
    if not settings.database_url:
        db_file = settings.data / "retroboard.db"
        if not db_file.exists():
            # SQLite gives the -wal and -shm files the database file's mode: create it 0600.
            os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT, 0o600))


def secure_database_files(settings: Settings) -> None:
    """Make the SQLite database and its -wal/-shm files 0600 whatever the umask was."""
    if settings.database_url:
        return
    base = settings.data / "retroboard.db"
    for path in (base, Path(f"{base}-wal"), Path(f"{base}-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, 0o600)


class _QuietAcceptErrors(logging.Filter):
    """asyncio logs every failed accept() with a traceback (thousands of lines a second when
    the process is out of file descriptors): keep one short warning a minute instead."""

    def __init__(self) -> None:
        super().__init__()
        self._last = -1e9
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if "out of system resource" not in record.getMessage():
            return True
        now = asyncio.get_event_loop().time() if _loop_running() else 0.0
        if now - self._last < 60:
            self._dropped += 1
            return False
        self._last = now
        record.msg = (
            "out of file descriptors: new connections wait (raise the open-file limit, "
            "`ulimit -n`)"
            + (f"; {self._dropped} more since the last warning" if self._dropped else "")
        )
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        self._dropped = 0
        return True


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def raise_open_file_limit() -> int:
    """Raise the soft open-file limit to the hard one; returns how many connections fit."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            target = 1 << 20 if hard == resource.RLIM_INFINITY else hard
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
    except (OSError, ValueError):
        return 0
    return max(16, soft - FD_RESERVE)


async def _drain_quietly(term: StreamTerminal) -> None:
    with contextlib.suppress(Exception):
        await term.drain()


class _SessionLog(logging.LoggerAdapter[logging.Logger]):
    """Prefixes every line with the session id and peer address."""

    def __init__(self, logger: logging.Logger, sid: str, peer: str) -> None:
        super().__init__(logger, {"sid": sid})
        self._tag = f"[{sid} {peer}]"

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return f"{self._tag} {msg}", kwargs


async def serve(settings: Settings) -> None:
    """Run until SIGTERM/SIGINT, then shut down gracefully."""
    os.umask(0o077)  # everything the board creates (database, keys, socket) is private
    logging.getLogger("asyncio").addFilter(_QuietAcceptErrors())
    board = Board(settings)
    await board.start()
    # Everything loaded so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise stall every caller when many connect at once.
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    nntp = f", nntp port {board.nntp.port}" if board.nntp is not None else ""
    http = f", http port {board.web.port}" if board.web is not None else ""
    print(
        f"retroboard is running: telnet port {board.telnet.port}, ssh port {board.ssh.port}"
        f"{nntp}{http} (data in {settings.data}). Ctrl-C to stop.",
        flush=True,
    )
    await stop.wait()
    log.info("shutting down (%d sessions)", len(board.sessions))
    await board.stop()

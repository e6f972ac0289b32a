"""Composition root: builds the database, services, UI and transports, and owns start and stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import secrets
import signal
from dataclasses import dataclass
from typing import Any

from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.db.maintenance import SqliteMaintenance
from retroboard.db.migrate import upgrade
from retroboard.domain.errors import AuthFailed
from retroboard.services.articles import ArticleService
from retroboard.services.drafts import DraftService
from retroboard.services.groups import GroupService
from retroboard.services.moderation import ModerationService
from retroboard.services.passwords import HashParams, Passwords
from retroboard.services.search import SearchService
from retroboard.services.users import UserService
from retroboard.term.terminal import StreamTerminal
from retroboard.transports.ssh import SSHTransport
from retroboard.transports.telnet import TelnetTransport
from retroboard.ui.art import ArtLibrary, default_art_dir
from retroboard.ui.context import BoardInfo, SessionContext
from retroboard.ui.menus import load_menus, validate_menus
from retroboard.ui.registry import screen_table
from retroboard.ui.session import first_screen, run_session

log = logging.getLogger(__name__)

GOING_DOWN = (
    "\r\n\x1b[0;1;31m*** The board is going down NOW for maintenance. "
    "Please call again later. ***\x1b[0m\r\n"
)
BOARD_FULL = "\r\nSorry, all lines are busy. Please call again later.\r\n"
# Shutdown budget (the whole stop must stay well under the 5 s a service manager allows):
SHUTDOWN_GRACE = 1.5  # for callers' terminals to take the "going down" message
TEARDOWN_GRACE = 1.0  # for sessions to finish their teardown (a composer saving a draft)


@dataclass
class Services:
    """Everything screens may call, built once per process."""

    users: UserService
    groups: GroupService
    articles: ArticleService
    search: SearchService
    moderation: ModerationService
    drafts: DraftService


def build_services(settings: Settings, db: Database, bus: EventBus) -> Services:
    params = HashParams(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )
    articles = ArticleService(db, bus, domain=settings.domain, path_host=settings.domain)
    defaults = tuple(g.strip().lower() for g in settings.default_groups.split(",") if g.strip())
    return Services(
        users=UserService(db, Passwords(params), bus, defaults),
        groups=GroupService(db, bus),
        articles=articles,
        search=SearchService(db),
        moderation=ModerationService(db, bus),
        drafts=DraftService(db),
    )


class Board:
    """One running board: build with `Board(settings)`, then `await start()` / `await stop()`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bus = EventBus()
        self.db = Database(settings.db_url)
        self.services = build_services(settings, self.db, self.bus)
        self.maintenance = SqliteMaintenance(self.db)
        self.art = ArtLibrary([settings.art_dir, default_art_dir()])
        self.menus = load_menus()
        self.screens = screen_table()
        validate_menus(self.menus, self.screens, lambda name: self.art.get(name) is not None)
        self.board_info = BoardInfo(
            name=settings.board_name, login_attempts=settings.login_attempts
        )
        self.sessions: dict[str, StreamTerminal] = {}
        self._stopping = False
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(2)
        self.telnet = TelnetTransport(
            self.on_session, host=settings.host, port=settings.telnet_port
        )
        self.ssh = SSHTransport(
            self.on_session,
            self.authenticate,
            host=settings.host,
            port=settings.ssh_port,
            host_key_path=settings.host_key_path,
        )

    async def start(self) -> None:
        self.settings.data.mkdir(parents=True, exist_ok=True)
        await upgrade(self.db)
        self.maintenance.start()
        await self.telnet.start()
        await self.ssh.start()
        log.info(
            "%s is up: telnet %s:%d, ssh %s:%d, database %s",
            self.settings.board_name,
            self.settings.host,
            self.telnet.port,
            self.settings.host,
            self.ssh.port,
            self.db.dialect,
        )

    async def authenticate(self, handle: str, password: str) -> Any:
        try:
            return await self.services.users.authenticate(handle, password)
        except AuthFailed:
            return None

    async def on_session(self, term: StreamTerminal, user: Any, register: bool) -> None:
        sid = f"{self._prefix}-{next(self._ids)}"
        slog = _SessionLog(log, sid, term.info.peer)
        if self._stopping:
            term.write(GOING_DOWN)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(term.drain(), 1)
            return
        if len(self.sessions) >= self.settings.max_sessions:
            slog.info("refused: board full (%d sessions)", len(self.sessions))
            term.write(BOARD_FULL)
            with contextlib.suppress(Exception):
                await term.drain()
            return
        term.idle_timeout = self.settings.idle_timeout
        term.idle_warning = self.settings.idle_warning
        self.sessions[sid] = term
        slog.info(
            "connect via %s (%s %dx%d)%s",
            term.info.kind,
            term.info.term_type,
            term.info.cols,
            term.info.rows,
            f" as {user.handle}" if user else "",
        )
        ctx = SessionContext(
            term=term,
            services=self.services,
            bus=self.bus,
            board=self.board_info,
            art=self.art,
            menus=self.menus,
            screens=self.screens,
            session_id=sid,
            log=slog,
            user=user,
        )
        reason = "error"
        try:
            reason = await run_session(ctx, first_screen(ctx, register=register))
        except Exception:
            slog.exception("session failed")
            term.write("\r\n*** Sorry, something went wrong on the board. Goodbye. ***\r\n")
        finally:
            self.sessions.pop(sid, None)
            slog.info("logoff (%s)%s", reason, f" user {ctx.user.handle}" if ctx.user else "")
            with contextlib.suppress(Exception):
                await asyncio.wait_for(term.drain(), 2)
            term.close()

    async def stop(self) -> None:
        """Tell everyone, hang up, stop listening, close the database (well under 5 s)."""
        self._stopping = True
        terms = list(self.sessions.values())
        for term in terms:
            term.write(GOING_DOWN)
        if terms:
            await asyncio.wait(
                [asyncio.ensure_future(_drain_quietly(t)) for t in terms], timeout=SHUTDOWN_GRACE
            )
        for term in terms:
            term.close()
        # Let sessions finish their teardown (a composer saves its draft) before the database goes.
        for _ in range(int(TEARDOWN_GRACE / 0.05)):
            if not self.sessions:
                break
            await asyncio.sleep(0.05)
        self.telnet.close()
        self.ssh.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.telnet.wait_closed(), 0.5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ssh.wait_closed(), 0.5)
        await self.maintenance.stop()
        await self.db.dispose()
        log.info("board stopped")


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
    print(
        f"retroboard is running: telnet port {board.telnet.port}, ssh port {board.ssh.port} "
        f"(data in {settings.data}). Ctrl-C to stop.",
        flush=True,
    )
    await stop.wait()
    log.info("shutting down (%d sessions)", len(board.sessions))
    await board.stop()

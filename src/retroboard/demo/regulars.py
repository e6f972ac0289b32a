"""The demo board's scripted regulars: nodes in who's online who chat in #main now and then."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retroboard.domain.activity import Activity
from retroboard.domain.community import MAIN_CHANNEL
from retroboard.domain.errors import BoardError
from retroboard.domain.events import ChatLine
from retroboard.domain.users import User

if TYPE_CHECKING:
    from retroboard.demo.content import DemoRegular
    from retroboard.services.facade import Services

log = logging.getLogger(__name__)

REGULARS_MAX = 6  # bot presences at most, whatever the content holds
INTERVAL = (120.0, 360.0)  # seconds between one regular's lines: 2 to 6 minutes, at random
TRANSPORT = "local"  # what who's online shows as their connection (a local node)


@dataclass
class _Bot:
    regular: DemoRegular
    user: User
    session_id: str
    node: int
    said: int = 0  # lines said so far (the next one is lines[said % len(lines)])


class Regulars:
    """Up to REGULARS_MAX regulars, each on a node of its own (presence) and in #main (the
    teleconference), saying one of its lines every `interval` seconds (random in the range)
    in a background task of its own. `start` and `stop` are the whole life; nothing here
    waits on a caller, and a refused line (flooding, the channel full) is skipped."""

    def __init__(
        self,
        services: Services,
        regulars: Sequence[DemoRegular],
        *,
        interval: tuple[float, float] = INTERVAL,
        rng: random.Random | None = None,
    ) -> None:
        self._services = services
        self._regulars = tuple(regulars)[:REGULARS_MAX]
        self._interval = interval
        self._rng = rng or random.Random()
        self._bots: list[_Bot] = []
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def handles(self) -> tuple[str, ...]:
        """The handles online now (started and not stopped)."""
        return tuple(b.user.handle for b in self._bots)

    async def start(self) -> None:
        """Put every regular whose account exists (the demo seed makes them) on a node, log
        it in, seat it in #main and start its talk. A regular without an account is skipped
        (logged). Calling it twice starts nothing more."""
        if self._bots:
            return
        presence, chat = self._services.presence, self._services.chat
        for number, regular in enumerate(self._regulars, 1):
            try:
                user = await self._services.users.get(regular.handle)
            except BoardError:
                log.warning("demo regular %s has no account: not started", regular.handle)
                continue
            sid = f"regular-{number}"
            node = presence.open(sid, transport=TRANSPORT, address="demo", terminal="regular")
            presence.logged_in(node.number, user)
            presence.set_activity(node.number, Activity("regular", doing=regular.doing))
            await chat.join(sid, user, MAIN_CHANNEL)
            bot = _Bot(regular, user, sid, node.number)
            self._bots.append(bot)
            self._tasks.append(asyncio.ensure_future(self._talk(bot)))
        log.info("demo regulars online: %s", ", ".join(self.handles) or "none")

    def say_next(self, bot_index: int) -> ChatLine | None:
        """The regular `bot_index` says its next line in #main now. Returns the ChatLine, or
        None when the teleconference refused it (it is skipped, never retried)."""
        bot = self._bots[bot_index]
        text = bot.regular.lines[bot.said % len(bot.regular.lines)]
        bot.said += 1
        try:
            line = self._services.chat.say(bot.session_id, text)
        except BoardError as exc:
            log.debug("demo regular %s skipped a line: %s", bot.user.handle, exc)
            return None
        with contextlib.suppress(BoardError):
            self._services.presence.touch(bot.node)  # typing: not idle in who's online
        return line

    async def _talk(self, bot: _Bot) -> None:
        index = self._bots.index(bot)
        bot.said = self._rng.randrange(len(bot.regular.lines))  # not all in the same order
        while True:
            await asyncio.sleep(self._rng.uniform(*self._interval))
            self.say_next(index)

    async def stop(self) -> None:
        """Stop every regular's talk, take it out of #main and off its node. Never raises."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for bot in self._bots:
            self._services.chat.leave(bot.session_id)
            self._services.presence.close(bot.node)
        self._tasks.clear()
        self._bots.clear()

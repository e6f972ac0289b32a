"""What every transport shares: the session callback type and the reader pump."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from retroboard.term.terminal import StreamTerminal

log = logging.getLogger(__name__)

# app injects this: run one whole session on a Terminal. `auth` is whatever the injected
# authenticate callable returned for an SSH login (None for telnet); `register` is True when
# the caller asked to become a new user (ssh new@host).
OnSession = Callable[[StreamTerminal, Any, bool], Awaitable[None]]
# app injects this for SSH: (handle, password) -> an opaque user, or None when wrong.
Authenticate = Callable[[str, str], Awaitable[Any]]

READ_SIZE = 4096


async def run_with_pump(
    term: StreamTerminal, pump: Awaitable[None], session: Awaitable[None]
) -> None:
    """Run the reader pump and the session together; whichever ends first ends both."""
    pump_task = asyncio.ensure_future(pump)
    session_task = asyncio.ensure_future(session)
    try:
        await asyncio.wait({pump_task, session_task}, return_when=asyncio.FIRST_COMPLETED)
        if pump_task.done() and not session_task.done():
            term.lost()  # wakes the UI with Disconnected; give it a moment to clean up
            try:
                await asyncio.wait_for(asyncio.shield(session_task), 5)
            except (TimeoutError, asyncio.CancelledError):
                session_task.cancel()
    finally:
        for task in (pump_task, session_task):
            if not task.done():
                task.cancel()
        await asyncio.gather(pump_task, session_task, return_exceptions=True)
        term.close()

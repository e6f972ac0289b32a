"""What the web transport needs of the rest of the board (app injects it; no services here)."""

from __future__ import annotations

from typing import Protocol

from retroboard.domain.web import Classroom, FrontPage


class WebBackend(Protocol):
    """The read models behind the web pages. Each call is one snapshot; none raises except
    StorageError (domain.errors) when the database fails, which the page shows as a 503."""

    async def front_page(self) -> FrontPage:
        """GET /: the board's name, welcome art, who is online, last callers, public groups,
        and how to connect. Never a hidden group, a real name or an address."""
        ...

    async def classroom(self) -> Classroom:
        """GET /classroom: every node with what it is doing (guests of a demo board)."""
        ...

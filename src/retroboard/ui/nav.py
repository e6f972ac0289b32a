"""Navigation is a value a screen returns: Push, Replace, Back or Logoff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from retroboard.ui.context import SessionContext


class Screen(Protocol):
    """One screen: draws, reads keys, returns where to go next."""

    async def run(self, ctx: SessionContext) -> Nav: ...


@dataclass(frozen=True)
class Push:
    """Open `screen` on top of this one; Back returns here."""

    screen: Screen


@dataclass(frozen=True)
class Replace:
    """Swap this screen for `screen`."""

    screen: Screen


@dataclass(frozen=True)
class Back:
    """Close this screen and return to the one below, handing it `result`."""

    result: Any = None


@dataclass(frozen=True)
class Logoff:
    """End the call (with the goodbye screen unless `quiet`)."""

    quiet: bool = False
    reason: str = field(default="")


Nav = Push | Replace | Back | Logoff

"""Navigation is a value a screen returns: Push/Replace a screen by name, Back with a result, Logoff.

Screens never import or construct one another: `Push("reader", group=..., number=...)` names the
screen and its arguments, the session resolves the name through the registry (ui.registry), and
the screen below gets the result of the one above through `resume(ctx, result)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from retroboard.domain.activity import Activity

if TYPE_CHECKING:
    from retroboard.ui.context import SessionContext


class Screen(Protocol):
    """One screen: draws, reads keys, returns where to go next.

    `activity` is what presence shows others while the caller is here: an Activity (a skin key
    and values, `Activity("reading", group=...)`) that each viewer words in its own skin.
    `layout` says how the screen takes a notice: "full" (a status row) or "lines" (a line of its
    own between prompts). `resume` runs the screen again when the one above it went Back, with
    that screen's result."""

    layout: str

    def activity(self) -> Activity: ...

    async def run(self, ctx: SessionContext) -> Nav: ...

    async def resume(self, ctx: SessionContext, result: object) -> Nav: ...


class BaseScreen:
    """Defaults for the Screen protocol: a line-oriented screen that ignores results."""

    layout = "lines"
    ACTIVITY = Activity("browsing")

    def activity(self) -> Activity:
        return self.ACTIVITY

    async def run(self, ctx: SessionContext) -> Nav:
        raise NotImplementedError

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        return await self.run(ctx)


def _frozen(params: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(params))


@dataclass(frozen=True, init=False)
class Push:
    """Open the screen named `target` (with `params`) on top of this one; Back returns here."""

    target: str
    params: Mapping[str, object]

    def __init__(self, target: str, /, **params: object) -> None:
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "params", _frozen(params))


@dataclass(frozen=True, init=False)
class Replace:
    """Swap this screen for the screen named `target` (with `params`)."""

    target: str
    params: Mapping[str, object]

    def __init__(self, target: str, /, **params: object) -> None:
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "params", _frozen(params))


@dataclass(frozen=True)
class Back:
    """Close this screen and return to the one below, handing it `result`."""

    result: object = None


@dataclass(frozen=True)
class Logoff:
    """End the call (with the goodbye screen unless `quiet`)."""

    quiet: bool = False
    reason: str = field(default="")


Nav = Push | Replace | Back | Logoff

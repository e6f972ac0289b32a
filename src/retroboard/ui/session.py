"""The session loop: resolve named screens, deliver results, keep failures inside the session."""

from __future__ import annotations

from rich.text import Text

from retroboard.term.events import Disconnected, IdleTimeout
from retroboard.term.probe import detect_charset
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Logoff, Nav, Push, Replace, Screen
from retroboard.ui.notices import LinePrompt, StatusLine
from retroboard.ui.prompts import pause
from retroboard.ui.screens.goodbye import say_goodbye

MAX_FAILURES = 3
_NO_RESULT = object()


class UnknownScreen(Exception):
    """A Push/Replace named a screen the registry does not have (a programming error)."""


def first_screen(ctx: SessionContext, *, register: bool) -> Push:
    """Where a call starts: the main menu (already authenticated), registration, or login."""
    if ctx.user is not None:  # by SSH: a reset password is replaced before the menu
        if ctx.user.must_change_password:
            return Push("new_password")
        return Push("menu", name="main", greet=True)
    return Push("register") if register else Push("login")


def make(ctx: SessionContext, nav: Push | Replace) -> Screen:
    """The screen a Push/Replace names, built from the registry with its params."""
    factory = ctx.screens.get(nav.target)
    if factory is None:
        raise UnknownScreen(nav.target)
    screen: Screen = factory(**nav.params)
    return screen


def _handler(ctx: SessionContext, screen: Screen) -> StatusLine | LinePrompt:
    """How `screen` takes notices: its declared layout, on this terminal's profile."""
    if getattr(screen, "layout", "lines") == "full" and ctx.term.info.cursor:
        return StatusLine(ctx)
    return LinePrompt(ctx)


async def _step(ctx: SessionContext, screen: Screen, result: object) -> Nav:
    ctx.doing(screen.activity())
    with ctx.term.interruptions(_handler(ctx, screen)):
        if result is _NO_RESULT:
            return await screen.run(ctx)
        return await screen.resume(ctx, result)


async def run_session(ctx: SessionContext, first: Push) -> str:
    """Run until logoff or disconnect. Returns why the session ended (for the log)."""
    stack: list[Screen] = [make(ctx, first)]
    result: object = _NO_RESULT
    failures = 0
    try:  # an unsure terminal type: ask the terminal its character set (at most 1.5 s)
        if await detect_charset(ctx.term.raw, ctx.log) is not None:
            ctx.use_skin(ctx.skin.name)  # the skin again over the profile found
    except Disconnected:
        return "dropped"
    if ctx.user is not None:  # logged in by SSH already: the member's charset and skin
        if ctx.user.charset != "auto":
            ctx.term.set_encoding(ctx.user.charset)
        ctx.use_skin(ctx.user.skin)
    try:
        while stack:
            screen = stack[-1]
            try:
                nav: Nav = await _step(ctx, screen, result)
            except Disconnected:
                raise
            except Exception:
                failures += 1
                ctx.log.exception("screen %s failed", type(screen).__name__)
                ctx.write("\r\n")
                ctx.print(Text(f"*** {ctx.text('apology')} ***", style="error"))
                await ctx.flush()
                if ctx.user is None or failures >= MAX_FAILURES:
                    return "error"
                await pause(ctx, ctx.text("back_to_menu"))
                stack, result = [make(ctx, Push("menu", name="main"))], _NO_RESULT
                continue
            result = _NO_RESULT
            if isinstance(nav, Push):
                stack.append(make(ctx, nav))
            elif isinstance(nav, Replace):
                stack[-1] = make(ctx, nav)
            elif isinstance(nav, Back):
                stack.pop()
                result = nav.result
            elif isinstance(nav, Logoff):
                if not nav.quiet:
                    await say_goodbye(ctx)
                return nav.reason or "logoff"
        return "logoff"
    except IdleTimeout:
        return "idle timeout"
    except Disconnected:
        return "dropped"

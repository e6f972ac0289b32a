"""The session loop: run screens, follow their Nav, and keep failures inside the session."""

from __future__ import annotations

from retroboard.term.events import Disconnected, IdleTimeout
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Logoff, Nav, Push, Replace, Screen
from retroboard.ui.prompts import pause
from retroboard.ui.screens.goodbye import say_goodbye
from retroboard.ui.screens.login import LoginScreen
from retroboard.ui.screens.menu import MenuScreen
from retroboard.ui.screens.register import RegisterScreen

APOLOGY = (
    "\r\n\x1b[0;1;31m*** Sorry, something went wrong on the board. "
    "The sysop has been told. ***\x1b[0m\r\n"
)
MAX_FAILURES = 3


def first_screen(ctx: SessionContext, *, register: bool) -> Screen:
    """Where a call starts: the main menu (already authenticated), registration, or login."""
    if ctx.user is not None:
        return MenuScreen("main", greet=True)
    if register:
        return RegisterScreen()
    return LoginScreen()


async def run_session(ctx: SessionContext, first: Screen) -> str:
    """Run until logoff or disconnect. Returns why the session ended (for the log)."""
    stack: list[Screen] = [first]
    failures = 0
    if ctx.user is not None and ctx.user.charset != "auto":  # logged in by SSH already
        ctx.term.set_encoding(ctx.user.charset)
    try:
        while stack:
            screen = stack[-1]
            try:
                nav: Nav = await screen.run(ctx)
            except Disconnected:
                raise
            except Exception:
                failures += 1
                ctx.log.exception("screen %s failed", type(screen).__name__)
                ctx.write(APOLOGY)
                await ctx.flush()
                if ctx.user is None or failures >= MAX_FAILURES:
                    return "error"
                await pause(ctx, "Press any key to return to the main menu")
                stack = [MenuScreen("main")]
                continue
            if isinstance(nav, Push):
                stack.append(nav.screen)
            elif isinstance(nav, Replace):
                stack[-1] = nav.screen
            elif isinstance(nav, Back):
                stack.pop()
                ctx.state["result"] = nav.result
            elif isinstance(nav, Logoff):
                if not nav.quiet:
                    await say_goodbye(ctx)
                return nav.reason or "logoff"
        return "logoff"
    except IdleTimeout:
        return "idle timeout"
    except Disconnected:
        return "dropped"

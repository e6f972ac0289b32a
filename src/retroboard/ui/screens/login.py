"""The welcome screen and login prompt: handle, password, or `new` to register."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.errors import AuthFailed
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Logoff, Nav, Replace
from retroboard.ui.prompts import ask, say


def show_art(ctx: SessionContext, name: str) -> bool:
    """Write a piece of art if it fits this terminal; False if the caller should use text."""
    if (
        not ctx.art or not ctx.term.info.colors
    ):  # the art draws with colour; plain text reads better
        return False
    text = ctx.art.rendered(name, ctx.cols)
    if text is None:
        return False
    ctx.write(text + "\r\n")
    return True


def draw_welcome(ctx: SessionContext) -> None:
    ctx.clear()
    if not show_art(ctx, "welcome"):
        ctx.print(Text(f"*** {ctx.board.name.upper()} ***", style="title"))
    info = ctx.term.info
    ctx.print_cached(
        ("welcome", info.kind, info.encoding, info.term_type),
        lambda: Text.assemble(
            ("Connected by ", "dim"),
            (info.kind, "info"),
            (" at ", "dim"),
            (f"{info.cols}x{info.rows}", "info"),
            (", ", "dim"),
            (info.encoding.upper(), "info"),
            (" (", "dim"),
            (info.term_type, "info"),
            (")", "dim"),
        ),
    )
    ctx.print_cached(
        ("welcome-hint",),
        lambda: Text("Enter your handle, or NEW to become a member.", style="label"),
    )


class LoginScreen:
    """Ask for a handle and password; `new` goes to registration."""

    async def run(self, ctx: SessionContext) -> Nav:
        from retroboard.ui.screens.menu import MenuScreen
        from retroboard.ui.screens.register import RegisterScreen

        draw_welcome(ctx)
        failures = 0
        while True:
            handle = (await ask(ctx, "Handle: ", max_len=20)).strip()
            if not handle:
                continue
            if handle.lower() == "new":
                ctx.gate.registering()
                return Replace(RegisterScreen())
            password = await ask(ctx, "Password: ", max_len=128, mask="*")
            try:
                result = await ctx.services.auth.login(handle, password, ctx.gate.address)
            except AuthFailed as exc:
                failures += 1
                ctx.log.info("login refused for handle %r: %s", handle[:20], type(exc).__name__)
                say(ctx, str(exc), "error")
                if failures >= ctx.board.login_attempts:
                    say(ctx, "Too many attempts. Goodbye.", "error")
                    await ctx.flush()
                    return Logoff(quiet=True, reason="login failures")
                continue
            refusal = ctx.gate.logged_in(result.user)
            if refusal is not None:
                say(ctx, refusal, "error")
                await ctx.flush()
                return Logoff(quiet=True, reason="line reserved")
            ctx.user = result.user
            if result.failed_attempts:
                ctx.state["login_notice"] = result
            ctx.log.info("login ok: %s", ctx.user.handle)
            if ctx.user.charset != "auto":
                ctx.term.set_encoding(ctx.user.charset)
            return Replace(MenuScreen("main", greet=True))

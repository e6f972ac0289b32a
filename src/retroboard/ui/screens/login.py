"""The welcome screen and login prompt (handle, password, or `new` to register), and the new
password a member must choose after the sysop reset theirs."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.errors import AuthFailed, BoardError
from retroboard.domain.users import PASSWORD_MAX, check_password
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import BaseScreen, Logoff, Nav, Replace
from retroboard.ui.prompts import ask, say
from retroboard.ui.screens.kit import clean, show_art

NEW_PASSWORD_TRIES = 5


def draw_welcome(ctx: SessionContext) -> None:
    ctx.clear()
    if show_art(ctx, "welcome"):
        ctx.print(Text(ctx.text("welcome", board=clean(ctx.board.name)), style="title"))
    else:
        ctx.print(
            Text(ctx.text("welcome_banner", board=clean(ctx.board.name).upper()), style="title")
        )
    info = ctx.term.info
    ctx.print_cached(
        ("welcome", ctx.skin.name, info.kind, info.encoding, info.term_type),
        lambda: Text.assemble(
            (ctx.text("welcome_connected_by"), "dim"),
            (info.kind, "info"),
            (ctx.text("welcome_connected_at"), "dim"),
            (f"{info.cols}x{info.rows}", "info"),
            (", ", "dim"),
            (info.encoding.upper(), "info"),
            (" (", "dim"),
            (info.term_type, "info"),
            (")", "dim"),
        ),
    )
    ctx.print_cached(
        ("welcome-hint", ctx.skin.name),
        lambda: Text(ctx.text("welcome_hint"), style="label"),
    )


class LoginScreen(BaseScreen):
    """Ask for a handle and password; `new` goes to registration."""

    ACTIVITY = Activity("logging_in")

    async def run(self, ctx: SessionContext) -> Nav:
        draw_welcome(ctx)
        failures = 0
        while True:
            handle = (await ask(ctx, ctx.text("handle_prompt"), max_len=20)).strip()
            if not handle:
                continue
            if handle.lower() == "new":
                ctx.gate.registering()
                return Replace("register")
            password = await ask(ctx, ctx.text("password_prompt"), max_len=128, mask="*")
            try:
                result = await ctx.services.auth.login(handle, password, ctx.gate.address)
            except AuthFailed as exc:
                failures += 1
                ctx.log.info("login refused for handle %r: %s", handle[:20], type(exc).__name__)
                say(ctx, str(exc), "error")
                if failures >= ctx.board.login_attempts:
                    say(ctx, ctx.text("too_many_attempts"), "error")
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
                ctx.login_notice = result
            ctx.log.info("login ok: %s", ctx.user.handle)
            if ctx.user.charset != "auto":
                ctx.term.set_encoding(ctx.user.charset)
            ctx.use_skin(ctx.user.skin)
            if ctx.user.must_change_password:
                return Replace("new_password")
            return Replace("menu", name="main", greet=True)


class NewPasswordScreen(BaseScreen):
    """After the sysop's reset, before the menu: a new password, typed twice, by the
    registration rules. A member who does not choose one is logged off, the reset kept."""

    ACTIVITY = Activity("logging_in")

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        ctx.write("\r\n")
        say(ctx, ctx.text("password_must_change"), "warn")
        for _ in range(NEW_PASSWORD_TRIES):
            new = await ask(ctx, ctx.text("password_new_prompt"), max_len=PASSWORD_MAX, mask="*")
            try:
                check_password(new, ctx.user.handle)
            except ValueError as exc:
                say(ctx, str(exc), "error")
                continue
            again = await ask(
                ctx, ctx.text("password_again_prompt"), max_len=PASSWORD_MAX, mask="*"
            )
            if again != new:
                say(ctx, ctx.text("password_differ"), "error")
                continue
            try:
                ctx.user = await ctx.services.users.choose_password(ctx.user.id, new)
            except BoardError as exc:
                say(ctx, str(exc), "error")
                continue
            ctx.log.info("new password chosen after a reset: %s", ctx.user.handle)
            say(ctx, ctx.text("password_changed"), "ok")
            return Replace("menu", name="main", greet=True)
        say(ctx, ctx.text("password_still_reset"), "error")
        await ctx.flush()
        return Logoff(quiet=True, reason="reset password not replaced")

"""The welcome screen and login prompt (handle, password, `new` to register, `guest` on a demo
board), and the new password a member must choose after the sysop reset theirs."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.errors import BoardError
from retroboard.domain.modem import MODEM_SPEEDS, UNTHROTTLED
from retroboard.domain.users import PASSWORD_MAX, check_password
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import BaseScreen, Logoff, Nav, Replace
from retroboard.ui.prompts import ask, say
from retroboard.ui.screens.kit import clean, show_art

NEW_PASSWORD_TRIES = 5
CHARSET_CYCLE = ("utf-8", "cp437", "ascii")  # what the welcome's charset line steps through
SPEED_CYCLE = (*MODEM_SPEEDS, UNTHROTTLED)  # what the welcome's S steps through
GUEST = "guest"  # the handle a demo board's guests log in with


def draw_welcome(ctx: SessionContext) -> None:
    ctx.clear()
    if ctx.modem_bps:  # a paced line: the modem's CONNECT comes first, as it did
        ctx.write(ctx.text("modem_connect", bps=ctx.modem_bps) + "\r\n\r\n")
    # Every line below is the same for every caller of one skin and terminal shape: each is
    # rendered once per (line, skin, size, colours) for the whole board (ctx.render_cached),
    # not by rich for every connection. The art is cached by the art library, which drops it
    # when its files change.
    name = ctx.board.name
    if show_art(ctx, "welcome"):
        ctx.print_cached(
            ("welcome-title", name),
            lambda: Text(ctx.text("welcome", board=clean(name)), style="title"),
        )
    else:
        ctx.print_cached(
            ("welcome-banner", name),
            lambda: Text(ctx.text("welcome_banner", board=clean(name).upper()), style="title"),
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
    bps = ctx.modem_bps
    speed = ctx.text("welcome_speed_bps", bps=bps) if bps else ctx.text("welcome_speed_full")
    ctx.print_cached(  # the line above says which character set is in use
        ("welcome-charset", ctx.skin.name, speed),
        lambda: Text(ctx.text("welcome_charset_hint", speed=speed), style="dim"),
    )
    if ctx.services.auth.policy.guests:  # a demo board: say how a class gets in
        ctx.print_cached(
            ("welcome-guest-hint",), lambda: Text(ctx.text("welcome_guest_hint"), style="label")
        )


def next_speed(ctx: SessionContext) -> int:
    """Pace this call at the modem speed after the current one (300 ... 57600, unthrottled,
    round again); returns the speed now in force."""
    now = ctx.modem_bps
    at = SPEED_CYCLE.index(now) if now in SPEED_CYCLE else len(SPEED_CYCLE) - 1
    ctx.call_bps = SPEED_CYCLE[(at + 1) % len(SPEED_CYCLE)]
    return ctx.apply_speed()


def next_charset(ctx: SessionContext) -> str:
    """Switch the session to the character set after the current one (UTF-8, CP437, ASCII,
    round again); returns the one now in use (a `dumb` terminal stays ASCII)."""
    now = ctx.term.info.encoding
    new = CHARSET_CYCLE[(CHARSET_CYCLE.index(now) + 1) % len(CHARSET_CYCLE)]
    ctx.term.set_encoding(new)
    ctx.use_skin(ctx.skin.name)  # the skin again over the new profile (a linear one narrows it)
    return ctx.term.info.encoding


async def apply_member_charset(ctx: SessionContext, switched: str | None) -> None:
    """After login: a character set the caller switched to on the welcome screen stays for this
    call (they just saw it read right), and becomes the member's setting if theirs was 'auto'
    (an explicit setting is theirs to change in Settings); otherwise their setting applies."""
    assert ctx.user is not None
    if switched is None:
        if ctx.user.charset != "auto":
            ctx.term.set_encoding(ctx.user.charset)
        return
    if ctx.user.charset == "auto":
        ctx.user = await ctx.services.users.set_charset(ctx.user.id, switched)
        ctx.log.info("character set %s from the welcome screen saved", switched)


class LoginScreen(BaseScreen):
    """Ask for a handle and password; `new` goes to registration."""

    ACTIVITY = Activity("logging_in")

    async def run(self, ctx: SessionContext) -> Nav:
        draw_welcome(ctx)
        failures = 0
        detected = ctx.term.info.encoding
        switched: str | None = None  # the character set chosen here, if it is not `detected`
        while True:
            handle = (await ask(ctx, ctx.text("handle_prompt"), max_len=20)).strip()
            if not handle:
                continue
            if handle.lower() == ctx.text("welcome_charset_key").lower():
                now = next_charset(ctx)
                switched = None if now == detected else now
                draw_welcome(ctx)
                continue
            if handle.lower() == ctx.text("welcome_speed_key").lower():
                bps = next_speed(ctx)
                ctx.log.info("modem speed %s picked on the welcome screen", bps or "unthrottled")
                draw_welcome(ctx)
                continue
            if handle.lower() == "new":
                ctx.gate.registering()
                return Replace("register")
            try:
                if handle.lower() == GUEST:  # a fresh guest account, no password (demo board)
                    result = await ctx.services.auth.guest_login(ctx.gate.address)
                else:
                    password = await ask(ctx, ctx.text("password_prompt"), max_len=128, mask="*")
                    result = await ctx.services.auth.login(handle, password, ctx.gate.address)
            except BoardError as exc:
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
            await apply_member_charset(ctx, switched)
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

"""New-user application: handle, password twice, optional real name and location."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.errors import BoardError
from retroboard.domain.users import LOCATION_MAX, REAL_NAME_MAX, check_password
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import BaseScreen, Logoff, Nav, Replace
from retroboard.ui.prompts import ask, ask_yes_no, say
from retroboard.ui.screens.kit import show_art

MAX_TRIES = 5
FIELD_ROOM = 16  # columns a prompt must leave to type in, else its short form is used


def prompt(ctx: SessionContext, key: str) -> str:
    """The skin's prompt `key`, or its `key_short` form when the long one would leave fewer
    than FIELD_ROOM columns of the row to type in (the typing then scrolls, never wraps)."""
    text = ctx.text(key)
    return ctx.text(key + "_short") if ctx.cols - 1 - len(text) < FIELD_ROOM else text


class RegisterScreen(BaseScreen):
    """Nothing is written until the last confirmation: a dropped call leaves no account."""

    ACTIVITY = Activity("registering")

    async def run(self, ctx: SessionContext) -> Nav:
        users = ctx.services.users
        ctx.gate.registering()
        ctx.clear()
        show_art(ctx, "newuser")  # 13 rows: the form fits under it on 80x24
        ctx.print(Text(f" {ctx.text('register_title')} ", style="title"))
        try:
            ctx.services.auth.check_signup(ctx.gate.address)
        except BoardError as exc:
            say(ctx, str(exc), "error")
            await ctx.flush()
            return Logoff(quiet=True, reason="sign-up quota")
        ctx.print(Text(ctx.text("register_handle_rules"), style="dim"))
        handle = ""
        for _ in range(MAX_TRIES):
            typed = (await ask(ctx, ctx.text("register_handle_prompt"), max_len=20)).strip()
            try:
                handle = users.check_new_handle(typed)
            except BoardError as exc:
                say(ctx, str(exc), "error")
                continue
            if await users.handle_taken(handle):
                say(ctx, ctx.text("register_handle_taken", handle=handle), "error")
                handle = ""
                continue
            break
        if not handle:
            return Logoff(reason="registration abandoned")
        password = ""
        for _ in range(MAX_TRIES):
            first = await ask(ctx, prompt(ctx, "register_password_prompt"), max_len=128, mask="*")
            try:
                check_password(first, handle)
            except ValueError as exc:
                say(ctx, str(exc), "error")
                continue
            again = await ask(ctx, prompt(ctx, "register_again_prompt"), max_len=128, mask="*")
            if again != first:
                say(ctx, ctx.text("register_passwords_differ"), "error")
                continue
            password = first
            break
        if not password:
            return Logoff(reason="registration abandoned")
        ctx.print(Text(ctx.text("register_real_name_shown"), style="dim"))
        real_name = await ask(ctx, ctx.text("register_real_name_prompt"), max_len=REAL_NAME_MAX)
        location = await ask(ctx, prompt(ctx, "register_location_prompt"), max_len=LOCATION_MAX)
        if not await ask_yes_no(
            ctx, ctx.text("register_create_question", handle=handle), default=True
        ):
            say(ctx, ctx.text("register_declined"), "warn")
            return Logoff(reason="registration declined")
        try:
            user = await ctx.services.auth.register(
                handle, password, ctx.gate.address, real_name=real_name, location=location
            )
        except BoardError as exc:
            say(ctx, ctx.text("register_failed", error=exc), "error")
            return Replace("register")
        refusal = ctx.gate.logged_in(user)
        if refusal is not None:
            say(ctx, ctx.text("register_ready_but", handle=user.handle, refusal=refusal), "warn")
            await ctx.flush()
            return Logoff(quiet=True, reason="line reserved")
        ctx.user = user
        ctx.use_skin(user.skin)
        ctx.log.info("registered new user %s", ctx.user.handle)
        say(ctx, ctx.text("register_welcome", handle=ctx.user.handle), "ok")
        return Replace("menu", name="main", greet=True)

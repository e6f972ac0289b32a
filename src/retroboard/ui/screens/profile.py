"""A member's profile: handle, location, member since, calls, posts, last on, "about me", and
the real name only when its owner shows it (the service leaves it out otherwise)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import Profile
from retroboard.domain.errors import BoardError
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav
from retroboard.ui.prompts import pause, say
from retroboard.ui.screens.kit import HELP, REDRAW_SCREEN, KeyedScreen, clean, long_date

BINDINGS = Bindings(
    (
        Binding(("q", "escape", "enter", "left", " "), "back", "help_profile_back"),
        HELP,
        REDRAW_SCREEN,
    )
)


class ProfileScreen(KeyedScreen):
    """One member's profile, printed top to bottom; any of q, Esc, Enter, Space goes back."""

    BINDINGS = BINDINGS
    CASELESS = True

    def __init__(self, handle: str) -> None:
        self.handle = handle
        self.profile: Profile | None = None

    def activity(self) -> Activity:
        return Activity("profile", handle=self.handle)

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("profile_title", handle=clean(self.handle))

    def draw(self, ctx: SessionContext) -> None:
        p = self.profile
        assert p is not None
        ctx.clear()
        ctx.print(Text(f" {ctx.text('profile_title', handle=clean(p.handle))} ", style="title"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="header", no_wrap=True)
        grid.add_column()
        rows = [("profile_handle", Text(clean(p.handle), style="author"))]
        if p.real_name:
            rows.append(("profile_real_name", Text(clean(p.real_name))))
        rows += [
            ("profile_location", Text(clean(p.location) or ctx.text("profile_unknown"))),
            ("profile_level", Text(clean(p.level_name))),
            ("profile_since", Text(long_date(p.member_since))),
            ("profile_calls", Text(str(p.calls))),
            ("profile_posts", Text(str(p.posts))),
            (
                "profile_last_on",
                Text(long_date(p.last_on) if p.last_on else ctx.text("profile_never")),
            ),
        ]
        if p.bps is not None:  # the modem speed they call at, when they chose one
            speed = (
                ctx.text("settings_modem_speed", bps=p.bps)
                if p.bps
                else ctx.text("settings_modem_unthrottled")
            )
            rows.append(("profile_modem", Text(speed)))
        for key, value in rows:
            grid.add_row(Text(ctx.text(key)), value)
        ctx.print(grid)
        ctx.print(Text(ctx.text("profile_about"), style="header"))
        about = clean(p.about)
        ctx.print(Text("  " + about) if about else Text("  " + ctx.text("profile_no_about"), "dim"))
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        ctx.print(Text(f"-- {ctx.text('profile_hint')} --", style="dim"), end="")

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

    async def run(self, ctx: SessionContext) -> Nav:
        try:
            self.profile = await ctx.services.users.profile(self.handle)
        except BoardError as exc:
            ctx.write("\r\n")
            say(ctx, str(exc), "error")
            await pause(ctx)
            return Back()
        self.handle = self.profile.handle
        ctx.doing(self.activity())
        return await self.loop(ctx)

"""Last callers: the 20 latest calls with handle, location, time, node and how they connected."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import LAST_CALLERS_SHOWN, Call
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav
from retroboard.ui.prompts import say
from retroboard.ui.screens.kit import HELP, NARROW, KeyedScreen, cell, short_date, utc, width

BINDINGS = Bindings(
    (
        Binding(("q", "escape", "enter", " "), "back", "help_lastcallers_back"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)


def when(at: Call) -> str:
    """ "02 Dec 14:05" (UTC): the day as the lists show it, and the time of the call."""
    return f"{short_date(at.at)} {utc(at.at):%H:%M}"


class LastCallersScreen(KeyedScreen):
    """The latest calls, newest first, on one page."""

    ACTIVITY = Activity("last_callers")
    BINDINGS = BINDINGS

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.message = ""
        self.message_style = "info"

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("lastcallers_title")

    def _columns(self, ctx: SessionContext) -> tuple[int, int]:
        """Widths of the handle and the location (0: no location at this width)."""
        w = width(ctx)
        if w < NARROW:
            return 12, 0
        return 16, max(10, min(30, w - 16 - 14 - 5 - 7 - 4))

    def row(self, ctx: SessionContext, c: Call) -> Text:
        handle_w, where_w = self._columns(ctx)
        line = cell(ctx, c.handle, handle_w, "author")
        line.append(" ")
        if where_w:
            line.append_text(cell(ctx, c.location, where_w, "info"))
            line.append(" ")
        line.append(f"{when(c):<13}", style="date")
        line.append(f"{c.node:>4} ", style="info")
        line.append_text(cell(ctx, c.transport, 6, "dim"))
        return line

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        ctx.print(Text(f" {ctx.text('lastcallers_title')} ", style="title"))
        handle_w, where_w = self._columns(ctx)
        names = ctx.text("lastcallers_col_handle").ljust(handle_w) + " "
        if where_w:
            names += ctx.text("lastcallers_col_location").ljust(where_w) + " "
        names += ctx.text("lastcallers_col_when").ljust(13)
        names += ctx.text("lastcallers_col_node").rjust(4) + " "
        names += ctx.text("lastcallers_col_via")
        ctx.print(Text(names, style="header"))
        if not self.calls:
            ctx.print(Text(ctx.text("lastcallers_empty"), style="dim"))
        for c in self.calls:
            ctx.print(self.row(ctx, c))
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        if self.message:
            say(ctx, self.message, self.message_style)
        ctx.print(Text(ctx.text("lastcallers_prompt"), style="dim"), end="")

    async def run(self, ctx: SessionContext) -> Nav:
        rows = max(3, ctx.rows - 3)
        self.calls = await ctx.services.calls.last(min(LAST_CALLERS_SHOWN, rows))
        return await self.loop(ctx)

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

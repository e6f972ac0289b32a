"""New-scan: read every unread article of every subscribed group, group by group, in thread order."""

from __future__ import annotations

from string import Formatter

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.errors import BoardError
from retroboard.ui.bindings import Binding, Bindings, HelpRow
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.prompts import pause
from retroboard.ui.screens.kit import (
    CSI,
    HELP,
    KeyedScreen,
    clean,
    put,
    reading_list_of,
    title_bar,
)

SCAN_BINDINGS = Bindings(
    (
        Binding(("r", " ", "enter", "y"), "read", "help_newscan_read", label="keys_newscan_read"),
        Binding(("s", "n"), "skip", "help_newscan_skip", label="keys_newscan_skip"),
        Binding(("l",), "list", "help_newscan_list", label="keys_newscan_list"),
        Binding(("q", "escape"), "stop", "help_newscan_stop", label="keys_newscan_stop"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)
# What the help says about reading, below the keys of this screen.
READING_HELP = (HelpRow("", "newscan_help_reading"), HelpRow("", "newscan_help_reading_more"))
MESSAGE_ROW = 5  # below the "End of ... Next: ..." line and its help hint


def styled(template: str, **values: tuple[str, str]) -> Text:
    """A skin template with each {field} filled by (text, style); the rest unstyled."""
    out = Text()
    for literal, name, _spec, _conv in Formatter().parse(template):
        out.append(literal)
        if name is not None:
            text, style = values[name]
            out.append(text, style)
    return out


class NewScanScreen(KeyedScreen):
    """Walks the subscribed groups that have unread articles, in name order."""

    BINDINGS = SCAN_BINDINGS

    ACTIVITY = Activity("new_scan")

    CASELESS = True  # R and r, S and s ...: as the header shows them

    def __init__(self) -> None:
        self.finished = ""  # the group just read to its end ("End of ..." above the header)
        self.offered: tuple[str, int] | None = None  # the group the header offers, its count
        self.listing = False  # back from the thread list (the same group is offered again)
        self.message = ""
        self.message_style = "info"

    async def _next(self, ctx: SessionContext, after: str) -> tuple[str, int] | None:
        """The first subscribed group named after `after` with unread articles, and its count."""
        assert ctx.user is not None
        statuses = await ctx.services.groups.selector(ctx.user, subscribed_only=True)
        for s in sorted(statuses, key=lambda s: s.group.name):
            if s.group.name > after and s.unread > 0:
                return s.group.name, s.unread
        return None

    async def _again(self, ctx: SessionContext, group: str) -> tuple[str, int] | None:
        """`group` again if something there is still unread, else the next group after it."""
        assert ctx.user is not None
        status = await ctx.services.groups.status(ctx.user, group)
        if status.unread > 0:
            return group, status.unread
        return await self._next(ctx, after=group)

    async def _read(self, ctx: SessionContext, group: str) -> Nav | None:
        """Start reading `group`; None if nothing there is unread after all."""
        assert ctx.user is not None
        heads = await ctx.services.articles.unread_in_thread_order(ctx.user, group)
        if not heads:
            return None
        return Push(
            "reader",
            group_name=group,
            number=heads[0].number,
            reading_list=reading_list_of(heads),
        )

    async def _offer(self, ctx: SessionContext, offered: tuple[str, int] | None) -> Nav:
        """Show the header of `offered` and wait for its key; the end when there is none."""
        if offered is None:
            return await self._finish(ctx, first=False)
        self.offered = offered
        return await self.loop(ctx)

    async def _finish(self, ctx: SessionContext, first: bool) -> Nav:
        assert ctx.user is not None
        statuses = await ctx.services.groups.selector(ctx.user, subscribed_only=True)
        left = sum(s.unread for s in statuses)
        ctx.clear()
        title_bar(ctx, ctx.text("newscan_title"))
        ctx.write(f"{CSI}3;1H")
        if first:
            if not statuses:
                ctx.print(Text(ctx.text("newscan_not_subscribed"), style="info"))
            else:
                ctx.print(Text(ctx.text("newscan_nothing_new"), style="ok"))
        elif left == 0:
            if self.finished:
                ctx.print(Text(ctx.text("newscan_end_of", group=clean(self.finished)), "info"))
            ctx.print(Text(ctx.text("newscan_caught_up"), style="ok"))
        else:
            text = (
                ctx.text("newscan_left_one")
                if left == 1
                else ctx.text("newscan_left_many", count=left)
            )
            ctx.print(Text(text, style="info"))
        await pause(ctx)
        return Back()

    def draw(self, ctx: SessionContext) -> None:
        assert self.offered is not None
        name, unread = self.offered
        ctx.clear()
        title_bar(ctx, ctx.text("newscan_title"))
        ctx.write(f"{CSI}3;1H")
        if self.finished:
            ctx.print(Text(ctx.text("newscan_end_of", group=clean(self.finished)), "info"))
        ctx.print(
            styled(
                ctx.text("newscan_header"),
                group=(clean(name), "hotkey"),
                count=(str(unread), "unread"),
                read=(ctx.text("newscan_read_choice"), "hotkey"),
                skip=(ctx.text("newscan_skip_choice"), "hotkey"),
                list=(ctx.text("newscan_list_choice"), "hotkey"),
                quit=(ctx.text("newscan_quit_choice"), "hotkey"),
            )
        )
        ctx.print(Text(ctx.text("newscan_help_hint"), style="dim"), end="")
        if self.message:
            put(ctx, MESSAGE_ROW, Text(clean(self.message), style=self.message_style))

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        try:
            first = await self._next(ctx, after="")
            if first is None:
                return await self._finish(ctx, first=True)
        except BoardError as exc:
            return await self._failed(ctx, exc)
        return await self._offer(ctx, first)

    async def _failed(self, ctx: SessionContext, exc: BoardError) -> Nav:
        """The board refused before there was a screen to show it on: say so, then back."""
        ctx.clear()
        ctx.print(Text(str(exc), style="error"))
        await pause(ctx)
        return Back()

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the reader: offer the next group with something unread. Back from the
        thread list: offer the same group again while something there is unread."""
        assert ctx.user is not None and self.offered is not None
        group = self.offered[0]
        try:
            if self.listing:
                self.listing = False
                offered = await self._again(ctx, group)
            else:
                self.finished = group
                offered = await self._next(ctx, after=group)
        except BoardError as exc:
            return await self._failed(ctx, exc)
        self.message = ""
        return await self._offer(ctx, offered)

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("newscan_help_title")

    def help_rows(self, ctx: SessionContext) -> list[HelpRow]:
        return [*super().help_rows(ctx), *READING_HELP]

    # ---- the actions, one per binding
    async def on_read(self, ctx: SessionContext) -> Nav | None:
        assert self.offered is not None
        group = self.offered[0]
        nav = await self._read(ctx, group)
        if nav is not None:
            return nav
        self.finished = ""  # read meanwhile (another session): on to the next group
        return await self._move_on(ctx, group)

    async def on_skip(self, ctx: SessionContext) -> Nav | None:
        """The next group; this one stays unread (the end of the scan says how much is left)."""
        assert self.offered is not None
        self.finished = ""
        return await self._move_on(ctx, self.offered[0])

    async def _move_on(self, ctx: SessionContext, group: str) -> Nav | None:
        """Offer the next group after `group` (drawn by the loop), or finish the scan."""
        offered = await self._next(ctx, after=group)
        if offered is None:
            return await self._finish(ctx, first=False)
        self.offered = offered
        return None

    async def on_list(self, ctx: SessionContext) -> Nav | None:
        assert self.offered is not None
        self.listing = True
        return Push("threads", group_name=self.offered[0])

    async def on_stop(self, ctx: SessionContext) -> Nav | None:
        return Back()

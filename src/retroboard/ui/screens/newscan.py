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
        Binding(
            (" ", "enter", "y", "Y"), "go_on", "help_newscan_go_on", label="keys_newscan_go_on"
        ),
        Binding(
            ("q", "Q", "escape", "n", "N"), "stop", "help_newscan_stop", label="keys_newscan_stop"
        ),
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

    def __init__(self) -> None:
        self.current = ""  # the group being read (or just finished)
        self.next_group: tuple[str, int] | None = None
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

    async def _enter(self, ctx: SessionContext, group: str) -> Nav | None:
        """Start reading `group`; None if nothing there is unread after all."""
        assert ctx.user is not None
        self.current = group
        heads = await ctx.services.articles.unread_in_thread_order(ctx.user, group)
        if not heads:
            return None
        return Push(
            "reader",
            group_name=group,
            number=heads[0].number,
            reading_list=reading_list_of(heads),
        )

    async def _start_next(self, ctx: SessionContext, group: str) -> Nav | None:
        """Enter `group`, or the first group after it that still has something to read."""
        candidate: tuple[str, int] | None = (group, 0)
        while candidate is not None:
            nav = await self._enter(ctx, candidate[0])
            if nav is not None:
                return nav
            candidate = await self._next(ctx, after=candidate[0])
        return None

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
            if self.current:
                ctx.print(Text(ctx.text("newscan_end_of", group=clean(self.current)), "info"))
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
        assert self.next_group is not None
        name, unread = self.next_group
        ctx.clear()
        title_bar(ctx, ctx.text("newscan_title"))
        ctx.write(f"{CSI}3;1H")
        ctx.print(
            styled(
                ctx.text("newscan_next"),
                group=(clean(self.current), "hotkey"),
                next=(clean(name), "hotkey"),
                unread=(str(unread), "unread"),
                go=(ctx.text("newscan_go_key"), "hotkey"),
                stop=(ctx.text("newscan_stop_key"), "hotkey"),
            )
        )
        ctx.print(Text(ctx.text("newscan_help_hint"), style="dim"), end="")
        if self.message:
            put(ctx, MESSAGE_ROW, Text(clean(self.message), style=self.message_style))

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        try:
            first = await self._next(ctx, after="")
            nav = await self._start_next(ctx, first[0]) if first else None
            return nav if nav is not None else await self._finish(ctx, first=True)
        except BoardError as exc:
            return await self._failed(ctx, exc)

    async def _failed(self, ctx: SessionContext, exc: BoardError) -> Nav:
        """The board refused before there was a screen to show it on: say so, then back."""
        ctx.clear()
        ctx.print(Text(str(exc), style="error"))
        await pause(ctx)
        return Back()

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the reader: offer the next group with something unread."""
        assert ctx.user is not None
        try:
            self.next_group = await self._next(ctx, after=self.current)
            if self.next_group is None:
                return await self._finish(ctx, first=False)
        except BoardError as exc:
            return await self._failed(ctx, exc)
        self.message = ""
        return await self.loop(ctx)

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("newscan_help_title")

    def help_rows(self, ctx: SessionContext) -> list[HelpRow]:
        return [*super().help_rows(ctx), *READING_HELP]

    # ---- the actions, one per binding
    async def on_go_on(self, ctx: SessionContext) -> Nav | None:
        assert self.next_group is not None
        nav = await self._start_next(ctx, self.next_group[0])
        return nav if nav is not None else await self._finish(ctx, first=False)

    async def on_stop(self, ctx: SessionContext) -> Nav | None:
        return Back()

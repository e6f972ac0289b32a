"""New-scan: read every unread article of every subscribed group, group by group, in thread order."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.errors import BoardError
from retroboard.term.events import Resize
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav, Push
from retroboard.ui.prompts import pause
from retroboard.ui.screens.kit import (
    REDRAW,
    clean,
    reading_list_of,
    show_help,
    title_bar,
)

SCAN_KEYS = (
    ("Space Enter y", "go on to the next group"),
    ("q  Esc  n", "stop the new-scan (back to the menu)"),
    ("?", "this help"),
    ("", "While reading: Space pages and moves to the next unread article;"),
    ("", "q leaves the group early. ? in the reader lists all its keys."),
)


class NewScanScreen(BaseScreen):
    """Walks the subscribed groups that have unread articles, in name order."""

    ACTIVITY = "Reading new messages"

    def __init__(self) -> None:
        self.current = ""  # the group being read (or just finished)
        self.next_group: tuple[str, int] | None = None

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
        title_bar(ctx, "New-scan")
        ctx.write("\x1b[3;1H")
        if first:
            if not statuses:
                ctx.print(
                    Text(
                        "You are not subscribed to any group yet: open Message groups "
                        "and press s on the groups you want.",
                        style="info",
                    )
                )
            else:
                ctx.print(
                    Text("Nothing new in your subscribed groups. You're all caught up.", style="ok")
                )
        elif left == 0:
            if self.current:
                ctx.print(Text(f"End of {clean(self.current)}.", style="info"))
            ctx.print(Text("You're all caught up.", style="ok"))
        else:
            ctx.print(
                Text(
                    f"New-scan finished; {left} article{'s are' if left != 1 else ' is'} "
                    "still unread (skipped or marked unread).",
                    style="info",
                )
            )
        await pause(ctx)
        return Back()

    def draw(self, ctx: SessionContext) -> None:
        assert self.next_group is not None
        name, unread = self.next_group
        ctx.clear()
        title_bar(ctx, "New-scan")
        ctx.write("\x1b[3;1H")
        ctx.print(
            Text.assemble(
                "End of ",
                (clean(self.current), "hotkey"),
                ". Next: ",
                (clean(name), "hotkey"),
                (f" ({unread} unread)", "unread"),
                " -- ",
                ("Space", "hotkey"),
                " to continue, ",
                ("q", "hotkey"),
                " to stop",
            )
        )
        ctx.print(Text("? for help", style="dim"), end="")

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        try:
            first = await self._next(ctx, after="")
            nav = await self._start_next(ctx, first[0]) if first else None
            return nav if nav is not None else await self._finish(ctx, first=True)
        except BoardError as exc:
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
            ctx.clear()
            ctx.print(Text(str(exc), style="error"))
            await pause(ctx)
            return Back()
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                ctx.sync_size()
                self.draw(ctx)
            elif event.name in (" ", "enter", "y", "Y"):
                try:
                    nav = await self._start_next(ctx, self.next_group[0])
                    return nav if nav is not None else await self._finish(ctx, first=False)
                except BoardError as exc:
                    ctx.print(Text(str(exc), style="error"))
            elif event.name in ("q", "Q", "escape", "n", "N"):
                return Back()
            elif event.name == "?":
                await show_help(ctx, "New-scan", SCAN_KEYS)
                self.draw(ctx)
            elif event.name in REDRAW:
                self.draw(ctx)
            else:
                ctx.write("\a")
            await ctx.flush()

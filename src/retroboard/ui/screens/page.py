"""Page someone from the main menu (who is on is offered, by handle or number), or yell for
the sysop with a reason."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import PAGE_MAX
from retroboard.domain.errors import BoardError
from retroboard.domain.users import HANDLE_MAX
from retroboard.services.pages import REASON_MAX
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import ask, pause, say


class PageScreen(BaseScreen):
    """Line by line: whom (the handles online listed, numbered), then the line; or, with
    `sysop=True`, the reason for paging the sysop. The outcome is said, then a key goes back."""

    ACTIVITY = Activity("paging")

    def __init__(self, sysop: bool = False) -> None:
        self.sysop = sysop

    def activity(self) -> Activity:
        return Activity("yelling") if self.sysop else self.ACTIVITY

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        if self.sysop:
            await self._yell(ctx)
        else:
            await self._page(ctx)
        await pause(ctx)
        return Back()

    async def _page(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        online = ctx.services.pages.online_handles(but=ctx.user.handle)
        if not online:
            say(ctx, ctx.text("page_nobody_on"), "warn")
            return
        ctx.print(Text(ctx.text("page_online_now"), style="header"))
        numbered = Text()
        for n, handle in enumerate(online, 1):
            numbered.append(f"{'  ' if n > 1 else ''}{n}) ", "hotkey")
            numbered.append(handle, "author")
        ctx.print(numbered)
        typed = (await ask(ctx, ctx.text("page_whom_prompt"), max_len=HANDLE_MAX)).strip()
        if not typed:
            say(ctx, ctx.text("page_nothing_sent"))
            return
        handle = (
            online[int(typed) - 1] if typed.isdigit() and 1 <= int(typed) <= len(online) else typed
        )
        try:  # refused at once for yourself, someone offline or not to be disturbed
            handle = (await ctx.services.pages.reachable(ctx.user, handle)).to
        except BoardError as exc:
            say(ctx, str(exc), "error")
            return
        text = await ask(ctx, ctx.text("page_text_prompt", handle=handle), max_len=PAGE_MAX)
        if not text.strip():
            say(ctx, ctx.text("page_nothing_sent"))
            return
        try:
            paged = await ctx.services.pages.page(ctx.user, ctx.session_id, handle, text)
        except BoardError as exc:
            say(ctx, str(exc), "error")
            return
        say(ctx, ctx.text("page_sent", handle=paged.to), "ok")

    async def _yell(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        reason = await ask(ctx, ctx.text("yell_prompt"), max_len=REASON_MAX)
        if not reason.strip():
            say(ctx, ctx.text("page_nothing_sent"))
            return
        try:
            await ctx.services.pages.page_sysop(ctx.user, ctx.session_id, reason)
        except BoardError as exc:
            say(ctx, str(exc), "error")
            return
        say(ctx, ctx.text("yell_sent"), "ok")

"""The goodbye screen: art, the call's length and the nostalgic NO CARRIER."""

from __future__ import annotations

import time

from rich.text import Text

from retroboard.ui.context import SessionContext
from retroboard.ui.screens.kit import clean, show_art


async def say_goodbye(ctx: SessionContext) -> None:
    minutes = int((time.monotonic() - ctx.started) // 60)
    ctx.clear()
    show_art(ctx, "goodbye")
    ctx.print(Text(ctx.text("thanks", board=clean(ctx.board.name)), style="title"))
    who = ctx.user.handle if ctx.user else ctx.text("goodbye_caller")
    online = ctx.text("goodbye_minute" if minutes == 1 else "goodbye_minutes", count=minutes)
    ctx.print(Text(ctx.text("goodbye", handle=who, minutes=online), style="label"))
    ctx.print(Text(ctx.text("no_carrier"), style="dim"))
    await ctx.flush()

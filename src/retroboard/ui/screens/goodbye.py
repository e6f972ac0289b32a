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
    ctx.print(Text(f"Thanks for calling {clean(ctx.board.name)}!", style="title"))
    who = ctx.user.handle if ctx.user else "caller"
    ctx.print(
        Text.assemble(
            ("Goodbye, ", "label"),
            (who, "hotkey"),
            (". You were online for ", "label"),
            (f"{minutes} minute{'s' if minutes != 1 else ''}", "info"),
            (". Call again soon!", "label"),
        )
    )
    ctx.print(Text("NO CARRIER", style="dim"))
    await ctx.flush()

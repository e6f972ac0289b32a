"""Where a composer starts: tell a writer who keeps unfinished messages, and let D list them."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.errors import BoardError
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Replace

LIST_KEY = "d"


async def drafts_waiting(ctx: SessionContext) -> Replace | None:
    """`You have 2 unfinished messages: (D) lists them, Enter writes a new one`, when the user
    keeps drafts. Returns the draft offer (to replace the composer) when D is pressed; None
    (write the new message) for any other key, when there are no drafts, or when they cannot
    be looked up (the failure is logged: writing must not depend on it)."""
    if ctx.user is None:
        return None
    try:
        drafts = await ctx.services.drafts.list(ctx.user.id)
    except BoardError:
        ctx.log.warning("could not look for drafts", exc_info=True)
        return None
    if not drafts:
        return None
    ctx.print(
        Text.assemble(
            (ctx.text("drafts_exist", count=len(drafts)), "info"),
            (ctx.text("drafts_exist_options"), "info"),
            (ctx.text("draft_offer_prompt"), "prompt"),
        ),
        end="",
    )
    await ctx.flush()
    key = (await ctx.term.read_key()).name.lower()
    if key == LIST_KEY:
        ctx.write("D\r\n")
        return Replace("draft_offer", drafts=drafts)
    ctx.write("\r\n")
    return None

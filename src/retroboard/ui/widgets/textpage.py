"""A text shown a screenful at a time on a line screen, a prompt of bound keys after each page."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from retroboard.domain.text import sanitize
from retroboard.term.events import Resize
from retroboard.ui.bindings import Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.notices import LinePrompt
from retroboard.ui.widgets.editor_model import wrap_text

MORE = "more"  # the action that shows the next page (at the last page: leaves with it)


def body_lines(text: str, cols: int, style: str = "") -> list[Text]:
    """User text (several lines) cleaned and wrapped to `cols` columns, one Text per row."""
    out: list[Text] = []
    for line in sanitize(text).split("\n"):
        out.extend(Text(part, style=style) for part in wrap_text(line.rstrip(), max(1, cols)))
    return out


async def choose(ctx: SessionContext, prompt: Text, keys: Bindings) -> str:
    """Print `prompt` and wait for a key bound in `keys` (others ring the bell; a resize is
    taken quietly; a notice meanwhile gets a line of its own, then the prompt again). Returns
    the key's action; the prompt line is cleared."""
    ctx.print(prompt, end="")
    await ctx.flush()
    with ctx.term.interruptions(LinePrompt(ctx, lambda: ctx.print(prompt, end=""))):
        while True:
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                ctx.sync_size()
                continue
            action = keys.action(event.name)
            if action is None and len(event.name) == 1:
                action = keys.action(event.name.swapcase())
            if action is None:
                ctx.write("\a")
                await ctx.flush()
                continue
            ctx.write("\r\x1b[K" if ctx.term.info.cursor else "\r\n")
            return action


async def show_paged(
    ctx: SessionContext, lines: Sequence[Text], prompt: Text, keys: Bindings
) -> str:
    """Print `lines` a screenful at a time; after each page, `prompt` waits for a key of
    `keys`. MORE goes on to the next page (after the last one it is returned); any other
    action stops the text and is returned."""
    start = 0
    while True:
        room = max(1, ctx.rows - 2)
        page = lines[start : start + room]
        for line in page:
            ctx.print(line)
        start += len(page)
        action = await choose(ctx, prompt, keys)
        if action != MORE or start >= len(lines):
            return action

"""Small interactions every screen uses: yes/no questions, press-a-key, one-line messages.

`ask_yes_no` is the one yes/no question of the line-by-line screens (menu, registration, the
editors); full screens ask theirs on the status row with `ui.screens.kit.confirm`.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from retroboard.term.events import Key, Resize
from retroboard.ui.context import SessionContext
from retroboard.ui.widgets.lineinput import read_line


async def ask_yes_no(ctx: SessionContext, question: str, default: bool = False) -> bool:
    """`Question? (y/N)` on its own line — one key, Enter takes the default; Esc says no.
    The answer is echoed (the skin's `answer_yes` / `answer_no`)."""
    hint = ctx.text("yes_no_default_yes" if default else "yes_no")
    ctx.print(Text.assemble((question + " ", "prompt"), (hint, "dim"), " "), end="")
    await ctx.flush()
    while True:
        key = await ctx.term.read_key()
        if key.name == "enter":
            answer = default
        elif key.name.lower() in ("y", "n"):
            answer = key.name.lower() == "y"
            ctx.term.discard_enter()  # "y" Enter is one answer, not two keys
        elif key.name == "escape":
            answer = False
        else:
            continue
        ctx.write(ctx.text("answer_yes" if answer else "answer_no") + "\r\n")
        await ctx.flush()
        return answer


async def next_key(ctx: SessionContext, redraw: Callable[[], object]) -> Key:
    """The next key; when the window is resized meanwhile, `redraw()` draws the screen again."""
    while True:
        event = await ctx.term.read_input()
        if isinstance(event, Key):
            return event
        ctx.sync_size()
        redraw()
        await ctx.flush()


async def pause(ctx: SessionContext, text: str = "") -> Key | None:
    """Wait for one key (a resize does not count), saying `text` (by default the skin's
    `press_any_key`). Returns the key."""
    ctx.print(
        Text(ctx.text("pause_frame", text=text or ctx.text("press_any_key")), style="dim"), end=""
    )
    await ctx.flush()
    while True:
        event = await ctx.term.read_input()
        if isinstance(event, Resize):
            ctx.sync_size()
            continue
        ctx.write("\r\x1b[K")
        return event


def say(ctx: SessionContext, message: str, style: str = "info") -> None:
    """One line of feedback (user text is never markup)."""
    ctx.print(Text(message, style=style))


async def ask(
    ctx: SessionContext,
    prompt: str,
    *,
    max_len: int = 60,
    mask: str | None = None,
    initial: str = "",
) -> str:
    """A prompt in the board's style, returning the typed line."""
    shown = ctx.render_cached(("prompt", prompt), lambda: Text(prompt, style="prompt"), end="")
    ctx.write(shown)
    result = await read_line(
        ctx.term, "", max_len=max_len, mask=mask, initial=initial, shown_prompt=shown
    )
    return result or ""

"""The one-liners wall: the last 15 lines callers left, and A to add one (75 characters)."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import ONELINER_MAX, ONELINERS_SHOWN, OneLiner
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav
from retroboard.ui.prompts import ask, say
from retroboard.ui.screens.kit import HELP, KeyedScreen, clean, width

BINDINGS = Bindings(
    (
        Binding(("a",), "add", "help_oneliners_add"),
        Binding(("q", "escape", "enter"), "back", "help_oneliners_back"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)
LINE_MODE_ROOM = 4 * ONELINER_MAX  # a line-mode client sends whole lines: take more, then refuse


def wall_line(ctx: SessionContext, o: OneLiner) -> Text:
    line = Text(f"{clean(o.handle)}: ", style="author")
    line.append(clean(o.text))
    line.truncate(width(ctx) * 2, overflow="crop")
    return line


class OneLinersScreen(KeyedScreen):
    """The wall, oldest of the last 15 first; `add=True` opens straight at the add prompt."""

    ACTIVITY = Activity("oneliners")
    BINDINGS = BINDINGS
    CASELESS = True

    def __init__(self, add: bool = False) -> None:
        self.add_first = add
        self.wall: list[OneLiner] = []
        self.message = ""
        self.message_style = "info"

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("oneliners_title")

    async def _load(self, ctx: SessionContext) -> None:
        self.wall = await ctx.services.oneliners.latest(ONELINERS_SHOWN)

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        ctx.print(Text(f" {ctx.text('oneliners_title')} ", style="title"))
        if not self.wall:
            ctx.print(Text(ctx.text("oneliners_empty"), style="dim"))
        for o in self.wall:
            ctx.print(wall_line(ctx, o))
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The message of the last key on a line of its own, then the prompt again."""
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        ctx.print(Text(ctx.text("oneliners_prompt"), style="prompt"), end="")

    async def run(self, ctx: SessionContext) -> Nav:
        await self._load(ctx)
        if self.add_first:
            self.add_first = False
            await self.dispatch(ctx, "a")
        return await self.loop(ctx)

    async def on_add(self, ctx: SessionContext) -> Nav | None:
        """Ask for the line; the limit is told first and held at the prompt (the bell rings
        at the 75th character); the service refuses anything longer or empty, with a reason."""
        assert ctx.user is not None
        ctx.write("\r\n")
        say(ctx, ctx.text("oneliners_limit", limit=ONELINER_MAX), "dim")
        room = LINE_MODE_ROOM if ctx.term.info.line_mode else ONELINER_MAX
        text = await ask(ctx, ctx.text("oneliners_add_prompt"), max_len=room)
        if not text.strip():
            self.say(ctx.text("oneliners_nothing"))
            return None
        await ctx.services.oneliners.add(ctx.user, text)
        await self._load(ctx)
        self.say(ctx.text("oneliners_added"), "ok")
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

"""The time machine: pick an era (every skin with `era`, by year); it becomes the member's skin."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav
from retroboard.ui.prompts import say
from retroboard.ui.screens.kit import HELP, KeyedScreen
from retroboard.ui.skin import Skin

MAX_ERAS = 9  # the eras offered, keys 1-9; key 0 is today's board
TODAY = "0"

BINDINGS = Bindings(
    (
        Binding(("q", "escape", "enter"), "back", "help_era_back"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)


def eras(skins: Mapping[str, Skin]) -> list[Skin]:
    """The skins that are eras, oldest year first (at most MAX_ERAS)."""
    return sorted((s for s in skins.values() if s.era), key=lambda s: (s.era, s.name))[:MAX_ERAS]


def era_choices(skins: Mapping[str, Skin], default_skin: str) -> dict[str, str]:
    """Key -> the skin name it chooses: '1'... for each era, '0' for today's board (the board's
    default skin as '', or the default skin itself when the board's default is an era)."""
    choices = {str(n): s.name for n, s in enumerate(eras(skins), 1)}
    board_default = skins.get(default_skin)
    choices[TODAY] = "default" if board_default is not None and board_default.era else ""
    return choices


class EraScreen(KeyedScreen):
    """A numbered list of eras; a number switches the session's skin and remembers it."""

    ACTIVITY = Activity("settings")
    BINDINGS = BINDINGS
    CASELESS = True

    def __init__(self) -> None:
        self.picked = ""

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("era_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        ctx.print(Text(f" {ctx.text('era_title')} ", style="title"))
        ctx.print(Text(ctx.text("era_intro"), style="dim"))
        for n, skin in enumerate(eras(ctx.board.skins), 1):
            line = Text.assemble(
                ("[", "dim"),
                (str(n), "hotkey"),
                ("] ", "dim"),
                (ctx.text("era_row", year=skin.era, name=skin.era_name), "label"),
            )
            if skin.name == ctx.skin.name:
                line.append(ctx.text("era_current"), style="info")
            ctx.print(line)
        today = Text.assemble(
            ("[", "dim"), (TODAY, "hotkey"), ("] ", "dim"), (ctx.text("era_none"), "label")
        )
        if not ctx.skin.era:
            today.append(ctx.text("era_current"), style="info")
        ctx.print(today)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        ctx.print(Text(ctx.text("era_prompt"), style="prompt"), end="")

    def take_key(self, ctx: SessionContext, key: str) -> str | None:
        if key in era_choices(ctx.board.skins, ctx.board.default_skin):
            self.picked = key
            return "picked"
        return key

    async def dispatch(self, ctx: SessionContext, key: str) -> Nav | None:
        if key == "picked" and self.picked:
            return await self.choose(ctx, self.picked)
        return await super().dispatch(ctx, key)

    async def choose(self, ctx: SessionContext, key: str) -> Nav:
        """Remember the era `key` picks as the member's skin and switch to it now."""
        assert ctx.user is not None
        name = era_choices(ctx.board.skins, ctx.board.default_skin)[key]
        ctx.user = await ctx.services.users.set_skin(ctx.user.id, name)
        skin = ctx.use_skin(name)  # from here on the output is the new era's
        ctx.write(key + "\r\n")
        if skin.era:
            say(ctx, ctx.text("era_switched", year=skin.era, name=skin.era_name), "ok")
        else:
            say(ctx, ctx.text("era_today"), "ok")
        return Back()

    async def run(self, ctx: SessionContext) -> Nav:
        return await self.loop(ctx)

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

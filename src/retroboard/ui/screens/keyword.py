"""The 1994 era's main screen: channel buttons and a "Keyword: " prompt, as an online service had.

It shows a menu file that names it (`screen = "keyword"`, e.g. ui/menus/online1994/main.toml):
the menu's items are the channel buttons, numbered, each with the keyword that opens it; the
menu's `[keywords]` table is every word the prompt takes (ui.menus). A channel's number or a
keyword opens its target; `?` lists the keywords; an unknown word says so and suggests a few.
Right after login the main menu hands over here with its greeting's lines (ui.screens.menu).
"""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.ui.context import SessionContext
from retroboard.ui.menus import LOGOFF, Menu, MenuItem
from retroboard.ui.nav import BaseScreen, Logoff, Nav, Push
from retroboard.ui.prompts import ask_yes_no, say
from retroboard.ui.screens.kit import clean, panel_box, post_message, width
from retroboard.ui.widgets.lineinput import read_line

KEYWORD_MAX = 24  # the longest keyword typed (longer ones ring the bell)
SUGGESTED = 5  # keywords an unknown word's answer suggests
WIDE = 70  # from this many columns the buttons stand in three columns, each two rows high


class KeywordScreen(BaseScreen):
    """Channel buttons and the keyword prompt (see the module docstring)."""

    ACTIVITY = Activity("main_menu")

    def __init__(
        self,
        name: str = "main",
        greet: bool = False,
        new_letters: int = 0,
        notes: tuple[Text, ...] = (),
    ) -> None:
        self.name = name
        self.greet = greet  # right after login: "Welcome!" (and the mail) above the buttons
        self.new_letters = new_letters
        self.notes = notes  # the rest of the greeting (since your last call, failed logins)
        self.message = ""
        self.message_style = "info"

    menu: Menu

    # ---- what the menu file says
    def buttons(self, ctx: SessionContext) -> list[MenuItem]:
        assert ctx.user is not None
        return self.menu.visible(ctx.user.level)

    def word_for(self, item: MenuItem) -> str:
        """The first keyword that opens `item`'s target ('' when none does)."""
        return next((w for w, target in self.menu.keywords if target == item.target), "")

    def target_of(self, ctx: SessionContext, typed: str) -> str | None:
        """The target a typed keyword or channel number opens, None for an unknown one."""
        buttons = self.buttons(ctx)
        if typed.isdigit() and 1 <= int(typed) <= len(buttons):
            return buttons[int(typed) - 1].target
        word = typed.upper()
        return next((target for w, target in self.menu.keywords if w == word), None)

    def keyword_list(self, ctx: SessionContext, count: int | None = None) -> str:
        words = [w for w, _ in self.menu.keywords]
        return ctx.text("keyword_separator").join(words[:count])

    # ---- drawing
    def channels(self, ctx: SessionContext) -> Panel:
        """The buttons in a box: on a wide screen three columns of two rows each (the label,
        then its keyword), else one button a row with its keyword in a column of its own."""
        wide = width(ctx) >= WIDE
        columns = 3 if wide else 2
        grid = Table.grid(padding=(0, 3 if wide else 2))
        for _ in range(columns):
            grid.add_column()
        cells: list[Text] = []
        for n, item in enumerate(self.buttons(ctx), 1):
            button = Text(ctx.text("keyword_button", number=n, label=item.label), style="label")
            word = self.word_for(item)
            if wide:
                if word:
                    button.append("\n" + ctx.text("keyword_button_word", keyword=word), "dim")
                cells.append(button)
            else:
                cells.extend((button, Text(word, style="hotkey")))
        for row in range(0, len(cells), columns):
            chunk = cells[row : row + columns]
            grid.add_row(*chunk, *([Text()] * (columns - len(chunk))))
        return Panel(
            grid,
            title=Text(ctx.text("keyword_channels"), style="title"),
            box=panel_box(ctx),
            border_style="menu_border",
            expand=wide,
            padding=(0, 1),
        )

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        title = Text(ctx.text("keyword_title", board=clean(ctx.board.name)), style="title")
        title.align("center", width(ctx))
        ctx.print(title)
        if self.greet:
            self.greet = False
            key = "keyword_welcome_mail" if self.new_letters else "keyword_welcome"
            ctx.print(Text(ctx.text(key), style="unread" if self.new_letters else "label"))
            for note in self.notes:
                ctx.print(note)
        ctx.print(self.channels(ctx))
        long, short = ctx.text("keyword_hint"), ctx.text("keyword_hint_short")
        ctx.print(Text(long if len(long) <= width(ctx) else short, style="dim"))
        if self.message:
            say(ctx, self.message, self.message_style)
            self.message = ""

    # ---- the loop
    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        self.menu = ctx.menus[self.name]
        self.draw(ctx)
        while True:
            shown = ctx.renderer.render(Text(ctx.text("keyword_prompt"), style="prompt"), end="")
            ctx.write(shown)
            typed = await read_line(ctx.term, "", max_len=KEYWORD_MAX, shown_prompt=shown)
            nav = await self.answer(ctx, clean(typed or "").strip())
            if nav is not None:
                return nav
            if self.message:
                say(ctx, self.message, self.message_style)
                self.message = ""
            await ctx.flush()

    async def answer(self, ctx: SessionContext, typed: str) -> Nav | None:
        """What a typed line does: open a channel, list the keywords, or say it is unknown."""
        if not typed:
            return None
        if typed == "?":
            self.message, self.message_style = (
                ctx.text("keyword_list", keywords=self.keyword_list(ctx)),
                "info",
            )
            return None
        target = self.target_of(ctx, typed)
        if target is None:
            ctx.write("\a")
            self.message, self.message_style = (
                ctx.text(
                    "keyword_unknown",
                    keyword=typed.upper(),
                    keywords=self.keyword_list(ctx, SUGGESTED),
                ),
                "warn",
            )
            return None
        if target == LOGOFF:
            if await ask_yes_no(ctx, ctx.text("logoff_question"), default=True):
                return Logoff()
            return None
        if target.startswith("menu:"):
            return Push("menu", name=target[5:])
        return Push(target)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from a channel: the buttons again, with what became of a post if one was sent."""
        if note := post_message(result, ctx):
            self.message, self.message_style = note, "ok"
        return await self.run(ctx)

"""A hotkey menu drawn from its TOML definition; `?` redraws, one key picks an item."""

from __future__ import annotations

from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.errors import BoardError
from retroboard.domain.users import Level
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.menus import LOGOFF, Menu, MenuItem
from retroboard.ui.nav import Logoff, Nav, Push, Replace
from retroboard.ui.prompts import ask_yes_no, say
from retroboard.ui.screens.kit import KeyedScreen, NumberEntry, clean, post_message, show_art

TALL_MENU_ROWS = 30  # a menu's art_tall (14 rows) leaves room for the greeting and the items


def item_text(item: MenuItem, lit: bool = False) -> Text:
    """`[K] Label`; the lightbar's item in the skin's `lightbar` style (reverse video)."""
    text = Text.assemble(("[", "dim"), (item.key, "hotkey"), ("] ", "dim"), (item.label, "label"))
    if lit:
        text.stylize("lightbar")
    return text


def per_column(count: int, width: int) -> int:
    """How many items each column of the menu panel holds (two columns on a wide screen)."""
    columns = 2 if width >= 70 and count > 5 else 1
    return -(-count // columns)


def menu_panel(
    menu: Menu, level: Level, width: int, board_name: str = "", lit: int | None = None
) -> Panel:
    """The menu in a box, in columns; item number `lit` (0-based) under the lightbar."""
    items = menu.visible(level)
    per_col = per_column(len(items), width)
    columns = -(-len(items) // per_col) if items else 1
    grid = Table.grid(padding=(0, 3))
    for _ in range(columns):
        grid.add_column()
    for row in range(per_col):
        cells = [
            item_text(items[i], i == lit) if (i := c * per_col + row) < len(items) else ""
            for c in range(columns)
        ]
        grid.add_row(*cells)
    return Panel(
        grid,
        title=Text(f" {board_name} - {menu.title} " if board_name else menu.title, style="title"),
        box=box.DOUBLE,
        expand=False,
        border_style="menu_border",
        padding=(0, 2),
    )


async def draft_offer(ctx: SessionContext) -> Push | None:
    """Where to go right after login if the user has unfinished messages, else None."""
    if ctx.user is None:
        return None
    try:
        drafts = await ctx.services.drafts.list(ctx.user.id)
    except BoardError:
        ctx.log.warning("could not look for drafts", exc_info=True)
        return None
    return Push("draft_offer", drafts=drafts) if drafts else None


async def unread_letters(ctx: SessionContext) -> int:
    """How many letters wait unread for the caller (0 when it cannot be told)."""
    if ctx.user is None:
        return 0
    try:
        return await ctx.services.mail.unread_count(ctx.user)
    except BoardError:
        ctx.log.warning("could not count new letters", exc_info=True)
        return 0


def new_letters_text(ctx: SessionContext, count: int) -> str:
    """ "You have 1 new letter." / "You have 3 new letters." in the caller's skin."""
    return ctx.text("mail_new_letter") if count == 1 else ctx.text("mail_new_letters", count=count)


def numbered_menu(menu: Menu, level: Level, board_name: str = "") -> Text:
    """The menu as numbered lines (plain skin: for screen readers and teletypes)."""
    out = Text(f"{board_name} - {menu.title}" if board_name else menu.title, style="title")
    items = menu.visible(level)
    digits = len(str(len(items)))
    for n, item in enumerate(items, 1):
        out.append(f"\n{n:>{digits}}. [{item.key}] {item.label}")
    return out


async def waiting_posts(ctx: SessionContext) -> int:
    """How many posts wait in the moderation queue, for a moderator (0 for anyone else, or
    when the count cannot be had: the greeting goes on without it)."""
    if ctx.user is None or not ctx.user.is_moderator:
        return 0
    try:
        return await ctx.services.moderation.queue_count(ctx.user)
    except BoardError:
        ctx.log.warning("could not count the moderation queue", exc_info=True)
        return 0


class MenuScreen(KeyedScreen):
    """Shows a menu and opens what the user picks (its keys are the menu's TOML items)."""

    BINDINGS = Bindings(
        (
            Binding(("?", "ctrl-l", "ctrl-r"), "redraw", hidden=True),
            Binding(("enter",), "open_lit", hidden=True),
            Binding(("up",), "bar_up", hidden=True),
            Binding(("down",), "bar_down", hidden=True),
            Binding(("left",), "bar_left", hidden=True),
            Binding(("right",), "bar_right", hidden=True),
        )
    )

    ACTIVITY = Activity("main_menu")

    def __init__(self, name: str = "main", greet: bool = False) -> None:
        self.name = name
        self.greet = greet
        self.logon = greet  # right after login: the logon sequence first (ui.screens.logon)
        self.offer_draft = greet  # then offer an unfinished message
        self.since_last_call: Text | None = None  # the logon's lines, told in the greeting
        self.new_letters = 0  # unread letters, told in the greeting
        self.waiting_posts = 0  # posts in the moderation queue, told to a moderator
        self.entry = NumberEntry()  # an item's number being typed (a linear skin)
        self.picked: MenuItem | None = None
        self.bar = 0  # the item under the lightbar (not in a linear skin: numbers there)

    menu: Menu

    def draw(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        menu = self.menu
        ctx.clear()
        art = menu.art_tall if menu.art_tall and ctx.rows >= TALL_MENU_ROWS else menu.art
        if art and ctx.rows >= 20:
            show_art(ctx, art)
        if self.greet:
            last = ctx.user.last_login_at
            ctx.print(
                Text.assemble(
                    (ctx.text("menu_greeting_welcome"), "label"),
                    (ctx.user.handle, "hotkey"),
                    (ctx.text("menu_greeting_call"), "dim"),
                    (str(ctx.user.login_count), "info"),
                    (ctx.text("menu_greeting_last_on"), "dim"),
                    (
                        last.strftime(ctx.text("menu_greeting_date_format"))
                        if last
                        else ctx.text("menu_greeting_never"),
                        "info",
                    ),
                )
            )
            self.greet = False
            letters = Text(new_letters_text(ctx, self.new_letters), style="unread")
            for line in self.greeting_notes(ctx, letters if self.new_letters else None):
                ctx.print(line)
        # The menu itself is the same for everyone of a level, size and skin: rendered once
        # for the board (`render_cached` keys it by size, colours, skin and theme too).
        level, name = ctx.user.level, clean(ctx.board.name)
        if ctx.skin.linear:
            key: tuple[object, ...] = ("menu_numbered", menu, level, name)
            ctx.print_cached(key, lambda: numbered_menu(menu, level, name))
        else:
            lit = min(self.bar, len(menu.visible(level)) - 1)
            cols = ctx.cols
            key = ("menu_panel", menu, level, name, lit)
            ctx.print_cached(key, lambda: menu_panel(menu, level, cols, name, lit))
        if self.message:  # what the screen just left said (a post's confirmation)
            say(ctx, self.message, self.message_style)
        self.prompt(ctx)

    def greeting_notes(self, ctx: SessionContext, letters: Text | None) -> list[Text]:
        """The greeting's lines after the welcome: since your last call, `letters` (the new
        letters' line), the moderation queue, failed logins (told once: taken off ctx)."""
        notes = [n for n in (self.since_last_call, letters) if n is not None]
        if self.waiting_posts:
            key = "menu_queue_waiting_one" if self.waiting_posts == 1 else "menu_queue_waiting"
            notes.append(Text(ctx.text(key, count=self.waiting_posts), style="warn"))
        notice, ctx.login_notice = ctx.login_notice, None
        if notice is not None and notice.failed_attempts:
            n = notice.failed_attempts
            when = notice.last_failed_at
            notes.append(
                Text(
                    ctx.text(
                        "menu_failed_logins_one" if n == 1 else "menu_failed_logins_many",
                        count=n,
                    )
                    + (
                        ctx.text("menu_failed_logins_last", when=f"{when:%d %b %Y %H:%M}")
                        if when
                        else ""
                    )
                    + (ctx.text("menu_failed_logins_locked") if notice.was_locked else "")
                    + ctx.text("menu_failed_logins_end"),
                    style="warn",
                )
            )
        return notes

    def prompt(self, ctx: SessionContext) -> None:
        ctx.print_cached(  # the skin's words only: one rendering per skin and shape
            ("menu_prompt",),
            lambda: Text.assemble(
                (ctx.text("menu_prompt"), "prompt"),
                (ctx.text("menu_prompt_hint"), "dim"),
                ("> ", "prompt"),
            ),
            end="",
        )

    def pick(self, ctx: SessionContext, menu: Menu, key: str) -> MenuItem | None:
        """The item a hotkey chooses."""
        assert ctx.user is not None
        return menu.find(key, ctx.user.level)

    def take_key(self, ctx: SessionContext, key: str) -> str | None:
        """Under a linear skin every item has a number: digits + Enter pick it (NumberEntry),
        letters stay hotkeys."""
        if not ctx.skin.linear or ctx.user is None:
            return key
        items = self.menu.visible(ctx.user.level)
        taken = self.entry.take(ctx, key, len(items))
        if isinstance(taken, int):
            self.picked = items[taken - 1]
            return "picked"
        return taken

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        self.menu = ctx.menus[self.name]
        if self.logon:
            self.logon = False
            return Push("logon")
        if self.greet:
            self.new_letters = await unread_letters(ctx)
            self.waiting_posts = await waiting_posts(ctx)
        if self.offer_draft:
            self.offer_draft = False
            offer = await draft_offer(ctx)
            if offer is not None:
                return offer
        if self.menu.screen is not None:  # a menu shown by a screen of its own (the keywords)
            return Replace(
                self.menu.screen,
                name=self.name,
                greet=self.greet,
                new_letters=self.new_letters if self.greet else 0,
                notes=tuple(self.greeting_notes(ctx, None)) if self.greet else (),
            )
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the logon sequence (its since-your-last-call lines, when no page showed
        them) or from any screen opened here."""
        if isinstance(result, Text):
            self.since_last_call = result
        if note := post_message(result, ctx):  # back from the composer: what became of it
            self.say(note, "ok")
        return await self.run(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The message of the last key on a line of its own, then the prompt again."""
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        self.prompt(ctx)

    async def dispatch(self, ctx: SessionContext, key: str) -> Nav | None:
        """A menu item's hotkey (or number) opens it; ?, Enter and ^L draw the menu again;
        any other key gets the unknown-key feedback of every screen."""
        if key == "picked" and self.picked is not None:  # a number typed (take_key)
            item: MenuItem | None = self.picked
            self.picked = None
            ctx.write("\r\n")
        else:
            item = self.pick(ctx, self.menu, key) if len(key) == 1 else None
            if item is not None:
                ctx.write(item.key + "\r\n")
        if item is None:
            return await super().dispatch(ctx, key)
        return await self.open(ctx, item)

    async def open(self, ctx: SessionContext, item: MenuItem) -> Nav | None:
        """Open `item` (a screen, a submenu, or logoff after asking); the lightbar stays on it."""
        assert ctx.user is not None
        items = self.menu.visible(ctx.user.level)
        if item in items:
            self.bar = items.index(item)
        self.message = ""
        self.keep_screen()
        if item.target == LOGOFF:
            if await ask_yes_no(ctx, ctx.text("logoff_question"), default=True):
                return Logoff()
            return None
        if item.target.startswith("menu:"):
            return Push("menu", name=item.target[5:])
        return Push(item.target)

    # ---- the lightbar (arrows move it, Enter opens its item; a linear skin has none)
    def move_bar(self, ctx: SessionContext, step: int) -> None:
        assert ctx.user is not None
        if ctx.skin.linear:
            self.unknown_key(ctx)
            return
        count = len(self.menu.visible(ctx.user.level))
        self.bar = max(0, min(count - 1, self.bar + step))

    def column_step(self, ctx: SessionContext) -> int:
        assert ctx.user is not None
        return per_column(len(self.menu.visible(ctx.user.level)), ctx.cols)

    async def on_bar_up(self, ctx: SessionContext) -> Nav | None:
        self.move_bar(ctx, -1)
        return None

    async def on_bar_down(self, ctx: SessionContext) -> Nav | None:
        self.move_bar(ctx, 1)
        return None

    async def on_bar_left(self, ctx: SessionContext) -> Nav | None:
        self.move_bar(ctx, -self.column_step(ctx))
        return None

    async def on_bar_right(self, ctx: SessionContext) -> Nav | None:
        self.move_bar(ctx, self.column_step(ctx))
        return None

    async def on_open_lit(self, ctx: SessionContext) -> Nav | None:
        """Enter: the lightbar's item; in a linear skin (no lightbar) the menu again."""
        assert ctx.user is not None
        items = self.menu.visible(ctx.user.level)
        if ctx.skin.linear or not items:
            return None
        item = items[min(self.bar, len(items) - 1)]
        ctx.write(item.key + "\r\n")
        return await self.open(ctx, item)

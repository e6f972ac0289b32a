"""Bulletins: the sysop's news, newest first, new ones marked; Enter reads one, a sysop W writes."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import BULLETIN_TITLE_MAX, Bulletin
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav
from retroboard.ui.prompts import ask
from retroboard.ui.screens.kit import (
    HELP,
    NARROW,
    REDRAW_SCREEN,
    ListScreen,
    at_bottom,
    cell,
    clean,
    key_hints,
    list_moves,
    long_date,
    put,
    short_date,
    title_bar,
    width,
)
from retroboard.ui.widgets.fse import run_full_screen_editor
from retroboard.ui.widgets.line_editor import run_line_editor
from retroboard.ui.widgets.textpage import MORE, body_lines, show_paged

BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "read", "help_bulletins_read"),
        Binding(("w", "W"), "write", "help_bulletins_write"),
        Binding(("q", "Q", "escape", "left"), "back", "help_bulletins_back"),
        HELP,
        REDRAW_SCREEN,
    )
)
READER_KEYS = Bindings(
    (
        Binding(("enter", " "), MORE, "help_bulletin_more"),
        Binding(("q", "escape"), "stop", "help_bulletin_stop"),
    )
)
NEW_MARK = "N"  # before a bulletin the caller has not seen yet


class BulletinsScreen(ListScreen[Bulletin]):
    """Every bulletin, newest first: new mark, date, title, author."""

    ACTIVITY = Activity("bulletins")
    BINDINGS = BINDINGS

    def __init__(self) -> None:
        self.items: list[Bulletin] = []
        self.seen = 0  # the newest bulletin the caller had seen when the list was loaded
        self.index = 0
        self.message = ""
        self.message_style = "info"

    def allowed(self, ctx: SessionContext) -> set[str] | None:
        everyone = set(self.BINDINGS.actions) - {"write"}
        return None if ctx.user is not None and ctx.user.is_sysop else everyone

    async def _load(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        self.items = await ctx.services.bulletins.list()
        self.seen = await ctx.services.bulletins.last_seen(ctx.user)
        self.index = max(0, min(self.index, len(self.items) - 1))

    # ---- drawing -------------------------------------------------------------------------
    def rows(self) -> list[Bulletin]:
        return self.items

    def first_row(self, ctx: SessionContext) -> int:
        return 3  # row 1 title, row 2 column names

    def _columns(self, ctx: SessionContext) -> tuple[int, int]:
        """Widths of the title and the author (0: not shown at this width)."""
        w = width(ctx) - 3 - 7  # the marker, the new mark, the date
        if w + 10 < NARROW:
            return max(1, w), 0
        return max(10, w - 15), 14

    def row_text(self, ctx: SessionContext, b: Bulletin, selected: bool) -> Text:
        title_w, author_w = self._columns(ctx)
        new = b.id > self.seen
        line = Text(NEW_MARK if new else " ", style="unread")
        line.append(" ")
        line.append(f"{short_date(b.created_at):<7}", style="date")
        line.append_text(cell(ctx, b.title, title_w, "unread" if new else "subject"))
        if author_w:
            line.append(" ")
            line.append_text(cell(ctx, b.author, author_w, "author"))
        return line

    def draw_empty(self, ctx: SessionContext) -> None:
        put(ctx, self.first_row(ctx), Text("  " + ctx.text("bulletins_empty"), style="dim"))

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("bulletins_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        new = sum(1 for b in self.items if b.id > self.seen)
        key = "bulletins_count_one" if len(self.items) == 1 else "bulletins_count"
        right = ctx.text(key, count=len(self.items), new=new)
        title_bar(ctx, ctx.text("bulletins_title"), right)
        title_w, author_w = self._columns(ctx)
        names = "   " + ctx.text("bulletins_col_date").ljust(7)
        names += ctx.text("bulletins_col_title").ljust(title_w)
        if author_w:
            names += " " + ctx.text("bulletins_col_author")
        put(ctx, 2, Text(names, style="header"))
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The last row: the message of the last key, else the key hints."""
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            sysop = ctx.user is not None and ctx.user.is_sysop
            long, short = ("bulletins_hints_sysop", "bulletins_hints_sysop_short")
            if not sysop:
                long, short = ("bulletins_hints", "bulletins_hints_short")
            put(ctx, ctx.rows, key_hints(ctx, ctx.text(long), ctx.text(short)))
        if ctx.term.info.cursor:
            self.park(ctx)
        else:
            at_bottom(ctx)

    # ---- the flow ------------------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        await self._load(ctx)
        return await self.loop(ctx)

    async def on_read(self, ctx: SessionContext) -> Nav | None:
        """The bulletin paged on a cleared screen; reading one counts every older one seen."""
        assert ctx.user is not None
        if not self.items:
            self.say(ctx.text("bulletins_none_to_read"), "warn")
            self.keep_screen()
            return None
        b = self.items[self.index]
        new = b.id > self.seen
        ctx.clear()
        w = width(ctx)
        head = [
            Text((ctx.text("bulletin_new_mark") if new else "") + clean(b.title), style="subject"),
            Text(
                ctx.text("bulletin_byline", author=clean(b.author), date=long_date(b.created_at)),
                style="dim",
            ),
            Text("-" * min(w, 40), style="dim"),
        ]
        prompt = key_hints(
            ctx, ctx.text("bulletin_more_prompt"), ctx.text("bulletin_more_prompt_short")
        )
        await show_paged(ctx, [*head, *body_lines(b.body, w)], prompt, READER_KEYS)
        if new:
            await ctx.services.bulletins.mark_seen(ctx.user, b.id)
            self.seen = max(self.seen, b.id)
        return None

    async def on_write(self, ctx: SessionContext) -> Nav | None:
        """A sysop writes one: the title, then the text in the caller's editor."""
        assert ctx.user is not None
        if not ctx.user.is_sysop:
            self.say(ctx.text("bulletins_sysop_only"), "warn")
            return None
        ctx.clear()
        title = await ask(ctx, ctx.text("bulletins_title_prompt"), max_len=BULLETIN_TITLE_MAX)
        if not title.strip():
            self.say(ctx.text("bulletins_not_written"))
            return None
        full = ctx.user.editor == "fse" and ctx.term.info.cursor and not ctx.skin.linear
        ctx.doing(Activity("writing_bulletin"))
        try:
            if full:
                lines = await run_full_screen_editor(ctx.term, title=title, texts=ctx.text)
            else:
                lines = await run_line_editor(
                    ctx.term, title=title, show_title=False, texts=ctx.text
                )
        finally:
            ctx.doing(self.ACTIVITY)
        if not lines:
            self.say(ctx.text("bulletins_not_written"))
            return None
        b = await ctx.services.bulletins.add(ctx.user, title, "\n".join(lines))
        await self._load(ctx)
        self.index = next((i for i, x in enumerate(self.items) if x.id == b.id), 0)
        self.say(ctx.text("bulletins_written", number=b.id), "ok")
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

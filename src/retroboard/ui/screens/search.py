"""Search articles by words in the subject, text or author, and open a hit in the reader."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.boards import SearchHit
from retroboard.domain.errors import BoardError
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav, Push
from retroboard.ui.prompts import ask, next_key, say
from retroboard.ui.results import ReaderExit
from retroboard.ui.screens.kit import (
    DOWN,
    NARROW,
    PAGE_DOWN,
    PAGE_UP,
    QUIT,
    REDRAW,
    UP,
    at_bottom,
    cell,
    clean,
    draw_window,
    key_hints,
    long_date,
    put,
    short_date,
    show_help,
    title_bar,
    width,
)

QUERY_MAX = 100  # the search service refuses longer queries
RESULTS_MAX = 100
SEARCH_KEYS = (
    ("Up Down  j k", "move the cursor"),
    ("PgUp PgDn  b Space", "previous / next page"),
    ("Home  End", "first / last hit"),
    ("Enter", "read the article"),
    ("/", "a new search"),
    ("q  Esc", "back"),
    ("?", "this help"),
)
FIRST_ROW = 3  # row 1 title, row 2 column names


class SearchScreen(BaseScreen):
    """`Search for:` then a list of hits (newest first) with a cursor; Enter reads one."""

    def __init__(self) -> None:
        self.query = ""
        self.group = ""
        self.hits: list[SearchHit] = []
        self.cursor = 0
        self.top = 0
        self.message = ""
        self.message_style = "info"

    layout = "full"

    def activity(self) -> str:
        return "Searching articles"

    # ---- asking ------------------------------------------------------------------------
    async def _ask(self, ctx: SessionContext) -> bool:
        """Prompt for a search until it finds something (True) or the user gives up (False)."""
        assert ctx.user is not None
        ctx.clear()
        title_bar(ctx, "Search articles")
        ctx.write("\r\n")
        ctx.print(
            Text(
                "Words from the subject, the text or the author's handle. "
                "Enter on its own goes back.",
                style="dim",
            )
        )
        while True:
            query = (await ask(ctx, "Search for: ", max_len=QUERY_MAX)).strip()
            if not query:
                return False
            group = await self._ask_group(ctx)
            if group is None:
                continue
            try:
                hits = await ctx.services.search.search(
                    ctx.user, query, group=group or None, limit=RESULTS_MAX
                )
            except BoardError as exc:
                say(ctx, str(exc), "error")
                continue
            if not hits:
                where = f" in {group}" if group else ""
                say(ctx, f"No articles match '{query}'{where}.", "warn")
                continue
            self.query, self.group, self.hits = query, group, list(hits)
            self.cursor = self.top = 0
            self.message = ""
            return True

    async def _ask_group(self, ctx: SessionContext) -> str | None:
        """'' for every group, a group the user can read, or None to ask for the words again."""
        assert ctx.user is not None
        group = (await ask(ctx, "In group (Enter for all): ", max_len=80)).strip().lower()
        if not group:
            return ""
        try:
            status = await ctx.services.groups.status(ctx.user, group)
        except BoardError as exc:
            say(ctx, str(exc), "error")
            return None
        name: str = status.group.name
        return name

    # ---- the list ------------------------------------------------------------------------
    def _height(self, ctx: SessionContext) -> int:
        return max(1, ctx.rows - FIRST_ROW - 1)  # the last two rows: details and keys

    def _scroll(self, ctx: SessionContext) -> None:
        self.cursor = max(0, min(self.cursor, len(self.hits) - 1))
        height = self._height(ctx)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(0, min(self.top, max(0, len(self.hits) - height)))

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int, int]:
        """Widths of subject, author, group and date (0 = not shown at this width)."""
        w = width(ctx) - 2  # the cursor marker
        if w + 2 < NARROW:
            author = min(10, w // 3)
            return max(1, w - author - 1), author, 0, 0
        wide = w >= 120
        author, group, date = (16 if wide else 12), (24 if wide else 18), 8
        return max(10, w - author - group - date - 3), author, group, date

    def _row(self, ctx: SessionContext, hit: SearchHit, selected: bool) -> Text:
        subject_w, author_w, group_w, date_w = self._columns(ctx)
        h = hit.head
        line = Text("> " if selected else "  ", style="hotkey")
        line.append_text(cell(ctx, h.subject, subject_w, "subject"))
        line.append(" ")
        line.append_text(cell(ctx, h.author, author_w, "author"))
        if group_w:
            line.append(" ")
            line.append_text(cell(ctx, hit.group, group_w, "info"))
        if date_w:
            line.append(" ")
            line.append_text(cell(ctx, short_date(h.date), date_w, "date"))
        return line

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        self._scroll(ctx)
        where = f" in {self.group}" if self.group else ""
        count = len(self.hits)
        title_bar(
            ctx,
            f"Search: {self.query}{where}",
            f"{count}{'+' if count >= RESULTS_MAX else ''} found",
        )
        subject_w, author_w, group_w, date_w = self._columns(ctx)
        names = "  " + "Subject".ljust(subject_w) + " " + "Author".ljust(author_w)
        if group_w:
            names += " " + "Group".ljust(group_w)
        if date_w:
            names += " " + "Date"
        put(ctx, 2, Text(names, style="header"))
        height = self._height(ctx)
        draw_window(
            ctx,
            FIRST_ROW,
            height,
            self.top,
            self.cursor,
            self.hits,
            lambda item, selected: self._row(ctx, item, selected),
        )
        hit = self.hits[self.cursor]
        put(
            ctx,
            ctx.rows - 1,
            Text.assemble(
                (f"{hit.group} #{hit.head.number}", "info"),
                (" from ", "dim"),
                (clean(hit.head.from_line), "author"),
                (", ", "dim"),
                (long_date(hit.head.date), "date"),
            ),
        )
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            put(
                ctx,
                ctx.rows,
                key_hints(
                    ctx,
                    "Enter read  / new search  q back  ? help",
                    "Enter read  / again  q back  ?",
                ),
            )
        at_bottom(ctx)

    async def run(self, ctx: SessionContext) -> Nav:
        if not await self._ask(ctx):
            return Back()
        return await self._loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the reader, which may have a word for us."""
        if isinstance(result, ReaderExit) and result.message:
            self.message, self.message_style = clean(result.message), "info"
        return await self._loop(ctx)

    async def _loop(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await next_key(ctx, lambda: self.draw(ctx))
            self.message = ""
            name = event.name
            page = self._height(ctx)
            if name in UP:
                self.cursor -= 1
            elif name in DOWN:
                self.cursor += 1
            elif name in PAGE_UP:
                self.cursor -= page
                self.top -= page
            elif name in PAGE_DOWN:
                self.cursor += page
                self.top += page
            elif name == "home":
                self.cursor = 0
            elif name == "end":
                self.cursor = len(self.hits) - 1
            elif name in ("enter", "right"):
                hit = self.hits[self.cursor]
                return Push("reader", group_name=hit.group, number=hit.head.number)
            elif name == "/":
                await self._ask(ctx)  # giving up keeps the hits already shown
            elif name in QUIT or name == "left":
                return Back()
            elif name == "?":
                await show_help(ctx, "Search", SEARCH_KEYS)
            elif name not in REDRAW:
                ctx.write("\a")
                await ctx.flush()
                continue
            self.draw(ctx)
            await ctx.flush()

"""Search articles by words in the subject, text or author, and open a hit in the reader."""

from __future__ import annotations

from typing import Literal

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import SearchHit
from retroboard.domain.errors import BoardError
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.prompts import ask, say
from retroboard.ui.results import ReaderExit
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

QUERY_MAX = 100  # the search service refuses longer queries
PAGE = 100  # hits fetched at a time (the service's page limit)
LOADED_MAX = 1000  # hits kept in memory: past this the list says "1000+"
Order = Literal["rank", "newest"]  # the search service's orders
ORDERS: tuple[Order, Order] = ("rank", "newest")
BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "read", "help_search_read"),
        Binding(("o",), "order", "help_search_order"),
        Binding(("/",), "new_search", "help_search_new_search"),
        Binding(("q", "escape", "left"), "back", "help_search_back"),
        HELP,
        REDRAW_SCREEN,
    )
)


class SearchScreen(ListScreen[SearchHit]):
    """`Search for:` then a list of hits (best match first, or newest: `o`) with a cursor,
    the excerpt of the cursor's hit under the list; Enter reads one, Space in the reader
    goes on to the next hit."""

    BINDINGS = BINDINGS

    def __init__(self) -> None:
        self.query = ""
        self.group = ""
        self.hits: list[SearchHit] = []
        self.more = False  # the last page was full: there may be more hits
        self.order: Order = "rank"
        self.index = 0
        self.message = ""
        self.message_style = "info"

    def activity(self) -> Activity:
        return Activity("searching")

    # ---- asking ------------------------------------------------------------------------
    async def _ask(self, ctx: SessionContext) -> bool:
        """Prompt for a search until it finds something (True) or the user gives up (False)."""
        assert ctx.user is not None
        ctx.clear()
        title_bar(ctx, ctx.text("search_title"))
        ctx.write("\r\n")
        ctx.print(Text(ctx.text("search_intro"), style="dim"))
        while True:
            query = (await ask(ctx, ctx.text("search_prompt"), max_len=QUERY_MAX)).strip()
            if not query:
                return False
            group = await self._ask_group(ctx)
            if group is None:
                continue
            try:
                hits = await self._fetch(ctx, query, group, 0)
            except BoardError as exc:
                say(ctx, str(exc), "error")
                continue
            if not hits:
                if group:
                    say(ctx, ctx.text("search_no_match_in", query=query, group=group), "warn")
                else:
                    say(ctx, ctx.text("search_no_match", query=query), "warn")
                continue
            self.query, self.group, self.hits = query, group, hits
            self.more = len(hits) == PAGE
            self.index = 0
            self.message = ""
            return True

    async def _fetch(
        self, ctx: SessionContext, query: str, group: str, offset: int
    ) -> list[SearchHit]:
        """One page of hits in the screen's order. Raises BoardError (a bad query)."""
        assert ctx.user is not None
        found: list[SearchHit] = await ctx.services.search.search(
            ctx.user, query, group=group or None, order=self.order, limit=PAGE, offset=offset
        )
        return found

    async def load_more(self, ctx: SessionContext, until: int) -> None:
        """Fetch pages until row `until` is loaded, there are no more or LOADED_MAX is kept."""
        while self.more and len(self.hits) <= until and len(self.hits) < LOADED_MAX:
            page = await self._fetch(ctx, self.query, self.group, len(self.hits))
            self.hits += page
            self.more = len(page) == PAGE

    async def _ask_group(self, ctx: SessionContext) -> str | None:
        """'' for every group, a group the user can read, or None to ask for the words again."""
        assert ctx.user is not None
        group = (await ask(ctx, ctx.text("search_group_prompt"), max_len=80)).strip().lower()
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
    def rows(self) -> list[SearchHit]:
        return self.hits

    def first_row(self, ctx: SessionContext) -> int:
        return 3  # row 1 title, row 2 column names

    def height(self, ctx: SessionContext) -> int:
        return max(1, ctx.rows - 2 - self.first_row(ctx))  # then excerpt, detail and hints

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int, int]:
        """Widths of subject, author, group and date (0 = not shown at this width)."""
        w = width(ctx) - 2  # the selection marker and a space
        if w + 2 < NARROW:
            author = min(10, w // 3)
            return max(1, w - author - 1), author, 0, 0
        wide = w >= 120
        author, group, date = (16 if wide else 12), (24 if wide else 18), 8
        return max(10, w - author - group - date - 3), author, group, date

    def row_text(self, ctx: SessionContext, hit: SearchHit, selected: bool) -> Text:
        subject_w, author_w, group_w, date_w = self._columns(ctx)
        h = hit.head
        line = Text(" ")
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

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("search_help_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        count = len(self.hits)
        title = (
            ctx.text("search_results_title_in", query=self.query, group=self.group)
            if self.group
            else ctx.text("search_results_title", query=self.query)
        )
        found = ctx.text(
            "search_found_more" if self.more else "search_found",
            count=count,
            order=ctx.text(f"search_order_{self.order}"),
        )
        title_bar(ctx, title, found)
        subject_w, author_w, group_w, date_w = self._columns(ctx)
        names = (
            "  "
            + ctx.text("col_subject").ljust(subject_w)
            + " "
            + ctx.text("col_author").ljust(author_w)
        )
        if group_w:
            names += " " + ctx.text("col_group").ljust(group_w)
        if date_w:
            names += " " + ctx.text("col_date")
        put(ctx, 2, Text(names, style="header"))
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The cursor's hit in detail, then the message or the key hints."""
        if self.hits:
            hit = self.hits[self.index]
            put(ctx, ctx.rows - 2, self._excerpt(ctx, hit))
            put(ctx, ctx.rows - 1, self._detail(ctx, hit))
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            hints = key_hints(ctx, ctx.text("search_hints"), ctx.text("search_hints_short"))
            put(ctx, ctx.rows, hints)
        at_bottom(ctx)

    def _excerpt(self, ctx: SessionContext, hit: SearchHit) -> Text:
        """The hit's excerpt with its matches highlighted, starting early enough that the
        first match shows at this width (a cut is marked)."""
        room = width(ctx)
        text = Text(hit.snippet, style="dim")
        for start, end in hit.marks:
            text.stylize("hotkey", start, end)
        first = hit.marks[0][0] if hit.marks else 0
        cut = "..."
        if first + 12 > room:  # slide so the match shows, from a word a little before it
            start = hit.snippet.find(" ", max(0, first - room // 3), first)
            text = Text(cut, style="dim") + text[start + 1 if start >= 0 else first :]
        if text.cell_len > room:
            text.truncate(max(0, room - len(cut)), overflow="crop")
            text.append(cut, "dim")
        return Text("  ") + text if text.cell_len + 2 <= room else text

    def _detail(self, ctx: SessionContext, hit: SearchHit) -> Text:
        """Where the hit is, who wrote it and when, in one row: with the real name and the
        full date when they fit, else the handle and the short date, else cut with a mark."""
        head, room = hit.head, width(ctx)
        for author, date in (
            (head.from_line, long_date(head.date)),
            (head.author, short_date(head.date)),
        ):
            line = Text.assemble(
                (f"{hit.group} #{head.number}", "info"),
                (ctx.text("search_from"), "dim"),
                (clean(author), "author"),
                (", ", "dim"),
                (date, "date"),
            )
            if line.cell_len <= room:
                return line
        if ctx.term.info.unicode:
            line.truncate(room, overflow="ellipsis")
        else:  # no ellipsis glyph in CP437 or ASCII: the list's own cut mark
            line.truncate(max(0, room - 1), overflow="crop")
            line.append("~", "dim")
        return line

    # ---- actions (one per binding)
    async def move_to(self, ctx: SessionContext, index: int) -> None:
        if index >= len(self.hits) - 1 and self.more:
            await self.load_more(ctx, index + self.height(ctx))
            self.draw_list(ctx)
            self.draw_status(ctx)
        self.place_cursor(ctx, index)

    async def on_last(self, ctx: SessionContext) -> Nav | None:
        await self.load_more(ctx, LOADED_MAX)
        self.draw(ctx)
        self.place_cursor(ctx, len(self.hits) - 1)
        self.keep_screen()
        return None

    async def on_read(self, ctx: SessionContext) -> Nav | None:
        """Open the hit; the reader walks the hits loaded (Space at an end: the next hit)."""
        hit = self.hits[self.index]
        hits = [(h.group, h.head.number) for h in self.hits]
        return Push("reader", group_name=hit.group, number=hit.head.number, reading_list=hits)

    async def on_order(self, ctx: SessionContext) -> Nav | None:
        """Best match first, or newest first: the same search again in the other order."""
        order = ORDERS[1 - ORDERS.index(self.order)]
        previous, self.order = self.order, order
        try:
            hits = await self._fetch(ctx, self.query, self.group, 0)
        except BoardError:
            self.order = previous
            raise
        self.hits, self.more, self.index = hits, len(hits) == PAGE, 0
        self.say(ctx.text(f"search_ordered_{order}"))
        return None

    async def on_new_search(self, ctx: SessionContext) -> Nav | None:
        await self._ask(ctx)  # giving up keeps the hits already shown
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

    # ---- entering and coming back
    async def run(self, ctx: SessionContext) -> Nav:
        if not await self._ask(ctx):
            return Back()
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the reader: the cursor on the hit it stopped at, and its word, if any."""
        if isinstance(result, ReaderExit):
            where = [(h.group, h.head.number) for h in self.hits]
            if (result.group, result.number) in where:
                self.index = where.index((result.group, result.number))
            if result.message:
                self.say(clean(result.message))
            elif result.finished:
                self.say(ctx.text("search_last_hit"))
        return await self.loop(ctx)

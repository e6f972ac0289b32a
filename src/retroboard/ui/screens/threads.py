"""A group's thread list (tin-style): one row per article, drawn as a tree, paged by keyset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import ArticleHead, GroupStatus, PostResult, ThreadView
from retroboard.domain.errors import BoardError
from retroboard.domain.threads import build_tree, flatten, tree_prefix
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.results import ReaderExit
from retroboard.ui.screens.kit import (
    HELP,
    NARROW,
    REDRAW_SCREEN,
    ListScreen,
    clean,
    compose,
    confirm,
    fit,
    key_hints,
    list_moves,
    post_message,
    put,
    short_date,
    title_bar,
    use_ascii,
    width,
)

PAGE_LIMIT = 20  # threads fetched per page
MAX_SEARCH_PAGES = 50  # `n` loads at most this many more pages looking for an unread article

BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "read", "help_threads_read"),
        Binding(("n",), "next_unread", "help_threads_next_unread"),
        Binding(("tab",), "read_unread", "help_threads_read_unread"),
        Binding(("w", "p"), "post", "help_threads_post"),
        Binding(("W", "P"), "post", hidden=True),
        Binding(("c",), "catch_up", "help_threads_catch_up"),
        Binding(("q", "escape", "left", "backspace"), "back", "help_threads_back"),
        HELP,
        REDRAW_SCREEN,
    )
)


@dataclass(frozen=True)
class Line:
    """One row of the list: an article, its thread, and its tree prefix."""

    head: ArticleHead
    thread: ThreadView
    prefix: str
    first: bool  # the thread's first row (carries the reply count and the lock marker)


def thread_lines(views: tuple[ThreadView, ...], unicode: bool) -> list[Line]:
    lines: list[Line] = []
    for view in views:
        for i, row in enumerate(flatten(build_tree(view.articles))):
            lines.append(Line(row.item, view, tree_prefix(row, unicode), i == 0))
    return lines


class ThreadListScreen(ListScreen[Line]):
    """Threads of one group by latest activity; Enter reads, n finds unread, w posts."""

    BINDINGS = BINDINGS

    def __init__(self, group_name: str) -> None:
        self.group = group_name
        self.status: GroupStatus | None = None
        self.lines: list[Line] = []
        self.threads = 0
        self.cursor_key: tuple[datetime, int] | None = None
        self.exhausted = False
        self.index = 0
        self.message = ""
        self.message_style = "info"

    def activity(self) -> Activity:
        return Activity("reading", group=self.group)

    # ---- data
    async def _fetch_page(self, ctx: SessionContext, limit: int = PAGE_LIMIT) -> bool:
        assert ctx.user is not None
        if self.exhausted:
            return False
        page = await ctx.services.articles.thread_page(
            ctx.user, self.group, cursor=self.cursor_key, limit=limit
        )
        self.lines += thread_lines(page.threads, not use_ascii(ctx))
        self.threads += len(page.threads)
        self.cursor_key = page.cursor
        self.exhausted = page.cursor is None
        return bool(page.threads)

    async def _ensure(self, ctx: SessionContext, rows: int) -> None:
        """Load pages until `rows` rows are loaded or the group has no more threads."""
        while len(self.lines) < rows and not self.exhausted:
            if not await self._fetch_page(ctx):
                break

    async def _reload(self, ctx: SessionContext, focus: int | None = None) -> None:
        """Fetch again from the top (after reading or posting), keeping the cursor's article."""
        assert ctx.user is not None
        if focus is None and self.lines:
            focus = self.lines[min(self.index, len(self.lines) - 1)].head.number
        want_threads, want_rows = max(self.threads, PAGE_LIMIT), self.index + 1
        self.status = await ctx.services.groups.status(ctx.user, self.group)
        self.lines, self.threads, self.cursor_key, self.exhausted = [], 0, None, False
        await self._fetch_page(ctx, limit=want_threads)
        await self._ensure(ctx, want_rows + self.height(ctx))
        numbers = [line.head.number for line in self.lines]
        if focus in numbers:
            self.index = numbers.index(focus)
        self.index = max(0, min(self.index, len(self.lines) - 1))

    # ---- layout
    def rows(self) -> list[Line]:
        return self.lines

    def row_text(self, ctx: SessionContext, line: Line, selected: bool) -> Text:
        w = width(ctx)
        narrow = w < NARROW
        head = line.head
        flag = "D" if head.deleted else (" " if head.read else "+")
        count = ""
        if line.first and line.thread.replies:
            n = line.thread.replies
            count = f"[{n}]" if not narrow or n < 100 else "99+"
        count_w = 4 if narrow else 6
        author_w = 0 if w < 32 else 8 if narrow else 14
        date_w = 0 if narrow else 8
        subject_w = max(
            1, w - 3 - count_w - (author_w + 1 if author_w else 0) - (date_w + 1 if date_w else 0)
        )
        text = Text.assemble(
            (flag, "error" if head.deleted else "unread"),
            " ",
            (count.rjust(count_w - 1) + " ", "info"),
        )
        subject = Text(line.prefix + (" " if line.prefix else ""), style="tree")
        if line.first and line.thread.locked:
            locked = ctx.text("threads_locked_short" if narrow else "threads_locked")
            subject.append(locked + " ", style="warn")
        subject.append(
            clean(head.subject),
            style="dim" if head.deleted else "unread" if not head.read else "subject",
        )
        fit(ctx, subject, subject_w, pad=True)
        text.append_text(subject)
        if author_w:
            author = Text(" " + clean(head.author), style="author")
            author.truncate(author_w + 1, overflow="crop", pad=True)
            text.append_text(author)
        if date_w:
            text.append(" " + short_date(head.date).rjust(date_w), style="date")
        return text

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("threads_help_title", group=clean(self.group))

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        status = self.status
        right = (
            ctx.text("threads_title_note", unread=status.unread, count=status.group.article_count)
            if status
            else ""
        )
        desc = status.group.description if status and ctx.cols >= NARROW else ""
        title_bar(ctx, f"{self.group}  {desc}".rstrip(), right)
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_empty(self, ctx: SessionContext) -> None:
        text = ctx.text("threads_empty", group=clean(self.group))
        if len(text) > width(ctx):
            text = ctx.text("threads_empty_short")
        put(ctx, 3, Text(text, style="info"))

    def draw_status(self, ctx: SessionContext) -> None:
        more = "" if self.exhausted else "  " + ctx.text("threads_more_below")
        hints = key_hints(ctx, ctx.text("threads_hints"), ctx.text("threads_hints_short"))
        put(ctx, ctx.rows - 1, hints)
        if self.message:
            line = Text(clean(self.message), style=self.message_style)
        else:
            shown = len(self.lines)
            legend = ctx.text("threads_legend" if width(ctx) >= NARROW else "threads_legend_short")
            position = ctx.text("threads_position", at=self.index + 1 if shown else 0, count=shown)
            line = Text.assemble((legend, "dim"), (f"  {position}{more}", "dim"))
        put(ctx, ctx.rows, line)
        self.park(ctx)

    # ---- moves
    async def move_to(self, ctx: SessionContext, index: int) -> None:
        await self._ensure(ctx, index + 1)  # rows past the loaded ones come from the next page
        if not self.lines:
            return
        target = max(0, min(index, len(self.lines) - 1))
        await self._ensure(ctx, self.top(ctx, target) + self.height(ctx) + 1)
        self.place_cursor(ctx, target)

    async def next_unread(self, ctx: SessionContext) -> ArticleHead | None:
        assert ctx.user is not None
        after = self.lines[self.index].head.number if self.lines else 0
        return await ctx.services.articles.next_unread(ctx.user, self.group, after=after)

    async def find_row(self, ctx: SessionContext, number: int) -> int | None:
        for _ in range(MAX_SEARCH_PAGES + 1):
            for i, line in enumerate(self.lines):
                if line.head.number == number:
                    return i
            if self.exhausted or not await self._fetch_page(ctx):
                return None
        return None

    def read(self, ctx: SessionContext, number: int) -> Nav:
        return Push("reader", group_name=self.group, number=number)

    async def _returned(self, ctx: SessionContext, result: object) -> None:
        """Back from the reader or the composer: refresh and show what happened."""
        focus: int | None = None
        if isinstance(result, ReaderExit):
            self.say(result.message)
            if result.group == self.group:
                focus = result.number
        elif isinstance(result, PostResult):
            self.say(post_message(result, ctx), "ok")
            focus = dict(result.article.xref).get(self.group)
        await self._reload(ctx, focus)

    # ---- actions (one per binding)
    async def on_resize(self, ctx: SessionContext) -> None:
        await self._ensure(ctx, self.top(ctx) + self.height(ctx) + 1)

    async def on_read(self, ctx: SessionContext) -> Nav | None:
        if self.lines:
            return self.read(ctx, self.lines[self.index].head.number)
        self.say(ctx.text("threads_nothing_to_read"), "warn")
        self.keep_screen()
        return None

    async def on_next_unread(self, ctx: SessionContext) -> Nav | None:
        self.keep_screen()
        head = await self.next_unread(ctx)
        if head is None:
            self.say(ctx.text("threads_no_unread", group=self.group))
            return None
        row = await self.find_row(ctx, head.number)
        if row is None:
            return self.read(ctx, head.number)
        await self.move_to(ctx, row)
        return None

    async def on_read_unread(self, ctx: SessionContext) -> Nav | None:
        head = await self.next_unread(ctx)
        if head is None:
            self.say(ctx.text("threads_no_unread", group=self.group))
            self.keep_screen()
            return None
        return self.read(ctx, head.number)

    async def on_post(self, ctx: SessionContext) -> Nav | None:
        return compose([self.group])

    async def on_catch_up(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        if await confirm(ctx, ctx.text("catch_up_question", group=clean(self.group))):
            await ctx.services.groups.catch_up(ctx.user, self.group)
            await self._reload(ctx)
            self.say(ctx.text("threads_caught_up", group=self.group), "ok")
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

    # ---- entering and coming back
    async def run(self, ctx: SessionContext) -> Nav:
        try:
            await self._reload(ctx)
        except BoardError as exc:
            return Back(ReaderExit(self.group, 0, False, str(exc)))
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the reader or the composer with its result."""
        try:
            await self._returned(ctx, result)
        except BoardError as exc:
            return Back(ReaderExit(self.group, 0, False, str(exc)))
        return await self.loop(ctx)

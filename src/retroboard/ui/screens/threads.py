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
from retroboard.ui.models.reading import ThreadMoves
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.notices import StatusLine
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
    head_subject,
    key_hints,
    list_moves,
    post_message,
    put,
    short_date,
    title_bar,
    use_ascii,
    width,
)
from retroboard.ui.widgets.lineinput import read_line

PAGE_LIMIT = 20  # threads fetched per page
MAX_SEARCH_PAGES = 50  # `n`, `/` and `a` load at most this many more pages looking
SEARCH_MAX = 60  # characters of a subject or author search

MODERATOR_ACTIONS = frozenset({"delete_thread", "undelete_thread"})

BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "read", "help_threads_read"),
        Binding(("n",), "next_unread", "help_threads_next_unread"),
        Binding(("tab",), "read_unread", "help_threads_read_unread"),
        Binding(("K",), "mark_thread", "help_threads_mark_thread"),
        Binding(("/",), "search_subject", "help_threads_search_subject"),
        Binding(("a",), "search_author", "help_threads_search_author"),
        Binding(("t",), "toggle_collapsed", "help_threads_toggle_collapsed"),
        Binding(("e", "+"), "expand", "help_threads_expand", "keys_threads_expand"),
        Binding(("w", "p"), "post", "help_threads_post"),
        Binding(("W", "P"), "post", hidden=True),
        Binding(("c",), "catch_up", "help_threads_catch_up"),
        Binding(("D",), "delete_thread", "help_threads_delete_thread"),  # moderators only
        Binding(("U",), "undelete_thread", "help_threads_undelete_thread"),  # moderators only
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
    show_subject: bool = True  # False for a reply whose subject is its parent's


def same_subject(a: str, b: str) -> bool:
    """True when two subjects only differ by "Re:" prefixes, case and spacing."""
    return normal_subject(a) == normal_subject(b)


def normal_subject(subject: str) -> str:
    text = " ".join(subject.split()).casefold()
    while text.startswith("re:"):
        text = text[3:].lstrip()
    return text


# The rows of a thread as (place in its articles, tree prefix, subject shown), by the heads'
# numbers, Message-IDs, references, dates and subjects (all the tree and the subjects shown
# depend on) and the glyphs, for every session: each caller's page holds the same threads,
# with only their read marks differing. Most recently used last; oldest dropped first.
_TREES: dict[tuple[object, ...], tuple[tuple[int, str, bool], ...]] = {}
TREES_MAX = 2048


def thread_lines(views: tuple[ThreadView, ...], unicode: bool) -> list[Line]:
    lines: list[Line] = []
    for view in views:
        heads = view.articles
        key = (unicode, *((h.number, h.message_id, h.references, h.date, h.subject) for h in heads))
        rows = _TREES.pop(key, None)
        if rows is None:
            rows = _thread_rows(heads, unicode)
            if len(_TREES) >= TREES_MAX:
                del _TREES[next(iter(_TREES))]
        _TREES[key] = rows  # (re)inserted last: the most recently used
        for i, (at, prefix, shown) in enumerate(rows):
            lines.append(Line(heads[at], view, prefix, i == 0, shown))
    return lines


def _thread_rows(
    heads: tuple[ArticleHead, ...], unicode: bool
) -> tuple[tuple[int, str, bool], ...]:
    parents = ThreadMoves.of(heads).parent
    subjects = {head.number: head.subject for head in heads}
    place = {id(head): i for i, head in enumerate(heads)}
    rows: list[tuple[int, str, bool]] = []
    for row in flatten(build_tree(heads)):
        parent = parents.get(row.item.number)
        shown = parent is None or not same_subject(row.item.subject, subjects[parent])
        rows.append((place[id(row.item)], tree_prefix(row, unicode), shown))
    return tuple(rows)


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
        self.above = 0  # threads above the first loaded one (after End); 0: loaded from the top
        self.index = 0
        self.message = ""
        self.message_style = "info"
        self.collapsed = False  # one row per thread (tin style)
        self.expanded: set[int] = set()  # threads shown whole while collapsed
        self._shown: list[Line] | None = None  # rows() cache, dropped when lines change
        self.searches: dict[str, str] = {}  # the last subject and author searched for

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
        self._shown = None
        self.threads += len(page.threads)
        self.cursor_key = page.cursor
        self.exhausted = page.cursor is None
        return bool(page.threads)

    async def _fetch_end(self, ctx: SessionContext, limit: int) -> None:
        """Load the group's last `limit` threads only (one query whatever the group's size)."""
        assert ctx.user is not None
        page = await ctx.services.articles.thread_page(
            ctx.user, self.group, limit=limit, from_end=True
        )
        self.lines = thread_lines(page.threads, not use_ascii(ctx))
        self._shown = None
        self.threads = len(page.threads)
        self.cursor_key, self.exhausted, self.above = None, True, page.skipped

    async def _fetch_above(self, ctx: SessionContext, rows: int) -> int:
        """Load pages above the first loaded thread until `rows` more rows are shown or the
        top is reached; returns how many rows were added above."""
        assert ctx.user is not None
        before = len(self.rows())
        while self.above and self.lines and len(self.rows()) - before < rows:
            first = self.lines[0].thread
            page = await ctx.services.articles.thread_page(
                ctx.user, self.group, above=(first.last_post_at, first.thread_id), limit=PAGE_LIMIT
            )
            self.lines = thread_lines(page.threads, not use_ascii(ctx)) + self.lines
            self._shown = None
            self.threads += len(page.threads)
            top = page.cursor is None or not page.threads
            self.above = 0 if top else max(1, self.above - len(page.threads))
        return len(self.rows()) - before

    async def _ensure(self, ctx: SessionContext, rows: int) -> None:
        """Load pages until `rows` rows are loaded or the group has no more threads."""
        while len(self.rows()) < rows and not self.exhausted:
            if not await self._fetch_page(ctx):
                break

    async def _reload(self, ctx: SessionContext, focus: int | None = None) -> None:
        """Fetch again from the top (after reading or posting), keeping the cursor's article."""
        assert ctx.user is not None
        shown = self.rows()
        if focus is None and shown:
            focus = shown[min(self.index, len(shown) - 1)].head.number
        want_threads, want_rows = max(self.threads, PAGE_LIMIT), self.index + 1
        self.status = await ctx.services.groups.status(ctx.user, self.group)
        if self.above:  # the end of the group is loaded: load it again, not the top
            await self._fetch_end(ctx, want_threads)
        else:
            self.lines, self.threads, self.cursor_key, self.exhausted = [], 0, None, False
            self._shown = None
            await self._fetch_page(ctx, limit=want_threads)
            await self._ensure(ctx, want_rows + self.height(ctx))
        if focus is not None:
            self.index = self._row_of(focus, self.index)
        self.index = max(0, min(self.index, len(self.rows()) - 1))

    def _row_of(self, number: int, default: int) -> int:
        """The row showing article `number` (its thread's row while collapsed), or default."""
        for i, line in enumerate(self.rows()):
            if line.head.number == number:
                return i
        for line in self.lines:
            if line.head.number == number:
                thread = line.thread.thread_id
                for i, shown in enumerate(self.rows()):
                    if shown.thread.thread_id == thread:
                        return i
        return default

    # ---- layout
    def rows(self) -> list[Line]:
        if not self.collapsed:
            return self.lines
        if self._shown is None:
            self._shown = [
                line for line in self.lines if line.first or line.thread.thread_id in self.expanded
            ]
        return self._shown

    def row_key(self, ctx: SessionContext, line: Line, selected: bool) -> tuple[object, ...]:
        """What `row_text` shows of `line` (see ListView.row_key): the head's flags, words and
        date as shown, the tree prefix, and the thread's counts and lock on its first row."""
        head, thread = line.head, line.thread
        whole = self.collapsed and line.first and thread.thread_id not in self.expanded
        moderator = ctx.user is not None and ctx.user.is_moderator
        return (head.deleted, head.read, head.subject, head.author, short_date(head.date),
                head.deleted and moderator, line.prefix, line.first, line.show_subject, whole,
                whole and thread.unread, len(thread.articles) if whole else 0,
                thread.replies if line.first else 0, line.first and thread.locked)  # fmt: skip

    def row_text(self, ctx: SessionContext, line: Line, selected: bool) -> Text:
        w = width(ctx)
        narrow = w < NARROW
        head = line.head
        flag = "D" if head.deleted else (" " if head.read else "+")
        count = ""
        whole = self.collapsed and line.first and line.thread.thread_id not in self.expanded
        if whole:  # the thread's row: unread when any article in it is
            flag = "+" if line.thread.unread else " "
        if whole:
            n = len(line.thread.articles)
            count = f"{n:>3}" if not narrow or n < 100 else "99+"
        elif line.first and line.thread.replies:
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
            head_subject(ctx, head) if line.show_subject or head.deleted else "",
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
            shown = len(self.rows())
            legend = ctx.text("threads_legend" if width(ctx) >= NARROW else "threads_legend_short")
            position = self.position(ctx, shown)
            line = Text.assemble((legend, "dim"), (f"  {position}{more}", "dim"))
        put(ctx, ctx.rows, line)
        self.park(ctx)

    def position(self, ctx: SessionContext, shown: int) -> str:
        """ "at/total" over the whole group, not over the rows loaded so far."""
        at = self.index + 1 if shown else 0
        if self.above:  # the group's end is loaded, not its top: count what is above
            if self.collapsed or self.status is None:
                return ctx.text("threads_position", at=self.above + at, count=self.above + shown)
            total = max(len(self.lines), self.status.group.article_count)
            before = total - len(self.lines)
            return ctx.text("threads_position", at=before + at, count=total)
        if self.exhausted:
            return ctx.text("threads_position", at=at, count=shown)
        if not self.collapsed and self.status is not None:
            total = max(shown, self.status.group.article_count)
            return ctx.text("threads_position", at=at, count=total)
        return ctx.text("threads_position_more", at=at, count=shown)

    # ---- moves
    async def move_to(self, ctx: SessionContext, index: int) -> None:
        if index < 0 and self.above:  # above the loaded rows (after End): load what is there
            added = await self._fetch_above(ctx, -index)
            if added:
                self.index = max(0, index + added)
                self.draw_list(ctx)  # every row moved down
                return
        await self._ensure(ctx, index + 1)  # rows past the loaded ones come from the next page
        if not self.rows():
            return
        target = max(0, min(index, len(self.rows()) - 1))
        await self._ensure(ctx, self.top(ctx, target) + self.height(ctx) + 1)
        self.place_cursor(ctx, target)

    async def next_unread(self, ctx: SessionContext) -> ArticleHead | None:
        assert ctx.user is not None
        after = self.rows()[self.index].head.number if self.rows() else 0
        return await ctx.services.articles.next_unread(ctx.user, self.group, after=after)

    async def find_row(self, ctx: SessionContext, number: int) -> int | None:
        for _ in range(MAX_SEARCH_PAGES + 1):
            for line in self.lines:
                if line.head.number == number:
                    if self.collapsed:
                        self.expanded.add(line.thread.thread_id)  # show where it is
                        self._shown = None
                    return self._row_of(number, 0)
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

    def current(self) -> Line | None:
        shown = self.rows()
        return shown[self.index] if shown else None

    async def on_first(self, ctx: SessionContext) -> Nav | None:
        """Home: the top of the group, loaded again when End left only its end loaded."""
        if not self.above:
            return await super().on_first(ctx)
        self.above, self.lines, self.threads = 0, [], 0
        self.cursor_key, self.exhausted, self._shown = None, False, None
        self.index = 0
        await self._ensure(ctx, self.height(ctx) + 1)
        return None  # a new page: the whole screen is drawn again

    async def on_last(self, ctx: SessionContext) -> Nav | None:
        """End: the real end of the group. When the list is not loaded to its end, only the
        group's last page is fetched (one query, however many threads lie between)."""
        if self.exhausted:
            return await super().on_last(ctx)
        await self._fetch_end(ctx, max(PAGE_LIMIT, self.height(ctx)))
        self.index = max(0, len(self.rows()) - 1)
        return None  # a new page: the whole screen is drawn again

    async def on_read(self, ctx: SessionContext) -> Nav | None:
        if self.lines:
            return self.read(ctx, self.rows()[self.index].head.number)
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
        """Tab: the highlighted thread's first unread article, else the group's next one."""
        line = self.current()
        if line is not None:
            order = ThreadMoves.of(line.thread.articles).order
            heads = {head.number: head for head in line.thread.articles}
            for number in order:
                if not heads[number].read and not heads[number].deleted:
                    return self.read(ctx, number)
        head = await self.next_unread(ctx)
        if head is None:
            self.say(ctx.text("threads_no_unread", group=self.group))
            self.keep_screen()
            return None
        return self.read(ctx, head.number)

    async def on_mark_thread(self, ctx: SessionContext) -> Nav | None:
        """K: mark every article of the highlighted thread read."""
        assert ctx.user is not None
        line = self.current()
        if line is None:
            self.say(ctx.text("threads_nothing_to_read"), "warn")
            return None
        await ctx.services.articles.mark_thread_read(ctx.user, self.group, line.thread.thread_id)
        await self._reload(ctx, line.head.number)
        self.say(ctx.text("threads_thread_marked", subject=clean(line.thread.subject)), "ok")
        return None

    async def on_search_subject(self, ctx: SessionContext) -> Nav | None:
        return await self._search(ctx, "subject")

    async def on_search_author(self, ctx: SessionContext) -> Nav | None:
        return await self._search(ctx, "author")

    async def _search(self, ctx: SessionContext, field: str) -> Nav | None:
        """Ask for a text and move to the next article (after the cursor, wrapping) whose
        subject or author holds it; says so when none does."""
        last = self.searches.get(field, "")
        prompt = ctx.text(f"threads_search_{field}_prompt")
        if last:
            prompt = ctx.text("threads_search_again", prompt=prompt, text=last)
        typed = await self._ask(ctx, prompt)
        if typed is None:
            return None
        typed = " ".join(typed.split()) or last  # Enter alone: the next match of the last one
        if not typed:
            return None
        self.searches[field] = typed
        wanted = typed.casefold()
        for _ in range(MAX_SEARCH_PAGES + 1):
            shown = self.rows()
            order = list(range(self.index + 1, len(shown)))
            if self.exhausted:
                order += list(range(0, self.index + 1))
            for i in order:
                head = shown[i].head
                if head.deleted:
                    continue
                text = head.subject if field == "subject" else f"{head.author} {head.author_name}"
                if wanted in " ".join(text.split()).casefold():
                    await self.move_to(ctx, i)
                    return None
            if not self.exhausted:
                if not await self._fetch_page(ctx):
                    break
            elif self.above:  # only the group's end is loaded (End): look above it too
                added = await self._fetch_above(ctx, 1)
                if not added:
                    break
                self.index += added
            else:
                break
        self.say(ctx.text(f"threads_search_{field}_none", text=typed), "warn")
        return None

    async def _ask(self, ctx: SessionContext, prompt: str) -> str | None:
        put(ctx, ctx.rows, "")
        ctx.write(f"\x1b[{ctx.rows};1H")
        ctx.print(Text(prompt + " ", style="prompt"), end="")
        with ctx.term.interruptions(StatusLine(ctx, row=lambda: ctx.rows - 1)):
            return await read_line(
                ctx.term, "", max_len=SEARCH_MAX, allow_escape=True, notices=False
            )

    async def on_toggle_collapsed(self, ctx: SessionContext) -> Nav | None:
        """t: one row per thread with its article count (tin), or every article."""
        line = self.current()
        self.collapsed, self.expanded, self._shown = not self.collapsed, set(), None
        if line is not None:
            self.index = self._row_of(line.head.number, 0)
        await self.move_to(ctx, self.index)
        self.say(ctx.text("threads_collapsed" if self.collapsed else "threads_expanded"))
        return None

    async def on_expand(self, ctx: SessionContext) -> Nav | None:
        """e: while collapsed, show the highlighted thread whole (or fold it again)."""
        line = self.current()
        if not self.collapsed or line is None:
            self.say(ctx.text("threads_not_collapsed"))
            return None
        thread = line.thread.thread_id
        self.expanded ^= {thread}
        self._shown = None
        self.index = self._row_of(line.head.number, self.index)
        await self.move_to(ctx, self.index)
        return None

    async def on_post(self, ctx: SessionContext) -> Nav | None:
        return compose([self.group])

    async def on_catch_up(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        if await confirm(ctx, ctx.text("catch_up_question", group=clean(self.group))):
            await ctx.services.groups.catch_up(ctx.user, self.group)
            await self._reload(ctx)
            self.say(ctx.text("threads_caught_up", group=self.group), "ok")
        return None

    def allowed(self, ctx: SessionContext) -> set[str] | None:
        """Deleting and undeleting whole threads is in the help of moderators only."""
        if ctx.user is not None and ctx.user.is_moderator:
            return None
        return set(self.bindings(ctx).actions) - MODERATOR_ACTIONS

    async def _moderate_thread(self, ctx: SessionContext, undo: bool) -> Nav | None:
        """D / U: delete (or bring back) every article of the highlighted thread, asked first.
        For anyone but a moderator the key means nothing; the service checks the right too."""
        assert ctx.user is not None
        if not ctx.user.is_moderator:
            self.unknown_key(ctx)
            return None
        line = self.current()
        if line is None:
            self.say(ctx.text("threads_nothing_to_read"), "warn")
            return None
        subject = clean(line.thread.subject)
        question = "threads_undelete_question" if undo else "threads_delete_question"
        if not await confirm(ctx, ctx.text(question, subject=subject)):
            self.say(ctx.text("threads_moderate_not_done"))
            return None
        mod = ctx.services.moderation
        thread_id = line.thread.thread_id
        count = await (mod.undelete_thread if undo else mod.delete_thread)(ctx.user, thread_id)
        await self._reload(ctx, line.head.number)
        done = "threads_undeleted" if undo else "threads_deleted"
        self.say(ctx.text(done, count=count, subject=subject), "ok")
        return None

    async def on_delete_thread(self, ctx: SessionContext) -> Nav | None:
        return await self._moderate_thread(ctx, undo=False)

    async def on_undelete_thread(self, ctx: SessionContext) -> Nav | None:
        return await self._moderate_thread(ctx, undo=True)

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

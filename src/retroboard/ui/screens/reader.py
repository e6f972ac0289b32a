"""The article reader: an rn-style pager with the "what next?" prompt and thread moves.

What it decides (reading list, thread moves, next unread, paging) is ui.models.reading; this
screen fetches, draws and dispatches keys through its BINDINGS table.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import Article
from retroboard.domain.errors import BoardError
from retroboard.domain.flowed import as_flowed, reflow
from retroboard.domain.text import sanitize
from retroboard.domain.usenet import attribution_line, quote_body, reply_subject, rot13
from retroboard.domain.users import is_handle
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.models.reading import Done, Lookup, Pager, Reading, ThreadMove, ThreadMoves
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.results import ReaderExit
from retroboard.ui.screens.kit import (
    HELP,
    KeyedScreen,
    PagedText,
    clean,
    compose,
    confirm,
    long_date,
    post_message,
    put,
    use_ascii,
    width,
)

# ------------------------------------------------------------------------------ the reader

BINDINGS = Bindings(
    (
        Binding((" ",), "space", "help_reader_space"),
        Binding(("pgdn", "ctrl-f"), "page_down", hidden=True),
        Binding(("b", "pgup", "ctrl-b"), "page_up", "help_reader_page_up", "keys_reader_page_up"),
        Binding(
            ("enter", "j", "down"), "line_down", "help_reader_line_down", "keys_reader_line_down"
        ),
        Binding(("k", "up"), "line_up", hidden=True),
        Binding(("home", "^"), "first_page", "help_reader_first_last", "keys_reader_first_last"),
        Binding(("end", "$"), "last_page", hidden=True),
        Binding(("n",), "thread_next", "help_reader_thread_next", "keys_reader_thread_next"),
        Binding(("N", "p"), "thread_prev", hidden=True),
        Binding(("<",), "parent", "help_reader_parent", "keys_reader_parent"),
        Binding((">",), "first_reply", hidden=True),
        Binding(("tab",), "next_unread", "help_reader_next_unread"),
        Binding(("u",), "mark_unread", "help_reader_mark_unread"),
        Binding(("X", "x", "d"), "rot13", "help_reader_rot13", "keys_reader_rot13"),
        Binding(("h", "v"), "headers", "help_reader_headers"),
        Binding(("f",), "follow_up", "help_reader_follow_up"),
        Binding(("F",), "follow_up_quote", "help_reader_follow_up_quote"),
        Binding(("r", "R"), "mail_reply", "help_reader_mail_reply", "keys_reader_mail_reply"),
        Binding(("C",), "cancel", "help_reader_cancel"),
        Binding(("D",), "delete", "help_reader_delete"),
        Binding(("L",), "lock", "help_reader_lock"),
        Binding(("q", "escape", "left"), "quit", "help_reader_quit", "keys_reader_quit"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)
MODERATED = frozenset({"delete", "lock"})  # in the help only for those who may use them
OWN = frozenset({"cancel"})  # in the help only on the caller's own articles
THREAD_MISSING = {
    "next": "reader_last_in_thread",
    "prev": "reader_first_in_thread",
    "parent": "reader_no_parent",
    "reply": "reader_no_reply",
}


# An article's body as the reader's rows, by body, format, rot13, deleted, width and console
# shape, for every session (most recently used last; oldest dropped first): many callers read
# the same articles, and re-flowing and wrapping a body is most of opening one. The rows are
# shared, so nothing may change them (`put` copies a row before cropping or styling it).
_BODIES: dict[tuple[object, ...], tuple[Text, ...]] = {}
BODIES_MAX = 256


def body_rows(ctx: SessionContext, article: Article, rotated: bool) -> tuple[Text, ...]:
    """The body re-flowed to the width (RFC 3676), tabs expanded, wrapped; a quote "quote",
    the signature and a deleted article's text "dim"."""
    w = width(ctx)
    key = (article.body, article.flowed, rotated, article.head.deleted, w, ctx.renderer.shape)
    rows = _BODIES.pop(key, None)
    if rows is None:
        rows = _wrap_body(ctx.renderer.console, article, rotated, w)
        if len(_BODIES) >= BODIES_MAX:
            del _BODIES[next(iter(_BODIES))]
    _BODIES[key] = rows  # (re)inserted last: the most recently used
    return rows


def _wrap_body(console: Console, article: Article, rotated: bool, w: int) -> tuple[Text, ...]:
    body = as_flowed(sanitize(article.body), article.flowed)  # an old body: line for line
    if rotated:
        body = rot13(body)
    lines: list[Text] = []
    signature = False
    for raw in reflow(body, w):  # paragraphs re-flowed to this width (RFC 3676)
        if raw == "-- ":
            signature = True
        style = (
            "dim"
            if signature or article.head.deleted
            else "quote"
            if raw.lstrip().startswith(">")
            else ""
        )
        text = Text(raw, style=style)
        text.expand_tabs(8)
        lines.extend(text.wrap(console, w, overflow="fold") if raw else [Text("")])
    return tuple(lines)


class ReaderScreen(PagedText, KeyedScreen):
    """One article at a time, paged to the screen, with rn/tin keys to move around."""

    END_OF_TEXT = "reader_end_of_article"

    BINDINGS = BINDINGS
    layout = "full"

    def __init__(
        self, group_name: str, number: int, reading_list: list[tuple[str, int]] | None = None
    ) -> None:
        self.reading = Reading(group_name, number, reading_list)
        self.article: Article | None = None
        self.message = ""
        self.message_style = "info"
        self._content: list[Text] = []
        self._content_key: tuple[object, ...] = ()
        self._in_thread: tuple[int, int] | None = None  # (position, count) in the thread
        self._moves: tuple[tuple[str, int, int], ThreadMoves] | None = None  # see _thread_moves

    @property
    def group(self) -> str:
        return self.reading.group

    @property
    def number(self) -> int:
        return self.reading.number

    def activity(self) -> Activity:
        return Activity("reading", group=self.group)

    # ---- data
    async def _load(
        self, ctx: SessionContext, group: str, number: int, mark_read: bool = True
    ) -> None:
        """Fetch (and mark read) an article. Raises BoardError, keeping the current one."""
        assert ctx.user is not None
        article = await ctx.services.articles.read_article(
            ctx.user, group, number, mark_read=mark_read
        )
        high = (await ctx.services.groups.status(ctx.user, group)).group.high
        order = (await self._thread_moves(ctx, group, article.head.thread_id, high)).order
        self._in_thread = (order.index(number) + 1, len(order)) if number in order else None
        self.article = article
        self.reading.arrive(group, number, high)
        self._content_key = ()

    async def _thread_moves(
        self, ctx: SessionContext, group: str, thread_id: int, high: int
    ) -> ThreadMoves:
        """The thread's tree order, fetched once per thread: kept while the group's last
        number (`high`) stays the same, so a reply arriving in the group fetches it again."""
        assert ctx.user is not None
        key = (group, thread_id, high)
        if self._moves is None or self._moves[0] != key:
            view = await ctx.services.articles.thread(ctx.user, group, thread_id)
            self._moves = (key, ThreadMoves.of(view.articles))
        return self._moves[1]

    def _exit(self, finished: bool, message: str = "") -> Nav:
        return Back(ReaderExit(self.group, self.number, finished, message))

    # ---- layout
    def _lines(self, ctx: SessionContext) -> list[Text]:
        """Header lines, a separator, then the body re-flowed to the width (cached)."""
        article = self.article
        assert article is not None
        w = width(ctx)
        r = self.reading
        key = (id(article), w, r.rot13, r.full_headers, ctx.term.info.colors)
        if key == self._content_key:
            return self._content
        head = article.head
        lines: list[Text] = self._where(ctx)
        if r.full_headers:
            headers = article.headers(organization=ctx.board.name)
        else:
            locked = ctx.text("reader_locked") if article.thread_locked else ""
            headers = [
                (ctx.text("header_from"), head.from_line),
                (ctx.text("header_newsgroups"), ",".join(article.newsgroups)),
                (ctx.text("header_subject"), head.subject + locked),
                (ctx.text("header_date"), long_date(head.date)),
            ]
        subject = "Subject" if r.full_headers else ctx.text("header_subject")
        console = ctx.renderer.console
        for name, value in headers:
            line = Text.assemble(
                (f"{name}: ", "header"), (clean(value), "subject" if name == subject else "")
            )
            folded = line.wrap(console, max(8, w - 4), overflow="fold")
            lines.append(folded[0])
            lines.extend(Text("    ") + rest for rest in folded[1:])  # RFC 5322 folding
        lines.append(Text(("─" if not use_ascii(ctx) else "-") * w, style="dim"))
        lines.extend(body_rows(ctx, article, r.rot13))
        self._content, self._content_key = lines, key
        return lines

    def _where(self, ctx: SessionContext) -> list[Text]:
        """The first row: group, article number, Lines and the place in the thread (on a row
        of its own when both do not fit)."""
        assert self.article is not None
        at = self._in_thread
        thread = ctx.text("reader_in_thread", at=at[0], count=at[1]) if at and at[1] > 1 else ""
        where = ctx.text(
            "reader_where", group=clean(self.group), number=self.number, lines=self.article.lines
        )
        if not thread:
            return [Text(where, style="info")]
        if len(where) + 2 + len(thread) <= width(ctx):
            return [Text.assemble((where, "info"), (f"  {thread}", "dim"))]
        return [Text(where, style="info"), Text(thread, style="dim")]

    def text_pager(self, ctx: SessionContext) -> Pager:
        return self._pager(ctx)

    def _pager(self, ctx: SessionContext) -> Pager:
        """The reading model's page, fitted to the article's lines and the window."""
        self.reading.pager.fit(len(self._lines(ctx)), ctx.rows - 1)
        return self.reading.pager

    # ---- drawing
    def _prompt(self, ctx: SessionContext) -> Text:
        pager = self._pager(ctx)
        w = width(ctx)
        if pager.at_end:
            where = ctx.text("reader_end", number=self.number, high=self.reading.high)
            end = ctx.text("reader_end_prompt", where=where)
            if len(end) > w:
                short = ctx.text("reader_end_short", where=where)
                end = short if len(short) <= w else ctx.text("reader_end_tiny")
            prompt = Text(end, style="prompt")
        else:
            prompt = Text(ctx.text("reader_more", percent=pager.percent), style="prompt")
        if self.message:
            return Text.assemble((clean(self.message), self.message_style), "  ", prompt)
        hints = (
            ("reader_end_hints", "reader_end_hints_short")
            if pager.at_end
            else ("reader_more_hints",)
        ) + ("reader_hints_tiny",)
        for key in hints:
            hint = ctx.text(key)
            if prompt.cell_len + len(hint) <= w:
                prompt.append(hint, style="dim")
                break
        return prompt

    def draw_status(self, ctx: SessionContext) -> None:
        """The last row: the prompt, with the message of the last key."""
        put(ctx, ctx.rows, self._prompt(ctx))

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        lines = self._lines(ctx)
        pager = self._pager(ctx)
        row = 1
        if pager.top == 0:
            visible = lines[: pager.height]
        else:
            assert self.article is not None
            sticky = Text.assemble(
                (f"{self.group} #{self.number}: ", "dim"),
                (clean(self.article.head.subject), "subject"),
                (ctx.text("reader_continued"), "dim"),
            )
            put(ctx, 1, sticky)
            row = 2
            visible = lines[pager.top : pager.top + pager.height - 1]
        for line in visible:
            put(ctx, row, line)
            row += 1
        self.draw_status(ctx)

    # ---- navigation
    async def _thread_move(self, ctx: SessionContext, how: ThreadMove) -> None:
        assert ctx.user is not None and self.article is not None
        moves = await self._thread_moves(
            ctx, self.group, self.article.head.thread_id, self.reading.high
        )
        target = moves.target(self.number, how)
        if target is None:  # perhaps a reply came in since this article was opened
            high = (await ctx.services.groups.status(ctx.user, self.group)).group.high
            if high != self.reading.high:
                thread_id = self.article.head.thread_id
                target = (await self._thread_moves(ctx, self.group, thread_id, high)).target(
                    self.number, how
                )
        if target is None:
            self.say(ctx.text(THREAD_MISSING[how]), "warn")
            return
        await self._load(ctx, self.group, target)

    async def _next_unread(self, ctx: SessionContext) -> Nav | None:
        """Go to the next unread article (the reading list in a new-scan); Nav when leaving."""
        assert ctx.user is not None
        step = self.reading.next_unread()
        if isinstance(step, Lookup):
            head = await ctx.services.articles.next_unread(ctx.user, step.group, after=step.after)
            step = self.reading.unread_found(head.number if head is not None else None)
        if isinstance(step, Done):
            message = ctx.text("reader_no_more_unread", group=step.group) if step.group else ""
            return self._exit(True, message)
        await self._load(ctx, step.group, step.number)
        return None

    def _is_own(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None and self.article is not None
        return self.article.head.author == ctx.user.handle

    def _may_delete(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None and self.article is not None
        return ctx.user.is_moderator or self.article.head.author == ctx.user.handle

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("reader_help_title")

    def allowed(self, ctx: SessionContext) -> set[str]:
        """The actions shown in this caller's help (D and L only to those who may)."""
        hide = set(MODERATED | OWN)
        if self.article is not None and self._may_delete(ctx):
            hide.discard("delete")
        if self.article is not None and self._is_own(ctx):
            hide.discard("cancel")
        if ctx.user is not None and ctx.user.is_moderator:
            hide.discard("lock")
        return set(BINDINGS.actions - hide)

    # ---- the actions, one per binding
    async def on_space(self, ctx: SessionContext) -> Nav | None:
        pager = self._pager(ctx)
        if pager.at_end:
            return await self._next_unread(ctx)
        pager.page_down()
        return None

    async def on_thread_next(self, ctx: SessionContext) -> Nav | None:
        await self._thread_move(ctx, "next")
        return None

    async def on_thread_prev(self, ctx: SessionContext) -> Nav | None:
        await self._thread_move(ctx, "prev")
        return None

    async def on_parent(self, ctx: SessionContext) -> Nav | None:
        await self._thread_move(ctx, "parent")
        return None

    async def on_first_reply(self, ctx: SessionContext) -> Nav | None:
        await self._thread_move(ctx, "reply")
        return None

    async def on_next_unread(self, ctx: SessionContext) -> Nav | None:
        return await self._next_unread(ctx)

    async def on_mark_unread(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        await ctx.services.articles.mark(ctx.user, self.group, self.number, read=False)
        self.say(ctx.text("reader_marked_unread", number=self.number), "ok")
        return None

    async def on_rot13(self, ctx: SessionContext) -> Nav | None:
        self.reading.rot13 = not self.reading.rot13
        self.say(ctx.text("reader_rot13_on" if self.reading.rot13 else "reader_rot13_off"))
        return None

    async def on_headers(self, ctx: SessionContext) -> Nav | None:
        self.reading.full_headers = not self.reading.full_headers
        self.reading.pager.home()
        return None

    async def on_follow_up(self, ctx: SessionContext) -> Nav | None:
        """rn's f: a follow-up that starts empty."""
        return self._follow_up(ctx, quote=False)

    async def on_follow_up_quote(self, ctx: SessionContext) -> Nav | None:
        """rn's F: a follow-up that starts with the article quoted."""
        return self._follow_up(ctx, quote=True)

    def _follow_up(self, ctx: SessionContext, quote: bool) -> Nav | None:
        assert ctx.user is not None and self.article is not None
        if self.article.head.deleted:
            self.say(ctx.text("reader_follow_deleted"), "warn")
            return None
        if self.article.thread_locked and not ctx.user.is_moderator:
            self.say(ctx.text("reader_follow_locked"), "warn")
            return None
        return compose(self.article.newsgroups or (self.group,), parent=self.article, quote=quote)

    async def on_mail_reply(self, ctx: SessionContext) -> Nav | None:
        """Reply to the author by private mail, quoting the article."""
        assert self.article is not None
        head = self.article.head
        if head.deleted or not is_handle(head.author):
            self.say(ctx.text("reader_mail_no_author"), "warn")
            return None
        quote = [attribution_line(head.author, head.author_name, head.date)]
        quote += quote_body(self.article.body, flowed=self.article.flowed)
        return Push(
            "mail_compose", to=[head.author], subject=reply_subject(head.subject), quote=quote
        )

    async def on_delete(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None and self.article is not None
        if self.article.head.deleted:
            self.say(ctx.text("reader_already_deleted"), "warn")
            return None
        if not self._may_delete(ctx):
            self.say(ctx.text("reader_delete_own_only"), "error")
            return None
        if not await confirm(ctx, ctx.text("reader_delete_question", number=self.number)):
            self.say(ctx.text("reader_not_deleted"))
            return None
        await ctx.services.moderation.delete(ctx.user, self.article.head.id)
        await self._load(ctx, self.group, self.number, mark_read=False)
        self.say(ctx.text("reader_deleted"), "ok")
        return None

    async def on_cancel(self, ctx: SessionContext) -> Nav | None:
        """Cancel (withdraw) the caller's own article; the service checks the right."""
        assert ctx.user is not None and self.article is not None
        if self.article.head.deleted:
            self.say(ctx.text("reader_already_deleted"), "warn")
            return None
        if not self._is_own(ctx):
            self.say(ctx.text("reader_cancel_own_only"), "error")
            return None
        if not await confirm(ctx, ctx.text("reader_cancel_question", number=self.number)):
            self.say(ctx.text("reader_not_cancelled"))
            return None
        try:
            await ctx.services.moderation.delete(ctx.user, self.article.head.id)
        except BoardError as exc:
            self.say(str(exc), "error")
            return None
        await self._load(ctx, self.group, self.number, mark_read=False)
        self.say(ctx.text("reader_cancelled"), "ok")
        return None

    async def on_lock(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None and self.article is not None
        if not ctx.user.is_moderator:
            self.say(ctx.text("reader_lock_moderators_only"), "error")
            return None
        locked = not self.article.thread_locked
        await ctx.services.moderation.lock(ctx.user, self.article.head.thread_id, locked)
        await self._load(ctx, self.group, self.number, mark_read=False)
        self.say(ctx.text("reader_thread_locked" if locked else "reader_thread_unlocked"), "ok")
        return None

    async def on_quit(self, ctx: SessionContext) -> Nav | None:
        return self._exit(False)

    # ---- the loop
    async def run(self, ctx: SessionContext) -> Nav:
        try:
            await self._load(ctx, self.group, self.number)
        except BoardError as exc:
            return self._exit(False, str(exc))
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the composer: say what was posted and show the article again."""
        note = post_message(result, ctx)
        try:
            await self._load(ctx, self.group, self.number, mark_read=False)
        except BoardError as exc:
            if self.article is None:
                return self._exit(False, str(exc))
            self.say(str(exc), "error")
        else:
            if note:
                self.say(note, "ok")
        return await self.loop(ctx)

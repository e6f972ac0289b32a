"""The article reader: an rn-style pager with the "what next?" prompt and thread moves."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.boards import Article, ArticleHead
from retroboard.domain.errors import BoardError
from retroboard.domain.text import sanitize
from retroboard.domain.threads import build_tree, flatten
from retroboard.domain.usenet import rot13
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import next_key
from retroboard.ui.results import ReaderExit
from retroboard.ui.screens.kit import (
    REDRAW,
    clean,
    compose,
    confirm,
    long_date,
    post_message,
    put,
    show_help,
    use_ascii,
    width,
)

# ------------------------------------------------------------------------------ the reader

READER_KEYS = (
    ("Space", "next page; at the end, next unread article"),
    ("b  PgUp", "previous page"),
    ("Enter j Down", "one line down (k Up: one line up)"),
    ("Home  End", "first / last page"),
    ("n  N (p)", "next / previous article in this thread"),
    ("<  >", "parent article / first reply"),
    ("Tab", "next unread article"),
    ("u", "mark this article unread"),
    ("X  d", "rot13 on/off (spoilers)"),
    ("h  v", "full headers on/off"),
    ("f", "follow up (post a reply to the group)"),
    ("q  Esc", "back"),
    ("?", "this help"),
)
END_HINTS = ("  Space next unread  n/N < > thread  ? help", "  n/N < > thread  ? help")
MORE_HINTS = ("  b back  n/N < > thread  ? help  q quit",)
DELETE_KEY = ("D", "delete this article (asks first)")
LOCK_KEY = ("L", "lock / unlock the thread (moderators)")


class ReaderScreen(BaseScreen):
    """One article at a time, paged to the screen, with rn/tin keys to move around."""

    def __init__(
        self, group_name: str, number: int, reading_list: list[tuple[str, int]] | None = None
    ) -> None:
        self.group = group_name
        self.number = number
        self.reading_list = reading_list
        self.list_pos = 0
        if reading_list and (group_name, number) in reading_list:
            self.list_pos = reading_list.index((group_name, number))
        self.article: Article | None = None
        self.high = 0
        self.top = 0  # first content line shown (0: the page with the headers)
        self.rot13 = False
        self.full_headers = False
        self.message = ""
        self.message_style = "info"
        self._content: list[Text] = []
        self._content_key: tuple[object, ...] = ()

    layout = "full"

    def activity(self) -> str:
        return f"Reading {clean(self.group)}"

    # ---- data
    async def _load(
        self, ctx: SessionContext, group: str, number: int, mark_read: bool = True
    ) -> bool:
        """Fetch (and mark read) an article; on failure keep the current one and say why."""
        assert ctx.user is not None
        try:
            article = await ctx.services.articles.read_article(
                ctx.user, group, number, mark_read=mark_read
            )
            high = (await ctx.services.groups.status(ctx.user, group)).group.high
        except BoardError as exc:
            self._say(str(exc), "error")
            return False
        same = (group, number) == (self.group, self.number) and self.article is not None
        self.group, self.number, self.article, self.high = group, number, article, high
        if not same:
            self.top, self.rot13, self.full_headers = 0, False, False
        self._content_key = ()
        return True

    def _say(self, message: str, style: str = "info") -> None:
        self.message, self.message_style = message, style

    def _exit(self, finished: bool, message: str = "") -> Nav:
        return Back(ReaderExit(self.group, self.number, finished, message))

    # ---- layout
    def _lines(self, ctx: SessionContext) -> list[Text]:
        """Header lines, a separator, then the body, wrapped at the width (cached)."""
        article = self.article
        assert article is not None
        w = width(ctx)
        key = (id(article), w, self.rot13, self.full_headers, ctx.term.info.colors)
        if key == self._content_key:
            return self._content
        head = article.head
        lines: list[Text] = []
        if self.full_headers:
            headers = article.headers(organization=ctx.board.name)
        else:
            subject = head.subject + ("  [locked]" if article.thread_locked else "")
            headers = [
                ("From", head.from_line),
                ("Newsgroups", ",".join(article.newsgroups)),
                ("Subject", subject),
                ("Date", long_date(head.date)),
            ]
        console = ctx.renderer.console
        for name, value in headers:
            line = Text.assemble(
                (f"{name}: ", "header"), (clean(value), "subject" if name == "Subject" else "")
            )
            folded = line.wrap(console, max(8, w - 4), overflow="fold")
            lines.append(folded[0])
            lines.extend(Text("    ") + rest for rest in folded[1:])  # RFC 5322 folding
        lines.append(Text(("─" if not use_ascii(ctx) else "-") * min(w, 40), style="dim"))
        body = sanitize(article.body)
        if self.rot13:
            body = rot13(body)
        signature = False
        for raw in body.split("\n"):
            if raw == "-- ":
                signature = True
            style = (
                "dim"
                if signature or head.deleted
                else "quote"
                if raw.lstrip().startswith(">")
                else ""
            )
            text = Text(raw, style=style)
            text.expand_tabs(8)
            lines.extend(text.wrap(console, w, overflow="fold") if raw else [Text("")])
        self._content, self._content_key = lines, key
        return lines

    def _page(self, ctx: SessionContext) -> int:
        return max(2, ctx.rows - 1)

    def _shown_end(self, ctx: SessionContext) -> int:
        height = self._page(ctx)
        return height if self.top == 0 else self.top + height - 1

    def _at_end(self, ctx: SessionContext) -> bool:
        return self._shown_end(ctx) >= len(self._lines(ctx))

    def _last_top(self, ctx: SessionContext) -> int:
        total, height = len(self._lines(ctx)), self._page(ctx)
        return 0 if total <= height else total - (height - 1)

    def _set_top(self, ctx: SessionContext, top: int) -> None:
        top = max(0, min(top, self._last_top(ctx)))
        self.top = 0 if top <= 1 else top  # lines 0 and 1 only differ by the sticky header

    # ---- drawing
    def _prompt(self, ctx: SessionContext) -> Text:
        total = len(self._lines(ctx))
        if self._at_end(ctx):
            where = f"End of article {self.number} (of {self.high})"
            end = f"{where} -- what next? [npq]"
            if len(end) > width(ctx):
                end = f"{where} [npq]" if len(where) + 6 <= width(ctx) else "End [npq]"
            prompt = Text(end, style="prompt")
        else:
            percent = min(99, self._shown_end(ctx) * 100 // max(1, total))
            prompt = Text.assemble((f"-- More --({percent}%) [space]", "prompt"))
        if self.message:
            return Text.assemble((clean(self.message), self.message_style), "  ", prompt)
        hints = (END_HINTS if self._at_end(ctx) else MORE_HINTS) + ("  ? help  q back",)
        for hint in hints:
            if prompt.cell_len + len(hint) <= width(ctx):
                prompt.append(hint, style="dim")
                break
        return prompt

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        lines = self._lines(ctx)
        self._set_top(ctx, self.top)
        height = self._page(ctx)
        row = 1
        if self.top == 0:
            visible = lines[:height]
        else:
            assert self.article is not None
            sticky = Text.assemble(
                (f"{self.group} #{self.number}: ", "dim"),
                (clean(self.article.head.subject), "subject"),
                (" (continued)", "dim"),
            )
            put(ctx, 1, sticky)
            row = 2
            visible = lines[self.top : self.top + height - 1]
        for line in visible:
            put(ctx, row, line)
            row += 1
        put(ctx, ctx.rows, self._prompt(ctx))

    # ---- navigation
    async def _thread_moves(
        self, ctx: SessionContext
    ) -> tuple[list[ArticleHead], dict[int, ArticleHead], dict[int, ArticleHead]] | None:
        """This thread in tree order, with each article's parent and first reply (by number)."""
        assert ctx.user is not None and self.article is not None
        try:
            view = await ctx.services.articles.thread(
                ctx.user, self.group, self.article.head.thread_id
            )
        except BoardError as exc:
            self._say(str(exc), "error")
            return None
        roots = build_tree(view.articles)
        parent: dict[int, ArticleHead] = {}
        first_reply: dict[int, ArticleHead] = {}
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node.children:
                first_reply[node.item.number] = node.children[0].item
            for child in node.children:
                parent[child.item.number] = node.item
                stack.append(child)
        return [row.item for row in flatten(roots)], parent, first_reply

    async def _thread_move(self, ctx: SessionContext, how: str) -> None:
        moves = await self._thread_moves(ctx)
        if moves is None:
            return
        order, parent, first_reply = moves
        numbers = [h.number for h in order]
        i = numbers.index(self.number) if self.number in numbers else -1
        target: ArticleHead | None = None
        if how == "next":
            target = order[i + 1] if 0 <= i < len(order) - 1 else None
            missing = "This is the last article in the thread."
        elif how == "prev":
            target = order[i - 1] if i > 0 else None
            missing = "This is the first article in the thread."
        elif how == "parent":
            target = parent.get(self.number)
            missing = "This article starts the thread (no parent here)."
        else:
            target = first_reply.get(self.number)
            missing = "Nobody has replied to this article yet."
        if target is None:
            self._say(missing, "warn")
            return
        await self._load(ctx, self.group, target.number)

    async def _next_unread(self, ctx: SessionContext) -> Nav | None:
        """Go to the next unread article (the reading list in a new-scan); Nav when leaving."""
        assert ctx.user is not None
        if self.reading_list is not None:
            pos = self.list_pos + 1
            if pos >= len(self.reading_list):
                return self._exit(True)
            self.list_pos = pos
            group, number = self.reading_list[pos]
            await self._load(ctx, group, number)
            return None
        try:
            head = await ctx.services.articles.next_unread(ctx.user, self.group, after=self.number)
        except BoardError as exc:
            self._say(str(exc), "error")
            return None
        if head is None:
            return self._exit(True, f"No more unread articles in {self.group}.")
        await self._load(ctx, self.group, head.number)
        return None

    def _may_delete(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None and self.article is not None
        return ctx.user.is_moderator or self.article.head.author == ctx.user.handle

    async def _delete(self, ctx: SessionContext) -> None:
        assert ctx.user is not None and self.article is not None
        if self.article.head.deleted:
            self._say("That article is already deleted.", "warn")
            return
        if not self._may_delete(ctx):
            self._say("You may only delete your own articles.", "error")
            return
        if not await confirm(ctx, f"Delete article {self.number}?"):
            self._say("Not deleted.")
            return
        try:
            await ctx.services.moderation.delete(ctx.user, self.article.head.id)
        except BoardError as exc:
            self._say(str(exc), "error")
            return
        await self._load(ctx, self.group, self.number, mark_read=False)
        self._say("Article deleted.", "ok")

    async def _lock(self, ctx: SessionContext) -> None:
        assert ctx.user is not None and self.article is not None
        if not ctx.user.is_moderator:
            self._say("Only moderators and the sysop may lock threads.", "error")
            return
        locked = not self.article.thread_locked
        try:
            await ctx.services.moderation.lock(ctx.user, self.article.head.thread_id, locked)
        except BoardError as exc:
            self._say(str(exc), "error")
            return
        await self._load(ctx, self.group, self.number, mark_read=False)
        self._say("Thread locked: no more follow-ups." if locked else "Thread unlocked.", "ok")

    def _follow_up(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None and self.article is not None
        if self.article.head.deleted:
            self._say("That article was deleted; follow up to another one.", "warn")
            return None
        if self.article.thread_locked and not ctx.user.is_moderator:
            self._say("This thread is locked: no more follow-ups.", "warn")
            return None
        return compose(self.article.newsgroups or (self.group,), parent=self.article)

    def help_keys(self, ctx: SessionContext) -> list[tuple[str, str]]:
        keys = list(READER_KEYS)
        if self.article is not None and self._may_delete(ctx):
            keys.insert(-2, DELETE_KEY)
        if ctx.user is not None and ctx.user.is_moderator:
            keys.insert(-2, LOCK_KEY)
        return keys

    # ---- the loop
    async def run(self, ctx: SessionContext) -> Nav:
        if not await self._load(ctx, self.group, self.number):
            return self._exit(False, self.message)
        return await self._loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the composer: say what was posted and show the article again."""
        note = post_message(result)
        if note:
            self._say(note, "ok")
        await self._load(ctx, self.group, self.number, mark_read=False)
        if self.article is None:
            return self._exit(False, self.message)
        return await self._loop(ctx)

    async def _loop(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await next_key(ctx, lambda: self.draw(ctx))
            self.message = ""
            name = event.name
            nav: Nav | None = None
            if name == " ":
                if self._at_end(ctx):
                    nav = await self._next_unread(ctx)
                else:
                    self._set_top(ctx, self._shown_end(ctx))
            elif name in ("pgdn", "ctrl-f"):
                self._set_top(ctx, self._shown_end(ctx))
            elif name in ("b", "pgup", "ctrl-b"):
                self._set_top(ctx, self.top - (self._page(ctx) - 1))
            elif name in ("enter", "down", "j"):
                if self._at_end(ctx):
                    self._say("End of article: Space reads on.")
                else:
                    self._set_top(ctx, 2 if self.top == 0 else self.top + 1)
            elif name in ("up", "k"):
                self._set_top(ctx, self.top - 1)
            elif name in ("home", "^"):
                self.top = 0
            elif name in ("end", "$"):
                self._set_top(ctx, self._last_top(ctx))
            elif name == "n":
                await self._thread_move(ctx, "next")
            elif name in ("N", "p"):
                await self._thread_move(ctx, "prev")
            elif name == "<":
                await self._thread_move(ctx, "parent")
            elif name == ">":
                await self._thread_move(ctx, "reply")
            elif name == "tab":
                nav = await self._next_unread(ctx)
            elif name == "u":
                try:
                    await ctx.services.articles.mark(ctx.user, self.group, self.number, read=False)
                    self._say(f"Article {self.number} marked unread.", "ok")
                except BoardError as exc:
                    self._say(str(exc), "error")
            elif name in ("X", "x", "d"):
                self.rot13 = not self.rot13
                self._say("rot13 on." if self.rot13 else "rot13 off.")
            elif name in ("h", "v"):
                self.full_headers = not self.full_headers
                self.top = 0
            elif name in ("f", "F"):
                nav = self._follow_up(ctx)
            elif name == "D":
                await self._delete(ctx)
            elif name == "L":
                await self._lock(ctx)
            elif name in ("q", "escape", "left"):
                nav = self._exit(False)
            elif name == "?":
                await show_help(ctx, "Reading articles", self.help_keys(ctx))
            elif name in REDRAW:
                pass
            else:
                ctx.write("\a")
                await ctx.flush()
                continue
            if nav is not None:
                return nav
            self.draw(ctx)
            await ctx.flush()

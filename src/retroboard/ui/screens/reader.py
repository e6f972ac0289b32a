"""The article reader (rn-style pager and "what next?" prompt), plus the drawing kit it shares.

The first half is the small kit the discussion screens (groups, threads, reader, new-scan)
share: full-screen rows drawn at fixed positions, key sets, dates, help panels, the composer
hook. The second half is ReaderScreen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retroboard.domain.boards import Article, ArticleHead, PostResult
from retroboard.domain.errors import BoardError
from retroboard.domain.text import sanitize
from retroboard.domain.threads import build_tree, flatten
from retroboard.domain.usenet import rot13
from retroboard.term.events import Resize
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push, Screen
from retroboard.ui.prompts import pause

# ------------------------------------------------------------------ the shared drawing kit

CSI = "\x1b["
DUMB_TERMS = ("dumb", "vt52", "vt05", "glasstty", "tty33")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Keys every list screen understands (tin muscle memory plus arrows).
UP = frozenset({"up", "k", "ctrl-p"})
DOWN = frozenset({"down", "j", "ctrl-n"})
PAGE_UP = frozenset({"pgup", "b", "ctrl-b"})
PAGE_DOWN = frozenset({"pgdn", " ", "ctrl-f"})
QUIT = frozenset({"q", "escape"})
REDRAW = frozenset({"ctrl-l", "ctrl-r"})
NARROW = 60  # below this many columns the screens drop their less important columns


def use_ascii(ctx: SessionContext) -> bool:
    """True only for dumb terminals (no colour, VT52, glass ttys): draw trees and boxes in ASCII.

    UTF-8 and CP437 terminals both have the box-drawing characters.
    """
    info = ctx.term.info
    return info.colors == 0 or info.term_type.startswith(DUMB_TERMS)


def panel_box(ctx: SessionContext) -> box.Box:
    return box.ASCII if use_ascii(ctx) else box.SQUARE


def clean(text: str) -> str:
    """User text for one screen row: no controls, no escapes, no line breaks."""
    return sanitize(text, multiline=False)


def utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def short_date(when: datetime, now: datetime | None = None) -> str:
    """ "27 Nov" for this year, "Nov 2025" for older ones (locale-free)."""
    when, now = utc(when), utc(now or datetime.now(UTC))
    if when.year == now.year:
        return f"{when.day:02d} {MONTHS[when.month - 1]}"
    return f"{MONTHS[when.month - 1]} {when.year}"


def long_date(when: datetime) -> str:
    """ "Fri, 27 Nov 2026 06:30 UTC" (locale-free)."""
    w = utc(when)
    return f"{DAYS[w.weekday()]}, {w.day:02d} {MONTHS[w.month - 1]} {w.year} {w:%H:%M} UTC"


def fit(ctx: SessionContext, text: Text, cells: int, *, pad: bool = False) -> Text:
    """Shorten `text` to `cells` columns in place, with an ellipsis only where it can be shown."""
    text.truncate(cells, overflow="ellipsis" if ctx.term.info.unicode else "crop", pad=pad)
    return text


def width(ctx: SessionContext) -> int:
    """Usable columns: one less than the terminal, so no row ever triggers an auto-wrap."""
    return max(1, ctx.cols - 1)


def put(
    ctx: SessionContext, row: int, text: Text | str, *, fill: bool = False, style: str = ""
) -> None:
    """Draw one screen row (1-based) from column 1, cropped to the width, clearing the rest."""
    line = text.copy() if isinstance(text, Text) else Text(text)
    line.truncate(width(ctx), overflow="crop", pad=fill)
    if style:
        line.stylize(style)
    ctx.write(f"{CSI}{row};1H" + ctx.renderer.render(line, end="") + f"{CSI}0m{CSI}K")


def blank_rows(ctx: SessionContext, first: int, last: int) -> None:
    for row in range(first, last + 1):
        ctx.write(f"{CSI}{row};1H{CSI}0m{CSI}K")


def title_bar(ctx: SessionContext, left: str, right: str = "") -> None:
    """Row 1: the screen's title (user text allowed) with a right-aligned note."""
    w = width(ctx)
    left = " " + clean(left)
    right = clean(right) + " " if right else ""
    line = fit(ctx, Text(left), max(0, w - len(right) - 1) if right else w)
    if right and line.cell_len + len(right) < w:
        line.append(" " * (w - line.cell_len - len(right)) + right)
    put(ctx, 1, line, fill=True, style="title")


def key_hints(ctx: SessionContext, long: str, short: str) -> Text:
    """The key summary for a status line: the long form when it fits, else the short one."""
    return Text(long if len(long) <= width(ctx) else short, style="dim")


def at_bottom(ctx: SessionContext) -> None:
    """Park the terminal cursor at the start of the last row (the message line)."""
    ctx.write(f"{CSI}{ctx.rows};1H")


async def confirm(ctx: SessionContext, question: str) -> bool:
    """A (y/N) question on the last row: y says yes, anything else no. Never scrolls."""
    put(ctx, ctx.rows, Text.assemble((question + " ", "prompt"), ("(y/N) ", "dim")))
    ctx.write(f"{CSI}{ctx.rows};{min(len(question) + 8, ctx.cols)}H")
    await ctx.flush()
    while True:
        event = await ctx.term.read_input()
        if isinstance(event, Resize):
            ctx.sync_size()
            continue
        return event.name in ("y", "Y")


async def show_help(ctx: SessionContext, title: str, keys: Sequence[tuple[str, str]]) -> None:
    """A help panel listing the screen's keys; waits for a key. The caller redraws after."""
    columns = 2 if ctx.cols >= 90 and len(keys) > 8 else 1
    grid = Table.grid(padding=(0, 2))
    for _ in range(columns):
        grid.add_column(style="hotkey", no_wrap=True)
        grid.add_column(style="label")
    per = -(-len(keys) // columns)
    for r in range(per):
        cells: list[Text] = []  # Text, not str: a key like "[" must never be read as markup
        for c in range(columns):
            i = c * per + r
            cells += [Text(part) for part in keys[i]] if i < len(keys) else [Text(), Text()]
        grid.add_row(*cells)
    panel = Panel(
        grid,
        title=Text(f" {title}: keys ", style="title"),
        box=panel_box(ctx),
        border_style="info",
        expand=False,
    )
    ctx.sync_size()
    lines = ctx.renderer.render(panel).rstrip("\n").split("\n")
    per_page = max(1, ctx.rows - 1)
    for start in range(0, len(lines), per_page):  # a tall panel on a small screen: in pages
        ctx.clear()
        ctx.write("\r\n".join(lines[start : start + per_page]) + "\r\n")
        more = start + per_page < len(lines)
        key = await pause(
            ctx, "Press any key for more, q to stop" if more else "Press any key to continue"
        )
        if key is not None and key.name in QUIT:
            return


def compose_screen(groups: Sequence[str], parent: Article | None = None) -> Screen | None:
    """The composer screen (ui/screens/compose.py), or None on a board without one yet."""
    try:
        from retroboard.ui.screens.compose import ComposeScreen
    except ImportError:
        return None
    screen: Screen = ComposeScreen(list(groups), parent=parent)
    return screen


def post_message(result: object) -> str:
    """A one-line note about what the composer handed back (empty if nothing was posted)."""
    if not isinstance(result, PostResult):
        return ""
    if result.pending:
        return "Your article is waiting for a moderator's approval."
    where = ", ".join(f"{g} #{n}" for g, n in result.article.xref)
    return f"Article posted ({where})." if where else "Article posted."


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


@dataclass(frozen=True)
class ReaderExit:
    """What the reader hands back: where it stopped, and a message for the screen below."""

    group: str
    number: int
    finished: bool  # ran out of unread articles (or off the end of the reading list)
    message: str = ""


class ReaderScreen:
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
        self._pushed = False

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
        screen = compose_screen(self.article.newsgroups or (self.group,), parent=self.article)
        if screen is None:
            self._say("Posting is not available on this board yet.", "warn")
            return None
        self._pushed = True
        return Push(screen)

    def help_keys(self, ctx: SessionContext) -> list[tuple[str, str]]:
        keys = list(READER_KEYS)
        if self.article is not None and self._may_delete(ctx):
            keys.insert(-2, DELETE_KEY)
        if ctx.user is not None and ctx.user.is_moderator:
            keys.insert(-2, LOCK_KEY)
        return keys

    # ---- the loop
    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        if self._pushed:  # back from the composer
            self._pushed = False
            note = post_message(ctx.state.pop("result", None))
            if note:
                self._say(note, "ok")
            await self._load(ctx, self.group, self.number, mark_read=False)
        if self.article is None and not await self._load(ctx, self.group, self.number):
            return self._exit(False, self.message)
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                ctx.sync_size()
                self.draw(ctx)
                await ctx.flush()
                continue
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


def reading_list_of(heads: Iterable[ArticleHead]) -> list[tuple[str, int]]:
    """(group, number) pairs for ReaderScreen's reading_list."""
    return [(h.group, h.number) for h in heads]

"""The moderation queue: posts held for moderated groups, to approve or reject one by one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from retroboard.domain.boards import ArticleHead
from retroboard.domain.errors import BoardError
from retroboard.domain.text import sanitize
from retroboard.term.events import Resize
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import pause, say
from retroboard.ui.screens.kit import (
    DOWN,
    NARROW,
    PAGE_DOWN,
    PAGE_UP,
    QUIT,
    REDRAW,
    UP,
    at_bottom,
    blank_rows,
    cell,
    clean,
    confirm,
    draw_window,
    key_hints,
    long_date,
    put,
    show_help,
    title_bar,
    use_ascii,
    width,
)

EMPTY = "No posts are waiting for approval."
QUEUE_KEYS = (
    ("Up Down  j k", "move the cursor"),
    ("Enter", "read the whole post"),
    ("a", "approve: post it to its groups"),
    ("r", "reject it (asks first)"),
    ("q  Esc", "back"),
    ("?", "this help"),
)
FIRST_ROW = 3  # row 1 title, row 2 column names


@dataclass(frozen=True, slots=True)
class Held:
    """One post waiting for approval."""

    head: ArticleHead
    body: str
    groups: tuple[str, ...]


def post_lines(ctx: SessionContext, held: Held, w: int) -> list[Text]:
    """Headers, a rule, then the body wrapped at `w` (quotes in the quote colour)."""
    console = ctx.renderer.console
    h = held.head
    lines: list[Text] = []
    for name, value, style in (
        ("From", h.from_line, "author"),
        ("Newsgroups", ",".join(held.groups), "info"),
        ("Subject", h.subject, "subject"),
        ("Date", long_date(h.date), "date"),
    ):
        lines.extend(
            Text.assemble((f"{name}: ", "header"), (clean(value), style)).wrap(
                console, w, overflow="fold"
            )
        )
    lines.append(Text(("-" if use_ascii(ctx) else "─") * min(w, 40), style="dim"))
    for raw in sanitize(held.body).split("\n"):
        text = Text(raw, style="quote" if raw.lstrip().startswith(">") else "")
        text.expand_tabs(8)
        lines.extend(text.wrap(console, w, overflow="fold") if raw else [Text("")])
    return lines


class ModerationQueueScreen(BaseScreen):
    """The held posts (author, groups, subject) with the selected one shown below the list."""

    layout = "full"
    ACTIVITY = "Moderating"

    def __init__(self) -> None:
        self.items: list[Held] = []
        self.cursor = 0
        self.top = 0
        self.message = ""
        self.message_style = "info"

    def _say(self, message: str, style: str = "info") -> None:
        self.message, self.message_style = message, style

    async def _load(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None
        try:
            queue = await ctx.services.moderation.queue(ctx.user)
        except BoardError as exc:
            self._say(str(exc), "error")
            return False
        self.items = [Held(head, body, tuple(groups)) for head, body, groups in queue]
        self.cursor = max(0, min(self.cursor, len(self.items) - 1))
        return True

    # ---- drawing -------------------------------------------------------------------------
    def _list_height(self, ctx: SessionContext) -> int:
        return max(1, min(len(self.items), (ctx.rows - 5) // 3))

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int]:
        """Widths of author, groups and subject (groups 0 = not shown at this width)."""
        w = width(ctx) - 2
        if w + 2 < NARROW:
            author = min(10, w // 3)
            return author, 0, max(1, w - author - 1)
        author, groups = (16, 30) if w >= 120 else (12, 20)
        return author, groups, max(10, w - author - groups - 2)

    def _row(self, ctx: SessionContext, held: Held, selected: bool) -> Text:
        author_w, groups_w, subject_w = self._columns(ctx)
        line = Text("> " if selected else "  ", style="hotkey")
        line.append_text(cell(ctx, held.head.author, author_w, "author"))
        line.append(" ")
        if groups_w:
            line.append_text(cell(ctx, ",".join(held.groups), groups_w, "info"))
            line.append(" ")
        line.append_text(cell(ctx, held.head.subject, subject_w, "subject"))
        return line

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        count = len(self.items)
        title_bar(ctx, "Moderation queue", f"{count} waiting")
        author_w, groups_w, _ = self._columns(ctx)
        names = "  " + "Author".ljust(author_w) + " "
        if groups_w:
            names += "Groups".ljust(groups_w) + " "
        put(ctx, 2, Text(names + "Subject", style="header"))
        height = self._list_height(ctx)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        draw_window(
            ctx,
            FIRST_ROW,
            height,
            self.top,
            self.cursor,
            self.items,
            lambda item, selected: self._row(ctx, item, selected),
        )
        row = FIRST_ROW + height
        put(ctx, row, Text(("-" if use_ascii(ctx) else "─") * width(ctx), style="dim"))
        preview = post_lines(ctx, self.items[self.cursor], width(ctx))
        room = ctx.rows - row - 1
        for i, line in enumerate(preview[:room]):
            put(ctx, row + 1 + i, line)
        if len(preview) > room and room > 0:
            put(
                ctx,
                ctx.rows - 1,
                Text(f"... {len(preview) - room + 1} more lines: Enter reads it all", style="dim"),
            )
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            put(
                ctx,
                ctx.rows,
                key_hints(
                    ctx,
                    "a approve  r reject  Enter read  q back  ? help",
                    "a approve  r reject  q back  ?",
                ),
            )
        at_bottom(ctx)

    # ---- actions -----------------------------------------------------------------------------
    async def _approve(self, ctx: SessionContext, held: Held) -> None:
        assert ctx.user is not None
        try:
            await ctx.services.moderation.approve(ctx.user, held.head.id)
        except BoardError as exc:
            self._say(str(exc), "error")
        else:
            self._say(
                f"Approved: '{held.head.subject}' by {held.head.author} is now in "
                f"{','.join(held.groups)}.",
                "ok",
            )
        await self._load(ctx)

    async def _reject(self, ctx: SessionContext, held: Held) -> None:
        assert ctx.user is not None
        if not await confirm(
            ctx, f"Reject '{clean(held.head.subject)[:40]}' by {held.head.author}?"
        ):
            self._say("Not rejected.")
            return
        try:
            await ctx.services.moderation.reject(ctx.user, held.head.id)
        except BoardError as exc:
            self._say(str(exc), "error")
        else:
            self._say(f"Rejected: '{held.head.subject}' by {held.head.author}.", "ok")
        await self._load(ctx)

    async def _read(self, ctx: SessionContext, held: Held) -> str:
        """The whole post, a page at a time. Returns 'a' or 'r' if the moderator decided there."""
        top = 0
        while True:
            lines = post_lines(ctx, held, width(ctx))
            page = max(1, ctx.rows - 1)
            top = max(0, min(top, len(lines) - page))
            ctx.clear()
            for i, line in enumerate(lines[top : top + page]):
                put(ctx, 1 + i, line)
            blank_rows(ctx, 1 + min(page, len(lines) - top), ctx.rows - 1)
            at_end = top + page >= len(lines)
            what = "End of post" if at_end else "-- More -- Space"
            put(
                ctx,
                ctx.rows,
                Text.assemble((what, "prompt"), ("  a approve  r reject  q back", "dim")),
            )
            await ctx.flush()
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                ctx.sync_size()
                continue
            name = event.name
            if name in ("a", "r"):
                return name
            if name in PAGE_DOWN or name == "enter":
                if at_end:
                    return ""
                top += page - 1
            elif name in PAGE_UP:
                top -= page - 1
            elif name in DOWN:
                top += 1
            elif name in UP:
                top -= 1
            elif name in QUIT or name == "left":
                return ""

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        if not await self._load(ctx):
            ctx.clear()
            say(ctx, self.message, "error")
            await pause(ctx)
            return Back()
        dirty = True
        while True:
            if not self.items:
                ctx.clear()
                title_bar(ctx, "Moderation queue")
                ctx.write("\r\n")
                if self.message:
                    say(ctx, clean(self.message), self.message_style)
                say(ctx, EMPTY)
                await pause(ctx)
                return Back()
            if dirty:
                self.draw(ctx)
                await ctx.flush()
            dirty = True
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                ctx.sync_size()
                continue
            self.message = ""
            name = event.name
            held = self.items[self.cursor]
            if name in UP:
                self.cursor = max(0, self.cursor - 1)
            elif name in DOWN:
                self.cursor = min(len(self.items) - 1, self.cursor + 1)
            elif name in ("pgup", "ctrl-b"):
                self.cursor = max(0, self.cursor - self._list_height(ctx))
            elif name in ("pgdn", "ctrl-f"):
                self.cursor = min(len(self.items) - 1, self.cursor + self._list_height(ctx))
            elif name == "home":
                self.cursor = 0
            elif name == "end":
                self.cursor = len(self.items) - 1
            elif name in ("enter", "right", " "):
                decision = await self._read(ctx, held)
                if decision == "a":
                    await self._approve(ctx, held)
                elif decision == "r":
                    await self._reject(ctx, held)
            elif name in ("a", "A"):
                await self._approve(ctx, held)
            elif name in ("r", "R"):
                await self._reject(ctx, held)
            elif name in QUIT:
                return Back()
            elif name == "?":
                await show_help(ctx, "Moderation queue", QUEUE_KEYS)
            elif name not in REDRAW:
                ctx.write("\a")
                await ctx.flush()
                dirty = False

"""The moderation queue: posts held for moderated groups, to approve or reject one by one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import ArticleHead
from retroboard.domain.community import REJECT_REASON_MAX
from retroboard.domain.errors import BoardError
from retroboard.domain.flowed import reflow
from retroboard.domain.text import sanitize
from retroboard.term.events import Resize
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav
from retroboard.ui.notices import StatusLine
from retroboard.ui.prompts import pause, say
from retroboard.ui.screens.kit import (
    HELP,
    NARROW,
    REDRAW_SCREEN,
    ListScreen,
    at_bottom,
    blank_rows,
    cell,
    clean,
    confirm,
    key_hints,
    list_moves,
    long_date,
    put,
    title_bar,
    use_ascii,
    width,
)
from retroboard.ui.widgets.lineinput import read_line

BINDINGS = Bindings(
    (
        *list_moves(space_pages=False),
        Binding(("enter", "right", " "), "read", "help_queue_read"),
        Binding(("a", "A"), "approve", "help_queue_approve"),
        Binding(("r", "R"), "reject", "help_queue_reject"),
        Binding(("q", "escape"), "back", "help_queue_back"),
        HELP,
        REDRAW_SCREEN,
    )
)
# The whole post, a page at a time (Enter on the list).
PAGER = Bindings(
    (
        Binding(("a", "A"), "approve", "help_queue_pager_approve"),
        Binding(("r", "R"), "reject", "help_queue_pager_reject"),
        Binding((" ", "pgdn", "ctrl-f", "enter"), "page_down", "help_queue_pager_page_down"),
        Binding(("pgup", "b", "ctrl-b"), "page_up", "help_queue_pager_page_up"),
        Binding(("down", "j", "ctrl-n"), "down", "help_queue_pager_down"),
        Binding(("up", "k", "ctrl-p"), "up", "help_queue_pager_up"),
        Binding(("q", "escape", "left"), "back", "help_queue_pager_back"),
    )
)
PAGER_STEPS = {"down": 1, "up": -1}


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
        (ctx.text("header_from"), h.from_line, "author"),
        (ctx.text("header_newsgroups"), ",".join(held.groups), "info"),
        (ctx.text("header_subject"), h.subject, "subject"),
        (ctx.text("header_date"), long_date(h.date), "date"),
    ):
        lines.extend(
            Text.assemble((f"{name}: ", "header"), (clean(value), style)).wrap(
                console, w, overflow="fold"
            )
        )
    lines.append(Text(("-" if use_ascii(ctx) else "─") * min(w, 40), style="dim"))
    for raw in reflow(sanitize(held.body), w):  # held posts are stored flowed, as all posts
        text = Text(raw, style="quote" if raw.lstrip().startswith(">") else "")
        text.expand_tabs(8)
        lines.extend(text.wrap(console, w, overflow="fold") if raw else [Text("")])
    return lines


class ModerationQueueScreen(ListScreen[Held]):
    """The held posts (author, groups, subject) with the selected one shown below the list."""

    ACTIVITY = Activity("moderating")
    BINDINGS = BINDINGS

    def __init__(self) -> None:
        self.items: list[Held] = []
        self.index = 0
        self.message = ""
        self.message_style = "info"

    async def _load(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None
        try:
            queue = await ctx.services.moderation.queue(ctx.user)
        except BoardError as exc:
            self.say(str(exc), "error")
            return False
        self.items = [Held(head, body, tuple(groups)) for head, body, groups in queue]
        self.index = max(0, min(self.index, len(self.items) - 1))
        return True

    # ---- drawing -------------------------------------------------------------------------
    def rows(self) -> list[Held]:
        return self.items

    def first_row(self, ctx: SessionContext) -> int:
        return 3  # row 1 title, row 2 column names

    def height(self, ctx: SessionContext) -> int:
        return max(1, min(len(self.items), (ctx.rows - 5) // 3))  # the rest shows the post

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int]:
        """Widths of author, groups and subject (groups 0 = not shown at this width)."""
        w = width(ctx) - 2  # the selection marker and a space
        if w + 2 < NARROW:
            author = min(10, w // 3)
            return author, 0, max(1, w - author - 1)
        author, groups = (16, 30) if w >= 120 else (12, 20)
        return author, groups, max(10, w - author - groups - 2)

    def row_text(self, ctx: SessionContext, held: Held, selected: bool) -> Text:
        author_w, groups_w, subject_w = self._columns(ctx)
        line = Text(" ")
        line.append_text(cell(ctx, held.head.author, author_w, "author"))
        line.append(" ")
        if groups_w:
            line.append_text(cell(ctx, ",".join(held.groups), groups_w, "info"))
            line.append(" ")
        line.append_text(cell(ctx, held.head.subject, subject_w, "subject"))
        return line

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("queue_help_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        title_bar(ctx, ctx.text("queue_title"), ctx.text("queue_waiting", count=len(self.items)))
        author_w, groups_w, _ = self._columns(ctx)
        names = "  " + ctx.text("col_author").ljust(author_w) + " "
        if groups_w:
            names += ctx.text("col_groups").ljust(groups_w) + " "
        put(ctx, 2, Text(names + ctx.text("col_subject"), style="header"))
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The selected post below the list, then the message or the key hints."""
        row = self.first_row(ctx) + self.height(ctx)
        put(ctx, row, Text(("-" if use_ascii(ctx) else "─") * width(ctx), style="dim"))
        blank_rows(ctx, row + 1, ctx.rows - 1)
        if self.items:
            preview = post_lines(ctx, self.items[self.index], width(ctx))
            room = ctx.rows - row - 1
            for i, line in enumerate(preview[:room]):
                put(ctx, row + 1 + i, line)
            if len(preview) > room and room > 0:
                more = ctx.text("queue_more_lines", count=len(preview) - room + 1)
                put(ctx, ctx.rows - 1, Text(more, style="dim"))
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            hints = key_hints(ctx, ctx.text("queue_hints"), ctx.text("queue_hints_short"))
            put(ctx, ctx.rows, hints)
        at_bottom(ctx)

    async def show_empty(self, ctx: SessionContext) -> Nav:
        """The queue is empty (or became so): say so, wait for a key, go back."""
        ctx.clear()
        title_bar(ctx, ctx.text("queue_title"))
        ctx.write("\r\n")
        if self.message:
            say(ctx, clean(self.message), self.message_style)
        say(ctx, ctx.text("queue_empty"))
        await pause(ctx, ctx.text("help_continue"))
        return Back()

    # ---- what the actions do -------------------------------------------------------------
    async def _approve(self, ctx: SessionContext, held: Held) -> Nav | None:
        assert ctx.user is not None
        try:
            await ctx.services.moderation.approve(ctx.user, held.head.id)
        except BoardError as exc:
            self.say(str(exc), "error")
        else:
            self.say(
                ctx.text(
                    "queue_approved",
                    subject=held.head.subject,
                    author=held.head.author,
                    groups=",".join(held.groups),
                ),
                "ok",
            )
        return await self._reload(ctx)

    async def _reject(self, ctx: SessionContext, held: Held) -> Nav | None:
        assert ctx.user is not None
        question = ctx.text(
            "queue_reject_question", subject=clean(held.head.subject)[:40], author=held.head.author
        )
        if not await confirm(ctx, question):
            self.say(ctx.text("queue_not_rejected"))
            return None
        reason = await self._reason(ctx, held)
        if reason is None:
            self.say(ctx.text("queue_not_rejected"))
            return None
        try:
            await ctx.services.moderation.reject(ctx.user, held.head.id, reason)
        except BoardError as exc:
            self.say(str(exc), "error")
        else:
            self.say(
                ctx.text("queue_rejected", subject=held.head.subject, author=held.head.author),
                "ok",
            )
        return await self._reload(ctx)

    async def _reason(self, ctx: SessionContext, held: Held) -> str | None:
        """The reason mailed to the author, asked on the last row (Enter alone: none given);
        None when the moderator pressed Esc (then nothing is rejected)."""
        put(ctx, ctx.rows, "")
        ctx.write(f"\x1b[{ctx.rows};1H")
        ctx.print(
            Text(ctx.text("queue_reject_reason", author=clean(held.head.author)), style="prompt"),
            end="",
        )
        with ctx.term.interruptions(StatusLine(ctx, row=lambda: ctx.rows - 1)):
            typed = await read_line(
                ctx.term, "", max_len=REJECT_REASON_MAX, allow_escape=True, notices=False
            )
        return None if typed is None else typed.strip()

    async def _reload(self, ctx: SessionContext) -> Nav | None:
        await self._load(ctx)
        return await self.show_empty(ctx) if not self.items else None

    async def _read(self, ctx: SessionContext, held: Held) -> str:
        """The whole post, a page at a time. Returns 'approve' or 'reject' if the moderator
        decided there, else ''."""
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
            what = ctx.text("queue_end_of_post" if at_end else "queue_more")
            put(
                ctx,
                ctx.rows,
                Text.assemble((what, "prompt"), (ctx.text("queue_read_hints"), "dim")),
            )
            await ctx.flush()
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                ctx.sync_size()
                continue
            action = PAGER.action(event.name)
            if action in ("approve", "reject"):
                return action
            if action == "back" or (action == "page_down" and at_end):
                return ""
            if action == "page_down":
                top += page - 1
            elif action == "page_up":
                top -= page - 1
            elif action in PAGER_STEPS:
                top += PAGER_STEPS[action]
            else:
                ctx.write("\a")

    # ---- actions (one per binding) -------------------------------------------------------
    async def on_read(self, ctx: SessionContext) -> Nav | None:
        held = self.items[self.index]
        decision = await self._read(ctx, held)
        if decision == "approve":
            return await self._approve(ctx, held)
        if decision == "reject":
            return await self._reject(ctx, held)
        return None

    async def on_approve(self, ctx: SessionContext) -> Nav | None:
        return await self._approve(ctx, self.items[self.index])

    async def on_reject(self, ctx: SessionContext) -> Nav | None:
        return await self._reject(ctx, self.items[self.index])

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        if not await self._load(ctx):
            ctx.clear()
            say(ctx, self.message, "error")
            await pause(ctx, ctx.text("help_continue"))
            return Back()
        if not self.items:
            return await self.show_empty(ctx)
        return await self.loop(ctx)

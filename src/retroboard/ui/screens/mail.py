"""The mailbox: the inbox with unread markers, or the sent folder, to read, write and answer letters.

Keys follow Synchronet's and ENiGMA½'s mail sections: Enter reads, W writes, R replies, A replies
to all, O forwards, D deletes, S shows the sent folder and I the inbox, F writes to the sysop
(feedback). The letter itself is the `letter` screen, writing is `mail_compose`.
"""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import Letter, LetterHead
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.screens.kit import (
    HELP,
    NARROW,
    REDRAW_SCREEN,
    ListScreen,
    at_bottom,
    cell,
    clean,
    confirm,
    key_hints,
    list_moves,
    put,
    short_date,
    show_art,
    title_bar,
    width,
)

FOLDERS = ("inbox", "sent")
BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "read", "help_mail_read"),
        Binding(("w", "W"), "write", "help_mail_write"),
        Binding(("r", "R"), "reply", "help_mail_reply"),
        Binding(("a", "A"), "reply_all", "help_mail_reply_all"),
        Binding(("o", "O"), "forward", "help_mail_forward"),
        Binding(("d", "D"), "delete", "help_mail_delete"),
        Binding(("s", "S"), "sent", "help_mail_sent"),
        Binding(("i", "I"), "inbox", "help_mail_inbox"),
        Binding(("f", "F"), "feedback", "help_mail_feedback"),
        Binding(("q", "escape", "left"), "back", "help_mail_back"),
        HELP,
        REDRAW_SCREEN,
    )
)
UNREAD_MARK = "N"  # before an unread letter, as Synchronet marks new mail


def sent_note(ctx: SessionContext, result: object) -> str:
    """What the composer's result means, for the status row ('' when nothing was sent)."""
    if not isinstance(result, Letter):
        return ""
    names = ", ".join(result.head.to + result.head.cc)
    return ctx.text("mail_sent_to", to=names)


class MailScreen(ListScreen[LetterHead]):
    """One folder of letters, newest first: marker, who, date, subject."""

    ACTIVITY = Activity("reading_mail")
    BINDINGS = BINDINGS

    def __init__(self, folder: str = "inbox") -> None:
        self.folder = folder if folder in FOLDERS else "inbox"
        self.items: list[LetterHead] = []
        self.index = 0
        self.message = ""
        self.message_style = "info"

    async def _load(self, ctx: SessionContext, focus: int | None = None) -> None:
        assert ctx.user is not None
        mail = ctx.services.mail
        self.items = await (mail.sent if self.folder == "sent" else mail.inbox)(ctx.user)
        if focus is not None:
            self.index = next((i for i, h in enumerate(self.items) if h.id == focus), self.index)
        self.index = max(0, min(self.index, len(self.items) - 1))

    def current(self) -> LetterHead | None:
        return self.items[self.index] if self.items else None

    # ---- drawing -------------------------------------------------------------------------
    def rows(self) -> list[LetterHead]:
        return self.items

    def first_row(self, ctx: SessionContext) -> int:
        return 3  # row 1 title, row 2 column names

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int]:
        """Widths of who, date and subject (date 0 = not shown at this width)."""
        w = width(ctx) - 4  # the selection marker, the unread mark and two spaces
        if w + 4 < NARROW:
            who = min(10, w // 3)
            return who, 0, max(1, w - who - 1)
        who, date = (20, 8) if w >= 120 else (14, 8)
        return who, date, max(10, w - who - date - 2)

    def _who(self, head: LetterHead) -> str:
        if self.folder == "sent":
            return ", ".join(head.to + head.cc)
        return head.sender

    def row_text(self, ctx: SessionContext, head: LetterHead, selected: bool) -> Text:
        who_w, date_w, subject_w = self._columns(ctx)
        line = Text(UNREAD_MARK if head.unread else " ", style="unread")
        line.append(" ")
        line.append_text(cell(ctx, self._who(head), who_w, "author"))
        line.append(" ")
        if date_w:
            line.append_text(cell(ctx, short_date(head.sent_at), date_w, "date"))
            line.append(" ")
        style = "unread" if head.unread else "subject"
        line.append_text(cell(ctx, head.subject, subject_w, style))
        return line

    def draw_empty(self, ctx: SessionContext) -> None:
        key = "mail_sent_empty" if self.folder == "sent" else "mail_inbox_empty"
        put(ctx, self.first_row(ctx), Text("  " + ctx.text(key), style="dim"))

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("mail_help_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        if self.folder == "sent":
            title, right = (
                ctx.text("mail_sent_title"),
                ctx.text("mail_sent_count", count=len(self.items)),
            )
        else:
            new = sum(1 for h in self.items if h.unread)
            title = ctx.text("mail_inbox_title")
            right = ctx.text("mail_inbox_count", count=len(self.items), new=new)
        title_bar(ctx, title, right)
        who_w, date_w, _ = self._columns(ctx)
        who = ctx.text("mail_col_to" if self.folder == "sent" else "mail_col_from")
        names = "    " + who.ljust(who_w) + " "
        if date_w:
            names += ctx.text("mail_col_date").ljust(date_w) + " "
        put(ctx, 2, Text(names + ctx.text("col_subject"), style="header"))
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The last row: the message of the last key, else the key hints."""
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            put(ctx, ctx.rows, key_hints(ctx, ctx.text("mail_hints"), ctx.text("mail_hints_short")))
        if ctx.term.info.cursor:
            self.park(ctx)
        else:
            at_bottom(ctx)

    # ---- the flow ------------------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        if ctx.term.info.cursor:  # a full-screen splash, before the screen draws
            ctx.clear()
            if show_art(ctx, "mail"):  # then drawn over
                await ctx.flush()  # painted while the screen loads
        await self._load(ctx)
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from a letter or the composer: reload the folder, say what was sent."""
        focus = self.current()
        await self._load(ctx, focus.id if focus else None)
        if sent_note(ctx, result):
            self.say(sent_note(ctx, result), "ok")
        elif isinstance(result, str) and result:  # what the letter screen said on leaving
            self.say(result)
        return await self.loop(ctx)

    def _need_letter(self, ctx: SessionContext) -> LetterHead | None:
        head = self.current()
        if head is None:
            self.say(ctx.text("mail_no_letter"), "warn")
            self.keep_screen()
        return head

    # ---- the actions, one per binding
    async def on_read(self, ctx: SessionContext) -> Nav | None:
        head = self._need_letter(ctx)
        if head is None:
            return None
        return Push("letter", letter_id=head.id, folder=self.folder)

    async def on_write(self, ctx: SessionContext) -> Nav | None:
        return Push("mail_compose")

    async def _reply(self, ctx: SessionContext, to_all: bool) -> Nav | None:
        head = self._need_letter(ctx)
        if head is None:
            return None
        return Push("mail_compose", reply_to_id=head.id, to_all=to_all)

    async def on_reply(self, ctx: SessionContext) -> Nav | None:
        return await self._reply(ctx, False)

    async def on_reply_all(self, ctx: SessionContext) -> Nav | None:
        return await self._reply(ctx, True)

    async def on_forward(self, ctx: SessionContext) -> Nav | None:
        head = self._need_letter(ctx)
        if head is None:
            return None
        return Push("mail_compose", forward_id=head.id)

    async def on_feedback(self, ctx: SessionContext) -> Nav | None:
        return Push("mail_compose", feedback=True)

    async def on_delete(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        head = self._need_letter(ctx)
        if head is None:
            return None
        question = ctx.text("mail_delete_question", subject=clean(head.subject)[:40])
        if not await confirm(ctx, question):
            self.say(ctx.text("mail_not_deleted"))
            return None
        await ctx.services.mail.delete(ctx.user, head.id)
        await self._load(ctx)
        self.say(ctx.text("mail_deleted"), "ok")
        return None

    async def _show(self, ctx: SessionContext, folder: str) -> Nav | None:
        if self.folder != folder:
            self.folder, self.index = folder, 0
            await self._load(ctx)
        return None

    async def on_sent(self, ctx: SessionContext) -> Nav | None:
        return await self._show(ctx, "sent")

    async def on_inbox(self, ctx: SessionContext) -> Nav | None:
        return await self._show(ctx, "inbox")

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

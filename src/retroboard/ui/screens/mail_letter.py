"""One letter, paged like an article: the discussion reader's keys, plus reply, forward, delete."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import Letter
from retroboard.domain.errors import BoardError
from retroboard.domain.flowed import as_flowed, reflow
from retroboard.domain.text import sanitize
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.models.reading import Pager
from retroboard.ui.nav import Back, Nav, Push, Replace
from retroboard.ui.screens.kit import (
    HELP,
    KeyedScreen,
    PagedText,
    clean,
    confirm,
    long_date,
    put,
    use_ascii,
    width,
)

BINDINGS = Bindings(
    (
        Binding((" ",), "space", "help_letter_space"),
        Binding(("pgdn", "ctrl-f"), "page_down", hidden=True),
        Binding(("b", "pgup", "ctrl-b"), "page_up", "help_reader_page_up", "keys_reader_page_up"),
        Binding(
            ("enter", "j", "down"), "line_down", "help_reader_line_down", "keys_reader_line_down"
        ),
        Binding(("k", "up"), "line_up", hidden=True),
        Binding(("home", "^"), "first_page", "help_reader_first_last", "keys_reader_first_last"),
        Binding(("end", "$"), "last_page", hidden=True),
        Binding(("r",), "reply", "help_letter_reply"),
        Binding(("R", "a", "A"), "reply_all", "help_letter_reply_all", "keys_letter_reply_all"),
        Binding(("f", "F"), "forward", "help_letter_forward", "keys_letter_forward"),
        Binding(("d", "D"), "delete", "help_letter_delete", "keys_letter_delete"),
        Binding(("q", "escape", "left"), "quit", "help_letter_quit", "keys_reader_quit"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)


class LetterScreen(PagedText, KeyedScreen):
    """A letter the caller may read (marked read on opening); Back(message) when leaving."""

    END_OF_TEXT = "letter_end_of_letter"

    BINDINGS = BINDINGS
    ACTIVITY = Activity("reading_mail")
    layout = "full"

    def __init__(self, letter_id: int, folder: str = "inbox") -> None:
        self.letter_id = letter_id
        self.folder = folder
        self.letter: Letter | None = None
        self.pager = Pager()
        self.message = ""
        self.message_style = "info"
        self._content: list[Text] = []
        self._content_key: tuple[object, ...] = ()

    async def _load(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        self.letter = await ctx.services.mail.read(ctx.user, self.letter_id)
        self._content_key = ()

    # ---- layout
    def _lines(self, ctx: SessionContext) -> list[Text]:
        """Header lines, a rule, then the body wrapped at the width (cached)."""
        letter = self.letter
        assert letter is not None
        w = width(ctx)
        key = (id(letter), w, ctx.term.info.colors)
        if key == self._content_key:
            return self._content
        head = letter.head
        headers = [
            (ctx.text("mail_header_from"), head.sender, "author"),
            (ctx.text("mail_header_to"), ", ".join(head.to), "author"),
        ]
        if head.cc:
            headers.append((ctx.text("mail_header_cc"), ", ".join(head.cc), "author"))
        headers += [
            (ctx.text("mail_header_subject"), head.subject, "subject"),
            (ctx.text("mail_header_date"), long_date(head.sent_at), "date"),
        ]
        console = ctx.renderer.console
        lines: list[Text] = []
        for name, value, style in headers:
            line = Text.assemble((f"{name}: ", "header"), (clean(value), style))
            folded = line.wrap(console, max(8, w - 4), overflow="fold")
            lines.append(folded[0])
            lines.extend(Text("    ") + rest for rest in folded[1:])
        lines.append(Text(("-" if use_ascii(ctx) else "─") * min(w, 40), style="dim"))
        for raw in reflow(as_flowed(sanitize(letter.body), False), w):  # quotes keep their '>'
            text = Text(raw, style="quote" if raw.lstrip().startswith(">") else "")
            text.expand_tabs(8)
            lines.extend(text.wrap(console, w, overflow="fold") if raw else [Text("")])
        self._content, self._content_key = lines, key
        return lines

    def text_pager(self, ctx: SessionContext) -> Pager:
        return self._fit(ctx)

    def _fit(self, ctx: SessionContext) -> Pager:
        self.pager.fit(len(self._lines(ctx)), ctx.rows - 1)
        return self.pager

    # ---- drawing
    def _prompt(self, ctx: SessionContext) -> Text:
        pager = self._fit(ctx)
        w = width(ctx)
        if pager.at_end:
            prompt = Text(ctx.text("letter_end"), style="prompt")
            hints = ("letter_end_hints", "letter_hints_tiny")
        else:
            prompt = Text(ctx.text("reader_more", percent=pager.percent), style="prompt")
            hints = ("letter_more_hints", "letter_hints_tiny")
        if self.message:
            return Text.assemble((clean(self.message), self.message_style), "  ", prompt)
        for key in hints:
            hint = ctx.text(key)
            if prompt.cell_len + len(hint) <= w:
                prompt.append(hint, style="dim")
                break
        return prompt

    def draw_status(self, ctx: SessionContext) -> None:
        put(ctx, ctx.rows, self._prompt(ctx))

    def draw(self, ctx: SessionContext) -> None:
        assert self.letter is not None
        ctx.clear()
        lines = self._lines(ctx)
        pager = self._fit(ctx)
        row = 1
        if pager.top == 0:
            visible = lines[: pager.height]
        else:
            sticky = Text.assemble(
                (ctx.text("letter_sticky", sender=clean(self.letter.head.sender)), "dim"),
                (clean(self.letter.head.subject), "subject"),
                (ctx.text("reader_continued"), "dim"),
            )
            put(ctx, 1, sticky)
            row = 2
            visible = lines[pager.top : pager.top + pager.height - 1]
        for line in visible:
            put(ctx, row, line)
            row += 1
        self.draw_status(ctx)

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("letter_help_title")

    # ---- the actions, one per binding
    async def on_space(self, ctx: SessionContext) -> Nav | None:
        pager = self._fit(ctx)
        if pager.at_end:
            return await self._next_unread(ctx)
        pager.page_down()
        return None

    async def _next_unread(self, ctx: SessionContext) -> Nav:
        """The next unread letter of the inbox (below this one in the list, else from the
        top), as Space goes to the next unread article; back to the mailbox when none."""
        assert ctx.user is not None
        if self.folder != "inbox":
            return Back()
        heads = await ctx.services.mail.inbox(ctx.user)
        here = next((i for i, h in enumerate(heads) if h.id == self.letter_id), -1)
        order = heads[here + 1 :] + heads[: max(here, 0)]
        unread = next((h for h in order if h.unread), None)
        if unread is None:
            return Back(ctx.text("letter_no_more_unread"))
        return Replace("letter", letter_id=unread.id, folder=self.folder)

    async def on_reply(self, ctx: SessionContext) -> Nav | None:
        return Push("mail_compose", reply_to_id=self.letter_id)

    async def on_reply_all(self, ctx: SessionContext) -> Nav | None:
        return Push("mail_compose", reply_to_id=self.letter_id, to_all=True)

    async def on_forward(self, ctx: SessionContext) -> Nav | None:
        return Push("mail_compose", forward_id=self.letter_id)

    async def on_delete(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None and self.letter is not None
        subject = clean(self.letter.head.subject)[:40]
        if not await confirm(ctx, ctx.text("mail_delete_question", subject=subject)):
            self.say(ctx.text("mail_not_deleted"))
            return None
        await ctx.services.mail.delete(ctx.user, self.letter_id)
        return Back(ctx.text("mail_deleted"))

    async def on_quit(self, ctx: SessionContext) -> Nav | None:
        return Back()

    # ---- the loop
    async def run(self, ctx: SessionContext) -> Nav:
        try:
            await self._load(ctx)
        except BoardError as exc:
            return Back(str(exc))
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from the composer: say what was sent and show the letter again."""
        if isinstance(result, Letter):
            self.say(ctx.text("mail_sent_to", to=", ".join(result.head.to + result.head.cc)), "ok")
        return await self.loop(ctx)

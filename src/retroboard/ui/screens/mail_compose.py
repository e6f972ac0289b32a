"""Write a letter (new, reply, forward, or feedback to the sysop) in the caller's editor; kept as
a draft (kind "mail") if the line drops or sending fails.

The same editors as posting (the line editor, the full-screen editor) and the same draft store
(one unfinished message per member, offered back at login). To: and CC: are checked as they
are typed: an unknown handle is named and the prompt asked again.
"""

from __future__ import annotations

import asyncio
import re

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import Draft
from retroboard.domain.community import LETTER_RECIPIENTS_MAX, LETTER_SUBJECT_MAX, Letter
from retroboard.domain.errors import BoardError
from retroboard.domain.usenet import attribution_line, quote_body
from retroboard.domain.users import HANDLE_MAX
from retroboard.term.events import Disconnected
from retroboard.ui.context import SessionContext
from retroboard.ui.drafts_waiting import drafts_waiting
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import ask, ask_yes_no, pause, say
from retroboard.ui.screens.kit import clean, option_text
from retroboard.ui.widgets.fse import run_full_screen_editor
from retroboard.ui.widgets.line_editor import run_line_editor

_SEPARATORS = re.compile(r"[,;\s]+")
HANDLES_INPUT_MAX = (HANDLE_MAX + 2) * LETTER_RECIPIENTS_MAX  # characters at a To:/CC: prompt


def uses_fse(ctx: SessionContext) -> bool:
    """The full-screen editor when chosen and usable (cursor addressing, not a linear skin)."""
    assert ctx.user is not None
    return ctx.user.editor == "fse" and ctx.term.info.cursor and not ctx.skin.linear


def without_unknown(typed: str, error: BoardError) -> str:
    """The handles typed, less those the error names as unknown, ready for more: "bob, "."""
    unknown = {h.lower() for h in getattr(error, "handles", ())}
    kept = [h for h in _SEPARATORS.split(typed) if h and h.lower() not in unknown]
    return ", ".join(kept) + ", " if kept and unknown else typed if not unknown else ""


def hotkey(option: str) -> str:
    """The key of an option written "(E)dit again": the letter after the parenthesis."""
    return option[option.index("(") + 1].lower()


class MailComposeScreen(BaseScreen):
    """Write and send one letter. `run` returns Back(Letter) when sent, else Back(None).
    Raises Disconnected (after keeping the text as a draft) if the line drops."""

    ACTIVITY = Activity("writing_mail")

    def __init__(
        self,
        to: list[str] | tuple[str, ...] = (),
        cc: list[str] | tuple[str, ...] = (),
        subject: str = "",
        quote: list[str] | None = None,
        reply_to_id: int | None = None,
        to_all: bool = False,
        forward_id: int | None = None,
        feedback: bool = False,
        draft: Draft | None = None,
    ) -> None:
        self.to, self.cc = tuple(to), tuple(cc)
        self.subject = subject
        self.quote = list(quote) if quote else None
        self.reply_to_id = reply_to_id
        self.to_all = to_all
        self.forward_id = forward_id
        self.feedback = feedback
        self.draft = draft
        self.lines: list[str] | None = None  # the latest text while it is being written
        self._initial: list[str] = []
        self._finished = False  # sent or abandoned: nothing left to keep
        self._owns_draft = draft is not None  # the stored draft is this letter
        self._draft_id = draft.id if draft is not None else None  # the stored draft's id

    # ---- the whole flow -------------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        try:
            return await self._compose(ctx)
        except Disconnected:
            await self._save_on_hangup(ctx)
            raise

    def _title(self, ctx: SessionContext) -> str:
        if self.feedback:
            return ctx.text("mail_compose_feedback")
        if self.forward_id is not None:
            return ctx.text("mail_compose_forward")
        if self.reply_to_id is not None or self.quote:
            return ctx.text("mail_compose_reply")
        return ctx.text("mail_compose_new")

    async def _compose(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        initial: list[str] = []
        if self.draft is not None:
            d = self.draft
            self.to, self.cc, self.subject = d.to, d.cc, d.subject
            self.reply_to_id = d.reply_to_id
            initial = d.body.split("\n")
        elif self.reply_to_id is not None:
            try:
                start = await ctx.services.mail.reply_head(
                    ctx.user, self.reply_to_id, to_all=self.to_all
                )
            except BoardError as exc:
                return await self._leave(ctx, str(exc))
            self.to, self.cc, self.subject = start.to, start.cc, start.subject
            head = start.letter.head
            self.quote = [
                attribution_line(head.sender, None, head.sent_at),
                *quote_body(start.letter.body),
            ]
        ctx.clear()
        ctx.print(Text(f" {self._title(ctx)} ", style="title"))
        if self.draft is None and (offer := await drafts_waiting(ctx)) is not None:
            return offer
        if self.feedback:
            ctx.print(
                Text.assemble(
                    (ctx.text("mail_to_prompt"), "label"), (ctx.text("mail_to_sysop"), "info")
                )
            )
        elif not await self._addressees(ctx):
            return await self._leave(ctx, ctx.text("mail_nothing_sent"))
        if self.forward_id is not None:
            try:
                original = await ctx.services.mail.get(ctx.user, self.forward_id)
            except BoardError as exc:
                return await self._leave(ctx, str(exc))
            self.subject = original.head.subject
            ctx.print(
                Text.assemble(
                    (ctx.text("mail_forwarding"), "label"),
                    (clean(original.head.subject), "subject"),
                )
            )
            say(ctx, ctx.text("mail_forward_note"), "dim")
        elif not await self._ask_subject(ctx):
            return await self._leave(ctx, ctx.text("mail_nothing_sent"))
        if self.draft is None and self.quote:
            initial = self._prefill(ctx, self.quote)
        return await self._write_and_send(ctx, initial)

    async def _leave(self, ctx: SessionContext, message: str) -> Nav:
        say(ctx, message, "warn")
        await pause(ctx)
        return Back(None)

    def _prefill(self, ctx: SessionContext, lines: list[str]) -> list[str]:
        """`lines` (the quote) and a blank line; the full-screen editor gets one more to type on."""
        return [*lines, "", ""] if uses_fse(ctx) else [*lines, ""]

    # ---- headers ---------------------------------------------------------------------------
    async def _ask_line(self, ctx: SessionContext, prompt: str, keep: str, max_len: int) -> str:
        """A header prompt showing `keep` to edit (a line-mode client cannot: Enter keeps it)."""
        if keep and ctx.term.info.line_mode:
            typed = await ask(
                ctx,
                ctx.text("mail_keep_prompt", prompt=prompt.rstrip(": "), keep=keep),
                max_len=max_len,
            )
            return typed or keep
        return await ask(ctx, prompt, max_len=max_len, initial=keep)

    async def _addressees(self, ctx: SessionContext) -> bool:
        """Ask To: and CC: until every handle is a member; False (nothing to send) on an empty
        To:. The handles are kept as registered."""
        to_text = ", ".join(self.to)
        while True:
            to_text = await self._ask_line(
                ctx, ctx.text("mail_to_prompt"), to_text, HANDLES_INPUT_MAX
            )
            if not to_text.strip():
                return False
            try:
                to, _ = await ctx.services.mail.addressees([to_text])
            except BoardError as exc:
                say(ctx, str(exc), "error")
                to_text = without_unknown(to_text, exc)
                continue
            if to:
                break
        cc_text = ", ".join(self.cc)
        while True:
            cc_text = await self._ask_line(
                ctx, ctx.text("mail_cc_prompt"), cc_text, HANDLES_INPUT_MAX
            )
            try:
                self.to, self.cc = await ctx.services.mail.addressees(to, [cc_text])
            except BoardError as exc:
                say(ctx, str(exc), "error")
                cc_text = without_unknown(cc_text, exc)
                continue
            return True

    async def _ask_subject(self, ctx: SessionContext) -> bool:
        raw = await self._ask_line(
            ctx, ctx.text("mail_subject_prompt"), self.subject, LETTER_SUBJECT_MAX
        )
        self.subject = raw.strip()
        if len(raw) >= LETTER_SUBJECT_MAX:
            say(ctx, ctx.text("mail_subject_long", max=LETTER_SUBJECT_MAX), "warn")
        return bool(self.subject)

    # ---- the editor, sending, and what happens when sending fails --------------------------
    async def _edit(self, ctx: SessionContext, initial: list[str]) -> list[str] | None:
        self._initial = list(initial)
        self.lines = list(initial)

        def keep(lines: list[str]) -> None:
            self.lines = lines

        if uses_fse(ctx):
            result = await run_full_screen_editor(
                ctx.term,
                title=self.subject,
                initial=initial,
                quote=self.quote,
                on_change=keep,
                texts=ctx.text,
            )
        else:
            result = await run_line_editor(
                ctx.term,
                title=self.subject,
                initial=initial,
                quote=self.quote,
                on_change=keep,
                show_title=False,  # the headers above already show the subject
                texts=ctx.text,
            )
        if result is not None:
            self.lines = result
        return result

    async def _send(self, ctx: SessionContext, body: str) -> Letter:
        assert ctx.user is not None
        mail = ctx.services.mail
        if self.feedback:
            return await mail.feedback(ctx.user, self.subject, body)
        if self.forward_id is not None:
            return await mail.forward(ctx.user, self.forward_id, self.to, self.cc, note=body)
        return await mail.send(ctx.user, self.to, self.cc, self.subject, body, self.reply_to_id)

    async def _write_and_send(self, ctx: SessionContext, initial: list[str]) -> Nav:
        while True:
            lines = await self._edit(ctx, initial)
            initial = lines or []
            if lines is None:
                self._finished = True
                if self._owns_draft:
                    await self._discard(ctx)
                return await self._leave(ctx, ctx.text("mail_nothing_sent"))
            say(ctx, ctx.text("mail_sending"), "dim")
            await ctx.flush()
            try:
                letter = await self._send(ctx, "\n".join(lines))
            except BoardError as exc:
                say(ctx, str(exc), "error")
                nav = await self._after_failure(ctx)
            else:
                self._finished = True
                if self._owns_draft:
                    await self._discard(ctx)
                return Back(letter)  # the screen underneath says whom it went to
            if nav is not None:
                return nav

    async def _choose(self, ctx: SessionContext, options: list[str]) -> str:
        """The options with their hotkeys; waits for one of the keys (returned lower case)."""
        keys = {hotkey(opt) for opt in options}
        ctx.print(Text.assemble(option_text(options), (" > ", "prompt")), end="")
        await ctx.flush()
        while True:
            name = (await ctx.term.read_key()).name.lower()
            if name in keys:
                ctx.write(name.upper() + "\r\n")
                await ctx.flush()
                return name
            ctx.write("\a")
            await ctx.flush()

    async def _after_failure(self, ctx: SessionContext) -> Nav | None:
        """Keep the text; offer to edit again (None), leave it as a draft, or abandon it. A
        forward's note is not kept (a draft holds a letter, not the letter it forwards)."""
        keeps = self.forward_id is None
        saved = keeps and await self._save_draft(ctx)
        if saved:
            say(ctx, ctx.text("mail_kept_as_draft"), "info")
        edit, save, abandon = (
            ctx.text("mail_opt_edit"),
            ctx.text("mail_opt_save"),
            ctx.text("mail_opt_abandon"),
        )
        options = [edit, save, abandon] if keeps else [edit, abandon]
        while True:
            pick = await self._choose(ctx, options)
            if pick == hotkey(edit):
                return None
            if pick == hotkey(save) and keeps:
                if saved or await self._save_draft(ctx):
                    self._finished = True
                    return await self._leave(ctx, ctx.text("mail_draft_saved"))
                continue
            if await ask_yes_no(ctx, ctx.text("mail_abandon_question")):
                self._finished = True
                await self._discard(ctx)
                return await self._leave(ctx, ctx.text("mail_abandoned"))

    def _as_draft(self) -> Draft:
        return Draft(
            groups=(),
            subject=self.subject,
            body="\n".join(self.lines or []),
            kind="mail",
            to=self.to,
            cc=self.cc,
            reply_to_id=self.reply_to_id,
        )

    async def _save_draft(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None
        try:
            self._draft_id = await ctx.services.drafts.save(
                ctx.user.id, self._as_draft(), self._draft_id
            )
        except BoardError as exc:
            say(ctx, ctx.text("mail_draft_failed", error=str(exc)), "error")
            return False
        self._owns_draft = True
        return True

    async def _discard(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        try:
            if self._draft_id is not None:
                await ctx.services.drafts.discard(ctx.user.id, self._draft_id)
        except BoardError:
            ctx.log.warning("could not discard a letter draft", exc_info=True)
        self._owns_draft = False
        self._draft_id = None

    async def _save_on_hangup(self, ctx: SessionContext) -> None:
        """The line dropped while the letter was open: keep it for the next login (not before
        the editor opened, after it was sent or abandoned, or when nothing was written)."""
        if ctx.user is None or self.lines is None or self._finished or self.forward_id:
            return
        if self.lines == self._initial or not any(line.strip() for line in self.lines):
            return
        save = ctx.services.drafts.save(ctx.user.id, self._as_draft(), self._draft_id)
        try:
            await asyncio.shield(save)  # finish the write even if the session is being cancelled
        except BoardError:
            ctx.log.warning("could not save a letter draft after the line dropped", exc_info=True)
        else:
            ctx.log.info(
                "line dropped while writing mail: kept a draft (%d lines)", len(self.lines)
            )

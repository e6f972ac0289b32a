"""Write a letter (new, reply, forward, or feedback to the sysop) in the caller's editor; kept as
a draft (kind "mail") if the line drops or sending fails.

The same composer as posting (ui.composer: the caller's editor, the draft store, edit again
after a refusal); this screen asks only for what a letter has: To:, CC: and the subject, and
says which mail call sends it. To: and CC: are checked as they are typed: an unknown handle is
named and the prompt asked again.
"""

from __future__ import annotations

import re

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import Draft
from retroboard.domain.community import LETTER_RECIPIENTS_MAX, LETTER_SUBJECT_MAX, Letter
from retroboard.domain.errors import BoardError
from retroboard.domain.usenet import attribution_line, quote_body
from retroboard.domain.users import HANDLE_MAX
from retroboard.ui.composer import Composer, ComposerWords, prefill
from retroboard.ui.context import SessionContext
from retroboard.ui.drafts_waiting import drafts_waiting
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import ask, pause, say
from retroboard.ui.screens.kit import clean

_SEPARATORS = re.compile(r"[,;\s]+")
HANDLES_INPUT_MAX = (HANDLE_MAX + 2) * LETTER_RECIPIENTS_MAX  # characters at a To:/CC: prompt


WORDS = ComposerWords(
    nothing_sent="mail_nothing_sent",
    sending="mail_sending",
    kept_as_draft="mail_kept_as_draft",
    draft_saved="mail_draft_saved",
    draft_failed="mail_draft_failed",
    edit_again="mail_opt_edit",
    save_draft="mail_opt_save",
    abandon="mail_opt_abandon",
    abandon_question="mail_abandon_question",
    abandoned="mail_abandoned",
)


def without_unknown(typed: str, error: BoardError) -> str:
    """The handles typed, less those the error names as unknown, ready for more: "bob, "."""
    unknown = {h.lower() for h in getattr(error, "handles", ())}
    kept = [h for h in _SEPARATORS.split(typed) if h and h.lower() not in unknown]
    return ", ".join(kept) + ", " if kept and unknown else typed if not unknown else ""


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
        # a draft holds a letter, not the letter it forwards: a forward's note is not kept
        self.composer = Composer[Letter](
            WORDS, self._as_draft, draft, keeps_drafts=forward_id is None
        )

    def _title(self, ctx: SessionContext) -> str:
        if self.feedback:
            return ctx.text("mail_compose_feedback")
        if self.forward_id is not None:
            return ctx.text("mail_compose_forward")
        if self.reply_to_id is not None or self.quote:
            return ctx.text("mail_compose_reply")
        return ctx.text("mail_compose_new")

    # ---- the whole flow -------------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
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
                *quote_body(start.letter.body, flowed=False),  # letters are stored as typed
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
            initial = prefill(ctx, self.quote)
        letter = await self.composer.write(
            ctx,
            lambda body: self._send(ctx, body),
            title=self.subject,
            initial=initial,
            quote=self.quote,
        )
        return Back(letter)  # the screen underneath says whom it went to

    async def _leave(self, ctx: SessionContext, message: str) -> Nav:
        say(ctx, message, "warn")
        await pause(ctx)
        return Back(None)

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

    # ---- sending: the shared composer writes the letter ------------------------------------
    async def _send(self, ctx: SessionContext, body: str) -> Letter:
        assert ctx.user is not None
        mail = ctx.services.mail
        if self.feedback:
            return await mail.feedback(ctx.user, self.subject, body)
        if self.forward_id is not None:
            return await mail.forward(ctx.user, self.forward_id, self.to, self.cc, note=body)
        return await mail.send(ctx.user, self.to, self.cc, self.subject, body, self.reply_to_id)

    def _as_draft(self, body: str) -> Draft:
        return Draft(
            groups=(),
            subject=self.subject,
            body=body,
            kind="mail",
            to=self.to,
            cc=self.cc,
            reply_to_id=self.reply_to_id,
        )

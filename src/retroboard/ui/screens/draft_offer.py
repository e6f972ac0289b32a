"""Offer an unfinished message (kept when the line dropped) back at login: resume, discard, later."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import Article, Draft
from retroboard.domain.errors import BoardError, NotFound
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Replace
from retroboard.ui.prompts import ask_yes_no, pause, say
from retroboard.ui.screens.kit import HELP, KeyedScreen, option_text

PREVIEW_LINES = 6
BINDINGS = Bindings(
    (
        Binding(("R",), "resume", "help_draft_resume"),
        Binding(("D",), "discard", "help_draft_discard"),
        Binding(("L", "Q", "escape", "enter"), "later", "help_draft_later"),
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)


def own_lines(draft: Draft) -> list[str]:
    """What the user wrote, for a preview: no quoted lines, no attribution, no blank edges."""
    own = [line for line in draft.body.split("\n") if not line.lstrip().startswith(">")]
    if draft.parent_message_id and own and own[0].endswith(" wrote:"):
        own = own[1:]
    while own and not own[0].strip():
        own.pop(0)
    while own and not own[-1].strip():
        own.pop()
    return own


class DraftOfferScreen(KeyedScreen):
    """`You have an unfinished message from ...: (R)esume, (D)iscard, (L)ater`."""

    BINDINGS = BINDINGS
    CASELESS = True

    ACTIVITY = Activity("draft_offer")

    def __init__(self, draft: Draft) -> None:
        self.draft = draft

    def draw(self, ctx: SessionContext) -> None:
        d = self.draft
        ctx.clear()
        ctx.print(Text(f" {ctx.text('draft_title')} ", style="title"))
        if d.kind == "mail":
            to = ", ".join(d.to + d.cc)
            ctx.print(Text.assemble((ctx.text("draft_letter_to"), "label"), (to, "author")))
        else:
            ctx.print(
                Text.assemble((ctx.text("draft_newsgroups"), "label"), (",".join(d.groups), "info"))
            )
        ctx.print(Text.assemble((ctx.text("draft_subject"), "label"), (d.subject, "subject")))
        if d.parent_message_id:
            ctx.print(Text(ctx.text("draft_followup"), style="dim"))
        lines = d.body.split("\n")
        own = own_lines(d)
        room = max(1, min(PREVIEW_LINES, ctx.rows - 9))
        ctx.print(Text(""))
        for line in own[:room]:
            ctx.print(Text(line, no_wrap=True, overflow="ellipsis"))
        hidden = len(lines) - min(room, len(own))
        if hidden:
            ctx.print(Text(ctx.text("draft_lines_in_all", count=len(lines)), style="dim"))
        ctx.print(Text(""))
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The message of the last key on a line of its own, then the question again."""
        d = self.draft
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        when = (
            d.updated_at.strftime(ctx.text("draft_when_format"))
            if d.updated_at
            else ctx.text("draft_when_unknown")
        )
        dash = "—" if ctx.term.info.unicode else "-"
        ctx.print(
            Text.assemble(
                (ctx.text("draft_offer_from"), "label"),
                (when, "date"),
                (ctx.text("draft_offer_colon"), "label"),
                (ctx.text("draft_offer_subject", subject=d.subject), "subject"),
                (f" {dash} ", "dim"),
                option_text(
                    [ctx.text("draft_resume"), ctx.text("draft_discard"), ctx.text("draft_later")]
                ),
                (ctx.text("draft_offer_prompt"), "prompt"),
            ),
            end="",
        )

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("draft_title")

    async def run(self, ctx: SessionContext) -> Nav:
        return await self.loop(ctx)

    # ---- the actions, one per binding
    async def on_resume(self, ctx: SessionContext) -> Nav | None:
        ctx.write("R\r\n")
        return await self._resume(ctx)

    async def on_discard(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        ctx.write("D\r\n")
        if not await ask_yes_no(ctx, ctx.text("draft_discard_question")):
            return None
        try:
            await ctx.services.drafts.discard(ctx.user.id)
        except BoardError as exc:
            say(ctx, str(exc), "error")
            await pause(ctx)
        return Back()

    async def on_later(self, ctx: SessionContext) -> Nav | None:
        return Back()

    async def _resume(self, ctx: SessionContext) -> Replace | None:
        """The compose screen for the draft; its parent article is fetched again if it had one."""
        assert ctx.user is not None
        draft, parent = self.draft, None
        if draft.kind == "mail":
            return Replace("mail_compose", draft=draft)
        if draft.parent_message_id:
            try:
                parent = await self._parent(ctx, draft.parent_message_id)
            except NotFound:
                say(ctx, ctx.text("draft_parent_gone"), "warn")
                draft = replace(draft, parent_message_id=None)
                await pause(ctx)
            except BoardError as exc:
                say(ctx, str(exc), "error")
                await pause(ctx)
                return None
        return Replace("compose", groups=list(draft.groups), parent=parent, draft=draft)

    async def _parent(self, ctx: SessionContext, message_id: str) -> Article:
        assert ctx.user is not None
        article: Article = await ctx.services.articles.article_by_message_id(ctx.user, message_id)
        return article

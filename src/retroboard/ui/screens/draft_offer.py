"""Offer the unfinished messages (kept when the line dropped) back at login: pick one; resume,
discard, later."""

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
from retroboard.ui.screens.kit import HELP, KeyedScreen, NumberEntry, option_text

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


def where_to(ctx: SessionContext, draft: Draft) -> str:
    """Where a draft goes: its groups, or the letter's addressees."""
    if draft.kind == "mail":
        return ctx.text("draft_row_letter", to=", ".join(draft.to + draft.cc))
    return ",".join(draft.groups)


def when(ctx: SessionContext, draft: Draft) -> str:
    if draft.updated_at is None:
        return ctx.text("draft_when_unknown")
    return draft.updated_at.strftime(ctx.text("draft_when_format"))


class DraftOfferScreen(KeyedScreen):
    """`You have an unfinished message from ...: (R)esume, (D)iscard, (L)ater`; with several, a
    numbered list of them first (a number picks one, L goes on)."""

    BINDINGS = BINDINGS
    CASELESS = True

    ACTIVITY = Activity("draft_offer")

    def __init__(self, drafts: list[Draft]) -> None:
        self.drafts = list(drafts)  # newest first
        self.draft: Draft | None = self.drafts[0] if len(self.drafts) == 1 else None
        self.entry = NumberEntry()

    def take_key(self, ctx: SessionContext, key: str) -> str | None:
        """On the list a number picks a draft (and shows it); other keys go to the bindings."""
        if self.draft is not None:
            return key
        taken = self.entry.take(ctx, key, len(self.drafts), ctx.text("list_pick"))
        if isinstance(taken, int):
            ctx.write("\r\n")
            self.draft = self.drafts[taken - 1]
            self.message = ""
            self.draw(ctx)
            return None
        if taken is None and not self.entry.typed and key == "enter":
            self.draw_status(ctx)  # a refused number: the question again
        return taken

    def draw(self, ctx: SessionContext) -> None:
        if self.draft is None:
            self._draw_list(ctx)
            return
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

    def _draw_list(self, ctx: SessionContext) -> None:
        ctx.clear()
        ctx.print(Text(f" {ctx.text('drafts_title')} ", style="title"))
        ctx.print(Text(""))
        for n, d in enumerate(self.drafts, 1):
            subject = d.subject or ctx.text("drafts_no_subject")
            row = Text.assemble(
                (f"{n:>2}. ", "label"),
                (when(ctx, d), "date"),
                ("  ", ""),
                (subject, "subject"),
                ("  ", ""),
                (where_to(ctx, d), "info"),
            )
            row.truncate(max(10, ctx.cols - 1), overflow="ellipsis")  # one row per draft
            ctx.print(row)
        ctx.print(Text(""))
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The message of the last key on a line of its own, then the question again."""
        d = self.draft
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        if d is None:
            ctx.print(
                Text.assemble(
                    (ctx.text("drafts_offer", count=len(self.drafts)), "label"),
                    option_text([ctx.text("drafts_pick"), ctx.text("draft_later")]),
                    (ctx.text("draft_offer_prompt"), "prompt"),
                ),
                end="",
            )
            return
        dash = "—" if ctx.term.info.unicode else "-"
        ctx.print(
            Text.assemble(
                (ctx.text("draft_offer_from"), "label"),
                (when(ctx, d), "date"),
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
        if self.draft is None:
            self._pick_first(ctx)
            return None
        ctx.write("R\r\n")
        return await self._resume(ctx, self.draft)

    async def on_discard(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        if self.draft is None:
            self._pick_first(ctx)
            return None
        ctx.write("D\r\n")
        if not await ask_yes_no(ctx, ctx.text("draft_discard_question")):
            return None
        gone = self.draft
        if gone.id is not None:
            try:
                await ctx.services.drafts.discard(ctx.user.id, gone.id)
            except BoardError as exc:
                say(ctx, str(exc), "error")
                await pause(ctx)
                return Back()
        self.drafts = [d for d in self.drafts if d is not gone]
        if not self.drafts:
            return Back()
        self.draft = self.drafts[0] if len(self.drafts) == 1 else None  # what is left
        self.say(ctx.text("drafts_discarded"), "ok")
        return None

    async def on_later(self, ctx: SessionContext) -> Nav | None:
        if self.draft is not None and len(self.drafts) > 1:
            self.draft = None  # back to the list
            return None
        return Back()

    def _pick_first(self, ctx: SessionContext) -> None:
        ctx.write("\a")
        self.say(ctx.text("drafts_pick_first"), "warn")
        self.keep_screen()

    async def _resume(self, ctx: SessionContext, draft: Draft) -> Replace | None:
        """The compose screen for the draft; its parent article is fetched again if it had one."""
        assert ctx.user is not None
        parent = None
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

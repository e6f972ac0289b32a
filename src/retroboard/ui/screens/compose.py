"""Compose a post: a new thread or a follow-up, in the user's editor, kept as a draft if the line drops."""

from __future__ import annotations

import re

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import Article, Draft, Group, Policy, PostResult, posting_refusal
from retroboard.domain.errors import BoardError
from retroboard.domain.usenet import SUBJECT_MAX, attribution_line, quote_body, reply_subject
from retroboard.ui.composer import Composer, ComposerWords, prefill
from retroboard.ui.context import SessionContext
from retroboard.ui.drafts_waiting import drafts_waiting
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import ask, pause, say

GROUPS_INPUT_MAX = 400  # characters typed at a newsgroups prompt
_SPLIT = re.compile(r"[,\s]+")


def parse_groups(text: str) -> list[str]:
    """Group names typed at a prompt (commas and/or spaces between them), lowercased, no repeats."""
    return list(dict.fromkeys(g.lower() for g in _SPLIT.split(text.strip()) if g))


WORDS = ComposerWords(
    nothing_sent="compose_nothing_posted",
    sending="compose_posting",
    kept_as_draft="compose_kept_as_draft",
    draft_saved="compose_draft_saved",
    draft_failed="compose_draft_failed",
    edit_again="compose_edit_again",
    save_draft="compose_save_draft",
    abandon="compose_abandon",
    abandon_question="compose_abandon_question",
    abandoned="compose_abandoned",
    only_quoted_question="compose_only_quoted_question",
)


class ComposeScreen(BaseScreen):
    """Write and post one article. `run` returns Back(PostResult), or Back(None) if nothing
    was posted. Raises Disconnected (after saving the text as a draft) if the line drops."""

    def __init__(
        self,
        groups: list[str] | tuple[str, ...],
        parent: Article | None = None,
        draft: Draft | None = None,
        quote: bool = True,
    ) -> None:
        self.groups = list(groups)
        self.parent = parent
        self.draft = draft
        self.parent_message_id = (
            parent.head.message_id
            if parent is not None
            else draft.parent_message_id
            if draft is not None
            else None
        )
        self.quote: list[str] | None = None
        self.prefill_quote = quote  # rn: f starts empty (the quote key still works), F quotes
        if parent is not None:
            h = parent.head
            self.quote = [
                attribution_line(h.author, h.author_name, h.date),
                *quote_body(parent.body, flowed=parent.flowed),
            ]
        self.subject = ""
        self._groups: list[str] = list(groups)
        self.moderated: list[str] = []  # the groups that hold this post for a moderator
        self.composer = Composer[PostResult](WORDS, self._as_draft, draft)

    def activity(self) -> Activity:
        return Activity("writing_followup" if self.parent_message_id else "writing_post")

    # ---- the whole flow -------------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        kind = ctx.text("compose_title_followup" if self.parent_message_id else "compose_title_new")
        ctx.clear()
        ctx.print(Text(f" {kind} ", style="title"))
        if self.draft is None and (offer := await drafts_waiting(ctx)) is not None:
            return offer
        if self.draft is not None:
            groups, self.subject = list(self.draft.groups), self.draft.subject
            initial = self.draft.body.split("\n")
            self._show_headers(ctx, groups)
            await self._draft_moderation_notes(ctx, groups)
        else:
            picked = await (
                self._followup_groups(ctx) if self.parent is not None else self._new_thread(ctx)
            )
            if picked is None:
                await pause(ctx)
                return Back(None)
            groups = picked
            initial = prefill(ctx, self.quote) if self.quote and self.prefill_quote else []
        return await self._write_and_post(ctx, groups, initial)

    def _show_headers(self, ctx: SessionContext, groups: list[str]) -> None:
        ctx.print(
            Text.assemble((ctx.text("compose_newsgroups"), "label"), (",".join(groups), "info"))
        )
        ctx.print(Text.assemble((ctx.text("compose_subject"), "label"), (self.subject, "subject")))
        if self.parent is not None:
            ctx.print(
                Text.assemble(
                    (ctx.text("compose_in_reply_to"), "label"),
                    (self.parent.head.from_line, "author"),
                )
            )

    # ---- headers: groups and subject --------------------------------------------------------
    async def _postable(self, ctx: SessionContext, name: str) -> Group | None:
        """The group if the user may post to it; otherwise say why and return None."""
        assert ctx.user is not None
        try:
            status = await ctx.services.groups.status(ctx.user, name)
        except BoardError as exc:
            say(ctx, str(exc), "error")
            return None
        refusal = posting_refusal(ctx.user, status.group)
        if refusal:
            say(ctx, refusal, "error")
            return None
        group: Group = status.group
        return group

    async def _check_all(self, ctx: SessionContext, names: list[str]) -> list[Group] | None:
        found = [await self._postable(ctx, n) for n in names]
        return None if None in found else [g for g in found if g is not None]

    def _moderation_notes(self, ctx: SessionContext, groups: list[Group]) -> None:
        """Say, before the editor opens, which groups hold the post for a moderator; the
        editor repeats it (self.moderated) while the post is being written."""
        assert ctx.user is not None
        if ctx.user.is_moderator:
            return
        self.moderated = [g.name for g in groups if g.policy == Policy.MODERATED]
        for name in self.moderated:
            say(ctx, ctx.text("compose_moderated", group=name), "warn")

    async def _draft_moderation_notes(self, ctx: SessionContext, names: list[str]) -> None:
        """The moderated-group notes for a resumed draft (its groups were checked when it was
        written; one that is gone now is refused when posting, with the reason)."""
        assert ctx.user is not None
        groups = []
        for name in names:
            try:
                groups.append((await ctx.services.groups.status(ctx.user, name)).group)
            except BoardError:
                continue
        self._moderation_notes(ctx, groups)

    def _editor_notice(self, ctx: SessionContext, short: bool) -> str:
        """The moderated-group line the editor shows while the post is written ('' if none)."""
        if not self.moderated:
            return ""
        if short:
            return ctx.text("editor_moderated_short")
        return ctx.text("editor_moderated", groups=", ".join(self.moderated))

    async def _new_thread(self, ctx: SessionContext) -> list[str] | None:
        """Check the groups, ask for a subject and extra groups. None (after saying why) = abort."""
        names = parse_groups(",".join(self.groups))
        groups = await self._check_all(ctx, names) if names else None
        if names and groups is None:
            return None
        while groups is None:
            names = parse_groups(
                await ask(ctx, ctx.text("compose_group_prompt"), max_len=GROUPS_INPUT_MAX)
            )
            if not names:
                say(ctx, ctx.text("compose_no_group"), "warn")
                return None
            groups = await self._check_all(ctx, names)
        raw = await ask(ctx, ctx.text("compose_subject"), max_len=SUBJECT_MAX)
        self.subject = raw.strip()
        if len(raw) >= SUBJECT_MAX:
            say(ctx, ctx.text("compose_subject_max", limit=SUBJECT_MAX), "warn")
        if not self.subject:
            say(ctx, ctx.text("compose_no_subject"), "warn")
            return None
        ctx.print(
            Text.assemble(
                (ctx.text("compose_newsgroups"), "label"),
                (",".join(g.name for g in groups), "info"),
            )
        )
        while True:
            prompt = (
                ctx.text("compose_also_post")
                if ctx.cols >= 60
                else ctx.text("compose_also_post_short")
            )
            typed = await ask(ctx, prompt, max_len=GROUPS_INPUT_MAX)
            extra = [n for n in parse_groups(typed) if n not in {g.name for g in groups}]
            more = await self._check_all(ctx, extra)
            if more is not None:
                break
        groups += [g for g in more if g.name not in {x.name for x in groups}]
        if more:
            ctx.print(
                Text.assemble(
                    (ctx.text("compose_newsgroups"), "label"),
                    (",".join(g.name for g in groups), "info"),
                )
            )
        self._moderation_notes(ctx, groups)
        return [g.name for g in groups]

    async def _followup_groups(self, ctx: SessionContext) -> list[str] | None:
        """The parent's (readable) groups, which the user may edit. None = abort."""
        assert ctx.user is not None and self.parent is not None
        if self.parent.thread_locked and not ctx.user.is_moderator:
            say(ctx, ctx.text("compose_thread_locked"), "error")
            return None
        self.subject = reply_subject(self.parent.head.subject)
        readable = []
        for name in self.parent.newsgroups:
            try:
                await ctx.services.groups.status(ctx.user, name)
            except BoardError:
                continue  # a group this user cannot see stays out of sight
            readable.append(name)
        current = ",".join(readable or self.groups)
        ctx.print(Text.assemble((ctx.text("compose_subject"), "label"), (self.subject, "subject")))
        ctx.print(
            Text.assemble(
                (ctx.text("compose_in_reply_to"), "label"), (self.parent.head.from_line, "author")
            )
        )
        while True:
            # A prompt, as in rn and tin: the groups it keeps are shown, Enter keeps them,
            # anything typed replaces them (the same in line mode, which cannot pre-fill).
            typed = await ask(
                ctx, ctx.text("compose_groups_keep", groups=current), max_len=GROUPS_INPUT_MAX
            )
            names = parse_groups(typed or current)
            if not names:
                say(ctx, ctx.text("compose_no_group"), "warn")
                return None
            groups = await self._check_all(ctx, names)
            if groups is not None:
                self._moderation_notes(ctx, groups)
                return [g.name for g in groups]
            current = ",".join(names)

    # ---- the editor and posting: the shared composer ----------------------------------------
    def _as_draft(self, body: str) -> Draft:
        return Draft(
            groups=tuple(self._groups),
            subject=self.subject,
            body=body,
            parent_message_id=self.parent_message_id,
        )

    async def _write_and_post(
        self, ctx: SessionContext, groups: list[str], initial: list[str]
    ) -> Nav:
        user = ctx.user
        assert user is not None
        self._groups = groups

        async def post(body: str) -> PostResult:
            return await ctx.services.articles.post(
                user, groups, self.subject, body, self.parent_message_id
            )

        result = await self.composer.write(
            ctx,
            post,
            title=self.subject,
            initial=initial,
            quote=self.quote,
            notice=self._editor_notice(ctx, short=False),
            notice_short=self._editor_notice(ctx, short=True),
        )
        return Back(result)  # the screen underneath says what was posted, in its status line

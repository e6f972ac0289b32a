"""The one composer behind posts and letters: editor choice, the draft kept current, retry on a refusal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from rich.text import Text

from retroboard.domain.boards import Draft
from retroboard.domain.errors import BoardError
from retroboard.term.events import Disconnected
from retroboard.ui.context import SessionContext
from retroboard.ui.prompts import ask_yes_no, pause, say
from retroboard.ui.screens.kit import option_text
from retroboard.ui.widgets.fse import run_full_screen_editor
from retroboard.ui.widgets.line_editor import run_line_editor

T = TypeVar("T")


@dataclass(frozen=True)
class ComposerWords:
    """The skin keys a composer speaks with: a post and a letter word the same steps apart."""

    nothing_sent: str  # the editor was left without sending
    sending: str  # said while the service call runs
    kept_as_draft: str  # after a refusal, the text was stored
    draft_saved: str  # (S)ave chosen: the draft waits for the next login
    draft_failed: str  # {error}: the draft could not be stored
    edit_again: str  # the options after a refusal, "(E)dit again" style: the key in brackets
    save_draft: str
    abandon: str
    abandon_question: str
    abandoned: str
    only_quoted_question: str = ""  # asked before sending nothing but the quote ('' = never)


def full_screen_editor(ctx: SessionContext) -> bool:
    """True when the caller chose the full-screen editor and can use it: it needs cursor
    addressing, so a linear skin (plain) or a terminal without it always gets the line editor."""
    assert ctx.user is not None
    return ctx.user.editor == "fse" and ctx.term.info.cursor and not ctx.skin.linear


def prefill(ctx: SessionContext, lines: list[str]) -> list[str]:
    """`lines` (the quote) followed by a blank line and then the cursor.

    The line editor lists the text and prompts for the line after it; the full-screen
    editor puts the cursor on the last line, so it gets a second blank line to type on."""
    return [*lines, "", ""] if full_screen_editor(ctx) else [*lines, ""]


def hotkey(option: str) -> str:
    """The key of an option written "(E)dit again": the letter after the parenthesis."""
    return option[option.index("(") + 1].lower()


async def pick_option(ctx: SessionContext, options: list[str]) -> str:
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


class Composer(Generic[T]):
    """Writes one message in the caller's editor and sends it with the screen's `send`.

    `as_draft(body)` makes the stored form of the message (the screen's headers and the body);
    the composer owns the draft from then on: resumed from `draft`, saved after a refusal and
    when the line drops, discarded once sent or abandoned. `keeps_drafts=False` (a forward, which
    a draft cannot hold) stores nothing and offers no (S)ave."""

    def __init__(
        self,
        words: ComposerWords,
        as_draft: Callable[[str], Draft],
        draft: Draft | None = None,
        keeps_drafts: bool = True,
    ) -> None:
        self.words = words
        self.as_draft = as_draft
        self.keeps_drafts = keeps_drafts
        self.lines: list[str] | None = None  # the latest text while it is being written
        self._initial: list[str] = []  # what the editor last opened with
        self._finished = False  # sent or abandoned: nothing left to keep
        self._owns_draft = draft is not None  # the stored draft is this message
        self._draft_id = draft.id if draft is not None else None  # the stored draft's id

    async def write(
        self,
        ctx: SessionContext,
        send: Callable[[str], Awaitable[T]],
        *,
        title: str,
        initial: list[str],
        quote: list[str] | None = None,
        notice: str = "",
        notice_short: str = "",
    ) -> T | None:
        """Edit, then `send(body)`; on a BoardError say it, keep the text and offer to edit
        again, save it as a draft or abandon it. Returns what `send` returned, or None when
        nothing was sent (already said, after a key). `notice` is the line editor's line the
        writer must not miss, `notice_short` the full-screen editor's header for it. Raises
        Disconnected (after keeping the text as a draft) if the line drops."""
        try:
            return await self._write(ctx, send, title, initial, quote, notice, notice_short)
        except Disconnected:
            await self._save_on_hangup(ctx)
            raise

    async def _write(
        self,
        ctx: SessionContext,
        send: Callable[[str], Awaitable[T]],
        title: str,
        initial: list[str],
        quote: list[str] | None,
        notice: str,
        notice_short: str,
    ) -> T | None:
        while True:
            lines = await self._edit(ctx, title, initial, quote, notice, notice_short)
            initial = lines or []
            if lines is None:
                self._finished = True
                if self._owns_draft:
                    await self._discard(ctx)
                await self._leave(ctx, self.words.nothing_sent, "warn")
                return None
            question = self.words.only_quoted_question
            if (
                question
                and only_quoted(lines, quote)
                and not await ask_yes_no(ctx, ctx.text(question))
            ):
                initial = prefill(ctx, lines)
                continue
            say(ctx, ctx.text(self.words.sending), "dim")
            await ctx.flush()
            try:
                sent = await send("\n".join(lines))
            except BoardError as exc:
                say(ctx, str(exc), "error")
                if await self._after_failure(ctx):
                    continue
                return None
            self._finished = True
            if self._owns_draft:
                await self._discard(ctx)
            return sent

    async def _edit(
        self,
        ctx: SessionContext,
        title: str,
        initial: list[str],
        quote: list[str] | None,
        notice: str,
        notice_short: str,
    ) -> list[str] | None:
        self._initial = list(initial)
        self.lines = list(initial)

        def keep(lines: list[str]) -> None:
            self.lines = lines

        full = full_screen_editor(ctx)
        # the line editor leaves out the title: the headers above already show the subject
        editor = run_full_screen_editor if full else partial(run_line_editor, show_title=False)
        result = await editor(
            ctx.term,
            title=title,
            initial=initial,
            quote=quote,
            on_change=keep,
            texts=ctx.text,
            notice=notice_short if full else notice,
        )
        if result is not None:
            self.lines = result
        return result

    async def _leave(self, ctx: SessionContext, key: str, style: str) -> None:
        say(ctx, ctx.text(key), style)
        await pause(ctx)

    async def _after_failure(self, ctx: SessionContext) -> bool:
        """Keep the text; True to edit it again, False when the caller left (a draft, or
        abandoned, said and paused)."""
        w = self.words
        saved = self.keeps_drafts and await self._save_draft(ctx)
        if saved:
            say(ctx, ctx.text(w.kept_as_draft), "info")
        edit, save, abandon = ctx.text(w.edit_again), ctx.text(w.save_draft), ctx.text(w.abandon)
        options = [edit, save, abandon] if self.keeps_drafts else [edit, abandon]
        while True:
            pick = await pick_option(ctx, options)
            if pick == hotkey(edit):
                return True
            if pick == hotkey(save) and self.keeps_drafts:
                if saved or await self._save_draft(ctx):
                    self._finished = True
                    await self._leave(ctx, w.draft_saved, "ok")
                    return False
                continue
            if await ask_yes_no(ctx, ctx.text(w.abandon_question)):
                self._finished = True
                await self._discard(ctx)
                await self._leave(ctx, w.abandoned, "warn")
                return False

    def _draft(self) -> Draft:
        return self.as_draft("\n".join(self.lines or []))

    async def _save_draft(self, ctx: SessionContext) -> bool:
        assert ctx.user is not None
        try:
            self._draft_id = await ctx.services.drafts.save(
                ctx.user.id, self._draft(), self._draft_id
            )
        except BoardError as exc:
            say(ctx, ctx.text(self.words.draft_failed, error=str(exc)), "error")
            return False
        self._owns_draft = True
        return True

    async def _discard(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        try:
            if self._draft_id is not None:
                await ctx.services.drafts.discard(ctx.user.id, self._draft_id)
        except BoardError:
            ctx.log.warning("could not discard a draft", exc_info=True)
        self._owns_draft = False
        self._draft_id = None

    async def _save_on_hangup(self, ctx: SessionContext) -> None:
        """The line dropped while the message was open: keep it for the next login.

        Nothing is saved before the editor opened, after the message was sent or abandoned,
        for a message that keeps no drafts, or when the text is still what the editor started
        with (a stored draft already has it; an untouched quote is not worth offering back)."""
        if ctx.user is None or self.lines is None or self._finished or not self.keeps_drafts:
            return
        if self.lines == self._initial or not any(line.strip() for line in self.lines):
            return
        save = ctx.services.drafts.save(ctx.user.id, self._draft(), self._draft_id)
        try:
            await asyncio.shield(save)  # finish the write even if the session is being cancelled
        except BoardError:
            ctx.log.warning("could not save a draft after the line dropped", exc_info=True)
        else:
            ctx.log.info("line dropped while writing: kept a draft (%d lines)", len(self.lines))


def only_quoted(lines: list[str], quote: list[str] | None) -> bool:
    """True when the text holds nothing but the quote (its lines, its attribution, blanks)."""
    if not quote:
        return False
    return all(
        not line.strip() or line.lstrip().startswith(">") or line == quote[0] for line in lines
    )

"""The teleconference: talk in a channel while the others' lines scroll above the input line.

On a terminal with cursor addressing the screen is a title row (channel and topic), the
conversation in a scroll region (DECSTBM) below it and the input line fixed on the last row.
An incoming line arrives through the session's feed (a bus listener puts it there, never
waiting), between the caller's keys: it is drawn at the bottom of the scroll region with the
cursor saved and restored, so the half-typed line and its cursor stay where they are. Without
cursor addressing (the plain skin, TERM=dumb) the line is printed on a line of its own and the
prompt with the text typed so far printed again after it (lineinput's Reprint). Pages and
other notices are drawn as conversation lines the same way.

The call joins #main at once; `/join #name` moves to another channel (made when new).
"""

from __future__ import annotations

import textwrap
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.cells import cell_len, chop_cells
from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import CHAT_LINE_MAX, MAIN_CHANNEL
from retroboard.domain.errors import BoardError
from retroboard.domain.events import ChatLine
from retroboard.services.teleconference import Joined
from retroboard.ui.bindings import HelpRow
from retroboard.ui.context import SessionContext
from retroboard.ui.events import TICK, Feed, Notice
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.notices import notice_text
from retroboard.ui.render import CLEAR
from retroboard.ui.screens.kit import clean, put, show_art, title_bar, width
from retroboard.ui.widgets.lineinput import Reprint, field_column, read_line

CSI = "\x1b["
SAVE, RESTORE = "\x1b7", "\x1b8"
FEED_MAX = 200  # chat lines waiting for a busy caller; older ones are dropped (and counted)
KEPT = 200  # conversation lines kept for redrawing the screen
TICK_SECONDS = 1.0  # how often a window resize made while typing is looked for
ROWS_CACHED = 512  # rendered conversation lines kept for the other sessions drawing them
STYLES = {
    "say": "",
    "action": "info",
    "join": "dim",
    "part": "dim",
    "topic": "info",
    "private": "hotkey",
    "system": "dim",
    "error": "error",
    "notice": "warn",
}


@dataclass(frozen=True)
class Command:
    """A slash command: its name (as typed after '/'), the method taking the rest of the line,
    and its help row (the key column and the text are skin keys)."""

    name: str
    method: str
    help: HelpRow


COMMANDS = (
    Command("who", "who", HelpRow("", "chat_help_who", "chat_keys_who")),
    Command("me", "me", HelpRow("", "chat_help_me", "chat_keys_me")),
    Command("msg", "msg", HelpRow("", "chat_help_msg", "chat_keys_msg")),
    Command("join", "join", HelpRow("", "chat_help_join", "chat_keys_join")),
    Command("topic", "topic", HelpRow("", "chat_help_topic", "chat_keys_topic")),
    Command("list", "list", HelpRow("", "chat_help_list", "chat_keys_list")),
    Command("ignore", "ignore", HelpRow("", "chat_help_ignore", "chat_keys_ignore")),
    Command("unignore", "unignore", HelpRow("", "chat_help_unignore", "chat_keys_unignore")),
    Command("quit", "quit", HelpRow("", "chat_help_quit", "chat_keys_quit")),
    Command("?", "help", HelpRow("", "chat_help_help", "chat_keys_help")),
)
ALIASES = {"help": "?", "q": "quit", "action": "me", "j": "join", "w": "who"}


def wrap_cells(text: str, cells: int) -> list[str]:
    """`text` broken into rows of at most `cells` columns, at spaces where it can be."""
    if cell_len(text) <= cells:
        return [text]
    rows: list[str] = []
    for piece in textwrap.wrap(text, max(1, cells), break_long_words=True) or [""]:
        rows.extend(chop_cells(piece, cells) if cell_len(piece) > cells else [piece])
    return rows


class RowCache:
    """Conversation lines rendered to terminal text, shared by every session drawing the same
    line the same way (skin, colours, width): a line said to 200 callers is rendered once,
    not 200 times. Bounded: the oldest entry goes first."""

    def __init__(self, size: int = ROWS_CACHED) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[object, ...], tuple[str, ...]] = OrderedDict()

    def rows(self, ctx: SessionContext, text: str, style: str) -> tuple[str, ...]:
        """`text` in `style` as the rows `ctx` draws (each row rendered, no line breaks)."""
        key = (ctx.skin.name, ctx.term.info.colors, width(ctx), style, text)
        found = self._rows.get(key)
        if found is not None:
            self._rows.move_to_end(key)
            return found
        found = tuple(
            ctx.renderer.render(Text(row, style=style), end="")
            for row in wrap_cells(text, width(ctx))
        )
        self._rows[key] = found
        if len(self._rows) > self.size:
            self._rows.popitem(last=False)
        return found


ROW_CACHE = RowCache()


class TeleconferenceScreen(BaseScreen):
    """Chat in channels: lines above, the input line at the bottom (see the module doc)."""

    layout = "full"

    def __init__(self, channel: str = MAIN_CHANNEL) -> None:
        self.channel = channel
        self.topic = ""
        self.topic_by = ""
        self.lines: deque[tuple[str, str]] = deque(maxlen=KEPT)  # (text, style) shown
        self.prompt: Reprint | None = None
        self.size = (0, 0)
        self.missed = 0
        self.done = False
        self.reading = False  # the prompt is up: a line (plain) prints it again after itself
        self.feed: Feed | None = None

    def activity(self) -> Activity:
        return Activity("chatting", channel=self.channel)

    # ---- the run -----------------------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        user = ctx.user
        chat = ctx.services.chat
        if ctx.term.info.cursor:  # a full-screen splash, before the screen draws
            ctx.clear()
            if show_art(ctx, "teleconference"):  # then drawn over
                await ctx.flush()  # painted while the screen loads

        def heard(line: ChatLine) -> None:  # inside publish: quick, never waits
            if chat.delivers(line, ctx.session_id, user.id):
                feed.put(line)

        with (
            ctx.term.feed(self.deliver_to(ctx), maxlen=FEED_MAX, tick=TICK_SECONDS) as feed,
            ctx.bus.listen(ChatLine, heard),
            ctx.term.interruptions(_AsLine(self, ctx)),
        ):
            self.feed = feed
            try:
                self.show_joined(ctx, await chat.join(ctx.session_id, user, self.channel))
                while not self.done:
                    typed = await self.read(ctx)
                    if typed is not None and typed.strip():
                        await self.take(ctx, typed)
            finally:
                chat.leave(ctx.session_id)
                if ctx.term.info.cursor and not ctx.term.closed:
                    ctx.write(f"{CSI}r{CLEAR}")  # the whole screen scrolls again
        return Back()

    async def read(self, ctx: SessionContext) -> str | None:
        """One line from the caller, on the input row (cursor) or after the last line."""
        prompt = ctx.text("chat_prompt")
        if ctx.term.info.cursor:
            if self.size != (ctx.cols, ctx.rows):
                self.draw(ctx)
            ctx.write(f"{CSI}{ctx.rows};1H{CSI}0m{CSI}K")
        self.reading = True
        try:
            return await read_line(
                ctx.term, prompt, max_len=CHAT_LINE_MAX, notices=False, keep=self.keep
            )
        finally:
            self.reading = False

    def keep(self, prompt: Reprint) -> None:
        self.prompt = prompt

    # ---- drawing -----------------------------------------------------------------------------
    def draw(self, ctx: SessionContext) -> None:
        """The title row and the conversation kept, with the scroll region set above the
        input row (which the caller draws: `read`, or `redraw_typing` during a prompt)."""
        ctx.sync_size()
        self.size = (ctx.cols, ctx.rows)
        if not ctx.term.info.cursor:
            return
        ctx.write(f"{CSI}r{CLEAR}")
        self.draw_title(ctx)
        bottom = self.bottom(ctx)
        rows: list[tuple[str, str]] = []
        for text, style in self.lines:
            rows.extend((row, style) for row in wrap_cells(text, width(ctx)))
        shown = rows[-(bottom - 1) :] if bottom > 1 else []
        top = bottom - len(shown) + 1
        for i, (row, style) in enumerate(shown):
            put(ctx, top + i, Text(row, style=style))
        ctx.write(f"{CSI}2;{bottom}r")

    def draw_title(self, ctx: SessionContext) -> None:
        title = ctx.text("chat_title", channel=self.channel)
        if self.topic:
            title = ctx.text("chat_title_topic", channel=self.channel, topic=self.topic)
        title_bar(ctx, title, ctx.text("chat_title_hint"))

    @staticmethod
    def bottom(ctx: SessionContext) -> int:
        """The last row of the conversation: the one above the input row."""
        return max(2, ctx.rows - 1)

    def say(self, ctx: SessionContext, text: str, style: str = "system") -> None:
        """Add a line to the conversation and draw it, keeping the input line as it is."""
        text = clean(text)
        style = STYLES.get(style, style)
        self.lines.append((text, style))
        if not ctx.term.info.cursor:
            shown = ctx.renderer.render(Text(text, style=style), end="")  # the terminal wraps
            if self.prompt is not None and self.reading:
                self.prompt.around(shown)
            else:
                ctx.write(shown + "\r\n")
            return
        ctx.sync_size()
        out = [SAVE, f"{CSI}{self.bottom(ctx)};1H"]
        for row in ROW_CACHE.rows(ctx, text, style):
            out.append(f"\r\n{row}{CSI}0m")
        out.append(RESTORE + self.park(ctx))
        ctx.write("".join(out))

    def park(self, ctx: SessionContext) -> str:
        """What puts the cursor back after the text being typed on the input row (DECRC alone
        is not enough: some terminals, pyte among them, keep a restored cursor inside the
        scroll region); "" when no prompt is up."""
        if not self.reading or self.prompt is None:
            return ""
        shown = self.prompt.echo.shown if self.prompt.echo is not None else ""
        column = field_column(self.prompt.prompt) + cell_len(shown)
        return f"{CSI}{ctx.rows};{min(column + 1, ctx.cols)}H"

    def deliver_to(self, ctx: SessionContext) -> Callable[[object], None]:
        def deliver(item: object) -> None:
            if item is TICK:
                if ctx.term.info.cursor and self.size != (ctx.cols, ctx.rows):
                    self.redraw_typing(ctx)
                return
            if self.feed is not None:
                self.note_missed(ctx, self.feed)
            if isinstance(item, ChatLine):
                self.show_line(ctx, item)

        return deliver

    def redraw_typing(self, ctx: SessionContext) -> None:
        """The window changed size while the caller was typing: everything again, then the
        input row with the text typed so far and the cursor after it."""
        self.draw(ctx)
        ctx.write(f"{CSI}{ctx.rows};1H{CSI}0m{CSI}K")
        if self.prompt is not None:
            ctx.write(self.prompt.prompt + self.prompt.typed())

    def show_line(self, ctx: SessionContext, line: ChatLine) -> None:
        values = {"sender": line.sender, "text": line.text, "channel": line.channel}
        if line.kind == "topic" and line.channel == self.channel:
            self.topic, self.topic_by = line.text, line.sender
            if ctx.term.info.cursor:
                ctx.write(SAVE)
                self.draw_title(ctx)
                ctx.write(RESTORE + self.park(ctx))
        key = f"chat_{line.kind}" if line.kind in STYLES else "chat_say"
        self.say(ctx, ctx.text(key, **values), line.kind)

    def note_missed(self, ctx: SessionContext, feed: Feed) -> None:
        if feed.dropped > self.missed:
            self.say(ctx, ctx.text("chat_missed", count=feed.dropped - self.missed), "error")
            self.missed = feed.dropped

    def show_joined(self, ctx: SessionContext, joined: Joined) -> None:
        self.channel, self.topic, self.topic_by = joined.channel, joined.topic, joined.topic_by
        ctx.doing(self.activity())
        self.lines.clear()
        self.draw(ctx)
        if not ctx.term.info.cursor:
            ctx.clear()
            ctx.print(Text(ctx.text("chat_title", channel=self.channel), style="title"))
        for line in joined.history:
            self.show_line(ctx, line)
        if joined.topic:
            self.say(ctx, self.topic_text(ctx), "topic")
        others = [h for h in joined.who if h != (ctx.user.handle if ctx.user else "")]
        if others:
            self.say(ctx, ctx.text("chat_joined", channel=self.channel, who=", ".join(others)))
        else:
            self.say(ctx, ctx.text("chat_alone", channel=self.channel))
        self.say(ctx, ctx.text("chat_hint"))

    def topic_text(self, ctx: SessionContext) -> str:
        return ctx.text("chat_topic_is", channel=self.channel, topic=self.topic, by=self.topic_by)

    # ---- what the caller typed ----------------------------------------------------------------
    async def take(self, ctx: SessionContext, typed: str) -> None:
        """A line typed: a /command, or talk to the channel. A board error is shown as a line."""
        chat = ctx.services.chat
        self.reading = False
        try:
            if typed.startswith("/") and not typed.startswith("//"):
                name, _, rest = typed[1:].partition(" ")
                name = ALIASES.get(name.lower(), name.lower())
                command = next((c for c in COMMANDS if c.name == name), None)
                if command is None:
                    self.say(ctx, ctx.text("chat_unknown", command="/" + clean(name)), "error")
                    return
                method: Callable[[SessionContext, str], Awaitable[None]] = getattr(
                    self, "cmd_" + command.method
                )
                await method(ctx, rest.strip())
            else:
                chat.say(ctx.session_id, typed[1:] if typed.startswith("//") else typed)
        except BoardError as exc:
            self.say(ctx, str(exc), "error")
        finally:
            self.reading = True

    def usage(self, ctx: SessionContext, name: str) -> None:
        self.say(ctx, ctx.text("chat_usage", usage=ctx.text(f"chat_keys_{name}")), "error")

    async def cmd_who(self, ctx: SessionContext, rest: str) -> None:
        who = ctx.services.chat.who(self.channel)
        self.say(ctx, ctx.text("chat_who", channel=self.channel, who=", ".join(who)))

    async def cmd_me(self, ctx: SessionContext, rest: str) -> None:
        if not rest:
            self.usage(ctx, "me")
            return
        ctx.services.chat.act(ctx.session_id, rest)

    async def cmd_msg(self, ctx: SessionContext, rest: str) -> None:
        handle, _, text = rest.partition(" ")
        if not handle or not text.strip():
            self.usage(ctx, "msg")
            return
        sent = await ctx.services.chat.msg(ctx.session_id, handle, text)
        key = "chat_private_sent" if sent.via == "chat" else "chat_paged"
        self.say(ctx, ctx.text(key, to=sent.to, text=sent.line.text), "private")

    async def cmd_join(self, ctx: SessionContext, rest: str) -> None:
        if not rest:
            self.usage(ctx, "join")
            return
        assert ctx.user is not None
        self.show_joined(ctx, await ctx.services.chat.join(ctx.session_id, ctx.user, rest))

    async def cmd_topic(self, ctx: SessionContext, rest: str) -> None:
        if rest:
            ctx.services.chat.set_topic(ctx.session_id, rest)
        elif self.topic:
            self.say(ctx, self.topic_text(ctx), "topic")
        else:
            self.say(ctx, ctx.text("chat_no_topic", channel=self.channel))

    async def cmd_list(self, ctx: SessionContext, rest: str) -> None:
        self.say(ctx, ctx.text("chat_list_title"))
        for info in ctx.services.chat.channels():
            key = "chat_list_row" if info.topic else "chat_list_row_bare"
            self.say(
                ctx, ctx.text(key, channel=info.name, count=info.count, topic=info.topic), "info"
            )

    async def cmd_ignore(self, ctx: SessionContext, rest: str) -> None:
        assert ctx.user is not None
        if not rest:
            ignored = await ctx.services.ignores.ignored(ctx.user)
            if ignored:
                self.say(ctx, ctx.text("chat_ignoring", who=", ".join(ignored)))
            else:
                self.say(ctx, ctx.text("chat_ignoring_none"))
            return
        handle = await ctx.services.ignores.ignore(ctx.user, rest)
        self.say(ctx, ctx.text("chat_ignored", handle=handle))

    async def cmd_unignore(self, ctx: SessionContext, rest: str) -> None:
        assert ctx.user is not None
        if not rest:
            self.usage(ctx, "unignore")
            return
        handle = await ctx.services.ignores.unignore(ctx.user, rest)
        self.say(ctx, ctx.text("chat_unignored", handle=handle))

    async def cmd_quit(self, ctx: SessionContext, rest: str) -> None:
        self.done = True

    async def cmd_help(self, ctx: SessionContext, rest: str) -> None:
        self.say(ctx, ctx.text("chat_help_title"), "info")
        rows = [c.help.resolve(ctx.text) for c in COMMANDS]
        column = max(len(keys) for keys, _ in rows) + 2
        for keys, text in rows:
            self.say(ctx, f"  {keys:<{column}}{text}", "system")


class _AsLine:
    """A notice (a page, a broadcast) during chat: a line of the conversation."""

    def __init__(self, screen: TeleconferenceScreen, ctx: SessionContext) -> None:
        self.screen, self.ctx = screen, ctx

    def show(self, notice: Notice) -> None:
        text = self.ctx.text("chat_notice", text=notice_text(notice))
        self.screen.say(self.ctx, text, "notice")

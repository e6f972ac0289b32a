"""Who's online: every node, who is on it, from where, doing what, idle how long, by what line;
kept up to date while the caller watches.

The list follows presence through the bus (SessionStarted, SessionLoggedIn, ActivityChanged,
SessionEnded) into the session's feed, and a tick brings the idle times up to date; a change
is drawn between key reads, also while a prompt (P, S) waits, without touching what is being
typed. Activities are worded in the viewer's own skin. Under a linear skin (plain) the list is
printed once with numbered rows, and each change afterwards is one line of its own.
"""

from __future__ import annotations

import asyncio
import contextlib

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import BROADCAST_MAX, PAGE_MAX
from retroboard.domain.errors import BoardError
from retroboard.domain.events import ActivityChanged, SessionEnded, SessionLoggedIn, SessionStarted
from retroboard.domain.users import Level
from retroboard.services.presence import Node
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.events import TICK, Feed
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.notices import StatusLine
from retroboard.ui.screens.kit import (
    HELP,
    NARROW,
    REDRAW_SCREEN,
    ListScreen,
    at_bottom,
    cell,
    clean,
    key_hints,
    list_moves,
    put,
    show_art,
    title_bar,
    width,
)
from retroboard.ui.widgets.lineinput import Reprint, read_line

TICK_SECONDS = 15.0  # idle times are brought up to date this often while the list is shown
FEED_MAX = 64  # presence changes waiting for a busy viewer (a burst is drawn once)
NO_TRANSPORT = 46  # below this many columns the transport column goes too (location first)
EVENTS = (SessionStarted, SessionLoggedIn, ActivityChanged, SessionEnded)

BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "profile", "help_who_profile"),
        Binding(("p",), "page", "help_who_page"),
        Binding(("s",), "broadcast", "help_who_broadcast"),
        Binding(("q", "escape", "left"), "back", "help_who_back"),
        HELP,
        REDRAW_SCREEN,
    )
)


def idle_text(seconds: float) -> str:
    """Idle time in at most five cells: 42s, 7m, 1h05, 26h."""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 100 * 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}" if s < 10 * 3600 else f"{s // 3600}h"
    return "99h+"


def is_sysop(ctx: SessionContext) -> bool:
    return ctx.user is not None and ctx.user.level >= Level.SYSOP


class WhoScreen(ListScreen[Node]):
    """The node list; Enter shows the caller's profile, P pages them, S (sysop) broadcasts."""

    ACTIVITY = Activity("who")
    BINDINGS = BINDINGS
    CASELESS = True

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.locations: dict[int, str] = {}
        self.index = 0
        self.message = ""
        self.message_style = "info"
        self._feed: Feed | None = None
        self._loader: asyncio.Task[None] | None = None
        self._reprint: Reprint | None = None  # the prompt waiting now (a linear skin)
        self._covered = False  # the help is over the list: changes wait for the redraw after

    # ---- the nodes -------------------------------------------------------------------------
    def refresh(self, ctx: SessionContext) -> None:
        """Take the nodes from presence now, keeping the cursor on the same caller."""
        keep = self.nodes[self.index].session_id if self.nodes else ""
        self.nodes = list(ctx.services.presence.nodes())
        self.index = next(
            (i for i, n in enumerate(self.nodes) if n.session_id == keep),
            min(self.index, max(0, len(self.nodes) - 1)),
        )

    def _unknown(self) -> set[int]:
        return {n.user_id for n in self.nodes if n.user_id and n.user_id not in self.locations}

    async def load_locations(self, ctx: SessionContext, ids: set[int]) -> None:
        """Where each of `ids` calls from (their profile's location), kept for the screen."""
        for user_id in sorted(ids):
            try:
                self.locations[user_id] = (await ctx.services.users.get_by_id(user_id)).location
            except BoardError:  # the account went away meanwhile
                self.locations[user_id] = ""

    def _load_later(self, ctx: SessionContext) -> None:
        """Fetch the locations of callers new to the list; the list is drawn again after."""
        ids = self._unknown()
        if not ids or (self._loader is not None and not self._loader.done()):
            return

        async def load() -> None:
            await self.load_locations(ctx, ids)
            if self._feed is not None:
                self._feed.put("locations")

        self._loader = asyncio.get_running_loop().create_task(load())

    # ---- live changes ------------------------------------------------------------------------
    def deliver(self, ctx: SessionContext, item: object) -> None:
        """A presence change, the locations loaded, or the tick: draw what changed."""
        if self._feed is not None and self._feed.items and item is not TICK:
            return  # more changes are waiting: draw once, for the last of them
        self.refresh(ctx)
        self._load_later(ctx)
        if self._covered:
            return
        if not ctx.term.info.cursor:
            if isinstance(item, SessionLoggedIn | ActivityChanged | SessionEnded):
                self._say_change(ctx, item)
            return
        # Drawn around whatever the cursor is doing (a prompt being typed in included).
        ctx.write("\x1b7")
        self._draw_title(ctx)
        self.draw_list(ctx)
        if self.nodes:
            put(ctx, ctx.rows - 1, self._detail(ctx, self.nodes[self.index]))
        else:
            put(ctx, ctx.rows - 1, "")
        ctx.write("\x1b8")

    def _say_change(self, ctx: SessionContext, event: object) -> None:
        """One line telling a teletype caller what changed (then the prompt again)."""
        if isinstance(event, SessionEnded):
            if not event.handle:
                return
            line = ctx.text("who_left", node=event.node, handle=event.handle)
        elif isinstance(event, SessionLoggedIn):
            line = ctx.text("who_arrived", node=event.node, handle=event.handle)
        elif isinstance(event, ActivityChanged):
            if not event.handle or event.session_id == ctx.session_id:
                return
            doing = ctx.describe(event.activity)
            line = ctx.text("who_now", node=event.node, handle=event.handle, activity=doing)
        else:
            return
        line = clean(line)
        if self._reprint is not None:
            self._reprint.around(line)
        else:
            ctx.write("\r\n" + line)
            self.draw_status(ctx)

    # ---- drawing -----------------------------------------------------------------------------
    def rows(self) -> list[Node]:
        return self.nodes

    def first_row(self, ctx: SessionContext) -> int:
        return 3  # row 1 title, row 2 column names

    def label_room(self, ctx: SessionContext) -> str:
        """Spaces as wide as the row numbers (a linear skin), so columns and their names line up."""
        return " " * (len(str(len(self.rows()))) + 1) if self.numbered(ctx) else ""

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int, int, int, int]:
        """Widths of node, handle, location, activity, idle and transport (0 = not shown)."""
        w = width(ctx) - 2 - len(self.label_room(ctx))  # the marker, a space, numbers
        node, idle = 3, 5
        handle = 14 if w >= 70 else 10
        location = 0 if w + 2 < NARROW else (20 if w >= 100 else 14)
        via = 0 if w + 2 < NO_TRANSPORT else 6
        used = (
            node + handle + idle + 3 + (location + 1 if location else 0) + (via + 1 if via else 0)
        )
        return node, handle, location, max(4, w - used), idle, via

    def row_text(self, ctx: SessionContext, node: Node, selected: bool) -> Text:
        node_w, handle_w, location_w, activity_w, idle_w, via_w = self._columns(ctx)
        line = Text(" ")
        line.append(f"{node.number:>{node_w}} ", "hotkey")
        handle = node.handle or ctx.text("who_not_in")
        line.append_text(cell(ctx, handle, handle_w, "author" if node.handle else "dim"))
        if location_w:
            line.append(" ")
            line.append_text(cell(ctx, self.locations.get(node.user_id, ""), location_w, "info"))
        line.append(" ")
        line.append_text(cell(ctx, ctx.describe(node.activity), activity_w, "subject"))
        line.append(" ")
        line.append(f"{idle_text(node.idle_seconds):>{idle_w}}", "date")
        if via_w:
            line.append(" ")
            line.append_text(cell(ctx, self._via(ctx, node), via_w, "dim"))
        return line

    @staticmethod
    def _via(ctx: SessionContext, node: Node) -> str:
        known = ("telnet", "ssh")
        return ctx.text(f"who_via_{node.transport}") if node.transport in known else node.transport

    def draw_empty(self, ctx: SessionContext) -> None:
        put(ctx, self.first_row(ctx), Text(" " + ctx.text("who_empty"), style="dim"))

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("who_title")

    def allowed(self, ctx: SessionContext) -> set[str] | None:
        actions = set(self.BINDINGS.actions)
        if not is_sysop(ctx):
            actions.discard("broadcast")
        return actions

    def _draw_title(self, ctx: SessionContext) -> None:
        count = len(self.nodes)
        title_bar(ctx, ctx.text("who_title"), ctx.text("who_count", count=count))

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        self._draw_title(ctx)
        node_w, handle_w, location_w, activity_w, idle_w, via_w = self._columns(ctx)
        names = "  " + self.label_room(ctx) + ctx.text("who_col_node").rjust(node_w) + " "
        names += ctx.text("who_col_handle").ljust(handle_w)
        if location_w:
            names += " " + ctx.text("who_col_location").ljust(location_w)
        names += " " + ctx.text("who_col_activity").ljust(activity_w)
        names += " " + ctx.text("who_col_idle").rjust(idle_w)
        if via_w:
            names += " " + ctx.text("who_col_via")
        put(ctx, 2, Text(names, style="header"))
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The cursor's caller in full, then the message or the key hints."""
        if self.nodes and ctx.term.info.cursor:
            put(ctx, ctx.rows - 1, self._detail(ctx, self.nodes[self.index]))
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            put(ctx, ctx.rows, key_hints(ctx, ctx.text("who_hints"), ctx.text("who_hints_short")))
        at_bottom(ctx)

    def _detail(self, ctx: SessionContext, node: Node) -> Text:
        """Everything about the cursor's caller in one row (cut with a mark when too long)."""
        where = self.locations.get(node.user_id, "")
        text = ctx.text(
            "who_detail_from" if where else "who_detail",
            node=node.number,
            handle=node.handle or ctx.text("who_not_in"),
            location=where,
            via=self._via(ctx, node),
            idle=idle_text(node.idle_seconds),
            activity=ctx.describe(node.activity),
        )
        return cell(ctx, text, width(ctx), "info")

    # ---- prompts -----------------------------------------------------------------------------
    def _keep_prompt(self, reprint: Reprint) -> None:
        self._reprint = reprint

    async def _ask(self, ctx: SessionContext, prompt: str, max_len: int) -> str:
        """A line typed on the message row (a full screen) or below the list (linear); the
        list goes on changing above it. '' when the caller gives up (Esc or nothing)."""
        try:
            if ctx.term.info.cursor:
                put(ctx, ctx.rows, "")
                ctx.write(f"\x1b[{ctx.rows};1H")
                ctx.print(Text(prompt, style="prompt"), end="")
                with ctx.term.interruptions(StatusLine(ctx, row=lambda: ctx.rows - 1)):
                    typed = await read_line(
                        ctx.term,
                        "",
                        max_len=max_len,
                        allow_escape=True,
                        notices=False,
                        column=min(len(prompt), ctx.cols - 1),
                    )
            else:
                ctx.write("\r\n")
                shown = ctx.renderer.render(Text(prompt, style="prompt"), end="")
                ctx.write(shown)
                typed = await read_line(
                    ctx.term,
                    "",
                    max_len=max_len,
                    allow_escape=True,
                    shown_prompt=shown,
                    keep=self._keep_prompt,
                )
        finally:
            self._reprint = None
        return (typed or "").strip()

    # ---- actions (one per binding) --------------------------------------------------------------
    def _current(self) -> Node | None:
        return self.nodes[self.index] if self.nodes else None

    async def on_profile(self, ctx: SessionContext) -> Nav | None:
        node = self._current()
        if node is None:
            return None
        if not node.handle:
            self.say(ctx.text("who_not_in_yet", node=node.number), "warn")
            return None
        return Push("profile", handle=node.handle)

    async def on_page(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        node = self._current()
        if node is None:
            return None
        if not node.handle:
            self.say(ctx.text("who_not_in_yet", node=node.number), "warn")
            return None
        await ctx.services.pages.reachable(ctx.user, node.handle)  # refused before typing
        text = await self._ask(ctx, ctx.text("who_page_prompt", handle=node.handle), PAGE_MAX)
        if not text:
            self.say(ctx.text("page_nothing_sent"))
            return None
        paged = await ctx.services.pages.page(ctx.user, ctx.session_id, node.handle, text)
        self.say(ctx.text("page_sent", handle=paged.to), "ok")
        return None

    async def on_broadcast(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        if not is_sysop(ctx):
            self.unknown_key(ctx)
            return None
        text = await self._ask(ctx, ctx.text("who_broadcast_prompt"), BROADCAST_MAX)
        if not text:
            self.say(ctx.text("page_nothing_sent"))
            return None
        count = await ctx.services.pages.broadcast(ctx.user, text)
        self.say(ctx.text("who_broadcast_sent", count=count), "ok")
        return None

    async def on_help(self, ctx: SessionContext) -> Nav | None:
        self._covered = True  # the list is drawn again, up to date, when the help is done
        try:
            return await super().on_help(ctx)
        finally:
            self._covered = False

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

    # ---- entering and coming back ----------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        if ctx.term.info.cursor:  # a full-screen splash, before the screen draws
            ctx.clear()
            if show_art(ctx, "whosonline"):  # then drawn over
                await ctx.flush()  # painted while the screen loads
        self.refresh(ctx)
        await self.load_locations(ctx, self._unknown())
        bus = ctx.bus
        with contextlib.ExitStack() as stack:
            feed = stack.enter_context(
                ctx.term.feed(
                    lambda item: self.deliver(ctx, item), maxlen=FEED_MAX, tick=TICK_SECONDS
                )
            )
            self._feed = feed
            for kind in EVENTS:
                stack.enter_context(bus.listen(kind, feed.put))
            try:
                return await self.loop(ctx)
            finally:
                self._feed = None
                if self._loader is not None:
                    self._loader.cancel()
                    self._loader = None

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        return await self.run(ctx)

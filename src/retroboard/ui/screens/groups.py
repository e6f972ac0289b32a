"""The group selector (tin-style): subscribed groups with unread counts, or all groups by level."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.boards import GroupStatus, Policy, PostResult
from retroboard.domain.errors import BoardError
from retroboard.domain.usenet import children_at
from retroboard.ui.bindings import Binding, Bindings, HelpRow
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.notices import StatusLine
from retroboard.ui.results import ReaderExit
from retroboard.ui.screens.kit import (
    HELP,
    NARROW,
    REDRAW_SCREEN,
    ListScreen,
    clean,
    compose,
    confirm,
    fit,
    key_hints,
    list_moves,
    post_message,
    put,
    show_art,
    title_bar,
    width,
)
from retroboard.ui.widgets.lineinput import read_line

BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "open", "help_groups_open"),
        Binding(("left", "backspace"), "up_level", "help_groups_up_level"),
        Binding(("s",), "subscribe", "help_groups_subscribe", label="keys_groups_subscribe"),
        Binding(("u",), "unsubscribe", hidden=True),
        Binding(("c",), "catch_up", "help_groups_catch_up"),
        Binding(("g",), "go_to", "help_groups_go_to"),
        Binding(("y",), "toggle_all", "help_groups_toggle_all"),
        Binding(("n", "tab"), "next_unread", "help_groups_next_unread"),
        Binding(("p", "w"), "post", "help_groups_post"),
        Binding(("q", "escape"), "back", "help_groups_back"),
        HELP,
        REDRAW_SCREEN,
    )
)


# The marker after a group's unread count: how posting works there (the legend explains it).
MARKERS = {Policy.MODERATED: "groups_marker_moderated", Policy.READ_ONLY: "groups_marker_read_only"}
MARKERS_HELP = (HelpRow("", "groups_help_markers"),)


@dataclass(frozen=True)
class Entry:
    """A row of the selector: a group, or a hierarchy ("folder") one level down."""

    name: str
    folder: bool
    unread: int
    status: GroupStatus | None = None
    groups: int = 0  # for a folder: how many groups it holds

    @property
    def label(self) -> str:
        return f"{self.name}.*" if self.folder else self.name

    def marker(self, ctx: SessionContext) -> str:
        """One cell: moderated, read-only, or blank (folders and open groups)."""
        key = MARKERS.get(self.status.group.policy) if self.status and not self.folder else None
        return ctx.text(key)[:1] if key else " "

    def note(self, ctx: SessionContext) -> str:
        if self.folder:
            if self.groups == 1:
                return ctx.text("groups_folder_one")
            return ctx.text("groups_folder_many", count=self.groups)
        return self.status.group.description if self.status else ""


class GroupSelectorScreen(ListScreen[Entry]):
    """Pick a group to read; subscribe, catch up, go to a group by name, post."""

    ACTIVITY = Activity("choosing_group")
    BINDINGS = BINDINGS

    def __init__(self) -> None:
        self.show_all = False
        self.prefix = ""  # the hierarchy being browsed in all-groups mode ("" = top)
        self.entries: list[Entry] = []
        self.total_groups = 0
        self.index = 0
        self.message = ""
        self.message_style = "info"

    def activity(self) -> Activity:
        return self.ACTIVITY

    # ---- data
    async def load(self, ctx: SessionContext, focus: str | None = None) -> None:
        """Fetch the rows for the current mode, keeping the cursor on `focus` (or the same row)."""
        assert ctx.user is not None
        groups = ctx.services.groups
        if focus is None and self.entries:
            focus = self.entries[min(self.index, len(self.entries) - 1)].name
        if not self.show_all:
            statuses = await groups.selector(ctx.user, subscribed_only=True)
            self.entries = [Entry(s.group.name, False, s.unread, s) for s in statuses]
            self.total_groups = len(statuses)
        else:
            statuses = await groups.selector(ctx.user, subscribed_only=False)
            names: list[str] = await groups.names(ctx.user)
            by_name = {s.group.name: s for s in statuses}
            self.total_groups = len(names)
            entries = []
            for full, is_group in children_at(names, self.prefix):
                if is_group:
                    st = by_name.get(full)
                    entries.append(Entry(full, False, st.unread if st else 0, st))
                else:
                    inside = [n for n in names if n.startswith(full + ".")]
                    unread = sum(by_name[n].unread for n in inside if n in by_name)
                    entries.append(Entry(full, True, unread, groups=len(inside)))
            self.entries = entries
        names_now = [e.name for e in self.entries]
        if focus in names_now:
            self.index = names_now.index(focus)
        self.index = max(0, min(self.index, len(self.entries) - 1))

    def current(self) -> Entry | None:
        return self.entries[self.index] if self.entries else None

    # ---- layout
    def rows(self) -> list[Entry]:
        return self.entries

    def row_text(self, ctx: SessionContext, entry: Entry, selected: bool) -> Text:
        w = width(ctx)
        flag = (
            "u"
            if self.show_all and not entry.folder and not (entry.status and entry.status.subscribed)
            else " "
        )
        text = Text(flag, style="dim")
        unread_w = 4 if w < NARROW else 6
        text.append(f"{entry.unread:>{unread_w}}", style="unread" if entry.unread else "dim")
        text.append(" ")
        text.append(entry.marker(ctx), style="warn")
        text.append(" ")
        label_style = "hotkey" if entry.folder else "subject"
        name_w = min(max((len(e.label) for e in self.entries), default=10), max(10, w // 2))
        if w < NARROW:
            label = entry.label
            if entry.folder:
                label = label.ljust(name_w) if text.cell_len + 1 + name_w + 12 <= w else label
                label += f"  {entry.note(ctx)}"
            text.append(clean(label), style=label_style)
            return text
        label_text = Text(clean(entry.label), style=label_style)
        fit(ctx, label_text, name_w, pad=True)
        text.append_text(label_text)
        text.append("  " + clean(entry.note(ctx)), style="info" if entry.folder else "dim")
        return text

    def title(self, ctx: SessionContext) -> tuple[str, str]:
        if not self.show_all:
            return (
                ctx.text("groups_title_subscribed", count=len(self.entries)),
                ctx.text("groups_title_subscribed_note"),
            )
        left = (
            ctx.text("groups_title_under", prefix=self.prefix)
            if self.prefix
            else ctx.text("groups_title_all")
        )
        return left, ctx.text("groups_count", count=self.total_groups)

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("groups_help_title")

    def help_rows(self, ctx: SessionContext) -> list[HelpRow]:
        return [*super().help_rows(ctx), *MARKERS_HELP]

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        left, right = self.title(ctx)
        title_bar(ctx, left, right if ctx.cols >= NARROW else "")
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_empty(self, ctx: SessionContext) -> None:
        empty = ctx.text("groups_empty_all" if self.show_all else "groups_empty_subscribed")
        put(ctx, 3, Text(empty, style="info"))

    def draw_status(self, ctx: SessionContext) -> None:
        hints = key_hints(ctx, ctx.text("groups_hints"), ctx.text("groups_hints_short"))
        put(ctx, ctx.rows - 1, hints)
        if self.message:
            message = self.message
            if message == ctx.text("groups_no_subscriptions") and len(message) > width(ctx):
                message = ctx.text("groups_no_subscriptions_short")
            put(ctx, ctx.rows, Text(clean(message), style=self.message_style))
        else:
            n = len(self.entries)
            position = ctx.text("groups_position", at=self.index + 1 if n else 0, count=n)
            if self.show_all:
                position += "   " + ctx.text("groups_not_subscribed_legend")
            if any(e.marker(ctx) != " " for e in self.entries):
                position += "   " + ctx.text("groups_markers_legend")
            put(ctx, ctx.rows, Text(position, style="dim"))
        if self.entries:
            self.park(ctx)

    # ---- what the actions do
    async def set_mode(
        self, ctx: SessionContext, show_all: bool, prefix: str = "", focus: str | None = None
    ) -> None:
        self.show_all, self.prefix = show_all, prefix
        self.entries, self.index = [], 0
        await self.load(ctx, focus)

    async def open_level(self, ctx: SessionContext, prefix: str) -> None:
        """Browse `prefix`; a level whose only child is a hierarchy is passed through
        (comp.* holding only comp.sys.* opens comp.sys.*)."""
        await self.set_mode(ctx, True, prefix)
        while len(self.entries) == 1 and self.entries[0].folder:
            await self.set_mode(ctx, True, self.entries[0].name)

    async def up_level(self, ctx: SessionContext) -> None:
        """One level up, past the levels that were passed through on the way down."""
        came_from = self.prefix
        while True:
            parent = came_from.rsplit(".", 1)[0] if "." in came_from else ""
            await self.set_mode(ctx, True, parent, focus=came_from)
            if not parent or len(self.entries) != 1:
                return
            came_from = parent

    async def subscribe(self, ctx: SessionContext, on: bool) -> None:
        assert ctx.user is not None
        entry = self.current()
        if entry is None:
            return
        if entry.folder:
            self.say(ctx.text("groups_is_folder"), "warn")
            return
        await ctx.services.groups.subscribe(ctx.user, entry.name, on)
        await self.load(ctx, entry.name)
        key = "groups_subscribed" if on else "groups_unsubscribed"
        self.say(ctx.text(key, group=entry.name), "ok")

    # ---- actions (one per binding)
    async def on_open(self, ctx: SessionContext) -> Nav | None:
        entry = self.current()
        if entry is None:
            return None
        if entry.folder:
            await self.open_level(ctx, entry.name)
            return None
        return Push("threads", group_name=entry.name)

    async def on_up_level(self, ctx: SessionContext) -> Nav | None:
        if self.show_all and self.prefix:
            await self.up_level(ctx)
        else:
            self.say(ctx.text("groups_top_level"))
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        if self.show_all and self.prefix:
            await self.up_level(ctx)
            return None
        return Back()

    async def on_subscribe(self, ctx: SessionContext) -> Nav | None:
        await self.subscribe(ctx, True)
        return None

    async def on_unsubscribe(self, ctx: SessionContext) -> Nav | None:
        await self.subscribe(ctx, False)
        return None

    async def on_catch_up(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        entry = self.current()
        if entry is None:
            return None
        if entry.folder:
            self.say(ctx.text("groups_is_folder"), "warn")
            return None
        if not await confirm(ctx, ctx.text("catch_up_question", group=clean(entry.name))):
            self.say(ctx.text("groups_nothing_marked"))
            return None
        await ctx.services.groups.catch_up(ctx.user, entry.name)
        await self.load(ctx, entry.name)
        self.say(ctx.text("groups_caught_up", group=entry.name), "ok")
        return None

    async def on_go_to(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        put(ctx, ctx.rows, "")
        ctx.write(f"\x1b[{ctx.rows};1H")
        ctx.print(Text(ctx.text("groups_goto_prompt"), style="prompt"), end="")
        with ctx.term.interruptions(StatusLine(ctx, row=lambda: ctx.rows - 1)):
            typed = await read_line(ctx.term, "", max_len=80, allow_escape=True, notices=False)
        name = (typed or "").strip()
        if not name:
            return None
        status: GroupStatus = await ctx.services.groups.status(ctx.user, name)
        found = status.group.name
        if self.show_all or not status.subscribed:
            await self.set_mode(ctx, True, found.rsplit(".", 1)[0], focus=found)
        else:
            await self.load(ctx, found)
        return Push("threads", group_name=found)

    async def on_toggle_all(self, ctx: SessionContext) -> Nav | None:
        entry = self.current()
        focus = entry.name if entry and not entry.folder else None
        if self.show_all:
            await self.set_mode(ctx, False, focus=focus)
        else:  # all groups start at the top level, on the hierarchy the cursor was in
            await self.set_mode(ctx, True, "", focus=focus.split(".", 1)[0] if focus else None)
        return None

    async def on_next_unread(self, ctx: SessionContext) -> Nav | None:
        self.keep_screen()
        n = len(self.entries)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if self.entries[i].unread:
                await self.move_to(ctx, i)
                return None
        self.say(ctx.text("groups_no_unread"))
        return None

    async def on_post(self, ctx: SessionContext) -> Nav | None:
        entry = self.current()
        if entry is None or entry.folder:
            self.say(ctx.text("groups_post_where"), "warn")
            return None
        return compose([entry.name])

    # ---- entering and coming back
    async def start(self, ctx: SessionContext) -> None:
        await self.load(ctx)
        if not self.entries:
            await self.set_mode(ctx, True, "")
            self.say(ctx.text("groups_no_subscriptions"))

    async def run(self, ctx: SessionContext) -> Nav:
        if ctx.term.info.cursor:  # a full-screen splash, before the screen draws
            ctx.clear()
            if show_art(ctx, "areas"):  # then drawn over
                await ctx.flush()  # painted while the screen loads
        try:
            await self.start(ctx)
        except BoardError as exc:
            self.say(str(exc), "error")
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from a thread list or the composer: say what happened, refresh the counts."""
        try:
            if isinstance(result, ReaderExit) and result.message:
                self.say(result.message)
            elif isinstance(result, PostResult):
                self.say(post_message(result, ctx), "ok")
            await self.load(ctx)
        except BoardError as exc:
            self.say(str(exc), "error")
        return await self.loop(ctx)

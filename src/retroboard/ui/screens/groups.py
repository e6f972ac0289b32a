"""The group selector (tin-style): subscribed groups with unread counts, or all groups by level."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from retroboard.domain.boards import GroupStatus, PostResult
from retroboard.domain.errors import BoardError
from retroboard.domain.usenet import children_at
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav, Push
from retroboard.ui.prompts import next_key
from retroboard.ui.results import ReaderExit
from retroboard.ui.screens.kit import (
    DOWN,
    NARROW,
    PAGE_DOWN,
    PAGE_UP,
    REDRAW,
    UP,
    PagedRows,
    clean,
    compose,
    confirm,
    fit,
    key_hints,
    post_message,
    put,
    show_help,
    title_bar,
    width,
)
from retroboard.ui.widgets.lineinput import read_line

GROUP_KEYS = (
    ("Up Down j k", "move"),
    ("PgUp PgDn b Space", "previous / next page"),
    ("Enter Right", "open the group (or go into a hierarchy)"),
    ("Left Backspace", "up one level of the hierarchy"),
    ("s  u", "subscribe / unsubscribe"),
    ("c", "catch up: mark the whole group read (asks first)"),
    ("g", "go to a group by typing its name"),
    ("y", "show all groups / only your subscriptions"),
    ("n  Tab", "next group with unread articles"),
    ("p  w", "post a new thread in the highlighted group"),
    ("q  Esc", "back (up a level, then the main menu)"),
    ("?", "this help"),
)
HINTS = "Enter open s/u sub/unsub c catchup g goto y all Tab unread p post ? help q quit"
HINTS_SHORT = "Enter open s/u g y Tab p ? help q"
NO_SUBSCRIPTIONS = "No subscriptions yet: browse, and press s on a group to subscribe."
NO_SUBSCRIPTIONS_SHORT = "No subscriptions: s subscribes."


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

    @property
    def note(self) -> str:
        if self.folder:
            return f"({self.groups} group{'s' if self.groups != 1 else ''})"
        return self.status.group.description if self.status else ""


class GroupSelectorScreen(PagedRows[Entry], BaseScreen):
    """Pick a group to read; subscribe, catch up, go to a group by name, post."""

    layout = "full"
    ACTIVITY = "Choosing a message group"

    def __init__(self) -> None:
        self.show_all = False
        self.prefix = ""  # the hierarchy being browsed in all-groups mode ("" = top)
        self.entries: list[Entry] = []
        self.total_groups = 0
        self.index = 0
        self.message = ""
        self.message_style = "info"

    def activity(self) -> str:
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
        text = Text.assemble((">" if selected else " ", "hotkey"), (flag, "dim"))
        unread_w = 4 if w < NARROW else 6
        text.append(f"{entry.unread:>{unread_w}}", style="unread" if entry.unread else "dim")
        text.append("  ")
        label_style = "hotkey" if entry.folder else "subject"
        name_w = min(max((len(e.label) for e in self.entries), default=10), max(10, w // 2))
        if w < NARROW:
            label = entry.label
            if entry.folder:
                label = label.ljust(name_w) if text.cell_len + name_w + 12 <= w else label
                label += f"  {entry.note}"
            text.append(clean(label), style=label_style)
            return text
        label_text = Text(clean(entry.label), style=label_style)
        fit(ctx, label_text, name_w, pad=True)
        text.append_text(label_text)
        text.append("  " + clean(entry.note), style="info" if entry.folder else "dim")
        return text

    def title(self) -> tuple[str, str]:
        if not self.show_all:
            return f"Subscribed groups ({len(self.entries)})", "y: all groups"
        where = f": {self.prefix}.*" if self.prefix else ""
        return f"All groups{where}", f"{self.total_groups} groups"

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        left, right = self.title()
        title_bar(ctx, left, right if ctx.cols >= NARROW else "")
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_empty(self, ctx: SessionContext) -> None:
        empty = (
            "You are not subscribed to any group. Press y to see them all."
            if not self.show_all
            else "There are no groups here."
        )
        put(ctx, 3, Text(empty, style="info"))

    def draw_status(self, ctx: SessionContext) -> None:
        put(ctx, ctx.rows - 1, key_hints(ctx, HINTS, HINTS_SHORT))
        if self.message:
            message = self.message
            if message == NO_SUBSCRIPTIONS and len(message) > width(ctx):
                message = NO_SUBSCRIPTIONS_SHORT
            put(ctx, ctx.rows, Text(clean(message), style=self.message_style))
        else:
            n = len(self.entries)
            put(
                ctx,
                ctx.rows,
                Text(
                    f"{self.index + 1 if n else 0}/{n}"
                    + ("   u = not subscribed" if self.show_all else ""),
                    style="dim",
                ),
            )
        if self.entries:
            self.park(ctx)

    def say(self, message: str, style: str = "info") -> None:
        self.message, self.message_style = message, style

    def move_to(self, ctx: SessionContext, index: int) -> None:
        self.place_cursor(ctx, index)

    # ---- actions
    async def set_mode(
        self, ctx: SessionContext, show_all: bool, prefix: str = "", focus: str | None = None
    ) -> None:
        self.show_all, self.prefix = show_all, prefix
        self.entries, self.index = [], 0
        await self.load(ctx, focus)

    async def up_level(self, ctx: SessionContext) -> None:
        came_from = self.prefix
        parent = came_from.rsplit(".", 1)[0] if "." in came_from else ""
        await self.set_mode(ctx, True, parent, focus=came_from)

    async def open(self, ctx: SessionContext, entry: Entry) -> Nav | None:
        if entry.folder:
            await self.set_mode(ctx, True, entry.name)
            return None
        return Push("threads", group_name=entry.name)

    async def subscribe(self, ctx: SessionContext, entry: Entry, on: bool) -> None:
        assert ctx.user is not None
        if entry.folder:
            self.say("That is a hierarchy: press Enter to see its groups.", "warn")
            return
        await ctx.services.groups.subscribe(ctx.user, entry.name, on)
        await self.load(ctx, entry.name)
        self.say(f"Subscribed to {entry.name}." if on else f"Unsubscribed from {entry.name}.", "ok")

    async def catch_up(self, ctx: SessionContext, entry: Entry) -> None:
        assert ctx.user is not None
        if entry.folder:
            self.say("That is a hierarchy: press Enter to see its groups.", "warn")
            return
        if not await confirm(ctx, f"Mark every article in {clean(entry.name)} read?"):
            self.say("Nothing was marked.")
            return
        await ctx.services.groups.catch_up(ctx.user, entry.name)
        await self.load(ctx, entry.name)
        self.say(f"Caught up with {entry.name}.", "ok")

    async def go_to(self, ctx: SessionContext) -> Nav | None:
        assert ctx.user is not None
        put(ctx, ctx.rows, "")
        ctx.write(f"\x1b[{ctx.rows};1H")
        ctx.print(Text("Go to group: ", style="prompt"), end="")
        typed = await read_line(ctx.term, "", max_len=80, allow_escape=True)
        name = (typed or "").strip()
        if not name:
            return None
        try:
            status: GroupStatus = await ctx.services.groups.status(ctx.user, name)
        except BoardError as exc:
            self.say(str(exc), "error")
            return None
        found = status.group.name
        if self.show_all or not status.subscribed:
            await self.set_mode(ctx, True, found.rsplit(".", 1)[0], focus=found)
        else:
            await self.load(ctx, found)
        return Push("threads", group_name=found)

    def post(self, entry: Entry | None) -> Nav | None:
        if entry is None or entry.folder:
            self.say("Move to a group first, then press p to post there.", "warn")
            return None
        return compose([entry.name])

    def next_unread(self, ctx: SessionContext) -> None:
        n = len(self.entries)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if self.entries[i].unread:
                self.move_to(ctx, i)
                return
        self.say("No groups here have unread articles.")

    # ---- the loop
    async def start(self, ctx: SessionContext) -> None:
        await self.load(ctx)
        if not self.entries:
            await self.set_mode(ctx, True, "")
            self.say(NO_SUBSCRIPTIONS)

    async def run(self, ctx: SessionContext) -> Nav:
        try:
            await self.start(ctx)
        except BoardError as exc:
            self.say(str(exc), "error")
        return await self._loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        """Back from a thread list or the composer: say what happened, refresh the counts."""
        try:
            if isinstance(result, ReaderExit) and result.message:
                self.say(result.message)
            elif isinstance(result, PostResult):
                self.say(post_message(result), "ok")
            await self.load(ctx)
        except BoardError as exc:
            self.say(str(exc), "error")
        return await self._loop(ctx)

    async def _loop(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await next_key(ctx, lambda: self.draw(ctx))
            self.message = ""
            name = event.name
            entry = self.current()
            nav: Nav | None = None
            full = True  # most keys change the list; plain moves redraw only two rows
            try:
                if name in UP:
                    self.move_to(ctx, self.index - 1)
                    full = False
                elif name in DOWN:
                    self.move_to(ctx, self.index + 1)
                    full = False
                elif name in PAGE_UP:
                    self.move_to(ctx, self.index - self.height(ctx))
                    full = False
                elif name in PAGE_DOWN:
                    self.move_to(ctx, self.index + self.height(ctx))
                    full = False
                elif name == "home":
                    self.move_to(ctx, 0)
                    full = False
                elif name == "end":
                    self.move_to(ctx, len(self.entries) - 1)
                    full = False
                elif name in ("enter", "right"):
                    if entry is not None:
                        nav = await self.open(ctx, entry)
                elif name in ("left", "backspace"):
                    if self.show_all and self.prefix:
                        await self.up_level(ctx)
                    else:
                        self.say("This is the top level.")
                elif name in ("q", "escape"):
                    if self.show_all and self.prefix:
                        await self.up_level(ctx)
                    else:
                        return Back()
                elif name in ("s", "u") and entry is not None:
                    await self.subscribe(ctx, entry, name == "s")
                elif name == "c" and entry is not None:
                    await self.catch_up(ctx, entry)
                elif name == "g":
                    nav = await self.go_to(ctx)
                elif name == "y":
                    focus = entry.name if entry and not entry.folder else None
                    if self.show_all:
                        await self.set_mode(ctx, False, focus=focus)
                    else:
                        parent = focus.rsplit(".", 1)[0] if focus else ""
                        await self.set_mode(ctx, True, parent, focus=focus)
                elif name in ("n", "tab"):
                    self.next_unread(ctx)
                    full = False
                elif name in ("p", "w"):
                    nav = self.post(entry)
                elif name == "?":
                    await show_help(ctx, "Group selector", GROUP_KEYS)
                elif name in REDRAW:
                    pass
                else:
                    ctx.write("\a")
                    full = False
            except BoardError as exc:
                self.say(str(exc), "error")
            if nav is not None:
                return nav
            if full:
                self.draw(ctx)
            else:
                self.draw_status(ctx)
            await ctx.flush()

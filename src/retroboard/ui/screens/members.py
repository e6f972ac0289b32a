"""The user list: every member by handle, a page at a time, searchable by handle or location;
Enter opens a member's profile."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.users import User
from retroboard.services.users import SEARCH_MAX
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
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
    short_date,
    title_bar,
    width,
)
from retroboard.ui.widgets.lineinput import read_line

CHUNK = 100  # members fetched at a time, as the cursor gets near the end of what is loaded
LOADED_MAX = 5000  # End loads at most this many

BINDINGS = Bindings(
    (
        *list_moves(),
        Binding(("enter", "right"), "profile", "help_members_profile"),
        Binding(("/", "s"), "search", "help_members_search", label="keys_members_search"),
        Binding(("q", "escape", "left"), "back", "help_members_back"),
        HELP,
        REDRAW_SCREEN,
    )
)


class MembersScreen(ListScreen[User]):
    """All members by handle (or those a search finds); more are loaded as the cursor goes."""

    ACTIVITY = Activity("members")
    BINDINGS = BINDINGS
    CASELESS = True

    def __init__(self) -> None:
        self.members: list[User] = []
        self.search = ""
        self.more = False
        self.total = 0
        self.index = 0
        self.message = ""
        self.message_style = "info"

    # ---- loading -----------------------------------------------------------------------------
    async def load(self, ctx: SessionContext, search: str) -> None:
        """The first chunk of members matching `search` ('' = everyone). Raises
        ValidationError for a search too long (the list stays as it was)."""
        found = await ctx.services.users.members(search, 0, CHUNK + 1)
        self.search, self.index = search, 0
        self.members, self.more = found[:CHUNK], len(found) > CHUNK
        self.total = await ctx.services.users.count()

    async def load_more(self, ctx: SessionContext, until: int) -> None:
        """Load chunks until row `until` is loaded or there are no more."""
        while self.more and len(self.members) <= until and len(self.members) < LOADED_MAX:
            found = await ctx.services.users.members(self.search, len(self.members), CHUNK + 1)
            self.members.extend(found[:CHUNK])
            self.more = len(found) > CHUNK

    async def move_to(self, ctx: SessionContext, index: int) -> None:
        if index >= len(self.members) - 1 and self.more:
            await self.load_more(ctx, index + self.height(ctx))
            self.draw_list(ctx)
        self.place_cursor(ctx, index)

    async def on_last(self, ctx: SessionContext) -> Nav | None:
        await self.load_more(ctx, LOADED_MAX)
        self.draw_list(ctx)
        self.place_cursor(ctx, len(self.members) - 1)
        self.keep_screen()
        return None

    # ---- drawing -----------------------------------------------------------------------------
    def rows(self) -> list[User]:
        return self.members

    def first_row(self, ctx: SessionContext) -> int:
        return 3

    def label_room(self, ctx: SessionContext) -> str:
        """Spaces as wide as the row numbers (a linear skin), so columns and their names line up."""
        return " " * (len(str(len(self.rows()))) + 1) if self.numbered(ctx) else ""

    def _columns(self, ctx: SessionContext) -> tuple[int, int, int, int]:
        """Widths of handle, location, last on and member since (0 = not shown)."""
        w = width(ctx) - 2 - len(self.label_room(ctx))  # the marker, a space, numbers
        if w + 2 < NARROW:
            return min(20, w - 9), 0, 8, 0
        location = max(8, w - 20 - 8 - 8 - 3)
        return 20, min(location, 40), 8, 8

    def row_text(self, ctx: SessionContext, user: User, selected: bool) -> Text:
        handle_w, location_w, last_w, since_w = self._columns(ctx)
        line = Text(" ")
        line.append_text(cell(ctx, user.handle, handle_w, "author"))
        if location_w:
            line.append(" ")
            line.append_text(cell(ctx, user.location, location_w, "info"))
        line.append(" ")
        last = short_date(user.last_login_at) if user.last_login_at else ctx.text("members_never")
        line.append_text(cell(ctx, last, last_w, "date"))
        if since_w:
            line.append(" ")
            line.append_text(cell(ctx, short_date(user.created_at), since_w, "date"))
        return line

    def draw_empty(self, ctx: SessionContext) -> None:
        key = "members_none_match" if self.search else "members_none"
        put(ctx, self.first_row(ctx), Text(" " + ctx.text(key, search=self.search), style="dim"))

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("members_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        count = f"{len(self.members)}{'+' if self.more else ''}"
        if self.search:
            title = ctx.text("members_title_search", search=self.search)
            right = ctx.text("members_found", count=count)
        else:
            title, right = ctx.text("members_title"), ctx.text("members_count", count=self.total)
        title_bar(ctx, title, right)
        handle_w, location_w, last_w, since_w = self._columns(ctx)
        names = "  " + self.label_room(ctx) + ctx.text("members_col_handle").ljust(handle_w)
        if location_w:
            names += " " + ctx.text("members_col_location").ljust(location_w)
        names += " " + ctx.text("members_col_last").ljust(last_w)
        if since_w:
            names += " " + ctx.text("members_col_since")
        put(ctx, 2, Text(names, style="header"))
        self.draw_list(ctx)
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        if self.message:
            put(ctx, ctx.rows, Text(clean(self.message), style=self.message_style))
        else:
            hints = key_hints(ctx, ctx.text("members_hints"), ctx.text("members_hints_short"))
            put(ctx, ctx.rows, hints)
        at_bottom(ctx)

    # ---- actions (one per binding) --------------------------------------------------------------
    async def on_profile(self, ctx: SessionContext) -> Nav | None:
        if not self.members:
            return None
        return Push("profile", handle=self.members[self.index].handle)

    async def on_search(self, ctx: SessionContext) -> Nav | None:
        prompt = ctx.text("members_search_prompt")
        if ctx.term.info.cursor:
            put(ctx, ctx.rows, "")
            ctx.write(f"\x1b[{ctx.rows};1H")
            ctx.print(Text(prompt, style="prompt"), end="")
            with ctx.term.interruptions(StatusLine(ctx, row=lambda: ctx.rows - 1)):
                typed = await read_line(
                    ctx.term, "", max_len=SEARCH_MAX, allow_escape=True, notices=False
                )
        else:
            ctx.write("\r\n")
            shown = ctx.renderer.render(Text(prompt, style="prompt"), end="")
            ctx.write(shown)
            typed = await read_line(
                ctx.term, "", max_len=SEARCH_MAX, allow_escape=True, shown_prompt=shown
            )
        if typed is None:
            return None
        await self.load(ctx, typed.strip())
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

    # ---- entering and coming back ----------------------------------------------------------------
    async def run(self, ctx: SessionContext) -> Nav:
        await self.load(ctx, "")
        return await self.loop(ctx)

    async def resume(self, ctx: SessionContext, result: object) -> Nav:
        return await self.loop(ctx)

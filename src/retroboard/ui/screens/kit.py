"""The drawing kit the discussion screens share: fixed-position rows, key sets, dates, help.

Groups, thread list, reader, new-scan, search and the moderation queue draw full screens row
by row (so nothing scrolls), and use the same keys for the same things.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich import box
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retroboard.domain.boards import Article, ArticleHead, PostResult
from retroboard.domain.community import Letter
from retroboard.domain.errors import BoardError
from retroboard.domain.text import sanitize
from retroboard.term.events import Resize
from retroboard.ui.art import ice_mode
from retroboard.ui.bindings import Binding, Bindings, HelpRow
from retroboard.ui.context import SessionContext
from retroboard.ui.models.reading import Pager
from retroboard.ui.nav import BaseScreen, Nav, Push
from retroboard.ui.prompts import pause

T = TypeVar("T")

CSI = "\x1b["
DUMB_TERMS = ("dumb", "vt52", "vt05", "glasstty", "tty33")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Keys every list screen understands (tin muscle memory plus arrows).
UP = frozenset({"up", "k", "ctrl-p"})
DOWN = frozenset({"down", "j", "ctrl-n"})
PAGE_UP = frozenset({"pgup", "b", "ctrl-b"})
PAGE_DOWN = frozenset({"pgdn", " ", "ctrl-f"})
QUIT = frozenset({"q", "escape"})
REDRAW = frozenset({"ctrl-l", "ctrl-r"})
NARROW = 60  # below this many columns the screens drop their less important columns
SELECTED = ">"  # the selection marker in column 1 of every list


def use_ascii(ctx: SessionContext) -> bool:
    """True for dumb terminals (no colour, VT52, glass ttys) and a linear skin (plain: no
    boxes): draw trees, rules and boxes in ASCII.

    UTF-8 and CP437 terminals both have the box-drawing characters.
    """
    info = ctx.term.info
    return ctx.skin.linear or info.profile.boxes == "ascii" or info.colors == 0


def panel_box(ctx: SessionContext) -> box.Box:
    return box.ASCII if use_ascii(ctx) else box.SQUARE


def clean(text: str) -> str:
    """User text for one screen row: no controls, no escapes, no line breaks."""
    return sanitize(text, multiline=False)


def head_subject(ctx: SessionContext, head: ArticleHead) -> str:
    """An article's subject for a list row. A deleted article's subject is hidden ("[deleted]"),
    as its text is; a moderator still sees what it was, after the mark."""
    if not head.deleted:
        return clean(head.subject)
    if ctx.user is not None and ctx.user.is_moderator:
        return ctx.text("deleted_subject_moderator", subject=clean(head.subject))
    return ctx.text("deleted_subject")


def utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def short_date(when: datetime, now: datetime | None = None) -> str:
    """ "27 Nov" for this year, "Nov 2025" for older ones (locale-free)."""
    when, now = utc(when), utc(now or datetime.now(UTC))
    if when.year == now.year:
        return f"{when.day:02d} {MONTHS[when.month - 1]}"
    return f"{MONTHS[when.month - 1]} {when.year}"


def long_date(when: datetime) -> str:
    """ "Fri, 27 Nov 2026 06:30 UTC" (locale-free)."""
    w = utc(when)
    return f"{DAYS[w.weekday()]}, {w.day:02d} {MONTHS[w.month - 1]} {w.year} {w:%H:%M} UTC"


def fit(ctx: SessionContext, text: Text, cells: int, *, pad: bool = False) -> Text:
    """Shorten `text` to `cells` columns in place, with an ellipsis only where it can be shown."""
    text.truncate(cells, overflow="ellipsis" if ctx.term.info.unicode else "crop", pad=pad)
    return text


def width(ctx: SessionContext) -> int:
    """Usable columns: one less than the terminal, so no row ever triggers an auto-wrap."""
    return max(1, ctx.cols - 1)


def put(
    ctx: SessionContext, row: int, text: Text | str, *, fill: bool = False, style: str = ""
) -> None:
    """Draw one screen row (1-based) from column 1, cropped to the width, clearing the rest."""
    ctx.write(f"{CSI}{row};1H" + row_drawn(ctx, text, fill=fill, style=style) + f"{CSI}0m{CSI}K")


def row_drawn(ctx: SessionContext, text: Text | str, *, fill: bool = False, style: str = "") -> str:
    """What `put` draws of `text` after its cursor move: cropped to the width (padded with
    `fill`, then `style` over all of it). `text` itself is never changed; a Text that needs
    no change is drawn as it is, without the copy."""
    if isinstance(text, str):
        line = Text(text)
    elif fill or style or text.cell_len > width(ctx):
        line = text.copy()
    else:  # truncate would leave it as it is (not padded, within the width)
        return ctx.renderer.render_line(text)
    line.truncate(width(ctx), overflow="crop", pad=fill)
    if style:
        line.stylize(style)
    return ctx.renderer.render_line(line)


def blank_rows(ctx: SessionContext, first: int, last: int) -> None:
    for row in range(first, last + 1):
        ctx.write(f"{CSI}{row};1H{CSI}0m{CSI}K")


def title_bar(ctx: SessionContext, left: str, right: str = "") -> None:
    """Row 1: the screen's title (user text allowed) with a right-aligned note."""
    w = width(ctx)
    left = " " + clean(left)
    right = clean(right) + " " if right else ""
    line = fit(ctx, Text(left), max(0, w - len(right) - 1) if right else w)
    if right and line.cell_len + len(right) < w:
        line.append(" " * (w - line.cell_len - len(right)) + right)
    put(ctx, 1, line, fill=True, style="title")


def key_hints(ctx: SessionContext, long: str, short: str) -> Text:
    """The key summary for a status line: the long form when it fits, else the short one."""
    return Text(long if len(long) <= width(ctx) else short, style="dim")


def at_bottom(ctx: SessionContext) -> None:
    """Park the terminal cursor at the start of the last row (the message line)."""
    ctx.write(f"{CSI}{ctx.rows};1H")


async def confirm(ctx: SessionContext, question: str) -> bool:
    """The one yes/no question of the full screens, on the last row: y says yes, anything else
    no. Never scrolls. Returns the answer."""
    hint = ctx.text("yes_no") + " "
    put(ctx, ctx.rows, Text.assemble((question + " ", "prompt"), (hint, "dim")))
    ctx.write(f"{CSI}{ctx.rows};{min(len(question) + len(hint) + 2, ctx.cols)}H")
    await ctx.flush()
    while True:
        event = await ctx.term.read_input()
        if isinstance(event, Resize):
            ctx.sync_size()
            continue
        if event.name in ("y", "Y", "n", "N"):
            ctx.term.discard_enter()  # "y" Enter is one answer, not two keys
        return event.name in ("y", "Y")


async def show_help(ctx: SessionContext, title: str, rows: Sequence[HelpRow]) -> None:
    """A help panel listing the screen's keys, each row's skin keys looked up in the caller's
    skin here (so Bindings stay plain data); waits for a key. The caller redraws after."""
    keys = [row.resolve(ctx.text) for row in rows]
    columns = 2 if ctx.cols >= 90 and len(keys) > 8 else 1
    grid = Table.grid(padding=(0, 2))
    for _ in range(columns):
        grid.add_column(style="hotkey", no_wrap=True)
        grid.add_column(style="label")
    per = -(-len(keys) // columns)
    for r in range(per):
        cells: list[Text] = []  # Text, not str: a key like "[" must never be read as markup
        for c in range(columns):
            i = c * per + r
            cells += [Text(part) for part in keys[i]] if i < len(keys) else [Text(), Text()]
        grid.add_row(*cells)
    ctx.sync_size()
    heading = Text(" " + ctx.text("help_title", title=title) + " ", style="title")
    # A title too wide for the top border (a narrow screen, a long group name) goes on lines
    # of its own above the panel, wrapped at word boundaries, rather than being cut. The
    # border needs 6 cells around a title: "┌─ " and " ─┐".
    above = heading.cell_len + 6 > ctx.renderer.width
    panel = Panel(
        grid,
        title=None if above else heading,
        box=panel_box(ctx),
        border_style="info",
        expand=False,
    )
    shown = [heading, panel] if above else [panel]
    lines = ctx.renderer.render(*shown).rstrip("\n").split("\n")
    per_page = max(1, ctx.rows - 1)
    for start in range(0, len(lines), per_page):  # a tall panel on a small screen: in pages
        ctx.clear()
        ctx.write("\r\n".join(lines[start : start + per_page]) + "\r\n")
        more = start + per_page < len(lines)
        key = await pause(ctx, ctx.text("help_more" if more else "help_continue"))
        if key is not None and key.name in QUIT:
            return


def compose(groups: Sequence[str], parent: Article | None = None, *, quote: bool = True) -> Push:
    """Open the composer for a new thread in `groups`, or a follow-up to `parent` (quoting it
    unless `quote` is False)."""
    if parent is not None and not quote:
        return Push("compose", groups=list(groups), parent=parent, quote=False)
    return Push("compose", groups=list(groups), parent=parent)


def post_message(result: object, ctx: SessionContext | None = None) -> str:
    """A one-line note about what the composer handed back (empty if nothing was posted), in
    the session skin's words when `ctx` is given (else the default skin's). A letter the mail
    composer sent gets its "Letter sent to ..." note."""
    if isinstance(result, Letter):
        to = ", ".join(result.head.to + result.head.cc)
        return ctx.text("mail_sent_to", to=to) if ctx is not None else f"Letter sent to {to}."
    if not isinstance(result, PostResult):
        return ""

    def text(key: str, default: str, **values: object) -> str:
        return ctx.text(key, **values) if ctx is not None else default.format(**values)

    if result.pending:
        return text("posted_pending", "Your article is waiting for a moderator's approval.")
    where = ", ".join(f"{g} #{n}" for g, n in result.article.xref)
    if where:
        return text("posted_in", "Article posted ({where}).", where=where)
    return text("posted", "Article posted.")


class NumberEntry:
    """A number typed towards a numbered choice (lists and menus under a linear skin): a digit
    is echoed and collected, Backspace takes one back, Enter picks. A line-mode client's Enter
    is eaten with a one-character line, so there a first digit that cannot grow into a longer
    number is picked at once. A number with no choice is refused with a bell and
    `list_no_number`."""

    def __init__(self) -> None:
        self.typed = ""

    def take(self, ctx: SessionContext, key: str, count: int, lead: str = "") -> str | int | None:
        """Feed one key: the number picked (1..count), None when the key was taken, else the
        key for the screen to dispatch (typed digits are dropped)."""
        if len(key) == 1 and key.isdigit() and count:
            if len(self.typed) >= len(str(count)) or (not self.typed and key == "0"):
                ctx.write("\a")
                return None
            ctx.write(("\r\n" + lead if lead and not self.typed else "") + key)
            self.typed += key
            if not (ctx.term.info.line_mode and len(self.typed) == 1 and int(key) * 10 > count):
                return None
            key = "enter"
        if not self.typed:
            return key
        if key in ("backspace", "ctrl-h", "delete"):
            self.typed = self.typed[:-1]
            ctx.write("\b \b")
            return None
        number, self.typed = int(self.typed), ""
        if key != "enter":
            return key
        if not 1 <= number <= count:
            ctx.write("\a\r\n" + ctx.text("list_no_number", number=number, count=count))
            return None
        return number


# List rows as drawn (`ListView.draw_row`, for screens that give a `row_key`) are kept in the
# board's `BoardInfo.row_cache` by screen class, console shape, skin, character set, selection,
# row label and key, most recently used last, for every session: a row drawn again (a page
# after reading, a cursor move) costs a key and a lookup instead of its Texts and their
# rendering. Bounded (oldest dropped first); the strings are mostly those
# `Renderer.render_line` keeps too.
ROWS_MAX = 4096


class ListView(Generic[T]):
    """The one list widget: rows drawn a page at a time with a uniform selection bar.

    Every list (groups, threads, search hits, the moderation queue) draws through it: column 1
    is the selection marker (`>` on the selected row, so a terminal without colour still shows
    it), and on a colour terminal the selected row is a reverse-video bar across the width.
    Subclasses provide `rows()` and `row_text()` (the row after the marker column) and may move
    the list (`first_row()`) or size it (`height()`). Moving the cursor redraws two rows, or the
    whole page when it crosses a page boundary.

    Without cursor addressing the page is printed as lines (no blank rows), and a move prints
    the newly selected row only, as a teletype user reads it. Under a linear skin every row
    carries its number after the marker; typing a number and Enter picks that row
    (`take_number`, called by the screen's key loop).
    """

    index: int = 0

    @property
    def entry(self) -> NumberEntry:
        """The row number being typed (numbered rows), made on first use."""
        entry: NumberEntry | None = self.__dict__.get("_entry")
        if entry is None:
            entry = self.__dict__["_entry"] = NumberEntry()
        return entry

    def rows(self) -> Sequence[T]:
        raise NotImplementedError

    def row_text(self, ctx: SessionContext, item: T, selected: bool) -> Text:
        raise NotImplementedError

    def draw_empty(self, ctx: SessionContext) -> None:
        """What an empty list shows (nothing by default)."""

    def first_row(self, ctx: SessionContext) -> int:
        """The screen row of the list's first line (below the title bar by default)."""
        return 2

    def height(self, ctx: SessionContext) -> int:
        """Rows the list may use (by default all but the title and the two status rows)."""
        return max(1, ctx.rows - 1 - self.first_row(ctx))

    def top(self, ctx: SessionContext, index: int | None = None) -> int:
        """First row of the page holding `index` (the cursor by default)."""
        h = self.height(ctx)
        return ((self.index if index is None else index) // h) * h

    def numbered(self, ctx: SessionContext) -> bool:
        """Rows carry their numbers, to be picked by number (a linear skin)."""
        return ctx.skin.linear

    def row_key(self, ctx: SessionContext, item: T, selected: bool) -> tuple[object, ...] | None:
        """Everything `row_text(ctx, item, selected)` depends on besides the console's shape,
        the skin and the character set, or None (the default): not kept, drawn every time.
        Rows of one screen class with equal keys are drawn once for the whole board."""
        return None

    def draw_row(self, ctx: SessionContext, i: int) -> None:
        rows, top = self.rows(), self.top(ctx)
        if not top <= i < top + self.height(ctx) or i >= len(rows):
            return
        selected = i == self.index
        numbered = self.numbered(ctx)
        key = self.row_key(ctx, rows[i], selected)
        if key is None:
            drawn = self._draw_row(ctx, rows, i, selected, numbered)
        else:
            info = ctx.term.info
            full = (type(self), ctx.renderer.shape, ctx.skin.name, info.unicode, info.colors,
                    selected, (i, len(rows)) if numbered else None, *key)  # fmt: skip
            cache = ctx.board.row_cache
            found = cache.pop(full, None)
            drawn = self._draw_row(ctx, rows, i, selected, numbered) if found is None else found
            if found is None and len(cache) >= ROWS_MAX:
                del cache[next(iter(cache))]  # the least recently used
            cache[full] = drawn  # (re)inserted last: the most recently used
        ctx.write(f"{CSI}{self.first_row(ctx) + i - top};1H" + drawn + f"{CSI}0m{CSI}K")

    def _draw_row(
        self, ctx: SessionContext, rows: Sequence[T], i: int, selected: bool, numbered: bool
    ) -> str:
        line = Text(SELECTED if selected else " ", style="hotkey")
        body = self.row_text(ctx, rows[i], selected)
        if numbered:
            label = f"{i + 1:>{len(str(len(rows)))}}."
            line.append(label, style="hotkey")
            body = make_room(body, len(label), width(ctx) - 1)
        line.append_text(body)
        style = "reverse" if selected and ctx.term.info.colors else ""
        return row_drawn(ctx, line, fill=selected, style=style)

    def draw_list(self, ctx: SessionContext) -> None:
        rows, top, h, first = self.rows(), self.top(ctx), self.height(ctx), self.first_row(ctx)
        self.index = max(0, min(self.index, len(rows) - 1))
        if ctx.term.info.cursor:  # on a teletype the rows follow the title, with no gap
            blank_rows(ctx, first, first + h - 1)
        if not rows:
            self.draw_empty(ctx)
            return
        for i in range(top, min(top + h, len(rows))):
            self.draw_row(ctx, i)

    def place_cursor(self, ctx: SessionContext, index: int) -> None:
        """Move the cursor to `index` (clamped) and redraw what changed."""
        count = len(self.rows())
        if not count:
            return
        old_top, old = self.top(ctx), self.index
        self.index = max(0, min(index, count - 1))
        if self.top(ctx) != old_top:
            self.draw_list(ctx)
        elif not ctx.term.info.cursor:  # a teletype cannot go back up: the new row only
            self.draw_row(ctx, self.index)
        else:
            self.draw_row(ctx, old)
            self.draw_row(ctx, self.index)

    def take_number(self, ctx: SessionContext, key: str) -> str | None:
        """A key on numbered rows (see NumberEntry): Enter after a row's number moves the
        cursor there and returns "enter" so the screen's Enter action opens it. Returns the
        key to dispatch, or None if it was taken."""
        if not self.numbered(ctx):
            return key
        count = len(self.rows())
        taken = self.entry.take(ctx, key, count, ctx.text("list_pick"))
        if isinstance(taken, int):
            self.index = taken - 1
            return "enter"
        return taken

    def park(self, ctx: SessionContext) -> None:
        """Leave the terminal cursor on the selected row (or the message line); a teletype's
        stays where the last line ended."""
        if not ctx.term.info.cursor:
            return
        if self.rows():
            ctx.write(f"{CSI}{self.first_row(ctx) + self.index - self.top(ctx)};1H")
        else:
            at_bottom(ctx)


PagedRows = ListView  # the name the screens used first


def make_room(text: Text, cells: int, room: int) -> Text:
    """`text` within `room` cells after `cells` more were put before it: the room is taken from
    its widest run of spaces (a padded column), keeping one space; past that it is cropped."""
    over = text.cell_len + cells - room
    if over <= 0:
        return text
    gaps = [(m.end() - m.start(), -m.start()) for m in re.finditer(r" {2,}", text.plain)]
    if gaps:  # the widest, the first of equals: rows with the same columns stay aligned
        size, start = max(gaps)
        start = -start
        cut = min(over, size - 1)
        text = text[:start] + text[start + cut :]
    text.truncate(max(0, room - cells), overflow="crop")
    return text


def list_moves(*, space_pages: bool = True) -> tuple[Binding, ...]:
    """The moves every list understands (tin muscle memory plus arrows), as binding rows; a
    pair of opposite moves is one line of help. `space_pages=False` leaves Space to the screen."""
    down_keys = ("pgdn", " ", "ctrl-f") if space_pages else ("pgdn", "ctrl-f")
    return (
        Binding(("up", "k", "ctrl-p"), "up", "help_list_move", label="keys_list_move"),
        Binding(("down", "j", "ctrl-n"), "down", hidden=True),
        Binding(
            ("pgup", "b", "ctrl-b"),
            "page_up",
            "help_list_page",
            label="keys_list_page" if space_pages else "keys_list_page_no_space",
        ),
        Binding(down_keys, "page_down", hidden=True),
        Binding(("home",), "first", "help_list_first_last", label="keys_list_first_last"),
        Binding(("end",), "last", hidden=True),
    )


HELP = Binding(("?",), "help", "help_this_help")
REDRAW_SCREEN = Binding(("ctrl-l", "ctrl-r"), "redraw", "help_redraw")

Handler = Callable[[SessionContext], Awaitable[Nav | None]]


class KeyedScreen(BaseScreen):
    """The one skeleton of a screen that answers keys: draw, read a key, dispatch it through
    the screen's `BINDINGS` to its `on_<action>` method, draw again.

    Shared here, in one place: every binding's action has its `on_<action>` method (checked
    when the class is made); a key no binding names rings the bell and says `unknown_key`; a
    `BoardError` from an action is shown as the message; a resize redraws at the new size;
    `?` shows the help made from the same table (only the `allowed()` actions), then the
    whole screen again; ^L/^R redraw. After an action `draw()` runs again, or only
    `draw_status()` (the status row of a full screen; the message and the prompt again on a
    line screen) when the action called `keep_screen()`. Subclasses provide `draw`,
    `help_title` and the `on_<action>` methods, and may provide `draw_status`.
    """

    BINDINGS: ClassVar[Bindings]
    CASELESS: ClassVar[bool] = False  # True: a letter runs its binding in either case
    message: str = ""
    message_style: str = "info"
    _full: bool = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("BINDINGS")
        if table is None:
            return
        missing = sorted(
            {b.action for b in table if not callable(getattr(cls, "on_" + b.action, None))}
        )
        if missing:
            raise TypeError(f"{cls.__name__}: no on_<action> method for {missing}")

    # ---- what a screen provides
    def bindings(self, ctx: SessionContext) -> Bindings:
        """The keys in force: the screen's table as the session's skin rebinds it."""
        return ctx.keys(self.BINDINGS)

    def allowed(self, ctx: SessionContext) -> set[str] | None:
        """The actions this caller's help shows (None: all of them)."""
        return None

    def help_title(self, ctx: SessionContext) -> str:
        raise NotImplementedError

    def help_rows(self, ctx: SessionContext) -> list[HelpRow]:
        """The rows of the `?` help: the bindings this caller may use."""
        return self.bindings(ctx).help_rows(self.allowed(ctx))

    def draw(self, ctx: SessionContext) -> None:
        raise NotImplementedError

    def draw_status(self, ctx: SessionContext) -> None:
        """Draw the status rows again (by default the whole screen)."""
        self.draw(ctx)

    async def on_resize(self, ctx: SessionContext) -> None:
        """Called after the window changed size, before the redraw."""

    def say(self, message: str, style: str = "info") -> None:
        """The message shown with the next draw."""
        self.message, self.message_style = message, style

    def keep_screen(self) -> None:
        """After this action only the status rows need drawing again."""
        self._full = False

    def unknown_key(self, ctx: SessionContext) -> None:
        """The feedback for a key that means nothing here: a bell and the skin's `unknown_key`."""
        ctx.write("\a")
        self.say(ctx.text("unknown_key"), "warn")
        self.keep_screen()

    def take_key(self, ctx: SessionContext, key: str) -> str | None:
        """A key before dispatch: the key to dispatch, or None when the screen took it (a
        list's row number being typed)."""
        return key

    # ---- the loop
    async def dispatch(self, ctx: SessionContext, key: str) -> Nav | None:
        """Run the action bound to `key`; a Nav leaves the screen."""
        self.message = ""
        self._full = True
        table = self.bindings(ctx)
        action = table.action(key)
        if action is None and self.CASELESS and len(key) == 1:
            action = table.action(key.swapcase())
        if action is None:
            self.unknown_key(ctx)
            return None
        handler: Handler = getattr(self, "on_" + action)
        try:
            return await handler(ctx)
        except BoardError as exc:
            self.say(str(exc), "error")
            self._full = True
            return None

    async def resized(self, ctx: SessionContext) -> None:
        """The window changed size: take the new size, let the screen adapt, draw it all."""
        ctx.sync_size()
        try:
            await self.on_resize(ctx)
        except BoardError as exc:
            self.say(str(exc), "error")
        self.draw(ctx)
        await ctx.flush()

    async def loop(self, ctx: SessionContext) -> Nav:
        """Draw, then take keys until an action leaves the screen. Notices that arrive while
        it waits are shown by the session's interruption handler for this screen's layout."""
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await ctx.term.read_input()
            if isinstance(event, Resize):
                await self.resized(ctx)
                continue
            key = self.take_key(ctx, event.name)
            if key is None:
                await ctx.flush()
                continue
            nav = await self.dispatch(ctx, key)
            if nav is not None:
                return nav
            if self._full:
                self.draw(ctx)
            else:
                self.draw_status(ctx)
            await ctx.flush()

    # ---- actions every keyed screen has
    async def on_help(self, ctx: SessionContext) -> Nav | None:
        await show_help(ctx, self.help_title(ctx), self.help_rows(ctx))
        return None

    async def on_redraw(self, ctx: SessionContext) -> Nav | None:
        return None


class ListScreen(ListView[T], KeyedScreen):
    """The skeleton under every list screen: a ListView answering keys through KeyedScreen.

    A move only redraws the rows it changed and the status rows (`keep_screen()`); anything
    else redraws the whole screen. Subclasses provide `draw`, `draw_status` and `help_title`.
    """

    layout = "full"

    def take_key(self, ctx: SessionContext, key: str) -> str | None:
        return self.take_number(ctx, key)  # numbered rows (a linear skin)

    # ---- actions every list has
    async def move_to(self, ctx: SessionContext, index: int) -> None:
        """Put the cursor on row `index` (clamped), redrawing what changed."""
        self.place_cursor(ctx, index)

    async def on_up(self, ctx: SessionContext) -> Nav | None:
        await self.move_to(ctx, self.index - 1)
        self.keep_screen()
        return None

    async def on_down(self, ctx: SessionContext) -> Nav | None:
        await self.move_to(ctx, self.index + 1)
        self.keep_screen()
        return None

    async def on_page_up(self, ctx: SessionContext) -> Nav | None:
        await self.move_to(ctx, self.index - self.height(ctx))
        self.keep_screen()
        return None

    async def on_page_down(self, ctx: SessionContext) -> Nav | None:
        await self.move_to(ctx, self.index + self.height(ctx))
        self.keep_screen()
        return None

    async def on_first(self, ctx: SessionContext) -> Nav | None:
        await self.move_to(ctx, 0)
        self.keep_screen()
        return None

    async def on_last(self, ctx: SessionContext) -> Nav | None:
        await self.move_to(ctx, len(self.rows()) - 1)
        self.keep_screen()
        return None


def show_art(ctx: SessionContext, name: str, fallback: Text | None = None) -> bool:
    """Write the art called `name` (its widest variant that fits) when the whole of it fits
    this terminal; False when it was not drawn, after printing `fallback` if one is given.

    The rule for every screen: art is never cropped. It is drawn only with a skin that wants
    art, colour, a character set that has its glyphs (UTF-8 or CP437: 7-bit ASCII gets text)
    and a screen at least as wide as the art; otherwise the screen shows its text title."""
    info = ctx.term.info
    text = None
    if ctx.art and ctx.skin.art and info.colors and info.encoding in ("utf-8", "cp437"):
        ice = ice_mode(info.encoding, info.colors, info.term_type)
        text = ctx.art.rendered(name, ctx.cols, ice=ice)
    if text is None:
        if fallback is not None:
            ctx.print(fallback)
        return False
    ctx.term.write(text, skippable=True)  # a key press skips the rest on a paced line
    art = ctx.art.get(name, ctx.cols) if ctx.art else None
    if art is None or not art.rows or len(art.rows[-1]) < ctx.cols:
        ctx.write("\r\n")  # (a last line as wide as the screen has wrapped by itself)
    return True


def cell(ctx: SessionContext, text: str, size: int, style: str = "") -> Text:
    """User text cut (with an ellipsis) or padded to exactly `size` columns."""
    out = Text(clean(text), style=style)
    if out.cell_len > size and not ctx.term.info.unicode:  # no ellipsis in CP437
        out.truncate(max(0, size - 1), overflow="crop")
        out.append("~", style)
    out.truncate(size, overflow="ellipsis", pad=True)
    return out


def option_text(options: list[str]) -> Text:
    """`(E)dit again, (S)ave...` with each hotkey letter highlighted."""
    out = Text()
    for i, opt in enumerate(options):
        if i:
            out.append(", ", "dim")
        key_at = opt.index("(") + 1
        out.append(opt[: key_at - 1], "label")
        out.append("(", "dim")
        out.append(opt[key_at], "hotkey")
        out.append(opt[key_at + 1 :], "label")
    return out


def reading_list_of(heads: Iterable[ArticleHead]) -> list[tuple[str, int]]:
    """(group, number) pairs for ReaderScreen's reading_list."""
    return [(h.group, h.number) for h in heads]


class PagedText:
    """The paging actions every pager screen shares (the article reader, a letter): a screen
    mixes this in before KeyedScreen, provides `text_pager(ctx)` (its Pager fitted to the text and
    the window) and names the `END_OF_TEXT` skin key said when Enter meets the end."""

    END_OF_TEXT: ClassVar[str]

    def text_pager(self, ctx: SessionContext) -> Pager:
        raise NotImplementedError

    if TYPE_CHECKING:  # KeyedScreen's, later in the screen's bases

        def say(self, message: str, style: str = "info") -> None: ...

    async def on_page_down(self, ctx: SessionContext) -> Nav | None:
        self.text_pager(ctx).page_down()
        return None

    async def on_page_up(self, ctx: SessionContext) -> Nav | None:
        self.text_pager(ctx).page_up()
        return None

    async def on_line_down(self, ctx: SessionContext) -> Nav | None:
        if not self.text_pager(ctx).line_down():
            self.say(ctx.text(self.END_OF_TEXT))
        return None

    async def on_line_up(self, ctx: SessionContext) -> Nav | None:
        self.text_pager(ctx).line_up()
        return None

    async def on_first_page(self, ctx: SessionContext) -> Nav | None:
        self.text_pager(ctx).home()
        return None

    async def on_last_page(self, ctx: SessionContext) -> Nav | None:
        self.text_pager(ctx).end()
        return None

"""The full-screen message editor (SlyEdit-like): header, text area and a status line."""

from __future__ import annotations

from collections.abc import Callable

from retroboard.term.events import Resize
from retroboard.ui.events import Notice
from retroboard.ui.widgets.editor_model import clean_line, wrap_text
from retroboard.ui.widgets.fse_model import FullScreenModel, QuotePicker
from retroboard.ui.widgets.line_editor import BELL, EditorTerminal, for_terminal
from retroboard.ui.widgets.texts import Texts, default_texts

CSI = "\x1b["
TOP = 3  # screen row of the first text line (row 1 header, row 2 border)
EDIT_KEYS = frozenset({"enter", "backspace", "delete", "tab", "ctrl-y", "ctrl-q"})
HELP_KEYS = frozenset({"ctrl-g", "f1"})


class _View:
    """Draws the editor and remembers what is on screen so only changed rows are rewritten."""

    def __init__(
        self, term: EditorTerminal, title: str, texts: Texts = default_texts, notice: str = ""
    ) -> None:
        self.term = term
        self.texts = texts
        self.title = clean_line(title)
        self.notice = clean_line(notice)
        self.shown: list[str | None] = []
        self.status_shown: str | None = None
        self.in_help = False  # the help screen is up: a notice waits in `held`
        self.held = ""

    @property
    def cols(self) -> int:
        return self.term.info.cols

    @property
    def rows(self) -> int:
        return self.term.info.rows

    @property
    def text_width(self) -> int:
        return max(1, self.cols - 1)

    @property
    def text_height(self) -> int:
        return max(1, self.rows - TOP)

    def _style(self, text: str) -> str:
        return f"{CSI}7m{text}{CSI}0m" if self.term.info.colors else text

    def full(
        self, model: FullScreenModel, status: str = "", cursor_on_status: bool = False
    ) -> None:
        """Clear the screen and draw everything."""
        self._frame()
        self.update(model, status, cursor_on_status)

    def _frame(self) -> None:
        width = self.text_width
        if self.notice:  # it must be seen: the title gives way first (the keys are below too)
            keys = f" {self.notice}"[: max(0, width - 8)]
        else:
            keys = self.texts("fse_header_keys")
            keys = keys if width >= len(keys) + 12 else ""
        room, title = width - len(keys) - 2, self.title
        if len(title) > room:
            title = title[: room - 3] + "..."
        header = f" {title}".ljust(width - len(keys)) + keys
        # The profile's line set: UTF-8 and CP437 both have the box characters.
        border = ("─" if self.term.info.profile.boxes == "unicode" else "-") * width
        self.term.write(f"{CSI}0m{CSI}2J{CSI}1;1H{self._style(header)}{CSI}2;1H{border}")
        self.shown = [None] * self.text_height
        self.status_shown = None

    def update(
        self, model: FullScreenModel, status: str = "", cursor_on_status: bool = False
    ) -> None:
        """Rewrite the rows that changed, the status line, and place the cursor.

        If the terminal size changed (even without a Resize event), re-layout first."""
        if (model.width, model.height) != (self.text_width, self.text_height):
            model.resize(self.text_width, self.text_height)
            self._frame()
        out: list[str] = []
        width = self.text_width
        screen = model.screen_rows()
        for i in range(self.text_height):
            text = screen[i] if i < len(screen) else ""
            if self.shown[i] != text:
                out.append(f"{CSI}{TOP + i};1H{text}{CSI}K")
                self.shown[i] = text
        where = self.texts(
            "fse_where",
            row=model.row + 1,
            rows=model.line_count,
            col=model.col + 1,
            mode=self.texts("fse_overwrite" if model.overwrite else "fse_insert"),
        )
        left = for_terminal(self.term, status) if status else self.texts("fse_status_keys")
        if not status and len(left) + 1 + len(where) > width:
            left = self.texts("fse_status_keys_short")
        if len(left) + 1 + len(where) <= width:
            line = left + " " * (width - len(left) - len(where)) + where
        else:
            line = left[:width]
        if line != self.status_shown:
            out.append(f"{CSI}{self.rows};1H{self._style(line)}{CSI}K")
            self.status_shown = line
        if cursor_on_status:
            out.append(f"{CSI}{self.rows};{min(len(left) + 1, self.cols)}H")
        else:
            row, col = model.cursor_position()
            out.append(f"{CSI}{TOP + row};{min(col, width) + 1}H")
        self.term.write("".join(out))

    def help_screen(self) -> None:
        """The editor's keys (the skin's fse_help) on a screen of their own."""
        width = self.text_width
        lines = [self.texts("fse_help_title"), ""]
        lines += [w for line in self.texts("fse_help").split("\n") for w in wrap_text(line, width)]
        out = [f"{CSI}0m{CSI}2J"]
        for i, line in enumerate(lines[: max(0, self.rows - 2)]):
            out.append(f"{CSI}{i + 1};1H{for_terminal(self.term, line)}")
        more = for_terminal(self.term, self.texts("fse_help_more"))[:width]
        out.append(f"{CSI}{self.rows};1H{self._style(more)}{CSI}{self.rows};{len(more) + 1}H")
        self.term.write("".join(out))
        self.shown = [None] * self.text_height
        self.status_shown = None

    def _fit(self, key: str, width: int) -> str:
        """The skin's text `key`, or its `key`_short form when the long one is too wide."""
        text = for_terminal(self.term, self.texts(key))
        return text if len(text) <= width else for_terminal(self.term, self.texts(key + "_short"))

    def quote_screen(self, picker: QuotePicker) -> None:
        """The quote window: the original's lines, chosen ones marked, the highlighted one
        in reverse video (or marked with '>' on a terminal without colours)."""
        width = self.text_width
        border = ("─" if self.term.info.profile.boxes == "unicode" else "-") * width
        title = self._fit("fse_quote_title", width)
        out = [f"{CSI}0m{CSI}2J{CSI}1;1H{self._style(title.ljust(width))}{CSI}2;1H{border}"]
        for i, (idx, line) in enumerate(picker.window()):
            mark = self.texts("fse_quote_on" if idx in picker.chosen else "fse_quote_off")
            lit = idx == picker.at
            if not self.term.info.colors:
                mark = (">" if lit else " ") + mark
            row = (mark + clean_line(line))[:width]
            out.append(f"{CSI}{TOP + i};1H{self._style(row.ljust(width)) if lit else row}")
        keys = self._fit("fse_quote_keys", width)
        out.append(f"{CSI}{self.rows};1H{self._style(keys)}")
        out.append(f"{CSI}{TOP + picker.at - picker.top};1H")
        self.term.write("".join(out))
        self.shown = [None] * self.text_height
        self.status_shown = None

    def close(self) -> None:
        self.term.write(f"{CSI}0m{CSI}2J{CSI}1;1H")


class _StatusNotice:
    """A notice while editing: in the editor's status line; the text and cursor stay put."""

    def __init__(self, view: _View, model: FullScreenModel) -> None:
        self.view, self.model = view, model

    def show(self, notice: Notice) -> None:
        sender = f"{notice.sender}: " if notice.sender else ""
        text = clean_line(f"*** {sender}{notice.text} ***")
        if self.view.in_help:
            self.view.held = text  # shown when the help screen closes
        else:
            self.view.update(self.model, text)


async def _pick_quote(view: _View, model: FullScreenModel) -> str:
    """The quote window over the original's lines; Enter quotes the chosen ones at the cursor,
    ESC (or ^Q) goes back without quoting. Then the text is redrawn; returns a held notice."""
    picker = QuotePicker(model.quote, view.text_height - 1)
    moves = {"up": -1, "down": 1, "pgup": -picker.height, "pgdn": picker.height}
    moves |= {"home": -len(model.quote), "end": len(model.quote)}
    view.in_help = True
    try:
        while True:
            view.quote_screen(picker)
            await view.term.drain()
            event = await view.term.read_input()
            if isinstance(event, Resize):
                picker.height = max(1, view.text_height - 1)
                picker.move(0)
                continue
            name = event.name
            if name in moves:
                picker.move(moves[name])
            elif name == " ":
                picker.toggle()
            elif name in ("a", "A"):
                picker.toggle_all()
            elif name == "enter":
                model.insert_quote(picker.picked())
                break
            elif name in ("escape", "ctrl-q"):
                break
    finally:
        view.in_help = False
    held, view.held = view.held, ""
    view.full(model)
    return held


async def _help(view: _View, model: FullScreenModel) -> str:
    """Show the help screen until a key (redrawn on a resize); then the text exactly as it was.
    Returns a notice that came meanwhile (for the status line), or ''."""
    view.in_help = True
    try:
        while True:
            view.help_screen()
            await view.term.drain()
            if not isinstance(await view.term.read_input(), Resize):
                break
    finally:
        view.in_help = False
    held, view.held = view.held, ""
    view.full(model)
    return held


async def _ask(view: _View, model: FullScreenModel, question: str) -> bool:
    """A (y/N) question on the status line; the editor stays usable across a resize."""
    view.update(model, question, cursor_on_status=True)
    while True:
        await view.term.drain()
        event = await view.term.read_input()
        if isinstance(event, Resize):
            view.full(model, question, cursor_on_status=True)
            continue
        return event.name in ("y", "Y")


async def run_full_screen_editor(
    term: EditorTerminal,
    *,
    title: str,
    initial: list[str] | None = None,
    quote: list[str] | None = None,
    on_change: Callable[[list[str]], None] | None = None,
    texts: Texts = default_texts,
    notice: str = "",
) -> list[str] | None:
    """Edit a message full screen. Returns the paragraphs as typed (soft wraps joined back, hard
    breaks kept, trailing blank lines removed) on Ctrl-Z,
    or None when aborted (Ctrl-A or ESC, confirmed). Raises Disconnected if the line drops.
    Ctrl-G or F1 shows its keys (the skin's fse_help).

    `on_change`, if given, is called with a copy of the lines after every key that edits the
    text (not after cursor moves), so a caller can keep it to save as a draft. `texts` words the
    editor's own messages (the caller's skin: `ctx.text`). `notice`, if given, takes the header
    row's right side for the whole session (the post will wait for a moderator)."""
    view = _View(term, title, texts, notice)
    model = FullScreenModel(
        initial, quote, width=view.text_width, height=view.text_height, texts=texts
    )
    actions: dict[str, Callable[[], object]] = {
        "enter": model.enter,
        "backspace": model.backspace,
        "delete": model.delete,
        "left": model.left,
        "right": model.right,
        "up": model.up,
        "down": model.down,
        "home": model.home,
        "end": model.end,
        "pgup": model.page_up,
        "pgdn": model.page_down,
        "ctrl-y": model.delete_line,
        "ctrl-q": model.insert_quote,
        "insert": model.toggle_overwrite,
    }
    view.full(model)
    with term.interruptions(_StatusNotice(view, model)):
        return await _edit(term, view, model, actions, on_change)


async def _edit(
    term: EditorTerminal,
    view: _View,
    model: FullScreenModel,
    actions: dict[str, Callable[[], object]],
    on_change: Callable[[list[str]], None] | None,
) -> list[str] | None:
    while True:
        await term.drain()
        event = await term.read_input()
        if isinstance(event, Resize):
            view.full(model)
            continue
        name, status = event.name, ""
        if name == "ctrl-z":
            if model.is_empty:
                status = view.texts("fse_nothing_to_save")
                term.write(BELL)
            else:
                view.close()
                return model.result_paragraphs()
        elif name in ("ctrl-a", "escape"):
            if await _ask(view, model, view.texts("fse_abort_question")):
                view.close()
                return None
        elif name == "ctrl-l":
            view.full(model)
            continue
        elif name in HELP_KEYS:
            status = await _help(view, model)
        elif name == "ctrl-q" and model.quote:
            status = await _pick_quote(view, model)
        elif name == "tab":
            model.insert_text(" " * (4 - model.col % 4))
        elif event.is_char:
            model.insert_char(name)
        elif name in actions:
            actions[name]()
        if on_change is not None and (event.is_char or name in EDIT_KEYS):
            on_change(model.lines)
        if model.notice:
            status, model.notice = model.notice, ""
            term.write(BELL)
        view.update(model, status)

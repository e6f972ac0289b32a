"""Render rich renderables into a string for one session's terminal size and colours."""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.text import Text
from rich.theme import Theme

from retroboard.term.terminal import TermInfo

CLEAR = "\x1b[0m\x1b[2J\x1b[H"
# The 16 named ANSI colours only: rich caches SGR codes per Style, so deeper colours could
# leak into a 16-colour session (see shared notes). Themes give the screens names to use.
THEME = Theme(
    {
        "title": "bold bright_white on blue",
        "hotkey": "bold bright_yellow",
        "label": "bright_white",
        "dim": "bright_black",
        "info": "cyan",
        "ok": "bold green",
        "warn": "bold yellow",
        "error": "bold red",
        "prompt": "bold bright_cyan",
        "unread": "bold bright_green",
        "author": "yellow",
        "date": "cyan",
        "subject": "bright_white",
        "tree": "blue",
        "quote": "green",
        "header": "bold cyan",
    },
    inherit=False,
)


class _Sink(io.StringIO):
    """A file object that tells rich the output is UTF-8 (the terminal re-encodes per client)."""

    encoding = "utf-8"


# Consoles by shape, shared by every session of that shape (a Console costs ~3 KB, and an
# idle caller at a menu has drawn with one). Safe to share: rendering is synchronous on the
# event loop, so two sessions never use one at once; bounded like BoardInfo.render_cache.
_CONSOLES: dict[tuple[object, ...], Console] = {}
CONSOLES_MAX = 64


def _make_console(
    theme: Theme, cols: int, rows: int, color_system: str | None, no_color: bool
) -> Console:
    return Console(
        file=_Sink(),
        width=cols,
        height=rows,
        color_system=color_system,  # type: ignore[arg-type]
        force_terminal=True,
        force_interactive=False,
        legacy_windows=False,
        emoji=False,
        highlight=False,
        markup=True,
        theme=theme,
        no_color=no_color,
        _environ={},
    )


def console_key(info: TermInfo, theme: Theme) -> tuple[object, ...]:
    """Everything a shared Console is made from: what its output depends on besides the
    renderable (theme, size, colour system, no-colour)."""
    return (theme, info.cols, info.rows, info.profile.color_system, not info.colors)


# Rendered single lines (`Renderer.render_line`): a list row looks the same every time it is
# drawn with the same text, spans and console shape, so its ANSI text is kept here, most
# recently used last, for every session; bounded (oldest dropped first).
_LINES: dict[tuple[object, ...], str] = {}
LINES_MAX = 4096  # ~1.6 KB each with an 80-column row (tracemalloc): ~6.5 MB when full


def line_key(text: Text) -> tuple[object, ...]:
    """Everything of a Text that its rendering depends on (besides the console)."""
    return (
        text.plain,
        tuple(text.spans),
        text.style,
        text.justify,
        text.overflow,
        text.no_wrap,
        text.end,
        text.tab_size,
    )


def shared_console(info: TermInfo, theme: Theme) -> Console:
    """The board-wide Console for `info`'s size and colours with `theme` (made on first use)."""
    key = console_key(info, theme)
    console = _CONSOLES.get(key)
    if console is None:
        if len(_CONSOLES) >= CONSOLES_MAX:  # many odd window sizes: start over, not grow
            _CONSOLES.clear()
        console = _CONSOLES[key] = _make_console(
            theme, info.cols, info.rows, info.profile.color_system, not info.colors
        )
    return console


class Renderer:
    """A session's renderer: the shared Console of its size, colours and theme (see
    `shared_console`), looked up on first use and again when the window size changes."""

    def __init__(self, info: TermInfo, theme: Theme = THEME) -> None:
        self._info = info
        self._theme = theme
        self._console: Console | None = None  # most callers never need one before login
        self._key: tuple[object, ...] | None = None  # the console's console_key

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = shared_console(self._info, self._theme)
            self._key = console_key(self._info, self._theme)
        return self._console

    @property
    def shape(self) -> tuple[object, ...]:
        """The console's `console_key`: two renderers of one shape draw the same bytes."""
        if self._key is None:
            self.console  # noqa: B018 (made on first use)
        assert self._key is not None
        return self._key

    def update(self, info: TermInfo) -> None:
        if (info.cols, info.rows, info.colors) != (
            self._info.cols,
            self._info.rows,
            self._info.colors,
        ):
            self._console = None
            self._key = None
        self._info = info

    @property
    def width(self) -> int:
        return self._info.cols

    @property
    def height(self) -> int:
        return self._info.rows

    def render(self, *renderables: RenderableType, end: str = "\n") -> str:
        """Render to text with ANSI codes (for `Terminal.write`)."""
        with self.console.capture() as cap:
            self.console.print(*renderables, end=end, crop=True, overflow="fold")
        return cap.get()

    def render_line(self, line: Text) -> str:
        """`render(line, end="")` for one screen row, from the board-wide line cache when a
        row with the same text, spans and console shape was drawn before (see `_LINES`)."""
        key = (self.shape, *line_key(line))
        text = _LINES.pop(key, None)
        if text is None:
            text = self._render_one_line(line)
            if len(_LINES) >= LINES_MAX:
                del _LINES[next(iter(_LINES))]  # the least recently used
        _LINES[key] = text  # (re)inserted last: the most recently used
        return text

    def _render_one_line(self, line: Text) -> str:
        """`render(line, end="")`, without `Console.print`'s machinery (~5x cheaper) when it
        cannot change the line: one line (no newline, no tab), within the width, not justified.
        Then print's wrap, crop and capture leave the segments as `Text.render` makes them,
        and they are joined as `Console._render_buffer` joins them. Anything else: `render`."""
        console = self.console
        plain = line.plain
        if (
            "\n" in plain
            or "\t" in plain
            or line.justify not in (None, "default")
            or line.cell_len > console.width
            or not console.is_terminal
        ):
            return self.render(line, end="")
        color_system = console._color_system  # what _render_buffer renders with
        # print joins its Texts into one first: the base style becomes a span (Text.render
        # alone ignores the base style of a Text without spans)
        segments: Iterable[Segment] = Text(end="").join((line,)).render(console, end="")
        if console.no_color and color_system:
            segments = Segment.remove_color(segments)
        return "".join(
            style.render(text, color_system=color_system) if style else text
            for text, style, _control in segments
        )

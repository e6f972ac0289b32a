"""Render rich renderables into a string for one session's terminal size and colours."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
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


class Renderer:
    """One rich Console per session, made on first use; rebuilt when the window size changes."""

    def __init__(self, info: TermInfo, theme: Theme = THEME) -> None:
        self._info = info
        self._theme = theme
        self._console: Console | None = None  # most callers never need one before login

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = self._make(self._info)
        return self._console

    def _make(self, info: TermInfo) -> Console:
        return Console(
            file=_Sink(),
            width=info.cols,
            height=info.rows,
            color_system=info.profile.color_system,  # type: ignore[arg-type]
            force_terminal=True,
            force_interactive=False,
            legacy_windows=False,
            emoji=False,
            highlight=False,
            markup=True,
            theme=self._theme,
            no_color=not info.colors,
            _environ={},
        )

    def update(self, info: TermInfo) -> None:
        if (info.cols, info.rows, info.colors) != (
            self._info.cols,
            self._info.rows,
            self._info.colors,
        ):
            self._console = None
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

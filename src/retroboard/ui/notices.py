"""How screens take a notice while they wait: a status line, or a line with the prompt again.

A full screen declares `StatusLine` (the notice replaces its message row, the cursor goes back
to where it was); a line prompt declares `LinePrompt` (the notice on a line of its own, then the
prompt and the text typed so far printed again, so nothing typed is lost). A terminal without
cursor addressing always gets the line form.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from retroboard.domain.text import sanitize
from retroboard.ui.context import SessionContext
from retroboard.ui.events import Notice

CSI = "\x1b["


def notice_text(notice: Notice) -> str:
    """The notice as one clean line: who sent it (pages, broadcasts) and what it says."""
    text = sanitize(notice.text, multiline=False)
    sender = sanitize(notice.sender, multiline=False)
    return f"{sender}: {text}" if sender else text


class StatusLine:
    """Show a notice in a reserved row of a full screen (the last row by default).

    `park`, when given, puts the cursor back where the screen keeps it; otherwise the cursor is
    saved and restored around the notice (DECSC/DECRC)."""

    def __init__(
        self,
        ctx: SessionContext,
        row: Callable[[], int] | None = None,
        park: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.row = row
        self.park = park

    def show(self, notice: Notice) -> None:
        ctx = self.ctx
        if not ctx.term.info.cursor:
            LinePrompt(ctx).show(notice)
            return
        row = self.row() if self.row is not None else ctx.rows
        line = Text("*** " + notice_text(notice) + " ***", style=notice.style)
        line.truncate(max(1, ctx.cols - 1), overflow="crop")
        body = f"{CSI}{row};1H{CSI}0m" + ctx.renderer.render(line, end="") + f"{CSI}0m{CSI}K"
        if self.park is not None:
            ctx.write(body)
            self.park()
        else:
            ctx.write("\x1b7" + body + "\x1b8")


class LinePrompt:
    """Show a notice on a line of its own, then `reprint()` the prompt and what was typed."""

    def __init__(self, ctx: SessionContext, reprint: Callable[[], None] | None = None) -> None:
        self.ctx = ctx
        self.reprint = reprint

    def show(self, notice: Notice) -> None:
        ctx = self.ctx
        ctx.write("\r\n")
        ctx.print(Text("*** " + notice_text(notice) + " ***", style=notice.style))
        if self.reprint is not None:
            self.reprint()

"""Board information: name, members, your account, your terminal."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import pause
from retroboard.ui.screens.kit import panel_box


class InfoScreen(BaseScreen):
    """The board's facts, your account and your terminal, on one page."""

    ACTIVITY = Activity("board_info")

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        members = await ctx.services.users.count()
        user = ctx.user
        info = ctx.term.info
        # ASCII rules on a linear skin (plain: no boxes) and on terminals without the glyphs
        table = Table(box=panel_box(ctx), show_header=False, border_style="blue")
        table.add_column(style="header")
        table.add_column()
        rows = [
            ("Board", ctx.board.name),
            ("Members", str(members)),
            ("Your handle", user.handle),
            ("Your level", user.level.label),
            ("Member since", user.created_at.strftime("%d %b %Y")),
            ("Calls", str(user.login_count)),
            ("Terminal", f"{info.term_type} {info.cols}x{info.rows} {info.encoding.upper()}"),
            ("Connected by", info.kind),
        ]
        for label, value in rows:
            table.add_row(label, Text(value))
        ctx.clear()
        ctx.print(Text(" Information ", style="title"))
        ctx.print(table)
        await pause(ctx)
        return Back()

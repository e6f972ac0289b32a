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
            ("info_board", ctx.board.name),
            ("info_members", str(members)),
            ("info_handle", user.handle),
            ("info_level", user.level.label),
            ("info_since", user.created_at.strftime(ctx.text("info_date_format"))),
            ("info_calls", str(user.login_count)),
            (
                "info_terminal",
                ctx.text(
                    "info_terminal_value",
                    term_type=info.term_type,
                    cols=info.cols,
                    rows=info.rows,
                    encoding=info.encoding.upper(),
                ),
            ),
            ("info_connected_by", info.kind),
        ]
        for label, value in rows:
            table.add_row(ctx.text(label), Text(value))
        ctx.clear()
        ctx.print(Text(f" {ctx.text('info_title')} ", style="title"))
        ctx.print(table)
        await pause(ctx)
        return Back()

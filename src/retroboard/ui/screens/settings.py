"""User settings: message editor, real name, location."""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.errors import BoardError
from retroboard.domain.users import LOCATION_MAX, REAL_NAME_MAX
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav
from retroboard.ui.prompts import ask, next_key, say

CHARSET_NAMES = {
    "auto": "Automatic, from your terminal type",
    "utf-8": "UTF-8",
    "cp437": "CP437 (IBM PC, for SyncTERM and DOS terminals)",
    "ascii": "7-bit ASCII (teletypes, terminals without line-drawing characters)",
}
EDITOR_NAMES = {
    "line": "Line editor (numbered lines, /S to save)",
    "fse": "Full-screen editor (arrows, ^Z to save)",
}


def apply_charset(ctx: SessionContext) -> None:
    """Use the user's chosen character set (or go back to the one guessed from TERM)."""
    assert ctx.user is not None
    if ctx.user.charset == "auto":
        ctx.term.set_term_type(ctx.term.info.term_type)
    else:
        ctx.term.set_encoding(ctx.user.charset)


class SettingsScreen(BaseScreen):
    """Your preferences: editor, character set, and the like."""

    ACTIVITY = Activity("settings")

    def draw(self, ctx: SessionContext) -> None:
        assert ctx.user is not None
        u = ctx.user
        ctx.clear()
        ctx.print(Text(" User settings ", style="title"))
        charset = CHARSET_NAMES.get(u.charset, u.charset)
        if u.charset == "auto":
            charset += f" (now {ctx.term.info.encoding.upper()})"
        for key, label, value in (
            ("E", "Message editor", EDITOR_NAMES.get(u.editor, u.editor)),
            ("C", "Character set", charset),
            ("K", "Skin", f"{ctx.skin.name} - {ctx.skin.description}"),
            ("R", "Real name", u.real_name or "(none)"),
            ("L", "Location", u.location or "(none)"),
        ):
            ctx.print(
                Text.assemble(
                    ("[", "dim"),
                    (key, "hotkey"),
                    ("] ", "dim"),
                    (f"{label:<16}", "label"),
                    (value, "info"),
                )
            )
        ctx.print(
            Text.assemble(
                ("[", "dim"), ("Q", "hotkey"), ("] ", "dim"), ("Back to the menu", "label")
            )
        )
        ctx.print(Text("Setting> ", style="prompt"), end="")

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        users = ctx.services.users
        self.draw(ctx)
        await ctx.flush()
        while True:
            event = await next_key(ctx, lambda: self.draw(ctx))
            name = event.name.lower()
            try:
                if name == "e":
                    new = "fse" if ctx.user.editor == "line" else "line"
                    ctx.user = await users.set_editor(ctx.user.id, new)
                elif name == "c":
                    order = ["auto", "utf-8", "cp437", "ascii"]
                    new = order[(order.index(ctx.user.charset) + 1) % len(order)]
                    ctx.user = await users.set_charset(ctx.user.id, new)
                    apply_charset(ctx)
                elif name == "k":
                    names = sorted(ctx.board.skins)
                    new = names[(names.index(ctx.skin.name) + 1) % len(names)]
                    ctx.user = await users.set_skin(ctx.user.id, new)
                    ctx.use_skin(new)
                elif name == "r":
                    ctx.write("\r\n")
                    real = await ask(
                        ctx, "Real name: ", max_len=REAL_NAME_MAX, initial=ctx.user.real_name
                    )
                    ctx.user = await users.update_profile(
                        ctx.user.id, real_name=real, location=ctx.user.location
                    )
                elif name == "l":
                    ctx.write("\r\n")
                    where = await ask(
                        ctx, "Location: ", max_len=LOCATION_MAX, initial=ctx.user.location
                    )
                    ctx.user = await users.update_profile(
                        ctx.user.id, real_name=ctx.user.real_name, location=where
                    )
                elif name in ("q", "escape", "enter"):
                    return Back()
                else:
                    continue
            except BoardError as exc:
                say(ctx, str(exc), "error")
            self.draw(ctx)
            await ctx.flush()

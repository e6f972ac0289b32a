"""User settings: message editor, character set, skin, era, modem speed, real name, location,
password.

Each setting is one row of SETTINGS (the key that changes it, its name as a skin key, what it
is now) and one `on_<action>` method that changes it; the screen, its `?` help and the keys
all come from that table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import ABOUT_MAX
from retroboard.domain.modem import MODEM_SPEEDS, UNTHROTTLED
from retroboard.domain.users import LOCATION_MAX, PASSWORD_MAX, REAL_NAME_MAX, User, check_password
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, Nav, Push
from retroboard.ui.prompts import ask, say
from retroboard.ui.screens.kit import HELP, KeyedScreen

CHARSET_NAMES = {  # a character set's name on the screen: its skin key
    "auto": "settings_charset_auto",
    "utf-8": "settings_charset_utf8",
    "cp437": "settings_charset_cp437",
    "ascii": "settings_charset_ascii",
}
CHARSET_ORDER = ("auto", "utf-8", "cp437", "ascii")
EDITOR_NAMES = {  # an editor's name on the screen: its skin key
    "line": "settings_editor_line",
    "fse": "settings_editor_fse",
}
LABEL_WIDTH = 16
# The modem speeds M cycles through: the era's or board's (None), each speed, unthrottled.
SPEED_ORDER: tuple[int | None, ...] = (None, *MODEM_SPEEDS, UNTHROTTLED)


def apply_charset(ctx: SessionContext) -> None:
    """Use the user's chosen character set (or go back to the one found for this connection:
    the terminal's answer to the charset probe, else the guess from its type)."""
    assert ctx.user is not None
    if ctx.user.charset == "auto":
        ctx.term.set_term_type(ctx.term.info.term_type)
        if ctx.term.raw.probed_charset is not None:
            ctx.term.set_encoding(ctx.term.raw.probed_charset)
    else:
        ctx.term.set_encoding(ctx.user.charset)


def user(ctx: SessionContext) -> User:
    assert ctx.user is not None
    return ctx.user


def named(ctx: SessionContext, names: dict[str, str], value: str) -> str:
    """`value`'s name in the caller's skin (the value itself when it has no name)."""
    key = names.get(value)
    return ctx.text(key) if key is not None else value


def charset_now(ctx: SessionContext) -> str:
    u = user(ctx)
    name = named(ctx, CHARSET_NAMES, u.charset)
    if u.charset == ctx.term.info.encoding:
        return name  # (a pre-login switch or a `dumb` terminal can make the two differ)
    return name + ctx.text("settings_charset_now", encoding=ctx.term.info.encoding.upper())


def era_now(ctx: SessionContext) -> str:
    """The session's era ("1978 - CBBS, Chicago"), or today's board."""
    if ctx.skin.era:
        return ctx.text("settings_era_value", year=ctx.skin.era, name=ctx.skin.era_name)
    return ctx.text("era_none")


def speed_name(ctx: SessionContext, bps: int) -> str:
    if bps == UNTHROTTLED:
        return ctx.text("settings_modem_unthrottled")
    return ctx.text("settings_modem_speed", bps=bps)


def speed_now(ctx: SessionContext) -> str:
    """The member's modem speed, or the era's or board's one it follows (with that speed)."""
    if user(ctx).bps is None:
        return ctx.text("settings_modem_auto", speed=speed_name(ctx, ctx.modem_bps))
    return speed_name(ctx, ctx.modem_bps)


@dataclass(frozen=True)
class Setting:
    """One line of the screen: the binding that changes the setting (its help key is also the
    setting's name on the screen) and what the setting is now."""

    binding: Binding
    value: Callable[[SessionContext], str]


SETTINGS = (
    Setting(
        Binding(("E",), "editor", "help_settings_editor"),
        lambda ctx: named(ctx, EDITOR_NAMES, user(ctx).editor),
    ),
    Setting(Binding(("C",), "charset", "help_settings_charset"), charset_now),
    Setting(
        Binding(("K",), "skin", "help_settings_skin"),
        lambda ctx: ctx.text(
            "settings_skin_value", name=ctx.skin.name, description=ctx.skin.description
        ),
    ),
    Setting(Binding(("T",), "era", "help_settings_era"), era_now),
    Setting(Binding(("M",), "modem", "help_settings_modem"), speed_now),
    Setting(
        Binding(("R",), "real_name", "help_settings_real_name"),
        lambda ctx: user(ctx).real_name or ctx.text("settings_none"),
    ),
    Setting(
        Binding(("L",), "location", "help_settings_location"),
        lambda ctx: user(ctx).location or ctx.text("settings_none"),
    ),
    Setting(
        Binding(("A",), "about", "help_settings_about"),
        lambda ctx: user(ctx).about or ctx.text("settings_about_none"),
    ),
    Setting(
        Binding(("N",), "show_real_name", "help_settings_show_real_name"),
        lambda ctx: ctx.text(
            "settings_show_real_name_on"
            if user(ctx).show_real_name
            else "settings_show_real_name_off"
        ),
    ),
    Setting(
        Binding(("D",), "do_not_disturb", "help_settings_do_not_disturb"),
        lambda ctx: ctx.text(
            "settings_do_not_disturb_on"
            if user(ctx).do_not_disturb
            else "settings_do_not_disturb_off"
        ),
    ),
    Setting(
        Binding(("X",), "expert", "help_settings_expert"),
        lambda ctx: ctx.text("settings_expert_on" if user(ctx).expert else "settings_expert_off"),
    ),
    Setting(
        Binding(("P",), "password", "help_settings_password"),
        lambda ctx: ctx.text("settings_password_value"),
    ),
)
BACK = Binding(("Q", "escape", "enter"), "back", "help_settings_back")
BINDINGS = Bindings(
    (
        *(s.binding for s in SETTINGS),
        BACK,
        HELP,
        Binding(("ctrl-l", "ctrl-r"), "redraw", hidden=True),
    )
)


def choice(ctx: SessionContext, key: str, label: str, value: str = "") -> Text:
    """`[E] Message editor   Line editor ...`: one line of the screen."""
    return Text.assemble(
        ("[", "dim"),
        (key, "hotkey"),
        ("] ", "dim"),
        (f"{label:<{LABEL_WIDTH}}" if value else label, "label"),
        (value, "info"),
    )


class SettingsScreen(KeyedScreen):
    """Your preferences: editor, character set, and the like."""

    ACTIVITY = Activity("settings")
    BINDINGS = BINDINGS
    CASELESS = True

    def help_title(self, ctx: SessionContext) -> str:
        return ctx.text("settings_title")

    def draw(self, ctx: SessionContext) -> None:
        ctx.clear()
        ctx.print(Text(f" {ctx.text('settings_title')} ", style="title"))
        for s in SETTINGS:
            ctx.print(choice(ctx, s.binding.keys[0], ctx.text(s.binding.help), s.value(ctx)))
        ctx.print(choice(ctx, BACK.keys[0], ctx.text(BACK.help)))
        self.draw_status(ctx)

    def draw_status(self, ctx: SessionContext) -> None:
        """The message of the last key on a line of its own, then the prompt again."""
        if self.message:
            ctx.write("\r\n")
            say(ctx, self.message, self.message_style)
        ctx.print(Text(ctx.text("settings_prompt"), style="prompt"), end="")

    async def run(self, ctx: SessionContext) -> Nav:
        return await self.loop(ctx)

    # ---- the settings, one method each
    async def on_editor(self, ctx: SessionContext) -> Nav | None:
        new = "fse" if user(ctx).editor == "line" else "line"
        if new == "fse" and (ctx.skin.linear or not ctx.term.info.cursor):
            self.say(ctx.text("settings_fse_needs_screen"), "warn")
            return None
        ctx.user = await ctx.services.users.set_editor(user(ctx).id, new)
        return None

    async def on_charset(self, ctx: SessionContext) -> Nav | None:
        now = user(ctx).charset
        new = CHARSET_ORDER[(CHARSET_ORDER.index(now) + 1) % len(CHARSET_ORDER)]
        ctx.user = await ctx.services.users.set_charset(user(ctx).id, new)
        apply_charset(ctx)
        ctx.use_skin(ctx.skin.name)  # the new profile again through the skin (linear, upper)
        return None

    async def on_skin(self, ctx: SessionContext) -> Nav | None:
        # the looks of today's board; the eras are the time machine's (the Era row)
        names = sorted(n for n, s in ctx.board.skins.items() if not s.era)
        at = names.index(ctx.skin.name) if ctx.skin.name in names else -1
        new = names[(at + 1) % len(names)]
        ctx.user = await ctx.services.users.set_skin(user(ctx).id, new)
        ctx.use_skin(new)
        return None

    async def on_era(self, ctx: SessionContext) -> Nav | None:
        """The time machine (ui.screens.era): the era picked there becomes the member's skin."""
        return Push("era")

    async def on_modem(self, ctx: SessionContext) -> Nav | None:
        """The next modem speed (the era's or board's, 300 ... 57600, unthrottled), in force
        at once: output from here on is paced at it."""
        now = user(ctx).bps
        at = SPEED_ORDER.index(now) if now in SPEED_ORDER else 0
        new = SPEED_ORDER[(at + 1) % len(SPEED_ORDER)]
        ctx.user = await ctx.services.users.set_bps(user(ctx).id, new)
        ctx.call_bps = None  # the speed picked here replaces one picked on the welcome screen
        ctx.apply_speed()
        return None

    async def on_real_name(self, ctx: SessionContext) -> Nav | None:
        u = user(ctx)
        ctx.write("\r\n")
        real = await ask(
            ctx, ctx.text("settings_real_name_prompt"), max_len=REAL_NAME_MAX, initial=u.real_name
        )
        ctx.user = await ctx.services.users.update_profile(
            u.id, real_name=real, location=u.location
        )
        return None

    async def on_location(self, ctx: SessionContext) -> Nav | None:
        u = user(ctx)
        ctx.write("\r\n")
        where = await ask(
            ctx, ctx.text("settings_location_prompt"), max_len=LOCATION_MAX, initial=u.location
        )
        ctx.user = await ctx.services.users.update_profile(
            u.id, real_name=u.real_name, location=where
        )
        return None

    async def on_about(self, ctx: SessionContext) -> Nav | None:
        """One paragraph for your profile; over ABOUT_MAX characters is refused, and said."""
        u = user(ctx)
        ctx.write("\r\n")
        say(ctx, ctx.text("settings_about_hint", limit=ABOUT_MAX), "dim")
        about = await ask(
            ctx, ctx.text("settings_about_prompt"), max_len=ABOUT_MAX, initial=u.about
        )
        ctx.user = await ctx.services.users.set_about(u.id, about)
        return None

    async def on_show_real_name(self, ctx: SessionContext) -> Nav | None:
        u = user(ctx)
        ctx.user = await ctx.services.users.set_show_real_name(u.id, not u.show_real_name)
        return None

    async def on_do_not_disturb(self, ctx: SessionContext) -> Nav | None:
        u = user(ctx)
        ctx.user = await ctx.services.users.set_do_not_disturb(u.id, not u.do_not_disturb)
        return None

    async def on_expert(self, ctx: SessionContext) -> Nav | None:
        u = user(ctx)
        ctx.user = await ctx.services.users.set_expert(u.id, not u.expert)
        return None

    async def on_password(self, ctx: SessionContext) -> Nav | None:
        """The old password, then the new one twice (the registration rules). A wrong old
        password counts as a failed login (the service records it)."""
        u = user(ctx)
        ctx.write("\r\n")
        old = await ask(ctx, ctx.text("password_old_prompt"), max_len=PASSWORD_MAX, mask="*")
        if not old:
            self.say(ctx.text("password_unchanged"), "warn")
            return None
        new = await ask(ctx, ctx.text("password_new_prompt"), max_len=PASSWORD_MAX, mask="*")
        try:
            check_password(new, u.handle)
        except ValueError as exc:
            self.say(str(exc), "error")
            return None
        again = await ask(ctx, ctx.text("password_again_prompt"), max_len=PASSWORD_MAX, mask="*")
        if again != new:
            self.say(ctx.text("password_differ"), "error")
            return None
        ctx.user = await ctx.services.users.change_password(u.id, old, new)
        self.say(ctx.text("password_changed"), "ok")
        return None

    async def on_back(self, ctx: SessionContext) -> Nav | None:
        return Back()

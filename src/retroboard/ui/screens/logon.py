"""The logon sequence after login: new bulletins (shown once), since your last call, the wall.

Bulletins are paged, S skips the others and Q the rest of the sequence; since-your-last-call and
the wall share one page (Enter goes on, A adds a one-liner); with no one-liners to show, the
since-your-last-call lines go to the menu's greeting instead of a page of their own. Expert mode
(a user setting) skips the whole sequence. The call itself is recorded here, for the
last-callers list, whatever the setting: this is the first screen of every call.
"""

from __future__ import annotations

from rich.text import Text

from retroboard.domain.activity import Activity
from retroboard.domain.community import ONELINERS_SHOWN, Bulletin, OneLiner
from retroboard.domain.errors import BoardError
from retroboard.domain.users import User
from retroboard.ui.bindings import Binding, Bindings
from retroboard.ui.context import SessionContext
from retroboard.ui.nav import Back, BaseScreen, Nav, Replace
from retroboard.ui.screens.kit import clean, key_hints, long_date, short_date, width
from retroboard.ui.widgets.textpage import MORE, body_lines, choose, show_paged

SKIP = "skip"  # the rest of this part
MENU = "menu"  # the rest of the sequence
ADD = "add"  # a one-liner, from the wall

PART_KEYS = Bindings(
    (
        Binding(("enter", " "), MORE, "help_logon_more"),
        Binding(("s",), SKIP, "help_logon_skip"),
        Binding(("q", "escape"), MENU, "help_logon_menu"),
    )
)
WALL_KEYS = Bindings(
    (
        Binding(("enter", " ", "q", "escape"), MENU, "help_logon_menu"),
        Binding(("a",), ADD, "help_logon_add"),
    )
)


def prompt(ctx: SessionContext, key: str) -> Text:
    """A part's key prompt: the skin's `key`, or its `key_short` when that does not fit."""
    return key_hints(ctx, ctx.text(key), ctx.text(key + "_short"))


def bulletin_lines(ctx: SessionContext, b: Bulletin, new: bool = True) -> list[Text]:
    """A bulletin as a page shows it: its title and byline, a rule, then its text."""
    w = width(ctx)
    head = Text(ctx.text("bulletin_new_mark") if new else "", style="unread")
    head.append(clean(b.title), style="subject")
    by = Text(ctx.text("bulletin_byline", author=clean(b.author), date=long_date(b.created_at)))
    by.stylize("dim")
    return [head, by, Text("-" * min(w, 40), style="dim"), *body_lines(b.body, w)]


class LogonScreen(BaseScreen):
    """The parts in order, then Back to the menu below: with the since-your-last-call lines
    as its result when no wall page showed them (the menu prints them with its greeting)."""

    ACTIVITY = Activity("logging_in")

    async def run(self, ctx: SessionContext) -> Nav:
        assert ctx.user is not None
        user = ctx.user
        await self._record_call(ctx, user)
        fresh = await ctx.services.users.get_by_id(user.id)
        if fresh.expert:
            return Back()
        if await self._bulletins(ctx, user) == MENU:
            return Back()
        since = await self._since_last_call(ctx, user)
        wall = await ctx.services.oneliners.latest(ONELINERS_SHOWN)
        if not wall:
            return Back(since if since.plain else None)
        action = await self._wall(ctx, since, wall)
        if action == ADD:  # the wall's own screen, at its prompt; Back from it: the menu
            return Replace("oneliners", add=True)
        return Back()

    async def _record_call(self, ctx: SessionContext, user: User) -> None:
        node = ctx.services.presence.of_session(ctx.session_id)
        try:
            await ctx.services.calls.record(
                user, node.number if node else 0, node.transport if node else ""
            )
        except BoardError:
            ctx.log.warning("could not record the call", exc_info=True)

    async def _bulletins(self, ctx: SessionContext, user: User) -> str:
        """Each new bulletin, paged; all of them count as seen once offered. S skips the
        others, Q the whole sequence."""
        unseen = await ctx.services.bulletins.unseen(user)
        if not unseen:
            return MORE
        await ctx.services.bulletins.mark_seen(user, unseen[-1].id)
        ctx.clear()
        ctx.print(Text(ctx.text("logon_bulletins_title", count=len(unseen)), style="title"))
        for n, b in enumerate(unseen, 1):
            key = "logon_more_prompt" if n < len(unseen) else "logon_next_prompt"
            action = await show_paged(ctx, bulletin_lines(ctx, b), prompt(ctx, key), PART_KEYS)
            if action != MORE:
                return action
        return MORE

    async def _since_last_call(self, ctx: SessionContext, user: User) -> Text:
        """Unread articles in the caller's groups and callers since: the lines that say so
        (empty on a first call). New letters are not among them: the menu's greeting says
        "You have N new letters" on every call (expert mode too), and says it once."""
        previous = user.last_login_at
        out = Text()
        if previous is None:
            return out
        summary = await ctx.services.calls.since_last_call(user, previous)
        out.append(ctx.text("logon_since_title", date=short_date(previous)), style="title")
        rows = (
            ("logon_since_articles", summary.new_articles),
            ("logon_since_callers", summary.callers),
        )
        for key, count in rows:
            out.append(f"\n{count:>5}  ", style="unread" if count else "dim")
            out.append(ctx.text(key, count=count), style="label")
        return out

    async def _wall(self, ctx: SessionContext, since: Text, wall: list[OneLiner]) -> str:
        """One page: since your last call, then the last one-liners; A opens the wall's
        screen to add one, Enter (or Q) goes on to the menu."""
        ctx.clear()
        if since.plain:
            ctx.print(since)
        ctx.print(Text(ctx.text("oneliners_title"), style="title"))
        w = width(ctx)
        for o in wall:
            line = Text(f"{clean(o.handle)}: ", style="author")
            line.append(clean(o.text))
            line.truncate(w, overflow="crop")
            ctx.print(line)
        return await choose(ctx, prompt(ctx, "logon_wall_prompt"), WALL_KEYS)

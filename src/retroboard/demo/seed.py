"""Seed a classroom demo board from DemoContent through the services; reset it to the seed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retroboard.domain.errors import Conflict, NotFound
from retroboard.domain.users import Level, User

if TYPE_CHECKING:
    from retroboard.demo.content import DemoContent
    from retroboard.services.facade import Services

log = logging.getLogger(__name__)

DEMO_SYSOP = "DemoSysop"  # writes the bulletins; nobody can log in as it (no password)
DEMO_BOARD_NAME = "Retro Classroom BBS"


class NotADemoBoard(Exception):
    """The database holds a board that is not the demo: seeding it would mix the demo's
    articles into someone's real board. The message says so (one line)."""


@dataclass(frozen=True)
class SeedReport:
    """What one `seed` call added (all zero when the board was seeded already)."""

    groups: int = 0
    members: int = 0
    articles: int = 0
    bulletins: int = 0
    oneliners: int = 0

    @property
    def added(self) -> int:
        return self.groups + self.members + self.articles + self.bulletins + self.oneliners


async def _member(services: Services, handle: str, **fields: str | Level) -> tuple[User, bool]:
    """The account `handle`, made without a password when missing; (user, made now)."""
    try:
        return await services.users.get(handle), False
    except NotFound:
        pass
    try:
        return await services.users.add_member(handle, **fields), True  # type: ignore[arg-type]
    except Conflict:  # made meanwhile
        return await services.users.get(handle), False


async def seed(services: Services, content: DemoContent) -> SeedReport:
    """Put `content` on the board through the services: groups, the authors (and regulars)
    as member accounts without passwords, a DemoSysop account for the bulletins, every article
    with its period date, Message-ID and threading (parent -> References) in date order, the
    bulletins and the one-liners.

    Idempotent: what is there already (a group or handle by name, an article by Message-ID,
    a bulletin by title, a one-liner by handle and text among the newest 100) is skipped, so
    seeding twice adds nothing and an interrupted seed is completed. Returns what was added.
    Raises BoardError when the services refuse a piece of content (a bug in the content).
    """
    added = {"groups": 0, "members": 0, "articles": 0, "bulletins": 0, "oneliners": 0}
    have_groups = {g.name for g in await services.groups.all_groups()}
    for g in content.groups:
        if g.name not in have_groups:
            await services.groups.create(g.name, g.description)
            added["groups"] += 1
    users: dict[str, User] = {}
    for a in content.authors:
        users[a.handle], made = await _member(
            services, a.handle, real_name=a.real_name, location=a.location
        )
        added["members"] += made
    sysop, made = await _member(
        services, DEMO_SYSOP, real_name="The demo's sysop", level=Level.SYSOP
    )
    added["members"] += made
    ids = {a.key: a.message_id for a in content.articles}
    existing = await services.articles.known_message_ids([a.message_id for a in content.articles])
    for art in content.articles:
        if art.message_id in existing:
            continue
        await services.articles.import_article(
            users[art.author],
            art.groups,
            art.subject,
            art.body,
            date=art.date,
            message_id=art.message_id,
            parent_message_id=ids[art.parent] if art.parent else None,
        )
        added["articles"] += 1
    titles = {b.title for b in await services.bulletins.list()}
    for b in content.bulletins:
        if b.title not in titles:
            await services.bulletins.add(sysop, b.title, b.body)
            added["bulletins"] += 1
    wall = {(o.handle, o.text) for o in await services.oneliners.latest(100)}
    for o in content.oneliners:
        if (o.author, o.text) not in wall:
            await services.oneliners.add(users[o.author], o.text)
            added["oneliners"] += 1
    report = SeedReport(**added)
    log.info("demo seed added %d things (%s)", report.added, added)
    return report


async def check_seedable(services: Services, content: DemoContent) -> None:
    """Raise NotADemoBoard when the board already holds articles but not the demo's: the
    demo is seeded only into a fresh board or a demo board."""
    if sum(g.article_count for g in await services.groups.all_groups()) == 0:
        return
    if not await is_demo_board(services, content):
        raise NotADemoBoard(
            "this database holds a board that is not the demo (it has articles of its own); "
            "give the demo a data folder of its own (--data DIR)"
        )


async def is_demo_board(services: Services, content: DemoContent) -> bool:
    """True when the database holds the demo's articles (at least one of their Message-IDs)
    and its DemoSysop account: what `--reset` asks before it removes anything."""
    probe = [a.message_id for a in content.articles[:50]]
    if not probe or not await services.articles.known_message_ids(probe):
        return False
    try:
        await services.users.get(DEMO_SYSOP)
    except NotFound:
        return False
    return True


def remove_sqlite_files(path: Path) -> list[Path]:
    """Delete the SQLite database at `path` and its -wal/-shm/-journal files; returns those
    removed. The caller has checked it is a demo board and that no board runs on it."""
    gone: list[Path] = []
    for p in (path, *(Path(f"{path}{ext}") for ext in ("-wal", "-shm", "-journal"))):
        if p.exists():
            p.unlink()
            gone.append(p)
    return gone

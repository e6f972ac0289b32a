"""The services facade: the one `Services` bundle screens, the CLI and benchmarks call, and
`build_services`, the one way to make it (app, cli and bench all build it here)."""

from __future__ import annotations

from dataclasses import dataclass

from retroboard.bus import EventBus
from retroboard.config import Settings
from retroboard.db.engine import Database
from retroboard.services.articles import ArticleService
from retroboard.services.auth import LoginPolicy, LoginService
from retroboard.services.bans import BanService
from retroboard.services.bulletins import BulletinService
from retroboard.services.calls import CallService
from retroboard.services.drafts import DraftService
from retroboard.services.groups import GroupService
from retroboard.services.guard import ConnectionGuard, Limits
from retroboard.services.ignores import IgnoreService
from retroboard.services.mail import MailService
from retroboard.services.moderation import ModerationService
from retroboard.services.news import NewsService
from retroboard.services.oneliners import OneLinerService
from retroboard.services.pages import PageService
from retroboard.services.passwords import HashParams, Passwords
from retroboard.services.presence import Presence
from retroboard.services.search import SearchService
from retroboard.services.teleconference import Teleconference
from retroboard.services.users import UserService


@dataclass
class Services:
    """Everything screens may call, built once per process by `build_services`."""

    users: UserService
    groups: GroupService
    articles: ArticleService
    search: SearchService
    moderation: ModerationService
    drafts: DraftService
    auth: LoginService
    bans: BanService
    presence: Presence
    mail: MailService
    oneliners: OneLinerService
    calls: CallService
    bulletins: BulletinService
    ignores: IgnoreService
    chat: Teleconference
    pages: PageService
    news: NewsService  # the NNTP transport's NewsBackend


def limits_of(settings: Settings) -> Limits:
    """The connection guard's limits from the settings."""
    return Limits(
        max_sessions=settings.max_sessions,
        max_prelogin=settings.max_prelogin,
        max_per_address=settings.max_per_address,
        max_prelogin_per_address=settings.max_prelogin_per_address,
        sysop_reserve=settings.sysop_reserve,
        prelogin_byte_budget=settings.prelogin_byte_budget,
    )


def build_services(
    settings: Settings, db: Database, bus: EventBus, guard: ConnectionGuard | None = None
) -> Services:
    """Every service over `db` and `bus`, configured from `settings`. `guard` is the running
    board's connection guard (a fresh one when None: the CLI and tests have no listeners).
    Opens nothing and raises nothing beyond a bad setting (ValueError)."""
    params = HashParams(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )
    read_only = settings.guests and settings.demo_guests_read_only
    articles = ArticleService(
        db, bus, domain=settings.domain, path_host=settings.domain, guests_read_only=read_only
    )
    defaults = tuple(g.strip().lower() for g in settings.default_groups.split(",") if g.strip())
    passwords = Passwords(params)
    users = UserService(db, passwords, bus, defaults)
    guard = guard or ConnectionGuard(limits_of(settings), settings.board_name)
    policy = LoginPolicy(
        lock_failures=settings.login_lock_failures,
        lock_minutes=settings.login_lock_minutes,
        registrations_per_hour=settings.registrations_per_hour,
        guests=settings.guests,
    )
    mail = MailService(db, bus, guests_read_only=read_only)
    groups = GroupService(db, bus)
    presence = Presence(bus, settings.duplicate_login)
    ignores = IgnoreService(db, bus)
    auth = LoginService(db, passwords, bus, users, guard, policy)
    return Services(
        users=users,
        groups=groups,
        articles=articles,
        search=SearchService(db),
        moderation=ModerationService(db, bus, mail),
        drafts=DraftService(db),
        auth=auth,
        bans=BanService(db, bus),
        presence=presence,
        mail=mail,
        oneliners=OneLinerService(db, bus, guests_read_only=read_only),
        calls=CallService(db, bus, groups, mail),
        bulletins=BulletinService(db, bus),
        ignores=ignores,
        chat=Teleconference(bus, ignores, presence, db),
        pages=PageService(db, bus, presence, ignores),
        news=NewsService(
            db,
            articles,
            auth,
            guard,
            path_host=settings.domain,
            anonymous_read=settings.nntp_anonymous_read,
            guests_read_only=read_only,
        ),
    )

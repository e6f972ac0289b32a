"""Command line: `retroboard serve`, `user add|list|set-level`, `db upgrade`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from retroboard.config import ConfigError, Settings, load_settings
from retroboard.ui.menus import MenuError

log = logging.getLogger("retroboard")
Job = Callable[[Any], Awaitable[int]]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", help="data folder (database, SSH host key, custom art)")
    p.add_argument("--config", help="TOML config file")
    p.add_argument(
        "--database-url",
        dest="database_url",
        help="SQLAlchemy URL (default: SQLite in the data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retroboard", description="A BBS / Usenet-style board for telnet and SSH."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the board")
    _common(serve)
    serve.add_argument("--host", help="address to listen on (default 0.0.0.0)")
    serve.add_argument(
        "--telnet-port", dest="telnet_port", type=int, help="telnet port (default 2323)"
    )
    serve.add_argument("--ssh-port", dest="ssh_port", type=int, help="SSH port (default 2222)")

    user = sub.add_parser("user", help="manage accounts")
    usub = user.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help="create an account")
    _common(add)
    add.add_argument("handle")
    add.add_argument("--level", default="user", choices=["user", "moderator", "sysop"])
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--real-name", default="")
    add.add_argument("--location", default="")
    lst = usub.add_parser("list", help="list accounts")
    _common(lst)
    setl = usub.add_parser("set-level", help="change an account's level")
    _common(setl)
    setl.add_argument("handle")
    setl.add_argument("level", choices=["user", "moderator", "sysop"])

    group = sub.add_parser("group", help="manage discussion groups")
    gsub = group.add_subparsers(dest="group_command", required=True)
    gadd = gsub.add_parser("add", help="create a group (Usenet-style name, e.g. comp.sys.amiga)")
    _common(gadd)
    gadd.add_argument("name")
    gadd.add_argument("--description", default="")
    gadd.add_argument("--policy", default="open", choices=["open", "moderated", "read-only"])
    gadd.add_argument(
        "--read-level", dest="read_level", default="user", choices=["user", "moderator", "sysop"]
    )
    gadd.add_argument(
        "--post-level", dest="post_level", default=None, choices=["user", "moderator", "sysop"]
    )
    glist = gsub.add_parser("list", help="list groups")
    _common(glist)

    db = sub.add_parser("db", help="database maintenance")
    dsub = db.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="apply migrations (serve does this too)")
    _common(up)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    cli: dict[str, Any] = {
        k: getattr(args, k, None)
        for k in ("data", "host", "telnet_port", "ssh_port", "database_url")
    }
    return load_settings(cli, config_file=getattr(args, "config", None))


async def _with_board_services(settings: Settings, job: Job) -> int:
    from retroboard.app import build_services
    from retroboard.bus import EventBus
    from retroboard.db.engine import Database
    from retroboard.db.migrate import upgrade

    db = Database(settings.db_url)
    try:
        await upgrade(db)
        return await job(build_services(settings, db, EventBus()))
    finally:
        await db.dispose()


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("retroboard: the passwords differ")
    return first


def _run(args: argparse.Namespace) -> int:
    from retroboard.domain.errors import BoardError

    settings = _settings(args)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("asyncssh", "telnetlib3", "alembic", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    if args.command == "serve":
        from retroboard.app import serve

        asyncio.run(serve(settings))
        return 0
    if args.command == "db":
        job: Job = _db_upgrade
    elif args.command == "group":

        async def job(services: Any) -> int:
            if args.group_command == "add":
                return await _group_add(services, args)
            return await _group_list(services)

    elif args.user_command == "add":
        password = _read_password(args)

        async def job(services: Any) -> int:
            return await _user_add(services.users, args, password)
    elif args.user_command == "list":

        async def job(services: Any) -> int:
            return await _user_list(services.users)
    else:

        async def job(services: Any) -> int:
            return await _user_set_level(services.users, args)

    try:
        return asyncio.run(_with_board_services(settings, job))
    except BoardError as exc:
        print(f"retroboard: {exc}", file=sys.stderr)
        return 1


async def _group_add(services: Any, args: argparse.Namespace) -> int:
    from retroboard.domain.boards import Policy
    from retroboard.domain.users import Level

    post = Level.parse(args.post_level) if args.post_level else None
    g = await services.groups.create(
        args.name, args.description, Policy(args.policy), Level.parse(args.read_level), post
    )
    print(f"created {g.name} ({g.policy.value})")
    return 0


async def _group_list(services: Any) -> int:
    groups = await services.groups.all_groups()
    width = max([len(g.name) for g in groups] + [5])
    print(
        f"{'GROUP':<{width}}  {'POLICY':<9}  {'READ':<9} {'POST':<9} {'ARTICLES':>8}  DESCRIPTION"
    )
    for g in groups:
        print(
            f"{g.name:<{width}}  {g.policy.value:<9}  {g.read_level.label:<9} "
            f"{g.post_level.label:<9} {g.article_count:>8}  {g.description}"
        )
    return 0


async def _db_upgrade(_users: Any) -> int:
    print("database is up to date")
    return 0


async def _user_add(users: Any, args: argparse.Namespace, password: str) -> int:
    from retroboard.domain.users import Level

    user = await users.register(
        args.handle,
        password,
        real_name=args.real_name,
        location=args.location,
        level=Level.parse(args.level),
        first_call=False,
    )
    print(f"created {user.handle} ({user.level.label})")
    return 0


async def _user_list(users: Any) -> int:
    rows = await users.list()
    print(f"{'HANDLE':<20} {'LEVEL':<10} {'CALLS':>5}  {'LAST ON':<17} LOCATION")
    for u in rows:
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
        print(f"{u.handle:<20} {u.level.label:<10} {u.login_count:>5}  {last:<17} {u.location}")
    return 0


async def _user_set_level(users: Any, args: argparse.Namespace) -> int:
    from retroboard.domain.users import Level

    user = await users.set_level(args.handle, Level.parse(args.level))
    print(f"{user.handle} is now {user.level.label}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except ConfigError as exc:
        print(f"retroboard: {exc}", file=sys.stderr)
        return 2
    except MenuError as exc:
        print(f"retroboard: menu definition error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"retroboard: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

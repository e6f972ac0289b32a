"""Command line: `retroboard serve|user|group|ban|node|broadcast|backup|restore|bulletin|art|db`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import shlex
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retroboard.config import ConfigError, Settings, load_settings
from retroboard.ui.menus import MenuError
from retroboard.ui.skin import SkinError

if TYPE_CHECKING:  # the services are imported only by the commands that use them
    from retroboard.services.facade import Services

log = logging.getLogger("retroboard")
Job = Callable[["Services"], Awaitable[int]]
LEVELS = ["user", "moderator", "sysop"]
POLICIES = ["open", "moderated", "read-only"]


class CliError(Exception):
    """A refusal or failure to print as one line (`retroboard: ...`) with exit status 1."""


class UsageError(Exception):
    """The command line itself is wrong: one line, exit status 2."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", help="data folder (database, SSH host key, custom art)")
    p.add_argument("--config", help="TOML config file")
    p.add_argument(
        "--database-url",
        dest="database_url",
        help="SQLAlchemy URL (default: SQLite in the data folder)",
    )


def _duration(text: str) -> Any:
    from retroboard.domain.bans import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _node_number(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a node is a number from 1 up, not {text!r}")
    return int(text)


def _columns(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 999:
        raise argparse.ArgumentTypeError(f"a width is a number of columns (1-999), not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retroboard", description="A BBS / Usenet-style board for telnet and SSH."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def command(
        parent: Any, name: str, help_text: str, *positionals: tuple[str, str]
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_text, description=help_text)
        _common(p)
        for arg, arg_help in positionals:
            p.add_argument(arg, help=arg_help)
        return p

    serve = command(sub, "serve", "run the board")
    serve.add_argument("--host", help="address to listen on (default 0.0.0.0)")
    serve.add_argument(
        "--telnet-port", dest="telnet_port", type=int, help="telnet port (default 2323)"
    )
    serve.add_argument("--ssh-port", dest="ssh_port", type=int, help="SSH port (default 2222)")
    serve.add_argument(
        "--nntp-port",
        dest="nntp_port",
        type=int,
        help="NNTP port for newsreaders (default 1119; 0: no NNTP)",
    )
    serve.add_argument(
        "--http-port",
        dest="http_port",
        type=int,
        help="HTTP port for the web pages and the browser terminal (default 8080; 0: no web)",
    )
    serve.add_argument(
        "--bps",
        dest="modem_bps",
        help="pace every caller's output at this modem speed: 300, 1200, 2400, 9600, 14400, "
        "28800 or 57600 (default 0: unthrottled; a member's or an era's own speed wins)",
    )

    serve.add_argument(
        "--demo",
        action="store_true",
        help="run the classroom demo board (as `retroboard demo`: seeded, guests, regulars)",
    )

    demo = command(
        sub,
        "demo",
        "seed the classroom demo board (period groups, 200+ articles from 1978-1994, "
        "bulletins, one-liners) if it is not seeded yet, and run it with guest logins and "
        "scripted regulars",
    )
    demo.add_argument("--host", help="address to listen on (default 0.0.0.0)")
    demo.add_argument(
        "--telnet-port", dest="telnet_port", type=int, help="telnet port (default 2323)"
    )
    demo.add_argument("--ssh-port", dest="ssh_port", type=int, help="SSH port (default 2222)")
    demo.add_argument(
        "--nntp-port", dest="nntp_port", type=int, help="NNTP port (default 1119; 0: no NNTP)"
    )
    demo.add_argument(
        "--http-port", dest="http_port", type=int, help="HTTP port (default 8080; 0: no web)"
    )
    demo.add_argument("--bps", dest="modem_bps", help="pace every caller's output (as serve)")
    demo.add_argument(
        "--reset",
        action="store_true",
        help="put the demo back as seeded first (between classes): the SQLite database is "
        "made anew, so guests, their posts and letters go (and any account made on it)",
    )
    demo.add_argument(
        "--read-only-guests",
        dest="demo_guests_read_only",
        action="store_const",
        const=True,
        default=None,
        help="guests may read and chat but not post, write letters or one-liners",
    )
    demo.add_argument(
        "--seed-only", action="store_true", help="seed (or reset) and exit instead of serving"
    )

    user = sub.add_parser("user", help="manage accounts")
    usub = user.add_subparsers(dest="user_command", required=True)
    add = command(usub, "add", "create an account", ("handle", "the new account's handle"))
    add.add_argument("--level", default="user", choices=LEVELS)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--real-name", default="")
    add.add_argument("--location", default="")
    command(usub, "list", "list accounts (LOCKED marks locked ones)")
    setl = command(usub, "set-level", "change an account's level", ("handle", "the account"))
    setl.add_argument("level", choices=LEVELS)
    passwd = command(usub, "passwd", "set an account's password", ("handle", "the account"))
    how = passwd.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    how.add_argument(
        "--reset",
        action="store_true",
        help="set a temporary password (printed) that its owner must change at the next login",
    )
    lock = command(
        usub, "lock", "lock an account: no logins, its sessions hung up", ("handle", "the account")
    )
    lock.add_argument("--reason", default="", help="shown to the account's owner")
    command(
        usub,
        "unlock",
        "unlock an account (also a lock after failed logins)",
        ("handle", "the account"),
    )
    command(
        usub,
        "delete",
        "delete an account; its articles stay, as '(deleted user)'",
        ("handle", "the account"),
    )

    group = sub.add_parser("group", help="manage discussion groups")
    gsub = group.add_subparsers(dest="group_command", required=True)
    gadd = command(
        gsub,
        "add",
        "create a group (Usenet-style name, e.g. comp.sys.amiga)",
        ("name", "the group's name"),
    )
    gadd.add_argument("--description", default="")
    gadd.add_argument("--policy", default="open", choices=POLICIES)
    gadd.add_argument("--read-level", dest="read_level", default="user", choices=LEVELS)
    gadd.add_argument("--post-level", dest="post_level", default=None, choices=LEVELS)
    command(gsub, "list", "list groups")
    gset = command(
        gsub, "set", "change a group's description, policy or levels", ("name", "the group")
    )
    gset.add_argument("--description")
    gset.add_argument("--policy", choices=POLICIES)
    gset.add_argument("--read-level", dest="read_level", choices=LEVELS)
    gset.add_argument("--post-level", dest="post_level", choices=LEVELS)
    command(
        gsub,
        "remove",
        "remove a group and the articles only it holds (cross-posts stay elsewhere)",
        ("name", "the group"),
    )

    ban = sub.add_parser("ban", help="ban addresses, networks or handles")
    bsub = ban.add_subparsers(dest="ban_command", required=True)
    badd = command(
        bsub,
        "add",
        "ban an address, a network or a handle",
        ("target", "ADDRESS, CIDR (e.g. 192.0.2.0/24) or HANDLE"),
    )
    badd.add_argument(
        "--for",
        dest="duration",
        type=_duration,
        default=None,
        help="how long: 90s, 30m, 2h, 7d, 1w (default: for good)",
    )
    badd.add_argument("--reason", default="", help="shown to the banned caller")
    blist = command(bsub, "list", "list bans in force")
    blist.add_argument("--all", action="store_true", help="include expired bans")
    command(
        bsub,
        "remove",
        "lift a ban",
        ("target", "ADDRESS, CIDR or HANDLE (every ban on it), or a ban's ID"),
    )

    node = sub.add_parser("node", help="see and hang up callers on the running board")
    nsub = node.add_subparsers(dest="node_command", required=True)
    command(nsub, "list", "who is connected, on which node")
    kick = command(nsub, "kick", "disconnect the caller on a node")
    kick.add_argument("node", type=_node_number, help="the node number (see node list)")
    kick.add_argument("--reason", default="", help="shown to the caller")

    bc = command(
        sub,
        "broadcast",
        "show a notice to every caller on the running board (or to one node)",
        ("text", "what to tell them"),
    )
    bc.add_argument("--node", type=_node_number, help="only the caller on this node")

    bk = command(
        sub, "backup", "copy the database, consistently, while the board runs", ("file", "FILE")
    )
    bk.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    command(
        sub,
        "restore",
        "put a backup in place of the database (the board must be stopped)",
        ("file", "FILE"),
    )

    bulletin = sub.add_parser("bulletin", help="sysop news shown to callers at logon")
    blsub = bulletin.add_subparsers(dest="bulletin_command", required=True)
    bladd = command(
        blsub,
        "add",
        "publish a bulletin from a text file (UTF-8; '-' reads standard input)",
        ("file", "FILE"),
    )
    bladd.add_argument("--title", help="the title (default: the file's first line)")
    bladd.add_argument("--author", help="a sysop's handle (default: the first sysop account)")
    command(blsub, "list", "list bulletins, newest first")
    bldel = command(blsub, "delete", "remove a bulletin")
    bldel.add_argument("id", type=_bulletin_id, help="the bulletin's number (see bulletin list)")

    art = sub.add_parser("art", help="preview and check ANSI art")
    asub = art.add_subparsers(dest="art_command", required=True)
    ashow = command(asub, "show", "preview an .ans file in this terminal (UTF-8)", ("file", "FILE"))
    ashow.add_argument(
        "--width", type=_columns, help="screen width (default: this terminal's, at most 255)"
    )
    ashow.add_argument("--ascii", action="store_true", help="7-bit ASCII stand-ins for glyphs")
    ashow.add_argument("--no-color", dest="no_color", action="store_true", help="no colours")
    command(
        asub,
        "check",
        "validate every art file the board would show (packaged, skins', the data folder's)",
    )

    db = sub.add_parser("db", help="database maintenance")
    dsub = db.add_subparsers(dest="db_command", required=True)
    command(dsub, "upgrade", "apply migrations (serve does this too)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    cli: dict[str, Any] = {
        k: getattr(args, k, None)
        for k in (
            "data",
            "host",
            "telnet_port",
            "ssh_port",
            "nntp_port",
            "http_port",
            "database_url",
            "modem_bps",
            "demo_guests_read_only",
        )
    }
    return load_settings(cli, config_file=getattr(args, "config", None))


async def _with_board_services(settings: Settings, job: Job) -> int:
    from retroboard.bus import EventBus
    from retroboard.db.engine import Database
    from retroboard.services.facade import build_services

    db = Database(settings.db_url)
    try:
        await _open(db, settings)
        return await job(build_services(settings, db, EventBus()))
    finally:
        await db.dispose()


async def _open(db: Any, settings: Settings) -> None:
    """Connect and apply migrations; a database that cannot be reached (a wrong password, no
    server) is a CliError naming it (password hidden), not a driver's traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from retroboard.db.migrate import upgrade

    try:
        await upgrade(db)
    except (DBAPIError, OSError) as exc:
        if isinstance(exc, DBAPIError) and not exc.connection_invalidated and exc.orig is None:
            raise
        why = _one_line(exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc)
        if why.startswith("(") and ") " in why:  # "(module.Error) message": the message
            why = why.split(") ", 1)[1]
        where = make_url(settings.db_url).render_as_string(hide_password=True)
        raise CliError(
            f"cannot open the database {where}: {why} "
            "(check RETROBOARD_DATABASE_URL or database_url in the config)"
        ) from None


async def _check_account(settings: Settings, args: argparse.Namespace) -> None:
    """Before a password is asked: `user add` refuses a bad or taken handle, `user passwd`
    an unknown one (CliError), so nobody types a password for nothing."""
    from retroboard.domain.errors import BoardError
    from retroboard.domain.users import Level

    async def check(services: Services) -> int:
        try:
            if args.user_command == "add":
                staff = _level(args.level) >= Level.MODERATOR
                handle = services.users.check_new_handle(args.handle, staff=staff)
                if await services.users.handle_taken(handle):
                    raise CliError(f"the handle '{handle}' is taken")
            else:
                await services.users.get(args.handle)
        except BoardError as exc:
            raise CliError(_one_line(exc)) from None
        return 0

    await _with_board_services(settings, check)


def _need_terminal(args: argparse.Namespace) -> None:
    """UsageError (one line, exit 2) when there is no terminal to ask for a password on."""
    if not sys.stdin.isatty():
        raise UsageError(
            f"user {args.user_command}: no terminal to ask for the password; "
            "give it on standard input with --password-stdin"
        )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    _need_terminal(args)
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise CliError("the passwords differ")
    return first


# ---- talking to the running board ------------------------------------------------------------
def _no_board(settings: Settings) -> str:
    return f"no board is running on {settings.data} (control socket {settings.control_path})"


async def _ask_board(settings: Settings, cmd: str, **args: Any) -> dict[str, Any]:
    """A control request that must reach the board: CliError when none runs or it refuses."""
    from retroboard.transports.control import ControlError, ControlUnavailable, control_request

    try:
        return await control_request(settings.control_path, cmd, **args)
    except ControlUnavailable:
        raise CliError(_no_board(settings)) from None
    except ControlError as exc:
        raise CliError(str(exc)) from None


async def _tell_board(settings: Settings, cmd: str, **args: Any) -> None:
    """Tell a running board about a change; none running is fine (it reads the database)."""
    from retroboard.transports.control import ControlError, ControlUnavailable, control_request

    try:
        await control_request(settings.control_path, cmd, **args)
    except ControlUnavailable:
        return
    except ControlError as exc:
        print(
            f"retroboard: warning: the change is saved, but the running board did not "
            f"take it at once: {exc}",
            file=sys.stderr,
        )
        return
    print("the running board has been told")


async def _board_running(settings: Settings) -> bool:
    from retroboard.transports.control import ControlError, ControlUnavailable, control_request

    try:
        await control_request(settings.control_path, "ping")
    except ControlUnavailable:
        return False
    except ControlError:
        return True  # something answers there: treat it as running
    return True


# ---- the commands ---------------------------------------------------------------------------
def _level(name: str | None) -> Any:
    from retroboard.domain.users import Level

    return Level.parse(name) if name else None


async def _group_add(services: Services, args: argparse.Namespace) -> int:
    from retroboard.domain.boards import Policy

    g = await services.groups.create(
        args.name,
        args.description,
        Policy(args.policy),
        _level(args.read_level),
        _level(args.post_level),
    )
    print(f"created {g.name} ({g.policy.value})")
    return 0


async def _group_list(services: Services, _args: argparse.Namespace) -> int:
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


async def _group_set(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    from retroboard.domain.boards import Policy

    g = await services.groups.update(
        args.name,
        description=args.description,
        policy=Policy(args.policy) if args.policy else None,
        read_level=_level(args.read_level),
        post_level=_level(args.post_level),
    )
    print(
        f"{g.name}: {g.policy.value}, read {g.read_level.label}, post {g.post_level.label}"
        + (f" - {g.description}" if g.description else "")
    )
    await _tell_board(settings, "groups-changed")
    return 0


async def _group_remove(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    name = args.name.strip().lower()
    removed = await services.groups.remove(name)
    print(
        f"removed {name} and {removed} article{'s' if removed != 1 else ''} only it held "
        "(cross-posted ones stay in their other groups)"
    )
    await _tell_board(settings, "groups-changed")
    return 0


async def _user_add(services: Services, args: argparse.Namespace, password: str) -> int:
    user = await services.users.register(
        args.handle,
        password,
        real_name=args.real_name,
        location=args.location,
        level=_level(args.level),
        first_call=False,
    )
    print(f"created {user.handle} ({user.level.label})")
    return 0


def _bulletin_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a bulletin number: {text!r}")
    return int(text)


def _bulletin_text(args: argparse.Namespace) -> tuple[str, str]:
    """The bulletin's title and body from FILE (and --title), read before the loop starts.
    Without --title the file's first non-blank line is the title and the rest the body."""
    from retroboard.domain.community import BULLETIN_BODY_MAX

    if args.file == "-":
        raw = sys.stdin.read(BULLETIN_BODY_MAX + 1)
    else:
        with Path(args.file).expanduser().open(encoding="utf-8", errors="replace") as f:
            raw = f.read(BULLETIN_BODY_MAX + 1)
    if len(raw) > BULLETIN_BODY_MAX:
        raise CliError(f"{args.file}: a bulletin is at most {BULLETIN_BODY_MAX} characters")
    text = raw.replace("\r\n", "\n").lstrip("\n")
    if args.title is not None:
        return args.title, text
    first, _, rest = text.partition("\n")
    return first, rest


async def _bulletin_add(services: Services, args: argparse.Namespace, text: tuple[str, str]) -> int:
    from retroboard.domain.users import Level

    if args.author:
        author = await services.users.get(args.author)
    else:
        sysops = [u for u in await services.users.list() if u.level >= Level.SYSOP]
        if not sysops:
            raise CliError("no sysop account to sign the bulletin: make one, or give --author")
        author = min(sysops, key=lambda u: u.id)
    title, body = text
    b = await services.bulletins.add(author, title, body)
    print(f"bulletin {b.id} published: {b.title} (by {b.author})")
    return 0


async def _bulletin_list(services: Services, _args: argparse.Namespace) -> int:
    bulletins = await services.bulletins.list()
    print(f"{'ID':>4}  {'DATE':<16}  {'AUTHOR':<20} TITLE")
    for b in bulletins:
        print(f"{b.id:>4}  {b.created_at:%Y-%m-%d %H:%M}  {b.author:<20} {b.title}")
    return 0


async def _bulletin_delete(services: Services, args: argparse.Namespace) -> int:
    await services.bulletins.delete(None, args.id)
    print(f"bulletin {args.id} removed")
    return 0


async def _user_list(services: Services, _args: argparse.Namespace) -> int:
    rows = await services.users.list_with_locks()
    now = datetime.now(UTC)
    print(f"{'HANDLE':<20} {'LEVEL':<10} {'CALLS':>5}  {'LAST ON':<17} {'LOCATION':<20} STATE")
    for u, lock in rows:
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
        if lock.locked:
            state = "LOCKED" + (f" ({lock.reason})" if lock.reason else "")
        elif lock.lock_until is not None and lock.lock_until > now:
            state = f"LOCKED until {lock.lock_until:%H:%M} UTC ({lock.failed_logins} failed logins)"
        else:
            state = ""
        line = f"{u.handle:<20} {u.level.label:<10} {u.login_count:>5}  {last:<17} "
        print((line + f"{u.location:<20} {state}").rstrip())
    return 0


async def _user_set_level(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    user = await services.users.set_level(args.handle, _level(args.level))
    print(f"{user.handle} is now {user.level.label}")
    await _tell_board(settings, "user-changed", handle=user.handle)
    return 0


async def _user_passwd(
    services: Services, args: argparse.Namespace, settings: Settings, password: str
) -> int:
    user = await services.users.set_password(args.handle, password)
    print(f"{user.handle} has a new password")
    await _tell_board(settings, "user-changed", handle=user.handle)
    return 0


async def _user_reset(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    user, temporary = await services.users.reset_password(args.handle)
    print(f"{user.handle} has the temporary password {temporary}")
    print("it must be changed at the next login")
    await _tell_board(settings, "user-changed", handle=user.handle)
    return 0


async def _user_lock(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    user = await services.users.lock(args.handle, args.reason)
    print(f"{user.handle} is locked: no logins until `retroboard user unlock {user.handle}`")
    await _tell_board(settings, "user-changed", handle=user.handle)
    return 0


async def _user_unlock(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    user = await services.users.unlock(args.handle)
    print(f"{user.handle} is unlocked")
    await _tell_board(settings, "user-changed", handle=user.handle)
    return 0


async def _user_delete(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    user = await services.users.get(args.handle)
    kept = await services.users.delete(user.handle)
    print(
        f"deleted {user.handle}; {kept} article{'s' if kept != 1 else ''} kept as '(deleted user)'"
    )
    await _tell_board(settings, "user-changed", handle=user.handle)
    return 0


async def _ban_add(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    from retroboard.domain.bans import format_remaining

    b = await services.bans.add(args.target, duration=args.duration, reason=args.reason)
    how_long = "for good" if b.expires_at is None else f"for {format_remaining(b, b.created_at)}"
    print(f"banned {b.kind} {b.value} {how_long} (ban {b.id})")
    await _tell_board(settings, "bans-changed")
    return 0


async def _ban_list(services: Services, args: argparse.Namespace) -> int:
    from retroboard.domain.bans import format_remaining

    bans = await services.bans.list(include_expired=args.all)
    now = datetime.now(UTC)
    width = max([len(b.value) for b in bans] + [6])
    print(f"{'ID':>4}  {'KIND':<7}  {'TARGET':<{width}}  {'SINCE':<16}  {'LEFT':<9}  REASON")
    for b in bans:
        print(
            f"{b.id:>4}  {b.kind:<7}  {b.value:<{width}}  {b.created_at:%Y-%m-%d %H:%M}  "
            f"{format_remaining(b, now):<9}  {b.reason}".rstrip()
        )
    if not bans:
        print("(no bans" + (")" if args.all else " in force)"))
    return 0


async def _ban_remove(services: Services, args: argparse.Namespace, settings: Settings) -> int:
    count = await services.bans.remove(args.target)
    target = args.target.strip().removeprefix("#")
    if target.isdigit():
        print(f"lifted ban {target}")
    else:
        print(f"lifted {count} ban{'s' if count != 1 else ''} on {target}")
    await _tell_board(settings, "bans-changed")
    return 0


def _since(text: str, now: datetime) -> str:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)[:16]
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    minutes = max(0, int((now - when).total_seconds()) // 60)
    return f"{when.astimezone(UTC):%H:%M} ({minutes // 60}h{minutes % 60:02d})"


def _idle(value: Any) -> str:
    """Idle seconds as a BBS node list shows them: 42s, 7m, 2h05."""
    try:
        seconds = max(0, int(value))
    except (TypeError, ValueError):
        return "-"
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"


async def _node_list(settings: Settings) -> int:
    from retroboard.domain.text import sanitize

    answer = await _ask_board(settings, "nodes")
    nodes = answer.get("nodes") or []
    now = datetime.now(UTC)
    print(
        f"{'NODE':>4}  {'HANDLE':<20} {'ADDRESS':<39} {'VIA':<7} {'SINCE':<15} {'IDLE':>5}  "
        "ACTIVITY"
    )
    for n in nodes:
        handle = sanitize(str(n.get("handle") or "-"), multiline=False)[:20]
        activity = sanitize(str(n.get("activity") or ""), multiline=False)[:60]
        print(
            f"{n.get('node', '?'):>4}  {handle:<20} {str(n.get('address', ''))[:39]:<39} "
            f"{str(n.get('transport', ''))[:7]:<7} {_since(n.get('since', ''), now):<15} "
            f"{_idle(n.get('idle')):>5}  {activity}".rstrip()
        )
    if not nodes:
        print("(nobody is connected)")
    return 0


async def _node_kick(settings: Settings, args: argparse.Namespace) -> int:
    answer = await _ask_board(settings, "kick", node=args.node, reason=args.reason)
    who = answer.get("handle")
    print(f"disconnected node {args.node}" + (f" ({who})" if who else ""))
    return 0


async def _broadcast(settings: Settings, args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise UsageError("broadcast: say what to tell the callers")
    extra: dict[str, Any] = {} if args.node is None else {"node": args.node}
    answer = await _ask_board(settings, "broadcast", text=args.text, **extra)
    if args.node is not None:
        who = answer.get("handle")
        print(f"sent to node {args.node}" + (f" ({who})" if who else ""))
    else:
        count = int(answer.get("sessions") or 0)
        print(f"sent to {count} caller{'s' if count != 1 else ''}")
    return 0


def _pg_dump_advice(url: str, file: str, *, restore: bool) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    opts: list[str] = []
    host = u.host or u.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if host:
        opts += ["--host", str(host)]
    if u.port:
        opts += ["--port", str(u.port)]
    if u.username:
        opts += ["--username", u.username]
    name = u.database or ""
    if restore:
        cmd = ["pg_restore", "--clean", "--if-exists", *opts, "--dbname", name, file]
        return (
            "restore works on SQLite databases; this board uses PostgreSQL. Stop the board, "
            f"then restore a pg_dump file with: {shlex.join(cmd)}"
        )
    cmd = ["pg_dump", "--format=custom", "--file", file, *opts, name]
    return (
        "backup copies SQLite databases; this board uses PostgreSQL, so back it up with "
        f"pg_dump (it is consistent while the board runs): {shlex.join(cmd)}"
    )


def _print_counts(counts: dict[str, int]) -> None:
    width = max([len(t) for t in counts] + [5])
    for table, rows in counts.items():
        print(f"  {table:<{width}}  {rows:>9}")


async def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from retroboard.db.backup import backup, sqlite_file

    source = sqlite_file(settings.db_url)
    if source is None:
        raise CliError(_pg_dump_advice(settings.db_url, str(args.file), restore=False))
    dest: Path = args.file
    counts = await backup(source, dest, force=args.force)
    print(f"backed up {source} to {dest} (mode 0600):")
    _print_counts(counts)
    return 0


async def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from retroboard.db.backup import restore, sqlite_file

    if sqlite_file(settings.db_url) is None:
        raise CliError(_pg_dump_advice(settings.db_url, str(args.file), restore=True))
    if await _board_running(settings):
        raise CliError(
            f"a board is running on {settings.data}; stop it before restoring "
            "(a backup can be taken while it runs)"
        )
    result = await restore(args.file, settings.db_url)
    if result.kept is not None:
        print(f"the database that was there is kept as {result.kept}")
    print(
        f"restored {args.file} (schema {result.revision_before} -> {result.revision_after}); "
        "the board opens it with:"
    )
    _print_counts(result.counts)
    return 0


async def _db_upgrade(_services: Services, _args: argparse.Namespace) -> int:
    print("database is up to date")
    return 0


# ---- art ------------------------------------------------------------------------------------
def _art_show(args: argparse.Namespace) -> int:
    import shutil

    from retroboard.term.profile import to_ascii
    from retroboard.ui.art import load_art, render_art

    art = load_art(Path(args.file).expanduser())
    width = args.width or min(shutil.get_terminal_size((80, 24)).columns, 255)
    text = render_art(art, width, colors=not args.no_color)
    if text is None:
        raise CliError(
            f"{args.file}: {art.width} columns wide, wider than {width} "
            "(art is never cropped; try --width)"
        )
    info = [f"{art.width}x{art.height}"]
    if art.sauce is not None:
        s = art.sauce
        info += [f'"{s.title}"', f"by {s.author or '?'}/{s.group or '?'}", s.date]
        info += ["iCE colours"] if s.ice else []
        info += [f"# {line}" for line in s.comments]
    out = text + "\r\n" + " ".join(x for x in info if x) + "\n"
    if args.ascii:
        out = to_ascii(out)
    sys.stdout.flush()
    sys.stdout.buffer.write(out.encode("utf-8", errors="replace"))
    return 0


def _art_check(settings: Settings) -> int:
    from retroboard.ui.art_check import board_art_folders, check_folders
    from retroboard.ui.skin import load_skins

    reports = check_folders(board_art_folders(settings.art_dir, load_skins()))
    failed = noted = 0
    for r in reports:
        where = str(r.path)
        if r.problems:
            failed += 1
            for problem in r.problems:
                print(f"FAIL {where}: {problem}")
            continue
        details = ", ".join(x for x in (r.size, r.sauce) if x)
        print(f"ok   {where} ({details})" if details else f"ok   {where}")
        for note in r.notes:
            noted += 1
            print(f"note {where}: {note}")
    print(
        f"{len(reports)} art file(s) checked: {len(reports) - failed} ok, "
        f"{failed} with problems, {noted} note(s)"
    )
    return 1 if failed else 0


# ---- the classroom demo board ------------------------------------------------------------------
# A class usually calls from one address (the school's NAT, or the web terminal behind one
# reverse proxy): the demo lets that many in at once unless the sysop set their own limits.
CLASSROOM_PER_ADDRESS = 200
CLASSROOM_PRELOGIN_PER_ADDRESS = 64


def demo_settings(settings: Settings, group_names: list[str]) -> Settings:
    """The demo board's settings: guests and regulars on; the board's name, the groups a
    new account (a guest) starts in and the per-address connection limits (a class behind one
    address) are the demo's unless the sysop configured their own."""
    from dataclasses import replace

    from retroboard.demo.seed import DEMO_BOARD_NAME

    base = Settings()
    per_address = settings.max_per_address
    if per_address == base.max_per_address:
        per_address = max(per_address, CLASSROOM_PER_ADDRESS)
    prelogin = settings.max_prelogin_per_address
    if prelogin == base.max_prelogin_per_address:
        prelogin = max(prelogin, min(CLASSROOM_PRELOGIN_PER_ADDRESS, settings.max_prelogin))
    return replace(
        settings,
        demo=True,
        guests=True,
        max_per_address=per_address,
        max_prelogin_per_address=prelogin,
        board_name=DEMO_BOARD_NAME
        if settings.board_name == base.board_name
        else settings.board_name,
        default_groups=(
            ",".join(group_names)
            if settings.default_groups == base.default_groups
            else settings.default_groups
        ),
    )


def _demo_reset(settings: Settings, content: Any) -> None:
    """Remove the demo's SQLite database (after checking it is one and no board runs on it),
    so the seed that follows starts from nothing. CliError when it may not."""
    from retroboard.db.backup import sqlite_file
    from retroboard.demo.seed import is_demo_board, remove_sqlite_files

    path = sqlite_file(settings.db_url)
    if path is None:
        raise CliError(
            "--reset makes a SQLite demo database anew; this board uses PostgreSQL: drop and "
            "create its database, then run `retroboard demo`"
        )
    if asyncio.run(_board_running(settings)):
        raise CliError(f"a board is running on {settings.data}; stop it before --reset")
    if not Path(path).exists() or Path(path).stat().st_size == 0:
        return

    async def check(services: Services) -> int:
        return int(await is_demo_board(services, content))

    if not asyncio.run(_with_board_services(settings, check)):
        raise CliError(
            f"{path} is not a demo board (it does not hold the demo's articles); --reset only "
            "ever removes a demo board's database"
        )
    for gone in remove_sqlite_files(Path(path)):
        print(f"removed {gone}")


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    """`retroboard demo` (and `serve --demo`): reset if asked, seed, then serve."""
    from retroboard.app import secure_data_folder, serve
    from retroboard.demo.content import load_demo
    from retroboard.demo.seed import NotADemoBoard, check_seedable, seed

    content = load_demo()
    settings = demo_settings(settings, [g.name for g in content.groups])
    if getattr(args, "reset", False):
        _demo_reset(settings, content)
    secure_data_folder(settings)

    async def fill(services: Services) -> int:
        try:
            await check_seedable(services, content)
        except NotADemoBoard as exc:
            raise CliError(str(exc)) from None
        report = await seed(services, content)
        if report.added:
            print(
                f"demo board seeded: {report.groups} groups, {report.members} members, "
                f"{report.articles} articles, {report.bulletins} bulletins, "
                f"{report.oneliners} one-liners",
                flush=True,
            )
        else:
            print("demo board: already seeded", flush=True)
        return 0

    asyncio.run(_with_board_services(settings, fill))
    if getattr(args, "seed_only", False):
        return 0
    asyncio.run(serve(settings))
    return 0


# ---- dispatch -------------------------------------------------------------------------------
def _job(args: argparse.Namespace, settings: Settings) -> Job:
    """The service job for a database command (passwords are read before the loop starts)."""
    simple = {
        ("db", "upgrade"): _db_upgrade,
        ("group", "add"): _group_add,
        ("group", "list"): _group_list,
        ("user", "list"): _user_list,
        ("ban", "list"): _ban_list,
        ("bulletin", "list"): _bulletin_list,
        ("bulletin", "delete"): _bulletin_delete,
    }
    changes = {
        ("group", "set"): _group_set,
        ("group", "remove"): _group_remove,
        ("user", "set-level"): _user_set_level,
        ("user", "lock"): _user_lock,
        ("user", "unlock"): _user_unlock,
        ("user", "delete"): _user_delete,
        ("ban", "add"): _ban_add,
        ("ban", "remove"): _ban_remove,
    }
    key = (args.command, getattr(args, f"{args.command}_command"))
    if key in simple:
        fn = simple[key]
        return lambda services: fn(services, args)
    if key in changes:
        change = changes[key]
        return lambda services: change(services, args, settings)
    if key == ("bulletin", "add"):
        text = _bulletin_text(args)
        return lambda services: _bulletin_add(services, args, text)
    if key == ("user", "passwd") and args.reset:
        return lambda services: _user_reset(services, args, settings)
    if not args.password_stdin:  # a prompt: the handle is checked before it is shown
        _need_terminal(args)
        asyncio.run(_check_account(settings, args))
    password = _read_password(args)
    if key == ("user", "add"):
        return lambda services: _user_add(services, args, password)
    return lambda services: _user_passwd(services, args, settings, password)


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from retroboard.logsafe import SafeFormatter

    handler = logging.StreamHandler()
    # Escapes control characters and caps each message: a caller's terminal type or handle
    # can neither forge log lines nor send escape sequences to the sysop's terminal.
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    for noisy in ("asyncssh", "telnetlib3", "alembic", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from retroboard.logqueue import off_the_loop

    # The terminal write happens in a writer thread behind a bounded queue, never on the event
    # loop; stopped (every queued line written) however the command ends.
    queued = off_the_loop(logging.getLogger(), [handler])
    try:
        return _command(args, settings)
    finally:
        if queued is not None:
            queued.stop()


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo" or (args.command == "serve" and args.demo):
        return _demo(settings, args)
    if args.command == "serve":
        from retroboard.app import serve

        asyncio.run(serve(settings))
        return 0
    if args.command == "node":
        if args.node_command == "list":
            return asyncio.run(_node_list(settings))
        return asyncio.run(_node_kick(settings, args))
    if args.command == "broadcast":
        return asyncio.run(_broadcast(settings, args))
    if args.command == "art":
        return _art_show(args) if args.art_command == "show" else _art_check(settings)
    if args.command in ("backup", "restore"):
        args.file = Path(args.file).expanduser()
    if args.command == "backup":
        return asyncio.run(_backup(settings, args))
    if args.command == "restore":
        return asyncio.run(_restore(settings, args))
    if args.command == "group" and args.group_command == "set":
        if all(
            getattr(args, k) is None for k in ("description", "policy", "read_level", "post_level")
        ):
            raise UsageError(
                "group set: say what to change (--description, --policy, --read-level, "
                "--post-level)"
            )
    return asyncio.run(_with_board_services(settings, _job(args, settings)))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # every file any command creates (database, keys, backups) is private
    args = build_parser().parse_args(argv)
    from retroboard.db.backup import BackupError
    from retroboard.domain.errors import BoardError
    from retroboard.transports.control import ControlError
    from retroboard.transports.ssh import HostKeyError

    try:
        try:
            return _run(args)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, while BrokenPipeError is caught
    except BrokenPipeError:  # `retroboard group list | head -1`: the reader had enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to write at exit either
        return 141
    except (ConfigError, UsageError) as exc:
        print(f"retroboard: {exc}", file=sys.stderr)
        return 2
    except MenuError as exc:
        print(f"retroboard: menu definition error: {exc}", file=sys.stderr)
        return 2
    except SkinError as exc:
        print(f"retroboard: skin definition error: {exc}", file=sys.stderr)
        return 2
    except (BoardError, CliError, BackupError, ControlError, HostKeyError) as exc:
        print(f"retroboard: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"retroboard: {exc.strerror or _one_line(exc)}{where}", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback: one line, details in the debug log
        log.debug("command failed", exc_info=True)
        print(
            f"retroboard: {type(exc).__name__}: {_one_line(exc)} "
            "(set RETROBOARD_LOG_LEVEL=DEBUG for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

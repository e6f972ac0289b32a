"""The board as newsreaders see it (the NNTP transport's NewsBackend): groups with their marks,
numbers, overview rows streamed in chunks, articles, NEWGROUPS/NEWNEWS, logins and posts.

A group a reader may not read does not exist for it (NotFound, never PermissionDenied), and
is never named in a listing, a Newsgroups or an Xref. A servable article is posted and not
deleted: a deleted (cancelled) or held article has no number for newsreaders.

Numbers come from the group's row alone: every number 1..high was given to a posted article
and keeps its xref row (numbers are never reused, a held post gets its numbers when approved),
so the servable numbers are 1..high minus the tombstones (`deleted_numbers`, a RangeSet kept by
moderation) — the invariant unread counts and next-unread already rely on. GROUP, LISTGROUP,
NEXT and LAST read one groups row; they never count or scan xref.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Integer,
    LargeBinary,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal_column,
    select,
    true,
    tuple_,
    type_coerce,
)
from sqlalchemy import (
    cast as sql_cast,
)

from retroboard.db.engine import Database
from retroboard.db.fastpath import Prepared, Raw
from retroboard.db.tables import ArticleRow, ThreadRow, UserRow, XrefRow, utc
from retroboard.domain.boards import Article, Group, Policy, PostResult, Status, posting_refusal
from retroboard.domain.errors import AuthFailed, BoardError, NotFound
from retroboard.domain.guests import write_refusal
from retroboard.domain.news import (
    ONE_LINE,
    NewsGroup,
    OverviewForm,
    OverviewRow,
    Submission,
    overview_parts,
    wire_octets,
)
from retroboard.domain.newsrc import RangeSet
from retroboard.domain.usenet import is_valid_message_id
from retroboard.domain.users import Level, User
from retroboard.services.articles import ArticleService
from retroboard.services.auth import LoginService
from retroboard.services.board_common import GROUPS, HEAD_CORE, head_of, to_group
from retroboard.services.guard import ConnectionGuard

log = logging.getLogger(__name__)

OVERVIEW_CHUNK = 2000  # rows per read while streaming OVER (NNTPOptions.overview_chunk)
NEWNEWS_CHUNK = 1000  # Message-IDs per read for NEWNEWS
MARKS_MEMO = 1024  # marks, tombstone sets and NewsGroups remembered (as groups.GROUP_MEMO)
MUST_CHANGE = (
    "Your password was reset by the sysop: log in by telnet or SSH once to choose a new one."
)
_ARTICLES = cast(Table, ArticleRow.__table__)
_THREADS = cast(Table, ThreadRow.__table__)
_XREF = cast(Table, XrefRow.__table__)
_USERS = cast(Table, UserRow.__table__)
_POSTED = str(Status.POSTED)


class _GroupColumns(NamedTuple):
    """The group columns every NNTP read takes, in its statements' order."""

    id: int
    name: str
    description: str
    policy: str
    read_level: int
    post_level: int
    high: int
    article_count: int
    deleted_numbers: str
    created_at: Any  # SQLite: the stored text; PostgreSQL: a datetime (see _date)


# created_at as stored (SQLite's text: no result processor; _date parses it, once per row
# seen, since the NewsGroups made of a row are remembered: _news_group)
_GROUP_COLUMNS = (
    *(GROUPS.c[n] for n in _GroupColumns._fields[:-1]),
    type_coerce(GROUPS.c.created_at, String).label("created_at"),
)
# Every group a level may read, by name (groups(), new_groups(), new_message_ids()).
_VISIBLE = Prepared(
    select(*_GROUP_COLUMNS).where(GROUPS.c.read_level <= bindparam("level")).order_by(GROUPS.c.name)
)
# One group by its name exactly as stored (NNTP group names are case-sensitive).
_NAMED = Prepared(select(*_GROUP_COLUMNS).where(GROUPS.c.name == bindparam("name")))


def _servable() -> Any:
    return and_(_ARTICLES.c.status == _POSTED, _ARTICLES.c.deleted == false())


def _overview_statement(dialect: str) -> Prepared:
    """The columns an overview is made from, for the servable articles numbered lo..hi in
    group g, in number order, at most n: read only for rows with no stored overview (see
    _made_parts). The body's size in octets is counted by the database (the body itself never
    leaves it); SQLite's date comes as its stored text (parsed by _text_date)."""
    a = _ARTICLES
    if dialect == "sqlite":
        size = func.length(sql_cast(a.c.body, LargeBinary))
        date: Any = type_coerce(a.c.date, String).label("date")
    else:
        size = func.octet_length(a.c.body)
        date = a.c.date
    return Prepared(
        select(
            _XREF.c.number,
            a.c.subject,
            a.c.author,
            a.c.author_name,
            date,
            a.c.message_id,
            a.c.refs,
            a.c.newsgroups,
            size.label("size"),
            a.c.lines,
            # as stored (SQLite's 0/1: no result processor per row); the unit takes bool()
            type_coerce(a.c.flowed, Integer).label("flowed"),
        )
        .join(a, a.c.id == _XREF.c.article_id)
        .where(
            _XREF.c.group_id == bindparam("g"),
            _XREF.c.number.between(bindparam("lo"), bindparam("hi")),
            _servable(),
        )
        .order_by(_XREF.c.number)
        .limit(bindparam("n"))
    )


_OVERVIEW = {
    "sqlite": _overview_statement("sqlite"),
    "postgresql": _overview_statement("postgresql"),
}


def _overview_lines_statement(dialect: str) -> Prepared:
    """A chunk of OVER lines: the servable articles numbered lo..hi in group g, in number
    order, at most n, each row (number, line).

    An article in this group only with a stored overview (migration 0013) gets its whole
    line made by the database, in one printf (SQLite) or format (PostgreSQL), as
    OverviewForm describes it (the bind parameters: site; k = the Path, site, Xref host and
    group octets; no_refs/with_refs; fixed_body/flowed_body; xref = "<TAB>Xref: host
    group:"). Any other row gets a NULL line: the service reads its stored columns
    (_stored_of_statement) and makes its line with the form's own formatter."""
    a, x = _ARTICLES, _XREF
    plain = and_(a.c.newsgroups == bindparam("name", type_=String), a.c.overview_head.is_not(None))
    octets = (
        a.c.overview_octets
        + bindparam("k", type_=Integer)
        + func.length(sql_cast(x.c.number, String))
        + func.length(sql_cast(a.c.lines, String))
        + case(
            (a.c.refs == "", bindparam("no_refs", type_=Integer)),
            else_=bindparam("with_refs", type_=Integer),
        )
        + case(
            (a.c.flowed == true(), bindparam("flowed_body", type_=Integer)),
            else_=bindparam("fixed_body", type_=Integer),
        )
    )
    pieces = (
        x.c.number,
        a.c.overview_head,
        bindparam("site", type_=String),
        a.c.overview_tail,
        octets,
        a.c.lines,
        bindparam("xref", type_=String),
        x.c.number,
    )
    if dialect == "sqlite":  # one printf: one string built, where || copies it at each step
        line = func.printf(literal_column("'%d	%s%s%s	%d	%d%s%d'"), *pieces)
    else:
        line = func.format(literal_column("'%s	%s%s%s	%s	%s%s%s'"), *pieces)
    return Prepared(
        select(x.c.number, case((plain, line)).label("line"))
        .join(a, a.c.id == x.c.article_id)
        .where(
            x.c.group_id == bindparam("g"),
            x.c.number.between(bindparam("lo"), bindparam("hi")),
            _servable(),
        )
        .order_by(x.c.number)
        .limit(bindparam("n"))
    )


_OVERVIEW_LINES = {
    "sqlite": _overview_lines_statement("sqlite"),
    "postgresql": _overview_lines_statement("postgresql"),
}


@lru_cache(maxsize=16)
def _others_statement(count: int) -> Prepared:
    """The rows of a chunk the database made no line for: the servable articles numbered
    n0..n<count-1> in group g (_padded sizes) with their stored overview columns, once per
    group each is numbered in (that group's name, read level and number: the Xref)."""
    a, here, other = _ARTICLES, _XREF.alias("here"), _XREF.alias("other")
    return Prepared(
        select(
            here.c.number,
            a.c.newsgroups,
            a.c.overview_head,
            a.c.overview_tail,
            a.c.overview_octets,
            a.c.lines,
            type_coerce(a.c.flowed, Integer).label("flowed"),
            GROUPS.c.name,
            GROUPS.c.read_level,
            other.c.number.label("x_number"),
        )
        .select_from(
            here.join(a, a.c.id == here.c.article_id)
            .join(other, other.c.article_id == here.c.article_id)
            .join(GROUPS, GROUPS.c.id == other.c.group_id)
        )
        .where(
            here.c.group_id == bindparam("g"),
            here.c.number.in_([bindparam(f"n{i}") for i in range(count)]),
            _servable(),
        )
        .order_by(here.c.number)
    )


_ARTICLE_COLUMNS = (
    *HEAD_CORE,
    _ARTICLES.c.body,
    _ARTICLES.c.newsgroups,
    _ARTICLES.c.status,
    _ARTICLES.c.lines,
    _ARTICLES.c.flowed,
    _THREADS.c.locked,
)


def _open_statement() -> Prepared:
    """An article by group name and number, with one row per group it is numbered in (its
    name, read level and number there): the group's read level comes first."""
    here = _XREF.alias("here")
    other = _XREF.alias("other")
    other_group = GROUPS.alias("other_group")
    return Prepared(
        select(
            GROUPS.c.name.label("g_name"),
            GROUPS.c.read_level.label("g_level"),
            *_ARTICLE_COLUMNS,
            other_group.c.name.label("x_name"),
            other_group.c.read_level.label("x_level"),
            other.c.number.label("x_number"),
        )
        .select_from(
            GROUPS.join(
                here, (here.c.group_id == GROUPS.c.id) & (here.c.number == bindparam("number"))
            )
            .join(_ARTICLES, _ARTICLES.c.id == here.c.article_id)
            .join(_THREADS, _THREADS.c.id == _ARTICLES.c.thread_id)
            .join(other, other.c.article_id == _ARTICLES.c.id)
            .join(other_group, other_group.c.id == other.c.group_id)
        )
        .where(GROUPS.c.name == bindparam("name"))
    )


_OPEN = _open_statement()
_BY_MESSAGE_ID = Prepared(
    select(
        *_ARTICLE_COLUMNS,
        GROUPS.c.name.label("x_name"),
        GROUPS.c.read_level.label("x_level"),
        _XREF.c.number.label("x_number"),
    )
    .select_from(
        _ARTICLES.join(_THREADS, _THREADS.c.id == _ARTICLES.c.thread_id)
        .join(_XREF, _XREF.c.article_id == _ARTICLES.c.id)
        .join(GROUPS, GROUPS.c.id == _XREF.c.group_id)
    )
    .where(_ARTICLES.c.message_id == bindparam("mid"))
)
_USER_NOW = Prepared(
    select(
        _USERS.c.handle,
        _USERS.c.handle_key,
        _USERS.c.level,
        _USERS.c.real_name,
        _USERS.c.locked,
    ).where(_USERS.c.id == bindparam("id"))
)


@lru_cache(maxsize=64)
def _newnews_statement(groups: int) -> Prepared:
    """Servable articles numbered in one of the groups g0.. after the key (k_at, k_id) in
    (date, id) order, at most n: from (since, 0) on, every one dated at or after since."""
    a = _ARTICLES
    in_groups = exists().where(
        _XREF.c.article_id == a.c.id,
        _XREF.c.group_id.in_([bindparam(f"g{i}") for i in range(groups)]),
    )
    key = tuple_(a.c.date, a.c.id)
    return Prepared(
        select(a.c.id, a.c.date, a.c.message_id)
        .where(
            key > tuple_(bindparam("k_at", type_=a.c.date.type), bindparam("k_id")),
            _servable(),
            in_groups,
        )
        .order_by(a.c.date, a.c.id)
        .limit(bindparam("n"))
    )


def _padded(ids: Sequence[int]) -> list[int]:
    """`ids` padded to the next power of two with its last one (a few statement shapes)."""
    size = 1
    while size < len(ids):
        size *= 2
    return [*ids, *([ids[-1]] * (size - len(ids)))]


def _complement(deleted: RangeSet, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """The ranges of [lo, hi] that are not in `deleted`, ascending."""
    start = lo
    for a, b in deleted.ranges:
        if b < start:
            continue
        if a > hi:
            break
        if a > start:
            yield start, a - 1
        start = b + 1
        if start > hi:
            return
    if start <= hi:
        yield start, hi


@lru_cache(maxsize=MARKS_MEMO)
def _deleted(deleted_numbers: str) -> RangeSet:
    return RangeSet.parse(deleted_numbers)


@lru_cache(maxsize=MARKS_MEMO)
def _marks(high: int, deleted_numbers: str) -> tuple[int, int, int]:
    """(low, high, count) of a group whose numbers are 1..high minus `deleted_numbers`, as
    RFC 3977 §6.1.1.2 has them: high is the last number given out (it never goes down), low
    the first servable one; an empty group has count 0 and low high + 1."""
    if high <= 0:
        return 1, 0, 0
    deleted = _deleted(deleted_numbers)
    low = deleted.first_missing(1, high)
    if low is None:
        return high + 1, high, 0
    return low, high, high - deleted.count_in(1, high)


@lru_cache(maxsize=MARKS_MEMO)
def _group_of(g: _GroupColumns) -> Group:
    return to_group(g)


@lru_cache(maxsize=MARKS_MEMO)
def _news_group(g: _GroupColumns, posting: str) -> NewsGroup:
    """The NewsGroup of a group's row (a pure function of its columns and the flag, so
    remembered: GROUP is asked constantly, and a group's row changes with each post)."""
    low, high, count = _marks(g.high, g.deleted_numbers)
    return NewsGroup(
        name=g.name,
        description=g.description,
        low=low,
        high=high,
        count=count,
        policy=Policy(g.policy),
        posting=posting,
        created_at=_date(g.created_at),
    )


def _date(value: Any) -> datetime:
    """A stored date as aware UTC: SQLite's text ("2026-12-03 09:47:31.123456") or a driver's
    datetime."""
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if value.tzinfo is UTC:
        return value  # type: ignore[no-any-return]
    d = utc(value)
    assert d is not None
    return d


def _text_date(value: str) -> datetime:
    """SQLite's stored date text (naive UTC, as SQLAlchemy writes it) as aware UTC: with
    "+00:00" appended, fromisoformat makes it aware in ~0.35 us, where .replace(tzinfo=UTC)
    costs ~3.5 us (Python 3.11). Text that already has an offset goes the general way."""
    try:
        return _FROM_ISO(value + "+00:00")
    except ValueError:
        return _date(value)


_FROM_ISO = datetime.fromisoformat


def _in_order(newsgroups: str, numbered: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """The (group, number) pairs of `numbered` in the order of the Newsgroups line (then any
    others by name), so ARTICLE's Xref and OVER's agree."""
    named = [n for n in newsgroups.split(",") if n in numbered]
    rest = sorted(set(numbered) - set(named))
    return tuple((n, numbered[n]) for n in dict.fromkeys([*named, *rest]))


def _made_parts(rows: Sequence[Any], sqlite: bool) -> dict[int, tuple[str, str, int]]:
    """number -> overview_parts of the full overview rows `rows` (_OVERVIEW's columns): for
    articles with no stored overview."""
    made: dict[int, tuple[str, str, int]] = {}
    for n, subject, author, author_name, date, mid, refs, _, octets, lines, _ in rows:
        when = _text_date(date) if sqlite else _date(date)
        made[n] = overview_parts(subject, author, author_name, when, mid, refs, octets or 0, lines)
    return made


def _unwanted(future: asyncio.Future[Any]) -> None:
    """A read nobody waits for any more: its outcome read, so a failure is not logged as
    never retrieved."""
    if not future.cancelled():
        future.exception()


class NewsService:
    """NewsBackend (transports/nntp/backend.py) over the board's services and database.

    `anonymous_read`: a reader that has not logged in reads as a USER (the public groups);
    when False it sees no group at all. `guests_read_only`: a demo board's guest accounts
    may not post (posting flag "n"). `chunk`: overview rows per read.
    """

    def __init__(
        self,
        db: Database,
        articles: ArticleService,
        auth: LoginService,
        guard: ConnectionGuard,
        *,
        path_host: str,
        anonymous_read: bool = True,
        guests_read_only: bool = False,
        chunk: int = OVERVIEW_CHUNK,
    ) -> None:
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        self._db = db
        self._articles = articles
        self._auth = auth
        self._guard = guard
        self._path = f"{path_host}!not-for-mail"
        self._anonymous_read = anonymous_read
        self._guests_read_only = guests_read_only
        self._chunk = chunk

    # ---- who reads ------------------------------------------------------------------------
    def _level(self, reader: User | None) -> int | None:
        """The level `reader` reads at; None: nothing (anonymous on a closed board)."""
        if reader is None:
            return int(Level.USER) if self._anonymous_read else None
        return int(reader.level)

    def _posting(self, reader: User | None, g: _GroupColumns) -> str:
        if reader is None or write_refusal(reader, self._guests_read_only, "posting"):
            return "n"
        if posting_refusal(reader, _group_of(g)):
            return "n"
        if g.policy == Policy.MODERATED and not reader.is_moderator:
            return "m"
        return "y"

    def _news_group(self, reader: User | None, g: _GroupColumns) -> NewsGroup:
        return _news_group(g, self._posting(reader, g))

    async def _visible(self, reader: User | None) -> list[_GroupColumns]:
        level = self._level(reader)
        if level is None:
            return []
        return [_GroupColumns._make(r) for r in await self._db.fetch(_VISIBLE, {"level": level})]

    async def _group_row(self, reader: User | None, name: str) -> _GroupColumns:
        """The group called `name` if `reader` may read it: one short read. Raises NotFound."""
        level = self._level(reader)
        if level is not None:
            rows = await self._db.fetch(_NAMED, {"name": name})
            if rows and rows[0].read_level <= level:
                return _GroupColumns._make(rows[0])
        raise NotFound(f"There is no group called '{name[:80]}'.")

    # ---- logging in -----------------------------------------------------------------------
    async def login(self, handle: str, password: str, address: str) -> User:
        """LoginService.login (its throttling, locks and bans), for AUTHINFO USER/PASS.
        Raises AuthFailed (AccountLocked, LoginThrottled); AuthFailed too for an account
        whose password the sysop reset (a new one is chosen by telnet or SSH)."""
        result = await self._auth.login(handle, password, address)
        if result.user.must_change_password:
            raise AuthFailed(MUST_CHANGE)
        return result.user

    async def current(self, user: User) -> User | None:
        """The user as stored now (level, handle, real name), or None when the account is
        gone, locked by the sysop or its handle banned. A read that fails keeps `user`."""
        try:
            rows = await self._db.fetch(_USER_NOW, {"id": user.id})
        except BoardError:
            log.warning("could not re-read user %s; keeping the level they had", user.id)
            return user
        if not rows or rows[0].locked:
            return None
        row = rows[0]
        if self._guard.ban_for_handle(row.handle_key) is not None:
            return None
        if (row.level, row.handle, row.real_name) == (int(user.level), user.handle, user.real_name):
            return user
        return replace(user, level=Level(row.level), handle=row.handle, real_name=row.real_name)

    # ---- groups ---------------------------------------------------------------------------
    async def groups(self, reader: User | None) -> list[NewsGroup]:
        """Every group `reader` may read, by name: one short read."""
        return [self._news_group(reader, g) for g in await self._visible(reader)]

    async def group(self, reader: User | None, name: str) -> NewsGroup:
        """One group by its name as stored: one indexed read of its row. Raises NotFound."""
        return self._news_group(reader, await self._group_row(reader, name))

    async def new_groups(self, reader: User | None, since: datetime) -> list[NewsGroup]:
        """Groups `reader` may read created at or after `since` (aware, or naive UTC)."""
        since = utc(since) or since
        return [
            self._news_group(reader, g)
            for g in await self._visible(reader)
            if _date(g.created_at) >= since
        ]

    # ---- numbers --------------------------------------------------------------------------
    async def numbers(self, reader: User | None, group: str, low: int, high: int) -> list[int]:
        """Servable numbers in [low, high] (LISTGROUP), from the group's row. Raises NotFound."""
        g = await self._group_row(reader, group)
        out: list[int] = []
        for a, b in _complement(_deleted(g.deleted_numbers), max(low, 1), min(high, g.high)):
            out.extend(range(a, b + 1))
        return out

    async def neighbour(
        self, reader: User | None, group: str, number: int, *, forward: bool
    ) -> int | None:
        """The next (previous) servable number after (before) `number`, or None (NEXT, LAST)."""
        g = await self._group_row(reader, group)
        deleted = _deleted(g.deleted_numbers)
        if forward:
            return deleted.first_missing(1, g.high, max(number, 0))
        n = min(number - 1, g.high)
        if n < 1:
            return None
        for a, b in reversed(deleted.ranges):
            if a <= n <= b:
                n = a - 1  # ranges are never adjacent: a - 1 is free (or 0)
                break
            if b < n:
                break
        return n if n >= 1 else None

    # ---- overview -------------------------------------------------------------------------
    async def overview(
        self,
        reader: User | None,
        group: str,
        low: int,
        high: int,
        form: OverviewForm,
        *,
        chunk: int | None = None,
    ) -> AsyncIterator[list[str]]:
        """The OVER lines (as `form` writes them) of the servable articles numbered low..high,
        in number order, at most `chunk` (the service's by default) a list: each list one
        read of an indexed range of xref joined to the articles, continuing after the last
        number; never an empty list. Raises NotFound (group) on the first iteration.

        The next chunk is read (on a reader thread) while the caller works on this one: at
        most one read ahead, cancelled if the caller stops."""
        g = await self._group_row(reader, group)
        level = self._level(reader)
        assert level is not None
        size = max(1, chunk or self._chunk)
        lo, hi = max(low, 1), min(high, g.high)
        if lo > hi:
            return
        db = self._db

        def read(lo: int) -> asyncio.Future[tuple[list[str], int, int]]:
            return asyncio.ensure_future(
                db.read_unit(self._overview_unit(g, level, lo, hi, size, form))
            )

        ahead: asyncio.Future[tuple[list[str], int, int]] | None = read(lo)
        try:
            while ahead is not None:
                lines, count, last = await ahead
                ahead = None
                if count == size and last < hi:
                    ahead = read(last + 1)
                if lines:
                    yield lines
        finally:
            if ahead is not None:  # the caller stopped early: the read ahead is not wanted
                ahead.add_done_callback(_unwanted)
                ahead.cancel()

    def _overview_unit(
        self, g: _GroupColumns, level: int, lo: int, hi: int, size: int, form: OverviewForm
    ) -> Callable[[Raw], tuple[list[str], int, int]]:
        """One chunk from `lo`: (its lines, rows read, the last number read). The lines of
        articles in this group only come made by the database (_OVERVIEW_LINES); the others
        (cross-posted, or with no stored overview) become OverviewRows, with the Xref of the
        groups the reader may read (a second statement) and the overview made from the
        article's columns where none is stored (a third), and go through form.lines_of."""
        name = g.name
        path = self._path.translate(ONE_LINE)
        site = path.split("!", 1)[0]
        sqlite = self._db.is_sqlite
        statement = _OVERVIEW_LINES[self._db.dialect]
        full = _OVERVIEW[self._db.dialect]
        params = {
            "g": g.id,
            "lo": lo,
            "hi": hi,
            "n": size,
            "name": name,
            "site": site,
            "k": wire_octets(path + site) + form.xref_octets + 2 * len(name) + 1,
            "no_refs": form.no_refs,
            "with_refs": form.with_refs,
            "fixed_body": form.fixed,
            "flowed_body": form.flowed,
            "xref": f"\tXref: {form.host} {name}:",
        }

        def unit(raw: Raw) -> tuple[list[str], int, int]:
            rows = raw.tuples(statement, params)
            if not rows:
                return [], 0, lo
            lines = [r[1] for r in rows]
            if None in lines:
                made = self._other_lines(raw, rows, g, level, path, form, full, sqlite)
                lines = [made.get(r[0]) if r[1] is None else r[1] for r in rows]
                lines = [line for line in lines if line is not None]
            return lines, len(rows), rows[-1][0]

        return unit

    def _other_lines(
        self,
        raw: Raw,
        rows: Sequence[Any],
        g: _GroupColumns,
        level: int,
        path: str,
        form: OverviewForm,
        full: Prepared,
        sqlite: bool,
    ) -> dict[int, str]:
        """number -> line of the rows of a chunk the database did not make a line for: one
        statement for their stored columns and Xref (_others_statement), one more for those
        with nothing stored (made from the article's columns)."""
        name = g.name
        padded = _padded([r[0] for r in rows if r[1] is None])
        values: dict[str, Any] = {f"n{i}": n for i, n in enumerate(padded)}
        values["g"] = g.id
        stored: dict[int, tuple[Any, ...]] = {}
        numbered: dict[int, dict[str, int]] = {}
        for r in raw.tuples(_others_statement(len(padded)), values):
            stored[r[0]] = r[1:7]
            if r[8] <= level:
                numbered.setdefault(r[0], {})[r[7]] = r[9]
        if not stored:
            return {}
        made: dict[int, tuple[str, str, int]] = {}
        if any(v[1] is None for v in stored.values()):
            lo, hi = min(stored), max(stored)
            made = _made_parts(
                raw.tuples(full, {"g": g.id, "lo": lo, "hi": hi, "n": len(rows)}), sqlite
            )
        out: list[OverviewRow] = []
        for n, (groups, head, tail, octets, lines, fl) in stored.items():
            if head is None:
                parts = made.get(n)
                if parts is None:  # gone between the two reads (PostgreSQL)
                    continue
                head, tail, octets = parts
            pairs = _in_order(groups, numbered.get(n, {name: n}))
            newsgroups = tuple(group for group, _ in pairs)
            out.append(OverviewRow(n, head, tail, octets, lines, path, newsgroups, pairs, bool(fl)))
        return dict(zip((r.number for r in out), form.lines_of(out), strict=True))

    # ---- articles -------------------------------------------------------------------------
    def _article(self, rows: list[Any], level: int, *, number: int, group: str) -> Article:
        first = rows[0]
        numbered = {r.x_name: r.x_number for r in rows if r.x_level <= level}
        xref = _in_order(first.newsgroups, numbered)
        return Article(
            head=head_of(first, number=number, group=group),
            body=first.body,
            newsgroups=tuple(n for n, _ in xref),
            xref=xref,
            status=Status(first.status),
            path=self._path,
            lines=first.lines,
            thread_locked=bool(first.locked),
            flowed=bool(first.flowed),
        )

    async def article(self, reader: User | None, group: str, number: int) -> Article:
        """The servable article numbered `number` in `group`: one short read, no read marks.
        Raises NotFound (group, number, deleted or held)."""
        level = self._level(reader)
        if level is None:
            raise NotFound(f"There is no group called '{group[:80]}'.")
        rows = await self._db.fetch(_OPEN, {"name": group, "number": number})
        if rows and rows[0].g_level > level:
            raise NotFound(f"There is no group called '{group[:80]}'.")
        if not rows or rows[0].deleted or rows[0].status != _POSTED:
            raise NotFound(f"There is no article {number} in {group[:80]}.")
        return self._article(rows, level, number=number, group=rows[0].g_name)

    async def article_by_message_id(self, reader: User | None, message_id: str) -> Article:
        """The servable article with `message_id` in a group `reader` may read (head.number
        0, head.group the first such group): one short read. Raises NotFound."""
        level = self._level(reader)
        if level is None or not is_valid_message_id(message_id):
            raise NotFound("No such article.")
        rows = await self._db.fetch(_BY_MESSAGE_ID, {"mid": message_id})
        readable = [r for r in rows if r.x_level <= level]
        if not readable or rows[0].deleted or rows[0].status != _POSTED:
            raise NotFound("No such article.")
        numbered = [r for r in rows if r.x_level <= level]
        group = _in_order(rows[0].newsgroups, {r.x_name: r.x_number for r in numbered})[0][0]
        return self._article(rows, level, number=0, group=group)

    def new_message_ids(
        self, reader: User | None, groups: list[str], since: datetime
    ) -> AsyncIterator[list[str]]:
        """Message-IDs of servable articles numbered in any of `groups` (unknown or hidden
        names are left out) dated at or after `since`, in (date, id) order, NEWNEWS_CHUNK a
        list, each article once. Each list is one read of ix_articles_date (migration 0012)
        from the last (date, id) on, probing xref for the groups (100,000 articles on SQLite:
        ~2.7 s for all of them, ~0.07 s for the 2,801 of the last day)."""
        return self._new_message_ids(reader, groups, since)

    async def _new_message_ids(
        self, reader: User | None, groups: list[str], since: datetime
    ) -> AsyncIterator[list[str]]:
        wanted = set(groups)
        ids = sorted(g.id for g in await self._visible(reader) if g.name in wanted)
        if not ids:
            return
        padded = _padded(ids)
        statement = _newnews_statement(len(padded))
        since = utc(since) or since
        values: dict[str, Any] = {f"g{i}": g for i, g in enumerate(padded)}
        values.update(k_at=since, k_id=0, n=NEWNEWS_CHUNK)
        while True:
            rows = await self._db.read_unit(lambda raw: raw.rows(statement, dict(values)))
            if rows:
                yield [r.message_id for r in rows]
            if len(rows) < NEWNEWS_CHUNK:
                return
            last = rows[-1]
            values.update(k_at=last.date, k_id=last.id)

    # ---- posting --------------------------------------------------------------------------
    async def post(self, user: User, submission: Submission) -> PostResult:
        """A newsreader's article posted as `user` through ArticleService.post_as_sent: the
        composer's rules, the body as sent (`flowed` as declared), the reader's Message-ID
        if it chose one. Raises ValidationError, NotFound, PermissionDenied, Conflict,
        StorageError."""
        return await self._articles.post_as_sent(
            user,
            submission.newsgroups,
            submission.subject,
            submission.body,
            flowed=submission.flowed,
            parent_message_id=submission.parent_message_id,
            message_id=submission.message_id,
        )

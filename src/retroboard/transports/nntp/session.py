"""One newsreader's NNTP conversation (RFC 3977 reader, RFC 4643 AUTHINFO USER/PASS, RFC 6048
LIST COUNTS) as a state machine with no I/O, hypercorn style: the server hands it one command
line at a time and writes what it yields, a piece at a time.

Everything the session knows of the board comes through a NewsBackend; everything it sends is
built by message.py (headers, overview lines, dot-stuffing). Nothing raises out of `handle` or
`receive_article` but a bug: the board's errors become response codes, and an unexpected
exception is logged and answered "403" (the session stays usable).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from retroboard.domain.boards import Article
from retroboard.domain.errors import (
    AuthFailed,
    BoardError,
    Conflict,
    NotFound,
    PermissionDenied,
    StorageError,
    ValidationError,
)
from retroboard.domain.news import (
    OVERVIEW_EXTRA,
    OVERVIEW_FIELDS,
    NewsGroup,
    overview_of,
)
from retroboard.domain.users import Level, User
from retroboard.transports.nntp.backend import NewsBackend
from retroboard.transports.nntp.message import (
    TERMINATOR,
    ArticleRejected,
    article_text,
    encode_lines,
    header_value,
    is_nntp_message_id,
    overview_block,
    overview_form,
    overview_header,
    overview_line,
    parse_submission,
)
from retroboard.transports.nntp.options import NNTPOptions
from retroboard.transports.nntp.wildmat import compile_wildmat

log = logging.getLogger(__name__)

# A multi-line response is yielded in pieces of about this many characters (status line
# included), so the server can write and drain each; a short response is one piece.
PIECE = 64 * 1024
MAX_NUMBER = 2**31 - 1  # RFC 3977 §6: article numbers are 1..2,147,483,647
_NUMBER = re.compile(r"[0-9]{1,16}")
_DATE = re.compile(r"([0-9]{6}|[0-9]{8})")
_TIME = re.compile(r"[0-9]{6}")
_SPACE = re.compile(r"[ \t]+")
# Overview fields HDR can answer from overview rows without fetching whole articles.
_OVERVIEW_HEADERS = frozenset(
    {"subject", "from", "date", "message-id", "references", "xref", ":bytes", ":lines"}
)
_METADATA = (":bytes", ":lines")  # the metadata items HDR answers (LIST HEADERS)

HELP_TEXT = (
    "ARTICLE [message-id|number]",
    "AUTHINFO USER name",
    "AUTHINFO PASS password",
    "BODY [message-id|number]",
    "CAPABILITIES [keyword]",
    "DATE",
    "GROUP group",
    "HDR field [message-id|range]",
    "HEAD [message-id|number]",
    "HELP",
    "LAST",
    "LIST [ACTIVE|ACTIVE.TIMES|COUNTS|NEWSGROUPS [wildmat]]",
    "LIST [OVERVIEW.FMT|HEADERS [MSGID|RANGE]]",
    "LISTGROUP [group [range]]",
    "MODE READER",
    "NEWGROUPS [yy]yymmdd hhmmss [GMT]",
    "NEWNEWS wildmat [yy]yymmdd hhmmss [GMT]",
    "NEXT",
    "OVER [message-id|range]",
    "POST",
    "QUIT",
    "STAT [message-id|number]",
    "XHDR field [message-id|range]",
    "XOVER [range]",
)

_Handler = Callable[[list[str], str], AsyncIterator[bytes]]


def _status(text: str) -> bytes:
    return (text + "\r\n").encode("utf-8", "replace")


def _one_line(text: str) -> str:
    """Text from the board (an error's message) fit for a response line."""
    return " ".join(text.split())[:400]


class _Pieces:
    """A multi-line response built up a batch of lines at a time, handed out in pieces of
    about PIECE octets (whole lines, cut at an LF; a longer line goes whole), the status
    line in the first and the terminator in the last."""

    __slots__ = ("_parts", "_size")

    def __init__(self, status: str) -> None:
        first = _status(status)
        self._parts = [first]
        self._size = len(first)

    def add(self, lines: list[str]) -> list[bytes]:
        return self.feed(encode_lines(lines))

    def feed(self, data: bytes) -> list[bytes]:
        """Take `data` (whole lines, encoded and dot-stuffed); the pieces now ready."""
        size = self._size
        if not data:
            return []
        if size + len(data) < PIECE:
            self._parts.append(data)
            self._size = size + len(data)
            return []
        ready: list[bytes] = []
        parts = self._parts
        pos, end = 0, len(data)
        while size + end - pos >= PIECE:
            cut = data.rfind(b"\n", pos, pos + PIECE - size)
            if cut < 0:
                if size:  # the next line does not fit: what is held goes first
                    ready.append(b"".join(parts))
                    parts = []
                    size = 0
                    continue
                cut = data.find(b"\n", pos)  # one line longer than a piece
                if cut < 0:
                    break
            parts.append(data[pos : cut + 1])
            ready.append(b"".join(parts) if len(parts) > 1 else parts[0])
            parts = []
            size = 0
            pos = cut + 1
        if pos < end:
            parts.append(data[pos:] if pos else data)
            size += end - pos
        self._parts = parts
        self._size = size
        return ready

    def end(self) -> bytes:
        self._parts.append(TERMINATOR)
        data = b"".join(self._parts)
        self._parts = []
        return data


def _block(status: str, lines: Iterable[str]) -> Iterable[bytes]:
    pieces = _Pieces(status)
    yield from pieces.add(list(lines))
    yield pieces.end()


def _loggable(line: str) -> str:
    """A command line fit for the log: never an AUTHINFO argument (a password)."""
    words = _words(line, 2)
    if words and words[0].upper() == "AUTHINFO":
        return " ".join(words[:2]) + " ***"
    return line[:80]


def _words(line: str, maxsplit: int = 0) -> list[str]:
    """A command's words (RFC 3977 §3.1: separated by spaces and TABs, nothing else);
    with `maxsplit`, the last one is the rest of the line."""
    return _SPACE.split(line.strip(" \t"), maxsplit) if line.strip(" \t") else []


def _number(arg: str) -> int:
    """An article number (RFC 3977 §6: 1..2^31-1, leading zeros allowed); ValueError else."""
    if not _NUMBER.fullmatch(arg):
        raise ValueError(arg)
    n = int(arg)
    if not 1 <= n <= MAX_NUMBER:
        raise ValueError(arg)
    return n


def _range(arg: str) -> tuple[int, int]:
    """RFC 3977 range "n", "n-" or "n-m" as (low, high); high < low is an empty range."""
    low, dash, high = arg.partition("-")
    start = _number(low)
    if not dash:
        return start, start
    return start, _number(high) if high else MAX_NUMBER


def _since(date: str, hhmmss: str, zone: str | None, now: datetime) -> datetime:
    """NEWGROUPS/NEWNEWS date and time (RFC 3977 §7.3.2), as UTC (the server's own time is
    UTC, so with or without "GMT" it is the same); ValueError when malformed."""
    if not _DATE.fullmatch(date) or not _TIME.fullmatch(hhmmss):
        raise ValueError(date)
    if zone is not None and zone.upper() != "GMT":
        raise ValueError(zone)
    if len(date) == 6:
        yy = int(date[:2])
        century = now.year // 100 * 100
        year = century + yy if yy <= now.year % 100 else century - 100 + yy
        date = f"{year:04d}{date[2:]}"
    return datetime.strptime(date + hhmmss, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


async def _close(iterator: AsyncIterator[Any]) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


class NNTPSession:
    """The state of one reader's connection: who they are, the selected group and current
    article; `handle` answers one command line, `receive_article` a POSTed article."""

    def __init__(
        self,
        backend: NewsBackend,
        options: NNTPOptions,
        address: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.backend = backend
        self.options = options
        self._form = overview_form(options)
        self.address = address
        self.user: User | None = None
        self.expecting_article = False
        self.closing = False
        self.group: NewsGroup | None = None  # the selected group (as of its GROUP)
        self.current: int | None = None  # the current article number in it
        self._pending_user: str | None = None  # AUTHINFO USER waiting for its PASS
        self._clock = clock
        self._now = now
        self._checked_at = clock()
        self._commands: dict[str, _Handler] = {
            "ARTICLE": self._article,
            "AUTHINFO": self._authinfo,
            "BODY": self._article,
            "CAPABILITIES": self._capabilities,
            "DATE": self._date,
            "GROUP": self._group,
            "HDR": self._hdr,
            "HEAD": self._article,
            "HELP": self._help,
            "LAST": self._next_last,
            "LIST": self._list,
            "LISTGROUP": self._listgroup,
            "MODE": self._mode,
            "NEWGROUPS": self._newgroups,
            "NEWNEWS": self._newnews,
            "NEXT": self._next_last,
            "OVER": self._over,
            "POST": self._post,
            "QUIT": self._quit,
            "STAT": self._article,
            "XHDR": self._hdr,
            "XOVER": self._over,
        }

    # -- what the server calls -------------------------------------------------------------

    @property
    def posting(self) -> bool:
        """Whether this session may post: a logged-in reader above guest level (per group,
        the board decides: LIST ACTIVE's flag)."""
        return self.user is not None and self.user.level >= Level.USER

    def greeting(self) -> bytes:
        host = self.options.host
        if self.posting:
            return _status(f"200 {host} retroboard NNTP ready (posting ok)")
        return _status(f"201 {host} retroboard NNTP ready (no posting)")

    def too_long(self) -> bytes:
        return b"501 Line too long\r\n"

    async def handle(self, line: str) -> AsyncIterator[bytes]:
        """Answer one command line (CRLF removed, decoded with surrogateescape)."""
        started = False
        try:
            async for piece in self._dispatch(line):
                started = True
                yield piece
        except BoardError as exc:  # a service refused in a way this command does not expect
            log.warning(
                "nntp %s: %r: %s: %s", self.address, _loggable(line), type(exc).__name__, exc
            )
            if started:
                self.closing = True
                yield TERMINATOR
            else:
                yield _status(f"403 {_one_line(str(exc)) or 'internal fault'}")
        except Exception:
            log.exception("nntp %s: %r failed", self.address, _loggable(line))
            if started:
                # In the middle of a block: end it and hang up rather than send a short list
                # as if it were whole.
                self.closing = True
                yield TERMINATOR
            else:
                yield b"403 internal fault\r\n"

    async def receive_article(self, lines: list[bytes] | None) -> AsyncIterator[bytes]:
        """Answer the article that followed POST's 340 (None: the server dropped it as too big)."""
        self.expecting_article = False
        try:
            yield _status(await self._posted(lines))
        except Exception:
            log.exception("nntp %s: POST failed", self.address)
            yield b"403 internal fault\r\n"

    # -- dispatch ----------------------------------------------------------------------------

    async def _dispatch(self, line: str) -> AsyncIterator[bytes]:
        if any("\udc80" <= c <= "\udcff" for c in line):
            yield b"501 Command is not valid UTF-8\r\n"
            return
        words = _words(line)
        verb = words[0].upper() if words else ""
        handler = self._commands.get(verb)
        if handler is None:
            yield b"500 Unknown command\r\n"
            return
        if self.user is not None and verb != "QUIT" and not await self._refresh():
            self.closing = True
            yield b"400 Your account may no longer read news here\r\n"
            return
        if (
            self.user is None
            and not self.options.anonymous_read
            and verb not in ("AUTHINFO", "CAPABILITIES", "DATE", "HELP", "MODE", "QUIT")
        ):
            yield b"480 Authentication required\r\n"
            return
        async for piece in handler(words, line):
            yield piece

    async def _refresh(self) -> bool:
        """The logged-in reader as the board knows them now, at most refresh_seconds stale."""
        user = self.user
        assert user is not None
        now = self._clock()
        if now - self._checked_at <= self.options.refresh_seconds:
            return True
        fresh = await self.backend.current(user)
        self._checked_at = now
        if fresh is None:
            self.user = None
            self.group = None
            self.current = None
            return False
        self.user = fresh
        return True

    # -- session commands --------------------------------------------------------------------

    async def _capabilities(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        caps = ["VERSION 2", "READER"]
        if self.posting:
            caps.append("POST")
        if self.user is None:
            caps.append("AUTHINFO USER")
        caps += [
            "HDR",
            "OVER MSGID",
            "LIST ACTIVE NEWSGROUPS OVERVIEW.FMT ACTIVE.TIMES HEADERS COUNTS",
            "NEWNEWS",
            "IMPLEMENTATION retroboard",
        ]
        for piece in _block("101 Capability list:", caps):
            yield piece

    async def _mode(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) != 2 or words[1].upper() != "READER":
            yield b"501 Unknown MODE option\r\n"
        elif self.posting:
            yield b"200 Reader mode, posting permitted\r\n"
        else:
            yield b"201 Reader mode, posting prohibited\r\n"

    async def _help(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        for piece in _block("100 Help text follows", HELP_TEXT):
            yield piece

    async def _date(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) != 1:
            yield b"501 Syntax error\r\n"
            return
        yield _status(f"111 {self._now().astimezone(UTC):%Y%m%d%H%M%S}")

    async def _quit(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        self.closing = True
        yield b"205 closing connection\r\n"

    # -- AUTHINFO (RFC 4643) -----------------------------------------------------------------

    async def _authinfo(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        sub = words[1].upper() if len(words) > 1 else ""
        if sub not in ("USER", "PASS"):
            yield b"501 Unknown AUTHINFO option\r\n"
            return
        # The argument is the rest of the line (a password may hold spaces).
        parts = _words(line, 2)
        if len(parts) < 3:
            yield b"501 Syntax error\r\n"
            return
        if self.user is not None:
            yield b"502 Already authenticated\r\n"
            return
        if sub == "USER":
            self._pending_user = parts[2]
            yield b"381 Password required\r\n"
            return
        handle = self._pending_user
        if handle is None:
            yield b"482 Authentication commands issued out of sequence\r\n"
            return
        self._pending_user = None
        try:
            user = await self.backend.login(handle, parts[2], self.address)
        except AuthFailed as exc:
            yield _status(f"481 {_one_line(str(exc)) or 'Authentication failed'}")
            return
        self.user = user
        self._checked_at = self._clock()
        yield b"281 Authentication accepted\r\n"

    # -- LIST --------------------------------------------------------------------------------

    async def _list(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) > 3:
            yield b"501 Syntax error\r\n"
            return
        keyword = words[1].upper() if len(words) > 1 else "ACTIVE"
        arg = words[2] if len(words) > 2 else None
        if keyword == "OVERVIEW.FMT":
            if arg is not None:
                yield b"501 Syntax error\r\n"
                return
            fields = [*OVERVIEW_FIELDS, *OVERVIEW_EXTRA]
            for piece in _block("215 Order of fields in overview database.", fields):
                yield piece
            return
        if keyword == "HEADERS":
            if arg is not None and arg.upper() not in ("MSGID", "RANGE"):
                yield b"501 Syntax error\r\n"
                return
            # Any header by message-id and over a range (non-overview ones article by article).
            for piece in _block("215 Headers and metadata items supported:", [":", *_METADATA]):
                yield piece
            return
        formats: dict[str, Callable[[NewsGroup], str]] = {
            "ACTIVE": lambda g: f"{g.name} {g.high} {g.low} {g.posting}",
            "NEWSGROUPS": lambda g: f"{g.name}\t{_one_line(g.description)}",
            "ACTIVE.TIMES": lambda g: (
                f"{g.name} {int(g.created_at.timestamp())} usenet@{self.options.host}"
            ),
            "COUNTS": lambda g: f"{g.name} {g.high} {g.low} {g.count} {g.posting}",
        }
        fmt = formats.get(keyword)
        if fmt is None:
            yield b"501 Unknown LIST keyword\r\n"
            return
        try:
            match = compile_wildmat(arg) if arg is not None else None
        except ValueError:
            yield b"501 Syntax error in wildmat\r\n"
            return
        groups = await self.backend.groups(self.user)
        text = (
            "215 list of newsgroups follows" if keyword == "ACTIVE" else "215 information follows"
        )
        lines = [fmt(g) for g in groups if match is None or match(g.name)]
        for piece in _block(text, lines):
            yield piece

    async def _newgroups(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) not in (3, 4):
            yield b"501 Syntax error\r\n"
            return
        try:
            since = _since(words[1], words[2], words[3] if len(words) > 3 else None, self._now())
        except ValueError:
            yield b"501 Syntax error in date or time\r\n"
            return
        groups = await self.backend.new_groups(self.user, since)
        lines = [f"{g.name} {g.high} {g.low} {g.posting}" for g in groups]
        for piece in _block("231 list of new newsgroups follows", lines):
            yield piece

    async def _newnews(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) not in (4, 5):
            yield b"501 Syntax error\r\n"
            return
        try:
            match = compile_wildmat(words[1])
            since = _since(words[2], words[3], words[4] if len(words) > 4 else None, self._now())
        except ValueError:
            yield b"501 Syntax error\r\n"
            return
        names = [g.name for g in await self.backend.groups(self.user) if match(g.name)]
        pieces = _Pieces("230 list of new articles by message-id follows")
        if names:
            chunks = self.backend.new_message_ids(self.user, names, since)
            try:
                async for ids in chunks:
                    for piece in pieces.add(ids):
                        yield piece
            finally:
                await _close(chunks)
        yield pieces.end()

    # -- groups and the current article ------------------------------------------------------

    def _drop_group(self) -> None:
        self.group = None
        self.current = None

    async def _select(self, name: str) -> NewsGroup | None:
        try:
            group = await self.backend.group(self.user, name)
        except NotFound:
            if self.group is not None and self.group.name == name:
                self._drop_group()
            return None
        self.group = group
        self.current = group.low if group.count > 0 else None
        return group

    async def _group_gone(self) -> bool:
        """After a NotFound for the selected group: is the group itself gone for this reader
        (then it is dropped)? False when only the article was missing."""
        assert self.group is not None
        try:
            await self.backend.group(self.user, self.group.name)
        except NotFound:
            self._drop_group()
            return True
        return False

    async def _group(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) != 2:
            yield b"501 Syntax error\r\n"
            return
        group = await self._select(words[1])
        if group is None:
            yield _status(f"411 {words[1]} is unknown")
            return
        yield _status(f"211 {group.count} {group.low} {group.high} {group.name}")

    async def _listgroup(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) > 3:
            yield b"501 Syntax error\r\n"
            return
        low, high = 1, MAX_NUMBER
        if len(words) == 3:
            try:
                low, high = _range(words[2])
            except ValueError:
                yield b"501 Syntax error in range\r\n"
                return
        if len(words) >= 2:
            group = await self._select(words[1])
            if group is None:
                yield _status(f"411 {words[1]} is unknown")
                return
        elif self.group is not None:
            group = await self._select(self.group.name)
            if group is None:
                yield b"412 No newsgroup selected\r\n"
                return
        else:
            yield b"412 No newsgroup selected\r\n"
            return
        low, high = max(low, group.low), min(high, group.high)
        numbers: list[int] = []
        if low <= high:
            try:
                numbers = await self.backend.numbers(self.user, group.name, low, high)
            except NotFound:
                self._drop_group()
                yield _status(f"411 {group.name} is unknown")
                return
        status = f"211 {group.count} {group.low} {group.high} {group.name} list follows"
        for piece in _block(status, map(str, numbers)):
            yield piece

    async def _next_last(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) != 1:
            yield b"501 Syntax error\r\n"
            return
        group = self.group
        if group is None:
            yield b"412 No newsgroup selected\r\n"
            return
        if self.current is None:
            yield b"420 No current article selected\r\n"
            return
        forward = words[0].upper() == "NEXT"
        try:
            number = await self.backend.neighbour(
                self.user, group.name, self.current, forward=forward
            )
        except NotFound:
            self._drop_group()
            yield b"412 No newsgroup selected\r\n"
            return
        article = None
        while number is not None:  # an article may vanish between the two reads
            try:
                article = await self.backend.article(self.user, group.name, number)
                break
            except NotFound:
                if await self._group_gone():
                    yield b"412 No newsgroup selected\r\n"
                    return
                number = await self.backend.neighbour(
                    self.user, group.name, number, forward=forward
                )
        if number is None or article is None:
            if forward:
                yield b"421 No next article to retrieve\r\n"
            else:
                yield b"422 No previous article to retrieve\r\n"
            return
        self.current = number
        yield _status(f"223 {number} {article.head.message_id} retrieved")

    # -- ARTICLE, HEAD, BODY, STAT -----------------------------------------------------------

    async def _article(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        verb = words[0].upper()
        if len(words) > 2:
            yield b"501 Too many arguments\r\n"
            return
        arg = words[1] if len(words) > 1 else None
        number = 0
        if arg is not None and is_nntp_message_id(arg):
            try:
                article = await self.backend.article_by_message_id(self.user, arg)
            except NotFound:
                yield b"430 No article with that message-id\r\n"
                return
        else:
            if arg is not None:
                try:
                    number = _number(arg)
                except ValueError:
                    yield b"501 Syntax error\r\n"
                    return
            group = self.group
            if group is None:
                yield b"412 No newsgroup selected\r\n"
                return
            if arg is None:
                if self.current is None:
                    yield b"420 No current article selected\r\n"
                    return
                number = self.current
            try:
                article = await self.backend.article(self.user, group.name, number)
            except NotFound:
                if await self._group_gone():
                    yield b"412 No newsgroup selected\r\n"
                elif arg is None:
                    yield b"420 Current article number is invalid\r\n"
                else:
                    yield b"423 No article with that number\r\n"
                return
            self.current = number
        mid = article.head.message_id
        if verb == "STAT":
            yield _status(f"223 {number} {mid}")
            return
        headers, body = article_text(article, self.options)
        if verb == "HEAD":
            lines, code = headers, 221
        elif verb == "BODY":
            lines, code = body, 222
        else:
            lines, code = [*headers, "", *body], 220
        for piece in _block(f"{code} {number} {mid}", lines):
            yield piece

    # -- OVER, HDR ---------------------------------------------------------------------------

    async def _selection(
        self, arg: str | None
    ) -> tuple[str | None, Article | None, tuple[int, int] | None]:
        """What an OVER/HDR argument selects: (error response, article by message-id,
        (low, high) in the selected group)."""
        if arg is not None and is_nntp_message_id(arg):
            try:
                return None, await self.backend.article_by_message_id(self.user, arg), None
            except NotFound:
                return "430 No article with that message-id", None, None
        bounds = None
        if arg is not None:
            try:
                bounds = _range(arg)
            except ValueError:
                return "501 Syntax error in range", None, None
        if self.group is None:
            return "412 No newsgroup selected", None, None
        if bounds is None:
            if self.current is None:
                return "420 No current article selected", None, None
            bounds = (self.current, self.current)
        return None, None, bounds

    def _empty(self, arg: str | None) -> bytes:
        if arg is None:
            return b"420 Current article number is invalid\r\n"
        return b"423 No articles in that range\r\n"

    async def _rows(
        self,
        low: int,
        high: int,
        status: str,
        arg: str | None,
        fmt: Callable[[list[str]], bytes],
    ) -> AsyncIterator[bytes]:
        """Overview rows of [low, high] in the selected group, a chunk at a time made into
        lines (encoded, dot-stuffed) by `fmt`, and streamed
        a backend chunk at a time; the status line goes out once the first row is known (no
        rows: 423, or 420 for the current article), so nothing waits for the whole range."""
        group = self.group
        assert group is not None
        if low > high:
            yield self._empty(arg)
            return
        chunks = self.backend.overview(self.user, group.name, low, high, self._form)
        pieces: _Pieces | None = None
        try:
            try:
                async for rows in chunks:
                    if not rows:
                        continue
                    if pieces is None:
                        pieces = _Pieces(status)
                    for piece in pieces.feed(fmt(rows)):
                        yield piece
            except NotFound:
                if pieces is not None:
                    raise  # the group went away in mid-stream: handle() ends the block
                self._drop_group()
                yield b"412 No newsgroup selected\r\n"
                return
        finally:
            await _close(chunks)
        yield self._empty(arg) if pieces is None else pieces.end()

    async def _over(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) > 2:
            yield b"501 Syntax error\r\n"
            return
        arg = words[1] if len(words) > 1 else None
        error, article, bounds = await self._selection(arg)
        status = "224 Overview information follows"
        options = self.options
        if error is not None:
            yield _status(error)
        elif article is not None:
            for piece in _block(status, [overview_line(overview_of(article, 0), options)]):
                yield piece
        else:
            assert bounds is not None
            async for piece in self._rows(*bounds, status, arg, overview_block):
                yield piece

    async def _hdr(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) not in (2, 3):
            yield b"501 Syntax error\r\n"
            return
        field = words[1]
        name = field.lower()
        if name.startswith(":") and name not in _METADATA:
            yield _status(f"503 HDR not permitted on {field}")
            return
        xhdr = words[0].upper() == "XHDR"
        status = "221 Header follows" if xhdr else "225 Headers follow"
        arg = words[2] if len(words) > 2 else None
        error, article, bounds = await self._selection(arg)
        options = self.options

        def entry(number: int | str, value: str | None) -> str:
            value = value.replace("\r", " ").replace("\n", " ").replace("\t", " ") if value else ""
            return f"{number} {value}" if value else str(number)

        if error is not None:
            yield _status(error)
        elif article is not None:
            # HDR says 0 for an article named by message-id (RFC 3977 §8.5.2); XHDR names it
            # by its message-id (RFC 2980 §2.6), as INN does.
            key = article.head.message_id if xhdr else 0
            for piece in _block(status, [entry(key, header_value(article, options, field))]):
                yield piece
        elif name in _OVERVIEW_HEADERS:
            assert bounds is not None
            async for piece in self._rows(
                *bounds,
                status,
                arg,
                lambda lines: encode_lines(
                    [
                        entry(line[: line.index("\t")], overview_header(line, field))
                        for line in lines
                    ]
                ),
            ):
                yield piece
        else:
            assert bounds is not None
            async for piece in self._fetched_headers(*bounds, status, arg, field, entry):
                yield piece

    async def _fetched_headers(
        self,
        low: int,
        high: int,
        status: str,
        arg: str | None,
        field: str,
        entry: Callable[[int, str | None], str],
    ) -> AsyncIterator[bytes]:
        """HDR of a header the overview does not hold: the articles fetched one at a time."""
        group = self.group
        assert group is not None
        numbers: list[int] = []
        if low <= high:
            try:
                numbers = await self.backend.numbers(self.user, group.name, low, high)
            except NotFound:
                self._drop_group()
                yield b"412 No newsgroup selected\r\n"
                return
        pieces: _Pieces | None = None
        for number in numbers:
            try:
                article = await self.backend.article(self.user, group.name, number)
            except NotFound:
                continue  # deleted since: no line for it
            if pieces is None:
                pieces = _Pieces(status)
            for piece in pieces.add([entry(number, header_value(article, self.options, field))]):
                yield piece
        yield self._empty(arg) if pieces is None else pieces.end()

    # -- POST --------------------------------------------------------------------------------

    async def _post(self, words: list[str], line: str) -> AsyncIterator[bytes]:
        if len(words) != 1:
            yield b"501 Syntax error\r\n"
        elif self.user is None:
            # RFC 4643 §2.1: the reader may log in and then post.
            yield b"480 Authentication required for posting\r\n"
        elif not self.posting:
            yield b"440 Posting not permitted\r\n"
        else:
            self.expecting_article = True
            yield b"340 Input article; end with <CR-LF>.<CR-LF>\r\n"

    async def _posted(self, lines: list[bytes] | None) -> str:
        user = self.user
        if user is None:
            return "440 Posting not permitted"
        if lines is None:
            return f"441 Article too large (at most {self.options.max_article_bytes} octets)"
        try:
            submission = parse_submission(lines, self.options)
        except ArticleRejected as exc:
            return f"{exc.code} {_one_line(str(exc)) or 'Article rejected'}"
        except (ValueError, BoardError) as exc:  # any other refusal of the text is a 441 too
            return f"441 {_one_line(str(exc)) or 'Article rejected'}"
        try:
            result = await self.backend.post(user, submission)
        except (ValidationError, NotFound, PermissionDenied) as exc:
            return f"441 {_one_line(str(exc)) or 'Posting failed'}"
        except Conflict as exc:
            return f"441 {_one_line(str(exc)) or 'Duplicate article'}"
        except StorageError as exc:
            return f"441 Posting failed, try again later: {_one_line(str(exc))}".rstrip(": ")
        except BoardError as exc:
            return f"441 {_one_line(str(exc)) or 'Posting failed'}"
        mid = result.article.head.message_id
        if result.pending:
            return f"240 Article received {mid}; it waits for a moderator's approval"
        return f"240 Article received OK {mid}"

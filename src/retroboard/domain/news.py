"""What newsreaders see of the board (RFC 3977): groups with their marks, overview rows, submissions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from retroboard.domain.boards import Article, Policy

# RFC 3977 §8.4: the overview fields every server lists, in this order, after the number.
OVERVIEW_FIELDS = (
    "Subject:",
    "From:",
    "Date:",
    "Message-ID:",
    "References:",
    ":bytes",
    ":lines",
)
# The one extra field this board lists (LIST OVERVIEW.FMT), after the seven.
OVERVIEW_EXTRA = ("Xref:full",)


@dataclass(frozen=True, slots=True)
class NewsGroup:
    """A group as one reader (or an anonymous one) sees it over NNTP.

    `low`/`high`/`count` are over the articles that reader can be served (posted, not
    deleted). An empty group has count 0 and high == low - 1 (RFC 3977 §6.1.1.2).
    `posting` is the LIST ACTIVE flag for that reader: "y" (may post), "m" (posts go to the
    moderation queue), "n" (may not post: read-only group, level too low, or not logged in).
    """

    name: str
    description: str
    low: int
    high: int
    count: int
    policy: Policy
    posting: str  # "y" | "m" | "n"
    created_at: datetime  # UTC


class OverviewRow(NamedTuple):
    """One article's overview (RFC 3977 §8.3) for one reader, in the form the board stores
    it when the article is posted (articles.overview_head/_tail/_octets, migration 0013), so
    OVER formats a line from three stored values instead of seven.

    `head` and `tail` are the overview fields around the From header's site (the part of the
    Path before "!", which the server's name decides when the line is served):
    head = "Subject<TAB>handle@", tail = " (Real Name)<TAB>Date<TAB>Message-ID<TAB>References",
    each value on one line (CR, LF, TAB, NUL made spaces; see `overview_parts`). A tail that
    ends with TAB has no References. `octets` counts what `:bytes` takes of this article that
    no server setting changes: those values' UTF-8 octets, the body's, and one more per body
    line (its LF sent as CRLF). The NNTP layer adds the rest (header names, Path, Newsgroups,
    Lines, Xref, the MIME rows), so `:bytes` equals ARTICLE's octets.

    `newsgroups` and `xref` list only groups the reader may read. A named tuple (not a frozen
    dataclass): OVER makes 100,000 of these a second, each in one tuple.__new__.
    """

    number: int
    head: str
    tail: str
    octets: int
    lines: int  # body lines: body.count("\n") + 1, as stored in Article.lines
    path: str  # as served (Article.path): the From site is its part before "!"
    newsgroups: tuple[str, ...]
    xref: tuple[tuple[str, int], ...]  # (group, number)
    # The body is format=flowed (Article.flowed): its Content-Type header is longer, so
    # `:bytes` needs it.
    flowed: bool = False


@dataclass(frozen=True, slots=True)
class OverviewForm:
    """How one NNTP server writes OVER lines, for a backend that assembles the lines of
    stored overviews itself (in one SQL expression, so 100,000 lines are not 100,000 Python
    rows). For an article numbered n in group g only, with a stored overview (OverviewRow's
    head, tail, octets) and a Path whose site is s:

        n TAB head s tail TAB bytes TAB lines TAB "Xref: " host " " g ":" n

    bytes = octets + (Path and site octets) + xref_octets + 2 * len(g) + 1 + len(str(n))
            + len(str(lines)) + (with_refs if References else no_refs)
            + (flowed if the body is flowed else fixed)

    and `lines_of` formats any other rows (cross-posted, or with nothing stored): the NNTP
    layer's own formatter, which the rule above must agree with (the news service tests
    check it does, on SQLite and PostgreSQL)."""

    host: str
    xref_octets: int  # the Xref value's host and the space after it
    with_refs: int  # header names, ": " and CRLFs, blank line, last CRLF: with References
    no_refs: int  # the same without a References header
    fixed: int  # the MIME rows (Organization, MIME-Version, Content-Type, ...) of a fixed body
    flowed: int  # the same for a format=flowed body
    lines_of: Callable[[Sequence[OverviewRow]], list[str]]


ONE_LINE = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\x00": " "})
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def wire_bytes(text: str) -> bytes:
    """`text` as the UTF-8 octets the NNTP layer sends: surrogate escapes go back to their
    octets, anything else UTF-8 cannot hold becomes U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return text.encode("utf-8", "replace")


def wire_octets(text: str) -> int:
    """len(wire_bytes(text)), without encoding plain ASCII."""
    return len(text) if text.isascii() else len(wire_bytes(text))


def rfc5322_date(dt: datetime) -> str:
    """RFC 5322 §3.3 date in UTC, e.g. "Thu, 03 Dec 2026 09:45:00 +0000" (no locale).

    A naive datetime counts as UTC (the board stores UTC).
    """
    if dt.tzinfo is UTC:
        # The common case (the board's dates are aware UTC): the day's text remembered, the
        # time of day from tables (~0.4 us where formatting each field costs ~1.8 us).
        day = _DAY_TEXT.get(dt.toordinal())
        if day is None:
            day = _day_text(dt)
        return day + _HOUR_MINUTE[dt.hour * 60 + dt.minute] + _SECOND_ZONE[dt.second]
    when = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} +0000"
    )


_DAY_TEXT: dict[int, str] = {}  # date ordinal -> "Thu, 03 Dec 2026 " (bounded below)
_DAY_TEXT_MAX = 16384  # 45 years of days
_HOUR_MINUTE = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_SECOND_ZONE = tuple(f":{s:02d} +0000" for s in range(60))


def _day_text(when: datetime) -> str:
    text = f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
    if len(_DAY_TEXT) >= _DAY_TEXT_MAX:
        _DAY_TEXT.clear()
    _DAY_TEXT[when.toordinal()] = text
    return text


def overview_parts(
    subject: str,
    author: str,
    author_name: str,
    date: datetime,
    message_id: str,
    references: str,
    body_octets: int,
    lines: int,
) -> tuple[str, str, int]:
    """(head, tail, octets) of an article's overview, as OverviewRow describes them: what the
    posting service stores with each article and the news service makes for one that has
    none stored. `references` is the References value (Message-IDs separated by spaces, ""
    for none); `body_octets` the body's UTF-8 octets as stored (LF line ends)."""
    s = subject.translate(ONE_LINE)
    a = author.translate(ONE_LINE)
    n = (author_name or author).translate(ONE_LINE)
    d = rfc5322_date(date)
    m = message_id.translate(ONE_LINE)
    r = references.translate(ONE_LINE)
    head = f"{s}\t{a}@"
    tail = f" ({n})\t{d}\t{m}\t{r}"
    return head, tail, wire_octets(f"{s}{a}@ ({n}){d}{m}{r}") + body_octets + lines


def overview_row(
    number: int,
    subject: str,
    author: str,
    author_name: str,
    date: datetime,
    message_id: str,
    references: str,
    path: str,
    newsgroups: tuple[str, ...],
    xref: tuple[tuple[str, int], ...],
    body_octets: int,
    lines: int,
    flowed: bool,
) -> OverviewRow:
    """The OverviewRow of an article from its values (overview_parts for the stored part)."""
    head, tail, octets = overview_parts(
        subject, author, author_name, date, message_id, references, body_octets, lines
    )
    return OverviewRow(number, head, tail, octets, lines, path, newsgroups, xref, flowed)


@dataclass(frozen=True, slots=True)
class Submission:
    """An article a newsreader posts, parsed and checked by the NNTP layer.

    `body` is exactly the text the reader sent (lines joined by LF, dot-stuffing undone);
    `flowed` says it was sent as `text/plain; format=flowed` (RFC 3676), and is stored so.
    `parent_message_id` is the last Message-ID of References (None for a new thread).
    `message_id` is the one the reader chose (None: the board makes one).
    """

    newsgroups: tuple[str, ...]
    subject: str
    body: str
    flowed: bool
    parent_message_id: str | None = None
    message_id: str | None = None


def overview_of(article: Article, number: int) -> OverviewRow:
    """The overview row of `article` numbered `number` (0 for one fetched by Message-ID): what
    the news service reads (or makes) for it."""
    h = article.head
    return overview_row(
        number,
        h.subject,
        h.author,
        h.author_name,
        h.date,
        h.message_id,
        " ".join(h.references),
        article.path,
        article.newsgroups,
        article.xref,
        wire_octets(article.body),
        article.lines,
        article.flowed,
    )

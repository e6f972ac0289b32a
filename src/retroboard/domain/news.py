"""What newsreaders see of the board (RFC 3977): groups with their marks, overview rows, submissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
    """One article's overview data (RFC 3977 §8.3) as plain values, for one reader.

    A named tuple (not a frozen dataclass): OVER makes 100,000 of these a second, and a
    tuple is made in one step (`OverviewRow._make`, or straight from a fetched row).

    The NNTP layer formats the line, and computes `:bytes` from the same header block it
    serves in ARTICLE (so both agree). Text fields may still hold anything the database
    holds; the NNTP layer replaces CR, LF and TAB. `newsgroups` and `xref` list only groups
    the reader may read.
    """

    number: int
    subject: str
    author: str  # handle
    author_name: str  # real name, may be empty
    date: datetime  # UTC
    message_id: str
    # the References value: Message-IDs separated by single spaces, as stored ("" for none)
    references: str
    path: str  # as stored (Article.path)
    newsgroups: tuple[str, ...]
    xref: tuple[tuple[str, int], ...]  # (group, number)
    body_bytes: int  # octets of the body as stored (UTF-8, LF line ends)
    lines: int  # body lines: body.count("\n") + 1, as stored in Article.lines
    # The body is format=flowed (Article.flowed): its Content-Type header is longer, so
    # `:bytes` needs it. Defaults to fixed; the news service must pass the stored value.
    flowed: bool = False


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
    """The overview row of `article` numbered `number` (0 for one fetched by Message-ID): the
    values the news service reads for it from the database."""
    h = article.head
    return OverviewRow(
        number=number,
        subject=h.subject,
        author=h.author,
        author_name=h.author_name,
        date=h.date,
        message_id=h.message_id,
        references=" ".join(h.references),
        path=article.path,
        newsgroups=article.newsgroups,
        xref=article.xref,
        body_bytes=len(article.body.encode("utf-8", "surrogateescape")),
        lines=article.lines,
        flowed=article.flowed,
    )

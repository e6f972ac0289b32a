"""Full-text search over subject, body and author, the same API on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from retroboard.db.engine import Database
from retroboard.db.fulltext import (
    MARK_OFF,
    MARK_ON,
    Order,
    Query,
    Term,
    search_unit,
)
from retroboard.db.tables import utc
from retroboard.domain.boards import ArticleHead, SearchHit
from retroboard.domain.errors import ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.users import User

MAX_TERMS = 8
QUERY_MAX = 100
PAGE_MAX = 100
EXCERPT_MAX = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits: never FTS syntax
_TOKEN = re.compile(r'"([^"]*)"|([^\s"]+)')
_FILTER = re.compile(r"(from|since|before):(.*)", re.IGNORECASE)


def _date(name: str, value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"Write the date after {name}: as 2026-01-31.") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_query(query: str) -> Query:
    """A user's search as a Query: words, `prefix*`, `"a phrase"`, and the filters
    `from:handle`, `since:2026-01-31` (that day on) and `before:2026-01-31`.

    Nothing the user types is search syntax: punctuation separates words, a quote left open
    is a plain separator, a `*` not right after a word is ignored.
    Raises ValidationError for an empty search, a filter without a value or a bad date.
    """
    text_ = sanitize(query, multiline=False)
    if text_.count('"') % 2:  # the last quote has no partner: it is just a separator
        cut = text_.rindex('"')
        text_ = text_[:cut] + " " + text_[cut + 1 :]
    terms: list[Term] = []
    author: str | None = None
    since: datetime | None = None
    before: datetime | None = None
    for m in _TOKEN.finditer(text_):
        phrase, token = m.group(1), m.group(2)
        if phrase is not None:
            words = tuple(_WORD.findall(phrase))
            if words:
                terms.append(Term(words))
            continue
        f = _FILTER.fullmatch(token)
        if f:
            name, value = f.group(1).lower(), f.group(2).strip()
            if not value:
                raise ValidationError(f"Put a value right after {name}: (no space).")
            if name == "from":
                author = value
            elif name == "since":
                since = _date(name, value)
            else:
                before = _date(name, value)
            continue
        words = tuple(_WORD.findall(token))
        if not words:
            continue
        if token.endswith("*") and _WORD.fullmatch(token.rstrip("*") or "-"):
            terms.append(Term(words, prefix=True))
        else:  # one word, or "amiga-1200": the words side by side
            terms.append(Term(words))
    if not terms:
        if author or since or before:
            raise ValidationError("Type a word to search for as well (from: and dates filter).")
        raise ValidationError("Type a word or two to search for.")
    if len(terms) > MAX_TERMS:
        raise ValidationError(f"A search has at most {MAX_TERMS} words or phrases.")
    return Query(tuple(terms), author=author, since=since, before=before)


def excerpt_of(raw: object) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The excerpt the database made, sanitised to one line with single spaces, and the
    (start, end) offsets of its matches; at most EXCERPT_MAX characters."""
    segments: list[tuple[str, bool]] = []
    for i, piece in enumerate(str(raw or "").split(MARK_ON)):
        matched, _, rest = piece.partition(MARK_OFF) if i else ("", "", piece)
        segments += [(matched, True), (rest.replace(MARK_OFF, ""), False)]
    out, marks = "", []
    for part, is_match in segments:
        clean = re.sub(r"\s+", " ", sanitize(part, multiline=False))
        if not out or out.endswith(" "):
            clean = clean.lstrip(" ")
        if is_match and clean:
            marks.append((len(out), len(out) + len(clean)))
        out += clean
    out = out.rstrip(" ")[:EXCERPT_MAX]
    return out, tuple((a, min(b, len(out))) for a, b in marks if a < len(out))


def _as_datetime(value: object) -> datetime:
    """Raw SQL on SQLite returns the stored ISO text; PostgreSQL a datetime. Both become UTC."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(parsed, datetime)
    result = utc(parsed)
    assert result is not None
    return result


class SearchService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def search(
        self,
        user: User,
        query: str,
        *,
        group: str | None = None,
        order: Order = "rank",
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """One page (`limit` from `offset`) of matching articles as SearchHits: only posted,
        undeleted articles, each once, shown in the first group of its own that the user may
        read (a hidden group is never named in a hit). `order` "rank" puts the best match
        first (a match in the subject weighs most; the newest RANK_WINDOW matches are scored,
        older ones follow newest first), "newest" the most recently posted first.

        The query is parsed by parse_query: every word, `prefix*` and `"phrase"` must match
        (in the subject, the body or the author's handle, by word stem: `modems` finds
        `modem`); `from:`, `since:` and `before:` filter. Each hit has a sanitised excerpt of
        the body with the matches marked. Control and invisible characters in the query and
        `group` are ignored.
        Raises ValidationError for an empty, over-long or malformed query (see parse_query)
        or a page over PAGE_MAX.
        """
        if len(query) > QUERY_MAX:
            raise ValidationError(f"A search is at most {QUERY_MAX} characters.")
        if not 0 < limit <= PAGE_MAX or offset < 0:
            raise ValidationError(f"A page of hits is 1 to {PAGE_MAX}, from 0 on.")
        parsed = parse_query(query)
        if group is not None:
            group = sanitize(group, multiline=False).strip() or None
        rows = await self._db.read_unit(
            search_unit(
                parsed,
                level=int(user.level),
                group=group,
                order=order,
                limit=limit,
                offset=offset,
            )
        )
        hits: list[SearchHit] = []
        for r in rows:
            head = ArticleHead(
                id=r.id,
                message_id=r.message_id,
                subject=r.subject,
                author=r.author,
                author_name=r.author_name,
                date=_as_datetime(r.date),
                references=tuple(r.refs.split()) if r.refs else (),
                thread_id=r.thread_id,
                number=r.number,
                group=r.group_name,
            )
            snippet, marks = excerpt_of(r.excerpt)
            hits.append(SearchHit(head=head, group=r.group_name, snippet=snippet, marks=marks))
        return hits

"""Full-text search over subject, body and author, the same API on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

from retroboard.db.engine import Database
from retroboard.db.fulltext import search_rows
from retroboard.db.tables import utc
from retroboard.domain.boards import ArticleHead, SearchHit
from retroboard.domain.errors import ValidationError
from retroboard.domain.text import sanitize
from retroboard.domain.users import User

MAX_TERMS = 8
QUERY_MAX = 100
_WORD = re.compile(r"\w[\w'.@-]*", re.UNICODE)


def terms_of(query: str) -> list[str]:
    """The words of a user's query (punctuation and FTS syntax are just separators)."""
    return _WORD.findall(sanitize(query, multiline=False))[:MAX_TERMS]


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
        self, user: User, query: str, *, group: str | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Matching articles as SearchHits, newest first: only posted, undeleted articles,
        each shown in the first group of its own that the user may read (a hidden group is
        never named in a hit).

        Every word must match (in the subject, the body or the author's handle); control and
        invisible characters in the query and `group` are ignored.
        Raises ValidationError for an empty or over-long query.
        """
        if len(query) > QUERY_MAX:
            raise ValidationError(f"A search is at most {QUERY_MAX} characters.")
        terms = terms_of(query)
        if not terms:
            raise ValidationError("Type a word or two to search for.")
        if group is not None:
            group = sanitize(group, multiline=False).strip() or None
        async with self._db.read() as s:
            rows = await search_rows(s, terms, level=int(user.level), group=group, limit=limit)
        hits: list[SearchHit] = []
        seen: set[int] = set()
        for r in rows:
            if r.id in seen:  # a cross-posted article shows once, in its first readable group
                continue
            seen.add(r.id)
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
            hits.append(SearchHit(head=head, group=r.group_name))
        return hits

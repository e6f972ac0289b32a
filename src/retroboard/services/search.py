"""Full-text search over subject, body and author: SQLite FTS5 or PostgreSQL tsvector."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import text

from retroboard.db.engine import Database
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


def fts5_query(terms: list[str]) -> str:
    """Each term quoted, so no user input is FTS5 syntax: `"amiga" "1200"` (all must match)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


class SearchService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def search(self, user: User, query: str, *, group: str | None = None,
                     limit: int = 20) -> list[SearchHit]:
        """Newest first. Only posted, undeleted articles in groups the user may read."""
        if len(query) > QUERY_MAX:
            raise ValidationError(f"A search is at most {QUERY_MAX} characters.")
        terms = terms_of(query)
        if not terms:
            raise ValidationError("Type a word or two to search for.")
        params: dict[str, object] = {"level": int(user.level), "limit": limit}
        group_filter = ""
        if group:
            group_filter = "AND g.name = :group"
            params["group"] = group.strip().lower()
        if self._db.is_sqlite:
            params["q"] = fts5_query(terms)
            sql = f"""
                SELECT a.id, a.message_id, a.subject, a.author, a.author_name, a.date, a.refs,
                       a.thread_id, g.name AS group_name, x.number
                FROM articles_fts f
                JOIN articles a ON a.id = f.rowid
                JOIN xref x ON x.article_id = a.id
                JOIN groups g ON g.id = x.group_id
                WHERE articles_fts MATCH :q AND a.deleted = 0 AND a.status = 'posted'
                  AND g.read_level <= :level {group_filter}
                ORDER BY f.rowid DESC LIMIT :limit"""
        else:
            params["q"] = " ".join(terms)
            sql = f"""
                SELECT a.id, a.message_id, a.subject, a.author, a.author_name, a.date, a.refs,
                       a.thread_id, g.name AS group_name, x.number
                FROM articles a
                JOIN xref x ON x.article_id = a.id
                JOIN groups g ON g.id = x.group_id
                WHERE a.search @@ plainto_tsquery('simple', :q) AND NOT a.deleted
                  AND a.status = 'posted' AND g.read_level <= :level {group_filter}
                ORDER BY a.id DESC LIMIT :limit"""
        async with self._db.read() as s:
            rows = (await s.execute(text(sql), params)).all()
        hits: list[SearchHit] = []
        seen: set[int] = set()
        for r in rows:
            if r.id in seen:  # a cross-posted article shows once, in its first readable group
                continue
            seen.add(r.id)
            date = _as_datetime(r.date)
            head = ArticleHead(id=r.id, message_id=r.message_id, subject=r.subject,
                               author=r.author, author_name=r.author_name, date=date,
                               references=tuple(r.refs.split()) if r.refs else (),
                               thread_id=r.thread_id, number=r.number, group=r.group_name)
            hits.append(SearchHit(head=head, group=r.group_name))
        return hits


def _as_datetime(value: object) -> datetime:
    """Raw SQL on SQLite returns the stored ISO text; PostgreSQL a datetime. Both become UTC."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(parsed, datetime)
    result = utc(parsed)
    assert result is not None
    return result

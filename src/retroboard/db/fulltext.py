"""Full-text search SQL for each dialect: SQLite FTS5 (external content) and PostgreSQL tsvector.

The indexes follow the articles table by themselves: SQLite through triggers, PostgreSQL
through a generated column (both made by migration 0002).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_SELECT = """
    SELECT a.id, a.message_id, a.subject, a.author, a.author_name, a.date, a.refs,
           a.thread_id, g.name AS group_name, x.number"""

SQLITE_SEARCH = (
    _SELECT
    + """
    FROM articles_fts f
    JOIN articles a ON a.id = f.rowid
    JOIN xref x ON x.article_id = a.id
    JOIN groups g ON g.id = x.group_id
    WHERE articles_fts MATCH :q AND a.deleted = 0 AND a.status = 'posted'
      AND g.read_level <= :level {group_filter}
    ORDER BY f.rowid DESC LIMIT :limit"""
)

POSTGRES_SEARCH = (
    _SELECT
    + """
    FROM articles a
    JOIN xref x ON x.article_id = a.id
    JOIN groups g ON g.id = x.group_id
    WHERE a.search @@ plainto_tsquery('simple', :q) AND NOT a.deleted
      AND a.status = 'posted' AND g.read_level <= :level {group_filter}
    ORDER BY a.id DESC LIMIT :limit"""
)


def fts5_query(terms: list[str]) -> str:
    """Each term quoted, so no user input is FTS5 syntax: `"amiga" "1200"` (all must match)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


async def search_rows(
    s: AsyncSession, terms: list[str], *, level: int, group: str | None, limit: int
) -> list[Any]:
    """Rows of posted, undeleted articles matching every term, newest first."""
    sqlite = s.get_bind().dialect.name == "sqlite"
    params: dict[str, object] = {
        "level": level,
        "limit": limit,
        "q": fts5_query(terms) if sqlite else " ".join(terms),
    }
    group_filter = ""
    if group:
        group_filter = "AND g.name = :group"
        params["group"] = group.strip().lower()
    sql = (SQLITE_SEARCH if sqlite else POSTGRES_SEARCH).format(group_filter=group_filter)
    return list((await s.execute(text(sql), params)).all())

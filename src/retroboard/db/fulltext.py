"""Full-text search SQL for each dialect: SQLite FTS5 (external content) and PostgreSQL tsvector.

The indexes follow the articles table by themselves: SQLite through triggers, PostgreSQL
through a generated column (both remade with word stems by migration 0009).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

Order = Literal["rank", "newest"]
MARK_ON, MARK_OFF = "\x01", "\x02"  # around a match in an excerpt (never in a sanitised body)


@dataclass(frozen=True)
class Term:
    """One thing that must match: a word, a phrase (several words in order) or a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed search: terms that must all match, and the filters (all optional)."""

    terms: tuple[Term, ...]
    author: str | None = None
    since: datetime | None = None
    before: datetime | None = None


_COLUMNS = """a.id, a.message_id, a.subject, a.author, a.author_name, a.date, a.refs,
           a.thread_id, g.name AS group_name, x.number"""

# The one group an article is shown in: its first (lowest id) group the user may read.
_FIRST_GROUP = """x.group_id = (
        SELECT x2.group_id FROM xref x2 JOIN groups g2 ON g2.id = x2.group_id
        WHERE x2.article_id = a.id AND g2.read_level <= :level {group2}
        ORDER BY x2.group_id LIMIT 1)"""

SQLITE_SEARCH = (
    "SELECT "
    + _COLUMNS
    + """,
           snippet(articles_fts, 1, :on, :off, '...', 14) AS excerpt
    FROM articles_fts f
    JOIN articles a ON a.id = f.rowid
    JOIN xref x ON x.article_id = a.id AND """
    + _FIRST_GROUP
    + """
    JOIN groups g ON g.id = x.group_id
    WHERE articles_fts MATCH :q AND a.deleted = 0 AND a.status = 'posted' {filters}
    ORDER BY {order} LIMIT :limit OFFSET :offset"""
)
SQLITE_ORDER = {
    # bm25 is lower for a better match; a match in the subject weighs most, then the author
    "rank": "bm25(articles_fts, 8.0, 1.0, 4.0), a.id DESC",
    "newest": "a.date DESC, a.id DESC",
}

POSTGRES_SEARCH = (
    "WITH q AS (SELECT {tsquery} AS q) SELECT "
    + _COLUMNS
    + """,
           ts_headline('english', a.body, q.q, :headline) AS excerpt
    FROM q, articles a
    JOIN xref x ON x.article_id = a.id AND """
    + _FIRST_GROUP
    + """
    JOIN groups g ON g.id = x.group_id
    WHERE a.search @@ q.q AND NOT a.deleted AND a.status = 'posted' {filters}
    ORDER BY {order} LIMIT :limit OFFSET :offset"""
)
POSTGRES_ORDER = {
    "rank": "ts_rank(a.search, q.q) DESC, a.id DESC",
    "newest": "a.date DESC, a.id DESC",
}
HEADLINE = f"StartSel={MARK_ON}, StopSel={MARK_OFF}, MaxWords=18, MinWords=6, MaxFragments=1"


def fts5_query(terms: tuple[Term, ...]) -> str:
    """FTS5 MATCH text in which every piece of user input is a quoted string: `"modem"`,
    `"mode"*` (prefix), `"null modem"` (phrase); all must match."""
    parts = []
    for t in terms:
        quoted = '"' + " ".join(t.words).replace('"', '""') + '"'
        parts.append(quoted + ("*" if t.prefix else ""))
    return " ".join(parts)


def tsquery_sql(terms: tuple[Term, ...], params: dict[str, object]) -> str:
    """A tsquery expression for PostgreSQL built from functions that take user text as a bound
    value (plainto/phraseto_tsquery), so no input is tsquery syntax; prefixes are single
    words of letters and digits only (the parser guarantees it)."""
    parts = []
    for i, t in enumerate(terms):
        name = f"t{i}"
        if t.prefix:
            params[name] = t.words[0] + ":*"
            parts.append(f"to_tsquery('english', :{name})")
        elif len(t.words) > 1:
            params[name] = " ".join(t.words)
            parts.append(f"phraseto_tsquery('english', :{name})")
        else:
            params[name] = t.words[0]
            parts.append(f"plainto_tsquery('english', :{name})")
    return "(" + " && ".join(parts) + ")"


async def search_rows(
    s: AsyncSession,
    query: Query,
    *,
    level: int,
    group: str | None,
    order: Order,
    limit: int,
    offset: int,
) -> list[Any]:
    """One page of rows of posted, undeleted articles matching every term and filter, each
    once (in its first group the user may read), in `order`; each row has an `excerpt` of
    the body with MARK_ON/MARK_OFF around the matches."""
    sqlite = s.get_bind().dialect.name == "sqlite"
    params: dict[str, object] = {"level": level, "limit": limit, "offset": offset}
    filters, group2 = [], ""
    if group:
        group2 = "AND g2.name = :group"
        params["group"] = group.strip().lower()
    if query.author:
        filters.append("AND lower(a.author) = :author")
        params["author"] = query.author.lower()
    dates = []
    if query.since is not None:
        filters.append("AND a.date >= :since")
        params["since"] = query.since
        dates.append(bindparam("since", type_=DateTime(timezone=True)))
    if query.before is not None:
        filters.append("AND a.date < :before")
        params["before"] = query.before
        dates.append(bindparam("before", type_=DateTime(timezone=True)))
    if sqlite:
        params.update(q=fts5_query(query.terms), on=MARK_ON, off=MARK_OFF)
        sql = SQLITE_SEARCH.format(
            group2=group2, filters=" ".join(filters), order=SQLITE_ORDER[order]
        )
    else:
        params["headline"] = HEADLINE
        sql = POSTGRES_SEARCH.format(
            tsquery=tsquery_sql(query.terms, params),
            group2=group2,
            filters=" ".join(filters),
            order=POSTGRES_ORDER[order],
        )
    statement = text(sql).bindparams(*dates) if dates else text(sql)
    return list((await s.execute(statement, params)).all())

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

# Relevance is scored over the newest RANK_WINDOW matches (after every filter), so a word in
# half the board costs a bounded amount of work; hits past the window follow, newest first.
RANK_WINDOW = 1000

# An article the user may see: posted, undeleted, in at least one group they may read.
_VISIBLE = """a.deleted = {false} AND a.status = 'posted' {filters}
      AND EXISTS (SELECT 1 FROM xref x2 JOIN groups g2 ON g2.id = x2.group_id
                  WHERE x2.article_id = a.id AND g2.read_level <= :level {group2})"""

# The one group an article is shown in: its first (lowest id) group the user may read.
_FIRST_GROUP = """x.group_id = (
        SELECT x2.group_id FROM xref x2 JOIN groups g2 ON g2.id = x2.group_id
        WHERE x2.article_id = a.id AND g2.read_level <= :level {group2}
        ORDER BY x2.group_id LIMIT 1)"""

# Matches are walked newest first (FTS5 and the primary key give that order for free) and
# stop after `:take` rows; `{order}` then sorts only those.
SQLITE_SEARCH = (
    """WITH hits AS (
        SELECT a.id AS id, bm25(articles_fts, 8.0, 1.0, 4.0) AS score
        FROM articles_fts f JOIN articles a ON a.id = f.rowid
        WHERE articles_fts MATCH :q AND """
    + _VISIBLE.format(false="0", filters="{filters}", group2="{group2}")
    + """
        ORDER BY f.rowid DESC LIMIT :take),
    page AS (SELECT id, score FROM hits ORDER BY {order} LIMIT :limit OFFSET :offset)
    SELECT """
    + _COLUMNS
    + """, page.score,
           snippet(articles_fts, 1, :on, :off, '...', 14) AS excerpt
    FROM page
    JOIN articles a ON a.id = page.id
    JOIN articles_fts ON articles_fts.rowid = page.id
    JOIN xref x ON x.article_id = a.id AND """
    + _FIRST_GROUP
    + """
    JOIN groups g ON g.id = x.group_id
    WHERE articles_fts MATCH :q
    ORDER BY {outer}"""
)
# bm25 is lower for a better match; a match in the subject weighs most, then the author
SQLITE_ORDER = {"rank": "score, id DESC", "newest": "id DESC"}

POSTGRES_SEARCH = (
    """WITH q AS (SELECT {tsquery} AS q),
    hits AS (
        SELECT a.id AS id, ts_rank(a.search, q.q) AS score
        FROM q, articles a
        WHERE a.search @@ q.q AND """
    + _VISIBLE.format(false="false", filters="{filters}", group2="{group2}")
    + """
        ORDER BY a.id DESC LIMIT :take),
    page AS (SELECT id, score FROM hits ORDER BY {order} LIMIT :limit OFFSET :offset)
    SELECT """
    + _COLUMNS
    + """, page.score,
           ts_headline('english', a.body, q.q, :headline) AS excerpt
    FROM q, page
    JOIN articles a ON a.id = page.id
    JOIN xref x ON x.article_id = a.id AND """
    + _FIRST_GROUP
    + """
    JOIN groups g ON g.id = x.group_id
    ORDER BY {outer}"""
)
POSTGRES_ORDER = {"rank": "score DESC, id DESC", "newest": "id DESC"}
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
    once (in its first group the user may read), in `order`: "newest" is the newest posted
    first; "rank" scores the newest RANK_WINDOW matches and puts the best first, and pages
    past the window go on newest first. Each row has an `excerpt` of the body with
    MARK_ON/MARK_OFF around the matches. A page costs work in proportion to
    min(matches, RANK_WINDOW) + offset + limit, never to every match on the board."""
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
        sql, orders = SQLITE_SEARCH, SQLITE_ORDER
    else:
        params["headline"] = HEADLINE
        sql, orders = POSTGRES_SEARCH, POSTGRES_ORDER
    base = sql.format(
        tsquery="{tsquery}" if sqlite else tsquery_sql(query.terms, params),
        group2=group2,
        filters=" ".join(filters),
        order="{order}",
        outer="{outer}",
    )

    async def run(order_: Order, take: int, limit_: int, offset_: int) -> list[Any]:
        inner = orders[order_]
        outer = ", ".join("page." + part.strip() for part in inner.split(","))
        sql_ = base.replace("{order}", inner).replace("{outer}", outer)
        statement = text(sql_).bindparams(*dates) if dates else text(sql_)
        values = dict(params, take=take, limit=limit_, offset=offset_)
        return list((await s.execute(statement, values)).all())

    if order == "newest":
        return await run("newest", offset + limit, limit, offset)
    # Ranked: the window's best first; a page reaching past the window goes on newest first.
    rows: list[Any] = []
    if offset < RANK_WINDOW:
        wanted = min(limit, RANK_WINDOW - offset)
        rows = await run("rank", RANK_WINDOW, wanted, offset)
        if len(rows) < wanted:  # the window is not full: nothing lies beyond it
            return rows
    if len(rows) == limit:
        return rows
    start = max(offset, RANK_WINDOW)
    rest = limit - len(rows)
    return rows + await run("newest", start + rest, rest, start)

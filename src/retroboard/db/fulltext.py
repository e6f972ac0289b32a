"""Full-text search SQL for each dialect: SQLite FTS5 (external content) and PostgreSQL tsvector.

The indexes follow the articles table by themselves: SQLite through triggers, PostgreSQL
through a generated column (both remade with word stems by migration 0009).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import DateTime, bindparam, column, text
from sqlalchemy.sql.expression import ColumnClause

from retroboard.db.fastpath import Prepared, Raw

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
      AND {readable}"""
_IN_READABLE_GROUP = """EXISTS (SELECT 1 FROM xref x2 JOIN groups g2 ON g2.id = x2.group_id
                  WHERE x2.article_id = a.id AND g2.read_level <= :level {group2})"""
# The same test for a user who may read every group (the usual case; the maximum is computed
# once per statement): any number at all will do, one index probe instead of two lookups.
_IN_ANY_GROUP_IF_ALL_READABLE = (
    """((SELECT max(g3.read_level) FROM groups g3) <= :level
          AND EXISTS (SELECT 1 FROM xref x3 WHERE x3.article_id = a.id)
          OR """
    + _IN_READABLE_GROUP
    + ")"
)

# The one group an article is shown in: its first (lowest id) group the user may read.
_FIRST_GROUP = """x.group_id = (
        SELECT min(x2.group_id) FROM xref x2 JOIN groups g2 ON g2.id = x2.group_id
        WHERE x2.article_id = a.id AND g2.read_level <= :level {group2})"""

# Matches are walked newest first (FTS5 and the primary key give that order for free) and
# stop after `:take` rows; `{order}` then sorts only those. The page's excerpts come from one
# more walk of the matches, over the page's range of ids only (`+rowid IN`: not a lookup per
# id: each MATCH lookup opens the index again, 35-60 us of CPU a word measured at 10k).
SQLITE_SEARCH = (
    """WITH hits AS (
        SELECT a.id AS id, {score} AS score
        FROM articles_fts f JOIN articles a ON a.id = f.rowid
        WHERE articles_fts MATCH :q AND """
    + _VISIBLE.format(false="0", filters="{filters}", readable="{readable}")
    + """
        ORDER BY f.rowid DESC LIMIT :take),
    page AS (SELECT id, score FROM hits ORDER BY {order} LIMIT :limit OFFSET :offset),
    excerpts AS MATERIALIZED (
        SELECT rowid AS id, snippet(articles_fts, 1, :on, :off, '...', 14) AS excerpt
        FROM articles_fts
        WHERE articles_fts MATCH :q
          AND rowid >= (SELECT min(id) FROM page) AND rowid <= (SELECT max(id) FROM page)
          AND +rowid IN (SELECT id FROM page))
    SELECT """
    + _COLUMNS
    + """, page.score, excerpts.excerpt
    FROM page
    JOIN excerpts ON excerpts.id = page.id
    JOIN articles a ON a.id = page.id
    JOIN xref x ON x.article_id = a.id AND """
    + _FIRST_GROUP
    + """
    JOIN groups g ON g.id = x.group_id
    ORDER BY {outer}"""
)
# bm25 is lower for a better match; a match in the subject weighs most, then the author.
# Newest first needs no score: none is computed (bm25 counts every match of each word first).
SQLITE_ORDER = {"rank": "score, id DESC", "newest": "id DESC"}
SQLITE_SCORE = {"rank": "bm25(articles_fts, 8.0, 1.0, 4.0)", "newest": "0.0"}

POSTGRES_SEARCH = (
    """WITH q AS (SELECT {tsquery} AS q),
    hits AS (
        SELECT a.id AS id, {score} AS score
        FROM q, articles a
        WHERE a.search @@ q.q AND """
    + _VISIBLE.format(false="false", filters="{filters}", readable="{readable}")
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
POSTGRES_SCORE = {"rank": "ts_rank(a.search, q.q)", "newest": "0.0"}
HEADLINE = f"StartSel={MARK_ON}, StopSel={MARK_OFF}, MaxWords=18, MinWords=6, MaxFragments=1"


def fts5_query(terms: tuple[Term, ...]) -> str:
    """FTS5 MATCH text in which every piece of user input is a quoted string: `"modem"`,
    `"mode"*` (prefix), `"null modem"` (phrase); all must match."""
    parts = []
    for t in terms:
        quoted = '"' + " ".join(t.words).replace('"', '""') + '"'
        parts.append(quoted + ("*" if t.prefix else ""))
    return " ".join(parts)


def _tsquery_kind(t: Term) -> str:
    return "prefix" if t.prefix else ("phrase" if len(t.words) > 1 else "plain")


_TSQUERY_FUNCTION = {
    "prefix": "to_tsquery",
    "phrase": "phraseto_tsquery",
    "plain": "plainto_tsquery",
}


def tsquery_sql(terms: tuple[Term, ...], params: dict[str, object]) -> str:
    """A tsquery expression for PostgreSQL built from functions that take user text as a bound
    value (plainto/phraseto_tsquery), so no input is tsquery syntax; prefixes are single
    words of letters and digits only (the parser guarantees it). Puts each term's value
    in `params` (t0, t1, ...) and returns the SQL."""
    for i, t in enumerate(terms):
        params[f"t{i}"] = t.words[0] + ":*" if t.prefix else " ".join(t.words)
    return _tsquery_of(tuple(_tsquery_kind(t) for t in terms))


def _tsquery_of(kinds: tuple[str, ...]) -> str:
    parts = [f"{_TSQUERY_FUNCTION[k]}('english', :t{i})" for i, k in enumerate(kinds)]
    return "(" + " && ".join(parts) + ")"


# Result columns of the search statements (untyped: SQLite gives the date as stored text).
_RESULT: tuple[ColumnClause[Any], ...] = tuple(
    column(n)
    for n in (
        "id",
        "message_id",
        "subject",
        "author",
        "author_name",
        "date",
        "refs",
        "thread_id",
        "group_name",
        "number",
        "score",
        "excerpt",
    )
)
SHAPES = 256  # statements kept compiled: dialect x order x filters x (PostgreSQL) term kinds


@lru_cache(maxsize=SHAPES)
def search_statement(
    dialect: str,
    order: Order,
    *,
    group: bool,
    author: bool,
    since: bool,
    before: bool,
    kinds: tuple[str, ...] = (),
) -> Prepared:
    """The search statement of one shape, compiled once per shape and dialect: `dialect`
    "sqlite" (FTS5) or another (PostgreSQL tsvector, with one tsquery function per term in
    `kinds`), `order` of the window, and which filters are bound. Returns a Prepared whose
    parameters are level, limit, offset, take, each filter's and q/on/off (SQLite) or
    t0.. and headline (PostgreSQL)."""
    sqlite = dialect == "sqlite"
    filters = []
    if author:
        filters.append("AND lower(a.author) = :author")
    if since:
        filters.append("AND a.date >= :since")
    if before:
        filters.append("AND a.date < :before")
    orders = SQLITE_ORDER if sqlite else POSTGRES_ORDER
    inner = orders[order]
    outer = ", ".join("page." + part.strip() for part in inner.split(","))
    group2 = "AND g2.name = :group" if group else ""
    # PostgreSQL plans the plain EXISTS as a semi-join; an OR around it would undo that.
    readable = _IN_READABLE_GROUP if group or not sqlite else _IN_ANY_GROUP_IF_ALL_READABLE
    sql = (SQLITE_SEARCH if sqlite else POSTGRES_SEARCH).format(
        tsquery="" if sqlite else _tsquery_of(kinds),
        readable=readable.format(group2=group2),
        score=(SQLITE_SCORE if sqlite else POSTGRES_SCORE)[order],
        group2=group2,
        filters=" ".join(filters),
        order=inner,
        outer=outer,
    )
    dates = [
        bindparam(name, type_=DateTime(timezone=True))
        for name, on in (("since", since), ("before", before))
        if on
    ]
    statement = text(sql).bindparams(*dates) if dates else text(sql)
    return Prepared(statement.columns(*_RESULT))


def search_unit(
    query: Query,
    *,
    level: int,
    group: str | None,
    order: Order,
    limit: int,
    offset: int,
) -> Callable[[Raw], list[Any]]:
    """A read unit (Database.read_unit) returning one page of rows of posted, undeleted
    articles matching every term and filter, each once (in its first group the user may
    read), in `order`: "newest" is the newest posted first; "rank" scores the newest
    RANK_WINDOW matches and puts the best first, and pages past the window go on newest
    first. Each row has an `excerpt` of the body with MARK_ON/MARK_OFF around the matches.
    A page costs work in proportion to min(matches, RANK_WINDOW) + offset + limit, never to
    every match on the board; its one or two statements run in the one unit."""
    params: dict[str, object] = {"level": level}
    if group:
        params["group"] = group.strip().lower()
    if query.author:
        params["author"] = query.author.lower()
    if query.since is not None:
        params["since"] = query.since
    if query.before is not None:
        params["before"] = query.before
    shape = {
        "group": bool(group),
        "author": bool(query.author),
        "since": query.since is not None,
        "before": query.before is not None,
    }
    window = RANK_WINDOW

    def unit(raw: Raw) -> list[Any]:
        dialect = raw.dialect.name
        values = dict(params)
        if dialect == "sqlite":
            values.update(q=fts5_query(query.terms), on=MARK_ON, off=MARK_OFF)
            kinds: tuple[str, ...] = ()
        else:
            values["headline"] = HEADLINE
            tsquery_sql(query.terms, values)
            kinds = tuple(_tsquery_kind(t) for t in query.terms)

        def run(order_: Order, take: int, limit_: int, offset_: int) -> list[Any]:
            prep = search_statement(dialect, order_, kinds=kinds, **shape)
            return raw.rows(prep, dict(values, take=take, limit=limit_, offset=offset_))

        if order == "newest":
            return run("newest", offset + limit, limit, offset)
        # Ranked: the window's best first; a page reaching past the window goes on newest first.
        rows: list[Any] = []
        if offset < window:
            wanted = min(limit, window - offset)
            rows = run("rank", window, wanted, offset)
            if len(rows) < wanted:  # the window is not full: nothing lies beyond it
                return rows
        if len(rows) == limit:
            return rows
        start = max(offset, window)
        rest = limit - len(rows)
        return rows + run("newest", start + rest, rest, start)

    return unit

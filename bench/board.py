"""Benchmark the discussion board at scale: generate N articles, time the hot paths server-side.

    python bench/board.py                       # 10,000 and 1,000,000 articles (the issue's sizes)
    python bench/board.py --sizes 20000         # a quick run
    python bench/board.py --samples 500 --repeats 1 --sizes 20000   # a quicker one
    python bench/board.py --sizes 1000000 --keep /tmp/board-1m.db

For each size it builds a fresh SQLite database with the project's own migrations, bulk-loads
users, 200 groups and articles in realistic thread shapes (heavy-tailed thread sizes, replies
to recent articles, some cross-posts, quoted bodies), builds the FTS5 index, then calls the real
services in-process: the group selector (a user subscribed to 100 groups with fragmented read
marks), the first page of a thread list, the collapsed thread list (one row per thread),
opening an article (marks it read), next unread, searches (ranked by relevance, a word found by
its stem, newest first, and a common word that a third of all articles hold) and posting a
follow-up. Each is timed `--samples` times per repeat, `--repeats` times (p99 is printed as the
median [min-max] of the repeats' p99s).

The floor: the statements each operation sends to SQLite (captured with a
`before_cursor_execute` listener, parameters included, for 16 calls) are replayed round-robin on
a raw sqlite3 connection with the board's pragmas against the same database in the same run;
each operation prints its statement count, the floor's p50/p99 and its p50 ratio to the floor,
then OK/MISSED per issue 11 target, and with two sizes the ratios of the largest size's medians
and p99s to the smallest's. Last, per size, sustained posting: 50 posters at once, 3,000 posts
through the services as fast as they go (posts/s, each post's wait p50/p99, posts per commit
of the SQLite writer's group commit). This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import event, text  # noqa: E402

from retroboard.bus import EventBus  # noqa: E402
from retroboard.config import Settings  # noqa: E402
from retroboard.db.engine import SQLITE_PRAGMAS, Database  # noqa: E402
from retroboard.db.maintenance import SqliteMaintenance  # noqa: E402
from retroboard.db.migrate import upgrade  # noqa: E402
from retroboard.domain.news import overview_parts, wire_octets  # noqa: E402
from retroboard.domain.newsrc import RangeSet  # noqa: E402
from retroboard.services.facade import build_services  # noqa: E402

WORDS = (
    "amiga commodore atari apple modem baud sysop door ansi fidonet usenet kermit zmodem "
    "xmodem floppy disk drive hayes kilobyte megabyte terminal cpm basic pascal assembler "
    "motorola zilog intel chip board cable serial printer monitor keyboard joystick game "
    "demo scene tracker sound graphics sprite copper blitter kickstart workbench guru "
    "meditation boot sector virus archive lharc arc zip upload download ratio handle "
    "echo mail net node point message thread reply quote flame troll lurker newbie "
    "the a of and to in is it that for on with as was at by this be from or have not "
    "are but what all were when we there can an your which their said if do will each"
).split()
RARE_SHARE, RARE_HITS = 0.3, 20  # a third of articles hold one rare word; each word ~20 times


def rare_words(n_articles: int) -> list[str]:
    """Rare words for a board of `n_articles`: each held by ~RARE_HITS articles at any size
    (a board's vocabulary grows with it), so a rare-word search finds a full page of hits at
    10k and at 1M alike and the two sizes compare the same work."""
    return [f"zq{k:06d}" for k in range(max(1, int(n_articles * RARE_SHARE / RARE_HITS)))]


FMT = "%Y-%m-%d %H:%M:%S.%f"
PASSWORD_HASH = "$argon2id$v=19$m=1024,t=1,p=1$YmVuY2hiZW5jaA$2HbFwI7o7kS0zjDfOpmk6w"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def body_text(rng: random.Random, quote: str | None, rare: list[str]) -> str:
    lines = []
    if quote:
        lines.append("On 12 Mar 1988 14:03, somebody wrote:")
        lines += ["> " + q for q in quote.split("\n")[:3]]
        lines.append("")
    for _ in range(rng.randint(2, 8)):
        lines.append(sentence(rng, rng.randint(6, 12)))
    if rng.random() < RARE_SHARE:
        lines.append(rng.choice(rare))
    return "\n".join(lines)


def thread_size(rng: random.Random) -> int:
    """Heavy-tailed: most threads 1-5 articles, a few in the hundreds."""
    return min(400, int(rng.paretovariate(1.3)))


def generate(
    path: Path, n_articles: int, n_groups: int, n_users: int, seed: int = 1
) -> dict[str, Any]:
    """Bulk-load a board into the migrated SQLite database at `path`."""
    rng = random.Random(seed)
    rare = rare_words(n_articles)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    start = datetime(1988, 1, 1, tzinfo=UTC)
    # Bulk load without the per-row full-text triggers; the index is rebuilt once at the end.
    triggers = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
    ).fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER {name}")
    con.execute("DELETE FROM groups")
    groups = [
        f"{h}.g{i:03d}"
        for i, h in zip(
            range(n_groups),
            ["comp.sys", "rec.games", "alt.folklore", "sci.electronics", "misc.forsale"] * n_groups,
            strict=False,
        )
    ]
    con.executemany(
        "INSERT INTO groups (id, name, description, policy, read_level, post_level,"
        " high, article_count, deleted_numbers, created_at) VALUES"
        " (?, ?, 'bench group', 'open', 10, 10, 0, 0, '', ?)",
        [(i + 1, g, start.strftime(FMT)) for i, g in enumerate(groups)],
    )
    con.executemany(
        "INSERT INTO users (id, handle, handle_key, password_hash, level, real_name,"
        " location, created_at, login_count, editor, charset) VALUES"
        " (?, ?, ?, ?, 10, ?, 'Bench', ?, 1, 'line', 'auto')",
        [
            (u, f"user{u}", f"user{u}", PASSWORD_HASH, f"User {u}", start.strftime(FMT))
            for u in range(1, n_users + 1)
        ],
    )
    high = [0] * (n_groups + 1)
    aid = 0
    tid = 0
    t = start
    articles, xrefs, threads, gthreads = [], [], [], []
    # Group popularity is skewed (a few busy groups, many quiet ones).
    weights = [1.0 / (i + 1) ** 0.8 for i in range(n_groups)]
    while aid < n_articles:
        tid += 1
        gid = rng.choices(range(1, n_groups + 1), weights)[0]
        gids = [gid]
        if rng.random() < 0.02:
            other = rng.randint(1, n_groups)
            if other != gid:
                gids.append(other)
        size = min(thread_size(rng), n_articles - aid)
        members: list[tuple[int, str, str, str]] = []  # id, msgid, refs, body
        subject = sentence(rng, rng.randint(2, 6)).title()
        first_t = t
        for k in range(size):
            aid += 1
            t += timedelta(seconds=rng.randint(1, 600))
            msgid = f"<{aid}.bench@bench.example>"
            if k == 0:
                parent = None
                refs = ""
                quote = None
            else:
                parent = members[max(0, len(members) - 1 - int(rng.expovariate(0.5)))]
                refs = (parent[2] + " " + parent[1]).strip()
                quote = parent[3]
            body = body_text(rng, quote, rare)
            user = rng.randint(1, n_users)
            this_subject = subject if k == 0 else "Re: " + subject
            # the overview the posting service stores with each article (migration 0013)
            head, tail, octets = overview_parts(
                this_subject, f"user{user}", f"User {user}", t, msgid, refs,
                wire_octets(body), body.count("\n") + 1,
            )  # fmt: skip
            articles.append(
                (
                    aid,
                    msgid,
                    tid,
                    parent[0] if parent else None,
                    user,
                    f"user{user}",
                    f"User {user}",
                    this_subject,
                    body,
                    t.strftime(FMT),
                    refs,
                    ",".join(groups[g - 1] for g in gids),
                    body.count("\n") + 1,
                    head,
                    tail,
                    octets,
                )
            )
            members.append((aid, msgid, refs, body))
            for g in gids:
                high[g] += 1
                xrefs.append((g, high[g], aid, tid))
        threads.append((tid, subject, first_t.strftime(FMT)))
        for g in gids:
            gthreads.append((g, tid, t.strftime(FMT), size))
        if len(articles) >= 50_000:
            _flush(con, articles, xrefs, threads, gthreads)
    _flush(con, articles, xrefs, threads, gthreads)
    con.executemany(
        "UPDATE groups SET high = ?, article_count = ? WHERE id = ?",
        [(high[g], high[g], g) for g in range(1, n_groups + 1)],
    )
    con.commit()
    for _, sql in triggers:
        con.execute(sql)
    t0 = time.perf_counter()
    con.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
    con.execute("INSERT INTO articles_fts(articles_fts) VALUES('optimize')")
    con.commit()
    fts_s = time.perf_counter() - t0
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return {
        "groups": groups,
        "high": high,
        "threads": tid,
        "fts_seconds": fts_s,
        "rare": rare,
    }


def _flush(
    con: sqlite3.Connection, articles: list, xrefs: list, threads: list, gthreads: list
) -> None:
    con.executemany(
        "INSERT INTO threads (id, subject, locked, created_at) VALUES (?, ?, 0, ?)",
        threads,
    )
    con.executemany(
        "INSERT INTO articles (id, message_id, thread_id, parent_id, author_id,"
        " author, author_name, subject, body, date, refs, newsgroups, status,"
        " deleted, lines, overview_head, overview_tail, overview_octets)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'posted',0,?,?,?,?)",
        articles,
    )
    con.executemany(
        "INSERT INTO xref (group_id, number, article_id, thread_id) VALUES (?,?,?,?)", xrefs
    )
    con.executemany(
        "INSERT INTO group_threads (group_id, thread_id, last_post_at, article_count)"
        " VALUES (?,?,?,?)",
        gthreads,
    )
    con.commit()
    for lst in (articles, xrefs, threads, gthreads):
        lst.clear()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# One captured statement: (SQL, parameters, executemany). A call is the list one operation ran.
Statement = tuple[str, Any, bool]
Call = list[Statement]
# Marks for the transaction boundaries SQLAlchemy ends through the DB-API, not a cursor.
COMMIT, ROLLBACK = "\0commit", "\0rollback"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN IMMEDIATE")
CAPTURED_CALLS = 16  # calls captured per operation, replayed round-robin on the floor


class Capture:
    """Records what the engine sends to SQLite for the calls made by one task.

    `before_cursor_execute` gives every statement with its bound parameters; `commit` and
    `rollback` give the ends of transactions. Only the task that is being captured counts,
    so the background maintenance task's statements are left out.
    """

    def __init__(self, db: Database) -> None:
        self.task: asyncio.Task[Any] | None = None
        self.paused = False
        self.current: Call = []
        self._engine = db.engine.sync_engine
        self._listeners: list[tuple[str, Callable[..., None]]] = [
            ("before_cursor_execute", self._statement),
            ("commit", self._commit),
            ("rollback", self._rollback),
        ]
        for name, fn in self._listeners:
            event.listen(self._engine, name, fn)
        self._db = db
        db.trace = self._fast  # the fast path's statements (db/fastpath.py), from any thread

    def close(self) -> None:
        """Take the listeners off the engine, so the timed calls run without them."""
        for name, fn in self._listeners:
            event.remove(self._engine, name, fn)
        self._db.trace = None

    def _fast(self, sql: str, params: Any) -> None:
        # run inline or on a worker thread for the task being captured (one call at a time)
        if self.task is not None and not self.paused:
            self.current.append((sql, params, False))

    def _recording(self) -> bool:
        if self.task is None or self.paused:
            return False
        try:
            return asyncio.current_task() is self.task
        except RuntimeError:
            return False

    def _statement(
        self, _conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, many: bool
    ) -> None:
        if self._recording():
            self.current.append((sql, params, many))

    def _commit(self, _conn: Any) -> None:
        if self._recording():
            self.current.append((COMMIT, (), False))

    def _rollback(self, _conn: Any) -> None:
        if self._recording():
            self.current.append((ROLLBACK, (), False))

    async def calls(self, n: int, fn: Callable[[int], Awaitable[Any]], start: int) -> list[Call]:
        """Run `fn` n more times and return the statements of each call."""
        out: list[Call] = []
        self.task = asyncio.current_task()
        try:
            for i in range(n):
                self.current = []
                await fn(start + i)
                out.append(self.current)
        finally:
            self.task = None
        return out


def statement_count(call: Call) -> int:
    """The statements one call sent to SQLite (BEGIN included; DB-API commits/rollbacks not)."""
    return sum(1 for sql, _, _ in call if not sql.startswith("\0"))


def floor_connection(path: Path) -> sqlite3.Connection:
    """A raw sqlite3 connection with the pragmas db/engine.py sets on the board's connections."""
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in SQLITE_PRAGMAS:
        con.execute(f"PRAGMA {pragma}")
    return con


def snapshot(path: Path, copy: Path) -> None:
    """A consistent copy of the database (WAL included) through SQLite's backup API."""
    for f in path.parent.glob(copy.name + "*"):
        f.unlink()
    src, dst = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def writes(call: Call) -> bool:
    return any(sql.lstrip().upper().startswith(WRITES) for sql, _, _ in call)


def replay(con: sqlite3.Connection, call: Call, nested: bool) -> None:
    """Run one captured call's statements, fetching every row as the service does.

    `nested`: the caller holds an outer transaction, so the call's own transactions become
    savepoints (BEGIN -> SAVEPOINT, commit -> RELEASE, rollback -> ROLLBACK TO + RELEASE).
    """
    for sql, params, many in call:
        if sql == COMMIT:
            con.execute("RELEASE rb" if nested else "COMMIT")
        elif sql == ROLLBACK:
            if nested:
                con.execute("ROLLBACK TO rb")
                con.execute("RELEASE rb")
            else:
                con.execute("ROLLBACK")
        elif nested and sql.lstrip().upper().startswith("BEGIN"):
            con.execute("SAVEPOINT rb")
        elif many:
            con.executemany(sql, params).fetchall()
        else:
            con.execute(sql, params).fetchall()
    if con.in_transaction and not nested:
        con.execute("ROLLBACK")


class Op:
    """One operation's samples: the service's and the floor's, per repeat, and its statements."""

    def __init__(self, name: str, is_write: bool = False) -> None:
        self.name = name
        self.is_write = is_write
        self.service: list[list[float]] = []
        self.floor: list[list[float]] = []
        self.calls: list[Call] = []
        self.writes = False  # its calls write: the floor replays them on a copy, rolled back
        self.rows: list[int] = []  # article heads a thread-list call returned (its data size)

    def p50(self, floor: bool = False) -> float:
        runs = self.floor if floor else self.service
        return statistics.median([t for run in runs for t in run])

    def p99s(self, floor: bool = False) -> list[float]:
        return [pct(run, 99) for run in (self.floor if floor else self.service)]

    def p99(self, floor: bool = False) -> float:
        return statistics.median(self.p99s(floor))

    def statements(self) -> str:
        counts = [statement_count(c) for c in self.calls]
        lo, hi = min(counts), max(counts)
        return f"{lo}" if lo == hi else f"{lo}-{hi}"


async def timed(samples: int, fn: Callable[[int], Awaitable[float | None]]) -> list[float]:
    """Call fn(i) `samples` times; a call may return its own timing (ms) of the part that counts."""
    times = []
    for i in range(samples):
        t0 = time.perf_counter()
        own = await fn(i)
        times.append(own if own is not None else (time.perf_counter() - t0) * 1000)
    return times


def timed_floor(
    con: sqlite3.Connection, samples: int, calls: list[Call], write: bool
) -> list[float]:
    """Replay the captured calls round-robin, timing each.

    Calls that write are replayed in their captured order inside one outer transaction per
    round (BEGIN IMMEDIATE before the first, ROLLBACK after the last, neither timed): each
    call then finds the rows and ids the calls before it made, as the service did, and the
    database is left as it was.
    """
    times = []
    for i in range(samples):
        k = i % len(calls)
        if write and k == 0:
            con.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        replay(con, calls[k], nested=write)
        times.append((time.perf_counter() - t0) * 1000)
        if write and (k == len(calls) - 1 or i == samples - 1):
            con.execute("ROLLBACK")
    return times


async def measure(
    path: Path, info: dict[str, Any], samples: int, repeats: int, seed: int = 2
) -> list[Op]:
    rng = random.Random(seed)
    settings = Settings(
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, domain="bench.example"
    )
    db = Database(f"sqlite+aiosqlite:///{path}")
    sv = build_services(settings, db, EventBus())
    upkeep = SqliteMaintenance(db)  # as `retroboard serve` runs it
    upkeep.start()
    capture = Capture(db)
    groups: list[str] = info["groups"]
    high: list[int] = info["high"]
    rare: list[str] = info["rare"]
    reader = await sv.users.get("user1")
    # user1 subscribes to 100 groups with realistic, fragmented read marks
    for gi in range(min(100, len(groups))):
        await sv.groups.subscribe(reader, groups[gi])
        h = high[gi + 1]
        if h:
            read = RangeSet()
            read.add_range(1, max(1, int(h * 0.8)))
            for n in rng.sample(range(1, h + 1), min(h, 30)):
                read.add(n)
            async with db.write() as s:
                await s.execute(
                    text(
                        "UPDATE subscriptions SET read_ranges = :r WHERE user_id = :u"
                        " AND group_id = :g"
                    ),
                    {"r": str(read), "u": reader.id, "g": gi + 1},
                )
    busy = [gi for gi in range(len(groups)) if high[gi + 1] > 0]

    async def selector(_: int) -> None:
        rows = await sv.groups.selector(reader, subscribed_only=True)
        assert len(rows) == min(100, len(groups))

    async def thread_list(_: int) -> None:
        page = await sv.articles.thread_page(reader, groups[rng.choice(busy)], limit=20)
        assert page.threads
        plan[1][0].rows.append(sum(len(t.articles) for t in page.threads))

    async def open_article(_: int) -> None:
        gi = rng.choice(busy)
        await sv.articles.read_article(reader, groups[gi], rng.randint(1, high[gi + 1]))

    poster = await sv.users.get("user2")

    async def follow_up(_: int) -> float:
        gi = rng.choice(busy)
        capture.paused = True  # the parent is read beforehand: neither timed nor captured
        parent = await sv.articles.read_article(
            poster, groups[gi], rng.randint(1, high[gi + 1]), mark_read=False
        )
        capture.paused = False
        t0 = time.perf_counter()
        await sv.articles.post(
            poster,
            [groups[gi]],
            "Re: " + parent.head.subject[:100],
            "> quoted\nA follow-up for the benchmark.",
            parent_message_id=parent.head.message_id,
        )
        return (time.perf_counter() - t0) * 1000

    async def next_unread(_: int) -> None:
        gi = rng.randrange(min(100, len(busy)))
        await sv.articles.next_unread(
            reader, groups[busy[gi]], after=rng.randint(0, high[busy[gi] + 1])
        )

    async def search(i: int) -> None:
        q = rng.choice(rare) if i % 2 else rng.choice(["amiga modem", "sysop", "zmodem kermit"])
        await sv.search.search(reader, q, limit=20)

    async def stem_search(i: int) -> None:
        # a plural no article holds: found by its stem, ranked by bm25 (the default order)
        await sv.search.search(reader, rng.choice(rare) + "s", limit=20)

    async def newest_search(i: int) -> None:
        await sv.search.search(reader, rng.choice(rare), order="newest", limit=20)

    async def common_search(i: int) -> None:
        # words in a third of all articles: relevance is scored over the newest matches only
        q = rng.choice(["sysop", "modems", "amiga modem", "the"])
        await sv.search.search(reader, q, order="newest" if i % 4 == 3 else "rank", limit=20)

    async def collapsed(_: int) -> None:
        # tin's collapsed list: one row per thread, so a 24-row screen shows 22 whole threads
        page = await sv.articles.thread_page(reader, groups[rng.choice(busy)], limit=22)
        assert page.threads
        plan[2][0].rows.append(sum(len(t.articles) for t in page.threads))

    plan: list[tuple[Op, Callable[[int], Awaitable[float | None]]]] = [
        (Op("group selector (100 subscribed)"), selector),
        (Op("thread list, first page"), thread_list),
        (Op("thread list, collapsed (22 threads)"), collapsed),
        (Op("open article (+mark read)"), open_article),
        (Op("next unread"), next_unread),
        (Op("search"), search),
        (Op("search, ranked, by stem"), stem_search),
        (Op("search, newest first"), newest_search),
        (Op("search, common word"), common_search),
        (Op("post follow-up", is_write=True), follow_up),
    ]
    # A write's captured statements insert rows the service then committed (a post's
    # message-id and article numbers, a first read mark's subscription row), so calls that
    # write replay on a copy taken before anything was captured, each call rolled back;
    # read-only calls replay on the database file the service uses.
    copy = path.with_name(path.name + ".floor")
    snapshot(path, copy)
    on_file, on_copy = floor_connection(path), floor_connection(copy)
    for op, fn in plan:
        # Several calls of the warmed-up operation, statements and parameters as sent.
        op.calls = await capture.calls(CAPTURED_CALLS, fn, start=samples * repeats)
        op.writes = any(writes(c) for c in op.calls)
    capture.close()
    for _ in range(repeats):
        for op, fn in plan:
            op.service.append(await timed(samples, fn))
            op.floor.append(
                timed_floor(on_copy if op.writes else on_file, samples, op.calls, op.writes)
            )
    on_file.close()
    on_copy.close()
    for f in path.parent.glob(copy.name + "*"):
        f.unlink()
    info["sustained"] = await sustained_posting(sv, db, groups, high, rng)
    await upkeep.stop()
    await db.dispose()
    return [op for op, _ in plan]


POSTERS, POSTS_EACH = 50, 60  # the sustained-posting run: 3,000 posts from 50 at once


async def sustained_posting(
    sv: Any, db: Database, groups: list[str], high: list[int], rng: random.Random
) -> dict[str, float]:
    """POSTERS users post POSTS_EACH times each, all at once and without pause (a follow-up
    to a random article, one in five a new thread): posts a second over the whole run, each
    post's latency as its caller waits for it, and how many posts one commit carried."""
    busy = [gi for gi in range(len(groups)) if high[gi + 1] > 0]
    users = [await sv.users.get(f"user{10 + i}") for i in range(POSTERS)]
    parents = []
    for _ in range(200):
        gi = rng.choice(busy)
        art = await sv.articles.read_article(
            users[0], groups[gi], rng.randint(1, high[gi + 1]), mark_read=False
        )
        parents.append((groups[gi], art.head.subject, art.head.message_id))
    latencies: list[float] = []

    async def poster(i: int) -> None:
        r = random.Random(i)
        for k in range(POSTS_EACH):
            group, subject, mid = r.choice(parents)
            t0 = time.perf_counter()
            if k % 5 == 4:
                await sv.articles.post(users[i], [group], f"New topic {i}.{k}", "A new thread.")
            else:
                await sv.articles.post(
                    users[i], [group], "Re: " + subject[:100], "> quoted\nAgreed.", mid
                )
            latencies.append((time.perf_counter() - t0) * 1000)

    batches0, units0 = db.write_batches
    t0 = time.perf_counter()
    await asyncio.gather(*(poster(i) for i in range(POSTERS)))
    seconds = time.perf_counter() - t0
    batches, units = db.write_batches
    return {
        "posts": float(len(latencies)),
        "per_second": len(latencies) / seconds,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "per_commit": (units - units0) / max(1, batches - batches0),
    }


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def ok(good: bool) -> str:
    return "OK" if good else "MISSED"


# The targets (issue 11), on SQLite on this 2-core machine.
READ_P50_MS, READ_FLOOR_X, READ_P99_MS, POST_P99_MS, SCALE_X = 0.5, 10.0, 5.0, 5.0, 1.5
POSTS_PER_S = 1000


def report_size(ops: list[Op], samples: int, repeats: int) -> None:
    p99_head = "p99 ms" if repeats == 1 else f"p99 ms, median [min-max] of {repeats}"
    print(
        f"   {samples:,} samples per operation x {repeats} repeat(s); the floor is the same SQL "
        f"on raw sqlite3 ({CAPTURED_CALLS} captured calls round-robin)"
    )
    written = ", ".join(op.name for op in ops if op.writes) or "none"
    print(f"   calls that write, replayed on a copy and rolled back: {written}")
    print(
        f"   {'operation':<36} {'stmts':>5} {'p50 ms':>7} {p99_head:>30} "
        f"{'floor p50':>9} {'floor p99':>9} {'x floor':>7}"
    )
    for op in ops:
        fp50 = op.p50(floor=True)
        print(
            f"   {op.name:<36} {op.statements():>5} {op.p50():>7.3f} {spread(op.p99s()):>30} "
            f"{fp50:>9.3f} {op.p99(floor=True):>9.3f} {op.p50() / fp50:>6.1f}x"
        )
    print(
        f"   targets: reads p50 <= {READ_P50_MS} ms, p50 <= {READ_FLOOR_X:.0f}x floor, "
        f"p99 <= {READ_P99_MS} ms; post follow-up p99 <= {POST_P99_MS} ms"
    )
    for op in ops:
        if op.is_write:
            verdict = f"p99 {op.p99():.2f} ms {ok(op.p99() <= POST_P99_MS)}"
        else:
            x = op.p50() / op.p50(floor=True)
            verdict = (
                f"p50 {op.p50():.3f} ms {ok(op.p50() <= READ_P50_MS):<6}  "
                f"x{x:<5.1f} floor {ok(x <= READ_FLOOR_X):<6}  "
                f"p99 {op.p99():.2f} ms {ok(op.p99() <= READ_P99_MS)}"
            )
        print(f"   {op.name:<36} {verdict}")


async def run_size(n: int, args: argparse.Namespace) -> tuple[list[Op], float]:
    folder = Path(tempfile.mkdtemp(prefix="rb-bench-"))
    path = Path(args.keep) if args.keep and n == max(args.sizes) else folder / "board.db"
    if path.exists():
        path.unlink()
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    await db.dispose()
    t0 = time.perf_counter()
    info = await asyncio.to_thread(generate, path, n, args.groups, args.users)
    gen_s = time.perf_counter() - t0
    size = path.stat().st_size
    print(
        f"\n== {n:,} articles in {args.groups} groups, {info['threads']:,} threads: generated in "
        f"{gen_s:.0f} s (FTS build {info['fts_seconds']:.0f} s); database {size / 1e6:.0f} MB = "
        f"{size / n:.0f} bytes/article",
        flush=True,
    )
    ops = await measure(path, info, args.samples, args.repeats)
    report_size(ops, args.samples, args.repeats)
    sus = info["sustained"]
    print(
        f"   sustained posting, {POSTERS} posters at once: {sus['posts']:,.0f} posts at "
        f"{sus['per_second']:,.0f} posts/s (target >= {POSTS_PER_S:,}) "
        f"{ok(sus['per_second'] >= POSTS_PER_S)}; a post waits p50 {sus['p50']:.2f} ms, "
        f"p99 {sus['p99']:.2f} ms; {sus['per_commit']:.1f} posts per commit"
    )
    if not args.keep:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    return ops, size / n


def report_scale(small: int, large: int, at_small: list[Op], at_large: list[Op]) -> None:
    print(
        f"\n== {large:,} vs {small:,}: ratios of medians (target <= {SCALE_X}x) and of p99; "
        f"ms at {small:,} -> {large:,}"
    )
    base = {op.name: op for op in at_small}
    for op in at_large:
        b = base[op.name]
        m, p = op.p50() / b.p50(), op.p99() / b.p99()
        print(
            f"   {op.name:<36} p50 {b.p50():6.3f} -> {op.p50():6.3f} x{m:<5.2f} "
            f"p99 {b.p99():6.2f} -> {op.p99():6.2f} x{p:<5.2f} "
            f"stmts {b.statements()} -> {op.statements()}  {ok(m <= SCALE_X)}"
        )
    for op in at_large:
        b = base[op.name]
        if op.rows and b.rows:  # a thread list holds every article of its threads
            small_rows, large_rows = statistics.median(b.rows), statistics.median(op.rows)
            per = (op.p50() / large_rows) / (b.p50() / small_rows)
            print(
                f"   {op.name:<36} holds a median {small_rows:.0f} -> {large_rows:.0f} article "
                f"heads a page; per head x{per:.2f}"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[10_000, 1_000_000],
        help="article counts, comma separated",
    )
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument(
        "--samples",
        type=int,
        default=700,
        help="samples per operation per repeat (3 x 700 = 2,100 in all)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="repeats; p99 is printed as median [min-max]"
    )
    parser.add_argument("--keep", help="keep the largest database at this path")
    args = parser.parse_args()
    print(
        f"retroboard board benchmark: SQLite {sqlite3.sqlite_version}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    all_res = {n: await run_size(n, args) for n in args.sizes}
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        report_scale(small, large, all_res[small][0], all_res[large][0])


if __name__ == "__main__":
    asyncio.run(main())

"""Benchmark the discussion board at scale: generate N articles, time the hot paths server-side.

    python bench/board.py                       # 10,000 and 1,000,000 articles (the issue's sizes)
    python bench/board.py --sizes 20000         # a quick run
    python bench/board.py --sizes 1000000 --keep /tmp/board-1m.db

For each size it builds a fresh SQLite database with the project's own migrations, bulk-loads
users, 200 groups and articles in realistic thread shapes (heavy-tailed thread sizes, replies
to recent articles, some cross-posts, quoted bodies), builds the FTS5 index, then calls the real
services in-process and prints p50/p99 for: the group selector (a user subscribed to 100 groups
with fragmented read marks), the first page of a thread list, opening an article (marks it
read), the collapsed thread list (one row per thread), posting a follow-up, next unread, and
searches (ranked by relevance, a word found by its stem, newest first, and a common word that
a third of all articles hold). It ends with database bytes per article and the slowdown
from the smallest to the largest size. This is a benchmark, not a test.
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

from retroboard.bus import EventBus  # noqa: E402
from retroboard.config import Settings  # noqa: E402
from retroboard.db.engine import Database  # noqa: E402
from retroboard.db.maintenance import SqliteMaintenance  # noqa: E402
from retroboard.db.migrate import upgrade  # noqa: E402
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
RARE = [f"zq{n:05d}" for n in range(2000)]  # rare words: each in ~N/2000 articles
FMT = "%Y-%m-%d %H:%M:%S.%f"
PASSWORD_HASH = "$argon2id$v=19$m=1024,t=1,p=1$YmVuY2hiZW5jaA$2HbFwI7o7kS0zjDfOpmk6w"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def body_text(rng: random.Random, quote: str | None) -> str:
    lines = []
    if quote:
        lines.append("On 12 Mar 1988 14:03, somebody wrote:")
        lines += ["> " + q for q in quote.split("\n")[:3]]
        lines.append("")
    for _ in range(rng.randint(2, 8)):
        lines.append(sentence(rng, rng.randint(6, 12)))
    if rng.random() < 0.3:
        lines.append(rng.choice(RARE))
    return "\n".join(lines)


def thread_size(rng: random.Random) -> int:
    """Heavy-tailed: most threads 1-5 articles, a few in the hundreds."""
    return min(400, int(rng.paretovariate(1.3)))


def generate(
    path: Path, n_articles: int, n_groups: int, n_users: int, seed: int = 1
) -> dict[str, Any]:
    """Bulk-load a board into the migrated SQLite database at `path`."""
    rng = random.Random(seed)
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
            body = body_text(rng, quote)
            user = rng.randint(1, n_users)
            articles.append(
                (
                    aid,
                    msgid,
                    tid,
                    parent[0] if parent else None,
                    user,
                    f"user{user}",
                    f"User {user}",
                    subject if k == 0 else "Re: " + subject,
                    body,
                    t.strftime(FMT),
                    refs,
                    ",".join(groups[g - 1] for g in gids),
                    body.count("\n") + 1,
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
    return {"groups": groups, "high": high, "threads": tid, "fts_seconds": fts_s}


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
        " deleted, lines) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'posted',0,?)",
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


async def timed(samples: int, fn: Callable[[int], Awaitable[Any]]) -> tuple[float, float]:
    times = []
    for i in range(samples):
        t0 = time.perf_counter()
        await fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), pct(times, 99)


async def measure(
    path: Path, info: dict[str, Any], samples: int, seed: int = 2
) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    settings = Settings(
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, domain="bench.example"
    )
    db = Database(f"sqlite+aiosqlite:///{path}")
    sv = build_services(settings, db, EventBus())
    upkeep = SqliteMaintenance(db)  # as `retroboard serve` runs it
    upkeep.start()
    groups: list[str] = info["groups"]
    high: list[int] = info["high"]
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
                from sqlalchemy import text

                await s.execute(
                    text(
                        "UPDATE subscriptions SET read_ranges = :r WHERE user_id = :u"
                        " AND group_id = :g"
                    ),
                    {"r": str(read), "u": reader.id, "g": gi + 1},
                )
    busy = [gi for gi in range(len(groups)) if high[gi + 1] > 0]
    results: dict[str, tuple[float, float]] = {}

    async def selector(_: int) -> None:
        rows = await sv.groups.selector(reader, subscribed_only=True)
        assert len(rows) == min(100, len(groups))

    async def thread_list(_: int) -> None:
        page = await sv.articles.thread_page(reader, groups[rng.choice(busy)], limit=20)
        assert page.threads

    async def open_article(_: int) -> None:
        gi = rng.choice(busy)
        await sv.articles.read_article(reader, groups[gi], rng.randint(1, high[gi + 1]))

    poster = await sv.users.get("user2")

    async def follow_up(_: int) -> None:
        gi = rng.choice(busy)
        parent = await sv.articles.read_article(
            poster, groups[gi], rng.randint(1, high[gi + 1]), mark_read=False
        )
        t0 = time.perf_counter()
        await sv.articles.post(
            poster,
            [groups[gi]],
            "Re: " + parent.head.subject[:100],
            "> quoted\nA follow-up for the benchmark.",
            parent_message_id=parent.head.message_id,
        )
        post_times.append((time.perf_counter() - t0) * 1000)

    async def next_unread(_: int) -> None:
        gi = rng.randrange(min(100, len(busy)))
        await sv.articles.next_unread(
            reader, groups[busy[gi]], after=rng.randint(0, high[busy[gi] + 1])
        )

    async def search(i: int) -> None:
        q = rng.choice(RARE) if i % 2 else rng.choice(["amiga modem", "sysop", "zmodem kermit"])
        await sv.search.search(reader, q, limit=20)

    async def stem_search(i: int) -> None:
        # a plural no article holds: found by its stem, ranked by bm25 (the default order)
        await sv.search.search(reader, rng.choice(RARE) + "s", limit=20)

    async def newest_search(i: int) -> None:
        await sv.search.search(reader, rng.choice(RARE), order="newest", limit=20)

    async def common_search(i: int) -> None:
        # words in a third of all articles: relevance is scored over the newest matches only
        q = rng.choice(["sysop", "modems", "amiga modem", "the"])
        await sv.search.search(reader, q, order="newest" if i % 4 == 3 else "rank", limit=20)

    async def collapsed(_: int) -> None:
        # tin's collapsed list: one row per thread, so a 24-row screen shows 22 whole threads
        page = await sv.articles.thread_page(reader, groups[rng.choice(busy)], limit=22)
        assert page.threads

    results["group selector (100 subscribed)"] = await timed(samples, selector)
    results["thread list, first page"] = await timed(samples, thread_list)
    results["thread list, collapsed (22 threads)"] = await timed(samples, collapsed)
    results["open article (+mark read)"] = await timed(samples, open_article)
    results["next unread"] = await timed(samples, next_unread)
    results["search"] = await timed(samples, search)
    results["search, ranked, by stem"] = await timed(samples, stem_search)
    results["search, newest first"] = await timed(samples, newest_search)
    results["search, common word"] = await timed(samples, common_search)
    post_times: list[float] = []
    await timed(samples, follow_up)
    results["post follow-up"] = (statistics.median(post_times), pct(post_times, 99))
    await upkeep.stop()
    await db.dispose()
    return results


async def run_size(
    n: int, args: argparse.Namespace
) -> tuple[dict[str, tuple[float, float]], float]:
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
    res = await measure(path, info, args.samples)
    print(f"   {'operation':<36} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (p50, p99) in res.items():
        print(f"   {name:<36} {p50:>8.2f} {p99:>8.2f}")
    if not args.keep:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    return res, size / n


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
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--keep", help="keep the largest database at this path")
    args = parser.parse_args()
    print(
        f"retroboard board benchmark: SQLite {sqlite3.sqlite_version}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    all_res = {n: await run_size(n, args) for n in args.sizes}
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        print(
            f"\n== targets at {large:,} (reads <= 20 ms p99, post <= 10 ms p99, "
            f"<= 2x slower than at {small:,})"
        )
        for name, (_, p99) in all_res[large][0].items():
            base = all_res[small][0][name][1]
            limit = 10 if name.startswith("post") else 20
            ratio = p99 / base if base else float("inf")
            ok = "OK" if p99 <= limit and ratio <= 2 else "MISSED"
            print(
                f"   {name:<36} p99 {p99:7.2f} ms (limit {limit}) x{ratio:4.2f} vs {small:,}  {ok}"
            )


if __name__ == "__main__":
    asyncio.run(main())

"""Benchmark the NNTP server (issue 12): a board of 100,000 articles in one group, served by
`retroboard serve` (a subprocess), read and written by raw asyncio NNTP clients in this process.

    python bench/nntp.py                         # the issue's sizes
    python bench/nntp.py --articles 20000 --article-samples 2000 --posts 500   # a quick run

What it measures, in order (each against the issue's target on this machine):
1. OVER over every article of the group: the first call, then 3 more (overview lines/s each;
   target >= 100,000 lines/s on every call). The floor: the same rows (number, subject,
   author, date, Message-ID, References, body length, lines) read by raw sqlite3 from the
   same database in the same run and joined into tab-separated lines.
2. ARTICLE by number for `--article-samples` random articles, one at a time on one connection
   (each request waits for its whole response): per-article p50/p99 (target <= 1 ms). The
   floor: the article's row fetched by (group, number) with raw sqlite3, one at a time.
3. POST: `--posts` articles through AUTHINFO'd connections, one connection and then
   `--posters` at once (articles/s; target >= 500/s). No floor: every post is the board's
   own post unit (bench/board.py measures that in-process).
4. `--readers` concurrent readers, each doing `--rounds` rounds of GROUP + OVER (a window of
   100) + ARTICLE: rounds/s and the per-round p50/p99.
The machine's load average is printed with the numbers (the machine is shared). This is a
benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _serve import HOST, Board, board_env, free_port, load_note, percentile  # noqa: E402
from board import floor_connection, generate  # noqa: E402
from retroboard.db.engine import Database  # noqa: E402
from retroboard.db.migrate import upgrade  # noqa: E402

PASSWORD = "Bench-pass-9"
OVER_TARGET = 100_000  # lines/s, every call
ARTICLE_TARGET = 0.001  # s, one at a time
POST_TARGET = 500  # articles/s
TERMINATOR = b"\r\n.\r\n"


def ok(good: bool) -> str:
    return "OK" if good else "MISSED"


class Client:
    """One NNTP connection: a command, its status line, and (for a multi-line answer) the
    block up to its terminator, read in large pieces."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Client:
        reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
        greeting = await reader.readline()
        if not greeting.startswith((b"200", b"201")):
            raise RuntimeError(f"greeting {greeting!r}")
        return cls(reader, writer)

    async def status(self, line: str) -> bytes:
        self.writer.write(line.encode() + b"\r\n")
        return await self.reader.readline()

    async def block(self, line: str, expect: bytes) -> tuple[bytes, int]:
        """Send `line`, read its status and block; returns (the block's bytes, its lines)."""
        status = await self.status(line)
        if not status.startswith(expect):
            raise RuntimeError(f"{line!r} answered {status!r}")
        chunks: list[bytes] = []
        tail = b"\r\n"  # the status line's end: an empty block is just ".\r\n"
        while True:
            data = await self.reader.read(1 << 20)
            if not data:
                raise RuntimeError("connection closed in a block")
            chunks.append(data)
            tail = (tail + data)[-5:]
            if tail.endswith(TERMINATOR):
                break
        body = b"".join(chunks)
        return body, body.count(b"\n") - 1

    async def login(self, handle: str, password: str) -> None:
        if not (await self.status(f"AUTHINFO USER {handle}")).startswith(b"381"):
            raise RuntimeError("AUTHINFO USER refused")
        answer = await self.status(f"AUTHINFO PASS {password}")
        if not answer.startswith(b"281"):
            raise RuntimeError(f"AUTHINFO PASS answered {answer!r}")

    async def post(self, group: str, n: int) -> None:
        if not (await self.status("POST")).startswith(b"340"):
            raise RuntimeError("POST refused")
        article = (
            f"Newsgroups: {group}\r\nSubject: Bench post {n}\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
            f"Posted by the benchmark, number {n}.\r\n..A dot-stuffed line.\r\nThe end.\r\n.\r\n"
        )
        self.writer.write(article.encode())
        answer = await self.reader.readline()
        if not answer.startswith(b"240"):
            raise RuntimeError(f"POST answered {answer!r}")

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.status("QUIT"), 2)
        except (OSError, TimeoutError):
            pass
        self.writer.close()


OVER_SQL = (
    "SELECT x.number, a.subject, a.author, a.author_name, a.date, a.message_id, a.refs,"
    " length(a.body), a.lines FROM xref x JOIN articles a ON a.id = x.article_id"
    " WHERE x.group_id = ? AND x.number BETWEEN ? AND ? ORDER BY x.number"
)
ARTICLE_SQL = (
    "SELECT a.* FROM xref x JOIN articles a ON a.id = x.article_id"
    " WHERE x.group_id = ? AND x.number = ?"
)


def floor_over(con: sqlite3.Connection, high: int) -> float:
    """Seconds to read the OVER rows and make tab-separated lines of them, raw sqlite3."""
    t0 = time.perf_counter()
    out = []
    for row in con.execute(OVER_SQL, (1, 1, high)):
        out.append("\t".join(map(str, row)))
    return time.perf_counter() - t0


def floor_articles(con: sqlite3.Connection, numbers: list[int]) -> list[float]:
    times = []
    for n in numbers:
        t0 = time.perf_counter()
        con.execute(ARTICLE_SQL, (1, n)).fetchone()
        times.append(time.perf_counter() - t0)
    return times


async def bench_over(port: int, group: str, high: int, floor_s: float) -> None:
    c = await Client.open(port)
    await c.status(f"GROUP {group}")
    floor_rate = high / floor_s
    print(
        f"\n== OVER 1-{high:,} ({load_note()})\n   floor (raw sqlite3, same rows): "
        f"{floor_rate:,.0f} lines/s"
    )
    for call in ("first call", "repeat 1", "repeat 2", "repeat 3"):
        t0 = time.perf_counter()
        body, lines = await c.block(f"OVER 1-{high}", b"224")
        took = time.perf_counter() - t0
        rate = lines / took
        print(
            f"   {call:10}: {lines:,} lines, {len(body) / 1e6:.1f} MB in {took:.2f} s = "
            f"{rate:,.0f} lines/s ({rate / floor_rate:.2f}x the floor's rate) "
            f"target >= {OVER_TARGET:,} {ok(rate >= OVER_TARGET)}"
        )
    await c.close()


async def bench_article(port: int, group: str, numbers: list[int], floor: list[float]) -> None:
    c = await Client.open(port)
    await c.status(f"GROUP {group}")
    times = []
    size = 0
    for n in numbers:
        t0 = time.perf_counter()
        body, _ = await c.block(f"ARTICLE {n}", b"220")
        times.append(time.perf_counter() - t0)
        size += len(body)
    await c.close()
    p50, p99 = percentile(times, 50), percentile(times, 99)
    f50, f99 = percentile(floor, 50), percentile(floor, 99)
    print(
        f"\n== ARTICLE by number, {len(numbers):,} random articles one at a time "
        f"({size / len(numbers):,.0f} bytes each on average; {load_note()})\n"
        f"   p50 {p50 * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms, mean "
        f"{statistics.fmean(times) * 1000:.3f} ms; target p99 <= 1 ms "
        f"{ok(p99 <= ARTICLE_TARGET)} (p50 {ok(p50 <= ARTICLE_TARGET)})\n"
        f"   floor (raw sqlite3 row fetch): p50 {f50 * 1000:.3f} ms, p99 {f99 * 1000:.3f} ms; "
        f"the round trip over NNTP is {p50 / f50:.0f}x the row fetch at p50"
    )


async def post_all(c: Client, group: str, first: int, count: int, times: list[float]) -> None:
    for j in range(count):
        t0 = time.perf_counter()
        await c.post(group, first + j)
        times.append(time.perf_counter() - t0)


async def bench_post(port: int, group: str, posts: int, posters: int) -> None:
    print(f"\n== POST ({load_note()})")
    for conns in (1, posters):
        clients = [await Client.open(port) for _ in range(conns)]
        for i, c in enumerate(clients):
            await c.login(f"poster{i % posters}", PASSWORD)
        per = posts // conns
        times: list[float] = []
        t0 = time.perf_counter()
        await asyncio.gather(
            *(post_all(c, group, k * per, per, times) for k, c in enumerate(clients))
        )
        took = time.perf_counter() - t0
        rate = per * conns / took
        print(
            f"   {conns:3} connection(s): {per * conns:,} articles in {took:.2f} s = "
            f"{rate:,.0f} articles/s, each POST p50 {percentile(times, 50) * 1000:.2f} ms "
            f"p99 {percentile(times, 99) * 1000:.2f} ms; target >= {POST_TARGET} "
            f"{ok(rate >= POST_TARGET)}"
        )
        for c in clients:
            await c.close()


async def bench_readers(port: int, group: str, high: int, readers: int, rounds: int) -> None:
    rng = random.Random(7)
    times: list[float] = []
    lines = 0

    async def reader(k: int) -> None:
        nonlocal lines
        c = await Client.open(port)
        for _ in range(rounds):
            start = rng.randint(1, max(1, high - 100))
            t0 = time.perf_counter()
            await c.status(f"GROUP {group}")
            _, n = await c.block(f"OVER {start}-{start + 99}", b"224")
            await c.block(f"ARTICLE {rng.randint(start, start + 99)}", b"220")
            times.append(time.perf_counter() - t0)
            lines += n
        await c.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(reader(k) for k in range(readers)))
    took = time.perf_counter() - t0
    print(
        f"\n== {readers} readers at once, {rounds} rounds each of GROUP + OVER (100) + ARTICLE "
        f"({load_note()})\n   {len(times):,} rounds in {took:.2f} s = {len(times) / took:,.0f} "
        f"rounds/s ({lines / took:,.0f} overview lines/s); a round p50 "
        f"{percentile(times, 50) * 1000:.1f} ms, p99 {percentile(times, 99) * 1000:.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--article-samples", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--posters", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="rb-bench-nntp-"))
    path = data / "retroboard.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    await db.dispose()
    t0 = time.perf_counter()
    info = await asyncio.to_thread(generate, path, args.articles, 1, 50)
    group = info["groups"][0]
    high = info["high"][1]
    print(
        f"{args.articles:,} articles in {group} ({info['threads']:,} threads) generated in "
        f"{time.perf_counter() - t0:.0f} s; database {path.stat().st_size / 1e6:.0f} MB"
    )
    port = free_port()
    env = board_env(
        str(Path(__file__).resolve().parents[1] / "src"),
        {
            "RETROBOARD_NNTP_PORT": str(port),
            "RETROBOARD_MAX_PER_ADDRESS": "10000",
            "RETROBOARD_MAX_PRELOGIN": "10000",
            "RETROBOARD_MAX_PRELOGIN_PER_ADDRESS": "10000",
            "RETROBOARD_ARGON2_TIME_COST": "1",
            "RETROBOARD_ARGON2_MEMORY_KIB": "1024",
            "RETROBOARD_ARGON2_PARALLELISM": "1",
            "RETROBOARD_LOG_LEVEL": "WARNING",
        },
    )
    board = Board(data, env)
    for i in range(args.posters):
        board.add_user(f"poster{i}", PASSWORD)
    start_s = board.start()
    print(f"board up in {start_s:.1f} s (NNTP port {port}, pid {board.pid})")
    try:
        con = floor_connection(path)
        floor_s = min(floor_over(con, high) for _ in range(3))
        rng = random.Random(1)
        numbers = [rng.randint(1, high) for _ in range(args.article_samples)]
        floor = floor_articles(con, numbers)
        con.close()
        await bench_over(port, group, high, floor_s)
        await bench_article(port, group, numbers, floor)
        await bench_post(port, group, args.posts, args.posters)
        await bench_readers(port, group, high + args.posts, args.readers, args.rounds)
        problems = board.problems()
        if problems:
            print("\nserver log problems:\n  " + "\n  ".join(problems[:10]))
    finally:
        board.stop()
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
        else:
            print(f"data kept in {data}")


if __name__ == "__main__":
    asyncio.run(main())

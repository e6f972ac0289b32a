"""Teleconference under load: 200 callers in #main over real telnet, 20 lines a second in all,
then the same with 50 more callers in the channel who never read their socket.

Reports the delivery latency (a line sent -> its text in each other caller's received bytes,
both clocks in this process), lines missed, and the server's RSS before and during the talk,
each phase against the targets: p99 <= 50 ms; the stalled callers add < 50 MB and do not slow
the others.

The board runs as `python -m retroboard serve` (bench/_serve.py) on a fresh data folder whose
accounts are made beforehand straight through the services (cheap argon2, expert mode: no
logon sequence). The load generator is this one process: raw asyncio sockets speaking just
enough telnet (TTYPE xterm, NAWS 80x24, SGA/ECHO/BINARY) to log in, press T and talk; it
parses no screens, it only looks for each line's token in the bytes received.

Run: .venv/bin/python bench/chat.py [--users 200] [--stalled 50] [--rate 20] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import update  # noqa: E402

from _serve import (  # noqa: E402
    CHEAP_ARGON2,
    HOST,
    Board,
    board_env,
    cpu_seconds,
    load_note,
    mib,
    ms,
    percentile,
    rss_kb,
)
from retroboard.bus import EventBus  # noqa: E402
from retroboard.config import Settings  # noqa: E402
from retroboard.db.engine import Database  # noqa: E402
from retroboard.db.migrate import upgrade  # noqa: E402
from retroboard.db.tables import UserRow  # noqa: E402
from retroboard.services.facade import build_services  # noqa: E402

PASSWORD = "Bench-chat-pass-1"
from _telnet import Negotiator  # noqa: E402

TOKEN = re.compile(rb"k(\d{7})q")
ADDRESSES = [f"127.0.0.{n}" for n in range(10, 35)]  # logins queue per address: spread them
IN_CHAT = b"lists the commands"
TARGET_P99 = 0.050
TARGET_STALLED_MB = 50.0


@dataclass
class Sent:
    at: float
    by: int


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent: dict[int, Sent] = field(default_factory=dict)


class Client(asyncio.Protocol):
    """One telnet caller: answers negotiation, waits for texts while logging in, then only
    looks for tokens (kept in `stats` with the time they arrived)."""

    def __init__(self, number: int, stats: Stats) -> None:
        self.number = number
        self.stats = stats
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()  # while logging in: what was received (bounded)
        self.want: tuple[bytes, asyncio.Future[None]] | None = None
        self.chatting = False
        self.tail = b""
        self.telnet = Negotiator(b"xterm", self._reply)
        self.closed = asyncio.get_running_loop().create_future()
        self.received = 0

    # ---- telnet ----------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
        if self.want is not None and not self.want[1].done():
            self.want[1].set_exception(ConnectionError("the board hung up"))

    def _reply(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        data = self.telnet.strip(data)
        if self.chatting:
            self._tokens(data)
            return
        self.buf += data
        del self.buf[:-65536]
        if self.want is not None and self.want[0] in self.buf and not self.want[1].done():
            self.want[1].set_result(None)

    def _tokens(self, data: bytes) -> None:
        now = time.monotonic()
        chunk = self.tail + data
        for found in TOKEN.finditer(chunk):
            sent = self.stats.sent.get(int(found.group(1)))
            if sent is not None and sent.by != self.number:
                self.stats.latencies.append(now - sent.at)
        self.tail = chunk[-16:]

    # ---- driving ---------------------------------------------------------------------------
    async def expect(self, text: bytes, timeout: float = 30.0) -> None:
        if text in self.buf:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.want = (text, fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            shown = bytes(self.buf[-400:]).decode("utf-8", "replace")
            raise TimeoutError(
                f"caller {self.number}: no {text!r}; last bytes: {shown!r}"
            ) from None
        finally:
            self.want = None

    def send(self, text: str) -> None:
        assert self.transport is not None
        self.transport.write(text.encode())

    def stall(self) -> None:
        """Stop reading the socket for good: the board's output piles up in its buffers."""
        assert self.transport is not None
        self.transport.pause_reading()


async def connect(number: int, port: int, stats: Stats, *, small_buffer: bool) -> Client:
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if small_buffer:  # a stalled reader's kernel buffer fills at once instead of after minutes
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.bind((ADDRESSES[number % len(ADDRESSES)], 0))
    sock.setblocking(False)
    await loop.sock_connect(sock, (HOST, port))
    _, client = await loop.create_connection(lambda: Client(number, stats), sock=sock)
    return client


async def enter_chat(client: Client) -> None:
    await client.expect(b"Handle:")
    client.buf.clear()
    client.send(f"chat{client.number:03d}\r")
    await client.expect(b"Password:")
    client.buf.clear()
    client.send(PASSWORD + "\r")
    await client.expect(b"Teleconference (chat)")
    client.buf.clear()
    client.send("t")
    await client.expect(IN_CHAT)
    client.buf.clear()
    client.chatting = True


async def gather_callers(
    numbers: range, port: int, stats: Stats, *, small_buffer: bool = False
) -> list[Client]:
    """Connect and bring `numbers` into the teleconference, one login at a time per address."""
    lanes = {a: asyncio.Lock() for a in ADDRESSES}

    async def one(n: int) -> Client:
        async with lanes[ADDRESSES[n % len(ADDRESSES)]]:
            client = await connect(n, port, stats, small_buffer=small_buffer)
            await enter_chat(client)
            return client

    return list(await asyncio.gather(*(one(n) for n in numbers)))


@dataclass
class Phase:
    name: str
    readers: int
    lines: int = 0
    latencies: list[float] = field(default_factory=list)
    rss_before: int = 0
    rss_peak: int = 0
    rss_end: int = 0
    cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def expected(self) -> int:
        return self.lines * (self.readers - 1)


async def talk(
    name: str, talkers: list[Client], board: Board, rate: float, seconds: float, stats: Stats
) -> Phase:
    """`rate` lines a second from the talkers in turn for `seconds`, then a short wait for the
    last deliveries; the server's RSS sampled meanwhile."""
    phase = Phase(name, len(talkers), rss_before=rss_kb(board.pid))
    stats.latencies.clear()
    order = list(talkers)
    random.Random(7).shuffle(order)  # round robin: each talks rate/len lines a second, so
    loop = asyncio.get_running_loop()
    cpu0, mine0 = cpu_seconds(board.pid), time.process_time()
    start = loop.time()
    token = len(stats.sent)
    peak = phase.rss_before
    next_sample = start
    while loop.time() - start < seconds:
        due = start + phase.lines / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        who = order[phase.lines % len(order)]  # nobody trips the flood limit (5 in 5 s)
        token += 1
        stats.sent[token] = Sent(time.monotonic(), who.number)
        who.send(f"k{token:07d}q {name} says hello to everyone here\r")
        phase.lines += 1
        if loop.time() >= next_sample:
            peak = max(peak, rss_kb(board.pid))
            next_sample = loop.time() + 0.5
    deadline = loop.time() + 3.0
    while len(stats.latencies) < phase.expected and loop.time() < deadline:
        await asyncio.sleep(0.05)
    phase.cpu = cpu_seconds(board.pid) - cpu0
    phase.client_cpu = time.process_time() - mine0
    phase.rss_end = rss_kb(board.pid)
    phase.rss_peak = max(peak, phase.rss_end)
    phase.latencies = list(stats.latencies)
    return phase


def report(phase: Phase, seconds: float) -> None:
    got = len(phase.latencies)
    print(
        f"  {phase.name}: {phase.lines} lines to {phase.readers - 1} others each; "
        f"{got}/{phase.expected} deliveries seen ({phase.expected - got} missing)"
    )
    print(
        f"    latency p50 {ms(percentile(phase.latencies, 50))}, "
        f"p99 {ms(percentile(phase.latencies, 99))}, max {ms(max(phase.latencies, default=0.0))}"
    )
    print(
        f"    server RSS {mib(phase.rss_before)} before, {mib(phase.rss_peak)} peak, "
        f"{mib(phase.rss_end)} after; CPU: server {phase.cpu / seconds * 100:.0f}%, "
        f"these clients {phase.client_cpu / seconds * 100:.0f}% of a core"
    )


async def prepare(data: Path, accounts: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{data / 'retroboard.db'}")
    await upgrade(db)
    settings = Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    sv = build_services(settings, db, EventBus())
    for n in range(accounts):
        await sv.users.register(f"chat{n:03d}", PASSWORD)
    async with db.write() as s:
        await s.execute(update(UserRow).values(expert=True))
    await db.dispose()


async def main(args: argparse.Namespace) -> int:
    data = Path(tempfile.mkdtemp(prefix="rb-bench-chat-"))
    data.chmod(0o700)
    env = board_env(
        str(Path(__file__).resolve().parents[1] / "src"),
        {
            **CHEAP_ARGON2,
            "RETROBOARD_MAX_PER_ADDRESS": "1000",
            "RETROBOARD_MAX_PRELOGIN": "1000",
            "RETROBOARD_MAX_PRELOGIN_PER_ADDRESS": "1000",
            "RETROBOARD_MAX_SESSIONS": "2000",
        },
    )
    board = Board(data, env)
    stats = Stats()
    t0 = time.perf_counter()
    await prepare(data, args.users + args.stalled)
    print(f"{args.users + args.stalled} accounts made in {time.perf_counter() - t0:.1f} s")
    board.start()
    ok = False
    try:
        t0 = time.perf_counter()
        callers = await gather_callers(range(args.users), board.telnet_port, stats)
        print(f"{len(callers)} callers in #main in {time.perf_counter() - t0:.1f} s")
        await asyncio.sleep(2)
        idle = rss_kb(board.pid)
        print(f"server RSS with {len(callers)} callers in chat, nobody talking: {mib(idle)}")
        first = await talk("A: no stalled", callers, board, args.rate, args.seconds, stats)
        report(first, args.seconds)

        t0 = time.perf_counter()
        stalled = await gather_callers(
            range(args.users, args.users + args.stalled), board.telnet_port, stats,
            small_buffer=True,
        )  # fmt: skip
        for client in stalled:
            client.stall()
        await asyncio.sleep(2)
        print(
            f"{len(stalled)} stalled callers joined in {time.perf_counter() - t0:.1f} s and "
            f"stopped reading; server RSS {mib(rss_kb(board.pid))}"
        )
        second = await talk(
            f"B: {len(stalled)} stalled", callers, board, args.rate, args.seconds, stats
        )
        report(second, args.seconds)
        dropped = sum(1 for c in stalled if c.closed.done())
        print(f"    stalled callers the board hung up on by the end: {dropped}/{len(stalled)}")

        added = (second.rss_peak - first.rss_peak) / 1024
        p99 = [percentile(p.latencies, 99) for p in (first, second)]
        slower = p99[1] - p99[0]
        print("\nTargets")
        for label, good, value in (
            ("p99 delivery <= 50 ms (A)", p99[0] <= TARGET_P99, ms(p99[0])),
            ("p99 delivery <= 50 ms (B, with stalled)", p99[1] <= TARGET_P99, ms(p99[1])),
            ("stalled callers add < 50 MB RSS (peak B - peak A)", added < TARGET_STALLED_MB,
             f"{added:+.1f} MiB"),
            ("stalled callers do not slow the others (p99 B - A)", p99[1] <= TARGET_P99,
             f"{slower * 1000:+.0f} ms"),
        ):  # fmt: skip
            print(f"  {'OK    ' if good else 'MISSED'} {label}: {value}")
        print(f"\n{load_note()}")
        problems = board.problems()
        if problems:
            print(f"server log: {len(problems)} warning/error lines, the last ones:")
            for line in problems[-5:]:
                print("  " + line)
        for client in callers + stalled:
            if client.transport is not None:
                client.transport.abort()
        ok = True
    finally:
        board.stop()
        if args.keep_data or not ok:
            print(f"data folder kept: {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)
    return 0


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--users", type=int, default=200, help="callers who read (default 200)")
    p.add_argument("--stalled", type=int, default=50, help="callers who never read (50)")
    p.add_argument("--rate", type=float, default=20.0, help="lines per second in all (20)")
    p.add_argument("--seconds", type=float, default=20.0, help="length of each phase (20)")
    p.add_argument("--keep-data", action="store_true", help="keep the data folder and log")
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))

"""Many scripted callers at once over real telnet and SSH: per-action latency as the caller sees
it, actions a second, and the server's CPU and RSS; or, with --idle N, RSS per idle caller.

Active mode: --callers callers (a share of them over SSH) log in and then, until --seconds have
passed, browse like people do: the group selector, go to a group (thread list), open articles,
the next one in the thread, now and then a follow-up, a search, the teleconference (one line
said and seen back) and a page. Each action is timed from the keys being sent to the text that
shows the screen is drawn arriving (escape sequences stripped), with a think time in between.
Idle mode: --idle callers log in and sit at the main menu; the server's RSS growth per caller.

This is a benchmark, not a test. The board runs as `python -m retroboard serve`
(bench/_serve.py) on a fresh data folder seeded through the services (groups, accounts in
expert mode so there is no logon sequence, a few hundred articles in threads). The callers run
in --workers separate processes (raw asyncio sockets speaking just enough telnet, as
bench/chat.py does; asyncssh for SSH), so their CPU is not the server's.

Run: .venv/bin/python bench/load.py [--callers 100] [--ssh 0.2] [--seconds 20] [--think 1.0]
     .venv/bin/python bench/load.py --idle 1000
     500 active callers: bench/load.py --callers 500 --workers 3 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing as mp
import random
import re
import resource
import shutil
import socket
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serve import (  # noqa: E402
    CHEAP_ARGON2,
    HOST,
    Board,
    board_env,
    cpu_seconds,
    load_note,
    mib,
    percentile,
    rss_kb,
)

PASSWORD = "Load-bench-pass-1"
from _telnet import Negotiator  # noqa: E402

ADDRESSES = [f"127.0.0.{n}" for n in range(10, 250)]  # the guard limits callers per address
ANSI = re.compile(rb"\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_])")
GROUPS = [
    "comp.sys.retro", "rec.games.int-fiction", "alt.folklore.computers", "local.general",
    "sci.electronics.repair", "misc.forsale.computers", "comp.os.cpm", "rec.arts.ascii",
]  # fmt: skip
WORDS = (
    "modem amiga floppy commodore atari sector drive basic assembler sprite joystick "
    "keyboard monitor printer cartridge tape disk power supply capacitor solder board "
    "serial parallel terminal baud handshake archive door sysop upload download"
).split()
MENU = rb"Goodbye \(log off\)"
SELECTOR = rb"Subscribed groups"
THREADS = rb"unread of \d+"
ARTICLE = rb"what next\?"
NEXT = rb"what next\?|last article in the thread"
TARGET_READ_P99 = 0.050
TARGET_IDLE_KB = 40.0
READS = ("group selector", "thread list", "open article", "next in thread", "search")


# --------------------------------------------------------------------------- seeding


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


async def prepare(data: Path, accounts: int, articles: int) -> None:
    """Accounts load000..., all subscribed to GROUPS, expert mode; `articles` in threads."""
    from sqlalchemy import update

    from retroboard.bus import EventBus
    from retroboard.config import Settings
    from retroboard.db.engine import Database
    from retroboard.db.migrate import upgrade
    from retroboard.db.tables import UserRow
    from retroboard.domain.errors import Conflict
    from retroboard.services.facade import build_services

    db = Database(f"sqlite+aiosqlite:///{data / 'retroboard.db'}")
    await upgrade(db)
    settings = Settings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    sv = build_services(settings, db, EventBus())
    for name in GROUPS:
        with contextlib.suppress(Conflict):
            await sv.groups.create(name, f"Talk about {name.split('.')[-1]}")
    users = []
    for n in range(accounts):
        user = await sv.users.register(f"load{n:03d}", PASSWORD)
        for name in GROUPS:
            await sv.groups.subscribe(user, name)
        users.append(user)
    rng = random.Random(11)
    roots: dict[str, list[str]] = defaultdict(list)
    for _ in range(articles):
        group = rng.choice(GROUPS)
        author = rng.choice(users[:50])
        body = "\n".join(sentence(rng, rng.randint(6, 14)) for _ in range(rng.randint(2, 8)))
        if roots[group] and rng.random() < 0.6:
            parent = rng.choice(roots[group][-20:])
            await sv.articles.post(author, [group], "Re: thread", body, parent)
        else:
            result = await sv.articles.post(author, [group], sentence(rng, 4)[:-1], body)
            roots[group].append(result.article.head.message_id)
    async with db.write() as s:
        await s.execute(update(UserRow).values(expert=True))
    await db.dispose()


# --------------------------------------------------------------------------- a caller


class Hangup(ConnectionError):
    """The board closed the connection."""


class Screen:
    """What a caller received since its last keys, escape sequences stripped, and a waiter."""

    def __init__(self) -> None:
        self.raw = bytearray()
        self.want: tuple[re.Pattern[bytes], asyncio.Future[float]] | None = None
        self.lost = False

    def feed(self, data: bytes) -> None:
        self.raw += data
        del self.raw[:-32768]
        if self.want is not None and not self.want[1].done():
            if self.want[0].search(ANSI.sub(b"", self.raw)):
                self.want[1].set_result(time.perf_counter())

    def gone(self) -> None:
        self.lost = True
        if self.want is not None and not self.want[1].done():
            self.want[1].set_exception(Hangup("the board hung up"))

    async def expect(self, pattern: bytes, timeout: float) -> float:
        rx = re.compile(pattern)
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.want = (rx, fut)
        if rx.search(ANSI.sub(b"", self.raw)):
            fut.set_result(time.perf_counter())
        elif self.lost:
            raise Hangup("the board hung up")
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            shown = ANSI.sub(b"", self.raw)[-300:].decode("utf-8", "replace")
            raise TimeoutError(f"no {pattern!r} within {timeout:.0f} s; got {shown!r}") from None
        finally:
            self.want = None


class TelnetLine(asyncio.Protocol):
    """Just enough telnet (TTYPE xterm-256color, a precise type, so no charset probe; NAWS
    80x24; SGA/ECHO/BINARY); what the board draws goes to a Screen."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.transport: asyncio.Transport | None = None
        self.telnet = Negotiator(b"xterm-256color", self.write)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.screen.gone()

    def write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise Hangup("the line is closed")
        self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def data_received(self, data: bytes) -> None:
        out = self.telnet.strip(data)
        if out:
            self.screen.feed(out)


class SSHLine:
    """An asyncssh session with a PTY (xterm-256color 80x24); data goes to a Screen."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.conn: Any = None
        self.chan: Any = None

    async def open(self, port: int, handle: str, address: str) -> None:
        import asyncssh

        screen = self.screen

        class Session(asyncssh.SSHClientSession[bytes]):
            def data_received(self, data: bytes, datatype: Any) -> None:
                screen.feed(data)

            def connection_lost(self, exc: Exception | None) -> None:
                screen.gone()

        self.conn = await asyncssh.connect(
            HOST, port, username=handle, password=PASSWORD, known_hosts=None, client_keys=None,
            agent_path=None, preferred_auth="password", local_addr=(address, 0),
        )  # fmt: skip
        self.chan, _ = await self.conn.create_session(
            Session, term_type="xterm-256color", term_size=(80, 24), encoding=None
        )

    def write(self, data: bytes) -> None:
        if self.chan is None or self.screen.lost:
            raise Hangup("the line is closed")
        self.chan.write(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.abort()


@dataclass
class Tally:
    """One worker's results: seconds per action, counts, errors."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)

    def error(self, where: str, exc: BaseException) -> None:
        key = f"{where}: {type(exc).__name__}"
        self.errors[key] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{key}: {str(exc)[:300]}")


class Caller:
    def __init__(self, number: int, ssh: bool, tally: Tally, timeout: float) -> None:
        self.number = number
        self.handle = f"load{number:03d}"
        self.ssh = ssh
        self.tally = tally
        self.timeout = timeout
        self.screen = Screen()
        self.line: TelnetLine | SSHLine | None = None
        self.rng = random.Random(number)
        self.said = 0

    async def act(self, name: str | None, keys: str, expect: bytes) -> None:
        """Send `keys`, wait for `expect`; `name` times it (None: a step that is not counted)."""
        assert self.line is not None
        self.screen.raw.clear()
        t0 = time.perf_counter()
        self.line.write(keys.encode())
        done = await self.screen.expect(expect, self.timeout)
        if name is not None:
            self.tally.times[name].append(done - t0)

    async def log_in(self, port: int, ssh_port: int) -> None:
        t0 = time.perf_counter()
        if self.ssh:
            line = SSHLine(self.screen)
            self.line = line
            address = ADDRESSES[self.number % len(ADDRESSES)]  # logins queue per address
            await asyncio.wait_for(line.open(ssh_port, self.handle, address), self.timeout)
            await self.screen.expect(MENU, self.timeout)
        else:
            loop = asyncio.get_running_loop()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((ADDRESSES[self.number % len(ADDRESSES)], 0))
            sock.setblocking(False)
            await asyncio.wait_for(loop.sock_connect(sock, (HOST, port)), self.timeout)
            _, self.line = await loop.create_connection(lambda: TelnetLine(self.screen), sock=sock)
            await self.screen.expect(rb"Handle:", self.timeout)
            await self.act(None, self.handle + "\r", rb"Password:")
            await self.act(None, PASSWORD + "\r", MENU)
        self.tally.times["log in (ssh)" if self.ssh else "log in (telnet)"].append(
            time.perf_counter() - t0
        )

    async def think(self, mean: float) -> None:
        await asyncio.sleep(self.rng.uniform(0.5 * mean, 1.5 * mean))

    async def browse(self, think: float, until: float) -> None:
        rng = self.rng
        await self.act("group selector", "m", SELECTOR)
        await self.think(think)
        await self.act(None, "g", rb"Go to group:")
        await self.act("thread list", rng.choice(GROUPS) + "\r", THREADS)
        loop = asyncio.get_running_loop()
        for _ in range(rng.randint(1, 4)):
            if loop.time() >= until:
                break
            await self.think(think)
            downs = "\x1b[B" * rng.randint(0, 12)
            await self.act("open article", downs + "\r", ARTICLE)
            if rng.random() < 0.5:
                await self.think(think)
                await self.act("next in thread", "n", NEXT)
            if rng.random() < 0.08:
                await self.follow_up(think)
            await self.act("back to thread list", "q", THREADS)
        await self.act(None, "q", SELECTOR)
        await self.act(None, "q", MENU)

    async def follow_up(self, think: float) -> None:
        await self.act(None, "f", rb"Enter to keep")
        await self.act(None, "\r", rb" 1:")
        await self.think(think)
        await self.act(None, sentence(self.rng, 8) + "\r", rb" 2:")
        await self.act("post follow-up", "/s\r", rb"Article posted")

    async def search(self, think: float) -> None:
        await self.act(None, "f", rb"Search for:")
        words = " ".join(self.rng.sample(WORDS, self.rng.randint(1, 2)))
        await self.act(None, words + "\r", rb"In group")
        await self.act("search", "\r", rb"found, |No articles match")
        await self.think(think)
        await self.act(None, "q", MENU)

    async def chat(self, think: float) -> None:
        await self.act("enter chat", "t", rb"lists the commands")
        self.said += 1
        token = f"z{self.number:03d}x{self.said}q"
        await self.think(think)
        await self.act("chat line", f"{token} hello everyone\r", re.escape(token.encode()))
        await self.act(None, "/q\r", MENU)

    async def page(self, callers: int, think: float) -> None:
        await self.act(None, "p", rb"Page whom|Nobody else is online")
        if b"Nobody else" in ANSI.sub(b"", self.screen.raw):
            await self.act(None, " ", MENU)
            return
        other = self.rng.randrange(callers)
        if other == self.number:
            other = (other + 1) % callers
        await self.act(None, f"load{other:03d}\r", rb"Message to|nobody|not online|isn't|No ")
        if b"Message to" in ANSI.sub(b"", self.screen.raw):
            await self.act("page", "are you there?\r", rb"Page sent|Nothing was sent|not")
        await self.act(None, " ", MENU)

    async def run(self, until: float, callers: int, think: float) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < until:
            roll = self.rng.random()
            step = "browse"
            try:
                if roll < 0.75:
                    await self.browse(think, until)
                elif roll < 0.88:
                    step = "search"
                    await self.search(think)
                elif roll < 0.96:
                    step = "chat"
                    await self.chat(think)
                else:
                    step = "page"
                    await self.page(callers, think)
            except (Hangup, TimeoutError, OSError) as exc:
                self.tally.error(step, exc)
                return
            await self.think(think)

    def close(self) -> None:
        if self.line is not None:
            self.line.close()


# --------------------------------------------------------------------------- a worker process


def worker(
    numbers: list[int], ssh_every: int, cfg: dict[str, Any], ready: Any, go: Any, out: Any
) -> None:
    """Log `numbers` in (at most 20 at once), tell `ready`, wait for `go`, then run (active) or
    sit (idle) until told `stop`; put the Tally's contents on `out`."""
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
    out.put(asyncio.run(_worker(numbers, ssh_every, cfg, ready, go)))


async def _worker(
    numbers: list[int], ssh_every: int, cfg: dict[str, Any], ready: Any, go: Any
) -> dict[str, Any]:
    tally = Tally()
    callers = [
        Caller(n, ssh_every > 0 and n % ssh_every == ssh_every - 1, tally, cfg["timeout"])
        for n in numbers
    ]
    gate = asyncio.Semaphore(20)

    async def one(c: Caller) -> bool:
        async with gate:
            try:
                await c.log_in(cfg["telnet_port"], cfg["ssh_port"])
                return True
            except Exception as exc:  # asyncssh's errors too: counted, shown, not fatal
                tally.error("log in", exc)
                c.close()
                return False

    ok = await asyncio.gather(*(one(c) for c in callers))
    live = [c for c, good in zip(callers, ok, strict=True) if good]
    ready.set()
    loop = asyncio.get_running_loop()
    while not go.is_set():
        await asyncio.sleep(0.02)
    t0 = time.process_time()
    if cfg["mode"] == "active":
        until = loop.time() + cfg["seconds"]
        await asyncio.gather(*(c.run(until, cfg["callers"], cfg["think"]) for c in live))
    else:
        while not cfg["stop"].is_set():
            await asyncio.sleep(0.1)
    cpu = time.process_time() - t0
    alive = sum(1 for c in live if not c.screen.lost)
    for c in callers:
        c.close()
    await asyncio.sleep(0.2)
    return {"times": dict(tally.times), "errors": dict(tally.errors), "samples": tally.samples,
            "logged_in": len(live), "alive": alive, "cpu": cpu}  # fmt: skip


# --------------------------------------------------------------------------- the main process


def fmt_ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    for r in results:
        for k, v in r["times"].items():
            times[k].extend(v)
        for k, n in r["errors"].items():
            errors[k] += n
        samples.extend(r["samples"])
    return {"times": times, "errors": errors, "samples": samples[:5],
            "logged_in": sum(r["logged_in"] for r in results),
            "alive": sum(r["alive"] for r in results),
            "cpu": sum(r["cpu"] for r in results)}  # fmt: skip


def run_workers(
    board: Board, count: int, args: argparse.Namespace, mode: str, between: Any = None
) -> tuple[dict[str, Any], dict[str, float]]:
    """Start the workers for callers 0..count-1; once all are logged in call `between("start")`,
    let them go, and (idle mode) call `between("settled")` before stopping them."""
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    cfg = {"telnet_port": board.telnet_port, "ssh_port": board.ssh_port, "mode": mode,
           "seconds": args.seconds, "think": args.think, "callers": count,
           "timeout": args.timeout, "stop": stop}  # fmt: skip
    ssh_every = round(1 / args.ssh) if args.ssh > 0 else 0
    workers = max(1, min(args.workers, count))
    shares = [list(range(w, count, workers)) for w in range(workers)]
    out = ctx.Queue()
    procs = []
    readies = []
    go = ctx.Event()
    t0 = time.perf_counter()
    for share in shares:
        ready = ctx.Event()
        p = ctx.Process(target=worker, args=(share, ssh_every, cfg, ready, go, out))
        p.start()
        procs.append(p)
        readies.append(ready)
    for ready in readies:
        while not ready.wait(1):
            if not all(p.is_alive() for p in procs):
                raise RuntimeError("a worker died while logging in")
    marks: dict[str, float] = {"login_s": time.perf_counter() - t0}
    if between:
        between("start")
    marks["cpu0"], marks["t0"] = cpu_seconds(board.pid), time.perf_counter()
    go.set()
    if mode == "idle":
        between("settled")
        stop.set()
    results = [out.get(timeout=args.seconds + 4 * args.timeout + 60) for _ in procs]
    marks["cpu1"], marks["t1"] = cpu_seconds(board.pid), time.perf_counter()
    for p in procs:
        p.join(10)
    return merge(results), marks


def print_problems(res: dict[str, Any], board: Board) -> None:
    if res["errors"]:
        print("caller errors: " + "; ".join(f"{n} x {k}" for k, n in res["errors"].items()))
        for line in res["samples"]:
            print("  e.g. " + line)
    problems = board.problems()
    if problems:
        print(f"server log: {len(problems)} warning/error lines, the last ones:")
        for line in problems[-5:]:
            print("  " + line[:200])
    else:
        print("server log: no warnings or errors")


def active(board: Board, args: argparse.Namespace) -> None:
    rss: dict[str, int] = {}

    def between(when: str) -> None:
        rss[when] = rss_kb(board.pid)

    res, marks = run_workers(board, args.callers, args, "active", between)
    rss_end = rss_kb(board.pid)
    wall = marks["t1"] - marks["t0"]
    cpu = marks["cpu1"] - marks["cpu0"]
    times = res["times"]
    over_ssh = len(times.get("log in (ssh)", []))
    print(f"\n{res['logged_in']} of {args.callers} callers logged in in {marks['login_s']:.1f} s "
          f"({over_ssh} over SSH); {res['alive']} still connected at the end")  # fmt: skip
    print(f"\nper action, key sent -> screen drawn, as the caller sees it ({wall:.1f} s):")
    print(f"  {'action':<22}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'/s':>8}")
    counted = 0
    for name in sorted(times, key=lambda k: (k.startswith("log in"), -len(times[k]))):
        v = times[name]
        if not name.startswith("log in"):
            counted += len(v)
        print(f"  {name:<22}{len(v):>7}{fmt_ms(percentile(v, 50)):>9}"
              f"{fmt_ms(percentile(v, 99)):>9}{fmt_ms(max(v)):>9}"
              f"{'' if name.startswith('log in') else f'{len(v) / wall:.1f}':>8}")  # fmt: skip
    print(f"\n  actions a second (timed ones, all callers): {counted / wall:.1f}")
    print(
        f"  server CPU: {cpu:.1f} s in {wall:.1f} s = {cpu / wall * 100:.0f}% of a core; "
        f"load generator ({args.workers} processes): {res['cpu'] / wall * 100:.0f}%"
    )
    print(f"  server RSS: {mib(rss['start'])} at the start (all logged in), {mib(rss_end)} at "
          f"the end")  # fmt: skip
    worst = max((percentile(times[k], 99) for k in READS if times.get(k)), default=math.nan)
    verdict = "OK    " if worst <= TARGET_READ_P99 and not res["errors"] else "MISSED"
    print(f"\n  {verdict} every read action's p99 <= 50 ms at {args.callers} callers: worst "
          f"{fmt_ms(worst)} ms (target is for 500 callers)")  # fmt: skip
    print_problems(res, board)


def idle(board: Board, args: argparse.Namespace) -> None:
    rss: dict[str, int] = {}

    def between(when: str) -> None:
        if when == "settled":
            time.sleep(args.settle)
        rss[when] = rss_kb(board.pid)

    warm, _ = run_workers(board, min(20, args.idle), args, "idle", lambda w: None)
    time.sleep(args.settle)
    base = rss_kb(board.pid)
    print(f"\nwarm-up: {warm['logged_in']} callers logged in and out; server RSS {mib(base)}")
    res, marks = run_workers(board, args.idle, args, "idle", between)
    n = res["logged_in"]
    per = (rss["settled"] - base) / max(1, n)
    print(
        f"{n} of {args.idle} callers logged in in {marks['login_s']:.1f} s; "
        f"{res['alive']} still connected after {args.settle:.0f} s idle"
    )
    print(f"  server RSS: {mib(base)} before, {mib(rss['settled'])} with them all idle at the "
          f"menu: {per:.1f} KB a caller")  # fmt: skip
    sat = marks["cpu1"] - marks["cpu0"]
    print(f"  server CPU while they sat ({args.settle:.0f} s): {sat:.2f} s")
    verdict = "OK    " if per <= TARGET_IDLE_KB and n == args.idle else "MISSED"
    print(f"\n  {verdict} idle callers cost <= 40 KB each: {per:.1f} KB (at {n}; target at 1,000)")
    print_problems(res, board)


def main(args: argparse.Namespace) -> int:
    wanted = 4 * max(args.callers, args.idle) + 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    data = Path(tempfile.mkdtemp(prefix="rb-bench-load-"))
    data.chmod(0o700)
    accounts = max(args.callers, args.idle, 20)
    t0 = time.perf_counter()
    asyncio.run(prepare(data, accounts, args.articles))
    print(f"{accounts} accounts, {len(GROUPS)} groups, {args.articles} articles made in "
          f"{time.perf_counter() - t0:.1f} s; {load_note()}")  # fmt: skip
    env = board_env(
        str(Path(__file__).resolve().parents[1] / "src"),
        {**CHEAP_ARGON2, "RETROBOARD_MAX_PER_ADDRESS": "1000",
         "RETROBOARD_MAX_PRELOGIN": "1000", "RETROBOARD_MAX_PRELOGIN_PER_ADDRESS": "1000",
         "RETROBOARD_MAX_SESSIONS": str(accounts + 500)},
    )  # fmt: skip
    board = Board(data, env)
    board.start()
    ok = False
    try:
        time.sleep(1)
        print(f"server pid {board.pid}, RSS after start-up {mib(rss_kb(board.pid))}")
        if args.idle:
            idle(board, args)
        else:
            active(board, args)
        print(f"\n{load_note()}")
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
    p.add_argument("--callers", type=int, default=100, help="active callers (100)")
    p.add_argument("--idle", type=int, default=0, help="idle mode: this many callers sit (off)")
    p.add_argument("--ssh", type=float, default=0.2, help="share of callers over SSH (0.2)")
    p.add_argument("--seconds", type=float, default=20.0, help="length of the active run (20)")
    p.add_argument("--think", type=float, default=1.0, help="mean pause between keys, s (1.0)")
    p.add_argument("--articles", type=int, default=300, help="articles seeded (300)")
    p.add_argument("--workers", type=int, default=2, help="load generator processes (2)")
    p.add_argument("--timeout", type=float, default=30.0, help="wait for each screen, s (30)")
    p.add_argument("--settle", type=float, default=3.0, help="idle mode: wait before RSS (3)")
    p.add_argument("--keep-data", action="store_true", help="keep the data folder and log")
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(main(parse()))

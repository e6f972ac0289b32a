#!/usr/bin/env python3
"""Abuse benchmark: the flood, line-filling and password-guessing attacks, with their numbers.

This is a benchmark, not a test. Each part starts its own `retroboard serve` subprocess on a
fresh data folder and attacks it over loopback the way an anonymous caller would:

  flood  one connection that never logs in sends up to --flood-mb MB (no line ends) as fast as
         the board takes it, reading whatever the board sends. Server RSS before / peak / after
         (VmRSS every 0.1 s), bytes accepted, when the board hung up, server CPU seconds.
  fill   RETROBOARD_MAX_SESSIONS=100; --fill connections from 127.0.0.1 sit at Handle:, then a
         legitimate caller from 127.0.0.2 logs in over telnet: how many attackers got a prompt,
         how many were refused, and the caller's connect -> main menu time (or its refusal).
  guess  production argon2 (the defaults). N attacker tasks from 127.0.0.5 (half SSH with
         asyncssh, half telnet) send wrong passwords for "victim" for --guess-seconds, once per
         N in --guessers (20,100), each on a fresh board; meanwhile a legitimate user from
         127.0.0.3 logs in over SSH every 2 s. Guesses answered per minute, legitimate login
         latency p50/max, server CPU, and the password hashes the server computed if its
         control socket answers {"cmd": "stats"} with "password_hashes".

Usage:  python bench/abuse.py [--only flood|fill|guess] [--src DIR] [--keep-data]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import telnetlib3

from _serve import (
    CHEAP_ARGON2,
    HOST,
    MENU,
    Board,
    Hangup,
    Screen,
    TelnetUser,
    board_env,
    cpu_seconds,
    load_note,
    mib,
    ms,
    percentile,
    rss_kb,
    which_retroboard,
)

LEGIT, LEGIT_PASSWORD = "legit", "Legit-caller-pass-42"
VICTIM, VICTIM_PASSWORD = "victim", "Victim-real-pass-97"
FILL_ADDR, FILL_LEGIT_ADDR = "127.0.0.1", "127.0.0.2"
GUESS_ADDR, GUESS_LEGIT_ADDR = "127.0.0.5", "127.0.0.3"
LEGIT_PATIENCE = 60.0  # seconds a legitimate SSH login may take before it counts as failed
ANSI = re.compile(
    rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|\xff[\xfb-\xfe].|\xff\xfa.*?\xff\xf0", re.S
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WRONG = re.compile(r"wrong|incorrect|invalid|attempts|not match|failed", re.I)


def plain(data: bytes | bytearray) -> str:
    """What a caller would read in `data`: escape sequences and telnet commands removed."""
    return ANSI.sub(b"", bytes(data)).decode("utf-8", "replace")


def readable(data: bytes | bytearray) -> str:
    """The words in `data`, or what kind of control codes it holds if there are none."""
    text = " ".join(CONTROL.sub("", plain(data)).split())
    if text or not data:
        return text
    kinds = sorted({f"{b:#04x}" for b in data[-50:]})
    return f"(only control codes: {', '.join(kinds[:4])})"


def first_words(data: bytes | bytearray, limit: int = 70) -> str:
    text = readable(data)
    return (text[:limit] + "...") if len(text) > limit else text


def last_words(data: bytes | bytearray, limit: int = 70) -> str:
    text = readable(data)
    return ("..." + text[-limit:]) if len(text) > limit else text


class Sampler:
    """Samples a process's VmRSS every `interval` seconds while running."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[int] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.samples.append(rss_kb(self.pid))
            await asyncio.sleep(self.interval)

    def __enter__(self) -> Sampler:
        self._task = asyncio.ensure_future(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()

    @property
    def peak(self) -> int:
        return max(self.samples, default=0)


def new_board(args: argparse.Namespace, name: str, extra: dict[str, str]) -> Board:
    data = Path(tempfile.mkdtemp(prefix=f"retroboard-abuse-{name}-"))
    return Board(data, board_env(args.src, extra))


def finish(board: Board, args: argparse.Namespace, ok: bool) -> None:
    board.stop()
    problems = board.problems()
    if problems:
        print(f"  server log: {len(problems)} warning/error lines, e.g. {problems[0][:150]}")
    if args.keep_data or not ok:
        print(f"  data folder and server log kept in {board.data}")
    else:
        shutil.rmtree(board.data, ignore_errors=True)


# --------------------------------------------------------------------------- a. flood


@dataclass
class Flood:
    sent: int = 0  # bytes our socket accepted (written and drained)
    all_sent_at: float | None = None
    unread: int = 0  # most bytes seen waiting, unread, in the server's kernel receive buffer
    received: int = 0
    disconnected_at: float | None = None
    how: str = ""
    duration: float = 0.0
    settled_after: float = 0.0
    went_idle: bool = True
    rss_before: int = 0
    rss_peak: int = 0
    rss_after: int = 0
    cpu: float = 0.0
    probe: float | None = None  # another caller's connect -> Handle: during the flood
    probe_note: str = ""
    last_words: str = ""


def tcp_queues(local_port: int, remote_port: int) -> tuple[int, int] | None:
    """(send queue, receive queue) in bytes of the loopback TCP socket local_port ->
    remote_port, from /proc/net/tcp; None if there is no such socket."""
    try:
        rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    for row in rows:
        cols = row.split()
        local, remote, queues = cols[1], cols[2], cols[4]
        if int(local.split(":")[1], 16) == local_port and int(remote.split(":")[1], 16) == (
            remote_port
        ):
            tx, rx = queues.split(":")
            return int(tx, 16), int(rx, 16)
    return None


async def wait_until_idle(pid: int, limit: float, window: float = 1.0) -> tuple[float, bool]:
    """Wait until the process uses < 5% of a core over `window` seconds, at most `limit`
    seconds; returns how long that took and whether it did go idle."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        before = cpu_seconds(pid)
        await asyncio.sleep(window)
        if cpu_seconds(pid) - before < 0.05 * window:
            return time.perf_counter() - t0, True
    return time.perf_counter() - t0, False


async def probe_login_screen(port: int, timeout: float) -> tuple[float | None, str]:
    """Connect as a normal caller and time connect -> Handle:; (None, why) if it never came."""
    t0 = time.perf_counter()
    try:
        c = await TelnetUser.connect(port, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        return None, f"connect failed: {exc!r}"
    try:
        await c.wait_for(r"Handle:\s*$", timeout)
        return time.perf_counter() - t0, ""
    except (Hangup, TimeoutError) as exc:
        return None, str(exc).splitlines()[0]
    finally:
        c.close()


async def flood(board: Board, args: argparse.Namespace) -> Flood:
    res = Flood()
    total = int(args.flood_mb * 1_000_000)
    chunk = b"x" * 65536  # printable, no line end: it all lands in the Handle: prompt
    pid = board.pid
    await asyncio.sleep(1.0)
    res.rss_before = rss_kb(pid)
    cpu0 = cpu_seconds(pid)
    reader, writer = await asyncio.open_connection(HOST, board.telnet_port)
    our_port = writer.get_extra_info("sockname")[1]
    t0 = time.perf_counter()
    tail = bytearray()
    closed = asyncio.Event()
    hanging_up = False

    async def drain_board() -> None:
        while True:
            try:
                data = await reader.read(65536)
            except (ConnectionError, OSError):
                data = b""
            if not data:
                break
            res.received += len(data)
            tail.extend(data)
            del tail[:-400]
        if res.disconnected_at is None and not hanging_up:
            res.disconnected_at = time.perf_counter() - t0
            res.how = "the board closed the connection"
        closed.set()

    async def send_all() -> None:
        deadline = t0 + args.flood_seconds
        while res.sent < total and not closed.is_set():
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            piece = chunk[: total - res.sent]
            try:
                writer.write(piece)
                await asyncio.wait_for(writer.drain(), left)
            except TimeoutError:
                continue
            except (ConnectionError, OSError) as exc:
                if res.disconnected_at is None:
                    res.disconnected_at = time.perf_counter() - t0
                    res.how = f"the board reset the connection ({type(exc).__name__})"
                return
            res.sent += len(piece)
        if res.sent >= total:
            res.all_sent_at = time.perf_counter() - t0

    async def watch_queue() -> None:
        while not closed.is_set():
            queues = tcp_queues(board.telnet_port, our_port)
            res.unread = max(res.unread, queues[1] if queues else 0)
            await asyncio.sleep(0.1)

    async def probe_later() -> None:
        await asyncio.sleep(2.0)
        if not closed.is_set():
            res.probe, res.probe_note = await probe_login_screen(board.telnet_port, 20)
        else:
            res.probe_note = "flood already over"

    with Sampler(pid) as sampler:
        reading = asyncio.ensure_future(drain_board())
        probing = asyncio.ensure_future(probe_later())
        watching = asyncio.ensure_future(watch_queue())
        await send_all()
        if not closed.is_set():
            # Everything is sent (or time is up): give the board a moment to hang up on us.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closed.wait(), args.flood_grace)
        res.sent -= writer.transport.get_write_buffer_size()
        res.duration = time.perf_counter() - t0
        if not closed.is_set():
            hanging_up = True
            res.how = f"still connected {res.duration:.0f} s after the first byte; we hung up"
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 2)
        await asyncio.wait_for(reading, 5)
        await probing
        watching.cancel()
        res.last_words = last_words(tail)
        # The board may still be chewing on what it took in: wait until it is idle again.
        res.settled_after, res.went_idle = await wait_until_idle(pid, args.flood_settle)
        res.rss_after = rss_kb(pid)
    res.rss_peak = max(sampler.peak, res.rss_after)
    res.cpu = cpu_seconds(pid) - cpu0
    return res


def part_flood(args: argparse.Namespace) -> list[str]:
    print(f"\n== a. flood: one connection, never logs in, sends up to {args.flood_mb:g} MB ==")
    board = new_board(args, "flood", dict(CHEAP_ARGON2))
    ok = False
    try:
        board.start()
        r = asyncio.run(flood(board, args))
        if r.disconnected_at is not None:
            disc = f"yes, after {r.disconnected_at:.2f} s ({r.how})"
        else:
            disc = f"no ({r.how})"
        mb = 1_000_000
        when = f", all of it after {r.all_sent_at:.1f} s" if r.all_sent_at is not None else ""
        print(f"  bytes accepted by the socket      {r.sent:,} ({r.sent / mb:.1f} MB{when})")
        print(f"  most waiting unread at the server {r.unread:,} bytes (its kernel receive buffer)")
        print(f"  bytes the board sent back         {r.received:,}; last words: {r.last_words!r}")
        print(f"  disconnected                      {disc}")
        busy = (
            f"{r.settled_after:.1f} s (until idle)"
            if r.went_idle
            else f"still busy after {r.settled_after:.0f} s (stopped waiting)"
        )
        print(f"  server busy after we stopped      {busy}")
        growth = r.rss_peak - r.rss_before
        print(
            f"  server RSS before / peak / after  {mib(r.rss_before)} / {mib(r.rss_peak)} / "
            f"{mib(r.rss_after)} (peak +{mib(growth)})"
        )
        print(f"  server CPU used                   {r.cpu:.2f} s")
        probe = ms(r.probe) if r.probe is not None else f"none ({r.probe_note})"
        print(f"  another caller's Handle: prompt   {probe} (connecting 2 s into the flood)")
        ok = True
        cut = f"after {r.disconnected_at:.2f} s" if r.disconnected_at is not None else "never"
        return [
            f"flood: {r.sent / mb:.1f} MB accepted, RSS peak +{mib(growth)}, "
            f"disconnected {cut}, server CPU {r.cpu:.1f} s"
        ]
    finally:
        finish(board, args, ok)


# --------------------------------------------------------------------------- b. line filling


@dataclass
class Sitter:
    prompt: bool = False
    refused: str = ""  # what the board said before hanging up without a prompt
    pending: bool = False  # neither within the wait
    writer: asyncio.StreamWriter | None = None


async def sit_at_handle(port: int, addr: str, patience: float) -> Sitter:
    """A raw TCP caller (answers no negotiation) that waits for Handle: and then just sits."""
    s = Sitter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(HOST, port, local_addr=(addr, 0)), patience
        )
    except (OSError, TimeoutError) as exc:
        s.refused = f"connect failed: {type(exc).__name__}"
        return s
    s.writer = writer
    got = bytearray()
    end = time.perf_counter() + patience
    while True:
        left = end - time.perf_counter()
        if left <= 0:
            s.pending = True
            return s
        try:
            data = await asyncio.wait_for(reader.read(4096), left)
        except TimeoutError:
            continue
        except (ConnectionError, OSError):
            data = b""
        if not data:
            s.refused = first_words(got) or "(closed without a word)"
            return s
        got += data
        if "Handle:" in plain(got):
            s.prompt = True
            return s


async def fill(board: Board, args: argparse.Namespace) -> list[str]:
    n = args.fill
    t0 = time.perf_counter()
    sitters = await asyncio.gather(
        *(sit_at_handle(board.telnet_port, FILL_ADDR, 15) for _ in range(n))
    )
    took = time.perf_counter() - t0
    prompts = sum(s.prompt for s in sitters)
    refused = [s for s in sitters if s.refused]
    pending = sum(s.pending for s in sitters)
    print(f"  {n} connections from {FILL_ADDR} (raw TCP, settled in {took:.1f} s):")
    print(f"    got a Handle: prompt            {prompts}")
    print(f"    refused                         {len(refused)}")
    kinds: dict[str, int] = {}
    for s in refused:
        kinds[s.refused] = kinds.get(s.refused, 0) + 1
    for text, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:3]:
        print(f"      {count:4d} x {text!r}")
    print(f"    no answer within 15 s           {pending}")

    t1 = time.perf_counter()
    outcome = ""
    latency: float | None = None
    try:
        c = await TelnetUser.connect(board.telnet_port, local_addr=FILL_LEGIT_ADDR, timeout=20)
        try:
            await c.login(LEGIT, LEGIT_PASSWORD, timeout=20)
            latency = time.perf_counter() - t1
        except (Hangup, TimeoutError):
            outcome = first_words(c.text.encode(), 90) or "(nothing on screen)"
        finally:
            c.close()
    except (OSError, TimeoutError) as exc:
        outcome = f"connect failed: {exc!r}"
    if latency is not None:
        print(
            f"  legitimate caller from {FILL_LEGIT_ADDR}: at the main menu {ms(latency)} after connecting"
        )
    else:
        print(f"  legitimate caller from {FILL_LEGIT_ADDR}: REFUSED / failed: {outcome!r}")
    still = 0
    for s in sitters:
        if s.writer is not None:
            if not s.writer.is_closing() and s.prompt:
                still += 1
            s.writer.close()
    print(f"  attackers still connected at the end  {still}")
    verdict = ms(latency) if latency is not None else "refused"
    return [
        f"fill: {prompts}/{n} got Handle:, {len(refused)} refused; legitimate login from "
        f"another address: {verdict}"
    ]


def part_fill(args: argparse.Namespace) -> list[str]:
    print(f"\n== b. line filling: max_sessions=100, {args.fill} callers sit at Handle: ==")
    board = new_board(args, "fill", {**CHEAP_ARGON2, "RETROBOARD_MAX_SESSIONS": "100"})
    ok = False
    try:
        board.add_user(LEGIT, LEGIT_PASSWORD)
        board.start()
        lines = asyncio.run(fill(board, args))
        ok = True
        return lines
    finally:
        finish(board, args, ok)


# --------------------------------------------------------------------------- c. password guessing


@dataclass
class Guesses:
    answered: int = 0  # wrong passwords the board said no to within the window
    accepted: int = 0  # a wrong password let in (must stay 0)
    connections: int = 0
    refused_early: int = 0  # hung up before any prompt / auth
    errors: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    ssh_answered: int = 0
    cut_off: int = 0  # a password was sent and the board hung up without saying no
    telnet_answered: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def wrong_password() -> str:
    return "guess-" + secrets.token_hex(6)


class GuessingClient(asyncssh.SSHClient):
    """Offers a new wrong password every time the server asks, until the window closes."""

    def __init__(self, tally: Guesses, end: float) -> None:
        self.tally, self.end = tally, end
        self.outstanding = False
        self.asked = 0

    def answered(self) -> None:
        if self.outstanding and time.perf_counter() <= self.end:
            self.tally.answered += 1
            self.tally.ssh_answered += 1
        self.outstanding = False

    def password_auth_requested(self) -> str | None:
        self.answered()  # being asked again means the last one was refused
        if time.perf_counter() >= self.end:
            return None
        self.outstanding = True
        self.asked += 1
        return wrong_password()


async def ssh_guesser(port: int, tally: Guesses, end: float) -> None:
    while time.perf_counter() < end:
        client = GuessingClient(tally, end)
        tally.connections += 1
        try:
            conn = await asyncio.wait_for(
                asyncssh.connect(
                    HOST,
                    port,
                    username=VICTIM,
                    known_hosts=None,
                    client_keys=None,
                    agent_path=None,
                    preferred_auth="password",
                    local_addr=(GUESS_ADDR, 0),
                    client_factory=lambda c=client: c,  # type: ignore[misc]
                ),
                max(0.1, end - time.perf_counter()) + 5,
            )
            tally.accepted += 1
            conn.close()
        except asyncssh.PermissionDenied:
            client.answered()
        except TimeoutError:
            tally.error("ssh: timeout")
        except (asyncssh.Error, OSError) as exc:
            if client.asked == 0:
                tally.refused_early += 1
            elif client.outstanding and time.perf_counter() <= end:
                tally.cut_off += 1
            reason = str(getattr(exc, "reason", "") or exc)[:50]
            tally.error(f"ssh: {type(exc).__name__}: {reason}")
            await asyncio.sleep(0.05)


class TelnetGuesser:
    """One telnet line of a guessing attacker: handle, wrong password, again until cut off."""

    def __init__(self, reader: Any, writer: Any, tally: Guesses, end: float) -> None:
        self.reader, self.writer, self.tally, self.end = reader, writer, tally, end
        self.buf = bytearray()
        self.pos = 0  # how far into plain(buf) the prompts have been consumed

    async def until(self, pattern: str) -> str | None:
        """Read until `pattern` turns up after what was consumed; returns the text up to and
        including it (and consumes it), or None if the board hangs up first."""
        rx = re.compile(pattern, re.I)
        while True:
            text = plain(self.buf)
            found = rx.search(text, self.pos)
            if found:
                seen, self.pos = text[self.pos : found.end()], found.end()
                return seen
            left = self.end + 5 - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            try:
                data = await asyncio.wait_for(self.reader.read(4096), left)
            except (ConnectionError, OSError):
                data = b""
            if not data:
                return None
            self.buf.extend(data)

    def rest(self) -> str:
        return plain(self.buf)[self.pos :]

    async def run(self) -> None:
        tally, prompted = self.tally, False
        while time.perf_counter() < self.end:
            if await self.until(r"Handle:") is None:
                if not prompted:
                    tally.refused_early += 1
                    said = first_words(self.rest().encode(), 60) or "(closed without a word)"
                    tally.refusals[said] = tally.refusals.get(said, 0) + 1
                    await asyncio.sleep(0.05)
                return
            prompted = True
            self.writer.write(VICTIM.encode() + b"\r\n")
            if await self.until(r"Password:") is None:
                return
            self.writer.write(wrong_password().encode() + b"\r\n")
            answer = await self.until(r"Handle:|" + MENU)
            text = answer if answer is not None else self.rest()
            if re.search(MENU, text):
                tally.accepted += 1
                return
            if time.perf_counter() > self.end:
                return
            if answer is not None or WRONG.search(text):
                tally.answered += 1
                tally.telnet_answered += 1
            else:
                tally.cut_off += 1
            if answer is None:
                return
            self.pos -= len("Handle:")  # the next round starts at this prompt


async def telnet_guesser(port: int, tally: Guesses, end: float) -> None:
    while time.perf_counter() < end:
        tally.connections += 1
        try:
            reader, writer = await asyncio.wait_for(
                telnetlib3.open_connection(
                    HOST,
                    port,
                    local_addr=(GUESS_ADDR, 0),
                    encoding=False,
                    term="xterm",
                    connect_minwait=0.05,
                    connect_maxwait=1.0,
                ),
                10,
            )
        except (OSError, TimeoutError):
            tally.error("telnet: connect failed")
            await asyncio.sleep(0.05)
            continue
        try:
            await TelnetGuesser(reader, writer, tally, end).run()
        except TimeoutError:
            tally.error("telnet: timeout")
        finally:
            writer.close()


@dataclass
class Logins:
    times: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)


async def ssh_login_to_menu(port: int, addr: str, timeout: float) -> float:
    """Log in as the legitimate user over SSH with a PTY; seconds from connect to main menu."""
    t0 = time.perf_counter()

    async def go() -> None:
        conn = await asyncssh.connect(
            HOST,
            port,
            username=LEGIT,
            password=LEGIT_PASSWORD,
            known_hosts=None,
            client_keys=None,
            agent_path=None,
            preferred_auth="password",
            local_addr=(addr, 0),
        )
        try:
            proc = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
            screen = Screen()
            while not re.search(MENU + r"|\(L\)ater", screen.text):
                data = await proc.stdout.read(65536)
                if not data:
                    raise ConnectionError("the board hung up before the menu")
                screen.feed(data)
        finally:
            conn.close()

    await asyncio.wait_for(go(), timeout)
    return time.perf_counter() - t0


async def legit_caller(port: int, logins: Logins, end: float) -> None:
    """Log in over SSH every 2 s until `end` (the next one starts when the last is done)."""
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        try:
            logins.times.append(await ssh_login_to_menu(port, GUESS_LEGIT_ADDR, LEGIT_PATIENCE))
        except Exception as exc:  # any failure is a refused legitimate login: count it
            what = (
                f"no menu within {LEGIT_PATIENCE:.0f} s"
                if isinstance(exc, TimeoutError)
                else type(exc).__name__
            )
            logins.failures[what] = logins.failures.get(what, 0) + 1
        await asyncio.sleep(max(0.0, 2.0 - (time.perf_counter() - t0)))


def legit_main(port: int, seconds: float) -> int:
    """`--legit-ssh PORT`: the legitimate caller, in a process of its own so that the
    attackers' event loop does not delay it; prints its Logins as one JSON line."""
    logins = Logins()
    asyncio.run(legit_caller(port, logins, time.perf_counter() + seconds))
    print(json.dumps({"times": logins.times, "failures": logins.failures}), flush=True)
    return 0


async def legit_in_subprocess(port: int, seconds: float, logins: Logins) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--legit-ssh",
        str(port),
        "--guess-seconds",
        str(seconds),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    try:
        got = json.loads(out.decode().strip().splitlines()[-1])
        logins.times.extend(got["times"])
        logins.failures.update(got["failures"])
    except (ValueError, IndexError, KeyError):
        logins.failures["legitimate caller process gave no result"] = 1


async def guess_round(board: Board, n: int, seconds: float) -> dict[str, Any]:
    pid = board.pid
    # One login on the quiet board first: what a legitimate login costs with nobody attacking.
    quiet = await ssh_login_to_menu(board.ssh_port, GUESS_LEGIT_ADDR, 30)
    stats0 = await board.control({"cmd": "stats"})
    logged0 = board.log_text().count("login failed")
    cpu0 = cpu_seconds(pid)
    tally, logins = Guesses(), Logins()
    t0 = time.perf_counter()
    end = t0 + seconds
    tasks = [
        asyncio.ensure_future(
            ssh_guesser(board.ssh_port, tally, end)
            if i % 2 == 0
            else telnet_guesser(board.telnet_port, tally, end)
        )
        for i in range(n)
    ]
    tasks.append(asyncio.ensure_future(legit_in_subprocess(board.ssh_port, seconds, logins)))
    done, pending = await asyncio.wait(tasks, timeout=seconds + LEGIT_PATIENCE + 15)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            tally.error(f"task: {type(task.exception()).__name__}")
    cpu = cpu_seconds(pid) - cpu0
    stats1 = await board.control({"cmd": "stats"})
    logged = board.log_text().count("login failed") - logged0
    hashes = None
    if stats0 and stats1 and "password_hashes" in stats0 and "password_hashes" in stats1:
        hashes = int(stats1["password_hashes"]) - int(stats0["password_hashes"])
    return {
        "tally": tally,
        "logins": logins,
        "cpu": cpu,
        "hashes": hashes,
        "stats": stats1,
        "quiet": quiet,
        "logged": logged,
        "seconds": seconds,
    }


def part_guess(args: argparse.Namespace) -> list[str]:
    lines: list[str] = []
    for n in args.guessers:
        print(
            f"\n== c. password guessing: {n} attackers from {GUESS_ADDR} "
            f"({(n + 1) // 2} SSH, {n // 2} telnet) for {args.guess_seconds:g} s, production argon2 =="
        )
        board = new_board(args, f"guess{n}", {})
        ok = False
        try:
            board.add_user(LEGIT, LEGIT_PASSWORD)
            board.add_user(VICTIM, VICTIM_PASSWORD)
            board.start()
            r = asyncio.run(guess_round(board, n, args.guess_seconds))
            t: Guesses = r["tally"]
            lg: Logins = r["logins"]
            per_min = t.answered * 60 / r["seconds"]
            print(
                f"  guesses answered                  {t.answered} ({per_min:.0f}/min; "
                f"SSH {t.ssh_answered}, telnet {t.telnet_answered})"
            )
            print(f"  cut off by a hang-up after a try  {t.cut_off}")
            print(f"  wrong passwords let in            {t.accepted}")
            print(f"  'login failed' lines in the log   {r['logged']}")
            print(
                f"  attacker connections              {t.connections} "
                f"({t.refused_early} turned away before a prompt)"
            )
            for text, count in sorted(t.refusals.items(), key=lambda kv: -kv[1])[:2]:
                print(f"      {count:4d} x {text!r}")
            if t.errors:
                print(f"  attacker errors                   {dict(sorted(t.errors.items()))}")
            hashes = "n/a (no control socket stats)" if r["hashes"] is None else str(r["hashes"])
            print(f"  password hashes computed          {hashes}")
            print(f"  server CPU used                   {r['cpu']:.1f} s in {r['seconds']:g} s")
            print(f"  legitimate login alone (quiet)    {ms(r['quiet'])}")
            fails = sum(lg.failures.values())
            print(
                f"  legitimate SSH logins from {GUESS_LEGIT_ADDR}  {len(lg.times)} ok, {fails} failed"
                + (f" {lg.failures}" if fails else "")
            )
            print(
                f"  legitimate login latency          p50 {ms(percentile(lg.times, 50))}, "
                f"max {ms(max(lg.times, default=math.nan))}"
            )
            lines.append(
                f"guess x{n}: {per_min:.0f} answered/min, hashed {hashes}, legit p50 "
                f"{ms(percentile(lg.times, 50))} max {ms(max(lg.times, default=math.nan))}"
                f" ({fails} failed)"
            )
            ok = True
        finally:
            finish(board, args, ok)
    return lines


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=("flood", "fill", "guess"), help="run one part only")
    p.add_argument("--src", help="run the board from this source tree (put first on PYTHONPATH)")
    p.add_argument("--flood-mb", type=float, default=50, help="MB the flooder sends (50)")
    p.add_argument(
        "--flood-seconds", type=float, default=60, help="give up sending after this long (60)"
    )
    p.add_argument(
        "--flood-grace",
        type=float,
        default=5,
        help="wait this long for a hang-up after sending (5)",
    )
    p.add_argument(
        "--flood-settle",
        type=float,
        default=60,
        help="after the flood, wait at most this long for the board to go idle (60)",
    )
    p.add_argument("--fill", type=int, default=150, help="connections that sit at Handle: (150)")
    p.add_argument(
        "--guessers",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[20, 100],
        help="attacker counts, one round each (20,100)",
    )
    p.add_argument("--guess-seconds", type=float, default=30, help="length of a round (30)")
    p.add_argument("--keep-data", action="store_true", help="keep data folders and server logs")
    p.add_argument("--legit-ssh", type=int, help=argparse.SUPPRESS)  # internal: the legit caller
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.legit_ssh:
        return legit_main(args.legit_ssh, args.guess_seconds)
    parts = [args.only] if args.only else ["flood", "fill", "guess"]
    t0 = time.perf_counter()
    print(f"retroboard from {which_retroboard(board_env(args.src, {}))}; {load_note()}")
    summary: list[str] = []
    failed = False
    for part in parts:
        try:
            summary += {"flood": part_flood, "fill": part_fill, "guess": part_guess}[part](args)
        except KeyboardInterrupt:
            print("\ninterrupted")
            return 1
        except Exception as exc:
            failed = True
            print(f"  part {part} failed: {type(exc).__name__}: {exc}")
    print("\n" + "=" * 72)
    for line in summary:
        print(line)
    print(f"run time {time.perf_counter() - t0:.0f} s; at the end: {load_note()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

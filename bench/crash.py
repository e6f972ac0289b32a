#!/usr/bin/env python3
"""Crash benchmark: telnet clients post continuously while the board is SIGKILLed and restarted.

This is a benchmark, not a test. It starts `retroboard serve` as a subprocess on a fresh data
folder (cheap argon2), creates one account per client, and has the clients log in over telnet
and post through the real UI (main menu -> [M] Message groups -> g <group> -> w, subject, the
line editor, /S), each post with a unique subject. A post counts as acknowledged only once
"Posted to <group> as article N" is on that client's screen, next to its subject. Meanwhile the
board is killed with SIGKILL at random moments and started again on the same data folder; the
clients reconnect and carry on. At the end the SQLite file is opened directly and every
acknowledged subject is looked up.

Usage:  python bench/crash.py [--kills 20] [--clients 4] [--src DIR] [--keep-data]

Exit code 1 if an acknowledged post is missing (or has another article number than the one
shown), if PRAGMA integrity_check is not "ok", or if the board failed to start again.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _serve import CHEAP_ARGON2, Board, Hangup, TelnetUser, board_env, load_note, which_retroboard

GROUPS = ("misc.test", "comp.sys.retro")
PASSWORD = "Crash-bench-pass-{}"


@dataclass
class Tally:
    """What the clients saw; shared by all of them (one event loop, no locks needed)."""

    tag: str
    acked: dict[str, tuple[str, int]] = field(default_factory=dict)  # subject -> (group, number)
    sent: set[str] = field(default_factory=set)  # /S was sent for these subjects
    in_flight: set[str] = field(default_factory=set)  # /S sent, no answer yet
    connects: int = 0
    hangups: int = 0
    timeouts: int = 0
    ack_latency: list[float] = field(default_factory=list)


async def poster(
    n: int, board: Board, tally: Tally, stop: asyncio.Event, rng: random.Random
) -> None:
    """Log in as poster<n> and post until `stop`; reconnect whenever the line drops."""
    handle, password = f"poster{n}", PASSWORD.format(n)
    group = GROUPS[n % len(GROUPS)]
    seq = 0
    while not stop.is_set():
        try:
            c = await TelnetUser.connect(board.telnet_port, timeout=5)
        except (OSError, TimeoutError):
            await asyncio.sleep(0.1)  # the board is down or still starting
            continue
        tally.connects += 1
        try:
            await c.login(handle, password)
            await c.send("m")
            await c.wait_for(r"Subscribed groups|All groups")
            await c.send("g")
            await c.wait_for(r"Go to group:\s*$")
            await c.line(group)
            await c.wait_for(rf"^ {re.escape(group)} .*unread of \d+")
            while not stop.is_set():
                seq += 1
                subject = f"crash {tally.tag} c{n} p{seq:05d}"
                await c.send("w")
                await c.wait_for(r"Subject:\s*$")
                await c.line(subject)
                await c.wait_for(r"Also post to.*:\s*$")
                await c.line("")
                await c.wait_for(r"^ 1:$")
                await c.line(f"Post {seq} from client {n}: {secrets.token_hex(8)}")
                await c.wait_for(r"^ 2:$")
                tally.sent.add(subject)
                tally.in_flight.add(subject)
                t0 = time.perf_counter()
                await c.line("/s")
                try:
                    found = await c.wait_for(rf"Posted to {re.escape(group)} as article (\d+)", 15)
                finally:
                    tally.in_flight.discard(subject)
                if f"Subject: {subject}" not in c.text:
                    raise RuntimeError(f"confirmation without our subject:\n{c.text}")
                tally.acked[subject] = (group, int(found.group(1)))
                tally.ack_latency.append(time.perf_counter() - t0)
                await c.send(" ")
                await c.wait_for(rf"^ {re.escape(group)} .*unread of \d+")
                if rng.random() < 0.05:  # now and then a caller goes away and comes back
                    break
        except Hangup:
            tally.hangups += 1
        except TimeoutError as exc:
            tally.timeouts += 1
            print(f"  client {n}: {str(exc).splitlines()[0]}", flush=True)
        finally:
            c.close()


async def killer(
    board: Board, tally: Tally, args: argparse.Namespace, rng: random.Random
) -> list[str]:
    """Kill the board `args.kills` times at random moments and restart it; returns failures."""
    failures: list[str] = []
    loop = asyncio.get_running_loop()
    for k in range(1, args.kills + 1):
        up = rng.uniform(args.min_up, args.max_up)
        await asyncio.sleep(up)
        flying = len(tally.in_flight)
        board.kill()
        try:
            took = await loop.run_in_executor(None, board.start)
        except RuntimeError as exc:
            failures.append(f"restart after kill {k} failed: {exc}")
            print(f"  kill {k}: the board did not start again:\n{exc}", flush=True)
            return failures
        print(
            f"  kill {k:2d}/{args.kills} after {up:4.1f} s up, {flying} post(s) in flight; "
            f"restarted in {took:.2f} s; acknowledged so far {len(tally.acked)}",
            flush=True,
        )
    await asyncio.sleep(args.tail)
    return failures


async def run(board: Board, tally: Tally, args: argparse.Namespace) -> list[str]:
    rng = random.Random(args.seed)
    stop = asyncio.Event()
    clients = [
        asyncio.create_task(poster(n, board, tally, stop, random.Random(rng.random())))
        for n in range(1, args.clients + 1)
    ]
    try:
        failures = await killer(board, tally, args, rng)
    finally:
        stop.set()
        done, pending = await asyncio.wait(clients, timeout=30)
        for task in pending:
            task.cancel()
        outcomes = await asyncio.gather(*clients, return_exceptions=True)
    for n, outcome in enumerate(outcomes, 1):
        if isinstance(outcome, Exception):
            failures.append(f"client {n} stopped: {type(outcome).__name__}: {outcome}")
    return failures


def check_database(db: Path, tally: Tally) -> tuple[dict[str, list[tuple[str, int]]], str]:
    """Our posts in the database (subject -> [(group, number)]) and PRAGMA integrity_check."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT a.subject, g.name, x.number FROM articles a "
            "JOIN xref x ON x.article_id = a.id JOIN groups g ON g.id = x.group_id "
            "WHERE a.subject LIKE ?",
            (f"crash {tally.tag} %",),
        ).fetchall()
        integrity = "; ".join(str(r[0]) for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()
    found: dict[str, list[tuple[str, int]]] = {}
    for subject, group, number in rows:
        found.setdefault(subject, []).append((group, number))
    return found, integrity


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kills", type=int, default=20, help="SIGKILLs (20)")
    p.add_argument("--clients", type=int, default=4, help="telnet clients posting (4)")
    p.add_argument("--min-up", type=float, default=1.0, help="shortest uptime before a kill (1 s)")
    p.add_argument("--max-up", type=float, default=5.0, help="longest uptime before a kill (5 s)")
    p.add_argument(
        "--tail", type=float, default=3.0, help="seconds of posting after the last restart"
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (kill moments, reconnects)")
    p.add_argument("--src", help="run the board from this source tree (put first on PYTHONPATH)")
    p.add_argument("--keep-data", action="store_true", help="keep the data folder and server log")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.seed is None:
        args.seed = secrets.randbelow(1_000_000)
    data = Path(tempfile.mkdtemp(prefix="retroboard-crash-"))
    n = args.clients
    env = board_env(
        args.src,
        {
            **CHEAP_ARGON2,
            "RETROBOARD_MAX_PER_ADDRESS": str(max(40, 4 * n)),
            "RETROBOARD_MAX_PRELOGIN_PER_ADDRESS": str(max(8, 2 * n)),
            "RETROBOARD_MAX_PRELOGIN": str(max(64, 2 * n)),
        },
    )
    board = Board(data, env)
    tally = Tally(tag=secrets.token_hex(3))
    ok = False
    t_start = time.perf_counter()
    try:
        print(f"retroboard from {which_retroboard(env)}; data folder {data}; seed {args.seed}")
        print(load_note())
        for i in range(1, n + 1):
            board.add_user(f"poster{i}", PASSWORD.format(i))
        took = board.start()
        print(
            f"board up in {took:.2f} s (pid {board.pid}, telnet {board.telnet_port}); "
            f"{n} clients post while it is killed {args.kills} times "
            f"({args.min_up:g}-{args.max_up:g} s up each time)",
            flush=True,
        )
        failures = asyncio.run(run(board, tally, args))
        rc = board.stop()
        print(f"board stopped with SIGTERM (exit code {rc})")
        found, integrity = check_database(board.db_path, tally)
        elapsed = time.perf_counter() - t_start
        acked = set(tally.acked)
        lost = sorted(acked - set(found))
        extra = sorted(set(found) - acked)
        moved = sorted(s for s in acked & set(found) if tally.acked[s] not in found[s])
        dupes = sorted(s for s, where in found.items() if len(where) > 1)
        latency = sorted(tally.ack_latency)
        p50 = latency[len(latency) // 2] * 1000 if latency else float("nan")
        print()
        print("=" * 60)
        print(f"kills (SIGKILL + restart)          {board.starts - 1}")
        print(f"posts sent (/S)                    {len(tally.sent)}")
        print(f"posts acknowledged                 {len(acked)}")
        print(f"acknowledged and in the database   {len(acked & set(found))}")
        print(f"lost (acknowledged, not found)     {len(lost)}")
        print(f"extra (found, not acknowledged)    {len(extra)}")
        print(f"acknowledged number differs        {len(moved)}")
        print(f"subjects stored more than once     {len(dupes)}")
        print(f"PRAGMA integrity_check             {integrity}")
        print(
            f"connections / hang-ups / timeouts  {tally.connects} / {tally.hangups} / {tally.timeouts}"
        )
        print(f"/S -> confirmation p50             {p50:.0f} ms")
        print(f"run time                           {elapsed:.1f} s")
        print(f"at the end: {load_note()}")
        print("=" * 60)
        for s in lost[:10]:
            print(f"  LOST: {s} ({tally.acked[s][0]} #{tally.acked[s][1]})")
        for s in moved[:10]:
            print(f"  NUMBER: {s} shown as {tally.acked[s]}, stored as {found[s]}")
        for f in failures:
            print(f"  FAILED: {f}")
        ok = not lost and not moved and not dupes and integrity == "ok" and not failures
        print("verdict: OK" if ok else "verdict: FAILED")
    except KeyboardInterrupt:
        print("\ninterrupted")
    except Exception as exc:
        print(f"\nbenchmark failed: {type(exc).__name__}: {exc}")
        print(f"server log tail:\n{board.log_tail()}")
    finally:
        board.kill()
        if args.keep_data or not ok:
            print(f"data folder and server log kept in {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

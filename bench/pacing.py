"""Modem pacing under load: 100 telnet callers on a board started at 2400 bps.

Measures the rate each caller receives the (paced) welcome screen at, fitted as a line through
(time, bytes received) like the acceptance check does, against the target of 240 characters a
second +-3% for every one of them; and the server's CPU time per second while all of them are
being paced, next to the same sessions once idle (every caller presses a key, which skips the
rest of the welcome art, and then waits at the Handle: prompt).

This is a benchmark, not a test. The board runs as `python -m retroboard serve` (bench/_serve.py)
with RETROBOARD_MODEM_BPS=2400 on a fresh data folder. The load generator is this one process:
raw asyncio sockets that speak just enough telnet (TTYPE syncterm, NAWS 80x24, SGA, BINARY) and
timestamp every read.

Run: .venv/bin/python bench/pacing.py [--sessions 100] [--bps 2400] [--seconds 10] [--keep-data]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serve import CHEAP_ARGON2, HOST, Board, board_env, cpu_seconds, load_note  # noqa: E402
from _telnet import Negotiator  # noqa: E402

TOLERANCE = 0.03  # +-3% of nominal
ADDRESSES = [f"127.0.0.{n}" for n in range(10, 250)]  # the guard limits callers per address


class Caller(asyncio.Protocol):
    """One telnet caller: answers negotiation and stamps (time, bytes) of every read."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.stamps: list[tuple[float, int]] = []
        self.data = bytearray()
        self.telnet = Negotiator(b"syncterm", self._reply)
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True

    def _reply(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        out = self.telnet.strip(data)
        if out:
            self.data += out
            self.stamps.append((now, len(out)))

    def rate(self, start: float, end: float) -> float:
        """Bytes a second received in [start, end]: least squares through (time, bytes so far)."""
        ts, cum, total = [], [], 0
        for at, n in self.stamps:
            total += n
            if start <= at <= end:
                ts.append(at)
                cum.append(total)
        if len(ts) < 3:
            return float("nan")
        mt, mc = statistics.fmean(ts), statistics.fmean(cum)
        den = sum((x - mt) ** 2 for x in ts)
        return sum((x - mt) * (y - mc) for x, y in zip(ts, cum, strict=True)) / den


async def dial(number: int, port: int) -> Caller:
    loop = asyncio.get_running_loop()
    address = ADDRESSES[number % len(ADDRESSES)]
    _, caller = await loop.create_connection(Caller, HOST, port, local_addr=(address, 0))
    return caller


async def run(args: argparse.Namespace) -> int:
    data = Path(tempfile.mkdtemp(prefix="rb-pacing-"))
    # Every caller sits at the welcome screen, not logged in: lift the board's pre-login cap
    # (64 by default) above the number of callers.
    extra = {
        "RETROBOARD_MODEM_BPS": str(args.bps),
        "RETROBOARD_MAX_PRELOGIN": str(args.sessions + 10),
    }
    env = board_env(None, {**CHEAP_ARGON2, **extra})
    board = Board(data, env)
    cps = args.bps / 10
    print(f"board at {args.bps} bps ({cps:g} characters/s nominal); {load_note()}")
    started = board.start()
    print(f"server up in {started:.1f} s (pid {board.pid})")
    loop = asyncio.get_running_loop()
    try:
        callers: list[Caller] = []
        t0 = loop.time()
        for first in range(0, args.sessions, 25):  # in bursts of 25 (the listen backlog)
            batch = range(first, min(first + 25, args.sessions))
            callers += await asyncio.gather(*(dial(n, board.telnet_port) for n in batch))
        while any(not c.stamps for c in callers):
            if loop.time() - t0 > 30:
                print("some callers got nothing within 30 s")
                return 1
            await asyncio.sleep(0.05)
        all_in = max(c.stamps[0][0] for c in callers)
        print(f"{len(callers)} callers connected; the last one's first byte after "
              f"{all_in - t0:.2f} s")  # fmt: skip
        await asyncio.sleep(max(0.0, all_in + 0.5 - loop.time()))
        cpu0, w0 = cpu_seconds(board.pid), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu1, w1 = cpu_seconds(board.pid), time.monotonic()
        paced_cpu = (cpu1 - cpu0) / (w1 - w0)
        rates = [c.rate(w0, w1) for c in callers]
        if any(r != r for r in rates):  # NaN: too few reads in the window
            cut = sum(1 for c in callers if c.lost)
            print(f"{sum(1 for r in rates if r != r)} callers received (almost) nothing in the "
                  f"window ({cut} were hung up on): {bytes(callers[0].data[:200])!r}")  # fmt: skip
            return 1
        still = sum(1 for c in callers if c.stamps[-1][0] >= w1 - 0.2)

        # every caller presses a key: the rest of the art is skipped, then all sit idle
        for c in callers:
            assert c.transport is not None
            c.transport.write(b"x")
        before_skip = sum(len(c.data) for c in callers)
        pressed = loop.time()
        while loop.time() - pressed < 90 and not all(b"Handle" in c.data for c in callers):
            await asyncio.sleep(0.05)  # the lines after the art still come at the line's speed
        to_prompt = loop.time() - pressed
        skipped_to_prompt = sum(1 for c in callers if b"Handle" in c.data)
        await asyncio.sleep(1.0)
        cpu2, w2 = cpu_seconds(board.pid), time.monotonic()
        await asyncio.sleep(min(args.seconds, 5.0))
        cpu3, w3 = cpu_seconds(board.pid), time.monotonic()
        idle_cpu = (cpu3 - cpu2) / (w3 - w2)
        after_skip = sum(len(c.data) for c in callers)

        lo, hi = cps * (1 - TOLERANCE), cps * (1 + TOLERANCE)
        good = [r for r in rates if lo <= r <= hi]
        print()
        print(f"achieved rate per caller over {w1 - w0:.1f} s (characters/s, fitted):")
        print(f"  min {min(rates):.1f}  p50 {statistics.median(rates):.1f}  "
              f"mean {statistics.fmean(rates):.1f}  max {max(rates):.1f}  "
              f"stdev {statistics.pstdev(rates):.2f}")  # fmt: skip
        worst = max(abs(r - cps) / cps for r in rates)
        verdict = "OK" if len(good) == len(rates) else "MISSED"
        print(f"  within +-3% of {cps:g}: {len(good)}/{len(rates)} ({verdict}); worst off by "
              f"{worst * 100:.2f}%; still receiving at the window's end: {still}/{len(rates)}")  # fmt: skip
        total = sum(r for r in rates)
        print()
        print("server CPU (process time per second of wall time, all threads):")
        print(f"  while pacing {len(callers)} sessions: {paced_cpu * 100:.1f}% of a core "
              f"({paced_cpu / len(callers) * 1e6:.0f} us/s per session, "
              f"{paced_cpu / total * 1e6:.1f} us per character sent)")  # fmt: skip
        print(f"  the same sessions idle at the prompt: {idle_cpu * 100:.1f}% of a core")
        print(f"  pacing's share: {(paced_cpu - idle_cpu) * 100:.1f}% of a core")
        print()
        print(
            f"a key press each: {skipped_to_prompt}/{len(callers)} at the Handle: prompt "
            f"{to_prompt:.1f} s later; {after_skip - before_skip} bytes sent after the key in "
            f"all (the rest of the art was skipped)"
        )
        problems = board.problems()
        if problems:
            print("\nserver log warnings/errors:")
            for line in problems[:20]:
                print("  " + line)
        for c in callers:
            if c.transport is not None:
                c.transport.close()
        return 0
    finally:
        board.stop()
        if args.keep_data:
            print(f"data kept in {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--bps", type=int, default=2400)
    parser.add_argument("--seconds", type=float, default=10.0, help="the measured window")
    parser.add_argument("--keep-data", action="store_true")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())

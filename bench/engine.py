"""Cost of the session engine's per-session layers, each against its floor in the same run.

1. The output filter that enforces a terminal profile, per full thread-list frame:
   CP437 (SGR folding) and dumb (escape stripping + ASCII) against encoding alone.
2. The one input point: keys read through `SessionTerminal.read_input` (notices, idle
   deadline) against `StreamTerminal.read_input` on the same fake terminal.
3. A notice shown in the status line of a full screen: microseconds per notice.

Run: .venv/bin/python bench/engine.py [--frames 2000] [--keys 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from retroboard.term.codec import encode
from retroboard.term.fake import FakeTerminal
from retroboard.term.profile import OutputFilter, profile_for
from retroboard.ui.events import Notice, SessionTerminal

CSI = "\x1b["


def frame(cols: int = 80, rows: int = 24) -> str:
    """A thread-list-like frame: title bar, rows with colours and tree lines, status lines."""
    out = [f"{CSI}0m{CSI}2J{CSI}H{CSI}1;1H{CSI}1;97;44m comp.sys.retro  Retro computing{CSI}0m"]
    for r in range(2, rows - 1):
        out.append(
            f"{CSI}{r};1H{CSI}1;93m>{CSI}0m{CSI}1;92m+{CSI}0m {CSI}36m[2] {CSI}0m"
            f"{CSI}34m├─ {CSI}0m{CSI}97mRe: Amiga 500 memory upgrade café{CSI}0m"
            f"{CSI}33m ada           {CSI}0m{CSI}36m 27 Nov{CSI}0m{CSI}K"
        )
    out.append(f"{CSI}{rows - 1};1H{CSI}90mEnter read  n next unread  ? help  q back{CSI}0m{CSI}K")
    return "".join(out)


def per_frame(fn: object, text: str, n: int) -> float:
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn(text)  # type: ignore[operator]
        times.append((time.perf_counter() - t0) / n)
    return statistics.median(times) * 1e6


async def read_keys(n: int, through_session: bool) -> float:
    raw = FakeTerminal()
    raw.key_rate = 0
    term = SessionTerminal(raw)
    term.idle_timeout = 900
    read = term.read_input if through_session else raw.read_input
    data = b"x" * 200

    async def feed() -> None:
        for _ in range(n // len(data)):
            await raw.feed(data)

    feeder = asyncio.ensure_future(feed())
    t0 = time.perf_counter()
    for _ in range(n // len(data) * len(data)):
        await read()
    elapsed = time.perf_counter() - t0
    await feeder
    return elapsed / n * 1e6


async def notices(n: int) -> float:
    raw = FakeTerminal()
    term = SessionTerminal(raw)

    class Status:
        def show(self, notice: Notice) -> None:
            term.write(f"\x1b7{CSI}24;1H{CSI}0m*** {notice.text} ***{CSI}K\x1b8")

    t0 = time.perf_counter()
    with term.interruptions(Status()):
        for i in range(n):
            term.post(Notice(f"page {i}", "page", "ada"))
            await raw.feed(b"k")
            await term.read_input()
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--keys", type=int, default=50000)
    args = ap.parse_args()
    text = frame().replace("\n", "\r\n")
    print(f"frame: {len(text)} characters (80x24 thread list)")
    for term, charset in (("xterm", "utf-8"), ("ansi", "cp437"), ("dumb", "ascii")):
        filt = OutputFilter(profile_for(term))
        floor = per_frame(lambda t, c=charset: encode(t, c), text, args.frames)
        both = per_frame(lambda t, c=charset, f=filt: encode(f(t), c), text, args.frames)
        print(
            f"  {term:6} filter+encode {both:7.1f} us/frame   encode alone {floor:6.1f} us"
            f"   ratio {both / floor:5.2f}x"
        )
    raw_us = asyncio.run(read_keys(args.keys, through_session=False))
    ses_us = asyncio.run(read_keys(args.keys, through_session=True))
    print(
        f"keys: SessionTerminal.read_input {ses_us:.2f} us/key, StreamTerminal.read_input "
        f"{raw_us:.2f} us/key, ratio {ses_us / raw_us:.2f}x ({args.keys} keys)"
    )
    print(f"notice in a status line: {asyncio.run(notices(5000)):.1f} us per notice shown")


if __name__ == "__main__":
    main()

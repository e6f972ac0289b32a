#!/usr/bin/env python3
"""Screen-drawing micro-benchmark: a list page (thread-list rows) and the main menu, drawn N
times through the real SessionContext, Renderer, ListView and MenuScreen on a FakeTerminal.

Not a test: it prints times per draw and a digest of every byte written, per terminal shape
(xterm 80x24 and 132x43, ansi, dumb, a 40-column xterm, the plain skin), so a change to the
drawing code can be checked to leave the output byte for byte the same (compare the digests
of a run before and after). The floor is one `Console.print` of one list row measured in the
same run; each number is also printed as a multiple of it.

Usage:  python bench/render.py [--draws 100] [--moves 100]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.text import Text

from retroboard.domain.users import Level, User
from retroboard.term.fake import FakeTerminal
from retroboard.term.terminal import guess_info
from retroboard.ui import render
from retroboard.ui.context import BoardInfo, SessionContext
from retroboard.ui.events import SessionTerminal
from retroboard.ui.menus import load_menus
from retroboard.ui.screens.kit import ListView, fit, width
from retroboard.ui.screens.menu import MenuScreen

SHAPES = (  # (name, TERM, cols, rows, skin)
    ("xterm80", "xterm", 80, 24, ""),
    ("xterm132", "xterm", 132, 43, ""),
    ("xterm40", "xterm", 40, 24, ""),
    ("ansi", "ansi", 80, 24, ""),
    ("dumb", "dumb", 80, 24, ""),
    ("plain", "xterm", 80, 24, "plain"),
)
NOW = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)


class Rows(ListView[tuple[int, str, str, datetime, bool]]):
    """Thread-list-like rows: flag, reply count, subject, author, date (the same styles)."""

    def __init__(self, items: Sequence[tuple[int, str, str, datetime, bool]]) -> None:
        self.items = items

    def rows(self) -> Sequence[tuple[int, str, str, datetime, bool]]:
        return self.items

    def row_text(
        self, ctx: SessionContext, item: tuple[int, str, str, datetime, bool], selected: bool
    ) -> Text:
        n, subject, author, when, read = item
        w = width(ctx)
        text = Text.assemble(
            ("+" if not read else " ", "unread"), " ", (f"[{n}]".rjust(5) + " ", "info")
        )
        sub = Text(subject, style="subject" if read else "unread")
        fit(ctx, sub, max(1, w - 3 - 6 - 15 - 9), pad=True)
        text.append_text(sub)
        who = Text(" " + author, style="author")
        who.truncate(15, overflow="crop", pad=True)
        text.append_text(who)
        text.append(" " + f"{when.day:02d} Nov".rjust(8), style="date")
        return text


def make_ctx(
    term_type: str, cols: int, rows: int, skin: str
) -> tuple[SessionContext, FakeTerminal]:
    term = FakeTerminal(cols=cols, rows=rows, term_type=term_type)
    term.info = guess_info("fake", term_type, cols, rows, "-")  # TERM's colours and cursor
    user = User(
        id=1,
        handle="bench",
        level=Level.USER,
        real_name="Bench",
        location="",
        created_at=NOW,
        last_login_at=NOW,
        login_count=3,
        skin=skin,
    )
    ctx = SessionContext(
        term=SessionTerminal(term),
        services=None,  # type: ignore[arg-type]
        bus=None,  # type: ignore[arg-type]
        board=BoardInfo(),
        art=None,
        menus=load_menus(),
        screens={},
        session_id="bench",
        log=logging.LoggerAdapter(logging.getLogger("bench")),
        user=user,
    )
    return ctx, term


def items(count: int) -> list[tuple[int, str, str, datetime, bool]]:
    return [
        (
            i % 17,
            f"Re: thread number {i} about modems and BBS software",
            f"user{i % 13}",
            NOW - timedelta(days=i % 30),
            i % 3 == 0,
        )
        for i in range(count)
    ]


def timed(fn: Any, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def run_shape(ctx: SessionContext, draws: int, moves: int) -> dict[str, float]:
    """Seconds per draw: a cold list page (no row drawn before), a warm one, a cursor move,
    the main menu."""
    view = Rows(items(200))

    def cold() -> None:
        getattr(render, "_LINES", {}).clear()  # every row a miss (no cache before it existed)
        view.draw_list(ctx)

    def move() -> None:
        view.place_cursor(ctx, (view.index + 1) % 20)

    menu = MenuScreen("main")
    menu.menu = ctx.menus["main"]
    return {
        "cold": timed(cold, draws),
        "list": timed(lambda: view.draw_list(ctx), draws),
        "move": timed(move, moves),
        "menu": timed(lambda: menu.draw(ctx), draws),
    }


LABELS = {"cold": "cold page", "list": "list page", "move": "cursor move", "menu": "main menu"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=100, help="full draws per screen and shape")
    ap.add_argument("--moves", type=int, default=100, help="cursor moves per shape")
    args = ap.parse_args()
    digest = hashlib.sha256()
    totals = dict.fromkeys(LABELS, 0.0)
    print(
        f"{'shape':10} "
        + " ".join(f"{label + ' ms':>14}" for label in LABELS.values())
        + f" {'bytes':>9}  sha256"
    )
    first, _ = make_ctx("xterm", 80, 24, "")
    one = items(1)[0]
    row = Rows([one]).row_text(first, one, False)
    # the floor: one Console.print of one row (what kit.put did per row before the cache)
    floor = timed(lambda: first.renderer.render(row, end=""), 500)
    for name, term_type, cols, rows, skin in SHAPES:
        ctx, term = make_ctx(term_type, cols, rows, skin)
        times = run_shape(ctx, args.draws, args.moves)
        out = bytes(term.output)
        digest.update(out)
        for key in LABELS:
            totals[key] += times[key]
        print(
            f"{name:10} "
            + " ".join(f"{times[key] * 1e3:14.3f}" for key in LABELS)
            + f" {len(out):9d}  {hashlib.sha256(out).hexdigest()[:16]}"
        )
    print(f"floor: one Console.print of one row {floor * 1e3:.3f} ms")
    for key, label in LABELS.items():
        mean = totals[key] / len(SHAPES)
        print(f"mean {label:12} {mean * 1e3:8.3f} ms = {mean / floor:6.1f}x the floor")
    print(f"all output sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()

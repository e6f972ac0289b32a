"""Screen snapshots: keys + terminal size + terminal type -> the pyte grid, kept as text files.

A `SnapCaller` runs the real board's `on_session` over a `SnapTerminal` (a FakeTerminal whose
capabilities come from its terminal type, as a transport's would: `term.terminal.guess_info`).
`await caller.keys("m")` types and then waits until the session is idle: every key taken, the
screen blocked reading the next one and no output pending. `caller.snap("menu")` then records
the screen grid, normalised by `normalise`, under a header line naming the size, terminal type
and the keys typed since the previous snapshot.

Snapshots live in tests/snapshots/<profile>/<cols>x<rows>/<screen>.txt. `check_snapshot`
compares one with its file and fails with a unified diff; with RETROBOARD_UPDATE_SNAPSHOTS=1 it
writes the file instead. Refresh them all with:

    RETROBOARD_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/ui/test_snapshots.py
"""

from __future__ import annotations

import asyncio
import codecs
import difflib
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyte

from retroboard.term.events import Event, Wake
from retroboard.term.fake import FakeTerminal
from retroboard.term.terminal import guess_info
from tests.conftest import cheap_settings

SNAPSHOT_DIR = Path(__file__).resolve().parent.parent / "snapshots"
UPDATE_ENV = "RETROBOARD_UPDATE_SNAPSHOTS"
REFRESH_HINT = f"{UPDATE_ENV}=1 .venv/bin/pytest tests/ui/test_snapshots.py"
IDLE_TIMEOUT = 10.0  # seconds a step may take before the walk fails (generous: a busy CI box)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a walk runs: a snapshot folder name, a terminal type and a size."""

    name: str
    term_type: str
    cols: int = 80
    rows: int = 24
    skin: str = ""  # the board's default skin ('' = the board's own default)

    @property
    def linear(self) -> bool:
        """Screens drawn as lines (the plain skin, or a terminal without cursor addressing)."""
        return self.skin == "plain" or not guess_info("fake", self.term_type, 80, 24, "-").cursor

    @property
    def size(self) -> str:
        return f"{self.cols}x{self.rows}"

    @property
    def id(self) -> str:
        return f"{self.name}-{self.size}"

    def folder(self) -> Path:
        return SNAPSHOT_DIR / self.name / self.size


# ---- normalising what changes from run to run --------------------------------------------
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_VOLATILE: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Wed, 02 Dec 2026 03:53 UTC" (reader headers), "02 Dec 2026" (member since, last on),
    # "02 Dec" (thread list dates), "Dec 2025" (older dates), "03:53" (times); in any case
    # ("WED, 02 DEC 2026" in an upper-case era).
    (re.compile(rf"(?i)\b{_DAY}, \d\d {_MONTH} \d{{4}}\b"), "Www, DD Mmm YYYY"),
    (re.compile(rf"(?i)\b\d\d {_MONTH} \d{{4}}\b"), "DD Mmm YYYY"),
    (re.compile(rf"(?i)\b\d\d {_MONTH}\b"), "DD Mmm"),
    (re.compile(rf"(?i)\b{_MONTH} \d{{4}}\b"), "Mmm YYYY"),
    (re.compile(r"\b\d{4}-\d\d-\d\d\b"), "YYYY-MM-DD"),
    (re.compile(r"\b\d\d:\d\d:\d\d\b"), "HH:MM:SS"),
    (re.compile(r"\b\d\d:\d\d\b"), "HH:MM"),
    # a day wrapped away from its month at a narrow width ("...message from 02" / "Dec 03:53")
    (re.compile(r"(?<=\bfrom )\d\d$"), "DD"),
)
# Counters whose digits are replaced by N (width kept, so table borders stay put).
_COUNTERS = (
    re.compile(r"(?<=Call #)\d+"),
    re.compile(r"(?<=online for )\d+(?= minute|$)"),  # (or wrapped before "minutes")
    re.compile(r"(?<=Calls)(\s*\W?\s*)(\d+)"),
    re.compile(r"(?i)(?<=node )\d+"),
    # idle times in who's online: "idle 3s" in the detail row, the Idle column at a row's end
    re.compile(r"(?<=idle )\d+(?=[smh])"),
    re.compile(r"\b\d+(?=s(?: +(?:fake|telnet|ssh))? *$)"),
)


def _digits_to_n(m: re.Match[str]) -> str:
    if m.lastindex == 2:  # (separator)(number): keep the separator
        return m.group(1) + "N" * len(m.group(2))
    return "N" * len(m.group(0))


def normalise(line: str) -> str:
    """One screen row with what differs between runs replaced by fixed placeholders:

    - dates and times: `Www, DD Mmm YYYY`, `DD Mmm YYYY`, `DD Mmm`, `Mmm YYYY`, `YYYY-MM-DD`,
      `HH:MM:SS`, `HH:MM` (each exactly as wide as what it replaces);
    - counters: the digits after `Call #`, in `online for N minutes`, after `Calls` (the info
      table) and after `node`/`Node` become `N`, one per digit.

    Everything else (handles, subjects, bodies, article numbers) is fixed by the walk's data.
    """
    for rx, placeholder in _VOLATILE:
        line = rx.sub(placeholder, line)
    for rx in _COUNTERS:
        line = rx.sub(_digits_to_n, line)
    return line


_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?")


# ---- a caller whose terminal type decides its profile -----------------------------------
class SnapTerminal(FakeTerminal):
    """A FakeTerminal set up from a terminal type as telnet/SSH would (profile, charset,
    colours, cursor); knows whether the session is blocked waiting for input."""

    def __init__(self, term_type: str, cols: int, rows: int) -> None:
        info = guess_info("fake", term_type, cols, rows, "-")
        super().__init__(
            cols=info.cols, rows=info.rows, encoding=info.encoding, term_type=term_type
        )
        self.info = info
        self.waiting = False

    async def next_event(self) -> Event | Wake:
        self.waiting = True
        try:
            return await super().next_event()
        finally:
            self.waiting = False

    @property
    def idle(self) -> bool:
        return self.waiting and self._queue.empty()


KEY_NAMES = {
    "\r": "<Enter>",
    "\x1b": "<Esc>",
    "\x1b[A": "<Up>",
    "\x1b[B": "<Down>",
    "\x1b[C": "<Right>",
    "\x1b[D": "<Left>",
    "\x1b[5~": "<PgUp>",
    "\x1b[6~": "<PgDn>",
    "\x7f": "<BS>",
    "\t": "<Tab>",
    " ": "<Space>",
}


def key_label(keys: str) -> str:
    """Keys as the header shows them: text as typed, specials and controls by name."""
    if keys in KEY_NAMES:
        return KEY_NAMES[keys]
    out = []
    for ch in keys:
        if ch in KEY_NAMES and ch != " ":
            out.append(KEY_NAMES[ch])
        elif ord(ch) < 32:
            out.append(f"<Ctrl-{chr(ord(ch) + 64)}>")
        else:
            out.append(ch)
    return "".join(out)


class SnapScreen:
    """A pyte screen fed with the bytes a session sent, decoded with its terminal's charset
    (a byte a 7-bit terminal should never get shows as U+FFFD)."""

    def __init__(self, cols: int, rows: int, encoding: str) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        codec = "ascii" if encoding == "ascii" else encoding
        self.decoder = codecs.getincrementaldecoder(codec)(errors="replace")

    def feed(self, data: bytes) -> None:
        self.stream.feed(self.decoder.decode(data))

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]


@dataclass
class Snapshot:
    """One screen as it is stored: a header line and the normalised, right-stripped rows."""

    target: Target
    screen: str
    keys: list[str]
    rows: list[str]
    since: str = "the previous snapshot"

    @property
    def header(self) -> str:
        typed = " ".join(key_label(k) for k in self.keys) or "(none)"
        skin = f" skin={self.target.skin}" if self.target.skin else ""
        return (
            f"# {self.screen} at {self.target.size} term={self.target.term_type}{skin}"
            f" keys since {self.since}: {typed}"
        )

    @property
    def text(self) -> str:
        rows = list(self.rows)
        while rows and not rows[-1]:
            rows.pop()
        return "\n".join([self.header, *rows]) + "\n"

    def path(self) -> Path:
        return self.target.folder() / f"{self.screen}.txt"


@dataclass
class SnapCaller:
    """One session on `board` at `target`; `keys` types and waits, `snap` records the screen."""

    board: Any
    target: Target
    user: Any = None
    shots: dict[str, Snapshot] = field(default_factory=dict)

    def __post_init__(self) -> None:
        t = self.target
        self.term = SnapTerminal(t.term_type, t.cols, t.rows)
        self.screen = SnapScreen(t.cols, t.rows, self.term.info.encoding)
        self.task = asyncio.ensure_future(self.board.on_session(self.term, self.user, False))
        self._seen = 0
        self._mark = 0
        self._typed: list[str] = []
        self._since = (
            f"the call began (logged in as {self.user.handle})" if self.user else ("the call began")
        )

    def _pump(self) -> None:
        out = self.term.output
        if len(out) > self._seen:
            self.screen.feed(bytes(out[self._seen :]))
            self._seen = len(out)

    @property
    def text(self) -> str:
        self._pump()
        return "\n".join(self.screen.lines)

    async def settle(self) -> None:
        """Wait until the session has taken every key and is blocked reading the next one (or
        has ended), with no output arriving meanwhile."""
        loop = asyncio.get_running_loop()
        end = loop.time() + IDLE_TIMEOUT
        quiet, last = 0, -1
        while quiet < 3:
            if loop.time() > end:
                raise AssertionError(
                    f"{self.target.id}: the session did not settle; screen:\n{self.text}"
                )
            await asyncio.sleep(0.002)
            size = len(self.term.output)
            still = size == last and (self.term.idle or self.task.done())
            quiet = quiet + 1 if still else 0
            last = size
        if self.task.done() and self.task.exception() is not None:
            raise AssertionError(f"{self.target.id}: the session failed") from self.task.exception()

    async def keys(self, *keys: str, expect: str | None = None) -> str:
        """Type each of `keys` (waiting for the session to settle after each), then check the
        screen matches `expect` (a regex, multiline, case-insensitive). Returns the screen."""
        self._mark = len(self.term.output)
        if not keys:
            await self.settle()
        for k in keys:
            self._typed.append(k)
            await self.term.type_text(k)
            await self.settle()
        return self.expect(expect)

    async def press_until(self, key: str, pattern: str, tries: int = 5) -> str:
        """Press `key` until `pattern` shows (a help text paged over several screens on a
        small terminal); fails after `tries` presses."""
        for _ in range(tries - 1):
            await self.keys(key)
            rx = re.compile(pattern, re.I | re.M)
            if rx.search(self.text) or rx.search(self.since_mark()):
                return self.text
        return await self.keys(key, expect=pattern)

    def since_mark(self) -> str:
        """The text written since the last `keys` began, escape codes removed (on a terminal
        without cursor addressing a screen's top may have scrolled off the grid already)."""
        data = bytes(self.term.output[self._mark :])
        codec = "ascii" if self.term.info.encoding == "ascii" else self.term.info.encoding
        return _ESCAPES.sub("", data.decode(codec, errors="replace")).replace("\r", "")

    def expect(self, pattern: str | None) -> str:
        """The screen; raises AssertionError unless `pattern` is on it or in the output since
        the last `keys` began."""
        text = self.text
        if pattern is None:
            return text
        rx = re.compile(pattern, re.I | re.M)
        if not rx.search(text) and not rx.search(self.since_mark()):
            typed = " ".join(key_label(k) for k in self._typed)
            raise AssertionError(
                f"{self.target.id}: after keys {typed}, expected /{pattern}/ on the screen:\n"
                + text
            )
        return text

    def snap(self, screen: str) -> None:
        """Record the screen as it is now under `screen`."""
        self._pump()
        rows = [normalise(line) for line in self.screen.lines]
        since = self._since
        self.shots[screen] = Snapshot(self.target, screen, self._typed, rows, since)
        self._typed, self._since = [], "the previous snapshot"

    async def hangup(self) -> None:
        if not self.task.done():
            self.term.lost()
        await asyncio.wait_for(self.task, 5)

    @property
    def raw(self) -> bytes:
        return bytes(self.term.output)


@asynccontextmanager
async def fresh_board(data: Path, **settings: object) -> AsyncIterator[Any]:
    """A Board with a fresh database in `data`, not listening (as the offline_board fixture);
    `settings` change the test settings (e.g. skin="plain")."""
    from retroboard.app import Board
    from tests.helpers.fresh_db import put_fresh_database

    chosen = cheap_settings(data, **settings)
    await put_fresh_database(chosen.data / "retroboard.db")  # as migrated from empty
    board = Board(chosen)
    try:
        yield board
    finally:
        for term in list(board.sessions.values()):
            term.lost()
        await board.db.dispose()


# ---- comparing ---------------------------------------------------------------------------
def updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def check_snapshot(shot: Snapshot) -> None:
    """Compare `shot` with its file (or write the file when updating). Fails with a unified
    diff of the stored screen (expected) against the one seen now (got)."""
    path = shot.path()
    got = shot.text
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != got:
            path.write_text(got, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no snapshot {path}; make it with: {REFRESH_HINT}")
    expected = path.read_text(encoding="utf-8")
    if expected == got:
        return
    rel = path.relative_to(SNAPSHOT_DIR.parent.parent)
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            got.splitlines(keepends=True),
            fromfile=f"expected {rel}",
            tofile="got (this run)",
        )
    )
    raise AssertionError(
        f"screen {shot.screen!r} at {shot.target.id} differs from {rel}:\n{diff}\n"
        f"If the change is intended, refresh the snapshots: {REFRESH_HINT}"
    )

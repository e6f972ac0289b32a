"""The charset probe: where a terminal's type is unsure, ask it where a UTF-8 character left the
cursor, as Synchronet does, and take UTF-8 or CP437 from the answer.

The probe sends CR (column 1, so no save/restore is needed: ESC 7 and ESC [ s are exactly what
VT100-like and ANSI.SYS-like terminals disagree on), a cursor-position request (ESC [ 6 n), one
3-byte UTF-8 character of width 1 (U+20A9, the won sign: half-width, so even a CJK terminal
gives it one column), and a second request; then CR and erase-line wipe what was printed. A
UTF-8 terminal moved 1 column; a single-byte one (CP437, Latin-1) printed 2 or 3 glyphs. Both
answers must come within the deadline, else the terminal type's guess stands: a silent client
(a teletype, a script) costs at most the deadline. Answers are picked out of the input stream
by the key decoder (`CursorReport`); keys typed meanwhile stay queued, in order.

Which terminal types are probed (`UNSURE_TERMS`): the ones clients send without knowing the
character set — `unknown` (nothing said), `ansi` (Windows telnet, NetRunner, many UTF-8 clients
set to "ANSI"; guessed CP437), `vt100`/`vt102`/`vt220`/`vt320` (what DOS-era CP437 terminal
programs emulate, and PuTTY variants) and bare `xterm` (PuTTY's default, whatever its
character set is set to). A precise type (`syncterm`, `xterm-256color`, `linux`, `dumb`, ...)
is trusted and never probed. Only telnet probes (its transport sets `probe_deadline`): SSH
clients send TERM from a real local terminal, are UTF-8 nearly always, and a PTY-less SSH
client could not answer at all.
"""

from __future__ import annotations

import asyncio
import logging

from retroboard.term.events import CursorReport
from retroboard.term.terminal import StreamTerminal

PROBE_DEADLINE = 1.5  # seconds a telnet client that negotiated gets to answer both requests
# A client that answered no telnet negotiation at all has already waited for it; it gets less,
# so that it still sees the login screen within a second (issue 2): a terminal behind a raw
# socket answers within a round trip, and nothing else answers at all.
RAW_PROBE_DEADLINE = 0.3
UNSURE_TERMS = frozenset({"unknown", "ansi", "vt100", "vt102", "vt220", "vt320", "xterm"})
TEST_CHAR = "\u20a9"  # WON SIGN: 3 bytes in UTF-8 (E2 82 A9), East Asian width H (1 column)
QUERY = b"\r\x1b[6n" + TEST_CHAR.encode("utf-8") + b"\x1b[6n"
ERASE = b"\r\x1b[K"


def needs_probe(term_type: str) -> bool:
    """True when `term_type` (cleaned) says nothing certain about the character set."""
    return term_type in UNSURE_TERMS


def decide(before: CursorReport, after: CursorReport) -> str | None:
    """The character set the cursor's move shows: 1 column 'utf-8', 2-3 columns 'cp437' (a
    single-byte set, and CP437 is the one BBS terminals have), anything else (another row, no
    move, a jump) None: no answer to trust."""
    if after.row != before.row:
        return None
    moved = after.col - before.col
    if moved == 1:
        return "utf-8"
    if moved in (2, 3):
        return "cp437"
    return None


async def probe_charset(term: StreamTerminal, deadline: float) -> str | None:
    """Ask the client (see the module docstring); the character set its answers show, or None
    when it did not answer both requests within `deadline` seconds (or answered nonsense).
    Raises Disconnected if the client is dropped while the query is sent."""
    with term.cursor_reports() as reports:
        term.send_bytes(QUERY)
        try:
            async with asyncio.timeout(deadline):
                await term.drain()
                first = await reports.get()
                second = await reports.get()
        except TimeoutError:
            return None
        finally:
            term.send_bytes(ERASE)
    return decide(first, second)


async def detect_charset(
    term: StreamTerminal, log: logging.Logger | logging.LoggerAdapter[logging.Logger]
) -> str | None:
    """Once per session, before the first screen: probe a terminal of an unsure type (when its
    transport allows: `term.probe_deadline` > 0) and switch to the character set found. Returns
    it (also kept in `term.probed_charset`), or None when nothing was asked or nothing learnt
    (the terminal type's guess stands). Never waits longer than the deadline."""
    deadline = term.probe_deadline
    if deadline <= 0 or not needs_probe(term.info.term_type):
        return None
    loop = asyncio.get_running_loop()
    start = loop.time()
    found = await probe_charset(term, deadline)
    took = loop.time() - start
    if found is None:
        log.info(
            "charset probe: no answer within %.1f s (%.2f s), keeping %s for %s",
            deadline,
            took,
            term.info.encoding,
            term.info.term_type,
        )
        return None
    log.info("charset probe: %s for %s (%.2f s)", found, term.info.term_type, took)
    term.probed_charset = found
    if found != term.info.encoding:
        term.set_encoding(found)
    return found

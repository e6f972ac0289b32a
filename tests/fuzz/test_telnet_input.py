"""The telnet input path against hostile bytes: the real protocol, a fake socket.

Each example builds one connection the way the listener does (`TelnetTransport.make_protocol`,
a guard that admits everything), feeds it a stream of random bytes, telnet commands, option
negotiation and unterminated or oversized subnegotiations split at random points, honours the
protocol's pause_reading as a socket would, and checks: nothing escapes `data_received`, every
buffer on the way (telnetlib3's reader and subnegotiation buffer, the key decoder, the session's
queue) stays within its bound, and the memory the connection holds stays bounded however much
was sent.
"""

from __future__ import annotations

import asyncio
import gc
import linecache
import logging
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retroboard.term.events import Disconnected
from retroboard.term.keys import MAX_SEQ
from retroboard.term.terminal import QUEUE_SIZE, StreamTerminal
from retroboard.transports.base import READ_SIZE, RECV_SIZE
from retroboard.transports.telnet import (
    MAX_SUBNEGOTIATION,
    PARSE_CHUNK,
    TelnetTransport,
)
from tests.fuzz import FUZZ_CONNECTIONS, FUZZ_LARGE

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
TTYPE, NAWS, IS = 24, 31, 0
UNLIMITED = 10**12  # keys/s: the rate limit's waits are real time; they are tested elsewhere
# What one connection may newly hold, however long it is sent to: the reader's buffer (it
# pauses the socket above 2 * READ_SIZE) and one read on top, a capped subnegotiation, a full
# queue of keys and one decoded piece (measured: about 30 KB).
HELD_BOUND = 64 * 1024


class FakeSocket(asyncio.Transport):
    """What the protocol sees of a socket: writes are counted, pause_reading is honoured by
    the feeding loop (as the kernel would stop delivering)."""

    def __init__(self) -> None:
        super().__init__()
        self.paused = False
        self.closed = False
        self.aborted = False
        self.written = 0
        self._protocol: Any = None

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("203.0.113.7", 4242), "sockname": ("127.0.0.1", 23)}.get(name, default)

    def write(self, data: Any) -> None:
        self.written += len(data)

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False

    def is_reading(self) -> bool:
        return not self.paused

    def is_closing(self) -> bool:
        return self.closed

    def set_protocol(self, protocol: Any) -> None:
        self._protocol = protocol

    def get_protocol(self) -> Any:
        return self._protocol

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = self.aborted = True


class Ticket:
    """A guard ticket that admits everything, with a byte budget (the pre-login one)."""

    def __init__(self, budget: int) -> None:
        self.address = "203.0.113.7"
        self.refusal: str | None = None
        # A budget this large stands for a caller who has logged in (no budget, back-pressure).
        self.logged_in = budget >= 1 << 30
        self.budget = budget
        self.taken = 0
        self.released = 0

    def take_bytes(self, n: int) -> bool:
        self.taken += n
        return self.taken <= self.budget

    def release(self) -> None:
        self.released += 1


class AdmitAll:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.tickets: list[Ticket] = []

    def admit(self, kind: str, address: str) -> Ticket:
        self.tickets.append(Ticket(self.budget))
        return self.tickets[-1]


class Session:
    """The app's side: reads every key until the caller is gone, `burst` keys at a time with
    a pause after each burst (a screen redrawing), so input backs up now and then."""

    def __init__(self, burst: int = 1 << 30) -> None:
        self.term: StreamTerminal | None = None
        self.keys = 0
        self.burst = burst
        self.done = asyncio.Event()
        self.max_queue = 0

    async def __call__(self, term: StreamTerminal, user: Any, register: bool, ticket: Any) -> None:
        self.term = term
        term.key_rate = UNLIMITED
        try:
            while True:
                self.max_queue = max(self.max_queue, term._queue.qsize())
                await term.read_input()
                self.keys += 1
                if self.keys % self.burst == 0:
                    for _ in range(20):
                        await asyncio.sleep(0)
        except Disconnected:
            pass
        finally:
            self.done.set()


def option_bytes(opt: int) -> bytes:
    return bytes([opt]) * (2 if opt == IAC else 1)


OPTION = st.integers(0, 255)
PAYLOAD = st.binary(max_size=48)
PIECES = st.one_of(
    st.binary(max_size=64),
    st.sampled_from([b"\r\n", b"\r\x00", b"\x1b[A", b"\x1b", b"\x1b[1;5C", b"hello", b"\xff\xff"]),
    # option negotiation with any option
    st.builds(
        lambda c, o: bytes([IAC, c]) + option_bytes(o),
        st.sampled_from([DO, DONT, WILL, WONT]),
        OPTION,
    ),
    # any two-byte command (NOP, AYT, GA, BRK, IP, SE without SB, ...)
    st.integers(0, 255).map(lambda c: bytes([IAC, c])),
    # a complete subnegotiation with any option and payload
    st.builds(lambda o, p: bytes([IAC, SB, o]) + p + bytes([IAC, SE]), OPTION, PAYLOAD),
    # an unterminated one
    st.builds(lambda o, p: bytes([IAC, SB, o]) + p, OPTION, PAYLOAD),
    # an oversized one (terminated or not)
    st.builds(
        lambda o, p, n, end: bytes([IAC, SB, o]) + p * n + (bytes([IAC, SE]) if end else b""),
        OPTION,
        st.binary(min_size=1, max_size=8),
        st.integers(1, 1200),
        st.booleans(),
    ),
    # a long one (several parse chunks; telnetlib3 alone would keep up to 1 MiB)
    st.builds(
        lambda o, n: bytes([IAC, SB, o]) + b"\x00" * n,
        OPTION,
        st.sampled_from([1500, 6000, 20000]),
    ),
    # a flood of plain text (more than the reader and the session's queue hold)
    st.sampled_from([3000, 12000, 40000]).map(lambda n: b"x" * n),
    # the options the board reads: terminal type (any text) and window size (any numbers)
    st.builds(lambda t: bytes([IAC, SB, TTYPE, IS]) + t + bytes([IAC, SE]), st.binary(max_size=80)),
    st.builds(lambda p: bytes([IAC, SB, NAWS]) + p + bytes([IAC, SE]), st.binary(max_size=6)),
)
STREAMS = st.lists(PIECES, max_size=30).map(b"".join)


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as r:
        yield r


@pytest.fixture(scope="module", autouse=True)
def quiet_telnetlib3() -> Iterator[None]:
    """telnetlib3 warns about every malformed command; thousands of examples need no record."""
    logger = logging.getLogger("telnetlib3")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


async def run_connection(
    data: bytes,
    cuts: list[int],
    shell_at: int,
    budget: int,
    trace_from: int | None = None,
    burst: int = 1 << 30,
) -> tuple[int, Ticket, Session]:
    """Feed `data` to one connection. With `trace_from`, memory allocated from that offset
    on is traced, and the part still held at the end is returned (else 0)."""
    guard = AdmitAll(budget)
    session = Session(burst)
    transport = TelnetTransport(session, guard, host="127.0.0.1", port=0)
    sock = FakeSocket()
    held = 0
    proto = transport.make_protocol()
    proto.default_key_rate = UNLIMITED
    proto.connection_made(sock)
    await asyncio.sleep(0)  # negotiation starts
    # Split where the example says, and as a socket does: at most RECV_SIZE per read.
    bounds = sorted(
        {min(c, len(data)) for c in cuts}
        | set(range(RECV_SIZE, len(data), RECV_SIZE))
        | {len(data)}
    )
    start = 0
    chunk = b""
    for index, cut in enumerate(bounds):
        if (index >= shell_at or sock.paused) and not proto._waiter_connected.done():
            # The negotiation wait is over (a paused socket waits for it): the session starts.
            proto.connect_maxwait = 0
            proto._check_negotiation_timer()
        for _ in range(100_000):  # a paused socket delivers nothing until resumed
            if not sock.paused or sock.closed:
                break
            await asyncio.sleep(0)
        else:
            raise AssertionError("reading stayed paused with the session reading every key")
        if sock.closed:
            break
        if trace_from is not None and start >= trace_from and not tracemalloc.is_tracing():
            gc.collect()
            tracemalloc.start()
        chunk = data[start:cut]
        start = cut
        if proto.terminal is not None:
            proto.terminal.key_rate = UNLIMITED  # as the app sets it when the session starts
        proto.data_received(chunk)  # nothing may escape this
        await asyncio.sleep(0)
        check_bounds(proto, len(chunk))
    for _ in range(20):
        await asyncio.sleep(0)
        check_bounds(proto, len(chunk))
    if tracemalloc.is_tracing():
        chunk = b""
        gc.collect()
        held, top = connection_held(tracemalloc.take_snapshot())
        tracemalloc.stop()
        if held > HELD_BOUND:
            print("held by line:", *top, sep="\n  ")
    proto.connection_lost(None)
    if session.term is not None:
        await asyncio.wait_for(session.done.wait(), 5)
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(guard.tickets) == 1 and guard.tickets[0].released >= 1
    return held, guard.tickets[0], session


# Process-wide caches filled once, whichever connection happens to be first: source lines read
# for a warning or traceback, a lazy import, a compiled pattern, the tracer itself. They do not
# grow with what a caller sends, so they are not counted against the connection.
ONCE_PER_PROCESS = [
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, linecache.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    tracemalloc.Filter(False, "*/re/_*.py"),
    tracemalloc.Filter(False, "*/_pytest/*"),
    tracemalloc.Filter(False, "*/hypothesis/*"),
]


def connection_held(snapshot: tracemalloc.Snapshot) -> tuple[int, list[str]]:
    """Bytes still held from the traced part of a connection, and the five biggest holders."""
    stats = snapshot.filter_traces(ONCE_PER_PROCESS).statistics("lineno")
    return sum(stat.size for stat in stats), [str(stat) for stat in stats[:5]]


def check_bounds(proto: Any, chunk: int) -> None:
    if proto.reader is not None:
        # Logged in, the reader pauses the socket above twice its limit; before login the
        # byte budget bounds it instead (reading goes on so a flooder meets it at once).
        # One delivery may land on top either way.
        ticket = proto.ticket
        bound = 2 * READ_SIZE if ticket.logged_in else max(2 * READ_SIZE, ticket.budget)
        assert len(proto.reader._buffer) <= bound + chunk
    if proto.writer is not None:
        assert len(proto.writer._sb_buffer) <= MAX_SUBNEGOTIATION + PARSE_CHUNK
    term = proto.terminal
    if term is not None:
        assert term._queue.qsize() <= QUEUE_SIZE
        assert term._decoder.buffered <= MAX_SEQ + 4
        assert len(term.info.term_type) <= 40
    for key, value in proto._extra.items():
        if key.startswith("ttype") or key == "TERM":
            assert len(value) <= 40 and "\n" not in value


CUTS = st.lists(st.integers(0, 40_000), max_size=16)


BURSTS = st.sampled_from([1 << 30, 300, 7])


@FUZZ_CONNECTIONS
@given(STREAMS, CUTS, st.integers(0, 16), st.sampled_from([1 << 30, 65536, 512]), BURSTS)
def test_hostile_telnet_input_is_survived(
    runner: asyncio.Runner, data: bytes, cuts: list[int], shell_at: int, budget: int, burst: int
) -> None:
    _, ticket, session = runner.run(run_connection(data, cuts, shell_at, budget, burst=burst))
    if session.term is not None:
        assert session.max_queue <= QUEUE_SIZE


KEYS = st.lists(
    st.sampled_from([b"a", b"Z ", b"\r\n", b"\x1b[A", b"\x1bOP", "é€".encode(), b"\x7f", b"\t"]),
    min_size=1,
    max_size=8,
).map(b"".join)
COMMANDS = st.lists(PIECES.filter(lambda b: b.startswith(b"\xff")), min_size=1, max_size=8).map(
    b"".join
)
MIXED = st.lists(PIECES, min_size=1, max_size=8).map(b"".join).filter(bool)
KINDS = {"keys": KEYS, "commands": COMMANDS, "mixed": MIXED}


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ_LARGE
@given(
    data=st.data(),
    size=st.integers(200_000, 400_000),
    cuts=CUTS,
    shell_at=st.integers(0, 16),
    burst=st.sampled_from([1 << 30, 300]),
)
def test_memory_held_is_bounded_however_much_is_sent(
    runner: asyncio.Runner,
    kind: str,
    data: st.DataObject,
    size: int,
    cuts: list[int],
    shell_at: int,
    burst: int,
) -> None:
    """200 KB to 400 KB of hostile input (keys, telnet commands, or anything; a pattern
    repeated): of what is allocated while the second half arrives, no more than HELD_BOUND is
    still held at the end (bounded buffers are full by then; anything that grows with the input
    would show as 100 KB or more)."""
    pattern = data.draw(KINDS[kind], label="pattern")
    stream = (pattern * (size // len(pattern) + 1))[:size]
    try:
        held, _, _ = runner.run(
            run_connection(stream, cuts, shell_at, 1 << 30, size // 2, burst=burst)
        )
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
    assert held <= HELD_BOUND, (len(stream), held)


# Options the board never offers; telnetlib3's stock writer keeps every message of the first
# four in a per-connection list (and ZMP's in a dict by command) for as long as it is open.
UNOFFERED = {"ATCP": 200, "MXP": 91, "AARDWOLF": 102, "ZMP": 93, "GMCP": 201, "MSDP": 69}


@pytest.mark.parametrize("name", sorted(UNOFFERED))
def test_subnegotiations_of_options_never_offered_are_not_kept(
    runner: asyncio.Runner, name: str
) -> None:
    """110 KB of well-formed MUD-protocol messages, each different: none of them is held
    (measured with the stock handling: MXP, ATCP, ZMP and Aardwolf hold 150-650 KB)."""
    option = UNOFFERED[name]
    stream = b"".join(
        bytes([IAC, SB, option]) + b"Char.Vitals %d\x00x" % n + bytes([IAC, SE])
        for n in range(5_000)
    )
    try:
        held, _, _ = runner.run(run_connection(stream, [], 1, 1 << 30, len(stream) // 2))
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
    assert held <= HELD_BOUND, (name, len(stream), held)


def test_an_unsolicited_mccp3_start_does_not_inflate_the_input(runner: asyncio.Runner) -> None:
    """`IAC SB MCCP3 IAC SE` then zlib data: the server never agreed to MCCP3, so the bytes
    stay what they are on the wire (a 1 MB bomb in ~1 KB would otherwise be a million keys)."""
    bomb = zlib.compress(b"x" * 1_000_000, 9)
    stream = bytes([IAC, SB, 87, IAC, SE]) + bomb
    _, _, session = runner.run(run_connection(stream, [5], 1, 1 << 30))
    assert session.keys <= len(bomb), (len(bomb), session.keys)
